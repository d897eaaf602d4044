/* audit.c - `kaprobe audit HOST:PORT`: what the path between here and a
 * peer does to keep-alive probes, and how long it keeps an idle flow.
 *
 * A planner over the engine (engine.h).  Each question is a task, answered
 * by one real connection; a probe refreshes a middlebox's state, so a
 * connection answers one question only.  Phases, one after another:
 *
 *   variants      one task per probe kind (the table below, in the manner
 *                 of zmap's probe modules), probed once settled;
 *   idle timeout  tasks "is a flow idle for D still alive?", rounds of them
 *                 narrowing the bracket between the longest idle answered
 *                 and the shortest not, up to --max-idle;
 *   refresh       a connection probed every --intvl must outlive the
 *                 timeout;
 *   advice        tcp_keepalive_* values for hosts behind this path.
 *
 * Measuring, not guessing:
 * - A connection proves itself before it counts: for the idle search a
 *   probe right after settling is answered, and the idle is timed from
 *   that answer; and until its task is done the server must not send its
 *   SYN-ACK again (a server whose accept queue is full drops our last ACK
 *   and does).  One that fails is discarded, not a finding, but for a
 *   probe unanswered right after settling: that is a flow dead after
 *   ENG_SETTLE_US, the shortest idle the audit can measure.
 * - Every probe is a keep-alive round of the engine's machine: a lost
 *   answer is retried TRIES - 1 times, ENG_PROBE_GAP_US apart, inside the idle
 *   being measured (a probe that passed a box refreshed it, so a retry
 *   answered says the flow was alive at the first probe's idle).
 * - A dead measurement below a live one is re-measured on fresh
 *   connections; what still contradicts is reported as inconsistent.
 * - A server that takes few connections makes the audit open fewer at once,
 *   and at one at a time, exit 3 with a clear line.
 */
#include "cmd/audit.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/engerr.h"
#include "engine/engine.h"
#include "util/exitcode.h"
#include "emit/text.h"
#include "report/report.h"
#include "util/parse.h"
#include "tcp/idlesearch.h"
#include "tcp/middlebox.h"
#include "tcp/profile.h"
#include "engine/variant.h"

/* Retries go ENG_PROBE_GAP_US apart, so TRIES probes span 2.4 s: a
 * variant is done within 2.7 s of its handshake, inside any idle timeout
 * of 3 s or more. */
#define TRIES 5
#define MAX_TASKS 128
#define DISCARDS_IN_ROW 3

/* ---- state -------------------------------------------------------------------- */

enum task_kind { T_VARIANT, T_IDLE, T_REFRESH };

/* One question, and its answer once a connection gave it. */
struct task {
	enum task_kind kind;
	const struct variant *variant;  /* the kind of probe it sends */
	ka_time idle;                   /* T_IDLE: idle to try; T_REFRESH: interval */
	ka_time measured;               /* the idle the latest round's first probe left at */
	struct econn *c;                /* the connection working on it */
	bool proven;                    /* its connection proved itself */
	bool done;
	/* The answer. */
	struct probe_reply rep;         /* what the (last) measuring probe got */
	ka_time proven_at;              /* T_REFRESH: when probing began */
	unsigned tries;                 /* probes sent in the measuring round */
	bool survived;                  /* T_REFRESH */
	bool remeasure;                 /* T_IDLE: a contradicted idle, asked again */
};

struct audit {
	const struct audit_opts *opt;
	struct engine e;
	struct emitter em;
	struct text text;
	struct task task[MAX_TASKS];
	unsigned ntasks;
	unsigned queue[MAX_TASKS];      /* tasks waiting for a connection */
	unsigned qhead, qlen;
	unsigned open, cap;             /* connections open; at most this many */
	unsigned discarded, taken;      /* connections discarded / that proved */
	unsigned discards_row, disc_since, ok_since;
	unsigned answered_tries, answered_rounds;   /* for the loss rate */
	struct idlesearch idles;        /* the idle timeout's measurements */
	struct probe_reply reply[IDLES_MAX_MEAS];   /* what each one's probes got */
	ka_time alive, dead;            /* the search's bracket (0: none yet) */
	unsigned round;                 /* the idle search's round, from 1 */
	bool inconsistent, interrupted;
	const struct variant *search;   /* the kind the search and refresh use */
	const char *phase;
	bool progress;
	struct ev_timer tick;           /* the progress line */
	struct ev_timer refresh_end;
	struct ev_timer pace;           /* the next connection may open */
	ka_time connect_at;
	ka_time refresh_for;            /* refresh: keep probing this long */
};

