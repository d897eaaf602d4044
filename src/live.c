/* live.c - `kaprobe HOST:PORT`: keep-alive acted out on a real connection.
 *
 * A planner over the engine (engine.h): one connection, the user's timings,
 * the kernel's probe (or its one-byte variant), and the engine's events
 * turned into ping-like lines.  What counts as an answer is the engine's
 * and the classifier's business, not this file's.
 */
#include "live.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "exitcode.h"
#include "output.h"
#include "parse.h"
#include "target.h"

struct live {
	const struct live_opts *opt;
	struct engine e;
	struct output out;
	struct econn *c;
	bool started;            /* the connection became ready */
	char peer_txt[64];
};

static int verdict_status(enum ka_verdict v)
{
	switch (v) {
	case KA_VERDICT_RESET: return EXIT_RESET;
	case KA_VERDICT_DEAD:
	case KA_VERDICT_UNREACHABLE: return EXIT_DEAD;
	default: return EXIT_ALIVE;
	}
}

static void finish(struct live *lv, ka_time t, enum ka_verdict v)
{
	out_verdict(&lv->out, t, ka_verdict_name(v), NULL);
	out_summary(&lv->out, t, &lv->c->ka, lv->e.ignored);
	engine_stop(&lv->e, verdict_status(v));
}

static void shape_one_byte(const struct conn *c, struct probe_spec *s)
{
	static const uint8_t garbage;

	(void)c;
	s->payload = &garbage;
	s->paylen = 1;
}

/* ---- events ---------------------------------------------------------------- */

static const char *reply_kind(enum cl_kind k)
{
	switch (k) {
	case CL_RESET: return "rst";
	case CL_DATA: return "data";
	case CL_ICMP_ERROR: return "icmp";
	default: return "ack";
	}
}

static void on_reply(struct live *lv, const struct eng_event *ev)
{
	const struct segment *s = ev->seg;
	char from[64];
	struct out_reply r = {
		.kind = reply_kind(ev->cls), .n = ev->out.n, .round = ev->c->round,
		.rtt = ev->out.rtt, .ttl = s->ttl, .from = lv->peer_txt,
		.seq = s->seq, .ack = s->ack, .len = s->len, .icmp_type = -1,
	};

	if (s->kind == SEG_ICMP_ERR) {
		addr_format(s->family, s->src, from, sizeof from);
		r.from = from;
		r.icmp_type = s->icmp_type;
		r.icmp_code = s->icmp_code;
		r.icmp_class = ev->hard ? "hard" : "soft";
	}
	out_reply(&lv->out, ev->t, &r);
	if (ev->out.answered && lv->opt->count > 0 &&
	    lv->c->ka.st.answered >= (unsigned long)lv->opt->count)
		finish(lv, ev->t, KA_VERDICT_ALIVE);
}

static void on_ignored(struct live *lv, const struct eng_event *ev)
{
	char from[64], text[192];
	const struct segment *s = ev->seg;

	addr_format(s->family, s->src, from, sizeof from);
	if (ev->cls == CL_RST_UNTRUSTED) {
		snprintf(text, sizeof text,
			 "RST seq=%u from %s is not at RCV.NXT=%u: not acted on (RFC 5961)",
			 s->seq, from, ev->c->k.flow.d[1].snd);
		out_notice(&lv->out, ev->t, "untrusted-rst", text);
		return;
	}
	out_ignored(&lv->out, ev->t, classify_reason(ev->cls), from, classify_why(ev->cls));
}

static void on_connect_failed(struct live *lv, const struct eng_event *ev)
{
	char d[32];

	if (ev->err == ENG_ERR_UNSEEN) {
		engine_fail(&lv->e, EXIT_SOFTWARE, "the capture on %s did not see the handshake: "
			    "name the interface the connection uses with -i", lv->e.iface);
	} else if (ev->err == ETIMEDOUT) {
		format_duration(lv->opt->connect_timeout, d, sizeof d);
		engine_fail(&lv->e, EXIT_NOCONNECT, "cannot connect to %s: timed out after %s",
			    lv->e.dest[0].dst_txt, d);
	} else {
		engine_fail(&lv->e, EXIT_NOCONNECT, "cannot connect to %s: %s",
			    lv->e.dest[0].dst_txt, strerror(ev->err));
	}
}

