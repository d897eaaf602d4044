/* evloop.h - one small event loop: a few file descriptors and one timer.
 *
 * Modelled on Redis's ae.c, cut to what kaprobe needs: poll(2) over at most
 * EV_MAXFD descriptors and a single deadline on the monotonic clock.  The
 * loop sleeps in ppoll until a descriptor is ready or the deadline passes,
 * so nothing busy-waits and no reply waits behind a sleep.
 */
#ifndef KAPROBE_EVLOOP_H
#define KAPROBE_EVLOOP_H

#include <poll.h>
#include <stdbool.h>

#include "keepalive.h"

#define EV_MAXFD 72  /* the audit: up to 64 connections, capture, signals */

struct evloop;
typedef void (*ev_fd_fn)(struct evloop *loop, int fd, short revents, void *ctx);
typedef void (*ev_timer_fn)(struct evloop *loop, ka_time now, void *ctx);

struct evloop {
	struct pollfd pfd[EV_MAXFD];
	ev_fd_fn fn[EV_MAXFD];
	void *ctx[EV_MAXFD];
	int nfd;
	ka_time deadline;       /* KA_NEVER when no timer is set */
	ev_timer_fn timer_fn;
	void *timer_ctx;
	bool stop;
};

/* Microseconds on CLOCK_MONOTONIC. */
ka_time ev_now(void);

void evloop_init(struct evloop *loop);
/* Watch fd for events (POLLIN, POLLOUT); returns -1 when full. */
int evloop_add(struct evloop *loop, int fd, short events, ev_fd_fn fn, void *ctx);
void evloop_modify(struct evloop *loop, int fd, short events);
void evloop_remove(struct evloop *loop, int fd);
/* Call fn once the monotonic clock reaches `when` (KA_NEVER disarms). */
void evloop_timer(struct evloop *loop, ka_time when, ev_timer_fn fn, void *ctx);
/* Run until evloop_stop.  Returns 0, or -1 if poll failed. */
int evloop_run(struct evloop *loop);
static inline void evloop_stop(struct evloop *loop) { loop->stop = true; }

#endif
