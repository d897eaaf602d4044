/* idlesched.c - the idle search against the clock (see idlesched.h). */
#include "tcp/idlesched.h"

#include <string.h>

/* What a dead flow's round takes the driver (TRIES probes
 * ENG_PROBE_GAP_US apart and a gap more): for the estimate only. */
#define ROUND_SPAN_US 3000000
/* The estimate's bound (issue 22): the answer within 2 T and this. */
#define ETA_SLACK_US 30000000

static void push(struct isched *q, enum isched_verb verb, unsigned slot, ka_time idle)
{
	q->order[(q->ohead + q->norders++) % ISCHED_MAX_SLOTS] =
		(struct isched_order){ .verb = verb, .slot = slot, .idle = idle };
}

bool isched_order(struct isched *q, struct isched_order *o)
{
	if (!q->norders)
		return false;
	*o = q->order[q->ohead];
	q->ohead = (q->ohead + 1) % ISCHED_MAX_SLOTS;
	q->norders--;
	return true;
}

/* The tolerance around the bracket's top (0: none yet). */
static ka_time tol(const struct isched *q, ka_time dead)
{
	return idles_tol(&q->cfg.b, dead ? dead : q->cfg.b.longest);
}

static bool fixed(const struct idles_ask *a)
{
	return a->remeasure || a->confirm;
}

/* The bracket as the measurements so far say it, between folds: the
 * longest idle answered, the shortest death above it (0: none), and the
 * shortest confirmed one (two deaths there; 0: none). */
static void peek(const struct isched *q, ka_time *alive, ka_time *dead, ka_time *sure)
{
	const struct idlesearch *s = &q->s;

	*alive = *dead = *sure = 0;
	for (unsigned i = 0; i < s->nmeas; i++)
		if (s->meas[i].answered && s->meas[i].idle > *alive)
			*alive = s->meas[i].idle;
	for (unsigned i = 0; i < s->nmeas; i++) {
		const struct idles_meas *m = &s->meas[i];
		unsigned yes, no;

		if (m->answered || m->superseded || m->idle <= *alive)
			continue;
		if (!*dead || m->idle < *dead)
			*dead = m->idle;
		if (*sure && m->idle >= *sure)
			continue;
		idles_votes(s, m->idle, &yes, &no);
		if (no >= 2)
			*sure = m->idle;
	}
}

/* A fresh connection, for a question or (idle 0) as a spare. */
static bool new_slot(struct isched *q, const struct idles_ask *a)
{
	if (q->nslots == ISCHED_MAX_SLOTS || q->open >= q->cfg.cap)
		return false;
	q->slot[q->nslots] = (struct islot){ .state = ISL_OPENING, .ask = *a,
					     .counted = a->idle != 0 };
	q->open++;
	push(q, IS_OPEN, q->nslots++, 0);
	return true;
}

static void ask_slot(struct isched *q, unsigned i, const struct idles_ask *a)
{
	q->slot[i].state = ISL_ASKED;
	q->slot[i].ask = *a;
	q->slot[i].counted = true;
	push(q, IS_PROBE, i, a->idle);
}

/* Behind a rate limit (cfg.gap): whether a probe due then would wait for
 * one asked already, due within the gap of it, and be measured late. */
static bool clashes(const struct isched *q, ka_time due, ka_time now)
{
	if (!q->cfg.gap)
		return false;
	for (unsigned i = 0; i < q->nslots; i++) {
		const struct islot *sl = &q->slot[i];
		ka_time d = sl->proven + sl->ask.idle;

		if (sl->state == ISL_ASKED && d + q->cfg.gap > now &&
		    d - due < q->cfg.gap && due - d < q->cfg.gap)
			return true;
	}
	return false;
}

/* The idle spare that reaches `idle` first (the oldest not past it, its
 * probe clear of the others'), or -1. */
static int best_spare(const struct isched *q, ka_time idle, ka_time now)
{
	int best = -1;

	for (unsigned i = 0; i < q->nslots; i++) {
		const struct islot *sl = &q->slot[i];

		if (sl->state == ISL_IDLE && now - sl->proven + ISCHED_MARGIN_US <= idle &&
		    (best < 0 || sl->proven < q->slot[best].proven) &&
		    !clashes(q, sl->proven + idle, now))
			best = (int)i;
	}
	return best;
}

