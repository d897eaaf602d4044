/* enginelife.c - the engine's life: set up, started, run, closed (see
 * engine.h); what happens while it runs is engine.c's. */
#include "engine/engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "engine/enginepriv.h"
#include "util/exitcode.h"

/* ---- opening, running, closing ------------------------------------------------ */

static void on_signal(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct engine *e = (struct engine *)((char *)io - offsetof(struct engine, sig_io));
	struct signalfd_siginfo si;

	(void)loop; (void)events;
	if (read(io->fd, &si, sizeof si) == (ssize_t)sizeof si)
		e->opt->ops->signal(e, (int)si.ssi_signo, e->opt->ctx);
}

static void before_sleep(struct evloop *loop, void *ctx)
{
	struct engine *e = ctx;
	unsigned sent;

	/* The capture has our probes' copies as soon as sendmmsg returns
	 * (dev_queue_xmit_nit copies in the send), and on a path through
	 * local veths their answers too: read them now rather than after one
	 * more wake of the loop.  What reading them queues leaves at once;
	 * twice at most, then the loop's wake reads the rest.  Not once the
	 * loop is stopped: what is in the ring then is the next phase's
	 * (engine_resume). */
	sent = engine_flush_probes(e);
	for (int round = 0; sent && round < 2 && !evloop_stopped(loop); round++) {
		engine_read_capture(e);
		sent = engine_flush_probes(e);
	}
	if (e->opt->ops->flush)
		e->opt->ops->flush(e, e->opt->ctx);
}

void engine_read_drops(struct engine *e)
{
	uint64_t d, ifd;

	if (!e->drops_frozen && capture_stats(&e->ss.cap, &d, &ifd) == 0) {
		e->cap_dropped = d;
		e->cap_if_dropped = ifd;
	}
}

void engine_freeze_drops(struct engine *e)
{
	engine_read_drops(e);
	e->drops_frozen = true;
}

static void on_stats(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	struct engine *e = (struct engine *)((char *)t - offsetof(struct engine, stats));

	(void)loop;
	engine_read_drops(e);
	engine_arm(e, t, now + STATS_EVERY_US);
}

int engine_init(struct engine *e, const struct engine_opts *opt)
{
	*e = (struct engine){ .opt = opt, .sigfd = -1, .reaper.fn = engine_reap, .stats.fn = on_stats,
			      .reopen.fn = engine_on_reopen };
	e->ss.cap.fd = -1;
	if (evloop_init(&e->loop) < 0)
		return session_error(e->err, sizeof e->err, "cannot set up the event loop", false);
	e->loop.before_sleep = before_sleep;
	e->loop.before_sleep_ctx = e;
	return 0;
}

int engine_add_dest(struct engine *e, const char *target)
{
	struct dest *d = realloc(e->dest, (e->ndests + 1) * sizeof *d);
	int rc;

	if (!d) {
		snprintf(e->err, sizeof e->err, "out of memory");
		return -EXIT_SOFTWARE;
	}
	e->dest = d;
	rc = session_target(&d[e->ndests], target, e->opt->family, e->opt->iface, e->err,
			    sizeof e->err);
	return rc ? -rc : (int)e->ndests++;
}

/* One capture sees one interface: the destinations must share it. */
static int one_interface(struct engine *e)
{
	for (unsigned i = 1; i < e->ndests; i++)
		if (strcmp(e->dest[i].iface, e->dest[0].iface) != 0) {
			snprintf(e->err, sizeof e->err, "%s routes through %s, %s through %s: "
				 "name one interface with -i, or run one kaprobe per interface",
				e->dest[0].dst_txt, e->dest[0].iface, e->dest[i].dst_txt,
				e->dest[i].iface);
			return EXIT_USAGE;
		}
	snprintf(e->iface, sizeof e->iface, "%s", e->ndests ? e->dest[0].iface : "lo");
	return 0;
}

/* A listener's handles: raw sockets of both families (it answers
 * whichever comes), the capture of its filter, the handshake table. */
