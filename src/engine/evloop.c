/* evloop.c - epoll over the descriptors, a 4-ary heap of timers. */
#include "engine/evloop.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

ka_time ev_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ka_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int evloop_init(struct evloop *loop)
{
	*loop = (struct evloop){ .epfd = -1 };
	/* Lateness is the grid's to decide (evloop.h): the kernel's default
	 * 50 us slack, or 0.1% of a long sleep, would add to it. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -1 : 0;
}

void evloop_free(struct evloop *loop)
{
	if (loop->epfd >= 0)
		close(loop->epfd);
	free(loop->heap);
	*loop = (struct evloop){ .epfd = -1 };
}

int evloop_add(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = io };

	return epoll_ctl(loop->epfd, EPOLL_CTL_ADD, io->fd, &e);
}

int evloop_modify(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = io };

	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, io->fd, &e);
}

void evloop_remove(struct evloop *loop, struct ev_io *io)
{
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	/* The batch in hand may still name io: its owner may be freed and
	 * its memory reused before the batch reaches it. */
	for (int i = loop->cur; i < loop->nev; i++)
		if (loop->ev[i].data.ptr == io)
			loop->ev[i].data.ptr = NULL;
}

/* ---- the timer heap --------------------------------------------------------- */

/* Four children a node: half the levels of a binary heap.  Every level a
 * timer moves also writes its slot into the timer (inside its connection,
 * a cache miss each with 10,000 connections), so fewer levels is what
 * counts. */
#define HEAP_D 4

static void place(struct evloop *loop, unsigned i, struct ev_hent h)
{
	loop->heap[i] = h;
	h.t->slot = i + 1;
}

static void sift_up(struct evloop *loop, unsigned i)
{
	struct ev_hent h = loop->heap[i];

	while (i > 0 && loop->heap[(i - 1) / HEAP_D].when > h.when) {
		place(loop, i, loop->heap[(i - 1) / HEAP_D]);
		i = (i - 1) / HEAP_D;
	}
	place(loop, i, h);
}

static void sift_down(struct evloop *loop, unsigned i)
{
	struct ev_hent h = loop->heap[i];

	for (;;) {
		unsigned first = HEAP_D * i + 1, c = first;

		if (first >= loop->ntimers)
			break;
		for (unsigned k = first + 1; k < first + HEAP_D && k < loop->ntimers; k++)
			if (loop->heap[k].when < loop->heap[c].when)
				c = k;
		if (loop->heap[c].when >= h.when)
			break;
		place(loop, i, loop->heap[c]);
		i = c;
	}
	place(loop, i, h);
}

void evloop_disarm(struct evloop *loop, struct ev_timer *t)
{
	struct ev_hent last;
	unsigned i;

	if (!t->slot)
		return;
	i = t->slot - 1;
	t->slot = 0;
	if (--loop->ntimers == i)
		return;
	/* The last timer fills the hole, then finds its place either way. */
	last = loop->heap[loop->ntimers];
	place(loop, i, last);
	sift_down(loop, i);
	sift_up(loop, last.t->slot - 1);
}

int evloop_arm(struct evloop *loop, struct ev_timer *t, ka_time when)
{
	if (when == KA_NEVER) {
		evloop_disarm(loop, t);
		return 0;
	}
	if (t->slot) {
		/* Most re-arms move a timer a little: sift it from where it is. */
		unsigned i = t->slot - 1;
		ka_time old = t->when;

		t->when = loop->heap[i].when = when;
		if (when < old)
			sift_up(loop, i);
		else
			sift_down(loop, i);
		return 0;
	}
	if (loop->ntimers == loop->cap) {
		unsigned cap = loop->cap ? loop->cap * 2 : 64;
		struct ev_hent *h = realloc(loop->heap, cap * sizeof *h);

		if (!h)
			return -1;
		loop->heap = h;
		loop->cap = cap;
	}
	t->when = when;
	place(loop, loop->ntimers++, (struct ev_hent){ .when = when, .t = t });
	sift_up(loop, loop->ntimers - 1);
	return 0;
}

/* ---- running ---------------------------------------------------------------- */

static void run_timers(struct evloop *loop)
{
	ka_time now = ev_now();

	while (!loop->stop && loop->ntimers && loop->heap[0].when <= now) {
		struct ev_timer *t = loop->heap[0].t;

		evloop_disarm(loop, t);
		t->fn(loop, t, now);
	}
}

int evloop_run(struct evloop *loop)
{
	for (;;) {
		struct timespec ts, *tsp = NULL;

		/* Also on the way out: what the last turn queued (probes,
		 * output) leaves before the loop returns. */
		if (loop->before_sleep)
			loop->before_sleep(loop, loop->before_sleep_ctx);
		if (loop->stop)
			break;
		if (loop->ntimers) {
			ka_time due = loop->heap[0].when;
			ka_time wait = due + (EV_TIMER_GRID_US - due % EV_TIMER_GRID_US) %
				EV_TIMER_GRID_US - ev_now();

			if (wait < 0)
				wait = 0;
			ts.tv_sec = wait / 1000000;
			ts.tv_nsec = (wait % 1000000) * 1000;
			tsp = &ts;
		}
		loop->nev = epoll_pwait2(loop->epfd, loop->ev, EV_BATCH, tsp, NULL);
		if (loop->nev < 0) {
			loop->nev = 0;
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (loop->cur = 0; loop->cur < loop->nev && !loop->stop; loop->cur++) {
			struct ev_io *io = loop->ev[loop->cur].data.ptr;

			if (io)
				io->fn(loop, io, loop->ev[loop->cur].events);
		}
		loop->nev = loop->cur = 0;
		run_timers(loop);
	}
	return 0;
}
