/* live.c - `kaprobe HOST:PORT...`: keep-alive acted out on real connections.
 *
 * A planner over the engine (engine.h): one connection per target (or
 * --conns per target), the user's timings, the kernel's probe (or its
 * one-byte variant), and the engine's events turned into ping-like lines,
 * fping-like when there are several.  What counts as an answer is the
 * engine's and the classifier's business, not this file's.
 *
 * With one connection the output is ping's: a verdict and a summary.  With
 * several, every line and event names its connection, each connection
 * ends with its own verdict (or "no-connection", with the reason), and a
 * table (JSON: a summary counting verdicts) ends the run.
 *
 * A peer that closes on its own ends its connection "closed", with how
 * long no data had moved: an idle timeout that keep-alive cannot refresh.
 * With --heartbeat the rounds are application data instead of probes.
 */
#include "cmd/live.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/connlimits.h"
#include "cmd/engerr.h"
#include "cmd/livefar.h"
#include "cmd/runout.h"
#include "engine/engine.h"
#include "util/exitcode.h"
#include "emit/text.h"
#include "util/parse.h"
#include "net/target.h"
#include "engine/variant.h"

/* One connection of the run, from its target to its verdict. */
struct lconn {
	struct econn *c;         /* while it runs */
	int dest;                /* its destination, or -1: unresolved */
	const char *dst;         /* what to call it: "addr:port", or as typed */
	unsigned id;             /* 1-based, in the order given */
	const char *verdict;     /* NULL while running */
	const char *reason;      /* no-connection: why */
	int status;              /* its exit status */
	struct ka_machine ka;    /* its machine, kept after the connection */
	bool ready;
	bool closed;             /* the peer closed it: close says how */
	struct ev_close close;
	char close_from[64];
	/* --far-end: the far end's view, and the verdict that waits for its
	 * last report (NULL: none waits). */
	struct lfar *far;
	struct live *lv;
	const char *wait_verdict;
	int wait_status;
};

struct live {
	const struct live_opts *opt;
	struct engine e;
	struct emitter em;
	struct text text;
	struct runout out;       /* stdout, never blocking the loop */
	unsigned conn;           /* the connection tag() named, for the events */
	const char *dst;         /* that follow (0, NULL: none) */
	struct lconn *lc;
	unsigned n, next, done;
	bool multi;              /* more than one connection */
	struct ev_timer pace;    /* the next connection may open */
	struct ev_pace pacer;    /* ... at --connect-rate */
	bool status_line;        /* a status line on stderr (a terminal) */
	bool shown;              /* ... and it is on the screen */
	struct ev_timer tick;    /* redraws it */
};

static int verdict_status(enum ka_verdict v)
{
	switch (v) {
	case KA_VERDICT_RESET: return EXIT_RESET;
	case KA_VERDICT_CLOSED: return EXIT_CLOSED;
	case KA_VERDICT_DEAD:
	case KA_VERDICT_UNREACHABLE: return EXIT_DEAD;
	default: return EXIT_ALIVE;
	}
}

/* Name the connection on the lines and events that follow. */
static void tag(struct live *lv, const struct lconn *l)
{
	if (lv->multi) {
		lv->conn = l->id;
		lv->dst = l->dst;
	}
}

/* Emit ev, of the connection tag() named. */
static void say(struct live *lv, struct event *ev)
{
	ev->conn = lv->conn;
	ev->dst = lv->dst;
	emit(&lv->em, ev);
}

static const struct ka_machine *machine(const struct lconn *l)
{
	return l->c ? &l->c->ka : &l->ka;
}

static void fill_rows(const struct live *lv, struct ev_conn_row *rows)
{
	for (unsigned i = 0; i < lv->n; i++) {
		const struct lconn *l = &lv->lc[i];

		rows[i] = (struct ev_conn_row){ .id = l->id, .dst = l->dst, .verdict = l->verdict,
						.reason = l->reason, .m = machine(l) };
	}
}

