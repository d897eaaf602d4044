/* evloop.c - poll over a few fds plus one monotonic deadline. */
#include "evloop.h"

#include <errno.h>
#include <time.h>

ka_time ev_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ka_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void evloop_init(struct evloop *loop)
{
	*loop = (struct evloop){ .deadline = KA_NEVER };
}

int evloop_add(struct evloop *loop, int fd, short events, ev_fd_fn fn, void *ctx)
{
	if (loop->nfd == EV_MAXFD)
		return -1;
	loop->pfd[loop->nfd] = (struct pollfd){ .fd = fd, .events = events };
	loop->fn[loop->nfd] = fn;
	loop->ctx[loop->nfd] = ctx;
	loop->nfd++;
	return 0;
}

void evloop_modify(struct evloop *loop, int fd, short events)
{
	for (int i = 0; i < loop->nfd; i++)
		if (loop->pfd[i].fd == fd)
			loop->pfd[i].events = events;
}

void evloop_remove(struct evloop *loop, int fd)
{
	/* Removal can happen inside a callback while evloop_run walks the
	 * array: mark the slot with fd -1 (poll ignores it) and compact
	 * between iterations. */
	for (int i = 0; i < loop->nfd; i++)
		if (loop->pfd[i].fd == fd)
			loop->pfd[i].fd = -1;
}

void evloop_timer(struct evloop *loop, ka_time when, ev_timer_fn fn, void *ctx)
{
	loop->deadline = when;
	loop->timer_fn = fn;
	loop->timer_ctx = ctx;
}

static void compact(struct evloop *loop)
{
	int j = 0;

	for (int i = 0; i < loop->nfd; i++) {
		if (loop->pfd[i].fd < 0)
			continue;
		loop->pfd[j] = loop->pfd[i];
		loop->fn[j] = loop->fn[i];
		loop->ctx[j] = loop->ctx[i];
		j++;
	}
	loop->nfd = j;
}

int evloop_run(struct evloop *loop)
{
	while (!loop->stop) {
		struct timespec ts, *tsp = NULL;
		ka_time now = ev_now();

		compact(loop);
		if (loop->deadline != KA_NEVER) {
			ka_time wait = loop->deadline > now ? loop->deadline - now : 0;

			ts.tv_sec = wait / 1000000;
			ts.tv_nsec = (wait % 1000000) * 1000;
			tsp = &ts;
		}
		int n = ppoll(loop->pfd, (nfds_t)loop->nfd, tsp, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (int i = 0; i < loop->nfd && !loop->stop; i++) {
			short re = loop->pfd[i].revents;

			if (loop->pfd[i].fd >= 0 && re)
				loop->fn[i](loop, loop->pfd[i].fd, re, loop->ctx[i]);
		}
		/* Replies are handled before the timer: a reply that arrived
		 * just as the interval ran out still answers the probe. */
		now = ev_now();
		if (!loop->stop && loop->deadline != KA_NEVER && now >= loop->deadline) {
			loop->deadline = KA_NEVER;
			loop->timer_fn(loop, now, loop->timer_ctx);
		}
	}
	return 0;
}
