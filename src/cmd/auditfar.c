/* auditfar.c - the audit against kaprobe serve (auditpriv.h): is the peer
 * serve, what it received of each probe kind, and the refresh tests that
 * need it (the flow kept busy from the server's side, or from both).
 *
 * The peer is serve when the first connection's first line is its
 * greeting (farend.h); nothing is ever sent to a peer that did not greet
 * (a stranger's audit is the same as before).  Questions about a
 * connection go on a connection of their own (farq_ask), so the one
 * measured stays as it was; requests that change what serve does (PROBE,
 * HEARTBEAT) go on the measured connection itself, once, right after the
 * greeting: the only data it carries.
 */
#include "cmd/auditpriv.h"

#include <stdio.h>
#include <string.h>

#include "util/exitcode.h"
#include "util/parse.h"

/* serve's records from more than this before a variant's first probe left
 * (on serve's clock, from the SYN) are none of its probes: the kernel's
 * own ACKs share a pure-ack's seq. */
#define FAR_SLACK_US 150000

void audit_far_attach(struct audit *a, struct task *t)
{
	if (a->nfar < MAX_FAR)
		t->far = &a->far[a->nfar++];
}

void audit_far_connected(struct task *t)
{
	memset(&t->far->greet, 0, sizeof t->far->greet);
	memset(&t->far->in, 0, sizeof t->far->in);
	t->far->nsent = t->far->answered = 0;
	t->far->accepted = 0;
	t->far->kept = t->far->requested = false;
}

/* ---- is the peer serve ------------------------------------------------------------- */

/* silent: nothing came within a->greet_waited (else another first line,
 * when not serve). */
static void decided(struct audit *a, bool serve, bool silent)
{
	char d[32];

	if (a->serve)
		return;
	a->serve = serve ? 1 : -1;
	evloop_disarm(&a->e.loop, &a->greet_wait);
	if (!serve && a->opt->far_end) {
		format_duration(a->greet_waited, d, sizeof d);
		engine_fail(&a->e, EXIT_NOCONNECT, "%s is not kaprobe serve (%s%s): --far-end "
			    "needs kaprobe serve at the far end", a->e.dest[0].dst_txt,
			    silent ? "no greeting within " : "its first line is no greeting",
			    silent ? d : "");
		return;
	}
	audit_far_arrivals(a);
	audit_far_late(a);
	audit_idle_check(a);
	audit_done_check(a);
}

static void on_greet_wait(struct evloop *loop, struct ev_timer *tm, ka_time now)
{
	(void)tm; (void)now;
	decided(AUDIT_OF(loop, e.loop), false, true);
}

/* ---- a refresh test's request ----------------------------------------------------- */

/* Right after the greeting: ask serve to keep the flow busy, or make the
 * client's heartbeat a line serve answers (its own STATUS). */
static void request(struct audit *a, struct task *t)
{
	struct tfar *f = t->far;
	struct ctl_req r = { .verb = t->heartbeat ? CTL_HEARTBEAT : CTL_PROBE,
			     .every = t->intvl };
	char line[CTL_LINE_MAX];
	size_t len;

	/* A greeting read before the capture saw the handshake: at READY. */
	if (t->kind != T_REFRESH || !t->late || f->requested || t->c->state != EC_READY)
		return;
	f->requested = true;
	if (t->from == RF_CLIENT) {   /* heartbeats from the client */
		r = (struct ctl_req){ .verb = CTL_STATUS, .has_addr = true, .addr = f->greet.g.you };
		len = ctl_format_request(&r, f->hb, sizeof f->hb);
		engine_heartbeat(&a->e, t->c, (const uint8_t *)f->hb, len);
		f->accepted = 1;
		return;
	}
	len = ctl_format_request(&r, line, sizeof line);
	if (engine_send(&a->e, t->c, line, len) != 0)
		f->accepted = -1;
}

void audit_far_ready(struct audit *a, struct task *t, ka_time now)
{
	if (!t->far)
		return;
	if (t->far->greet.state > 0)
		request(a, t);
	if (a->serve || a->greet_wait.slot)
		return;
	a->greet_wait.fn = on_greet_wait;
	a->greet_waited = farend_greeting_wait(t->c->created, now);
	evloop_arm(&a->e.loop, &a->greet_wait, now + a->greet_waited);
}

