/* idlesched.h - when to open connections and which one asks which idle:
 * the idle-timeout search (idlesearch.h) driven against the clock, pure
 * (no I/O; times are passed in).  `kaprobe audit` runs it, and `trace
 * --timeouts` for each hop (behind the next hop's ICMP rate limit: see
 * isched_cfg's gap); the unit tests run it on scripted paths to know the
 * wall time a timeout T costs.
 *
 * Why a schedule, not just rounds of fresh connections: a question "is a
 * flow idle for D alive?" costs D of wall time on a connection opened for
 * it, so rounds of fresh connections cost the bracket's top each, and a
 * search for T took several T.  But a connection opened earlier and left
 * idle can answer any D at least as long as its age, at the moment its age
 * reaches D.  So the schedule keeps a pool of idle connections of many
 * ages ("spares", opened at geometric intervals after a first burst) and
 * gives each question to the connection that reaches its idle soonest:
 *
 *   round 1   the search's ladder (0.6 s up to --max-idle), one connection
 *             each, all opened at once; as soon as a rung dies, the rungs
 *             above it are dropped (they could only die too): the search
 *             stops climbing at about T;
 *   after     the search's bracket is asked at the ages the spares have
 *             then (a spare of age a inside the bracket answers at once,
 *             a little above a), the shortest death's confirmation and
 *             contested idles at exactly their idle, each from the spare
 *             that reaches it first, or a fresh connection when none can;
 *   always    questions made pointless by an answer that came meanwhile
 *             (above a death, or below an idle answered) are dropped
 *             before they are asked; spares too old to ask anything inside
 *             the bracket are released.
 *
 * A peer that closes idle connections itself (an endpoint or proxy timeout:
 * a FIN or RST that nothing prompted) closes every idle connection at the
 * same idle: each close is a death, timed from the connection's last data,
 * and two that agree end the search with the close as the finding.
 *
 * The driver turns orders into connections (isched_order), and reports
 * back: proven (the connection is idle from `at`), measured, closed,
 * failed (discarded: it can answer nothing).  Slots are the driver's key.
 */
#ifndef KAPROBE_IDLESCHED_H
#define KAPROBE_IDLESCHED_H

#include <stdbool.h>

#include "tcp/idlesearch.h"

#define ISCHED_MAX_SLOTS 1024
#define ISCHED_LADDER 32          /* round 1's rungs at most */
/* Spares: the first opened this long after the start, then each next one
 * SPARE_RATIO times as long after it.  A ratio of 1.15 keeps enough ages
 * inside any bracket round 1 leaves (the ladder's rungs are 1.36x apart)
 * while a search up to 2h4m holds under a hundred connections. */
#define ISCHED_SPARE_FIRST_US 1000000
#define ISCHED_SPARE_RATIO 1.15
/* How far above a spare's age its question goes: time to configure it. */
#define ISCHED_MARGIN_US 50000
/* Two closes agree within this plus a tenth of their idle: an endpoint's
 * timer may run in whole seconds (redis). */
#define ISCHED_CLOSE_TOL_US 1100000

enum isched_verb {
	IS_OPEN,      /* open a connection for this slot, prove it, report */
	IS_PROBE,     /* probe this slot's connection once idle for `idle` */
	IS_RELEASE,   /* close this slot's connection: nothing left for it */
};

struct isched_order {
	enum isched_verb verb;
	unsigned slot;
	ka_time idle;
};

enum islot_state { ISL_UNUSED, ISL_OPENING, ISL_IDLE, ISL_ASKED, ISL_GONE };

struct islot {
	unsigned char state;      /* enum islot_state */
	bool counted;             /* its question is one the round waits for */
	ka_time proven;           /* the idle clock's start */
	struct idles_ask ask;     /* ISL_ASKED, or ISL_OPENING for a question
				   * (idle 0: none, a spare) */
};

struct isched_cfg {
	struct idles_bounds b;
	unsigned cap;             /* connections open at once, at most */
	/* A driver whose measuring probes wait for a rate limit (the
	 * trace's: one answer a second from the hop beyond), so that a probe
	 * due within gap of another would leave late and measure a longer
	 * idle than asked: round 1's rungs no closer than gap, questions
	 * given to connections whose probes come due clear of the others'
	 * by gap, and after round 1 at most at_once questions at a time
	 * (0, 0: the audit's, as many as round 1's rungs at once). */
	ka_time gap;
	unsigned at_once;
};

/* Questions waiting for a connection (none fits and the cap is reached). */
#define ISCHED_MAX_WAIT (ISCHED_LADDER * 2 + 2)

struct isched {
	struct idlesearch s;
	struct isched_cfg cfg;
	struct islot slot[ISCHED_MAX_SLOTS];
	unsigned nslots;          /* slots used so far (not reused) */
	unsigned open;            /* opening or open */
	struct idles_ask wait[ISCHED_MAX_WAIT];
	unsigned nwait;
	unsigned asked;           /* questions of this round not yet answered */
	ka_time start, next_spare;
	struct isched_order order[ISCHED_MAX_SLOTS];
	unsigned norders, ohead;
	/* Closes: their data idles, in order. */
	ka_time close[8];
	unsigned ncloses;
	ka_time closed_at;        /* the close finding (0: none) */
	bool over;
};

struct isched_finding {
	struct idles_finding f;   /* the bracket, on the probes' clock */
	ka_time close;            /* the peer closes idle connections at this
				   * idle of data (0: it did not) */
	unsigned closes;
};

void isched_init(struct isched *q, const struct isched_cfg *cfg, ka_time now);

/* Let time pass: open spares and start rounds that are due.  Call on
 * every timer and after every report. */
void isched_tick(struct isched *q, ka_time now);

/* The next order, or false when none.  Orders are valid until the next
 * call into isched. */
bool isched_order(struct isched *q, struct isched_order *o);

/* When isched_tick next has something to do (KA_NEVER: nothing). */
ka_time isched_wakeup(const struct isched *q);

void isched_proven(struct isched *q, unsigned slot, ka_time at);
void isched_measured(struct isched *q, unsigned slot, ka_time idle, bool answered, ka_time now);
/* The peer closed the slot's connection after `data_idle` without data. */
void isched_closed(struct isched *q, unsigned slot, ka_time data_idle, ka_time now);
/* The slot's connection could not be proven (discarded by the driver). */
void isched_failed(struct isched *q, unsigned slot, ka_time now);

/* Fewer connections at once (a server that takes few). */
void isched_set_cap(struct isched *q, unsigned cap);

/* When the search can be expected to end, as now known (0: not known:
 * nothing died yet, so up to the longest idle). */
ka_time isched_eta(const struct isched *q, ka_time now);

void isched_finding(const struct isched *q, struct isched_finding *f);

/* The longest idle answered so far. */
ka_time isched_alive(const struct isched *q);

#endif