/* ---- the scheduler --------------------------------------------------------------- */

static struct ka_config proof_cfg(void)
{
	return (struct ka_config){ .idle = ENG_SETTLE_US, .intvl = ENG_PROBE_GAP_US, .probes = TRIES };
}

static void start_tasks(struct audit *a);

static void phase_done_check(struct audit *a)
{
	for (unsigned i = 0; i < a->ntasks; i++)
		if (!a->task[i].done)
			return;
	engine_stop(&a->e, 0);
}

static void task_finish(struct audit *a, struct task *t)
{
	if (t->c) {
		engine_release(&a->e, t->c);
		t->c = NULL;
		a->open--;
	}
	t->done = true;
	a->discards_row = 0;
	a->ok_since++;
	start_tasks(a);
	phase_done_check(a);
}

/* The connection cannot answer the task's question: the server did not
 * take it, or closed it, or never answered it.  Another one will; a server
 * that takes few connections gets fewer at once. */
static void discard(struct audit *a, struct task *t, const char *why)
{
	engine_release(&a->e, t->c);
	t->c = NULL;
	t->proven = false;
	a->open--;
	a->discarded++;
	a->discards_row++;
	if (++a->disc_since >= 3 && a->disc_since > a->ok_since) {
		a->cap = a->cap > 1 ? a->cap / 2 : 1;
		a->disc_since = a->ok_since = 0;
	}
	if (a->cap == 1 && a->discards_row >= DISCARDS_IN_ROW) {
		engine_fail(&a->e, EXIT_NOCONNECT, "audit: %s took only %u of %u connections "
			    "(last: %s): its listen backlog may be full; no finding can be made",
			    a->e.dest[0].dst_txt, a->taken, a->taken + a->discarded, why);
		return;
	}
	a->queue[(a->qhead + a->qlen++) % MAX_TASKS] = (unsigned)(t - a->task);
	start_tasks(a);
}

/* Connections open at the probe rate, so that their probes, each due a
 * fixed time after its own handshake, do not queue behind each other and
 * leave late. */
static void start_tasks(struct audit *a)
{
	ka_time now = ev_now();

	while (a->qlen && a->open < a->cap && !engine_stopped(&a->e)) {
		struct task *t = &a->task[a->queue[a->qhead]];
		struct ka_config cfg = proof_cfg();

		if (now < a->connect_at) {
			if (!a->pace.slot)
				evloop_arm(&a->e.loop, &a->pace, a->connect_at);
			return;
		}
		a->connect_at = now + 1000000 / a->opt->rate;
		t->c = engine_connect(&a->e, 0, &cfg, t->variant->shape, t);
		if (!t->c) {
			engine_fail(&a->e, EXIT_NOCONNECT, "%s", a->e.err);
			return;
		}
		a->qhead = (a->qhead + 1) % MAX_TASKS;
		a->qlen--;
		a->open++;
	}
}

/* Run the tasks added since the last phase until each is done. */
static int run_tasks(struct audit *a, const char *phase)
{
	a->phase = phase;
	if (a->e.status || a->interrupted)
		return -1;
	engine_resume(&a->e);   /* the last phase's end stopped it */
	start_tasks(a);
	engine_run(&a->e);
	if (a->progress)
		fputs("\r\033[K", stderr);
	return a->e.status || a->interrupted ? -1 : 0;
}

static void new_task(struct audit *a, enum task_kind kind, const struct variant *v, ka_time idle)
{
	if (a->ntasks == MAX_TASKS)
		return;
	a->queue[(a->qhead + a->qlen++) % MAX_TASKS] = a->ntasks;
	a->task[a->ntasks++] = (struct task){ .kind = kind, .variant = v, .idle = idle,
					      .rep.kind = REPLY_PENDING };
}

