/* auditside.c - the idle search from the server's side (auditpriv.h):
 * where a proxy cuts the path in legs, the client's probes refresh and
 * measure the client's leg only, and the server's leg may forget an idle
 * flow sooner (or never).  kaprobe serve measures that leg with the same
 * search and schedule as the client's (tcp/idlesched.h), run alongside it:
 *
 *   open      a connection the client never probes nor writes to; it is
 *             proven by serve's greeting (which crossed both legs), and
 *             serve's idle clock starts at its last segment received, the
 *             ACK of that greeting;
 *   probe D   "IDLE you PORT D" to serve on a connection of its own (the
 *             measured flow stays silent): serve probes that flow once
 *             idle D, one round with retries;
 *   answer    "STATUS you PORT" once the round is due: answered, dead or
 *             reset, and the idle its first probe really left at.
 *
 * It runs only against serve, when arrival showed the path cut (a probe
 * kind answered by a middlebox and none arrived): elsewhere a probe and
 * its answer cross the same boxes both ways, and the client's search says
 * it all.
 */
#include "cmd/auditpriv.h"

#include "tcp/middlebox.h"

#include <stdio.h>
#include <string.h>

/* serve's STATUS a little after the round's last probe could be answered. */
#define SIDE_STATUS_SLACK_US 500000
/* A round still waiting is asked again this much later. */
#define SIDE_REPOLL_US 1000000
/* The greeting comes with the handshake's round trip through both legs. */
#define SIDE_GREET_US (3 * FAREND_GREETING_WAIT_US)
/* Connections that could not be measured before the search gives up. */
#define SIDE_MAX_FAILED 64

static struct task *task_of(struct audit *a, unsigned slot)
{
	return &a->task[a->side.slot_task[slot]];
}

/* The slot's task is over: its connection goes. */
static void slot_done(struct audit *a, struct sside *s)
{
	struct task *t = task_of(a, (unsigned)(s - a->side.slot));

	s->step = SS_DONE;
	if (t->c) {
		engine_release(&a->e, t->c);
		t->c = NULL;
	}
	t->done = true;
}

/* The search cannot go on: said, its connections closed, no finding. */
static void give_up(struct audit *a, const char *why)
{
	struct aside *sd = &a->side;
	char text[200];

	if (sd->refused)
		return;
	sd->refused = true;
	for (unsigned i = 0; i < sd->q.nslots; i++)
		if (sd->slot[i].step != SS_NONE && sd->slot[i].step != SS_DONE)
			slot_done(a, &sd->slot[i]);
	for (unsigned w = 0; w < SIDE_ASKERS; w++)
		farq_cancel(&sd->ask[w]);
	evloop_disarm(&a->e.loop, &sd->wake);
	snprintf(text, sizeof text, "no idle search from the server's side: %s", why);
	emit(&a->em, &(struct event){ .kind = EV_NOTICE, .t = ev_now(),
				      .u.notice = { "far-end", text } });
}

static void failed(struct audit *a, struct sside *s)
{
	slot_done(a, s);
	if (++a->side.discarded >= SIDE_MAX_FAILED)
		give_up(a, "too many of its connections could not be measured");
	else
		isched_failed(&a->side.q, (unsigned)(s - a->side.slot), ev_now());
}

static void pump(struct audit *a);

/* The search is over (found, or given up): the audit may end. */
static void over(struct audit *a)
{
	a->side.over = true;
	audit_idle_check(a);
	audit_done_check(a);
}

/* Carry out the schedule's orders (as audit.c's drain does). */
static void drain(struct audit *a)
{
	struct aside *sd = &a->side;
	struct isched_order o;

	if (sd->refused) {
		over(a);
		return;
	}
	isched_tick(&sd->q, ev_now());
	while (isched_order(&sd->q, &o)) {
		struct sside *s = &sd->slot[o.slot];
		struct task *t;

		if (o.verb == IS_OPEN) {
			if ((t = audit_new_task(a, T_SSLOT)) == NULL) {
				isched_failed(&sd->q, o.slot, ev_now());
				continue;
			}
			t->slot = o.slot;
			sd->slot_task[o.slot] = (unsigned)(t - a->task);
			*s = (struct sside){ .step = SS_OPENING, .since = ev_now() };
		} else if (s->step != SS_DONE && o.verb == IS_RELEASE) {
			slot_done(a, s);
		} else if (s->step == SS_IDLE && o.idle != KA_NEVER) {
			s->step = SS_ASK;
			s->idle = o.idle;
		}
	}
	if (sd->q.over && !sd->over)
		over(a);
	pump(a);
	audit_start_tasks(a);
}