/* Live mode's statistics, alone. */
static void summary(struct live *lv, ka_time t, const struct ka_machine *m)
{
	say(lv, &(struct event){ .kind = EV_SUMMARY, .t = t,
				 .u.summary = { .m = m, .ignored = lv->e.ignored,
						.drops = runout_drops(&lv->out) } });
}

static void end_run(struct live *lv, ka_time t)
{
	int status = EXIT_ALIVE;

	struct ev_conn_row *rows = calloc(lv->n, sizeof *rows);

	lv->conn = 0;
	lv->dst = NULL;
	for (unsigned i = 0; i < lv->n; i++)
		if (lv->lc[i].status > status)
			status = lv->lc[i].status;
	if (rows) {
		fill_rows(lv, rows);
		say(lv, &(struct event){ .kind = EV_CONN_TABLE, .t = t,
			.u.table = { .rows = rows, .n = lv->n, .ignored = lv->e.ignored,
				     .drops = runout_drops(&lv->out) } });
		free(rows);
	}
	engine_stop(&lv->e, status);
}

/* The connection's verdict.  Alone, the run ends with ping's summary;
 * among several, the run ends when the last one has its verdict. */
static void conclude(struct live *lv, struct lconn *l, ka_time t, const char *verdict,
		     const char *reason, int status)
{
	if (l->verdict)
		return;
	l->verdict = verdict;
	l->reason = reason;
	l->status = status;
	if (l->far) {
		farq_cancel(&l->far->q);
		evloop_disarm(&lv->e.loop, &l->far->wait);
	}
	if (l->c) {
		l->ka = l->c->ka;
		engine_release(&lv->e, l->c);
		l->c = NULL;
	}
	tag(lv, l);
	if (!lv->multi) {
		say(lv, &(struct event){ .kind = EV_VERDICT, .t = t, .u.verdict = {
			.verdict = verdict, .close = l->closed ? &l->close : NULL } });
		summary(lv, t, &l->ka);
		engine_stop(&lv->e, status);
		return;
	}
	say(lv, &(struct event){ .kind = EV_CONN_VERDICT, .t = t,
		.u.verdict = { .verdict = verdict, .reason = reason, .m = &l->ka,
			       .close = l->closed ? &l->close : NULL } });
	if (++lv->done == lv->n)
		end_run(lv, t);
}

/* ---- opening connections ---------------------------------------------------------- */

/* Errors of engine_connect that no other connection would escape either:
 * out of memory or descriptors.  Anything else (no route, refused, no
 * local port for this destination) belongs to the one connection. */
static bool run_wide(int err)
{
	return err == ENOMEM || err == EMFILE || err == ENFILE || err == ENOBUFS;
}

/* Connections open at --connect-rate, so that a thousand SYNs do not land
 * at once; each one's idle clock then runs from its own last receive. */
static void open_next(struct live *lv)
{
	ka_time now = ev_now();

	while (lv->next < lv->n && !engine_stopped(&lv->e)) {
		struct lconn *l = &lv->lc[lv->next++];
		int err;

		if (l->dest < 0)
			continue;   /* unresolved: concluded already */
		l->c = engine_connect(&lv->e, (unsigned)l->dest, &lv->opt->cfg,
				      lv->opt->garbage ? variant_find("one-byte")->shape : NULL, l);
		err = l->c ? 0 : errno;
		if (!l->c && (!lv->multi || run_wide(err))) {
			engine_fail(&lv->e, EXIT_NOCONNECT, "%s", lv->e.err);
			return;
		}
		if (!l->c) {
			/* connect() failed at once (a route gone since the
			 * start): this connection's verdict, not the run's. */
			tag(lv, l);
			conclude(lv, l, now, "no-connection", connect_reason(err),
				 EXIT_NOCONNECT);
		} else if (lv->opt->heartbeat) {
			engine_heartbeat(&lv->e, l->c, lv->opt->heartbeat, lv->opt->heartbeat_len);
		}
		if (lv->next < lv->n && !engine_stopped(&lv->e) &&
		    !ev_pace_take(&lv->pacer, now)) {
			evloop_arm(&lv->e.loop, &lv->pace, lv->pacer.at);
			return;
		}
	}
}

