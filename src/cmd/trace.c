/* trace.c - `kaprobe trace HOST:PORT`: the keep-alive probe's path.
 *
 * A planner over the engine (engine.h) with one connection, probed only
 * when this file says (engine_probe_now; its machine's timings never
 * fire).  One question at a time: "what does a probe of this kind with
 * this TTL get?", asked up to TRIES times, each probe given WAIT_US for an
 * answer.  Phases, one after another:
 *
 *   fate   each kind (zero-length, one-byte, the --variant ones) at full
 *          TTL: answered by the peer, by a middlebox (its TTL is not the
 *          SYN-ACK's), or lost;
 *   hops   TTL 1, 2, ... --max-hops with the kernel's own probe (or, when
 *          the peer does not answer it, the first standard kind it does
 *          answer), until the peer answers: each hop's ICMP time exceeded,
 *          and its quote compared with the probe sent (quote.h);
 *   last   for each kind lost: the highest hop that still quotes it, from
 *          the top down; the drop is between that hop and the next.
 *
 * Pacing: a router rate-limits its ICMP errors (Linux: icmp_ratelimit,
 * 1 s per destination after a burst of 6, XRLIM_BURST_FACTOR in
 * net/ipv4/icmp.c; icmpv6_xrlim_allow likewise), so probes to one TTL go
 * HOP_GAP_US apart and a silent hop is asked TRIES times before it is
 * reported silent; and a Linux peer answers an out-of-window probe at most
 * every tcp_invalid_ratelimit (500 ms), so any two probes go ENG_PROBE_GAP_US apart.
 * One question at a time also ties each answer to its TTL: an ICMP error
 * only says which connection it is about, not which TTL.
 */
#include "cmd/trace.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/engerr.h"
#include "util/exitcode.h"
#include "net/target.h"
#include "cmd/tracetmo.h"
#include "report/report.h"

static ka_time max_time(ka_time a, ka_time b)
{
	return a > b ? a : b;
}

/* ---- asking ------------------------------------------------------------------ */

/* Arm the tick for the question's next probe, as early as pacing allows. */
static void pump(struct trace *t)
{
	ka_time when = max_time(ev_now(), t->not_before);

	if (!t->ready || t->phase == P_DONE || engine_stopped(&t->e))
		return;
	when = max_time(when, t->last_send + ENG_PROBE_GAP_US);
	if (t->ttl_sent[t->qttl])
		when = max_time(when, t->ttl_sent[t->qttl] + HOP_GAP_US);
	evloop_arm(&t->e.loop, &t->tick, when);
}

static void ask(struct trace *t, const struct variant *v, unsigned ttl)
{
	t->qv = v;
	t->qttl = (uint8_t)ttl;
	t->tries = 0;
	t->waiting = false;
	pump(t);
}

static void send_now(struct trace *t, ka_time now)
{
	t->c->shape = t->qv->shape;
	t->tries++;
	t->waiting = true;
	t->last_send = t->ttl_sent[t->qttl] = now;
	engine_probe_now(&t->e, t->c, t->qttl);   /* unsent: counted silent */
	if (!engine_stopped(&t->e))
		evloop_arm(&t->e.loop, &t->tick, now + WAIT_US);
}

static void answered(struct trace *t, const struct probe_reply *a);

static void on_tick(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct trace *t = (struct trace *)((char *)tm - offsetof(struct trace, tick));

	(void)loop;
	if (!t->waiting) {
		send_now(t, now);
		return;
	}
	t->waiting = false;
	if (t->tries < TRIES)
		pump(t);
	else
		answered(t, &(struct probe_reply){ .kind = REPLY_NONE, .family = t->c->k.family });
}

/* ---- the phases ---------------------------------------------------------------- */

static void start_hops(struct trace *t)
{
	char src[64];

	t->tracer = t->kind[0].v;
	for (unsigned i = 0; i < t->nkinds; i++)
		if (t->kind[i].v->standard && t->kind[i].a.kind == REPLY_ACK && t->kind[i].a.by_peer) {
			t->tracer = t->kind[i].v;
			break;
		}
	engine_src_text(t->c, src, sizeof src);
	emit(&t->em, &(struct event){ .kind = EV_TRACE_START, .t = ev_now(), .u.start = {
		.dst = t->e.dest[0].dst_txt, .src = src, .iface = t->e.iface,
		.variant = t->tracer->name, .max_hops = t->opt->max_hops } });
	t->phase = P_HOPS;
	t->ttl = 1;
	ask(t, t->tracer, 1);
}

