/* watch.c - `kaprobe watch`: hold connections idle for days, keep them
 * alive, and replace the ones that die.
 *
 * A planner over the engine, as live mode is: each target gets --conns
 * connections kept alive with the user's timings (or --heartbeat), and one
 * connection per --idle-ladder rung that is left idle that long and then
 * probed (the audit's question, asked again and again).  The engine says
 * what happened; this file only turns a verdict into "this connection
 * lived so long, ended so, and is replaced after a back-off".  The events
 * go to the text module (stdout, --json) and to the metrics module, which
 * the HTTP server (httpd.c) renders.
 *
 * Back-off: a connection that ended before any round of it was answered
 * waits twice as long as the previous one did before it is replaced,
 * from --backoff's first wait up to its cap; each wait is drawn between
 * half and all of that (jitter, so that a thousand connections cut at
 * once do not come back at once).  An answered round resets it.
 *
 * SIGHUP re-reads -f FILE: targets still named keep their connections
 * (the same sockets, so the same 4-tuples), new ones start, removed ones
 * end with the verdict "removed".  SIGINT and SIGTERM end the run with
 * the table (JSON: the summary) and exit 0; SIGQUIT prints the table on
 * stderr and goes on.
 */
#include "cmd/watch.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/connlimits.h"
#include "cmd/engerr.h"
#include "cmd/httpd.h"
#include "cmd/runout.h"
#include "emit/metrics.h"
#include "emit/text.h"
#include "engine/engine.h"
#include "net/target.h"
#include "util/exitcode.h"
#include "util/version.h"

struct wtarget;

/* One connection slot of a target: its current connection, if any, and
 * when the next one opens. */
struct wconn {
	struct wtarget *t;
	struct econn *c;         /* NULL between connections */
	unsigned id;             /* the current connection's number (events' "conn") */
	int64_t rung;            /* --idle-ladder: its idle; 0: kept alive */
	ka_time born;            /* when it was established; 0: not yet */
	unsigned fails;          /* connections in a row that ended unanswered */
	bool answered;           /* the current one had a round answered */
	bool closed;
	struct ev_close close;
	char close_from[64];
	struct ev_timer retry;
};

struct wtarget {
	char *name;              /* as given: the events' "dst", the metrics' label */
	int dest;
	struct wconn *w;
	unsigned n;
	bool named;              /* a reload: still in the new list */
};

struct watch {
	const struct watch_opts *opt;
	struct engine e;
	struct emitter em;
	struct text text;
	struct runout out;
	struct metrics met;
	struct httpd *http;
	struct wtarget **t;
	unsigned nt;
	/* Each engine destination's target as given: a target removed and
	 * named again reuses its destination, so that reloads add none but
	 * for names never seen. */
	char **dest_name;
	unsigned ids;            /* connections opened so far */
	ka_time next_open;       /* --connect-rate's next free slot */
	unsigned seed;           /* the back-off's jitter */
};

static struct watch wt;   /* the engine's buffers: not for the stack */

static void say(struct watch *w, const struct wconn *c, struct event *ev)
{
	ev->conn = c->id;
	ev->dst = c->t->name;
	ev->rung = c->rung;
	emit(&w->em, ev);
}

/* ---- opening and replacing ----------------------------------------------------- */

/* When a connection may open: now, or the next free slot of --connect-rate. */
static ka_time open_slot(struct watch *w, ka_time after)
{
	ka_time gap = 1000000 / w->opt->connect_rate;

	if (w->next_open < after)
		w->next_open = after;
	w->next_open += gap;
	return w->next_open - gap;
}

/* The wait before the next attempt: doubled per failure, capped, jittered
 * between half and all of it. */
static ka_time backoff(struct watch *w, unsigned fails)
{
	int64_t d = w->opt->backoff_min;
	uint64_t r = (uint64_t)rand_r(&w->seed) << 31 | (uint64_t)rand_r(&w->seed);

	for (unsigned i = 1; i < fails && d < w->opt->backoff_max; i++)
		d *= 2;
	if (d > w->opt->backoff_max)
		d = w->opt->backoff_max;
	return d / 2 + (int64_t)(r % (uint64_t)(d / 2 + 1));
}

static void schedule(struct watch *w, struct wconn *c, ka_time when)
{
	evloop_arm(&w->e.loop, &c->retry, open_slot(w, when));
}

/* The connection's timings: the user's, or its rung's (idle that long,
 * then up to three probes a second apart). */
