/* evloop.h - one small event loop: many descriptors, many timers.
 *
 * Modelled on Redis's ae.c, cut to what kaprobe needs: epoll for the
 * descriptors (a capture, a signalfd, and one socket per connection, of
 * which there may be thousands) and a 4-ary heap of timers on the
 * monotonic clock, so that neither an idle connection nor a far timer
 * costs anything per wake-up.  The loop sleeps in epoll_pwait2 until a
 * descriptor is ready or the nearest timer is due; nothing busy-waits.
 *
 * Descriptor events are handled before due timers in each turn: an answer
 * that arrived just as an interval ran out still answers the probe.
 *
 * Timers are due on a grid of EV_TIMER_GRID_US: the loop wakes at the
 * first grid point at or after the nearest timer and runs every timer due
 * by then.  Ten thousand connections probed every two seconds would
 * otherwise wake the loop 5,000 times a second, one probe each, and the
 * sleeps and wake-ups cost more than the probes (make bench-fleet).  The
 * kernel batches its own keep-alive timers the same way, more coarsely:
 * its timer wheel rounds a two-second timer up to tens of milliseconds
 * (kernel/time/timer.c, "LVL_GRAN").  A timer is late by less than one
 * grid step and never early.
 */
#ifndef KAPROBE_EVLOOP_H
#define KAPROBE_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#include "util/ktime.h"

#define EV_BATCH 64   /* descriptor events taken per turn */
#define EV_TIMER_GRID_US 4000   /* one jiffy at Debian's HZ=250 */

struct evloop;

/* A watched descriptor.  Embed it in the owner's struct. */
struct ev_io {
	int fd;
	void (*fn)(struct evloop *loop, struct ev_io *io, uint32_t events);
};

/* A timer.  Embed it in the owner's struct; `slot` is 0 while disarmed. */
struct ev_timer {
	ka_time when;
	unsigned slot;   /* heap index + 1 */
	void (*fn)(struct evloop *loop, struct ev_timer *t, ka_time now);
};

/* A heap entry keeps its timer's time, so that sifting compares without
 * following a pointer into each connection (10,000 of them do not fit in
 * the cache: the sifts were the engine's largest cost in user space). */
struct ev_hent {
	ka_time when;
	struct ev_timer *t;
};

struct evloop {
	int epfd;
	/* Called before each sleep, as ae.c's beforesleep, and once more
	 * when stopped: output written and probes queued during a turn leave
	 * together, not one system call each. */
	void (*before_sleep)(struct evloop *loop, void *ctx);
	void *before_sleep_ctx;
	struct ev_hent *heap;
	unsigned ntimers, cap;
	struct epoll_event ev[EV_BATCH];
	int nev, cur;          /* the batch being handled */
	bool stop;
};

/* Microseconds on CLOCK_MONOTONIC. */
ka_time ev_now(void);

/* Returns 0, or -1 with errno set. */
int evloop_init(struct evloop *loop);
void evloop_free(struct evloop *loop);

/* Watch io->fd for events (EPOLLIN, EPOLLOUT).  Returns 0 or -1 (errno). */
int evloop_add(struct evloop *loop, struct ev_io *io, uint32_t events);
int evloop_modify(struct evloop *loop, struct ev_io *io, uint32_t events);
/* Stop watching; safe inside a callback, also for another io of the batch. */
void evloop_remove(struct evloop *loop, struct ev_io *io);

/* Arm (or move, in place) a timer to `when`.  Returns -1 only when out of
 * memory. */
int evloop_arm(struct evloop *loop, struct ev_timer *t, ka_time when);
void evloop_disarm(struct evloop *loop, struct ev_timer *t);

/* A steady rate on the grid: a timer fires once per grid step at most, so
 * a pacer that let one event through per firing would cap any rate at one
 * per step.  ev_pace_take lets through each event due by `now` (the caller
 * loops, then arms its timer at p->at); after a stall, no more than one
 * grid step's worth at once. */
struct ev_pace {
	ka_time at;    /* the next event may go */
	ka_time gap;   /* between events */
};

static inline bool ev_pace_take(struct ev_pace *p, ka_time now)
{
	if (p->at > now)
		return false;
	if (p->at < now - EV_TIMER_GRID_US)
		p->at = now - EV_TIMER_GRID_US;
	p->at += p->gap;
	return true;
}

/* Run until evloop_stop; a loop stopped already returns at once.  Returns
 * 0, or -1 if epoll failed. */
int evloop_run(struct evloop *loop);
/* End the run once the callback that says so returns. */
static inline void evloop_stop(struct evloop *loop) { loop->stop = true; }
static inline bool evloop_stopped(const struct evloop *loop) { return loop->stop; }
/* Let a stopped loop run again: for an owner that runs it in phases, each
 * ended by evloop_stop. */
static inline void evloop_restart(struct evloop *loop) { loop->stop = false; }

#endif
