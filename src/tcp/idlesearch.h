/* idlesearch.h - the idle-timeout search, pure: no I/O, no clock, no
 * engine.  Both `kaprobe audit` (the path) and `trace --timeouts` (each
 * hop) ask it what to measure and tell it what each measurement found.
 *
 * A measurement is one flow left idle for a time, then probed: answered
 * (the flow was alive at that idle) or not (dead).  The search runs in
 * rounds, each a set of idles the driver measures in parallel:
 *
 *   round 1   a geometric ladder from IDLES_FIRST_US up to the longest
 *             idle, so that one round sees the whole range;
 *   after     evenly across the bracket, between the longest idle answered
 *             and the shortest dead above it, plus the shortest death once
 *             more until two measurements there agree (a death can be a
 *             loss that the driver's retries did not cover; an answer
 *             cannot be faked by a dead flow);
 *   contested a death at or below an idle answered is measured twice more
 *             before anything else: answered there, it was a loss and is
 *             overruled; dead again, the findings are inconsistent.
 *
 * It is over when nothing died up to the longest idle, when the confirmed
 * bracket is narrower than the resolution, when a flow is dead already at
 * the shortest idle the driver can measure, when findings are
 * inconsistent, when a round measured nothing (no connection could), or
 * after IDLES_MAX_ROUNDS.
 *
 * The driver's loop:
 *
 *	idles_init(&s, &bounds);
 *	do {
 *		n = idles_plan(&s, width, ask);
 *		measure ask[0..n), idles_record() each measurement;
 *	} while (!idles_fold(&s));
 *	idles_finding(&s, &f);
 *
 * Records are folded at the end of a round only, so that the order in
 * which a round's answers arrive does not change the finding.  A search
 * that stops climbing once a death is confirmed (issue 22) folds after
 * each record instead and tells the driver which idles still pending are
 * above the confirmed death.
 */
#ifndef KAPROBE_IDLESEARCH_H
#define KAPROBE_IDLESEARCH_H

#include <stdbool.h>

#include "util/ktime.h"

/* The ladder's first rung: above the settling time, where a proof probe
 * goes, so that round 1 measures something beyond the proof. */
#define IDLES_FIRST_US 600000
#define IDLES_MAX_ROUNDS 16
#define IDLES_MAX_MEAS 1024

struct idles_bounds {
	ka_time shortest;     /* a death here says nothing shorter can be measured */
	ka_time longest;      /* the longest idle asked about (--max-idle) */
	ka_time resolution;   /* a confirmed bracket this narrow is the answer */
	unsigned permille;    /* ... or this many thousandths of its top (0: none) */
};

/* The resolution at this idle: the bracket narrow enough to be the answer. */
static inline ka_time idles_res(const struct idles_bounds *b, ka_time idle)
{
	ka_time rel = idle / 1000 * (ka_time)b->permille;

	return rel > b->resolution ? rel : b->resolution;
}

/* Measurements this close to an idle count as measuring it (timers and
 * the rate limit move a probe a little). */
static inline ka_time idles_tol(const struct idles_bounds *b, ka_time idle)
{
	return idles_res(b, idle) / 4;
}

/* One idle a round asks about. */
struct idles_ask {
	ka_time idle;
	bool remeasure;       /* a contested death, asked again */
	bool confirm;         /* the shortest death, asked again to confirm it */
};

struct idles_meas {
	ka_time idle;         /* as measured: the driver's, not the one asked */
	bool answered;
	bool superseded;      /* a death overruled by answers at its idle */
};

struct idlesearch {
	struct idles_bounds b;
	struct idles_meas meas[IDLES_MAX_MEAS];
	unsigned nmeas;
	unsigned round;       /* the round planned last, from 1 */
	unsigned round_first; /* its first measurement */
	ka_time alive, dead;  /* the bracket after the last fold (0: none yet) */
	ka_time contested;    /* a death at or below alive, to measure again */
	bool inconsistent;
};

struct idles_finding {
	ka_time alive, dead;  /* the bracket (0: none), as folded */
	unsigned agree, disagree;   /* measurements that fit it, and not */
	int expired;          /* the first measurement dead at `dead`, or -1 */
	bool inconsistent;
};

void idles_init(struct idlesearch *s, const struct idles_bounds *b);

/* The next round's idles into ask[], width of them (at most width + 1:
 * the confirmation of the shortest death comes on top); returns how many. */
unsigned idles_plan(struct idlesearch *s, unsigned width, struct idles_ask *ask);

/* A measurement of the current round: the idle it actually had, and
 * whether the flow answered.  Returns its index (for the driver's own
 * record of what the probe got), or -1 when the table is full. */
int idles_record(struct idlesearch *s, ka_time idle, bool answered);

/* The round is over: fold its measurements into the bracket.  Returns
 * whether the search is over. */
bool idles_fold(struct idlesearch *s);

void idles_finding(const struct idlesearch *s, struct idles_finding *f);

/* Measurements at this idle (idles_tol): answered, and standing dead ones
 * (two of those confirm a death). */
void idles_votes(const struct idlesearch *s, ka_time idle, unsigned *alive, unsigned *dead);

#endif