/* serve's answer to the request: OK, or the test cannot run. */
static void answer(struct audit *a, struct task *t, const uint8_t *buf, size_t n)
{
	struct tfar *f = t->far;
	size_t off = 0;

	while (f->accepted == 0 && off < n) {
		enum ctl_line kind;
		const char *line;
		size_t len;

		off += ctl_lines_feed(&f->in, (const char *)buf + off, n - off, &kind, &line, &len);
		if (kind == CTL_LINE_NONE)
			return;
		f->accepted = kind == CTL_LINE_OK && len >= 3 && memcmp(line, "OK ", 3) == 0 ? 1
			      : -1;
	}
	if (f->accepted < 0)
		audit_refresh_over(a, t, false);
}

void audit_far_data(struct engine *e, struct econn *c, const uint8_t *buf, size_t n,
		    void *ctx)
{
	struct audit *a = ctx;
	struct task *t = c->user;
	struct tfar *f;

	(void)e;
	if (t && !t->done && t->c == c && t->kind == T_SSLOT) {
		audit_side_data(a, t, buf, n);
		return;
	}
	if (!t || t->done || t->c != c || !(f = t->far))
		return;
	if (f->greet.state == 0) {
		/* serve sends nothing unasked after its greeting. */
		if (farend_greet_feed(&f->greet, buf, n) == 0)
			return;
		decided(a, f->greet.state > 0, false);
		if (f->greet.state > 0)
			request(a, t);
	} else if (f->greet.state > 0 && f->accepted == 0 && t->kind == T_REFRESH) {
		answer(a, t, buf, n);
	}
}

/* ---- arrival: what serve received of each probe kind ------------------------------- */

void audit_far_probe(struct task *t, const struct eng_event *ev)
{
	struct tfar *f = t->far;

	if (!f || t->kind != T_VARIANT || ev->err || f->nsent == TRIES)
		return;
	if (f->nsent == 0)
		f->after = ev->t - ev->c->created - FAR_SLACK_US;
	f->sent[f->nsent++] = *ev->probe;
}

/* Before the variant's connection closes: its ends and numbers. */
void audit_far_keep(struct task *t)
{
	struct tfar *f = t->far;
	const struct conn *k = &t->c->k;

	if (t->kind != T_VARIANT || f->greet.state <= 0)
		return;
	f->fl = (struct arr_flow){ .g = f->greet.g, .kernel_ttl = k->ttl, .by_seq = true,
				   .snd_nxt = k->flow.d[0].snd };
	f->fl.local = (struct ctl_addr){ .family = k->family, .port = k->lport };
	f->fl.remote = (struct ctl_addr){ .family = k->family, .port = k->rport };
	memcpy(f->fl.local.addr, k->laddr, 16);
	memcpy(f->fl.remote.addr, k->raddr, 16);
	f->kept = true;
}

static struct task *task_of_far(struct audit *a, const struct tfar *f)
{
	for (unsigned i = 0; i < a->ntasks; i++)
		if (a->task[i].far == f)
			return &a->task[i];
	return NULL;
}

/* One event per kind: arrived when any of its tries did; the changes of
 * the first that did; answered by the peer when the probe answered
 * arrived, by a box when it never did. */
static void say_arrival(struct audit *a, const struct task *t, struct tfar *f)
{
	struct arr_result res[TRIES];
	int first = -1;

	arrival_match(&f->fl, f->sent, f->nsent, f->q.seg, f->q.nseg, f->after, res);
	for (unsigned j = 0; j < f->nsent && first < 0; j++)
		if (res[j].arrived)
			first = (int)j;
	f->arrived = first >= 0;
	f->by_box = f->answered && f->answered <= f->nsent && !res[f->answered - 1].arrived;
	emit(&a->em, &(struct event){ .kind = EV_ARRIVAL, .t = ev_now(), .u.arrival = {
		.kind = t->variant->name, .tries = f->nsent, .arrived = first >= 0,
		.changed = first >= 0 ? res[first].changed : NULL,
		.nchanged = first >= 0 ? res[first].nchanged : 0,
		.answered_by = !f->answered || f->answered > f->nsent ? NULL
			       : res[f->answered - 1].arrived ? "peer" : "middlebox" } });
}