static void clear_tasks(struct audit *a)
{
	a->ntasks = a->qhead = a->qlen = 0;
}

/* ---- what the connections tell ------------------------------------------------------- */

static void record_reply(struct task *t, const struct eng_event *ev, enum reply_kind kind)
{
	t->rep = (struct probe_reply){ .kind = kind, .ttl = ev->seg->ttl, .hops = ev->hops,
				       .ts = ev->seg->opt.has_ts, .by_peer = ev->by_peer };
	memcpy(t->rep.from, ev->seg->src, 16);
}

/* The measuring round ended; for an idle task, tell the search. */
static void measured(struct audit *a, struct task *t, bool alive)
{
	int i = t->kind == T_IDLE ? idles_record(&a->idles, t->measured, alive) : -1;

	if (i >= 0) {
		a->reply[i] = t->rep;
		emit(&a->em, &(struct event){ .kind = EV_MEASURE, .t = ev_now(), .u.measure = {
			.idle_s = t->measured / 1e6, .r = &t->rep, .round = a->round,
			.family = a->e.dest[0].tgt.addr.ss_family, .remeasure = t->remeasure } });
	}
	if (t->kind == T_REFRESH)
		t->survived = false;
	task_finish(a, t);
}

/* The proof round was answered: from now on the connection measures. */
static void prove(struct audit *a, struct task *t, ka_time now)
{
	struct ka_config cfg = { .idle = t->idle, .intvl = ENG_PROBE_GAP_US, .probes = TRIES };

	t->proven = true;
	a->taken++;
	if (t->kind == T_REFRESH) {
		t->proven_at = now;
		t->survived = true;
		evloop_arm(&a->e.loop, &a->refresh_end, now + a->refresh_for);
	}
	engine_configure(&a->e, t->c, &cfg);
}

static void on_reply(struct audit *a, struct task *t, const struct eng_event *ev)
{
	bool ack = ev->cls == CL_ANSWER || ev->cls == CL_DATA;

	if (ev->cls == CL_ICMP_ERROR) {
		/* Not an answer: the round goes on, and if it dies, this is
		 * what the probes got. */
		if (t->proven && t->rep.kind == REPLY_PENDING)
			record_reply(t, ev, REPLY_ICMP);
		return;
	}
	if (ack) {
		a->answered_tries += ev->out.n;
		a->answered_rounds++;
	}
	if (!t->proven) {
		if (ack)
			prove(a, t, ev->t);
		else
			discard(a, t, "reset right after the handshake");
		return;
	}
	record_reply(t, ev, ack ? REPLY_ACK : REPLY_RST);
	t->tries = ev->out.n;
	if (t->kind == T_REFRESH && ack && ev->by_peer)
		return;   /* a round kept; the refresh goes on */
	if (t->kind == T_VARIANT)
		task_finish(a, t);
	else
		measured(a, t, ack && ev->by_peer);
}

static void on_verdict(struct audit *a, struct task *t)
{
	/* No answer right after settling: the connection cannot measure D,
	 * but it did measure the settling time. */
	if (!t->proven) {
		t->rep = (struct probe_reply){ .kind = REPLY_NONE };
		t->tries = TRIES;
		measured(a, t, false);
		return;
	}
	if (t->rep.kind != REPLY_ICMP)
		t->rep = (struct probe_reply){ .kind = REPLY_NONE };
	t->tries = TRIES;
	if (t->kind == T_VARIANT)
		task_finish(a, t);
	else
		measured(a, t, false);
}

static void on_connect_failed(struct audit *a, struct task *t, const struct eng_event *ev)
{
	if (ev->err == ETIMEDOUT)
		discard(a, t, "no answer to the SYN within --connect-timeout");
	else
		engine_fail_connect(&a->e, ev->c, ev->err);
}