static void on_pace(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	(void)loop; (void)now;
	open_next((struct live *)((char *)t - offsetof(struct live, pace)));
}

/* ---- events --------------------------------------------------------------------------- */

static const char *reply_kind(enum cl_kind k)
{
	switch (k) {
	case CL_RESET: return "rst";
	case CL_DATA: return "data";
	case CL_ICMP_ERROR: return "icmp";
	default: return "ack";
	}
}

/* ---- --far-end --------------------------------------------------------------------- */

static void far_say(void *ctx, struct event *ev)
{
	struct lconn *l = ctx;

	tag(l->lv, l);
	say(l->lv, ev);
}

/* The far end's report is out: the verdict that waited for it follows. */
static void far_then(void *ctx)
{
	struct lconn *l = ctx;

	if (l->wait_verdict)
		conclude(l->lv, l, ev_now(), l->wait_verdict, NULL, l->wait_status);
}

/* A round ended answered: ask the far end what it received. */
static void far_round(struct live *lv, struct lconn *l, const struct eng_event *ev)
{
	lfar_answered(l->far, ev->out.n);
	lfar_ask(l->far, &lv->e, ev->c);
}

/* The connection's verdict, after the far end's report on its last round
 * when there is one to ask for. */
static void far_conclude(struct live *lv, struct lconn *l, const struct eng_event *ev,
			 const char *verdict, int status)
{
	if (l->far && ev->kind == ENG_REPLY && ev->out.answered)
		lfar_answered(l->far, ev->out.n);
	if (l->far && !l->wait_verdict && lfar_ask(l->far, &lv->e, ev->c)) {
		struct ka_config hold = ev->c->cfg;

		l->wait_verdict = verdict;
		l->wait_status = status;
		/* The run is over but for the report, which on a slow path
		 * takes round trips: no more probes meanwhile (never). */
		hold.idle = ENG_IDLE_NEVER;
		engine_configure(&lv->e, ev->c, &hold);
		return;
	}
	if (!l->wait_verdict)
		conclude(lv, l, ev->t, verdict, NULL, status);
}

static void on_greeting_wait(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	struct lfar *f = (struct lfar *)((char *)t - offsetof(struct lfar, wait));
	struct lconn *l = f->ctx;
	char d[32];

	(void)loop; (void)now;
	format_duration(f->greet_wait, d, sizeof d);
	engine_fail(&l->lv->e, EXIT_NOCONNECT, "%s sent no greeting within %s: --far-end needs "
		    "kaprobe serve at the far end", l->dst, d);
}

/* What the peer sent first: kaprobe serve's greeting, or not. */
static void on_data(struct engine *e, struct econn *c, const uint8_t *buf, size_t n, void *ctx)
{
	struct lconn *l = c->user;

	(void)ctx;
	if (!l->far || l->far->greet.state != 0)
		return;
	if (farend_greet_feed(&l->far->greet, buf, n) < 0)
		engine_fail(e, EXIT_NOCONNECT, "%s is not kaprobe serve (its first line is no "
			    "greeting): --far-end needs kaprobe serve at the far end", l->dst);
	else if (l->far->greet.state > 0)
		evloop_disarm(&e->loop, &l->far->wait);
}

