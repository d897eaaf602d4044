/* servectl.c - each connection's side of kaprobe serve: the greeting, the
 * control requests (tcp/ctlproto.h) and their answers, heartbeats.
 *
 * serve never blocks on a client: its socket is non-blocking, answers wait
 * in a buffer of at most SERVE_OUT_MAX bytes written as the client takes
 * them, and a client's next request is read only when its longest answer
 * fits in that buffer (else it waits in the socket until the client takes
 * more).  A request serve cannot do gets ERR on that connection, counted,
 * and nothing else changes: a line too long or not text is one bad request,
 * not a reason to close anything.  A line the client's close cuts (no LF)
 * is no request: dropped, unanswered.
 */
#include "cmd/servepriv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/parse.h"

#define DEFAULT_PROBE_COUNT 3

void serve_say(struct serve *sv, const struct sconn *k, struct event *ev)
{
	ev->conn = k ? k->id : 0;
	ev->dst = k ? k->you_txt : NULL;
	emit(&sv->em, ev);
}

/* ---- output ------------------------------------------------------------------ */

static void want(struct sconn *k, uint32_t events)
{
	if (k->fd >= 0)
		evloop_modify(&k->sv->e.loop, &k->io, events);
}

/* Whether the next request's answer fits, whatever it is. */
static bool room(const struct sconn *k)
{
	return k->out_len + SERVE_ANSWER_MAX <= SERVE_OUT_MAX;
}

/* Write what waits, as much as the socket takes now. */
static void flush_out(struct sconn *k)
{
	ssize_t n;

	while (k->out_len > 0) {
		n = send(k->fd, k->out, k->out_len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n <= 0)
			break;
		memmove(k->out, k->out + n, k->out_len - (size_t)n);
		k->out_len -= (size_t)n;
	}
	if (k->out_len == 0) {
		free(k->out);
		k->out = NULL;
	}
	/* Not readable while there is no room: requests wait in the socket
	 * (level-triggered, a readable socket not read would wake the loop
	 * at once, over and over). */
	want(k, (k->out_len > 0 ? EPOLLOUT : 0) | (room(k) ? EPOLLIN | EPOLLRDHUP : 0));
}

/* Queue one line; false when it does not fit (the client is not reading). */
static bool put(struct sconn *k, const char *line, size_t len)
{
	if (k->fd < 0 || k->silent || k->out_len + len > SERVE_OUT_MAX)
		return false;
	if (!k->out && !(k->out = malloc(SERVE_OUT_MAX)))
		return false;
	memcpy(k->out + k->out_len, line, len);
	k->out_len += len;
	return true;
}

