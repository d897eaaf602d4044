/* audit.c - `kaprobe audit HOST:PORT`: what the path between here and a
 * peer does to keep-alive probes, how long it keeps an idle flow, and who
 * ends it.
 *
 * A planner over the engine (engine.h).  Each question is a task, answered
 * by one real connection; a probe refreshes a middlebox's state, so a
 * connection answers one question only.  Three kinds run side by side from
 * the start, so that the audit takes about the path's own time:
 *
 *   variants      one task per probe kind (in the manner of zmap's probe
 *                 modules), probed once settled;
 *   idle timeout  the search and its schedule (tcp/idlesched.h): a pool of
 *                 idle connections of many ages, each asked whether a flow
 *                 idle as long as it is still alive, the ladder stopping at
 *                 the first confirmed death; or, when the peer closes idle
 *                 connections itself, the close timed from the last data;
 *   refresh       a connection probed every --intvl (by default half the
 *                 longest idle answered so far), and with --heartbeat one
 *                 sent that data instead, must outlive the timeout.
 *
 * Against kaprobe serve (auditfar.c), what serve received of each variant,
 * and once the search is over, refresh tests kept busy from serve's side.
 *
 * Measuring, not guessing:
 * - A connection proves itself before it counts: a probe right after
 *   settling is answered, and the idle is timed from that answer; and until
 *   its task is done the server must not send its SYN-ACK again (a server
 *   whose accept queue is full drops our last ACK and does).  One that
 *   fails is discarded, not a finding, but for a probe unanswered right
 *   after settling: that is a flow dead after ENG_SETTLE_US, the shortest
 *   idle the audit can measure.
 * - Every probe is a keep-alive round of the engine's machine: a lost
 *   answer is retried TRIES - 1 times, ENG_PROBE_GAP_US apart, inside the
 *   idle being measured.
 * - A close the peer sends on its own is a finding (an endpoint's or a
 *   proxy's idle timeout, which keep-alive cannot refresh), never a
 *   discarded connection.
 * - A server that takes few connections makes the search open fewer at
 *   once, and at one at a time, exit 3 with a clear line.
 */
#include "cmd/auditpriv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/engerr.h"
#include "report/report.h"
#include "tcp/middlebox.h"
#include "util/exitcode.h"
#include "util/parse.h"

static void drain(struct audit *a);

/* ---- tasks and connections ---------------------------------------------------------- */

/* Probe once idle this long, retrying a lost answer TRIES - 1 times.  On
 * a slow path the tries go a round trip further apart: a try's answer
 * would otherwise come after the next try, and count as a loss. */
void audit_configure(struct audit *a, struct task *t, ka_time idle)
{
	struct ka_config cfg = { .idle = idle, .intvl = ENG_PROBE_GAP_US + t->rtt,
				 .probes = TRIES };

	engine_configure(&a->e, t->c, &cfg);
}

struct task *audit_new_task(struct audit *a, enum task_kind kind)
{
	struct task *t;

	if (a->ntasks == MAX_TASKS)
		return NULL;
	t = &a->task[a->ntasks];
	*t = (struct task){ .kind = kind, .variant = a->search, .rep.kind = REPLY_PENDING };
	a->queue[(a->qhead + a->qlen++) % MAX_TASKS] = a->ntasks++;
	return t;
}

static bool everything_done(const struct audit *a)
{
	for (unsigned i = 0; i < a->ntasks; i++)
		if (!a->task[i].done)
			return false;
	return a->searched && !audit_far_busy(a) && !audit_side_busy(a);
}

void audit_done_check(struct audit *a)
{
	if (everything_done(a))
		engine_stop(&a->e, 0);
}

static void release(struct audit *a, struct task *t)
{
	if (t->c) {
		engine_release(&a->e, t->c);
		t->c = NULL;
	}
}

static void task_finish(struct audit *a, struct task *t)
{
	if (t->far)
		audit_far_keep(t);
	release(a, t);
	t->done = true;
	a->discards_row = 0;
	a->ok_since++;
	if (everything_done(a))
		engine_stop(&a->e, 0);
}