static void say_reply(struct live *lv, const struct eng_event *ev)
{
	const struct segment *s = ev->seg;
	char from[64], peer[64];
	struct ev_reply r = {
		.kind = reply_kind(ev->cls), .n = ev->out.n, .round = ev->c->round,
		.rtt = ev->out.rtt, .ttl = s->ttl, .from = peer,
		.seq = s->seq, .ack = s->ack, .len = s->len, .icmp_type = -1,
	};

	addr_format(ev->c->k.family, ev->c->k.raddr, peer, sizeof peer);
	if (s->kind == SEG_ICMP_ERR) {
		addr_format(s->family, s->src, from, sizeof from);
		r.from = from;
		r.icmp_type = s->icmp_type;
		r.icmp_code = s->icmp_code;
		r.icmp_class = ev->hard ? "hard" : "soft";
	}
	say(lv, &(struct event){ .kind = EV_REPLY, .t = ev->t, .u.reply = r });
}

static void on_reply(struct live *lv, struct lconn *l, const struct eng_event *ev)
{
	/* With -q nothing takes it: no addresses formatted per answer. */
	if (emit_wants(&lv->em, EV_REPLY))
		say_reply(lv, ev);
	if (ev->out.answered && lv->opt->count > 0 &&
	    ev->c->ka.st.answered >= (unsigned long)lv->opt->count)
		far_conclude(lv, l, ev, "alive", EXIT_ALIVE);
	else if (ev->out.answered && l->far)
		far_round(lv, l, ev);
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
		say(lv, &(struct event){ .kind = EV_NOTICE, .t = ev->t,
					 .u.notice = { "untrusted-rst", text } });
		return;
	}
	say(lv, &(struct event){ .kind = EV_IGNORED, .t = ev->t, .u.ignored = {
		.reason = classify_reason(ev->cls), .from = from, .text = classify_why(ev->cls) } });
}

/* Alone, a connection that cannot be made ends the run with one line, as
 * ping does; among several it is that connection's verdict. */
static void on_connect_failed(struct live *lv, struct lconn *l, const struct eng_event *ev)
{
	const char *dst = lv->e.dest[l->dest].dst_txt;
	char d[32];

	if (!lv->multi && ev->err == ETIMEDOUT) {
		format_duration(lv->opt->connect_timeout, d, sizeof d);
		engine_fail(&lv->e, EXIT_NOCONNECT, "cannot connect to %s: timed out after %s",
			    dst, d);
		return;
	}
	if (!lv->multi) {
		engine_fail_connect(&lv->e, ev->c, ev->err);
		return;
	}
	conclude(lv, l, ev->t, "no-connection", connect_reason(ev->err), EXIT_NOCONNECT);
}

static void on_event(struct engine *e, const struct eng_event *ev, void *ctx)
{
	struct live *lv = ctx;
	struct lconn *l = ev->c->user;
	char src[80];

	(void)e;
	if (l->verdict)
		return;
	tag(lv, l);
	switch (ev->kind) {
	case ENG_READY:
		l->ready = true;
		if (l->far && l->far->greet.state == 0) {
			l->far->greet_wait = farend_greeting_wait(ev->c->created, ev->t);
			evloop_arm(&lv->e.loop, &l->far->wait, ev->t + l->far->greet_wait);
		}
		engine_src_text(ev->c, src, sizeof src);
		say(lv, &(struct event){ .kind = EV_CONNECT, .t = ev->t, .u.connect = {
			.src = src, .dst = lv->e.dest[l->dest].dst_txt, .iface = lv->e.iface,
			.ts = flow_ts_negotiated(&ev->c->k.flow), .cfg = &lv->opt->cfg,
			.heartbeat = lv->opt->heartbeat_len } });
		break;
	case ENG_CONNECT_FAILED:
		on_connect_failed(lv, l, ev);
		break;
	case ENG_PROBE:
		if (l->far)
			lfar_probe(l->far, ev->c, ev->probe);
		say(lv, &(struct event){ .kind = EV_PROBE, .t = ev->t, .u.probe = {
			.n = ev->c->ka.probes_out, .round = ev->c->round, .seq = ev->probe->seq,
			.ack = ev->probe->ack, .len = ev->probe->paylen,
			.error = ev->err ? strerror(ev->err) : NULL } });
		break;
	case ENG_REPLY:
		on_reply(lv, l, ev);
		break;
	case ENG_IGNORED:
		on_ignored(lv, ev);
		break;
	case ENG_CLOSED:
		/* The verdict (closed) follows in this turn and says how. */
		addr_format(ev->seg->family, ev->seg->src, l->close_from, sizeof l->close_from);
		l->closed = true;
		l->close = (struct ev_close){ .idle = ev->idle, .rst = ev->rst, .by = ev->by_peer,
					      .from = l->close_from, .answered_in_gap = -1,
					      .heartbeat = lv->opt->heartbeat != NULL };
		break;
	case ENG_VERDICT:
		far_conclude(lv, l, ev, ka_verdict_name(ev->c->ka.verdict),
			     verdict_status(ev->c->ka.verdict));
		break;
	}
}