static void putf(struct sconn *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct sconn *k, const char *fmt, ...)
{
	char line[CTL_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0)
		put(k, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* ---- requests ------------------------------------------------------------------ */

static bool same_addr(const struct ctl_addr *a, const struct ctl_addr *b)
{
	return a->family == b->family && a->port == b->port && memcmp(a->addr, b->addr, 16) == 0;
}

/* The newest connection from this client address (as serve saw it). */
static struct sconn *find(struct serve *sv, const struct ctl_addr *a)
{
	for (struct sconn *k = sv->last; k; k = k->prev)
		if (same_addr(&k->you, a))
			return k;
	return NULL;
}

static void answer_received(struct sconn *k, const struct sconn *of)
{
	unsigned n = segring_count(&of->ring);
	char line[CTL_LINE_MAX];

	putf(k, "OK RECEIVED you=%s n=%u\n", of->you_txt, n);
	for (unsigned i = 0; i < n; i++)
		put(k, line, ctl_format_seg(segring_get(&of->ring, i), line, sizeof line));
	putf(k, "END %u\n", n);
}

static void answer_status(struct sconn *k, const struct sconn *of)
{
	ka_time now = ev_now(), last = of->opened;
	unsigned n = segring_count(&of->ring);
	char idle[32], round[64];

	if (n)
		last = of->opened + segring_get(&of->ring, n - 1)->t;
	format_duration((of->closed ? of->closed : now) - last, idle, sizeof idle);
	round[sidle_status(of, round, sizeof round)] = '\0';
	putf(k, "OK STATUS you=%s state=%s by=%s idle=%s probes=%lu answered=%lu "
	     "requests=%u%s\n", of->you_txt, of->closed ? "closed" : "open",
	     of->by ? of->by : "-", idle, of->probes, of->answered, of->requests, round);
}

static void on_beat(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	struct sconn *k = (struct sconn *)((char *)t - offsetof(struct sconn, hb));

	putf(k, "HB %lu\n", ++k->beats);
	flush_out(k);
	if (k->fd >= 0 && !k->silent)
		evloop_arm(loop, t, now + k->hb_every);
}

/* Do the request: NULL, or why it cannot be done. */
static const char *act(struct sconn *k, const struct ctl_req *r)
{
	struct serve *sv = k->sv;
	struct sconn *of = r->has_addr ? find(sv, &r->addr) : k;
	struct ka_config cfg;
	const char *why;

	switch (r->verb) {
	case CTL_RECEIVED:
	case CTL_STATUS:
		engine_read_capture(&sv->e);
		if (!of)
			return "no such flow";
		if (r->verb == CTL_RECEIVED)
			answer_received(k, of);
		else
			answer_status(k, of);
		return NULL;
	case CTL_SILENT:
		putf(k, "OK SILENT\n");
		flush_out(k);
		k->silent = true;
		evloop_disarm(&sv->e.loop, &k->hb);
		return NULL;
	case CTL_PROBE:
		if (!k->c || k->c->state != EC_READY)
			return "this connection is not watched (its handshake was not captured)";
		cfg = (struct ka_config){ .idle = r->every, .intvl = r->every,
					  .probes = r->count ? r->count : DEFAULT_PROBE_COUNT };
		engine_configure(&sv->e, k->c, &cfg);
		putf(k, "OK PROBE every=%lldms count=%u\n", (long long)(r->every / 1000),
		     cfg.probes);
		return NULL;
	case CTL_IDLE:
		if (!of)
			return "no such flow";
		if ((why = sidle_ask(sv, of, r->every)) != NULL)
			return why;
		putf(k, "OK IDLE you=%s idle=%lldms\n", of->you_txt, (long long)(r->every / 1000));
		return NULL;
	case CTL_HEARTBEAT:
		k->hb_every = r->every;
		evloop_arm(&sv->e.loop, &k->hb, ev_now() + r->every);
		putf(k, "OK HEARTBEAT every=%lldms\n", (long long)(r->every / 1000));
		return NULL;
	}
	return "unknown request";
}

/* One line from the client. */
static void on_line(struct sconn *k, enum ctl_line kind, const char *line, size_t len)
{
	struct serve *sv = k->sv;
	char err[160], req[40];
	struct ctl_req r;
	const char *why = NULL;

	if (k->silent)
		return;
	k->requests++;
	sv->requests++;
	snprintf(req, sizeof req, "%s", kind == CTL_LINE_TOO_LONG ? "(too long)"
		 : kind == CTL_LINE_BINARY ? "(not text)" : "");
	if (kind == CTL_LINE_TOO_LONG)
		why = "line too long";
	else if (kind == CTL_LINE_BINARY)
		why = "not a text line";
	else if (ctl_parse_request(line, len, &r, err, sizeof err) < 0)
		why = err;
	else
		why = act(k, &r);
	if (kind == CTL_LINE_OK) {
		/* The request's first word, printable by ctl_lines_feed. */
		size_t w = strcspn(line, " ");

		snprintf(req, sizeof req, "%.*s", (int)(w < len ? w : len), line);
	}
	if (why) {
		sv->bad++;
		putf(k, "ERR %s\n", why);
	}
	serve_say(sv, k, &(struct event){ .kind = EV_CONTROL, .t = ev_now(), .u.control = {
		.request = req[0] ? req : "(empty)", .result = why, .ok = !why } });
}

/* ---- the socket ------------------------------------------------------------------ */

/* Requests, as long as their answers fit: what is read is peeked, and
 * taken from the socket only as far as it was handled. */
static void read_requests(struct sconn *k)
{
	char buf[4096];
	ssize_t n = recv(k->fd, buf, sizeof buf, MSG_DONTWAIT | MSG_PEEK);
	size_t off = 0;

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		if (n == 0)
			flush_out(k);   /* a client that only shut its side down */
		sconn_close(k, n == 0 ? "client" : "reset");
		return;
	}
	while (n > 0 && off < (size_t)n && k->fd >= 0 && room(k)) {
		enum ctl_line kind;
		const char *line;
		size_t len;

		off += ctl_lines_feed(&k->in, buf + off, (size_t)n - off, &kind, &line, &len);
		if (kind != CTL_LINE_NONE)
			on_line(k, kind, line, len);
	}
	/* Only serve reads this socket: the bytes peeked are there to take. */
	if (off > 0 && k->fd >= 0 && recv(k->fd, buf, off, MSG_DONTWAIT) != (ssize_t)off)
		sconn_close(k, "reset");
}

static void on_socket(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct sconn *k = (struct sconn *)((char *)io - offsetof(struct sconn, io));

	(void)loop;
	if (events & EPOLLOUT)
		flush_out(k);
	if (k->fd >= 0 && (events & (EPOLLHUP | EPOLLERR)) && !room(k)) {
		/* Gone, with answers it never took: they cannot go now. */
		sconn_close(k, events & EPOLLERR ? "reset" : "client");
		return;
	}
	if (k->fd >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) && room(k))
		read_requests(k);
	if (k->fd >= 0)
		flush_out(k);
}

void sconn_start(struct sconn *k)
{
	struct ctl_greeting g = { .version = CTL_VERSION, .you = k->you, .me = k->me };
	char line[CTL_LINE_MAX];

	k->io = (struct ev_io){ .fd = k->fd, .fn = on_socket };
	k->hb.fn = on_beat;
	evloop_add(&k->sv->e.loop, &k->io, EPOLLIN | EPOLLRDHUP);
	put(k, line, ctl_format_greeting(&g, line, sizeof line));
	flush_out(k);
}

void sconn_close(struct sconn *k, const char *by)
{
	struct serve *sv = k->sv;

	if (k->fd < 0)
		return;
	k->by = by;
	k->closed = ev_now();
	evloop_remove(&sv->e.loop, &k->io);
	evloop_disarm(&sv->e.loop, &k->hb);
	free(k->out);
	k->out = NULL;
	k->out_len = 0;
	if (k->c) {
		engine_release(&sv->e, k->c);   /* closes the socket */
		k->c = NULL;
	} else {
		close(k->fd);
	}
	k->fd = -1;
	sv->nopen--;
	sv->nclosed++;
	serve_say(sv, k, &(struct event){ .kind = EV_SERVE_CONN, .t = k->closed,
		.u.serve_conn = { .what = "close", .you = k->you_txt, .me = k->me_txt, .by = by,
				  .requests = k->requests } });
}

/* serve's keep-alive when no PROBE asked for it: never. */
struct ka_config serve_default_cfg(void)
{
	return (struct ka_config){ .idle = ENG_IDLE_NEVER, .intvl = 1000000,
				   .probes = DEFAULT_PROBE_COUNT };
}
