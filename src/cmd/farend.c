/* farend.c - the client's side of kaprobe serve's protocol (farend.h). */
#include "cmd/farend.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int farend_greet_feed(struct farend_greet *gr, const uint8_t *buf, size_t n)
{
	size_t off = 0;

	while (gr->state == 0 && off < n) {
		enum ctl_line kind;
		const char *line;
		size_t len;

		off += ctl_lines_feed(&gr->in, (const char *)buf + off, n - off, &kind, &line, &len);
		if (kind == CTL_LINE_NONE)
			break;
		gr->state = kind == CTL_LINE_OK && ctl_parse_greeting(line, len, &gr->g) ? 1 : -1;
	}
	return gr->state;
}

ka_time farend_rtt(ka_time created, ka_time ready)
{
	ka_time rtt = ready - created;

	return rtt < 0 ? 0 : rtt > FAREND_RTT_MAX_US ? FAREND_RTT_MAX_US : rtt;
}

ka_time farend_greeting_wait(ka_time created, ka_time ready)
{
	return FAREND_GREETING_WAIT_US + 2 * farend_rtt(created, ready);
}

static void finish(struct farq *q, const char *err)
{
	evloop_remove(q->loop, &q->io);
	evloop_disarm(q->loop, &q->tmo);
	close(q->io.fd);
	q->io.fd = -1;
	q->state = FQ_IDLE;
	q->done(q, err, q->ctx);
}

void farq_cancel(struct farq *q)
{
	if (q->state == FQ_IDLE)
		return;
	evloop_remove(q->loop, &q->io);
	evloop_disarm(q->loop, &q->tmo);
	close(q->io.fd);
	q->io.fd = -1;
	q->state = FQ_IDLE;
}

static void on_timeout(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	(void)loop; (void)now;
	finish((struct farq *)((char *)t - offsetof(struct farq, tmo)), "no answer in time");
}

/* One line of the answer; returns true once the answer is complete. */
static bool on_answer(struct farq *q, const char *line, size_t len, const char **err)
{
	unsigned n;

	if (len >= 4 && memcmp(line, "ERR ", 4) == 0) {
		snprintf(q->line, sizeof q->line, "%.*s", (int)len, line);
		*err = q->line;
		return true;
	}
	if (q->req.verb != CTL_RECEIVED || (len >= 3 && memcmp(line, "OK ", 3) == 0)) {
		snprintf(q->line, sizeof q->line, "%.*s", (int)len, line);
		return q->req.verb != CTL_RECEIVED;
	}
	if (ctl_parse_end(line, len, &n))
		return true;
	if (q->nseg < SEGRING_N && ctl_parse_seg(line, len, &q->seg[q->nseg]))
		q->nseg++;
	return false;   /* a heartbeat line or a field of a later version: skipped */
}

static void on_readable(struct farq *q)
{
	char buf[4096];
	ssize_t n = read(q->io.fd, buf, sizeof buf);
	size_t off = 0;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		finish(q, "the connection closed before the answer");
		return;
	}
	while (n > 0 && off < (size_t)n) {
		enum ctl_line kind;
		const char *line, *err = NULL;
		size_t len;
		struct ctl_greeting g;
		char req[CTL_LINE_MAX];

		off += ctl_lines_feed(&q->in, buf + off, (size_t)n - off, &kind, &line, &len);
		if (kind == CTL_LINE_NONE)
			return;
		if (q->state == FQ_GREETING) {
			if (kind != CTL_LINE_OK || !ctl_parse_greeting(line, len, &g)) {
				finish(q, "the peer is not kaprobe serve");
				return;
			}
			len = ctl_format_request(&q->req, req, sizeof req);
			if (send(q->io.fd, req, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t)len) {
				finish(q, "cannot send the request");
				return;
			}
			q->state = FQ_ANSWER;
		} else if (kind == CTL_LINE_OK && on_answer(q, line, len, &err)) {
			finish(q, err);
			return;
		}
	}
}

static void on_io(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct farq *q = (struct farq *)((char *)io - offsetof(struct farq, io));
	int err = 0;
	socklen_t elen = sizeof err;

	if (q->state == FQ_CONNECTING) {
		getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (err) {
			finish(q, strerror(err));
			return;
		}
		q->state = FQ_GREETING;
		evloop_modify(loop, io, EPOLLIN | EPOLLRDHUP);
		/* The path's round trip is known now: the answer's deadline
		 * scales with it. */
		evloop_arm(loop, &q->tmo, q->started + FAREND_QUERY_TIMEOUT_US +
			   3 * farend_rtt(q->started, ev_now()));
		return;
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		on_readable(q);
}

int farq_ask(struct farq *q, struct evloop *loop, const struct sockaddr_storage *dst,
	     const struct ctl_req *req, farq_fn done, void *ctx)
{
	socklen_t len = dst->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						   : sizeof(struct sockaddr_in);
	int fd = socket(dst->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	if (connect(fd, (const struct sockaddr *)dst, len) < 0 && errno != EINPROGRESS) {
		int err = errno;

		close(fd);
		return err;
	}
	*q = (struct farq){ .loop = loop, .state = FQ_CONNECTING, .req = *req, .done = done,
			    .ctx = ctx, .started = ev_now() };
	q->io = (struct ev_io){ .fd = fd, .fn = on_io };
	q->tmo.fn = on_timeout;
	evloop_add(loop, &q->io, EPOLLOUT);
	evloop_arm(loop, &q->tmo, q->started + FAREND_QUERY_TIMEOUT_US);
	return 0;
}
