/* serve.c - `kaprobe serve [ADDR:]PORT`: the far end of a path.
 *
 * A planner over a listening engine (engine.h: opts.filter): real kernel
 * sockets listen (IPv4 and IPv6 for a bare PORT), every connection
 * accepted is held, for days if the client wants, and watched through the
 * engine's one capture, which was open before the first listen(2) so that
 * it saw each handshake (embryo.h).  Each connection keeps the last
 * SEGRING_N segments it received, and after it closes its records stay in
 * a history of SERVE_HISTORY, for a client that asks later from a new
 * connection (servectl.c: the control channel, tcp/ctlproto.h).
 *
 * serve sends nothing to a client but its greeting, the answers to its
 * requests, and the probes and heartbeats it asks for.
 */
#include "cmd/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmd/engerr.h"
#include "cmd/servepriv.h"
#include "util/exitcode.h"
#include "util/parse.h"
#include "net/target.h"

#define LISTEN_BACKLOG 4096

/* ---- the history ---------------------------------------------------------------- */

static void append(struct serve *sv, struct sconn *k)
{
	k->prev = sv->last;
	if (sv->last)
		sv->last->next = k;
	else
		sv->first = k;
	sv->last = k;
}

static void unlink_sconn(struct serve *sv, struct sconn *k)
{
	if (k->prev)
		k->prev->next = k->next;
	else
		sv->first = k->next;
	if (k->next)
		k->next->prev = k->prev;
	else
		sv->last = k->prev;
}

/* Forget the oldest closed connections beyond SERVE_HISTORY. */
static void prune(struct serve *sv)
{
	for (struct sconn *k = sv->first, *next; k && sv->nclosed > SERVE_HISTORY; k = next) {
		next = k->next;
		if (k->fd >= 0)
			continue;
		unlink_sconn(sv, k);
		free(k);
		sv->nclosed--;
	}
}

/* ---- accepting ------------------------------------------------------------------- */

static void addr_of(const struct conn *c, bool local, struct ctl_addr *a)
{
	*a = (struct ctl_addr){ .family = c->family, .port = local ? c->lport : c->rport };
	memcpy(a->addr, local ? c->laddr : c->raddr, 16);
}

static void take(struct serve *sv, int fd)
{
	struct sconn *k = calloc(1, sizeof *k);
	struct ka_config cfg = serve_default_cfg();

	if (!k) {
		close(fd);
		return;
	}
	*k = (struct sconn){ .sv = sv, .fd = fd, .id = ++sv->nconns, .opened = ev_now() };
	append(sv, k);
	sv->nopen++;
	k->c = engine_adopt(&sv->e, fd, &cfg, &k->ring, k);
	if (!k->c) {
		/* Out of memory or a socket already gone: not held. */
		k->fd = -1;
		k->closed = ev_now();
		k->by = "serve";
		sv->nopen--;
		sv->nclosed++;
		return;
	}
	k->opened = k->c->created;
	addr_of(&k->c->k, false, &k->you);
	addr_of(&k->c->k, true, &k->me);
	ctl_format_endpoint(&k->you, k->you_txt, sizeof k->you_txt);
	ctl_format_endpoint(&k->me, k->me_txt, sizeof k->me_txt);
	serve_say(sv, k, &(struct event){ .kind = EV_SERVE_CONN, .t = ev_now(),
			.u.serve_conn = { .what = "open", .you = k->you_txt, .me = k->me_txt } });
	sconn_start(k);
	prune(sv);
}

static void on_listen(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct serve *sv = ((struct listener *)io)->sv;   /* io comes first */
	int fd;

	(void)loop; (void)events;
	/* A few at a time: a flood of connections does not starve the rest. */
	for (int i = 0; i < 64; i++) {
		fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		take(sv, fd);
	}
}

/* ---- the engine's events ------------------------------------------------------------ */