/* On a terminal, what the run is waiting for, in one line on stderr: with
 * --profile linux the next probe is two hours away. */
static void draw_status(struct live *lv, ka_time now)
{
	const struct econn *c = lv->multi ? NULL : lv->lc[0].c;
	ka_time next = KA_NEVER;
	unsigned running = 0, rounds = 0;
	char d[32];

	for (unsigned i = 0; i < lv->n; i++) {
		const struct econn *k = lv->lc[i].c;

		if (!k || k->state != EC_READY)
			continue;
		running++;
		rounds += k->round;
		if (k->timer.slot && k->timer.when < next)
			next = k->timer.when;
	}
	format_duration(next == KA_NEVER || next < now ? 0 : next - now, d, sizeof d);
	if (c && c->state != EC_READY)
		fprintf(stderr, "\r\033[Kconnecting to %s", lv->lc[0].dst);
	else if (c)
		fprintf(stderr, "\r\033[Kround %u, %s; next probe in %s", c->round,
			c->ka.state == KA_PROBING ? "waiting for an answer" : "idle", d);
	else
		fprintf(stderr, "\r\033[K%u of %u connections running, %u rounds; next probe in %s",
			running, lv->n, rounds, d);
	lv->shown = true;
}

/* The status line is drawn only while stdout keeps up: on a terminal that
 * is slow, stderr is the same terminal, and writing it would wait too. */
static void on_tick(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	struct live *lv = (struct live *)((char *)t - offsetof(struct live, tick));

	if (!outq_pending(&lv->out.q))
		draw_status(lv, now);
	evloop_arm(loop, t, now + 1000000);
}

/* Once per turn of the loop, before it sleeps: the turn's lines go out in
 * one write, under the status line, or as the reader takes them.  A closed
 * stdout (kaprobe ... | head) ends the run quietly, as ping's does; any
 * other failed write (/dev/full, a full disk) is an error, exit 74. */
static void on_flush(struct engine *e, void *ctx)
{
	struct live *lv = ctx;
	bool pending = outq_pending(&lv->out.q) > 0;

	if (lv->shown && pending) {
		fputs("\r\033[K", stderr);
		lv->shown = false;
	}
	if (!runout_flush(&lv->out)) {
		int err = runout_error(&lv->out);

		if (err)
			engine_fail(e, EXIT_IOERR, "cannot write standard output: %s",
				    strerror(err));
		else
			engine_stop(e, lv->lc && machine(&lv->lc[0])->last_answered
				    ? EXIT_ALIVE : EXIT_DEAD);
		return;
	}
	if (lv->status_line && pending && !outq_pending(&lv->out.q) && !engine_stopped(e))
		draw_status(lv, ev_now());
}

/* SIGQUIT: the running statistics.  SIGINT, SIGTERM, SIGHUP: like ping, the
 * summary; a connection whose last round was answered is alive, one
 * still waiting is "interrupted" (exit 4: no verdict yet). */