static void on_event(struct engine *e, const struct eng_event *ev, void *ctx)
{
	struct audit *a = ctx;
	struct task *t = ev->c->user;

	(void)e;
	if (!t || t->done || t->c != ev->c)
		return;
	switch (ev->kind) {
	case ENG_READY:
		/* A variant's own probe is its proof: it goes out once the
		 * connection has settled without a SYN-ACK again. */
		if (t->kind == T_VARIANT) {
			t->proven = true;
			a->taken++;
		}
		break;
	case ENG_CONNECT_FAILED:
		on_connect_failed(a, t, ev);
		break;
	case ENG_PROBE:
		/* The idle a round measures is the one its first probe left
		 * at, a rate limit's delay included. */
		if (ev->c->ka.probes_out == 1)
			t->measured = ev->t - ev->c->ka.last_rx;
		break;
	case ENG_REPLY:
		on_reply(a, t, ev);
		break;
	case ENG_VERDICT:
		on_verdict(a, t);
		break;
	case ENG_IGNORED:
		if (ev->cls == CL_SYN_AGAIN)
			discard(a, t, "the server sent its SYN-ACK again: it did not take the "
				"connection");
		break;
	case ENG_CLOSED:
		discard(a, t, "the server closed the connection");
		break;
	}
}

static void on_signal(struct engine *e, int signo, void *ctx)
{
	struct audit *a = ctx;

	(void)signo;
	a->interrupted = true;
	engine_stop(e, 0);
}

static void on_flush(struct engine *e, void *ctx)
{
	(void)e;
	text_flush(&((struct audit *)ctx)->text);
}

static const struct engine_ops audit_ops = { on_event, on_signal, on_flush };

static void on_pace(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	(void)loop; (void)now;
	start_tasks((struct audit *)((char *)tm - offsetof(struct audit, pace)));
}

/* The refresh connection has been probed for refresh_for: it survived
 * unless a round died first. */
static void on_refresh_end(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct audit *a = (struct audit *)((char *)tm - offsetof(struct audit, refresh_end));

	(void)loop; (void)now;
	for (unsigned i = 0; i < a->ntasks; i++)
		if (a->task[i].kind == T_REFRESH && !a->task[i].done)
			task_finish(a, &a->task[i]);
}

/* ---- progress ------------------------------------------------------------------------ */

/* On a terminal, one line that says what is being waited for. */
static void on_tick(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct audit *a = (struct audit *)((char *)tm - offsetof(struct audit, tick));
	ka_time left = 0;
	char l[32], al[32], de[32];

	for (unsigned i = 0; i < a->ntasks; i++) {
		const struct task *t = &a->task[i];

		if (t->c && t->c->timer.slot && t->c->timer.when - now > left)
			left = t->c->timer.when - now;
	}
	format_duration(left, l, sizeof l);
	fprintf(stderr, "\r\033[K%s: %u open, next answer due in %s", a->phase, a->open, l);
	if (a->idles.nmeas) {
		format_duration(a->alive, al, sizeof al);
		if (a->dead)
			format_duration(a->dead, de, sizeof de);
		else
			snprintf(de, sizeof de, "none yet");
		fprintf(stderr, "; alive at %s, dead at %s", a->alive ? al : "none yet", de);
	}
	evloop_arm(loop, tm, now + 1000000);
}

/* ---- the phases ------------------------------------------------------------------------ */

static int phase_variants(struct audit *a, bool *standard_ok)
{
	clear_tasks(a);
	for (unsigned v = 0; v < variant_count; v++)
		new_task(a, T_VARIANT, &variant_table[v], 0);
	if (run_tasks(a, "probe variants") < 0)
		return -1;
	*standard_ok = true;
	a->search = NULL;
	for (unsigned i = 0; i < a->ntasks; i++) {
		const struct task *t = &a->task[i];
		bool answered = t->rep.kind == REPLY_ACK && t->rep.by_peer;

		emit(&a->em, &(struct event){ .kind = EV_VARIANT, .t = ev_now(), .u.variant = {
			.name = t->variant->name, .r = &t->rep,
			.family = a->e.dest[0].tgt.addr.ss_family, .tries = t->tries } });
		if (t->variant->standard && !answered)
			*standard_ok = false;
		if (t->variant->standard && answered && !a->search)
			a->search = t->variant;
	}
	if (!a->search)
		a->search = &variant_table[0];
	return 0;
}

/* The search's next round, a task per idle: --max-conns wide at first,
 * then as wide as the server takes connections at once. */
