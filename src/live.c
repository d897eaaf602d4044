/* live.c - `kaprobe HOST:PORT`: keep-alive acted out on a real connection.
 *
 * The kernel opens the connection (connect(2), no SO_KEEPALIVE) and keeps
 * it; kaprobe only watches it with libpcap and, once it has been idle,
 * sends the probes the kernel's keep-alive timer would send, built with
 * libnet on a raw socket.  Everything kaprobe knows of the connection's
 * sequence state comes from the capture: the handshake, the peer's data,
 * the kernel's ACKs.  The state machine (keepalive.c) decides when to probe
 * and what a reply means; this file is only the plumbing around it.
 */
#include "live.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "conn.h"
#include "evloop.h"
#include "exitcode.h"
#include "flow.h"
#include "output.h"
#include "parse.h"
#include "segment.h"
#include "session.h"
#include "target.h"

/* How long the capture may lag the kernel's connect() before kaprobe
 * concludes it is listening on the wrong interface. */
#define HANDSHAKE_WAIT_US 2000000

enum phase {
	PH_CONNECTING,   /* connect() in progress */
	PH_HANDSHAKE,    /* connected; waiting for the capture to see it */
	PH_RUNNING,      /* the state machine runs */
};

struct live {
	const struct live_opts *opt;
	struct session ss;       /* target, route, raw socket, capture */
	char src_txt[80], peer_txt[64];

	struct conn c;           /* the connection under test */
	int sigfd;
	struct evloop loop;
	struct output out;

	struct ka_machine ka;
	enum phase phase;
	bool stamp_pending;      /* the latest probe not yet seen captured */
	uint32_t probe_seq;
	int status;              /* exit status once stopped */
	char err[256];
};

static void stop(struct live *lv, int status)
{
	lv->status = status;
	evloop_stop(&lv->loop);
}

static void fail(struct live *lv, int status)
{
	fprintf(stderr, "kaprobe: %s\n", lv->err);
	stop(lv, status);
}

static const struct ka_config *cfg(const struct live *lv)
{
	return &lv->opt->cfg;
}

static void finish(struct live *lv, ka_time t, enum ka_verdict v, int status)
{
	out_verdict(&lv->out, t, ka_verdict_name(v), NULL);
	out_summary(&lv->out, t, &lv->ka);
	stop(lv, status);
}

static int verdict_status(enum ka_verdict v)
{
	switch (v) {
	case KA_VERDICT_RESET: return EXIT_RESET;
	case KA_VERDICT_DEAD:
	case KA_VERDICT_UNREACHABLE: return EXIT_DEAD;
	default: return EXIT_ALIVE;
	}
}

/* ---- probes ---------------------------------------------------------- */

static void send_probe(struct live *lv, ka_time now)
{
	static const uint8_t garbage = 0;
	struct probe_spec s;

	conn_probe_spec(&lv->c, &s);
	if (lv->opt->garbage) {
		s.payload = &garbage;
		s.paylen = 1;
	}
	if (prober_build(&lv->ss.pr, &s, lv->err, sizeof lv->err) < 0 ||
	    prober_send(&lv->ss.pr, lv->err, sizeof lv->err) < 0) {
		fail(lv, EXIT_SOFTWARE);
		return;
	}
	ka_sent(&lv->ka, now);
	lv->stamp_pending = true;
	lv->probe_seq = s.seq;
	out_probe(&lv->out, now, lv->ka.probes_out, s.seq, s.ack, s.paylen);
}

/* ---- what the capture sees --------------------------------------------- */

static void report_reply(struct live *lv, ka_time t, const char *kind,
			 const struct ka_outcome *o, const struct segment *s)
{
	char from[64];
	struct out_reply r = {
		.kind = kind, .n = o->n, .rtt = o->rtt, .ttl = s->ttl,
		.from = lv->peer_txt, .seq = s->seq, .ack = s->ack, .len = s->len,
		.icmp_type = -1,
	};

	if (s->kind == SEG_ICMP_ERR) {
		addr_format(s->family, s->src, from, sizeof from);
		r.from = from;
		r.icmp_type = s->icmp_type;
		r.icmp_code = s->icmp_code;
	}
	out_reply(&lv->out, t, &r);
}

static void after_answer(struct live *lv, ka_time t)
{
	if (lv->opt->count > 0 && lv->ka.st.answered >= (unsigned long)lv->opt->count)
		finish(lv, t, KA_VERDICT_ALIVE, EXIT_ALIVE);
}