/* The connection cannot answer the task's question: the server did not
 * take it, or never answered it.  Another one will; a server that takes
 * few connections gets fewer at once. */
static void discard(struct audit *a, struct task *t, const char *why)
{
	release(a, t);
	t->proven = false;
	a->discarded++;
	a->discards_row++;
	if (++a->disc_since >= 3 && a->disc_since > a->ok_since) {
		a->cap = a->cap > 1 ? a->cap / 2 : 1;
		isched_set_cap(&a->q, a->cap);
		a->disc_since = a->ok_since = 0;
	}
	if (a->cap == 1 && a->discards_row >= DISCARDS_IN_ROW) {
		engine_fail(&a->e, EXIT_NOCONNECT, "audit: %s took only %u of %u connections "
			    "(last: %s): its listen backlog may be full; no finding can be made",
			    a->e.dest[0].dst_txt, a->taken, a->taken + a->discarded, why);
		return;
	}
	if (t->kind == T_SLOT) {
		t->done = true;
		isched_failed(&a->q, t->slot, ev_now());
		drain(a);
	} else {
		a->queue[(a->qhead + a->qlen++) % MAX_TASKS] = (unsigned)(t - a->task);
	}
	audit_start_tasks(a);
}

/* A refresh test ends: it died, or (survived) lasted long enough. */
void audit_refresh_over(struct audit *a, struct task *t, bool survived)
{
	t->survived = survived;
	t->ended_at = ev_now();
	task_finish(a, t);
}

/* Connections open at the probe rate, so that their probes, each due a
 * fixed time after its own handshake, do not queue behind each other and
 * leave late. */
void audit_start_tasks(struct audit *a)
{
	ka_time now = ev_now();

	while (a->qlen && !engine_stopped(&a->e)) {
		struct task *t = &a->task[a->queue[a->qhead]];
		/* The server's side search: the client never probes. */
		struct ka_config cfg = { .idle = t->kind == T_SSLOT ? ENG_IDLE_NEVER : ENG_SETTLE_US,
					 .intvl = ENG_PROBE_GAP_US, .probes = TRIES };

		if (t->done) {   /* released by the schedule while waiting */
			a->qhead = (a->qhead + 1) % MAX_TASKS;
			a->qlen--;
			continue;
		}
		if (!ev_pace_take(&a->pacer, now)) {
			if (!a->pace.slot)
				evloop_arm(&a->e.loop, &a->pace, a->pacer.at);
			return;
		}
		t->c = engine_connect(&a->e, 0, &cfg, t->variant->shape, t);
		if (!t->c) {
			engine_fail(&a->e, EXIT_NOCONNECT, "%s", a->e.err);
			return;
		}
		if (t->far)
			audit_far_connected(t);
		if (t->kind == T_SSLOT)
			audit_side_connected(t, a);
		if (t->heartbeat && t->from == RF_CLIENT && !t->late)
			engine_heartbeat(&a->e, t->c, a->opt->heartbeat, a->opt->heartbeat_len);
		a->qhead = (a->qhead + 1) % MAX_TASKS;
		a->qlen--;
	}
}

/* ---- the schedule's orders --------------------------------------------------------- */

static void on_order(struct audit *a, const struct isched_order *o)
{
	struct task *t;

	if (o->verb == IS_OPEN) {
		if ((t = audit_new_task(a, T_SLOT)) == NULL) {
			isched_failed(&a->q, o->slot, ev_now());
			return;
		}
		t->slot = o->slot;
		a->slot_task[o->slot] = (unsigned)(t - a->task);
		return;
	}
	t = &a->task[a->slot_task[o->slot]];
	if (t->done)
		return;
	if (o->verb == IS_RELEASE)
		task_finish(a, t);
	else if (t->c)
		audit_configure(a, t, o->idle == KA_NEVER ? ENG_IDLE_NEVER : o->idle);
}

/* The refresh tests probe at half the longest idle answered so far (never
 * at or past the timeout), unless --intvl says. */