static void on_received(struct farq *q, const char *err, void *ctx)
{
	struct audit *a = ctx;
	struct tfar *f = (struct tfar *)((char *)q - offsetof(struct tfar, q));
	const struct task *t = task_of_far(a, f);
	char text[CTL_LINE_MAX + 80];

	f->told = true;
	if (err) {
		snprintf(text, sizeof text, "cannot ask kaprobe serve what it received of the %s "
			 "probe: %s", t->variant->name, err);
		emit(&a->em, &(struct event){ .kind = EV_NOTICE, .t = ev_now(),
					      .u.notice = { "far-end", text } });
	} else {
		say_arrival(a, t, f);
	}
	audit_far_arrivals(a);
	audit_done_check(a);
}

/* In the table's order, one at a time, so the events come in that order. */
void audit_far_arrivals(struct audit *a)
{
	if (a->serve != 1 || !a->variants_done)
		return;
	for (unsigned i = 0; i < a->ntasks; i++) {
		struct task *t = &a->task[i];
		struct tfar *f = t->far;
		struct ctl_req r = { .verb = CTL_RECEIVED, .has_addr = true };

		if (t->kind != T_VARIANT || !f || f->told)
			continue;
		if (farq_busy(&f->q))
			return;
		r.addr = f->fl.g.you;
		if (f->kept && f->nsent &&
		    farq_ask(&f->q, &a->e.loop, &a->e.dest[0].tgt.addr, &r, on_received, a) == 0)
			return;
		f->told = true;   /* it never greeted, or sent nothing: nothing to ask */
	}
	audit_side_start(a);
	audit_idle_check(a);
}

/* ---- refresh by side ------------------------------------------------------------- */

static void late_task(struct audit *a, enum refresh_from from, bool heartbeat, bool can)
{
	struct task *t = audit_new_task(a, T_REFRESH);

	if (!t)
		return;
	t->from = from;
	t->heartbeat = heartbeat;
	t->late = true;
	t->intvl = audit_refresh_intvl(a);
	audit_far_attach(a, t);
	t->done = !can || !t->far;   /* nothing to measure: said as skipped */
}

/* Started once the search knows the timeout, probing at the pace the
 * client's test has reached, which serve takes once and keeps: the
 * requests are the only data the connection carries. */
void audit_far_late(struct audit *a)
{
	bool can = (a->q.closed_at || a->q.s.dead) && !a->q.s.inconsistent;

	if (a->serve != 1 || !a->searched || a->late_started)
		return;
	a->late_started = true;
	late_task(a, RF_SERVER, false, can);
	late_task(a, RF_BOTH, false, can);
	if (!a->opt->heartbeat)
		late_task(a, RF_CLIENT, true, can);
	late_task(a, RF_SERVER, true, can);
	audit_start_tasks(a);
}

void audit_far_end(struct audit *a, struct task *t)
{
	t->ending = true;
	audit_configure(a, t, 1);   /* a keep-alive round now */
}

static void on_status(struct farq *q, const char *err, void *ctx)
{
	struct audit *a = ctx;
	struct tfar *f = (struct tfar *)((char *)q - offsetof(struct tfar, q));
	struct task *t = task_of_far(a, f);

	/* Without an answer, the client's probe says it alone. */
	audit_refresh_over(a, t, err || strstr(q->line, " state=open") != NULL);
}

void audit_far_status(struct audit *a, struct task *t)
{
	struct ctl_req r = { .verb = CTL_STATUS, .has_addr = true, .addr = t->far->greet.g.you };

	audit_configure(a, t, ENG_IDLE_NEVER);
	if (farq_busy(&t->far->q) ||
	    farq_ask(&t->far->q, &a->e.loop, &a->e.dest[0].tgt.addr, &r, on_status, a) != 0)
		audit_refresh_over(a, t, true);
}

bool audit_far_busy(const struct audit *a)
{
	if (a->serve == 0 && a->greet_wait.slot)
		return true;
	for (unsigned i = 0; i < a->nfar; i++)
		if (farq_busy(&a->far[i].q))
			return true;
	if (a->serve != 1)
		return false;
	for (unsigned i = 0; i < a->ntasks; i++)
		if (a->task[i].kind == T_VARIANT && a->task[i].far && !a->task[i].far->told)
			return true;
	return false;
}