static struct ka_config conn_cfg(const struct watch *w, const struct wconn *c)
{
	struct ka_config cfg = w->opt->cfg;

	if (c->rung)
		cfg = (struct ka_config){ .idle = c->rung, .intvl = 1000000, .probes = 3 };
	return cfg;
}

static void ended(struct watch *w, struct wconn *c, ka_time t, const char *verdict,
		  const char *reason, bool replace);

static void open_conn(struct watch *w, struct wconn *c)
{
	struct ka_config cfg = conn_cfg(w, c);
	int err;

	c->id = ++w->ids;
	c->born = 0;
	c->answered = c->closed = false;
	c->c = engine_connect(&w->e, (unsigned)c->t->dest, &cfg, NULL, c);
	err = c->c ? 0 : errno;
	if (!c->c) {
		ended(w, c, ev_now(), "no-connection", connect_reason(err), true);
		return;
	}
	if (w->opt->heartbeat && !c->rung)
		engine_heartbeat(&w->e, c->c, w->opt->heartbeat, w->opt->heartbeat_len);
}

static void on_retry(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	struct wconn *c = (struct wconn *)((char *)t - offsetof(struct wconn, retry));

	(void)loop; (void)now;
	if (!engine_stopped(&wt.e))
		open_conn(&wt, c);
}

/* The connection ended: say how long it lived and why, and (unless its
 * target is gone or the run ends) replace it after the back-off. */
static void ended(struct watch *w, struct wconn *c, ka_time t, const char *verdict,
		  const char *reason, bool replace)
{
	struct ka_machine m = { 0 };
	ka_time retry = 0;

	if (c->c) {
		m = c->c->ka;
		engine_release(&w->e, c->c);
		c->c = NULL;
	}
	c->fails = c->answered ? 0 : c->fails + 1;
	if (replace)
		retry = backoff(w, c->fails);
	say(w, c, &(struct event){ .kind = EV_CONN_VERDICT, .t = t, .u.verdict = {
		.verdict = verdict, .reason = reason, .m = &m,
		.close = c->closed ? &c->close : NULL,
		.lived = c->born ? t - c->born : 0, .retry = retry } });
	if (replace)
		schedule(w, c, t + retry);
}

/* ---- the engine's events --------------------------------------------------------- */

static const char *reply_kind(enum cl_kind k)
{
	return k == CL_RESET ? "rst" : k == CL_DATA ? "data" : k == CL_ICMP_ERROR ? "icmp" : "ack";
}

static void on_reply(struct watch *w, struct wconn *c, const struct eng_event *ev)
{
	char peer[64];
	struct ev_reply r = {
		.kind = reply_kind(ev->cls), .n = ev->out.n, .round = ev->c->round,
		.rtt = ev->out.rtt, .ttl = ev->seg->ttl, .from = peer, .seq = ev->seg->seq,
		.ack = ev->seg->ack, .len = ev->seg->len, .icmp_type = -1,
	};

	addr_format(ev->c->k.family, ev->seg->src, peer, sizeof peer);
	if (ev->seg->kind == SEG_ICMP_ERR) {
		r.icmp_type = ev->seg->icmp_type;
		r.icmp_code = ev->seg->icmp_code;
		r.icmp_class = ev->hard ? "hard" : "soft";
	}
	if (ev->out.answered)
		c->answered = true;
	say(w, c, &(struct event){ .kind = EV_REPLY, .t = ev->t, .u.reply = r });
}

static void on_ready(struct watch *w, struct wconn *c, const struct eng_event *ev)
{
	char src[80];
	struct ka_config cfg = conn_cfg(w, c);

	c->born = ev->t;
	engine_src_text(ev->c, src, sizeof src);
	say(w, c, &(struct event){ .kind = EV_CONNECT, .t = ev->t, .u.connect = {
		.src = src, .dst = w->e.dest[c->t->dest].dst_txt, .iface = w->e.iface,
		.ts = flow_ts_negotiated(&ev->c->k.flow), .cfg = &cfg,
		.heartbeat = c->rung ? 0 : w->opt->heartbeat_len } });
}

static void on_ignored(struct watch *w, struct wconn *c, const struct eng_event *ev)
{
	char from[64];

	addr_format(ev->seg->family, ev->seg->src, from, sizeof from);
	say(w, c, &(struct event){ .kind = EV_IGNORED, .t = ev->t, .u.ignored = {
		.reason = classify_reason(ev->cls), .from = from,
		.text = classify_why(ev->cls) } });
}

