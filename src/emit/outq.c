/* outq.c - a bounded output queue written without blocking (see outq.h). */
#include "emit/outq.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIRST_CAP (64u << 10)

/* A description of fd's file of our own, non-blocking, or -1. */
static int reopen_nonblocking(int fd)
{
	char path[32];

	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	return open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
}

void outq_init(struct outq *q, int fd, size_t bound)
{
	struct stat st;
	int own;

	*q = (struct outq){ .fd = fd, .mode = OUTQ_PLAIN, .bound = bound ? bound : OUTQ_BOUND };
	if (fstat(fd, &st) < 0)
		return;
	if (S_ISSOCK(st.st_mode)) {
		q->mode = OUTQ_SEND;
	} else if ((S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) &&
		   (own = reopen_nonblocking(fd)) >= 0) {
		q->fd = own;
		q->mode = OUTQ_OWN_FD;
	}
}

void outq_free(struct outq *q)
{
	if (q->watched)
		evloop_remove(q->loop, &q->io);
	if (q->mode == OUTQ_OWN_FD)
		close(q->fd);
	q->mode = OUTQ_PLAIN;
	q->fd = -1;
	free(q->buf);
	q->buf = NULL;
	q->len = q->head = q->cap = 0;
	q->watched = false;
}

/* Woken when fd is writable: the write itself happens before the loop
 * sleeps again (outq_write, from the owner's flush). */
static void on_writable(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	(void)loop; (void)io; (void)events;
}

void outq_watch(struct outq *q, struct evloop *loop)
{
	q->loop = loop;
	q->io = (struct ev_io){ .fd = q->fd, .fn = on_writable };
}

/* Room for n more bytes after what waits: move it to the front when that
 * frees enough and costs no more than what was written out, else grow. */
static bool make_room(struct outq *q, size_t n)
{
	size_t cap = q->cap ? q->cap : FIRST_CAP;
	char *b;

	if (q->head + q->len + n <= q->cap)
		return true;
	if (q->len + n <= q->cap && (q->head >= q->len || q->len + n <= q->cap / 2)) {
		memmove(q->buf, q->buf + q->head, q->len);
		q->head = 0;
		return true;
	}
	while (cap < q->len + n)
		cap *= 2;
	if (!(b = malloc(cap)))
		return false;
	if (q->len)
		memcpy(b, q->buf + q->head, q->len);
	free(q->buf);
	q->buf = b;
	q->cap = cap;
	q->head = 0;
	return true;
}

bool outq_push(struct outq *q, const void *p, size_t n)
{
	if (q->err || n == 0)
		return true;    /* a closed stdout takes nothing more; the owner stops */
	if (!make_room(q, n)) {
		q->nomem = true;
		return false;
	}
	memcpy(q->buf + q->head + q->len, p, n);
	q->len += n;
	return true;
}

/* Write what waits; when the descriptor is full, stop (wait false) or
 * wait for it (poll).  A failed write drops what waits: nobody reads it. */
static void pump(struct outq *q, bool wait)
{
	struct pollfd p = { .fd = q->fd, .events = POLLOUT };

	while (q->len > 0 && !q->err) {
		ssize_t n = q->mode == OUTQ_SEND
			? send(q->fd, q->buf + q->head, q->len, MSG_DONTWAIT)
			: write(q->fd, q->buf + q->head, q->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (!wait)
				break;
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				q->err = errno;
			continue;
		}
		if (n <= 0) {
			q->err = n < 0 ? errno : EIO;
			break;
		}
		q->head += (size_t)n;
		q->len -= (size_t)n;
	}
	if (q->err)
		q->len = 0;
	if (q->len == 0)
		q->head = 0;
}

/* Watch for writability exactly while something waits.  A descriptor
 * epoll cannot watch is written blocking instead: it only takes longer. */
static void sync_watch(struct outq *q)
{
	bool want = q->len > 0 && q->loop;

	if (want == q->watched)
		return;
	if (want && evloop_add(q->loop, &q->io, EPOLLOUT) < 0) {
		pump(q, true);
		return;
	}
	if (!want)
		evloop_remove(q->loop, &q->io);
	q->watched = want;
}

int outq_write(struct outq *q)
{
	pump(q, false);
	sync_watch(q);
	return q->err ? -1 : q->len > 0;
}

int outq_drain(struct outq *q)
{
	pump(q, true);
	sync_watch(q);
	return q->err ? -1 : 0;
}