static void on_signal(struct engine *e, int signo, void *ctx)
{
	struct live *lv = ctx;
	ka_time now = ev_now();

	if (signo == SIGQUIT) {
		struct ev_conn_row *rows = lv->multi ? calloc(lv->n, sizeof *rows) : NULL;

		if (rows) {
			fill_rows(lv, rows);
			text_conn_status(stderr, rows, lv->n);
			free(rows);
		} else if (!lv->multi) {
			text_status(stderr, machine(&lv->lc[0]));
		}
		return;
	}
	if (!lv->multi) {
		struct lconn *l = &lv->lc[0];

		if (machine(l)->last_answered) {
			conclude(lv, l, now, "alive", NULL, EXIT_ALIVE);
			return;
		}
		summary(lv, now, machine(l));
		engine_stop(e, EXIT_INTERRUPTED);
		return;
	}
	engine_freeze_drops(e);   /* what follows closes every connection */
	for (unsigned i = 0; i < lv->n && !engine_stopped(e); i++) {
		struct lconn *l = &lv->lc[i];

		if (machine(l)->last_answered)
			conclude(lv, l, now, "alive", NULL, EXIT_ALIVE);
		else
			conclude(lv, l, now, l->ready ? "interrupted" : "no-connection",
				 l->ready ? NULL : "interrupted", EXIT_INTERRUPTED);
	}
}

static const struct engine_ops live_ops = { on_event, on_signal, on_flush, NULL };

/* ---- setting up ------------------------------------------------------------------------- */

