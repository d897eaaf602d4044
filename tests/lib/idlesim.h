/* idlesim.h - the idle search's schedule (tcp/idlesched.h) run against a
 * modelled path on a simulated clock: what it asks, how many connections
 * it holds, and the wall time it needs.  The unit tests assert on it;
 * tools/searchsim prints it for `make bench` (the 350 s and 2h4m
 * timeouts no test waits for). */
#ifndef KAPROBE_IDLESIM_H
#define KAPROBE_IDLESIM_H

#include <stdio.h>

#include "tcp/idlesched.h"

struct idlesim_path {
	ka_time forget;     /* a box forgets flows idle this long (0: never) */
	ka_time close;      /* the peer closes connections this long without data (0: never) */
	bool whole_seconds; /* ... counted as redis counts: whole seconds of its
			     * clock, so a close comes up to a second late */
	ka_time phase;      /* that clock's lead on the search's, for whole_seconds */
	ka_time rtt;        /* round trip */
	unsigned lose_nth;  /* the nth measurement (from 1) gets no answer (0: none) */
	ka_time gap;        /* measuring probes leave at least this far apart, a
			     * probe due sooner waiting for its slot (a hop's
			     * ICMP rate limit, for the trace; 0: none) */
	FILE *trace;        /* each order and report, as it happens (NULL: none) */
};

struct idlesim_result {
	struct isched_finding f;
	ka_time wall;             /* from the start to the search's end */
	ka_time longest;          /* the longest idle a probe was sent at */
	unsigned opened, measured, max_open, rounds;
	unsigned most_at_once;    /* after round 1, the most questions asked at
				   * one moment */
	unsigned late;            /* probes that waited for their slot (gap) */
};

/* Run the search for these bounds and cap against the path. */
void idlesim_run(const struct isched_cfg *cfg, const struct idlesim_path *p,
		 struct idlesim_result *r);

#endif