static void refresh_pace(struct audit *a)
{
	ka_time alive = isched_alive(&a->q), intvl = alive / 2;

	if (a->opt->intvl || intvl <= ENG_PROBE_GAP_US)
		return;
	for (unsigned i = 0; i < a->ntasks; i++) {
		struct task *t = &a->task[i];

		if (t->kind == T_REFRESH && !t->done && t->proven && !t->late && intvl > t->intvl) {
			t->intvl = intvl;
			audit_configure(a, t, intvl);
		}
	}
}

/* Once the search is over, refresh tests that have lasted long enough end
 * (one still running survived; one that cannot tell, too), and the timer
 * waits for the next. */
void audit_refresh_check(struct audit *a)
{
	ka_time now = ev_now(), next = 0;

	for (unsigned i = 0; i < a->ntasks; i++) {
		struct task *t = &a->task[i];
		ka_time u;

		if (t->kind != T_REFRESH || t->done || t->ending || (t->late && !t->proven))
			continue;
		u = audit_refresh_until(a, t);
		if (u <= now && t->late && t->from == RF_SERVER && u)
			audit_far_end(a, t);
		else if (u <= now)
			audit_refresh_over(a, t, t->survived);
		else if (!next || u < next)
			next = u;
	}
	if (next)
		evloop_arm(&a->e.loop, &a->refresh_end, next);
}

/* The finding, once the variants' events are out (they come first) and
 * it is known whether the server's side is searched too: its finding
 * comes next, once over. */
void audit_idle_check(struct audit *a)
{
	if (a->searched && a->variants_done && !a->idle_told &&
	    (audit_side_decided(a) || a->final)) {
		a->idle_told = true;
		audit_emit_idle(a);
	}
	if (a->idle_told && a->side.over && !a->side.told) {
		a->side.told = true;
		if (!a->side.refused)
			audit_side_emit_idle(a);
	}
}

/* The search is over: the finding, and how long each refresh test must
 * still last. */
static void searched(struct audit *a)
{
	a->searched = true;
	audit_idle_check(a);
	audit_far_late(a);
	audit_refresh_check(a);
	audit_done_check(a);
}

/* Carry out what the schedule asks after each thing it was told. */
static void drain(struct audit *a)
{
	struct isched_order o;

	isched_tick(&a->q, ev_now());
	while (isched_order(&a->q, &o))
		on_order(a, &o);
	refresh_pace(a);
	if (a->q.over && !a->searched)
		searched(a);
	else if (!a->q.over)
		evloop_arm(&a->e.loop, &a->wake, isched_wakeup(&a->q));
	audit_start_tasks(a);
}

/* ---- what the connections tell ------------------------------------------------------- */

static void record_reply(struct task *t, const struct eng_event *ev, enum reply_kind kind)
{
	t->rep = (struct probe_reply){ .kind = kind, .ttl = ev->seg->ttl, .hops = ev->hops,
				       .ts = ev->seg->opt.has_ts, .by_peer = ev->by_peer };
	memcpy(t->rep.from, ev->seg->src, 16);
}

/* A measurement for the search: what its probes got, the measure event. */
static void measured(struct audit *a, struct task *t, bool alive, bool closed, ka_time idle)
{
	unsigned before = a->q.s.nmeas;
	bool remeasure = a->q.slot[t->slot].ask.remeasure;

	if (closed)
		isched_closed(&a->q, t->slot, idle, ev_now());
	else
		isched_measured(&a->q, t->slot, t->measured, alive, ev_now());
	if (a->q.s.nmeas > before) {
		a->reply[before] = t->rep;
		emit(&a->em, &(struct event){ .kind = EV_MEASURE, .t = ev_now(), .u.measure = {
			.idle_s = a->q.s.meas[before].idle / 1e6, .r = &t->rep,
			.round = a->q.s.round, .family = a->e.dest[0].tgt.addr.ss_family,
			.remeasure = remeasure } });
	}
	release(a, t);
	t->done = true;
	a->discards_row = 0;
	a->ok_since++;
	drain(a);
	if (everything_done(a))
		engine_stop(&a->e, 0);
}