static int by_dst(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The most connections to any one destination address and port: each
 * needs a local port of its own (ports are unique per 4-tuple). */
static unsigned busiest_dest(const struct live *lv)
{
	const char **d = malloc(lv->n * sizeof *d);
	unsigned most = 0, run = 0;

	if (!d)
		return lv->n;
	for (unsigned i = 0; i < lv->n; i++)
		d[i] = lv->lc[i].dst;
	qsort(d, lv->n, sizeof *d, by_dst);
	for (unsigned i = 0; i < lv->n; i++) {
		run = i && strcmp(d[i], d[i - 1]) == 0 ? run + 1 : 1;
		most = run > most ? run : most;
	}
	free(d);
	return most;
}

static int check_limits(const struct live *lv)
{
	return conn_limits(lv->n, busiest_dest(lv));
}

/* Resolve every target; alone, one that fails ends the run as before;
 * among several it is that target's connections' verdict. */
static int add_targets(struct live *lv)
{
	const struct live_opts *o = lv->opt;
	unsigned id = 0;

	for (unsigned i = 0; i < o->ntargets; i++) {
		int d = engine_add_dest(&lv->e, o->targets[i]);

		if (d < 0 && (!lv->multi || -d == EXIT_USAGE || -d == EXIT_SOFTWARE)) {
			fprintf(stderr, "kaprobe: %s\n", lv->e.err);
			return -d;
		}
		if (d < 0)
			fprintf(stderr, "kaprobe: %s\n", lv->e.err);
		for (unsigned k = 0; k < o->conns; k++, id++)   /* numbered from 1 */
			lv->lc[id] = (struct lconn){
				.dest = d, .id = id + 1,
				.dst = d < 0 ? o->targets[i] : lv->e.dest[d].dst_txt };
	}
	/* The destination array may have moved while it grew. */
	for (unsigned i = 0; i < lv->n; i++)
		if (lv->lc[i].dest >= 0)
			lv->lc[i].dst = lv->e.dest[lv->lc[i].dest].dst_txt;
	return 0;
}

/* --far-end's state for every connection. */
static int far_setup(struct live *lv)
{
	for (unsigned i = 0; i < lv->n; i++) {
		struct lconn *l = &lv->lc[i];

		if (!(l->far = calloc(1, sizeof *l->far)))
			return -1;
		l->lv = lv;
		l->far->say = far_say;
		l->far->then = far_then;
		l->far->ctx = l;
		l->far->wait.fn = on_greeting_wait;
	}
	return 0;
}

static int setup(struct live *lv, const struct engine_opts *eo)
{
	int rc;

	if ((rc = engine_init(&lv->e, eo)) != 0)
		return print_engine_error(&lv->e, rc);
	if ((rc = add_targets(lv)) != 0 || (rc = check_limits(lv)) != 0)
		return rc;
	if (lv->opt->far_end && far_setup(lv) < 0) {
		fprintf(stderr, "kaprobe: out of memory for %u connections\n", lv->n);
		return EXIT_SOFTWARE;
	}
	if (lv->e.ndests == 0) {
		/* Nothing resolved: every connection's verdict is known. */
		for (unsigned i = 0; i < lv->n; i++)
			conclude(lv, &lv->lc[i], ev_now(), "no-connection", "unresolved",
				 EXIT_NOCONNECT);
		return lv->e.status;
	}
	if ((rc = engine_start(&lv->e)) != 0)
		return print_engine_error(&lv->e, rc);
	lv->text.target = lv->e.dest[0].dst_txt;
	for (unsigned i = 0; i < lv->n; i++)
		if (lv->lc[i].dest < 0) {
			tag(lv, &lv->lc[i]);
			conclude(lv, &lv->lc[i], ev_now(), "no-connection", "unresolved",
				 EXIT_NOCONNECT);
		}
	return 0;
}

int live_run(const struct live_opts *opt)
{
	static struct live lv;   /* the engine's buffers: not for the stack */
	struct engine_opts eo = {
		.family = opt->family, .iface = opt->iface, .wfile = opt->wfile,
		.user = opt->user, .quit_signal = true, .connect_timeout = opt->connect_timeout,
		.ops = &live_ops, .ctx = &lv, .data = opt->far_end ? on_data : NULL,
	};
	int rc;

	lv = (struct live){ .opt = opt, .n = opt->ntargets * opt->conns };
	lv.multi = lv.n > 1;
	lv.pace.fn = on_pace;
	lv.pacer.gap = 1000000 / opt->connect_rate;
	lv.lc = calloc(lv.n, sizeof *lv.lc);
	if (!lv.lc) {
		fprintf(stderr, "kaprobe: out of memory for %u connections\n", lv.n);
		return EXIT_SOFTWARE;
	}
	text_init(&lv.text, stdout, opt->json, opt->quiet, ev_now());
	lv.text.stamp = opt->stamp;
	emit_init(&lv.em);
	emit_attach(&lv.em, &text_module, &lv.text);
	lv.status_line = !opt->json && !opt->quiet && isatty(STDERR_FILENO);
	lv.tick.fn = on_tick;
	runout_init(&lv.out);
	rc = setup(&lv, &eo);
	if (rc == 0 && lv.done < lv.n) {
		runout_open(&lv.out, &lv.text, &lv.e);
		lv.text.wall_off = lv.e.ss.real_off;
		if (lv.status_line)
			evloop_arm(&lv.e.loop, &lv.tick, ev_now() + 1000000);
		open_next(&lv);
		rc = engine_run(&lv.e);
		if (lv.shown)
			fputs("\r\033[K", stderr);
		print_engine_failure(&lv.e);
		if (lv.e.failed)
			say(&lv, &(struct event){ .kind = EV_ERROR, .t = ev_now(),
						  .u.error = lv.e.err });
		/* A full disk under -w stops the run: what was measured is
		 * still worth its summary. */
		if (rc == EXIT_CANTCREAT && !lv.multi && lv.lc[0].ready)
			summary(&lv, ev_now(), machine(&lv.lc[0]));
	} else if (rc == 0) {
		rc = lv.e.status;
	}
	runout_close(&lv.out);
	rc = runout_status(&lv.out, &lv.e, rc);
	engine_close(&lv.e);
	for (unsigned i = 0; i < lv.n; i++)
		free(lv.lc[i].far);
	free(lv.lc);
	fflush(stdout);
	return rc;
}