static int start_listening(struct engine *e)
{
	const struct engine_opts *opt = e->opt;
	int rc;

	snprintf(e->iface, sizeof e->iface, "%s", opt->iface ? opt->iface : "any");
	if ((rc = session_prober(&e->ss, AF_INET, opt->iface, e->err, sizeof e->err)) != 0 ||
	    (rc = session_prober(&e->ss, AF_INET6, opt->iface, e->err, sizeof e->err)) != 0 ||
	    (rc = session_capture_filter(&e->ss, e->iface, opt->filter, opt->wfile, e->err,
					 sizeof e->err)) != 0)
		return rc;
	if (embryos_init(&e->emb) < 0)
		return session_error(e->err, sizeof e->err, "out of memory", false);
	return 0;
}

/* The order matters: the privileged handles first, so that a user without
 * CAP_NET_RAW learns it before anything is sent; the -Z user is checked
 * before the -w file is created, so that a usage error leaves an existing
 * file alone; privilege goes last, before any connection is opened. */
int engine_start(struct engine *e)
{
	const struct engine_opts *opt = e->opt;
	int rc = opt->filter ? 0 : one_interface(e);

	for (unsigned i = 0; i < e->ndests && !rc; i++)
		rc = session_prober(&e->ss, e->dest[i].tgt.addr.ss_family, opt->iface, e->err,
				    sizeof e->err);
	if (rc || (rc = session_check_user(opt->user, e->err, sizeof e->err)) != 0)
		return rc;
	if (opt->filter)
		rc = start_listening(e);
	else
		rc = session_capture(&e->ss, e->iface, e->dest, e->ndests, opt->wfile, e->err,
				     sizeof e->err);
	if (rc || (opt->opened && (rc = opt->opened(e, opt->ctx)) != 0))
		return rc;
	if ((e->sigfd = session_signals(opt->quit_signal)) < 0)
		return session_error(e->err, sizeof e->err, "cannot set up signals", false);
	if ((rc = session_drop(opt->user, opt->reopen_capture, e->err, sizeof e->err)) != 0)
		return rc;
	e->cap_io = (struct ev_io){ .fd = e->ss.cap.fd, .fn = engine_on_capture };
	e->sig_io = (struct ev_io){ .fd = e->sigfd, .fn = on_signal };
	if (evloop_add(&e->loop, &e->cap_io, EPOLLIN) < 0 ||
	    evloop_add(&e->loop, &e->sig_io, EPOLLIN) < 0)
		return session_error(e->err, sizeof e->err, "cannot watch the capture", false);
	engine_arm(e, &e->stats, ev_now() + STATS_EVERY_US);
	return 0;
}

int engine_add_dest_running(struct engine *e, const char *target)
{
	int d = engine_add_dest(e, target), rc;
	const struct dest *x;

	if (d < 0)
		return d;
	x = &e->dest[d];
	if (strcmp(x->iface, e->iface) != 0 ||
	    !session_prober_of(&e->ss, x->tgt.addr.ss_family)->l) {
		snprintf(e->err, sizeof e->err, "%s routes through %s%s, not the interface "
			 "and address family the run started with (%s): restart kaprobe to "
			 "add it", x->dst_txt, x->iface,
			 x->tgt.addr.ss_family == AF_INET6 ? " over IPv6" : "", e->iface);
		e->ndests--;
		return -EXIT_USAGE;
	}
	if ((rc = session_refilter(&e->ss, e->dest, e->ndests, e->err, sizeof e->err)) != 0) {
		e->ndests--;
		return -rc;
	}
	return d;
}

int engine_open(struct engine *e, const struct engine_opts *opt)
{
	int rc = engine_init(e, opt);

	if (rc)
		return rc;
	if ((rc = engine_add_dest(e, opt->target)) < 0)
		return -rc;
	return engine_start(e);
}

int engine_run(struct engine *e)
{
	if (evloop_run(&e->loop) < 0)
		engine_fail(e, EXIT_SOFTWARE, "event loop failed: %s", strerror(errno));
	return e->status;
}

static void release_one(struct econn *c, void *ctx)
{
	engine_release(ctx, c);
}

void engine_close(struct engine *e)
{
	conntab_drain(&e->tab, release_one, e);
	engine_reap(&e->loop, &e->reaper, 0);
	conntab_free(&e->tab);
	free(e->dest);
	embryos_free(&e->emb);
	session_close(&e->ss);
	if (e->sigfd >= 0)
		close(e->sigfd);
	evloop_free(&e->loop);
}