/* The next question of the last phase: for the next lost kind, the next
 * hop down that answered the hop phase, or the kind's finding. */
static void next_last(struct trace *t, unsigned below)
{
	for (; t->ki < t->nkinds; t->ki++, below = t->top + 1) {
		struct kind *k = &t->kind[t->ki];

		if (k->a.kind != REPLY_NONE)
			continue;
		for (unsigned ttl = below - 1; ttl >= 1; ttl--)
			if (trace_time_exceeded(&t->hop[ttl])) {
				t->ttl = ttl;
				ask(t, k->v, ttl);
				return;
			}
	}
	t->phase = P_DONE;
	engine_stop(&t->e, 0);
}

static void on_hop(struct trace *t, const struct probe_reply *a)
{
	t->hop[t->ttl] = *a;
	t->top = t->ttl;
	emit(&t->em, &(struct event){ .kind = EV_HOP, .t = ev_now(),
				      .u.hop = { .ttl = (int)t->ttl, .a = a, .tries = t->tries } });
	if (a->kind == REPLY_ACK && a->by_peer)
		t->peer_ttl = t->ttl;
	/* The peer (or a box speaking for it) answered, or the path ends. */
	if (a->kind == REPLY_ACK || a->kind == REPLY_RST ||
	    (a->kind == REPLY_ICMP && !trace_time_exceeded(a)) || t->ttl >= t->opt->max_hops) {
		t->phase = P_LAST;
		t->ki = 0;
		next_last(t, t->top + 1);
		return;
	}
	ask(t, t->tracer, ++t->ttl);
}

static void answered(struct trace *t, const struct probe_reply *a)
{
	struct kind *k = &t->kind[t->ki];

	switch (t->phase) {
	case P_FATE:
		k->a = *a;
		if (++t->ki < t->nkinds)
			ask(t, t->kind[t->ki].v, 0);
		else
			start_hops(t);
		break;
	case P_HOPS:
		on_hop(t, a);
		break;
	case P_LAST:
		if (a->kind == REPLY_ICMP) {
			k->last_hop = (int)t->ttl;
			memcpy(k->last_from, a->from, 16);
			t->ki++;
			next_last(t, t->top + 1);
		} else {
			next_last(t, t->ttl);
		}
		break;
	case P_DONE:
		break;
	}
}

/* ---- what the connection tells ----------------------------------------------------- */

static void on_reply(struct trace *t, const struct eng_event *ev)
{
	struct probe_reply a;

	if (!t->waiting)
		return;   /* late: its question was closed as silent */
	trace_answer_of(ev, &t->sent, &a);
	t->waiting = false;
	evloop_disarm(&t->e.loop, &t->tick);
	answered(t, &a);
}

/* The peer reset or closed the connection: the questions go on over a
 * new one. */
static void reconnect(struct trace *t)
{
	struct ka_config cfg = trace_never_cfg();

	engine_release(&t->e, t->c);
	t->ready = false;
	t->c = engine_connect(&t->e, 0, &cfg, NULL, t);
	if (!t->c)
		engine_fail(&t->e, EXIT_NOCONNECT, "%s", t->e.err);
}

static void on_connect_failed(struct trace *t, const struct eng_event *ev)
{
	engine_fail_connect(&t->e, ev->c, ev->err);
}

static void on_event(struct engine *e, const struct eng_event *ev, void *ctx)
{
	struct trace *t = ctx;

	(void)e;
	if (ev->c != t->c) {
		if (ev->c->user != t)
			trace_tmo_event(t, ev->c->user, ev);
		return;
	}
	switch (ev->kind) {
	case ENG_READY:
		t->ready = true;
		t->not_before = ev_now() + ENG_SETTLE_US;
		pump(t);
		break;
	case ENG_CONNECT_FAILED:
		on_connect_failed(t, ev);
		break;
	case ENG_PROBE:
		t->sent = *ev->probe;
		break;
	case ENG_REPLY:
		on_reply(t, ev);
		break;
	case ENG_VERDICT:
		reconnect(t);
		break;
	case ENG_IGNORED:
	case ENG_CLOSED:
		break;
	}
}

