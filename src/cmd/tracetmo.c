/* tracetmo.c - `kaprobe trace --timeouts`: each stateful hop's idle
 * timeout, one hop after another (see trace.c for the rest of the trace).
 *
 * A probe whose TTL runs out at hop j+1 draws that hop's time exceeded only
 * if hops 1..j forwarded it, and a probe refreshes the state of the boxes it
 * reaches and no others, the hop where its TTL runs out included (Linux's
 * conntrack sees a packet at PRE_ROUTING, before ip_forward's TTL check).
 * So hop j's timeout is measured on its own: a connection proves itself with
 * a probe the peer answers (every hop refreshed, the idle counted from that
 * answer), keeps hops 1..j-1 refreshed with probes of TTL j-1 every
 * REFRESH_US, leaves hop j idle for D, then sends one probe of TTL j+1: hop
 * j still holds the flow if hop j+1 answers it (its time exceeded, or the
 * peer's ACK when hop j+1 is the peer).  Each connection answers one
 * (hop, D) question, as in the audit; TMO_CONNS of them at once, their
 * handshakes staggered (open_delay) so that their measuring probes, all
 * answered by hop j+1, come due in stretches of its ICMP rate limit of
 * their own (HOP_GAP_US a probe) and the rate limit is not what is
 * measured; a probe still due too soon after another waits for a free slot,
 * and D is the idle it actually left at.  A lost answer is asked again
 * TRIES - 1 times, WAIT_US apart (hop j is refreshed by the first probe if
 * it was alive, so an answered retry still says alive at D).  A dead flow's
 * connection then sends one probe at full TTL: what it gets (nothing, an RST
 * or an ICMP error, and from whom) is reported as the expired flow's reply.
 * Which idles each round asks, and when the hop's bracket is found, is the
 * audit's search (tcp/idlesearch.h): a ladder up to --max-idle, then the
 * bracket narrowed to --resolution, its death confirmed and contradictions
 * measured again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/exitcode.h"
#include "cmd/tracetmo.h"

#define REFRESH_US 1000000
/* First measuring probes come due this far apart: a slot of hop j+1's
 * rate limit each, with a tenth to spare. */
#define MEAS_SPAN_US (HOP_GAP_US + HOP_GAP_US / 10)

static void task_done(struct trace *t, struct tmo_task *k)
{
	evloop_disarm(&t->e.loop, &k->timer);
	evloop_disarm(&t->e.loop, &k->refresh);
	if (k->c)
		engine_release(&t->e, k->c);
	k->c = NULL;
	k->st = TK_DONE;
	if (--t->open_tasks == 0 && !engine_stopped(&t->e))
		engine_stop(&t->e, 0);
}

static void arm(struct trace *t, struct ev_timer *tm, ka_time when)
{
	if (evloop_arm(&t->e.loop, tm, when) < 0)
		engine_fail(&t->e, EXIT_SOFTWARE, "out of memory for timers");
}

static void probe(struct trace *t, struct tmo_task *k, unsigned ttl)
{
	k->tries++;
	k->waiting = true;
	engine_probe_now(&t->e, k->c, (uint8_t)ttl);
	arm(t, &k->timer, ev_now() + WAIT_US);
}

/* Whether a connection's first measuring probe comes due within a slot of
 * `at`: one proved and waiting out its idle, or one waiting for its slot. */
static bool first_due_near(const struct trace *t, ka_time at)
{
	for (unsigned i = 0; i < t->ntasks; i++) {
		const struct tmo_task *k = &t->task[i];
		ka_time due = k->st == TK_IDLE ? k->t0 + k->idle
			      : k->st == TK_MEASURING && k->slotted && k->tries == 0 ? k->slot_at : 0;

		if (due && llabs(due - at) < HOP_GAP_US)
			return true;
	}
	return false;
}

/* When a measuring probe may go: at once when hop j+1 is the peer (its
 * ACKs are limited per connection, tcp_invalid_ratelimit, and each
 * question has its own); else a first one as soon as hop j+1's ICMP rate
 * limit allows, for it is what sets the idle measured; a retry in a slot
 * no first probe comes due in, however late (an answer to it still says
 * alive at the first probe's idle, which refreshed hop j if it was). */
static ka_time meas_slot(struct trace *t, const struct tmo_task *k, ka_time now)
{
	ka_time at = t->meas_last + HOP_GAP_US;

	if (t->tmo_hop + 1 == t->peer_ttl)
		return now;   /* the peer answers: its limit is per connection */
	if (k->tries == 0)
		return at > now ? at : now;
	if (at < t->retry_next)
		at = t->retry_next;
	if (at < now)
		at = now;
	while (first_due_near(t, at))
		at += HOP_GAP_US / 10;
	t->retry_next = at + HOP_GAP_US;
	return at;
}