static void on_event(struct engine *e, const struct eng_event *ev, void *ctx)
{
	struct live *lv = ctx;
	char src[80];

	(void)e;
	switch (ev->kind) {
	case ENG_READY:
		lv->started = true;
		engine_src_text(ev->c, src, sizeof src);
		out_connect(&lv->out, ev->t, src, lv->e.dest[0].dst_txt, lv->e.iface,
			    flow_ts_negotiated(&ev->c->k.flow), &lv->opt->cfg);
		break;
	case ENG_CONNECT_FAILED:
		on_connect_failed(lv, ev);
		break;
	case ENG_PROBE:
		out_probe(&lv->out, ev->t, &(struct out_probe){
			.n = ev->c->ka.probes_out, .round = ev->c->round, .seq = ev->probe->seq,
			.ack = ev->probe->ack, .len = ev->probe->paylen,
			.error = ev->err ? strerror(ev->err) : NULL });
		break;
	case ENG_REPLY:
		on_reply(lv, ev);
		break;
	case ENG_IGNORED:
		on_ignored(lv, ev);
		break;
	case ENG_PEER_FIN:
		out_notice(&lv->out, ev->t, "peer-fin",
			   "the peer closed its side of the connection (FIN)");
		break;
	case ENG_VERDICT:
		finish(lv, ev->t, ev->c->ka.verdict);
		break;
	}
	if (!lv->e.loop.stop && out_failed(&lv->out))
		engine_stop(&lv->e, lv->c->ka.last_answered ? EXIT_ALIVE : EXIT_DEAD);
}

/* SIGQUIT: the running statistics.  SIGINT, SIGTERM: like ping, the
 * summary; the exit status says whether the last round was answered. */
static void on_signal(struct engine *e, int signo, void *ctx)
{
	struct live *lv = ctx;
	ka_time now = ev_now();

	if (signo == SIGQUIT) {
		out_status(stderr, &lv->c->ka);
		return;
	}
	if (lv->c->ka.last_answered) {
		finish(lv, now, KA_VERDICT_ALIVE);
		return;
	}
	out_summary(&lv->out, now, &lv->c->ka, e->ignored);
	engine_stop(e, EXIT_DEAD);
}

static const struct engine_ops live_ops = { on_event, on_signal };

int live_run(const struct live_opts *opt)
{
	static struct live lv;   /* the engine's buffers: not for the stack */
	struct engine_opts eo = {
		.target = opt->target, .family = opt->family, .iface = opt->iface,
		.wfile = opt->wfile, .user = opt->user, .quit_signal = true,
		.connect_timeout = opt->connect_timeout, .ops = &live_ops, .ctx = &lv,
	};
	int rc;

	lv = (struct live){ .opt = opt };
	out_init(&lv.out, stdout, opt->json, opt->quiet, ev_now());
	rc = engine_open(&lv.e, &eo);
	if (rc == 0) {
		lv.out.target = lv.e.dest[0].dst_txt;
		lv.c = engine_connect(&lv.e, 0, &opt->cfg, opt->garbage ? shape_one_byte : NULL, NULL);
		if (!lv.c) {
			fprintf(stderr, "kaprobe: %s\n", lv.e.err);
			rc = EXIT_NOCONNECT;
		}
	}
	if (rc == 0) {
		addr_format(lv.c->k.family, lv.c->k.raddr, lv.peer_txt, sizeof lv.peer_txt);
		rc = engine_run(&lv.e);
		/* A full disk under -w stops the run: what was measured is
		 * still worth its summary. */
		if (rc == EXIT_CANTCREAT && lv.started)
			out_summary(&lv.out, ev_now(), &lv.c->ka, lv.e.ignored);
	}
	engine_close(&lv.e);
	fflush(stdout);
	return rc;
}