static void on_signal(struct engine *e, int signo, void *ctx)
{
	(void)signo;
	((struct trace *)ctx)->interrupted = true;
	engine_stop(e, 0);
}

static void on_flush(struct engine *e, void *ctx)
{
	(void)e;
	runout_flush(&((struct trace *)ctx)->out);
}

static const struct engine_ops trace_ops = { on_event, on_signal, on_flush, NULL };

/* ---- running -------------------------------------------------------------------------- */

static void summary(struct trace *t, bool ok, int forgets, bool interrupted)
{
	emit(&t->em, &(struct event){ .kind = EV_TRACE_SUMMARY, .t = ev_now(), .u.trace = {
		.ok = ok, .forgets = forgets, .interrupted = interrupted,
		.ignored = t->e.ignored, .drops = runout_drops(&t->out) } });
}

/* The fates; then, with --timeouts, each hop's idle timeout. */
static int report(struct trace *t)
{
	bool ok = true;
	int forgets = -1;

	for (unsigned i = 0; i < t->nkinds; i++) {
		const struct kind *k = &t->kind[i];

		emit(&t->em, &(struct event){ .kind = EV_FATE, .t = ev_now(), .u.fate = {
			.variant = k->v->name, .a = &k->a,
			.last_hop = k->a.kind == REPLY_NONE ? k->last_hop : -1,
			.last_from = k->last_from } });
		if (k->v->standard && !(k->a.kind == REPLY_ACK && k->a.by_peer))
			ok = false;
	}
	if (t->opt->timeouts && (forgets = trace_timeouts(t)) < 0)
		return t->e.status ? t->e.status : -1;
	summary(t, ok, forgets, false);
	return ok && forgets <= 0 ? 0 : 1;
}

/* The standard kinds, then the --variant ones (checked by cmd_trace.c). */
static void add_kinds(struct trace *t)
{
	for (unsigned i = 0; i < variant_count; i++)
		if (variant_table[i].standard)
			t->kind[t->nkinds++].v = &variant_table[i];
	for (unsigned i = 0; i < t->opt->nvariants; i++)
		t->kind[t->nkinds++].v = variant_find(t->opt->variant[i]);
}

int trace_run(const struct trace_opts *opt)
{
	static struct trace t;   /* 256 hops: not for the stack */
	struct engine_opts eo = {
		.target = opt->target, .family = opt->family, .iface = opt->iface,
		.user = opt->user, .connect_timeout = opt->connect_timeout,
		.ops = &trace_ops, .ctx = &t,
	};
	struct ka_config cfg = trace_never_cfg();
	int rc;

	memset(&t, 0, sizeof t);
	t.opt = opt;
	t.tick.fn = on_tick;
	text_init(&t.text, stdout, opt->json, opt->quiet, ev_now());
	emit_init(&t.em);
	emit_attach(&t.em, &text_module, &t.text);
	if (opt->report)
		emit_attach(&t.em, &report_module, opt->report);
	add_kinds(&t);
	runout_init(&t.out);
	rc = engine_open(&t.e, &eo);
	if (rc != 0)
		print_engine_error(&t.e, rc);
	else if (!(t.c = engine_connect(&t.e, 0, &cfg, NULL, &t)))
		rc = print_engine_error(&t.e, EXIT_NOCONNECT);
	if (rc == 0) {
		runout_open(&t.out, &t.text, &t.e);
		t.phase = P_FATE;
		ask(&t, t.kind[0].v, 0);
		rc = engine_run(&t.e);
		if (rc == 0 && !t.interrupted)
			rc = report(&t);
		if (t.interrupted) {
			summary(&t, false, -1, true);
			rc = EXIT_INTERRUPTED;
		}
	}
	print_engine_failure(&t.e);
	runout_close(&t.out);
	rc = runout_status(&t.out, &t.e, rc);
	engine_close(&t.e);
	text_flush(&t.text);
	return rc;
}