/* Give a question to the spare that answers it first, else to a fresh
 * connection, else keep it waiting for one. */
static void give(struct isched *q, const struct idles_ask *a, ka_time now)
{
	int i = best_spare(q, a->idle, now);

	if (i >= 0)
		ask_slot(q, (unsigned)i, a);
	else if (q->nslots == ISCHED_MAX_SLOTS || q->nwait == ISCHED_MAX_WAIT)
		return;   /* out of slots: the search ends with what it has */
	else if (!new_slot(q, a))
		q->wait[q->nwait++] = *a;
	q->asked++;
}

static void serve_waiting(struct isched *q, ka_time now)
{
	struct idles_ask w[ISCHED_MAX_WAIT];
	unsigned n = q->nwait;

	memcpy(w, q->wait, n * sizeof w[0]);
	q->nwait = 0;
	q->asked -= n;
	for (unsigned i = 0; i < n; i++)
		give(q, &w[i], now);
}

/* A question that can no longer tell anything: above the shortest death
 * (it would die too), or below an idle answered (it would be answered;
 * a contested idle excepted, which is asked again on purpose). */
static bool pointless(const struct idles_ask *a, ka_time alive, ka_time dead, ka_time t)
{
	return (dead && a->idle > dead + t) || (!a->remeasure && a->idle + t < alive);
}

/* Take a question back from a slot that has not asked it yet: an idle
 * connection goes back to the pool. */
static void unask(struct isched *q, unsigned i)
{
	struct islot *sl = &q->slot[i];

	q->asked--;
	sl->counted = false;
	sl->ask = (struct idles_ask){ 0 };
	if (sl->state == ISL_ASKED) {
		sl->state = ISL_IDLE;
		push(q, IS_PROBE, i, KA_NEVER);
	}
}

/* Whether a question at about this idle is out or waiting. */
static bool pending(const struct isched *q, ka_time idle)
{
	ka_time t = tol(q, idle);

	for (unsigned i = 0; i < q->nwait; i++)
		if (q->wait[i].idle >= idle - t && q->wait[i].idle <= idle + t)
			return true;
	for (unsigned i = 0; i < q->nslots; i++)
		if (q->slot[i].counted && q->slot[i].ask.idle >= idle - t &&
		    q->slot[i].ask.idle <= idle + t)
			return true;
	return false;
}

/* Questions waiting for a connection that `drop` says go: gone. */
static void drop_waiting(struct isched *q, bool (*drop)(const struct idles_ask *, const void *),
			 const void *arg)
{
	unsigned n = 0;

	for (unsigned i = 0; i < q->nwait; i++)
		if (drop(&q->wait[i], arg))
			q->asked--;
		else
			q->wait[n++] = q->wait[i];
	q->nwait = n;
}

static bool confirm_above(const struct idles_ask *a, const void *above)
{
	return a->confirm && a->idle > *(const ka_time *)above;
}

/* Confirmations of deaths above `above` not asked yet: a shorter death
 * came, which is confirmed instead (their connections go back to the
 * pool, and a loss there is asked about again if it was one). */
static void withdraw_confirms(struct isched *q, ka_time above, ka_time now)
{
	drop_waiting(q, confirm_above, &above);
	for (unsigned i = 0; i < q->nslots; i++) {
		struct islot *sl = &q->slot[i];

		if (!sl->counted || !sl->ask.confirm || sl->ask.idle <= above ||
		    (sl->state == ISL_ASKED && sl->proven + sl->ask.idle <= now))
			continue;
		unask(q, i);
	}
}

/* Until a death is confirmed, a new shortest death is asked again at
 * once: only a confirmed death stops the climb, since a loss the retries
 * did not cover would otherwise cut the ladder short.  Deaths below a
 * confirmed one narrow the bracket unconfirmed, and the search confirms
 * the last (idlesearch.c). */