static void on_wake(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	(void)tm; (void)now;
	drain(AUDIT_OF(loop, e.loop));
}

/* ---- starting, and the slots' connections -------------------------------------- */

static bool cut(const struct audit *a)
{
	bool box = false;

	for (unsigned i = 0; i < a->ntasks; i++) {
		const struct task *t = &a->task[i];

		if (t->kind != T_VARIANT || !t->far)
			continue;
		if (!t->far->told)
			return false;
		if (t->far->arrived)
			return false;
		box |= t->far->by_box;
	}
	return box;
}

bool audit_side_decided(const struct audit *a)
{
	if (a->serve <= 0)
		return a->serve < 0;
	for (unsigned i = 0; i < a->ntasks; i++)
		if (a->task[i].kind == T_VARIANT && a->task[i].far && !a->task[i].far->told)
			return false;
	return true;
}

void audit_side_start(struct audit *a)
{
	struct aside *sd = &a->side;
	struct isched_cfg cfg = { .b = { ENG_SETTLE_US, a->opt->max_idle, a->opt->resolution,
					 a->opt->res_permille }, .cap = a->cap };

	if (sd->running || a->serve != 1 || !audit_side_decided(a) || !cut(a))
		return;
	sd->running = true;
	sd->wake.fn = on_wake;
	sd->start = ev_now();
	isched_init(&sd->q, &cfg, sd->start);
	drain(a);
}

bool audit_side_busy(const struct audit *a)
{
	return a->side.running && !a->side.over;
}

void audit_side_connected(struct task *t, struct audit *a)
{
	memset(&a->side.slot[t->slot].greet, 0, sizeof a->side.slot[t->slot].greet);
	a->side.slot[t->slot].since = ev_now();
}

void audit_side_data(struct audit *a, struct task *t, const uint8_t *buf, size_t n)
{
	struct sside *s = &a->side.slot[t->slot];

	if (s->step != SS_OPENING || farend_greet_feed(&s->greet, buf, n) == 0)
		return;
	if (s->greet.state < 0) {
		failed(a, s);
	} else {
		s->step = SS_IDLE;
		s->proven = ev_now();
		a->taken++;
		isched_proven(&a->side.q, t->slot, s->proven);
	}
	drain(a);
}

/* The client's engine about a slot's connection: it never probes it, so
 * only its end counts. */
void audit_side_event(struct audit *a, struct task *t, const struct eng_event *ev)
{
	struct sside *s = &a->side.slot[t->slot];

	if (s->step == SS_DONE)
		return;
	if (ev->kind == ENG_CLOSED) {
		/* A proxy that closes idle connections closes both legs. */
		slot_done(a, s);
		isched_closed(&a->side.q, t->slot, ev->idle, ev_now());
	} else if (ev->kind == ENG_CONNECT_FAILED ||
		   (ev->kind == ENG_IGNORED && ev->cls == CL_SYN_AGAIN)) {
		failed(a, s);
	} else {
		return;
	}
	drain(a);
}

/* ---- the questions to serve --------------------------------------------------- */

static void on_answer(struct farq *q, const char *err, void *ctx);

static struct sside *asked_of(struct audit *a, const struct farq *q)
{
	return &a->side.slot[a->side.asker_slot[q - a->side.ask]];
}

/* serve's STATUS: the round answered (alive), dead or reset (not), or
 * still waiting (asked again); a flow closed before its round ended (or
 * a round serve does not tell) can tell nothing. */