/* The proof round was answered: from now on the connection measures. */
static void prove(struct audit *a, struct task *t, ka_time now)
{
	t->proven = true;
	a->taken++;
	if (t->kind == T_REFRESH) {
		t->proven_at = now;
		t->survived = true;
		if (!t->late)
			t->intvl = a->opt->intvl ? a->opt->intvl : ENG_PROBE_GAP_US;
		/* Where only serve keeps it busy, the client stays silent. */
		audit_configure(a, t, t->from == RF_SERVER ? ENG_IDLE_NEVER : t->intvl);
		refresh_pace(a);
		if (a->searched)
			audit_refresh_check(a);
	} else if (t->kind == T_SLOT) {
		audit_configure(a, t, ENG_IDLE_NEVER);
		isched_proven(&a->q, t->slot, now);
		drain(a);
	}
}

static void variants_check(struct audit *a);

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
	if (!t->proven && t->kind != T_VARIANT) {
		if (ack)
			prove(a, t, ev->t);
		else
			discard(a, t, "reset right after the handshake");
		return;
	}
	record_reply(t, ev, ack ? REPLY_ACK : REPLY_RST);
	t->tries = ev->out.n;
	if (t->far && t->kind == T_VARIANT)
		t->far->answered = ev->out.n;
	if (t->kind == T_VARIANT) {
		task_finish(a, t);
		variants_check(a);
	} else if (t->kind == T_REFRESH) {
		if (!ack || !ev->by_peer) {
			audit_refresh_over(a, t, false);
		} else {
			t->last_ok = ev->t;
			if (t->ending)
				audit_far_status(a, t);
		}
	} else {
		measured(a, t, ack && ev->by_peer, false, 0);
	}
}

static void on_verdict(struct audit *a, struct task *t)
{
	if (t->done || t->c->ka.verdict == KA_VERDICT_CLOSED)
		return;   /* ENG_CLOSED said it */
	if (t->rep.kind != REPLY_ICMP || !t->proven)
		t->rep = (struct probe_reply){ .kind = REPLY_NONE };
	t->tries = TRIES;
	if (t->kind == T_VARIANT) {
		t->proven = true;
		task_finish(a, t);
		variants_check(a);
	} else if (t->kind == T_REFRESH) {
		audit_refresh_over(a, t, false);
	} else {
		/* Unproven: no answer right after settling, a flow dead at
		 * the shortest idle the audit measures. */
		measured(a, t, false, false, 0);
	}
}

/* The peer closed the connection on its own: for the search a finding
 * (a death timed from the last data), for a refresh test the end. */