static void confirm(struct isched *q, ka_time sure, ka_time dead, ka_time now)
{
	unsigned yes, no;

	if (!dead || sure || q->over)
		return;
	idles_votes(&q->s, dead, &yes, &no);
	if (no >= 2 || pending(q, dead))
		return;
	withdraw_confirms(q, dead + tol(q, dead), now);
	give(q, &(struct idles_ask){ .idle = dead, .confirm = true }, now);
}

static bool pointless_at(const struct idles_ask *a, const void *bracket)
{
	const ka_time *b = bracket;   /* alive, dead, tolerance */

	return pointless(a, b[0], b[1], b[2]);
}

/* Drop pointless questions not yet asked; release spares too old to ask
 * anything inside the bracket. */
static void prune(struct isched *q, ka_time now)
{
	ka_time alive, dead, sure, t, top;

	peek(q, &alive, &dead, &sure);
	t = tol(q, sure);
	top = sure ? sure : q->cfg.b.longest;
	drop_waiting(q, pointless_at, (const ka_time[3]){ alive, sure, t });
	for (unsigned i = 0; i < q->nslots; i++) {
		struct islot *sl = &q->slot[i];
		bool due = sl->state == ISL_ASKED && sl->proven + sl->ask.idle <= now;

		if (sl->counted && pointless(&sl->ask, alive, sure, t)) {
			/* One in flight still gets recorded, but the round
			 * does not wait for it. */
			if (due) {
				q->asked--;
				sl->counted = false;
			} else {
				unask(q, i);
			}
		}
		if (sl->state == ISL_IDLE && now - sl->proven > top + t) {
			sl->state = ISL_GONE;
			q->open--;
			push(q, IS_RELEASE, i, 0);
		}
	}
	confirm(q, sure, dead, now);
}

/* The spares whose age lies inside (lo, hi), oldest first, into idx[]. */
static unsigned inside(const struct isched *q, ka_time lo, ka_time hi, ka_time now, unsigned *idx)
{
	unsigned n = 0;

	for (unsigned i = 0; i < q->nslots; i++) {
		const struct islot *sl = &q->slot[i];
		ka_time idle = now - sl->proven + ISCHED_MARGIN_US;

		if (sl->state == ISL_IDLE && idle > lo && idle < hi)
			idx[n++] = i;
	}
	return n;
}

/* The idle spares that reach lo within `wait`, and whether any is idle. */
static unsigned below(const struct isched *q, ka_time lo, ka_time wait, ka_time now, bool *any)
{
	unsigned n = 0;

	*any = false;
	for (unsigned i = 0; i < q->nslots; i++) {
		ka_time age = now - q->slot[i].proven;

		if (q->slot[i].state != ISL_IDLE)
			continue;
		*any = true;
		n += age <= lo && age + wait >= lo;
	}
	return n;
}

/* No spare inside the bracket: the spares just below it (each reaching it
 * within a tenth of its top, or a round's span) ask evenly spaced idles,
 * the oldest the longest; at least one spare if any is idle, since it
 * waits less than a fresh connection; fresh ones when none is. */
static void spread_below(struct isched *q, const struct idles_ask *ask, unsigned n,
			 ka_time lo, ka_time hi, ka_time now)
{
	ka_time wait = hi / 10 > ROUND_SPAN_US ? hi / 10 : ROUND_SPAN_US;
	bool any;
	unsigned m = below(q, lo, wait, now, &any);

	if (!any) {
		for (unsigned i = 0; i < n; i++)
			give(q, &ask[i], now);
		return;
	}
	if (m == 0)
		m = 1;
	if (m > n)
		m = n;
	for (unsigned i = m; i-- > 0;)
		give(q, &(struct idles_ask){ .idle = lo + (hi - lo) * (ka_time)(i + 1)
							 / (ka_time)(m + 1) }, now);
}

/* A round after the first: the search's idles that must be exact (a
 * confirmation, a contested idle) as asked; the bracket itself at the ages
 * of the spares inside it, spread, when there are any (behind a rate
 * limit, a slot of it each, and only those still inside the bracket when
 * their slot comes), else from the spares just below it. */