static void on_event(struct engine *e, const struct eng_event *ev, void *ctx)
{
	struct watch *w = ctx;
	struct wconn *c = ev->c->user;

	(void)e;
	switch (ev->kind) {
	case ENG_READY: on_ready(w, c, ev); break;
	case ENG_CONNECT_FAILED:
		ended(w, c, ev->t, "no-connection", connect_reason(ev->err), true);
		break;
	case ENG_PROBE:
		say(w, c, &(struct event){ .kind = EV_PROBE, .t = ev->t, .u.probe = {
			.n = ev->c->ka.probes_out, .round = ev->c->round, .seq = ev->probe->seq,
			.ack = ev->probe->ack, .len = ev->probe->paylen,
			.error = ev->err ? strerror(ev->err) : NULL } });
		break;
	case ENG_REPLY: on_reply(w, c, ev); break;
	case ENG_IGNORED: on_ignored(w, c, ev); break;
	case ENG_CLOSED:
		addr_format(ev->seg->family, ev->seg->src, c->close_from, sizeof c->close_from);
		c->closed = true;
		c->close = (struct ev_close){ .idle = ev->idle, .rst = ev->rst, .by = ev->by_peer,
					      .from = c->close_from, .answered_in_gap = -1,
					      .heartbeat = w->opt->heartbeat && !c->rung };
		break;
	case ENG_VERDICT:
		ended(w, c, ev->t, ka_verdict_name(ev->c->ka.verdict), NULL, true);
		break;
	}
}

/* ---- targets ----------------------------------------------------------------------- */

static struct wtarget *find(const struct watch *w, const char *name)
{
	for (unsigned i = 0; i < w->nt; i++)
		if (strcmp(w->t[i]->name, name) == 0)
			return w->t[i];
	return NULL;
}

/* A target's slots, each opening at the next --connect-rate slot. */
static struct wtarget *add_target(struct watch *w, const char *name, int dest)
{
	const struct watch_opts *o = w->opt;
	struct wtarget *t = calloc(1, sizeof *t), **v = realloc(w->t, (w->nt + 1) * sizeof *v);

	if (v)
		w->t = v;
	if (!t || !v || !(t->name = strdup(name)) ||
	    !(t->w = calloc(o->conns + o->nladder, sizeof *t->w))) {
		if (t)
			free(t->name);
		free(t);
		return NULL;
	}
	t->dest = dest;
	t->n = o->conns + o->nladder;
	t->named = true;
	for (unsigned i = 0; i < t->n; i++) {
		t->w[i] = (struct wconn){ .t = t, .retry.fn = on_retry,
					  .rung = i < o->conns ? 0 : o->ladder[i - o->conns] };
		schedule(w, &t->w[i], ev_now());
	}
	return w->t[w->nt++] = t;
}

/* Forget a target: its slots' timers leave the loop's heap first. */
static void free_target(struct watch *w, struct wtarget *t)
{
	for (unsigned k = 0; k < t->n; k++)
		evloop_disarm(&w->e.loop, &t->w[k].retry);
	free(t->w);
	free(t->name);
	free(t);
}

/* A target dropped by a reload: its connections end, nothing replaces them. */
static void drop_target(struct watch *w, unsigned i)
{
	struct wtarget *t = w->t[i];

	for (unsigned k = 0; k < t->n; k++)
		if (t->w[k].c)
			ended(w, &t->w[k], ev_now(), "removed", NULL, false);
	free_target(w, t);
	w->t[i] = w->t[--w->nt];
}

static void notice(struct watch *w, const char *name, const char *text)
{
	emit(&w->em, &(struct event){ .kind = EV_NOTICE, .t = ev_now(),
				      .u.notice = { name, text } });
}

/* The engine's destination for name: one it has, or a new one (added by
 * add, engine_add_dest or engine_add_dest_running).  -status when that
 * fails (the reason in e->err). */
static int dest_of(struct watch *w, const char *name, int (*add)(struct engine *, const char *))
{
	char **v;
	int d;

	for (unsigned i = 0; i < w->e.ndests; i++)
		if (strcmp(w->dest_name[i], name) == 0)
			return (int)i;
	if (!(v = realloc(w->dest_name, (w->e.ndests + 1) * sizeof *v))) {
		snprintf(w->e.err, sizeof w->e.err, "out of memory");
		return -EXIT_SOFTWARE;
	}
	w->dest_name = v;
	if ((d = add(&w->e, name)) >= 0 && !(v[d] = strdup(name))) {
		w->e.ndests--;
		snprintf(w->e.err, sizeof w->e.err, "out of memory");
		return -EXIT_SOFTWARE;
	}
	return d;
}