static void on_reply(struct serve *sv, struct sconn *k, const struct eng_event *ev)
{
	char from[64];
	const struct segment *s = ev->seg;

	if (ev->out.answered)
		k->answered++;
	addr_format(s->family, s->kind == SEG_ICMP_ERR ? s->src : k->c->k.raddr, from, sizeof from);
	serve_say(sv, k, &(struct event){ .kind = EV_REPLY, .t = ev->t, .u.reply = {
		.kind = ev->cls == CL_RESET ? "rst" : ev->cls == CL_DATA ? "data"
			: ev->cls == CL_ICMP_ERROR ? "icmp" : "ack",
		.n = ev->out.n, .round = ev->c->round, .rtt = ev->out.rtt, .ttl = s->ttl,
		.from = from, .seq = s->seq, .ack = s->ack, .len = s->len, .icmp_type = -1 } });
}

static void on_event(struct engine *e, const struct eng_event *ev, void *ctx)
{
	struct serve *sv = ctx;
	struct sconn *k = ev->c->user;

	(void)e;
	sidle_event(sv, k, ev);
	switch (ev->kind) {
	case ENG_CONNECT_FAILED:
		/* Not seen: held all the same, as a plain server would. */
		serve_say(sv, k, &(struct event){ .kind = EV_SERVE_CONN, .t = ev->t,
			.u.serve_conn = { .what = "unseen", .you = k->you_txt, .me = k->me_txt } });
		break;
	case ENG_PROBE:
		k->probes++;
		serve_say(sv, k, &(struct event){ .kind = EV_PROBE, .t = ev->t, .u.probe = {
			.n = ev->c->ka.probes_out, .round = ev->c->round, .seq = ev->probe->seq,
			.ack = ev->probe->ack, .len = ev->probe->paylen,
			.error = ev->err ? strerror(ev->err) : NULL } });
		break;
	case ENG_REPLY:
		on_reply(sv, k, ev);
		break;
	case ENG_VERDICT:
		if (ev->c->ka.verdict == KA_VERDICT_DEAD || ev->c->ka.verdict == KA_VERDICT_UNREACHABLE)
			sconn_close(k, "dead");
		break;
	default:
		/* READY comes inside engine_adopt (take() says "open"); a FIN
		 * or an RST the socket says too. */
		break;
	}
}

static void summary(struct serve *sv)
{
	serve_say(sv, NULL, &(struct event){ .kind = EV_SERVE_SUMMARY, .t = ev_now(),
		.u.serve_summary = { .conns = sv->nconns, .open = sv->nopen,
				     .requests = sv->requests, .bad = sv->bad,
				     .ignored = sv->e.ignored, .drops = runout_drops(&sv->out) } });
}

static void on_signal(struct engine *e, int signo, void *ctx)
{
	(void)signo;
	summary(ctx);
	engine_stop(e, EXIT_ALIVE);
}

static void on_flush(struct engine *e, void *ctx)
{
	struct serve *sv = ctx;

	if (!runout_flush(&sv->out)) {
		int err = runout_error(&sv->out);

		if (err)
			engine_fail(e, EXIT_IOERR, "cannot write standard output: %s", strerror(err));
		else
			engine_stop(e, EXIT_ALIVE);
	}
}

static const struct engine_ops serve_ops = { on_event, on_signal, on_flush, NULL };

/* ---- listening ------------------------------------------------------------------------ */

/* One listening socket on a. */
static int listen_on(struct serve *sv, unsigned i, const struct ctl_addr *a)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int one = 1, fd;
	char txt[80];

	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->addr, 16);
		s6->sin6_port = htons(a->port);
		len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->addr, 4);
		s4->sin_port = htons(a->port);
		len = sizeof *s4;
	}
	ctl_format_endpoint(a, txt, sizeof txt);
	fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    (a->family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		snprintf(sv->e.err, sizeof sv->e.err, "cannot listen on %s: %s", txt,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return errno == EADDRINUSE || errno == EADDRNOTAVAIL ? EXIT_USAGE : EXIT_NOPERM;
	}
	sv->lis[i] = (struct listener){ .io = { .fd = fd, .fn = on_listen }, .sv = sv };
	snprintf(sv->listen_txt + strlen(sv->listen_txt),
		 sizeof sv->listen_txt - strlen(sv->listen_txt), "%s%s", i ? " " : "", txt);
	return 0;
}

