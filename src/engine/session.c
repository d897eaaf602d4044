/* session.c - the opening steps of the engine: targets, raw sockets, the
 * capture, signals, privilege. */
#include "engine/session.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <time.h>

#include "net/conn.h"
#include "engine/evloop.h"
#include "util/exitcode.h"
#include "net/privdrop.h"
#include "net/route.h"

int session_error(char *err, size_t errlen, const char *msg, bool perm)
{
	if (perm) {
		snprintf(err, errlen, "%s (kaprobe needs CAP_NET_RAW: run it with sudo, or "
			 "grant it once with 'setcap cap_net_raw+ep kaprobe')", msg);
		return EXIT_NOPERM;
	}
	snprintf(err, errlen, "%s", msg);
	return EXIT_SOFTWARE;
}

int session_target(struct dest *d, const char *target, int family, const char *iface,
		   char *err, size_t errlen)
{
	int unreachable, rc;

	if (target_parse(target, &d->tgt, err, errlen) < 0)
		return EXIT_USAGE;
	rc = target_resolve(&d->tgt, family, err, errlen);
	if (rc < 0)
		return rc == TARGET_REFUSED ? EXIT_USAGE : EXIT_NOCONNECT;
	sockaddr_format((struct sockaddr *)&d->tgt.addr, d->dst_txt, sizeof d->dst_txt);
	if (route_lookup((struct sockaddr *)&d->tgt.addr, d->tgt.addrlen, iface, &d->src,
			 d->iface, &unreachable, err, errlen) < 0)
		return unreachable ? EXIT_NOCONNECT : EXIT_USAGE;
	return 0;
}

int session_prober(struct session *s, int family, const char *iface, char *err,
		   size_t errlen)
{
	struct prober *p = session_prober_of(s, family);
	char msg[256];
	bool perm;

	if (p->l)
		return 0;
	if (prober_open(p, family, true, iface, &perm, msg, sizeof msg) < 0)
		return session_error(err, errlen, msg, perm);
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

int session_capture_filter(struct session *s, const char *iface, const char *filter,
			   const char *wfile, char *err, size_t errlen)
{
	char msg[256];
	bool perm;
	int rc = 0;

	if (capture_open(&s->cap, iface, filter, wfile != NULL, &perm, msg, sizeof msg) < 0)
		rc = session_error(err, errlen, msg, perm);
	else if (wfile && capture_dump_open(&s->cap, wfile, err, errlen) < 0)
		rc = EXIT_CANTCREAT;
	s->real_off = realtime_offset();
	return rc;
}

/* The capture filter of the n destinations, malloc'ed, or NULL. */
static char *dest_filter(const struct dest *d, unsigned n)
{
	struct capture_peer *peers = calloc(n ? n : 1, sizeof *peers);
	char *filter;

	if (!peers)
		return NULL;
	for (unsigned i = 0; i < n; i++) {
		uint16_t any;

		peers[i].family = d[i].tgt.addr.ss_family;
		conn_raw_addr(&d[i].src, peers[i].laddr, &any);
		conn_raw_addr(&d[i].tgt.addr, peers[i].raddr, &peers[i].rport);
	}
	filter = capture_filter(peers, n);
	free(peers);
	return filter;
}

int session_refilter(struct session *s, const struct dest *d, unsigned n, char *err,
		     size_t errlen)
{
	char *filter;
	int rc;

	if (!s->cap.p)
		return 0;   /* the capture is being reopened: with every destination */
	if (!(filter = dest_filter(d, n)))
		return session_error(err, errlen, "out of memory", false);
	rc = capture_setfilter(&s->cap, filter, err, errlen) < 0 ? EXIT_SOFTWARE : 0;
	free(filter);
	return rc;
}

int session_capture(struct session *s, const char *iface, const struct dest *d, unsigned n,
		    const char *wfile, char *err, size_t errlen)
{
	char *filter = dest_filter(d, n);
	int rc;

	if (!filter)
		return session_error(err, errlen, "out of memory", false);
	rc = session_capture_filter(s, iface, filter, wfile, err, errlen);
	free(filter);
	return rc;
}

bool session_hup_ignored(void)
{
	struct sigaction sa;

	return sigaction(SIGHUP, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN;
}

int session_signals(bool quit)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (!session_hup_ignored())
		sigaddset(&set, SIGHUP);    /* the terminal went away: as SIGTERM */
	if (quit)
		sigaddset(&set, SIGQUIT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int session_check_user(const char *user, char *err, size_t errlen)
{
	return priv_check_user(user, err, errlen) == PRIV_OK ? 0 : EXIT_USAGE;
}

int session_drop(const char *user, bool keep_raw, char *err, size_t errlen)
{
	signal(SIGPIPE, SIG_IGN);
	switch (priv_drop(user, keep_raw, err, errlen)) {
	case PRIV_OK: return 0;
	case PRIV_NO_USER: return EXIT_USAGE;
	case PRIV_DENIED: return EXIT_NOPERM;
	default: return EXIT_SOFTWARE;
	}
}

void session_close(struct session *s)
{
	capture_close(&s->cap);
	prober_close(&s->pr[0]);
	prober_close(&s->pr[1]);
}