/* One target of a reload's list: kept, or added (1); 0 when it is kept,
 * -1 when it cannot be added (said as a notice). */
static int reload_one(struct watch *w, const char *name)
{
	struct wtarget *t = find(w, name);
	int d;

	if (t) {
		t->named = true;
		return 0;
	}
	if ((d = dest_of(w, name, engine_add_dest_running)) < 0 || !add_target(w, name, d)) {
		notice(w, "reload-error", d < 0 ? w->e.err : "out of memory");
		return -1;
	}
	return 1;
}

/* SIGHUP: the operands and -f FILE's lines again. */
static void reload(struct watch *w)
{
	const struct watch_opts *o = w->opt;
	struct target_list l = { 0 };
	unsigned added = 0, removed = 0, before = w->nt;
	char text[300];

	for (unsigned i = 0; i < o->noperands; i++)
		target_list_add(&l, o->targets[i]);
	/* Standard input is read once; a list with no target is a mistake
	 * more often than a wish to watch nothing: both keep what runs. */
	if (strcmp(o->file, "-") == 0) {
		notice(w, "reload-error", "-f -: standard input cannot be read again");
	} else if (target_list_read(o->file, &l, text, sizeof text) < 0) {
		notice(w, "reload-error", text);
	} else if (l.n == 0) {
		snprintf(text, sizeof text, "%s has no target: the current ones are kept", o->file);
		notice(w, "reload-error", text);
	} else {
		for (unsigned i = 0; i < w->nt; i++)
			w->t[i]->named = false;
		for (unsigned i = 0; i < l.n; i++)
			added += reload_one(w, l.v[i]) > 0;
		for (unsigned i = w->nt; i-- > 0;)
			if (!w->t[i]->named) {
				drop_target(w, i);
				removed++;
			}
		snprintf(text, sizeof text, "%s re-read: %u targets kept, %u added, %u removed",
			 o->file, before - removed, added, removed);
		notice(w, "reload", text);
	}
	target_list_free(&l);
}

/* ---- signals, output, the run ------------------------------------------------------- */

/* A row per slot, for the table (its machine, or none between
 * connections); *n rows, to free.  NULL when out of memory. */
static struct ev_conn_row *fill_rows(const struct watch *w, unsigned *n)
{
	static const struct ka_machine none;
	struct ev_conn_row *rows;

	*n = 0;
	for (unsigned i = 0; i < w->nt; i++)
		*n += w->t[i]->n;
	if (!(rows = calloc(*n ? *n : 1, sizeof *rows)))
		return NULL;
	*n = 0;
	for (unsigned i = 0; i < w->nt; i++)
		for (unsigned k = 0; k < w->t[i]->n; k++) {
			const struct wconn *c = &w->t[i]->w[k];

			rows[(*n)++] = (struct ev_conn_row){ .id = c->id, .dst = c->t->name,
				.verdict = c->c ? NULL : "waiting", .m = c->c ? &c->c->ka : &none };
		}
	return rows;
}

/* SIGINT, SIGTERM: the table of every slot (JSON: the summary), exit 0. */
static void shutdown_run(struct watch *w)
{
	unsigned n;
	struct ev_conn_row *rows = fill_rows(w, &n);

	if (rows)
		emit(&w->em, &(struct event){ .kind = EV_CONN_TABLE, .t = ev_now(),
			.u.table = { .rows = rows, .n = n, .ignored = w->e.ignored,
				     .drops = runout_drops(&w->out) } });
	free(rows);
	engine_stop(&w->e, EXIT_ALIVE);
}

static void on_signal(struct engine *e, int signo, void *ctx)
{
	struct watch *w = ctx;

	unsigned n;
	struct ev_conn_row *rows;

	(void)e;
	if (signo == SIGQUIT) {
		/* The table now, on stderr, as live mode's; the run goes on. */
		if ((rows = fill_rows(w, &n)))
			text_conn_status(stderr, rows, n);
		free(rows);
	} else if (signo != SIGHUP) {
		shutdown_run(w);
	} else if (w->opt->file) {
		reload(w);
	} else {
		notice(w, "reload", "SIGHUP: no -f file to re-read");
	}
}

