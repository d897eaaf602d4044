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
 * peer's ACK when hop j+1 is the peer).  A probe refreshes hop j, so a
 * connection answers one (hop, D) question.
 *
 * Which connection asks which D, and when, is the audit's schedule
 * (tcp/idlesched.h): a pool of idle connections of many ages, each question
 * given to the connection whose age reaches it first, round 1's ladder
 * stopping at the first confirmed death, so that a hop's timeout T costs
 * about 2 T + 30 s instead of a round of fresh connections per bracket.
 * Every connection of the pool, spares included, keeps hops 1..j-1
 * refreshed while it waits.
 *
 * Hop j+1's ICMP rate limit (one error a second) is what the answers come
 * through, and it must not be what is measured: round 1's rungs come due at
 * least MEAS_SPAN_US apart and later rounds ask TMO_AT_ONCE questions at a
 * time (the schedule's gap and at_once; none when hop j+1 is the peer); a
 * measuring probe due too soon after another still waits for a free slot,
 * and D is the idle it actually left at.  A lost answer is asked again
 * TRIES - 1 times, WAIT_US apart, in slots no first probe comes due in (hop
 * j is refreshed by the first probe if it was alive, so an answered retry
 * still says alive at D).  A dead flow's connection then sends one probe
 * at full TTL: what it gets (nothing, an RST or an ICMP error, and from
 * whom) is reported as the expired flow's reply.
 */
#include <stdio.h>
#include <string.h>

#include "util/exitcode.h"
#include "cmd/tracetmo.h"

#define REFRESH_US 1000000
/* The schedule's gap: round 1's rungs, and the probes of the questions
 * it gives out, come due this far apart, a slot of hop j+1's rate limit
 * each with a tenth to spare. */
#define MEAS_SPAN_US (HOP_GAP_US + HOP_GAP_US / 10)
/* After round 1, questions asked at a time behind the rate limit: the
 * audit's "every spare inside the bracket at once" would queue them up,
 * each measured later (so longer) than the one before. */
#define TMO_AT_ONCE 2
/* Connections in a row that could not measure (refused, reset, closed):
 * the hop's search ends with what it has. */
#define TMO_DISCARDS_IN_ROW 8

#define TRACE_OF(tm, field) ((struct trace *)((char *)(tm) - offsetof(struct trace, field)))
#define TASK_OF(tm, field) ((struct tmo_task *)((char *)(tm) - offsetof(struct tmo_task, field)))

static void drain(struct trace *t);

static void arm(struct trace *t, struct ev_timer *tm, ka_time when)
{
	if (evloop_arm(&t->e.loop, tm, when) < 0)
		engine_fail(&t->e, EXIT_SOFTWARE, "out of memory for timers");
}

/* The connection goes: the schedule released it, or it told what it had. */
static void task_close(struct trace *t, struct tmo_task *k)
{
	evloop_disarm(&t->e.loop, &k->timer);
	evloop_disarm(&t->e.loop, &k->refresh);
	if (k->c)
		engine_release(&t->e, k->c);
	k->c = NULL;
	k->st = TK_DONE;
}

/* Whether a dead flow's connection still waits for its full-TTL probe. */
static bool expiring(const struct trace *t)
{
	for (unsigned i = 0; i < t->q.nslots; i++)
		if (t->task[i].st == TK_EXPIRED)
			return true;
	return false;
}

/* A measurement for the schedule.  Dead, the connection may stay for its
 * full-TTL probe (TK_EXPIRED): the schedule goes on meanwhile, and what
 * the probe gets is filed under the measurement afterwards. */
static void report(struct trace *t, struct tmo_task *k, bool alive)
{
	unsigned before = t->q.s.nmeas;

	if (k->st != TK_EXPIRED)
		task_close(t, k);
	t->discards_row = 0;
	isched_measured(&t->q, k->slot, k->measured, alive, ev_now());
	k->meas = t->q.s.nmeas > before ? (int)before : -1;
	if (k->meas >= 0)
		t->tmo_expired[k->meas] = k->expired;
	drain(t);
}

/* The full-TTL probe got this (or nothing, k->expired as it was). */
static void expired(struct trace *t, struct tmo_task *k)
{
	if (k->meas >= 0)
		t->tmo_expired[k->meas] = k->expired;
	task_close(t, k);
	if (t->q.over && !expiring(t))
		engine_stop(&t->e, 0);
}

/* The connection cannot measure (refused, reset, never proved): another
 * asks its question; too many in a row end the hop's search. */
static void discard(struct trace *t, struct tmo_task *k)
{
	task_close(t, k);
	t->discarded++;
	if (++t->discards_row >= TMO_DISCARDS_IN_ROW) {
		engine_stop(&t->e, 0);
		return;
	}
	isched_failed(&t->q, k->slot, ev_now());
	drain(t);
}

static void probe(struct trace *t, struct tmo_task *k, unsigned ttl)
{
	k->tries++;
	k->waiting = true;
	engine_probe_now(&t->e, k->c, (uint8_t)ttl);
	arm(t, &k->timer, ev_now() + WAIT_US);
}

/* When a first measuring probe may go: a slot of hop j+1's ICMP rate
 * limit after the first one before it, for it is what sets the idle
 * measured; at once when hop j+1 is the peer (its ACKs are limited per
 * connection, tcp_invalid_ratelimit, and each question has its own). */
static ka_time meas_slot(const struct trace *t, ka_time now)
{
	ka_time at = t->meas_last + HOP_GAP_US;

	return t->tmo_hop + 1 == t->peer_ttl || at < now ? now : at;
}

/* The measuring probe: a first one in its slot of hop j+1's rate limit,
 * and D is the idle it left at; a retry WAIT_US after the try before.
 * Retries take no slots: a retry follows a probe that got no answer,
 * mostly because hop j forgot the flow and dropped it, and then it never
 * reaches hop j+1 either.  Only a retry whose first answer was lost draws
 * an answer that spends hop j+1's limit, and a probe's answer missing for
 * that is a death the search measures again. */
static void measure(struct trace *t, struct tmo_task *k, ka_time now)
{
	ka_time at;

	if (k->tries == 0 && (at = meas_slot(t, now)) > now) {
		arm(t, &k->timer, at);
		return;
	}
	if (k->tries == 0) {
		t->meas_last = now;
		k->measured = now - k->t0;
	}
	probe(t, k, t->tmo_hop + 1);
}

static void on_task_timer(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct tmo_task *k = TASK_OF(tm, timer);
	struct trace *t = k->t;

	(void)loop;
	if (k->st == TK_PROVING && (!k->waiting || k->tries < TRIES))
		probe(t, k, 0);
	else if (k->st == TK_PROVING)
		discard(t, k);   /* never proved itself: no measurement */
	else if (k->st == TK_IDLE && k->idle) {
		k->st = TK_MEASURING;
		k->tries = 0;
		measure(t, k, now);
	} else if (k->st == TK_MEASURING && k->tries < TRIES) {
		measure(t, k, now);
	} else if (k->st == TK_MEASURING) {
		/* Dead: the schedule is told at once; what does a probe at
		 * full TTL get now? */
		k->st = TK_EXPIRED;
		k->tries = 0;
		evloop_disarm(&t->e.loop, &k->refresh);
		probe(t, k, 0);
		report(t, k, false);
	} else if (k->st == TK_EXPIRED) {
		expired(t, k);   /* nothing: k->expired stays REPLY_NONE */
	}
}

static void on_refresh(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct tmo_task *k = TASK_OF(tm, refresh);

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

/* The proof was answered: every hop refreshed, the idle counts from now;
 * the schedule says whether to ask something, and what. */
static void proven(struct trace *t, struct tmo_task *k, ka_time at)
{
	k->st = TK_IDLE;
	k->waiting = false;
	k->t0 = at;
	if (t->tmo_hop > 1)
		arm(t, &k->refresh, k->t0 + REFRESH_US);
	t->discards_row = 0;
	isched_proven(&t->q, k->slot, at);
	drain(t);
}

static void on_task_reply(struct trace *t, struct tmo_task *k, const struct eng_event *ev)
{
	struct probe_reply a;

	trace_answer_of(ev, NULL, &a);
	if (k->st == TK_PROVING && k->waiting) {
		if (a.kind != REPLY_ACK || !a.by_peer)
			discard(t, k);   /* not a connection that can measure */
		else
			proven(t, k, ev->t);
	} else if (k->st == TK_MEASURING && k->waiting) {
		if (from_next_hop(t, &a)) {
			report(t, k, true);
		} else if (a.kind == REPLY_RST || (a.kind == REPLY_ICMP && !trace_time_exceeded(&a))) {
			k->expired = a;   /* refused on the way: dead, and this is why */
			report(t, k, false);
		}   /* else a refresh probe's time exceeded, from hop j-1 */
	} else if (k->st == TK_EXPIRED && !(a.kind == REPLY_ICMP && trace_time_exceeded(&a))) {
		k->expired = a;
		expired(t, k);
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
	case ENG_VERDICT:   /* reset before it measured, or after */
		if (k->st == TK_EXPIRED)
			expired(t, k);
		else
			discard(t, k);
		break;
	case ENG_PROBE:
	case ENG_IGNORED:
		break;
	}
}

/* ---- the schedule's orders ------------------------------------------------------------ */

static void open_slot(struct trace *t, unsigned slot)
{
	struct tmo_task *k = &t->task[slot];
	struct ka_config cfg = trace_never_cfg();

	*k = (struct tmo_task){ .t = t, .slot = slot, .st = TK_CONNECTING,
				.timer.fn = on_task_timer, .refresh.fn = on_refresh };
	k->c = engine_connect(&t->e, 0, &cfg, t->tracer->shape, k);
	if (!k->c)
		engine_fail(&t->e, EXIT_NOCONNECT, "%s", t->e.err);
}

/* Ask an idle connection a question, or (KA_NEVER) take it back: the
 * measuring probe goes once the connection has been idle that long. */
static void ask(struct trace *t, struct tmo_task *k, ka_time idle)
{
	if (k->st != TK_IDLE)
		return;   /* measuring already: the schedule waits for it */
	k->idle = idle == KA_NEVER ? 0 : idle;
	if (k->idle)
		arm(t, &k->timer, k->t0 + k->idle);
	else
		evloop_disarm(&t->e.loop, &k->timer);
}

static void on_order(struct trace *t, const struct isched_order *o)
{
	struct tmo_task *k = &t->task[o->slot];

	if (o->verb == IS_OPEN)
		open_slot(t, o->slot);
	else if (k->st == TK_DONE)
		return;
	else if (o->verb == IS_RELEASE)
		task_close(t, k);
	else
		ask(t, k, o->idle);
}

/* Carry out what the schedule asks after each thing it was told; the hop
 * is done once its search is over and the last dead flow's full-TTL probe
 * is answered or given up. */
static void drain(struct trace *t)
{
	struct isched_order o;

	isched_tick(&t->q, ev_now());
	while (isched_order(&t->q, &o))
		on_order(t, &o);
	if (!t->q.over)
		arm(t, &t->wake, isched_wakeup(&t->q));
	else if (!expiring(t))
		engine_stop(&t->e, 0);
}

static void on_wake(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	(void)loop; (void)now;
	drain(TRACE_OF(tm, wake));
}

/* ---- one hop ---------------------------------------------------------------------------- */

/* Run the hop's schedule until its search is over, then close what is
 * left.  Returns -1 when the run was stopped. */
static int run_hop(struct trace *t, const struct isched_cfg *cfg)
{
	t->meas_last = ev_now() - HOP_GAP_US;
	t->discarded = t->discards_row = 0;
	t->wake.fn = on_wake;
	isched_init(&t->q, cfg, ev_now());
	engine_resume(&t->e);
	drain(t);
	engine_run(&t->e);
	evloop_disarm(&t->e.loop, &t->wake);
	for (unsigned i = 0; i < t->q.nslots; i++)
		if (t->task[i].st != TK_DONE)
			task_close(t, &t->task[i]);
	return t->e.status || t->interrupted ? -1 : 0;
}

/* The hop's bracket.  Contradictions that re-measurement could not clear
 * leave it as folded, and counted in disagree. */
static int measure_hop(struct trace *t, unsigned hop, struct tr_timeout *r)
{
	bool peer_next = hop + 1 == t->peer_ttl;
	struct isched_cfg cfg = { { ENG_SETTLE_US, t->opt->max_idle, t->opt->resolution,
				    t->opt->res_permille }, TMO_CONNS,
				  peer_next ? 0 : MEAS_SPAN_US, peer_next ? 0 : TMO_AT_ONCE };
	struct isched_finding f;

	t->tmo_hop = hop;
	if (run_hop(t, &cfg) < 0)
		return -1;
	if (!t->q.over)
		idles_fold(&t->q.s);   /* discards ended it: what it has */
	isched_finding(&t->q, &f);
	r->alive = f.f.alive;
	r->dead = f.f.dead;
	r->measurements = f.f.agree + f.f.disagree;
	r->disagree = f.f.disagree;
	r->discarded = t->discarded;
	if (f.f.expired >= 0)
		r->expired = t->tmo_expired[f.f.expired];
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