/* The engine's `opened`: the capture is open, privilege not yet given up. */
static int open_listeners(struct engine *e, void *ctx)
{
	struct serve *sv = ctx;
	struct ctl_addr a[2];
	unsigned n = 0;
	int rc;

	(void)e;
	if (serve_parse_listen(sv->opt->listen, a, &n, sv->e.err, sizeof sv->e.err) < 0)
		return EXIT_USAGE;
	for (unsigned i = 0; i < n; i++) {
		if ((rc = listen_on(sv, i, &a[i])) != 0)
			return rc;
		if (evloop_add(&sv->e.loop, &sv->lis[i].io, EPOLLIN) < 0)
			return session_error(sv->e.err, sizeof sv->e.err, "cannot watch a socket",
					     false);
	}
	return 0;
}

int serve_parse_listen(const char *arg, struct ctl_addr *a, unsigned *n, char *err,
		       size_t errlen)
{
	long port;

	if (strspn(arg, "0123456789") == strlen(arg)) {
		if (parse_count(arg, 1, 65535, &port, err, errlen) < 0)
			return -1;
		a[0] = (struct ctl_addr){ .family = AF_INET, .port = (uint16_t)port };
		a[1] = (struct ctl_addr){ .family = AF_INET6, .port = (uint16_t)port };
		*n = 2;
		return 0;
	}
	if (!ctl_parse_endpoint(arg, strlen(arg), &a[0])) {
		snprintf(err, errlen, "'%s' is no [ADDR:]PORT (an IPv4 address, or an IPv6 one in "
			 "brackets, a colon and a port 1-65535)", arg);
		return -1;
	}
	*n = 1;
	return 0;
}

/* The capture's filter: TCP to or from the port, and ICMP errors. */
static void make_filter(const struct ctl_addr *a, char *buf, size_t len)
{
	snprintf(buf, len, "(tcp port %u) or (icmp and (icmp[0] = 3 or icmp[0] = 4 or "
		 "icmp[0] = 11 or icmp[0] = 12)) or (icmp6 and ip6[40] >= 1 and ip6[40] <= 4)",
		 a->port);
}

int serve_run(const struct serve_opts *opt)
{
	static struct serve sv;   /* the engine's buffers: not for the stack */
	struct ctl_addr a[2];
	unsigned n;
	char filter[256];
	struct engine_opts eo = {
		.iface = opt->iface, .wfile = opt->wfile, .user = opt->user,
		.ops = &serve_ops, .ctx = &sv, .filter = filter,
		.opened = open_listeners,
	};
	int rc;

	sv = (struct serve){ .opt = opt, .lis = { { .io.fd = -1 }, { .io.fd = -1 } } };
	if (serve_parse_listen(opt->listen, a, &n, sv.e.err, sizeof sv.e.err) < 0)
		return print_engine_error(&sv.e, EXIT_USAGE);
	make_filter(&a[0], filter, sizeof filter);
	text_init(&sv.text, stdout, opt->json, opt->quiet, ev_now());
	sv.text.stamp = opt->stamp;
	emit_init(&sv.em);
	emit_attach(&sv.em, &text_module, &sv.text);
	runout_init(&sv.out);
	if ((rc = engine_init(&sv.e, &eo)) != 0 || (rc = engine_start(&sv.e)) != 0) {
		print_engine_error(&sv.e, rc);
	} else {
		runout_open(&sv.out, &sv.text, &sv.e);
		sv.text.wall_off = sv.e.ss.real_off;
		serve_say(&sv, NULL, &(struct event){ .kind = EV_SERVE_START, .t = ev_now(),
			.u.serve_start = { .listen = sv.listen_txt, .iface = sv.e.iface,
					   .ring = SEGRING_N } });
		rc = engine_run(&sv.e);
		print_engine_failure(&sv.e);
	}
	runout_close(&sv.out);
	rc = runout_status(&sv.out, &sv.e, rc);
	for (struct sconn *k = sv.first, *next; k; k = next) {
		next = k->next;
		free(k->out);
		free(k);
	}
	for (unsigned i = 0; i < 2; i++)
		if (sv.lis[i].io.fd >= 0)
			close(sv.lis[i].io.fd);
	engine_close(&sv.e);
	fflush(stdout);
	return rc;
}