static void on_closed(struct audit *a, struct task *t, const struct eng_event *ev)
{
	record_reply(t, ev, ev->rst ? REPLY_RST : REPLY_FIN);
	t->tries = 0;
	if (t->kind == T_SLOT) {
		measured(a, t, false, true, ev->idle);
	} else if (t->kind == T_REFRESH) {
		audit_refresh_over(a, t, false);
	} else {
		task_finish(a, t);
		variants_check(a);
	}
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
	if (t->kind == T_SSLOT) {
		audit_side_event(a, t, ev);
		return;
	}
	switch (ev->kind) {
	case ENG_READY:
		t->rtt = farend_rtt(ev->c->created, ev->t);
		/* A variant's own probe is its proof: it goes out once the
		 * connection has settled without a SYN-ACK again, and on a
		 * slow path a round trip later still: a banner (serve's
		 * greeting) written at accept would be taken for its answer. */
		if (t->kind == T_VARIANT) {
			t->proven = true;
			a->taken++;
			audit_configure(a, t, ENG_SETTLE_US + t->rtt);
		}
		audit_far_ready(a, t, ev->t);
		break;
	case ENG_CONNECT_FAILED:
		on_connect_failed(a, t, ev);
		break;
	case ENG_PROBE:
		/* The idle a round measures is the one its first probe left
		 * at, a rate limit's delay included. */
		if (ev->c->ka.probes_out == 1)
			t->measured = ev->t - ev->c->ka.last_rx;
		audit_far_probe(t, ev);
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
		on_closed(a, t, ev);
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
	runout_flush(&((struct audit *)ctx)->out);
}

static const struct engine_ops audit_ops = { on_event, on_signal, on_flush, NULL };


static void on_pace(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	(void)loop; (void)now;
	audit_start_tasks(AUDIT_OF(tm, pace));
}

static void on_wake(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	(void)loop; (void)now;
	drain(AUDIT_OF(tm, wake));
}

static void on_refresh_end(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	(void)loop; (void)now;
	audit_refresh_check(AUDIT_OF(tm, refresh_end));
}

/* ---- progress ------------------------------------------------------------------------ */

/* On a terminal, one line that says what is being waited for, and when
 * the answer is due. */
static void on_tick(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	struct audit *a = AUDIT_OF(tm, tick);
	ka_time alive = isched_alive(&a->q), eta = isched_eta(&a->q, now);
	char al[32], de[32], in[32];

	evloop_arm(loop, tm, now + 1000000);
	if (outq_pending(&a->out.q))
		return;         /* a slow terminal: stderr would wait as stdout does */
	format_duration(alive, al, sizeof al);
	fprintf(stderr, "\r\033[K%u open; alive at %s", a->q.open, alive ? al : "none yet");
	if (a->q.s.dead) {
		format_duration(a->q.s.dead, de, sizeof de);
		fprintf(stderr, ", dead at %s", de);
	}
	if (a->searched) {
		fputs("; refresh test running", stderr);
	} else if (eta) {
		format_duration(eta > now ? eta - now : 0, in, sizeof in);
		fprintf(stderr, "; answer within %s", in);
	} else {
		fputs("; answer about 2 T + 30 s after the start, for a timeout T", stderr);
	}
}

/* ---- the parts ------------------------------------------------------------------------ */

/* The search and the refresh tests use the first standard kind the peer
 * answers (zero-length, Linux's, unless the path drops it), so they start
 * as soon as the variants say which: within a round trip of settling. */
static void search_check(struct audit *a)
{
	struct isched_cfg cfg = { .b = { ENG_SETTLE_US, a->opt->max_idle, a->opt->resolution,
					 a->opt->res_permille }, .cap = a->cap };
	bool pending = false;

	if (a->search)
		return;
	for (unsigned i = 0; i < a->ntasks && !a->search; i++) {
		const struct task *t = &a->task[i];

		if (t->kind != T_VARIANT || !t->variant->standard)
			continue;
		if (!t->done)
			pending = true;
		else if (!pending && t->rep.kind == REPLY_ACK && t->rep.by_peer)
			a->search = t->variant;
	}
	if (!a->search && pending)
		return;
	if (!a->search)
		a->search = &variant_table[0];   /* none answered: it finds that too */
	audit_new_task(a, T_REFRESH);
	if (a->opt->heartbeat)
		audit_new_task(a, T_REFRESH)->heartbeat = true;
	a->start = ev_now();
	isched_init(&a->q, &cfg, a->start);
	drain(a);
}

/* Every variant answered or not: their events, in the table's order. */
static void variants_check(struct audit *a)
{
	search_check(a);
	if (a->variants_done)
		return;
	for (unsigned i = 0; i < a->ntasks; i++)
		if (a->task[i].kind == T_VARIANT && !a->task[i].done)
			return;
	a->variants_done = true;
	for (unsigned i = 0; i < a->ntasks; i++) {
		const struct task *t = &a->task[i];

		if (t->kind == T_VARIANT)
			emit(&a->em, &(struct event){ .kind = EV_VARIANT, .t = ev_now(), .u.variant = {
				.name = t->variant->name, .r = &t->rep,
				.family = a->e.dest[0].tgt.addr.ss_family, .tries = t->tries } });
	}
	audit_idle_check(a);
	audit_far_arrivals(a);
}

static void start(struct audit *a)
{
	char src[64];

	addr_format(a->e.dest[0].tgt.addr.ss_family, a->e.dest[0].src.ss_family == AF_INET6
		    ? (const uint8_t *)&((struct sockaddr_in6 *)&a->e.dest[0].src)->sin6_addr
		    : (const uint8_t *)&((struct sockaddr_in *)&a->e.dest[0].src)->sin_addr,
		    src, sizeof src);
	emit(&a->em, &(struct event){ .kind = EV_AUDIT_START, .t = ev_now(), .u.start = {
		.dst = a->e.dest[0].dst_txt, .src = src, .iface = a->e.iface } });
	for (unsigned v = 0; v < variant_count; v++) {
		struct task *t = audit_new_task(a, T_VARIANT);

		t->variant = &variant_table[v];
		audit_far_attach(a, t);
	}
	audit_start_tasks(a);
}

static int summary(struct audit *a)
{
	bool standard_ok = true, refreshed = true;

	for (unsigned i = 0; i < a->ntasks; i++) {
		const struct task *t = &a->task[i];

		if (t->kind == T_VARIANT && t->variant->standard)
			standard_ok &= t->rep.kind == REPLY_ACK && t->rep.by_peer;
		if (t->kind == T_REFRESH && !t->heartbeat && t->from == RF_CLIENT &&
		    a->q.s.dead && !a->q.s.inconsistent)
			refreshed &= audit_refresh_outlived(a, t);
	}
	/* The server's leg, where searched, counts as the path does. */
	bool side_ok = !a->side.told || a->side.refused || !a->side.q.s.dead ||
		       a->side.q.s.dead >= RFC5382_IDLE_US;
	bool ok = standard_ok && a->rfc != 0 && refreshed && !a->q.s.inconsistent &&
		  !a->q.closed_at && side_ok;

	emit(&a->em, &(struct event){ .kind = EV_AUDIT_SUMMARY, .t = ev_now(), .u.audit = {
		.ok = ok, .closes = a->q.closed_at != 0, .ignored = a->e.ignored,
		.discarded = a->discarded, .taken = a->taken, .drops = runout_drops(&a->out),
		.loss_pct = a->answered_tries ? 100.0 * (a->answered_tries - a->answered_rounds)
						/ a->answered_tries : 0 } });
	return ok ? 0 : 1;
}

static int run(struct audit *a)
{
	start(a);
	engine_run(&a->e);
	a->final = true;
	if (a->progress)
		fputs("\r\033[K", stderr);
	if (a->e.status)
		return a->e.status;
	if (a->interrupted) {
		emit(&a->em, &(struct event){ .kind = EV_AUDIT_SUMMARY, .t = ev_now(), .u.audit = {
			.interrupted = true, .ignored = a->e.ignored, .discarded = a->discarded,
			.taken = a->taken, .drops = runout_drops(&a->out) } });
		return EXIT_INTERRUPTED;
	}
	audit_idle_check(a);
	audit_emit_refresh(a);
	audit_emit_advice(a);
	return summary(a);
}

int audit_run(const struct audit_opts *opt)
{
	static struct audit a;   /* tasks and measurements: not for the stack */
	struct engine_opts eo = {
		.target = opt->target, .family = opt->family, .iface = opt->iface,
		.user = opt->user, .connect_timeout = opt->connect_timeout, .rate = opt->rate,
		.ops = &audit_ops, .ctx = &a, .data = audit_far_data,
	};
	int rc;

	memset(&a, 0, sizeof a);
	a.opt = opt;
	a.cap = opt->max_conns;
	a.rfc = -1;
	a.tick.fn = on_tick;
	a.refresh_end.fn = on_refresh_end;
	a.pace.fn = on_pace;
	a.pacer.gap = 1000000 / opt->rate;
	a.wake.fn = on_wake;
	text_init(&a.text, stdout, opt->json, opt->quiet, ev_now());
	emit_init(&a.em);
	emit_attach(&a.em, &text_module, &a.text);
	if (opt->report)
		emit_attach(&a.em, &report_module, opt->report);
	a.progress = !opt->json && !opt->quiet && isatty(STDERR_FILENO);
	runout_init(&a.out);
	rc = engine_open(&a.e, &eo);
	if (rc != 0) {
		print_engine_error(&a.e, rc);
	} else {
		runout_open(&a.out, &a.text, &a.e);
		if (a.progress)
			evloop_arm(&a.e.loop, &a.tick, ev_now() + 1000000);
		rc = run(&a);
		print_engine_failure(&a.e);
	}
	runout_close(&a.out);
	rc = runout_status(&a.out, &a.e, rc);
	engine_close(&a.e);
	fflush(stdout);
	return rc;
}