static void plan_next(struct isched *q, unsigned width, ka_time now)
{
	struct idles_ask ask[ISCHED_LADDER + 2];
	unsigned idx[ISCHED_MAX_SLOTS], n, spread = 0, k, asked = 0;
	ka_time t = tol(q, q->s.dead), lo = q->s.alive + t, hi;

	n = idles_plan(&q->s, width, ask);
	hi = (q->s.dead ? q->s.dead : q->cfg.b.longest) - t;
	for (unsigned i = 0; i < n; i++)
		if (fixed(&ask[i]))
			give(q, &ask[i], now);
		else
			ask[spread++] = ask[i];
	if (!spread)
		return;
	k = inside(q, lo, hi, now, idx);
	for (unsigned i = 0; i < spread && i < k; i++) {
		unsigned j = spread >= k ? i : i * k / spread + k / (2 * spread);
		const struct islot *sl = &q->slot[idx[j]];
		ka_time due = now + ISCHED_MARGIN_US;

		while (clashes(q, due, now))
			due += q->cfg.gap;   /* behind a rate limit: a slot each */
		if (due - sl->proven >= hi)
			continue;   /* past the bracket by the time its slot comes */
		q->asked++;
		asked++;
		ask_slot(q, idx[j], &(struct idles_ask){ .idle = due - sl->proven });
	}
	if (!asked)
		spread_below(q, ask, spread, lo, hi, now);
}

static unsigned width(const struct isched *q)
{
	return q->cfg.cap < ISCHED_LADDER ? q->cfg.cap : ISCHED_LADDER;
}

/* After round 1: at_once questions at most. */
static unsigned later_width(const struct isched *q)
{
	unsigned w = width(q);

	return q->cfg.at_once && q->cfg.at_once < w ? q->cfg.at_once : w;
}

/* Round 1's rungs no closer than the gap (the longest always asked): the
 * rest would wait for the rate limit and be measured at the same idles,
 * late, as the rungs above them. */
static unsigned thin(const struct isched *q, struct idles_ask *ask, unsigned n)
{
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++) {
		if (k && ask[i].idle < ask[k - 1].idle + q->cfg.gap) {
			if (i + 1 < n)
				continue;
			k--;   /* the longest takes the place of the one below */
		}
		ask[k++] = ask[i];
	}
	return k;
}

static void finish(struct isched *q)
{
	q->over = true;
	q->nwait = 0;
	for (unsigned i = 0; i < q->nslots; i++)
		if (q->slot[i].state == ISL_OPENING || q->slot[i].state == ISL_IDLE ||
		    q->slot[i].state == ISL_ASKED) {
			q->slot[i].state = ISL_GONE;
			push(q, IS_RELEASE, i, 0);
		}
	q->open = 0;
}

/* A round is over when each of its questions is answered or dropped. */
static void round_check(struct isched *q, ka_time now)
{
	while (!q->over && q->asked == 0) {
		if (idles_fold(&q->s)) {
			finish(q);
			return;
		}
		plan_next(q, later_width(q), now);
	}
}

void isched_init(struct isched *q, const struct isched_cfg *cfg, ka_time now)
{
	struct idles_ask ask[ISCHED_LADDER];
	unsigned n;

	memset(q, 0, sizeof *q);
	q->cfg = *cfg;
	q->start = now;
	q->next_spare = now + ISCHED_SPARE_FIRST_US;
	idles_init(&q->s, &cfg->b);
	n = thin(q, ask, idles_plan(&q->s, width(q), ask));
	for (unsigned i = 0; i < n; i++)
		give(q, &ask[i], now);
}

void isched_tick(struct isched *q, ka_time now)
{
	if (q->over)
		return;
	while (now >= q->next_spare) {
		new_slot(q, &(struct idles_ask){ 0 });
		q->next_spare = q->start + (ka_time)((q->next_spare - q->start) * ISCHED_SPARE_RATIO);
	}
	prune(q, now);
	round_check(q, now);
}

ka_time isched_wakeup(const struct isched *q)
{
	return q->over ? KA_NEVER : q->next_spare;
}

