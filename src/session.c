/* session.c - the opening steps the live prober and the audit share. */
#include "session.h"

#include <signal.h>
#include <stdio.h>
#include <sys/signalfd.h>
#include <time.h>

#include "conn.h"
#include "evloop.h"
#include "exitcode.h"
#include "privdrop.h"
#include "route.h"

int session_error(const char *msg, bool perm)
{
	if (perm) {
		fprintf(stderr, "kaprobe: %s (kaprobe needs CAP_NET_RAW: run it with sudo, or "
			"grant it once with 'setcap cap_net_raw+ep kaprobe')\n", msg);
		return EXIT_NOPERM;
	}
	fprintf(stderr, "kaprobe: %s\n", msg);
	return EXIT_SOFTWARE;
}

int session_target(struct session *s, const char *target, int family, const char *iface)
{
	char err[256];
	int unreachable, rc;

	if (target_parse(target, &s->tgt, err, sizeof err) < 0) {
		fprintf(stderr, "kaprobe: %s\n", err);
		return EXIT_USAGE;
	}
	rc = target_resolve(&s->tgt, family, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "kaprobe: %s\n", err);
		return rc == TARGET_REFUSED ? EXIT_USAGE : EXIT_NOCONNECT;
	}
	sockaddr_format((struct sockaddr *)&s->tgt.addr, s->dst_txt, sizeof s->dst_txt);
	if (route_lookup((struct sockaddr *)&s->tgt.addr, s->tgt.addrlen, iface, &s->src,
			 s->iface, &unreachable, err, sizeof err) < 0) {
		fprintf(stderr, "kaprobe: %s\n", err);
		return unreachable ? EXIT_NOCONNECT : EXIT_USAGE;
	}
	return 0;
}

int session_prober(struct session *s, const char *iface)
{
	char err[256];
	bool perm;

	if (prober_open(&s->pr, s->tgt.addr.ss_family, true, iface, &perm, err, sizeof err) < 0)
		return session_error(err, perm);
	return 0;
}

/* Packet timestamps are CLOCK_REALTIME; the event loop runs on
 * CLOCK_MONOTONIC.  The offset between them, taken once, maps one onto
 * the other. */
static ka_time realtime_offset(void)
{
	struct timespec rt;

	clock_gettime(CLOCK_REALTIME, &rt);
	return (ka_time)rt.tv_sec * 1000000 + rt.tv_nsec / 1000 - ev_now();
}

int session_capture(struct session *s, uint16_t lport, const char *wfile)
{
	uint8_t laddr[16], raddr[16];
	uint16_t any, rport;
	char filter[768], err[256];
	bool perm;

	conn_raw_addr(&s->src, laddr, &any);
	conn_raw_addr(&s->tgt.addr, raddr, &rport);
	capture_filter(filter, sizeof filter, s->tgt.addr.ss_family, laddr, lport, raddr, rport);
	if (capture_open(&s->cap, s->iface, filter, &perm, err, sizeof err) < 0)
		return session_error(err, perm);
	if (wfile && capture_dump_open(&s->cap, wfile, err, sizeof err) < 0) {
		fprintf(stderr, "kaprobe: %s\n", err);
		return EXIT_CANTCREAT;
	}
	s->real_off = realtime_offset();
	return 0;
}

int session_signals(bool quit)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (quit)
		sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int session_check_user(const char *user)
{
	char err[256];

	if (priv_check_user(user, err, sizeof err) != PRIV_OK) {
		fprintf(stderr, "kaprobe: %s\n", err);
		return EXIT_USAGE;
	}
	return 0;
}

int session_drop(const char *user)
{
	char err[256];

	signal(SIGPIPE, SIG_IGN);
	switch (priv_drop(user, err, sizeof err)) {
	case PRIV_OK: return 0;
	case PRIV_NO_USER: fprintf(stderr, "kaprobe: %s\n", err); return EXIT_USAGE;
	case PRIV_DENIED: fprintf(stderr, "kaprobe: %s\n", err); return EXIT_NOPERM;
	default: return session_error(err, false);
	}
}

void session_close(struct session *s)
{
	capture_close(&s->cap);
	prober_close(&s->pr);
}