static void on_flush(struct engine *e, void *ctx)
{
	struct watch *w = ctx;
	int err;

	if (runout_flush(&w->out))
		return;
	if ((err = runout_error(&w->out)))
		engine_fail(e, EXIT_IOERR, "cannot write standard output: %s", strerror(err));
	else
		engine_stop(e, EXIT_ALIVE);
}

/* The capture failed (its interface went away) or was reopened: the
 * engine retries with a back-off; the connections' fate is theirs. */
static void on_capture(struct engine *e, bool up, const char *text, void *ctx)
{
	struct watch *w = ctx;
	char line[600];

	(void)e;
	if (up) {
		metrics_capture_restarted(&w->met);
		snprintf(line, sizeof line, "capture on %s reopened", text);
	}
	notice(w, up ? "capture-reopened" : "capture-lost", up ? line : text);
}

static const struct engine_ops watch_ops = { on_event, on_signal, on_flush, on_capture };

/* The targets, resolved and routed before anything is opened; a name given
 * twice is one target. */
static int setup(struct watch *w, const struct engine_opts *eo)
{
	const struct watch_opts *o = w->opt;
	int rc;

	if ((rc = engine_init(&w->e, eo)) != 0)
		return print_engine_error(&w->e, rc);
	for (unsigned i = 0; i < o->ntargets; i++) {
		int d;

		if (find(w, o->targets[i]))
			continue;
		if ((d = dest_of(w, o->targets[i], engine_add_dest)) < 0)
			return print_engine_error(&w->e, -d);
		if (!add_target(w, o->targets[i], d)) {
			fprintf(stderr, "kaprobe: out of memory for %s\n", o->targets[i]);
			return EXIT_SOFTWARE;
		}
	}
	if ((rc = conn_limits(w->nt * (o->conns + o->nladder), o->conns + o->nladder)) != 0)
		return rc;
	if ((rc = engine_start(&w->e)) != 0)
		return print_engine_error(&w->e, rc);
	w->met.wall_off = w->e.ss.real_off;
	return 0;
}

/* --listen: served from here on, privilege being gone. */
static int start_http(struct watch *w)
{
	char err[256];

	if (!w->opt->listen)
		return 0;
	if (!(w->http = httpd_start(&w->opt->listen_addr, &w->met, err, sizeof err))) {
		fprintf(stderr, "kaprobe: %s\n", err);
		return EXIT_UNAVAILABLE;
	}
	return 0;
}

static void finish(struct watch *w)
{
	httpd_stop(w->http);
	/* The connections still open end with the engine: no verdicts. */
	for (unsigned i = 0; i < w->nt; i++)
		free_target(w, w->t[i]);
	free(w->t);
	for (unsigned i = 0; w->dest_name && i < w->e.ndests; i++)
		free(w->dest_name[i]);
	free(w->dest_name);
	engine_close(&w->e);
	metrics_free(&w->met);
}

int watch_run(const struct watch_opts *opt)
{
	struct engine_opts eo = {
		.family = opt->family, .iface = opt->iface, .user = opt->user,
		.connect_timeout = opt->connect_timeout, .ops = &watch_ops, .ctx = &wt,
		.reopen_capture = true, .quit_signal = true,
	};
	int rc;

	wt = (struct watch){ .opt = opt, .seed = (unsigned)ev_now() };
	if (metrics_init(&wt.met, KAPROBE_VERSION) < 0) {
		fprintf(stderr, "kaprobe: out of memory for the metrics\n");
		return EXIT_SOFTWARE;
	}
	text_init(&wt.text, stdout, opt->json, opt->quiet, ev_now());
	wt.text.stamp = opt->stamp;
	emit_init(&wt.em);
	emit_attach(&wt.em, &text_module, &wt.text);
	emit_attach(&wt.em, &metrics_module, &wt.met);
	runout_init(&wt.out);
	if ((rc = setup(&wt, &eo)) == 0 && (rc = start_http(&wt)) == 0) {
		runout_open(&wt.out, &wt.text, &wt.e);
		wt.text.wall_off = wt.e.ss.real_off;
		rc = engine_run(&wt.e);
		print_engine_failure(&wt.e);
		if (wt.e.failed)
			emit(&wt.em, &(struct event){ .kind = EV_ERROR, .t = ev_now(),
						      .u.error = wt.e.err });
	}
	runout_close(&wt.out);
	rc = runout_status(&wt.out, &wt.e, rc);
	finish(&wt);
	fflush(stdout);
	return rc;
}