/* The measuring probe, in its slot of hop j+1's rate limit. */
static void measure(struct trace *t, struct tmo_task *k, ka_time now)
{
	ka_time at;

	/* A retry's slot was kept free of first probes that were due when it
	 * was chosen; one proved since may have gone in it. */
	if ((!k->slotted || now < t->meas_last + HOP_GAP_US)
	    && (at = meas_slot(t, k, now)) > now) {
		k->slotted = true;
		k->slot_at = at;
		arm(t, &k->timer, at);
		return;
	}
	k->slotted = false;
	t->meas_last = now;
	if (k->tries == 0)
		k->measured = now - k->t0;
	probe(t, k, t->tmo_hop + 1);
}

static void on_task_timer(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct tmo_task *k = (struct tmo_task *)((char *)tm - offsetof(struct tmo_task, timer));
	struct trace *t = k->t;

	(void)loop;
	if (k->st == TK_PROVING && (!k->waiting || k->tries < TRIES))
		probe(t, k, 0);
	else if (k->st == TK_PROVING)
		task_done(t, k);   /* never proved itself: no measurement */
	else if (k->st == TK_IDLE) {
		k->st = TK_MEASURING;
		k->tries = 0;
		measure(t, k, now);
	} else if (k->st == TK_MEASURING && (k->slotted || k->tries < TRIES)) {
		measure(t, k, now);
	} else if (k->st == TK_MEASURING) {
		/* Dead: what does a probe at full TTL get now? */
		k->counted = true;
		k->st = TK_EXPIRED;
		k->tries = 0;
		evloop_disarm(&t->e.loop, &k->refresh);
		probe(t, k, 0);
	} else if (k->st == TK_EXPIRED) {
		task_done(t, k);   /* nothing: k->expired stays REPLY_NONE */
	}
}

static void on_refresh(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct tmo_task *k = (struct tmo_task *)((char *)tm - offsetof(struct tmo_task, refresh));

	(void)loop;
	engine_probe_now(&k->t->e, k->c, (uint8_t)(k->t->tmo_hop - 1));
	arm(k->t, &k->refresh, now + REFRESH_US);
}

/* Whether a reply to the measuring probe is hop j+1's: its time exceeded
 * from the address it answered the hop trace from, or the peer's ACK. */
static bool from_next_hop(const struct trace *t, const struct probe_reply *a)
{
	const struct probe_reply *h = &t->hop[t->tmo_hop + 1];

	if (a->kind == REPLY_ACK)
		return a->by_peer && t->tmo_hop + 1 == t->peer_ttl;
	return trace_time_exceeded(a) && memcmp(a->from, h->from, 16) == 0;
}

static void on_task_reply(struct trace *t, struct tmo_task *k, const struct eng_event *ev)
{
	struct probe_reply a;

	trace_answer_of(ev, NULL, &a);
	if (k->st == TK_PROVING && k->waiting) {
		if (a.kind != REPLY_ACK || !a.by_peer) {
			task_done(t, k);   /* not a connection that can measure */
			return;
		}
		k->st = TK_IDLE;
		k->waiting = false;
		k->t0 = ev->t;
		arm(t, &k->timer, k->t0 + k->idle);
		if (t->tmo_hop > 1)
			arm(t, &k->refresh, k->t0 + REFRESH_US);
	} else if (k->st == TK_MEASURING && k->waiting && !k->slotted) {
		if (from_next_hop(t, &a)) {
			k->alive = k->counted = true;
			task_done(t, k);
		} else if (a.kind == REPLY_RST || (a.kind == REPLY_ICMP && !trace_time_exceeded(&a))) {
			k->counted = true;   /* refused on the way: dead, and this is why */
			k->expired = a;
			task_done(t, k);
		}   /* else a refresh probe's time exceeded, from hop j-1 */
	} else if (k->st == TK_EXPIRED && !(a.kind == REPLY_ICMP && trace_time_exceeded(&a))) {
		k->expired = a;
		task_done(t, k);
	}
}

void trace_tmo_event(struct trace *t, struct tmo_task *k, const struct eng_event *ev)
{
	if (!k || k->t != t || k->c != ev->c || k->st == TK_DONE)
		return;
	switch (ev->kind) {
	case ENG_READY:
		k->st = TK_PROVING;
		arm(t, &k->timer, ev_now() + ENG_SETTLE_US);
		break;
	case ENG_REPLY:
		on_task_reply(t, k, ev);
		break;
	case ENG_CONNECT_FAILED:
	case ENG_CLOSED:
	case ENG_VERDICT:   /* reset before it measured anything */
		task_done(t, k);
		break;
	case ENG_PROBE:
	case ENG_IGNORED:
		break;
	}
}

/* ---- rounds ------------------------------------------------------------------------- */

static void on_open_timer(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct tmo_task *k = (struct tmo_task *)((char *)tm - offsetof(struct tmo_task, timer));
	struct trace *t = k->t;
	struct ka_config cfg = trace_never_cfg();

	(void)loop; (void)now;
	k->timer.fn = on_task_timer;
	k->c = engine_connect(&t->e, 0, &cfg, t->tracer->shape, k);
	if (!k->c)
		engine_fail(&t->e, EXIT_NOCONNECT, "%s", t->e.err);
}