static void plan_round(struct audit *a)
{
	struct idles_ask ask[MAX_TASKS];
	unsigned n = idles_plan(&a->idles, a->idles.round ? a->cap : a->opt->max_conns, ask);

	clear_tasks(a);
	for (unsigned i = 0; i < n; i++) {
		new_task(a, T_IDLE, a->search, ask[i].idle);
		a->task[i].remeasure = ask[i].remeasure;
	}
	a->round = a->idles.round;
}

static void report_idle(struct audit *a, int rfc)
{
	struct ev_idle r = {
		.probe = a->search->name, .alive_s = -1, .dead_s = -1, .rfc5382 = rfc,
		.family = a->e.dest[0].tgt.addr.ss_family, .discarded = a->discarded,
		.inconsistent = a->inconsistent,
		.loss_pct = a->answered_tries ? 100.0 * (a->answered_tries - a->answered_rounds)
						/ a->answered_tries : 0,
	};
	struct idles_finding f;

	idles_finding(&a->idles, &f);
	r.agree = f.agree;
	r.disagree = f.disagree;
	r.expired = f.expired >= 0 ? &a->reply[f.expired] : NULL;
	if (!a->inconsistent) {
		r.alive_s = a->alive ? a->alive / 1e6 : -1;
		r.dead_s = a->dead ? a->dead / 1e6 : -1;
	}
	emit(&a->em, &(struct event){ .kind = EV_IDLE, .t = ev_now(), .u.idle = r });
}

/* The bracket: a flow dead at the proof is dead at ENG_SETTLE_US, the
 * shortest idle the audit measures. */
static int phase_idle_timeout(struct audit *a, int *rfc_out)
{
	struct idles_bounds b = { ENG_SETTLE_US, a->opt->max_idle, a->opt->resolution };
	bool over;
	int rfc;

	idles_init(&a->idles, &b);
	do {
		plan_round(a);
		if (run_tasks(a, "idle timeout") < 0)
			return -1;
		over = idles_fold(&a->idles);
		a->alive = a->idles.alive;
		a->dead = a->idles.dead;
	} while (!over);
	a->inconsistent = a->idles.inconsistent;
	rfc = a->inconsistent ? -1 : a->alive >= RFC5382_IDLE_US ? 1
	      : a->dead && a->dead < RFC5382_IDLE_US ? 0
	      : a->opt->max_idle >= RFC5382_IDLE_US ? 1 : -1;
	report_idle(a, rfc);
	*rfc_out = rfc;
	return 0;
}

/* A connection probed every intvl, below the timeout, must outlive it. */
static int phase_refresh(struct audit *a)
{
	ka_time intvl = a->opt->intvl ? a->opt->intvl : a->alive / 2;
	const char *skip = a->inconsistent ? "the idle timeout was inconsistent"
			   : !a->dead ? "no idle timeout within --max-idle"
			   : intvl <= 0 || intvl >= a->alive ? "no interval below the longest live idle"
			   : NULL;

	if (skip) {
		emit(&a->em, &(struct event){ .kind = EV_REFRESH, .t = ev_now(),
					      .u.refresh = { .survived = -1, .skipped = skip } });
		return -1;
	}
	a->refresh_for = a->dead + a->dead / 2 + intvl;
	clear_tasks(a);
	new_task(a, T_REFRESH, a->search, intvl);
	if (run_tasks(a, "refresh") < 0)
		return -1;
	emit(&a->em, &(struct event){ .kind = EV_REFRESH, .t = ev_now(), .u.refresh = {
		.survived = a->task[0].survived, .intvl_s = intvl / 1e6,
		.duration_s = a->refresh_for / 1e6 } });
	return a->task[0].survived;
}

/* tcp_keepalive_* for hosts behind this path.  With a timeout found, the
 * first probe and every next one must come before the flow expires, so
 * time and interval stay under the longest idle still answered; Linux's
 * defaults otherwise, which RFC 5382 paths keep. */