/* A segment from the peer, classified against the state before it. */
static void on_inbound(struct live *lv, ka_time t, const struct segment *s)
{
	const struct flow_dir *peer = &lv->c.flow.d[1];
	struct ka_outcome o;

	if (s->flags & TCPF_RST) {
		if (s->seq == peer->snd) {
			o = ka_receive(&lv->ka, t, KA_IN_RST);
			report_reply(lv, t, "rst", &o, s);
			finish(lv, t, KA_VERDICT_RESET, EXIT_RESET);
		} else {
			char text[128];

			/* RFC 5961 3.2: only an RST at exactly RCV.NXT may be
			 * trusted; a blind attacker or a confused middlebox
			 * sends others. */
			snprintf(text, sizeof text,
				 "RST seq=%u from %s is not at RCV.NXT=%u: not acted on (RFC 5961)",
				 s->seq, lv->peer_txt, peer->snd);
			out_notice(&lv->out, t, "untrusted-rst", text);
		}
		return;
	}
	bool fin = (s->flags & TCPF_FIN) && !(peer->flags & FD_FIN);

	if (flow_is_new_data(&lv->c.flow, 1, s)) {
		o = ka_receive(&lv->ka, t, KA_IN_DATA);
		if (o.answered)
			report_reply(lv, t, "data", &o, s);
		if (fin)
			out_notice(&lv->out, t, "peer-fin",
				   "the peer closed its side of the connection (FIN)");
		if (o.answered)
			after_answer(lv, t);
		return;
	}
	if (flow_acks_all(&lv->c.flow, 1, s)) {
		o = ka_receive(&lv->ka, t, KA_IN_ACK);
		if (o.answered) {
			report_reply(lv, t, "ack", &o, s);
			after_answer(lv, t);
		}
	}
}

static void start_running(struct live *lv, ka_time now);

static void on_packet(void *ctx, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct live *lv = ctx;
	struct segment s;
	ka_time t = session_time(&lv->ss, &h->ts);

	if (lv->loop.stop || seg_decode(lv->ss.cap.linktype, bytes, h->caplen, &s) != SEG_OK)
		return;
	switch (conn_classify(&lv->c, &s)) {
	case CONN_ICMP:
		if (lv->phase == PH_RUNNING) {
			struct ka_outcome o = ka_receive(&lv->ka, t, KA_IN_ICMP);

			report_reply(lv, t, "icmp", &o, &s);
		}
		return;
	case CONN_OUT:
		if (lv->phase == PH_RUNNING && lv->stamp_pending &&
		    flow_is_probe(&lv->c.flow, 0, &s) && s.seq == lv->probe_seq) {
			/* Our own probe, as the capture saw it leave: its
			 * timestamp and the reply's come from one clock. */
			ka_restamp(&lv->ka, t);
			lv->stamp_pending = false;
			flow_update(&lv->c.flow, 0, &s);
		} else {
			conn_seen_out(&lv->c, &s);
		}
		return;
	case CONN_IN:
		if (lv->phase == PH_RUNNING)
			on_inbound(lv, t, &s);
		conn_seen_in(&lv->c, &s, t);
		if (lv->phase == PH_HANDSHAKE && conn_established(&lv->c))
			start_running(lv, t);
		return;
	case CONN_NONE:
		return;
	}
}

static void on_capture(struct evloop *loop, int fd, short revents, void *ctx)
{
	struct live *lv = ctx;

	(void)loop; (void)fd; (void)revents;
	if (capture_read(&lv->ss.cap, on_packet, lv, lv->err, sizeof lv->err) < 0)
		fail(lv, EXIT_SOFTWARE);
	if (!lv->loop.stop && out_failed(&lv->out))
		stop(lv, lv->ka.last_answered ? EXIT_ALIVE : EXIT_DEAD);
}

/* ---- timers ------------------------------------------------------------ */

static void on_timer(struct evloop *loop, ka_time now, void *ctx);

static void arm(struct live *lv, ka_time when)
{
	evloop_timer(&lv->loop, when, on_timer, lv);
}

static void on_timer(struct evloop *loop, ka_time now, void *ctx)
{
	struct live *lv = ctx;
	char d[32];

	(void)loop;
	switch (lv->phase) {
	case PH_CONNECTING:
		format_duration(lv->opt->connect_timeout, d, sizeof d);
		snprintf(lv->err, sizeof lv->err, "cannot connect to %s: timed out after %s",
			 lv->ss.dst_txt, d);
		fail(lv, EXIT_NOCONNECT);
		return;
	case PH_HANDSHAKE:
		snprintf(lv->err, sizeof lv->err,
			 "the capture on %s did not see the handshake: name the interface the "
			 "connection uses with -i", lv->ss.iface);
		fail(lv, EXIT_SOFTWARE);
		return;
	case PH_RUNNING:
		break;
	}
	switch (ka_timer(&lv->ka, cfg(lv), now)) {
	case KA_ACT_PROBE:
		send_probe(lv, now);
		break;
	case KA_ACT_VERDICT:
		finish(lv, now, lv->ka.verdict, verdict_status(lv->ka.verdict));
		return;
	case KA_ACT_NONE:
		break;
	}
	if (!lv->loop.stop)
		arm(lv, ka_deadline(&lv->ka, cfg(lv)));
}

static void start_running(struct live *lv, ka_time now)
{
	lv->phase = PH_RUNNING;
	out_connect(&lv->out, now, lv->src_txt, lv->ss.dst_txt, lv->ss.iface,
		    flow_ts_negotiated(&lv->c.flow), &lv->opt->cfg);
	/* Linux counts idle time from the last segment received. */
	ka_init(&lv->ka, lv->c.last_rx);
	arm(lv, ka_deadline(&lv->ka, cfg(lv)));
}