/* When to open the connection that asks ask[i], from the round's start:
 * so that each measuring probe comes due in a stretch of hop j+1's rate
 * limit of its own.  The longest idle opens first; the others follow by
 * how much shorter their idle is, plus MEAS_SPAN_US for each idle longer
 * than theirs (none when hop j+1 is the peer: see meas_slot).  Opened one slot apart instead, short idles' measuring
 * probes collide with each other and with retries, wait for slots and
 * leave late, and a late measurement is not the idle the search asked
 * about (retries wait for gaps: meas_slot). */
static ka_time open_delay(const struct trace *t, const struct idles_ask *ask, unsigned n,
			  unsigned i)
{
	ka_time longest = 0, span = t->tmo_hop + 1 == t->peer_ttl ? 0 : MEAS_SPAN_US;
	unsigned before = 0;

	for (unsigned j = 0; j < n; j++) {
		if (ask[j].idle > longest)
			longest = ask[j].idle;
		if (ask[j].idle > ask[i].idle || (ask[j].idle == ask[i].idle && j < i))
			before++;
	}
	return longest - ask[i].idle + (ka_time)before * span;
}

/* Ask these idles of the hop, and wait for the answers. */
static int run_round(struct trace *t, const struct idles_ask *ask, unsigned n)
{
	ka_time now = ev_now();

	t->ntasks = t->open_tasks = n;
	for (unsigned i = 0; i < n; i++) {
		struct tmo_task *k = &t->task[i];

		*k = (struct tmo_task){ .t = t, .idle = ask[i].idle, .timer.fn = on_open_timer,
					.refresh.fn = on_refresh };
		arm(t, &k->timer, now + open_delay(t, ask, n, i));
	}
	engine_resume(&t->e);
	engine_run(&t->e);
	for (unsigned i = 0; i < n; i++) {   /* stopped early: no more events */
		struct tmo_task *k = &t->task[i];

		evloop_disarm(&t->e.loop, &k->timer);
		evloop_disarm(&t->e.loop, &k->refresh);
		if (k->c && k->st != TK_DONE)
			engine_release(&t->e, k->c);
	}
	return t->e.status || t->interrupted ? -1 : 0;
}

/* ---- one hop ---------------------------------------------------------------------------- */

/* Tell the search a round's answers; a connection that could not measure
 * is discarded. */
static void record(struct trace *t, struct tr_timeout *r)
{
	for (unsigned i = 0; i < t->ntasks; i++) {
		const struct tmo_task *k = &t->task[i];
		int m;

		if (!k->counted) {
			r->discarded++;
			continue;
		}
		m = idles_record(&t->idles, k->measured, k->alive);
		if (m >= 0)
			t->tmo_expired[m] = k->expired;
	}
}

/* The hop's bracket.  Contradictions that re-measurement could not clear
 * leave it as folded, and counted in disagree. */
static int measure_hop(struct trace *t, unsigned hop, struct tr_timeout *r)
{
	struct idles_bounds b = { ENG_SETTLE_US, t->opt->max_idle, t->opt->resolution };
	struct idles_ask ask[TMO_CONNS + 1];
	struct idles_finding f;

	t->tmo_hop = hop;
	idles_init(&t->idles, &b);
	do {
		if (run_round(t, ask, idles_plan(&t->idles, TMO_CONNS, ask)) < 0)
			return -1;
		record(t, r);
	} while (!idles_fold(&t->idles));
	idles_finding(&t->idles, &f);
	r->alive = f.alive;
	r->dead = f.dead;
	r->measurements = f.agree + f.disagree;
	r->disagree = f.disagree;
	if (f.expired >= 0)
		r->expired = t->tmo_expired[f.expired];
	return 0;
}

int trace_timeouts(struct trace *t)
{
	int forgets = 0;
	unsigned last = t->peer_ttl ? t->peer_ttl - 1 : t->top;

	for (unsigned hop = 1; hop <= last && hop < t->top; hop++) {
		struct tr_timeout r = { .hop = (int)hop, .family = t->e.dest[0].tgt.addr.ss_family };

		memcpy(r.from, t->hop[hop].from, 16);
		r.answers = t->hop[hop].kind != REPLY_NONE;
		/* Hop j is seen through hop j+1's answers only. */
		r.masked = !trace_time_exceeded(&t->hop[hop + 1]) && hop + 1 != t->peer_ttl;
		if (!r.masked && measure_hop(t, hop, &r) < 0)
			return -1;
		emit(&t->em, &(struct event){ .kind = EV_HOP_TIMEOUT, .t = ev_now(),
			.u.hop_timeout = { .r = &r, .max_idle = t->opt->max_idle } });
		if (r.dead)
			forgets = 1;
	}
	return forgets;
}