static void advise(struct audit *a)
{
	long time_s = LINUX_KEEPALIVE_TIME_S, intvl_s = LINUX_KEEPALIVE_INTVL_S;
	long probes = LINUX_KEEPALIVE_PROBES;

	if (a->dead && !a->alive) {
		emit(&a->em, &(struct event){ .kind = EV_ADVICE, .t = ev_now(), .u.advice = {
			time_s, intvl_s, probes, "no idle connection was answered at all: no "
			"keep-alive setting keeps flows on this path" } });
		return;
	}
	if (a->dead && !a->inconsistent) {
		long alive = (long)(a->alive / 1000000);

		time_s = alive / 2 > 0 ? alive / 2 : 1;
		intvl_s = alive / 3 > 0 ? (alive / 3 < LINUX_KEEPALIVE_INTVL_S ? alive / 3
					   : LINUX_KEEPALIVE_INTVL_S) : 1;
	}
	emit(&a->em, &(struct event){ .kind = EV_ADVICE, .t = ev_now(),
				      .u.advice = { time_s, intvl_s, probes, NULL } });
}

/* ---- running ----------------------------------------------------------------------------- */

static int run_phases(struct audit *a)
{
	bool standard_ok = false;
	int rfc = -1, refreshed = -1;
	char src[64];

	addr_format(a->e.dest[0].tgt.addr.ss_family, a->e.dest[0].src.ss_family == AF_INET6
		    ? (const uint8_t *)&((struct sockaddr_in6 *)&a->e.dest[0].src)->sin6_addr
		    : (const uint8_t *)&((struct sockaddr_in *)&a->e.dest[0].src)->sin_addr,
		    src, sizeof src);
	emit(&a->em, &(struct event){ .kind = EV_AUDIT_START, .t = ev_now(), .u.start = {
		.dst = a->e.dest[0].dst_txt, .src = src, .iface = a->e.iface } });
	if (phase_variants(a, &standard_ok) == 0 && phase_idle_timeout(a, &rfc) == 0) {
		refreshed = phase_refresh(a);
		if (!a->e.status && !a->interrupted)
			advise(a);
	}
	if (a->e.status)
		return a->e.status;
	if (a->interrupted) {
		emit(&a->em, &(struct event){ .kind = EV_AUDIT_SUMMARY, .t = ev_now(), .u.audit = {
			.interrupted = true, .ignored = a->e.ignored, .discarded = a->discarded,
			.taken = a->taken } });
		return EXIT_INTERRUPTED;
	}
	bool ok = standard_ok && rfc != 0 && refreshed != 0 && !a->inconsistent &&
		  !a->interrupted;

	emit(&a->em, &(struct event){ .kind = EV_AUDIT_SUMMARY, .t = ev_now(), .u.audit = {
		.ok = ok, .interrupted = a->interrupted, .ignored = a->e.ignored,
		.discarded = a->discarded, .taken = a->taken,
		.loss_pct = a->answered_tries ? 100.0 * (a->answered_tries - a->answered_rounds)
						/ a->answered_tries : 0 } });
	return ok ? 0 : 1;
}

int audit_run(const struct audit_opts *opt)
{
	static struct audit a;   /* tasks and measurements: not for the stack */
	struct engine_opts eo = {
		.target = opt->target, .family = opt->family, .iface = opt->iface,
		.user = opt->user, .connect_timeout = opt->connect_timeout, .rate = opt->rate,
		.ops = &audit_ops, .ctx = &a,
	};
	int rc;

	memset(&a, 0, sizeof a);
	a.opt = opt;
	a.cap = opt->max_conns;
	a.tick.fn = on_tick;
	a.refresh_end.fn = on_refresh_end;
	a.pace.fn = on_pace;
	text_init(&a.text, stdout, opt->json, opt->quiet, ev_now());
	emit_init(&a.em);
	emit_attach(&a.em, &text_module, &a.text);
	if (opt->report)
		emit_attach(&a.em, &report_module, opt->report);
	a.progress = !opt->json && !opt->quiet && isatty(STDERR_FILENO);
	rc = engine_open(&a.e, &eo);
	if (rc != 0) {
		print_engine_error(&a.e, rc);
	} else {
		if (a.progress)
			evloop_arm(&a.e.loop, &a.tick, ev_now() + 1000000);
		rc = run_phases(&a);
		print_engine_failure(&a.e);
	}
	engine_close(&a.e);
	fflush(stdout);
	return rc;
}