static void on_status(struct audit *a, struct sside *s, const char *line)
{
	unsigned slot = (unsigned)(s - a->side.slot);
	ka_time idle;
	enum ctl_round r = ctl_parse_round(line, strlen(line), &idle);

	if (r == CTL_ROUND_WAITING && !strstr(line, " state=closed")) {
		s->step = SS_WAIT;
		s->due = ev_now() + SIDE_REPOLL_US;
		return;
	}
	if (r == CTL_ROUND_WAITING || r == CTL_ROUND_NONE) {
		failed(a, s);
		return;
	}
	slot_done(a, s);
	isched_measured(&a->side.q, slot, idle ? idle : s->idle, r == CTL_ROUND_ANSWERED,
			ev_now());
}

static void on_answer(struct farq *q, const char *err, void *ctx)
{
	struct audit *a = ctx;
	struct sside *s = asked_of(a, q);

	if (s->step == SS_ASKING && !err) {
		ka_time late = ev_now() - s->proven;

		s->step = SS_WAIT;
		s->due = s->proven + (late > s->idle ? late : s->idle) +
			 (CTL_IDLE_TRIES - 1) * ENG_PROBE_GAP_US + SIDE_STATUS_SLACK_US;
	} else if (s->step == SS_POLLING && !err) {
		on_status(a, s, q->line);
	} else if (s->step != SS_DONE) {
		/* serve refused (an older serve without IDLE, a flow gone) or
		 * did not answer: this connection can tell nothing. */
		if (err && strstr(err, "unknown request"))
			give_up(a, "kaprobe serve there does not know IDLE (an older version)");
		else
			failed(a, s);
	}
	drain(a);
}

static bool ask(struct audit *a, struct sside *s, unsigned w, enum ctl_verb verb)
{
	struct ctl_req r = { .verb = verb, .has_addr = true, .addr = s->greet.g.you,
			     .every = s->idle };

	if (farq_ask(&a->side.ask[w], &a->e.loop, &a->e.dest[0].tgt.addr, &r, on_answer, a) != 0)
		return false;
	a->side.asker_slot[w] = (unsigned)(s - a->side.slot);
	s->step = verb == CTL_IDLE ? SS_ASKING : SS_POLLING;
	return true;
}

/* Give waiting questions to free askers; a greeting that never came fails
 * its slot; the timer for the next due. */
static void pump(struct audit *a)
{
	struct aside *sd = &a->side;
	ka_time now = ev_now(), next = sd->q.over ? 0 : isched_wakeup(&sd->q);
	unsigned w = 0;

	for (unsigned i = 0; i < sd->q.nslots; i++) {
		struct sside *s = &sd->slot[i];
		ka_time due = s->step == SS_WAIT ? s->due : s->step == SS_OPENING
			      ? s->since + SIDE_GREET_US : s->step == SS_ASK ? now : 0;

		if (!due)
			continue;
		if (due > now) {
			next = next && next < due ? next : due;
			continue;
		}
		if (s->step == SS_OPENING) {
			failed(a, s);
			continue;
		}
		while (w < SIDE_ASKERS && farq_busy(&sd->ask[w]))
			w++;
		if (w == SIDE_ASKERS || sd->refused)
			continue;
		if (!ask(a, s, w, s->step == SS_ASK ? CTL_IDLE : CTL_STATUS))
			failed(a, s);
	}
	if (sd->refused)   /* given up in there: the next drain says it is over */
		next = now;
	if (next && next != KA_NEVER && !sd->over)
		evloop_arm(&a->e.loop, &sd->wake, next > now ? next : now + 1000);
}

/* ---- what it found ---------------------------------------------------------- */

void audit_side_emit_idle(struct audit *a)
{
	struct aside *sd = &a->side;
	struct ev_idle r = { .probe = variant_table[0].name, .alive_s = -1, .dead_s = -1,
			     .close_s = -1, .family = a->e.dest[0].tgt.addr.ss_family,
			     .discarded = sd->discarded, .from = "server" };

	audit_idle_fields(a, &sd->q, &r);
	emit(&a->em, &(struct event){ .kind = EV_IDLE, .t = ev_now(), .u.idle = r });
}

/* The server's leg keeps idle flows shorter than anything the client's
 * keep-alive reaches: its bound (0: none found). */
ka_time audit_side_bound(const struct audit *a)
{
	const struct isched *q = &a->side.q;

	if (!a->side.over || q->s.inconsistent || q->closed_at || !q->s.dead || !q->s.alive)
		return 0;
	return q->s.alive;
}