void isched_proven(struct isched *q, unsigned slot, ka_time at)
{
	struct islot *sl = &q->slot[slot];

	if (sl->state != ISL_OPENING)
		return;
	sl->proven = at;
	if (sl->ask.idle) {
		ask_slot(q, slot, &sl->ask);
	} else {
		sl->state = ISL_IDLE;
		serve_waiting(q, at);
	}
	prune(q, at);
}

/* The slot is done: its connection goes (the driver closes it). */
static void retire(struct isched *q, struct islot *sl)
{
	if (sl->state != ISL_GONE && sl->state != ISL_UNUSED)
		q->open--;
	if (sl->counted)
		q->asked--;
	sl->counted = false;
	sl->state = ISL_GONE;
}

static void after(struct isched *q, ka_time now)
{
	prune(q, now);
	serve_waiting(q, now);
	round_check(q, now);
}

void isched_measured(struct isched *q, unsigned slot, ka_time idle, bool answered, ka_time now)
{
	if (q->over || q->slot[slot].state == ISL_GONE)
		return;
	retire(q, &q->slot[slot]);
	idles_record(&q->s, idle, answered);
	after(q, now);
}

/* Two closes agree when the peer's own timer could have made both. */
static bool closes_agree(ka_time a, ka_time b)
{
	ka_time d = a > b ? a - b : b - a, top = a > b ? a : b;

	return d <= ISCHED_CLOSE_TOL_US + top / 10;
}

void isched_closed(struct isched *q, unsigned slot, ka_time data_idle, ka_time now)
{
	struct islot *sl = &q->slot[slot];
	bool proven = sl->state == ISL_IDLE || sl->state == ISL_ASKED;

	if (q->over || sl->state == ISL_GONE)
		return;
	retire(q, sl);
	idles_record(&q->s, proven ? now - sl->proven : q->cfg.b.shortest, false);
	if (q->ncloses < sizeof q->close / sizeof q->close[0])
		q->close[q->ncloses++] = data_idle;
	for (unsigned i = 0; i + 1 < q->ncloses; i++)
		if (closes_agree(q->close[i], data_idle)) {
			q->closed_at = q->close[i] < data_idle ? q->close[i] : data_idle;
			idles_fold(&q->s);
			/* The closes are the finding.  A peer that counts whole
			 * seconds (redis) answers some probes a little past
			 * another connection's close, which the bracket reads
			 * as a death below a live idle: inconsistent only past
			 * the closes' own tolerance. */
			q->s.inconsistent = q->s.alive > q->closed_at &&
					    !closes_agree(q->s.alive, q->closed_at);
			finish(q);
			return;
		}
	after(q, now);
}

void isched_failed(struct isched *q, unsigned slot, ka_time now)
{
	struct islot *sl = &q->slot[slot];
	struct idles_ask a = sl->ask;
	bool asked = sl->counted;

	if (q->over || sl->state == ISL_GONE)
		return;
	retire(q, sl);
	if (asked)
		give(q, &a, now);
	after(q, now);
}

void isched_set_cap(struct isched *q, unsigned cap)
{
	q->cfg.cap = cap ? cap : 1;
}

ka_time isched_eta(const struct isched *q, ka_time now)
{
	ka_time alive, dead, sure, last = now;

	if (q->over)
		return now;
	peek(q, &alive, &dead, &sure);
	if (!dead)
		return 0;
	for (unsigned i = 0; i < q->nslots; i++) {
		const struct islot *sl = &q->slot[i];
		ka_time due = sl->state == ISL_ASKED ? sl->proven + sl->ask.idle + ROUND_SPAN_US : 0;

		if (due > last)
			last = due;
	}
	/* More rounds may follow: never promise beyond the bound either. */
	return last > q->start + 2 * dead + ETA_SLACK_US ? last : q->start + 2 * dead + ETA_SLACK_US;
}

void isched_finding(const struct isched *q, struct isched_finding *f)
{
	idles_finding(&q->s, &f->f);
	f->close = q->closed_at;
	f->closes = q->ncloses;
}

ka_time isched_alive(const struct isched *q)
{
	ka_time alive, dead, sure;

	peek(q, &alive, &dead, &sure);
	return alive;
}