/* ---- the connection's own socket --------------------------------------- */

static void on_socket(struct evloop *loop, int fd, short revents, void *ctx)
{
	struct live *lv = ctx;

	(void)revents;
	if (lv->phase == PH_CONNECTING) {
		int e = conn_connect_error(&lv->c);

		if (e) {
			snprintf(lv->err, sizeof lv->err, "cannot connect to %s: %s",
				 lv->ss.dst_txt, strerror(e));
			fail(lv, EXIT_NOCONNECT);
			return;
		}
		lv->phase = PH_HANDSHAKE;
		evloop_modify(loop, fd, POLLIN);
		arm(lv, ev_now() + HANDSHAKE_WAIT_US);
		/* The capture may already hold the whole handshake. */
		on_capture(loop, lv->ss.cap.fd, POLLIN, lv);
		return;
	}
	/* Whatever the server says (an SSH or SMTP banner) is read and
	 * dropped; the capture has already counted it.  At end of stream or
	 * on error the socket has nothing more to say: stop watching it. */
	if (!conn_drain(&lv->c))
		evloop_remove(loop, fd);
}

/* ---- signals ------------------------------------------------------------ */

static void on_signal(struct evloop *loop, int fd, short revents, void *ctx)
{
	struct live *lv = ctx;
	struct signalfd_siginfo si;
	ka_time now = ev_now();

	(void)loop; (void)revents;
	if (read(fd, &si, sizeof si) != (ssize_t)sizeof si)
		return;
	if (si.ssi_signo == SIGQUIT) {
		out_status(stderr, &lv->ka);
		return;
	}
	/* SIGINT or SIGTERM: like ping, summarize; the exit status says
	 * whether the last round was answered. */
	if (lv->ka.last_answered) {
		finish(lv, now, KA_VERDICT_ALIVE, EXIT_ALIVE);
	} else {
		out_summary(&lv->out, now, &lv->ka);
		stop(lv, EXIT_DEAD);
	}
}

/* ---- setting up ---------------------------------------------------------- */

static int setup(struct live *lv)
{
	const struct live_opts *o = lv->opt;
	int rc;

	if ((rc = session_target(&lv->ss, o->target, o->family, o->iface)) != 0 ||
	    (rc = session_prober(&lv->ss, o->iface)) != 0)
		return rc;
	lv->out.target = lv->ss.dst_txt;
	/* The connection's socket is bound first, so that the capture can
	 * filter for its port before the SYN leaves. */
	if (conn_open(&lv->c, &lv->ss.src, &lv->ss.tgt.addr, o->iface) < 0) {
		snprintf(lv->err, sizeof lv->err, "cannot open the connection's socket: %s",
			 strerror(errno));
		return session_error(lv->err, errno == EPERM);
	}
	sockaddr_format((struct sockaddr *)&lv->ss.src, lv->src_txt, sizeof lv->src_txt);
	addr_format(lv->c.family, lv->c.raddr, lv->peer_txt, sizeof lv->peer_txt);
	if ((rc = session_capture(&lv->ss, lv->c.lport, o->wfile)) != 0)
		return rc;
	if ((lv->sigfd = session_signals(true)) < 0) {
		snprintf(lv->err, sizeof lv->err, "cannot set up signals: %s", strerror(errno));
		return session_error(lv->err, false);
	}
	return session_drop(o->user);
}

static int start_connect(struct live *lv)
{
	if (conn_connect(&lv->c, (struct sockaddr *)&lv->ss.tgt.addr, lv->ss.tgt.addrlen) < 0) {
		snprintf(lv->err, sizeof lv->err, "cannot connect to %s: %s", lv->ss.dst_txt,
			 strerror(errno));
		fprintf(stderr, "kaprobe: %s\n", lv->err);
		return EXIT_NOCONNECT;
	}
	evloop_add(&lv->loop, lv->c.sock, POLLOUT, on_socket, lv);
	evloop_add(&lv->loop, lv->ss.cap.fd, POLLIN, on_capture, lv);
	evloop_add(&lv->loop, lv->sigfd, POLLIN, on_signal, lv);
	arm(lv, ev_now() + lv->opt->connect_timeout);
	return 0;
}

int live_run(const struct live_opts *opt)
{
	struct live lv = { .opt = opt, .c.sock = -1, .sigfd = -1 };
	int rc;

	evloop_init(&lv.loop);
	out_init(&lv.out, stdout, opt->json, opt->quiet, ev_now());
	rc = setup(&lv);
	if (rc == 0)
		rc = start_connect(&lv);
	if (rc == 0) {
		if (evloop_run(&lv.loop) < 0) {
			fprintf(stderr, "kaprobe: event loop failed: %s\n", strerror(errno));
			lv.status = EXIT_SOFTWARE;
		}
		rc = lv.status;
	}
	session_close(&lv.ss);
	conn_close(&lv.c);
	if (lv.sigfd >= 0)
		close(lv.sigfd);
	fflush(stdout);
	return rc;
}
