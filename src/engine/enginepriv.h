/* enginepriv.h - what engine.c and enginelife.c share, and no one else. */
#ifndef KAPROBE_ENGINEPRIV_H
#define KAPROBE_ENGINEPRIV_H

#include "engine/engine.h"

/* How often the capture's drop counts are read: a flood that overflows the
 * ring is said within a second, not only at the end. */
#define STATS_EVERY_US 1000000

/* Arm t, or fail the run when out of memory. */
void engine_arm(struct engine *e, struct ev_timer *t, ka_time when);
/* The timers' and the capture's callbacks. */
void engine_reap(struct evloop *loop, struct ev_timer *t, ka_time now);
void engine_on_reopen(struct evloop *loop, struct ev_timer *t, ka_time now);
void engine_on_capture(struct evloop *loop, struct ev_io *io, uint32_t events);
/* Send the probes queued this turn (before the loop sleeps), and say so;
 * returns how many were queued. */
unsigned engine_flush_probes(struct engine *e);

#endif
