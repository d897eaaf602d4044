/* auditfind.c - what the audit found, as events: the idle timeout and
 * who ends an idle flow, the refresh tests, and the advice that fits the
 * killer (see auditpriv.h). */
#include "cmd/auditpriv.h"

#include "tcp/middlebox.h"
#include "tcp/profile.h"
#include "tcp/risk.h"
#include "tcp/swsettings.h"

/* The round trip the risk is figured with: the audit does not measure its
 * spread, and answers within the least interval (1 s) make it moot. */
#define RISK_RTT_S 0.1

static double loss_pct(const struct audit *a)
{
	return a->answered_tries ? 100.0 * (a->answered_tries - a->answered_rounds)
				   / a->answered_tries : 0;
}

/* The idle after which a flow is gone, on its own clock: a close from the
 * last data, a death from the proof's answer (0: none). */
static ka_time gone_after(const struct audit *a)
{
	return a->q.closed_at ? a->q.closed_at : a->q.s.dead;
}

/* What a search found, as an idle-timeout event's fields (the caller's
 * own filled beforehand): kind, bracket, agreement and RFC 5382's verdict
 * (1 met, 0 not, -1 unknown), which it returns. */
int audit_idle_fields(const struct audit *a, const struct isched *q, struct ev_idle *r)
{
	struct isched_finding f;
	ka_time gone;

	isched_finding(q, &f);
	gone = f.close ? f.close : f.f.dead;
	r->inconsistent = f.f.inconsistent;
	r->agree = f.f.agree;
	r->disagree = f.f.disagree;
	if (f.close) {
		r->kind = "endpoint-close";
		r->close_s = f.close / 1e6;
	} else if (f.f.dead) {
		r->kind = "state-expiry";
	}
	if (!r->inconsistent) {
		r->alive_s = f.f.alive ? f.f.alive / 1e6 : -1;
		r->dead_s = gone ? gone / 1e6 : -1;
	}
	/* RFC 5382 is about boxes that keep state (REQ-5): an endpoint's own
	 * close is not one of them. */
	r->rfc5382 = r->inconsistent || f.close ? -1 : f.f.alive >= RFC5382_IDLE_US ? 1
		     : f.f.dead && f.f.dead < RFC5382_IDLE_US ? 0
		     : a->opt->max_idle >= RFC5382_IDLE_US ? 1 : -1;
	return r->rfc5382;
}

void audit_emit_idle(struct audit *a)
{
	struct isched_finding f;
	struct ev_idle r = {
		.probe = a->search->name, .alive_s = -1, .dead_s = -1, .close_s = -1,
		.family = a->e.dest[0].tgt.addr.ss_family, .discarded = a->discarded,
		.loss_pct = loss_pct(a), .from = a->side.running ? "client" : NULL,
	};

	isched_finding(&a->q, &f);
	r.expired = f.f.expired >= 0 ? &a->reply[f.f.expired] : NULL;
	a->rfc = audit_idle_fields(a, &a->q, &r);
	emit(&a->em, &(struct event){ .kind = EV_IDLE, .t = ev_now(), .u.idle = r });
}

ka_time audit_refresh_until(const struct audit *a, const struct task *t)
{
	/* A probe (or heartbeat) answered after the timeout had passed since
	 * the connection's start says it outlived an unrefreshed flow; one
	 * comes at most every intvl, and its answer within a probe gap. */
	if (!gone_after(a) || a->q.s.inconsistent || !t->proven)
		return 0;
	return t->proven_at + gone_after(a) + t->intvl + ENG_PROBE_GAP_US;
}

bool audit_refresh_outlived(const struct audit *a, const struct task *t)
{
	return t->survived && t->last_ok > t->proven_at + gone_after(a);
}

ka_time audit_refresh_intvl(const struct audit *a)
{
	ka_time half = isched_alive(&a->q) / 2;

	return a->opt->intvl ? a->opt->intvl : half > ENG_PROBE_GAP_US ? half : ENG_PROBE_GAP_US;
}

static const char *refresh_skipped(const struct audit *a, const struct task *t)
{
	return t->far && t->far->accepted < 0 ? "kaprobe serve refused the request"
	       : a->q.s.inconsistent ? "the idle timeout was inconsistent"
	       : !gone_after(a) ? "no idle timeout within --max-idle"
	       : !t->proven ? "its connection never proved itself"
	       : t->intvl >= gone_after(a) ? "no interval below the timeout" : NULL;
}

void audit_emit_refresh(struct audit *a)
{
	for (unsigned i = 0; i < a->ntasks; i++) {
		const struct task *t = &a->task[i];
		static const char *const from[] = { [RF_CLIENT] = "client", [RF_SERVER] = "server",
						    [RF_BOTH] = "both" };
		struct ev_refresh r = { .from = from[t->from],
					.with = t->heartbeat ? "heartbeat" : "keepalive" };

		if (t->kind != T_REFRESH)
			continue;
		r.skipped = refresh_skipped(a, t);
		if (r.skipped) {
			r.survived = -1;
		} else {
			r.survived = audit_refresh_outlived(a, t);
			r.intvl_s = t->intvl / 1e6;
			r.duration_s = (t->ended_at - t->proven_at) / 1e6;
		}
		emit(&a->em, &(struct event){ .kind = EV_REFRESH, .t = ev_now(), .u.refresh = r });
	}
}

/* The heartbeat refresh test's verdict: 1 kept it, 0 did not, -1 none ran. */
static int heartbeat_kept(const struct audit *a)
{
	for (unsigned i = 0; i < a->ntasks; i++)
		if (a->task[i].kind == T_REFRESH && a->task[i].heartbeat &&
		    !refresh_skipped(a, &a->task[i]))
			return audit_refresh_outlived(a, &a->task[i]);
	return -1;
}

/* Against kaprobe serve: whose keep-alive (or heartbeats) kept the flow,
 * from the client's and the server's tests; NULL when both did not run. */
static const char *side(const struct audit *a, bool heartbeat)
{
	int cl = -1, sv = -1;

	for (unsigned i = 0; i < a->ntasks; i++) {
		const struct task *t = &a->task[i];

		if (t->kind != T_REFRESH || t->heartbeat != heartbeat || refresh_skipped(a, t))
			continue;
		if (t->from == RF_CLIENT)
			cl = audit_refresh_outlived(a, t);
		else if (t->from == RF_SERVER)
			sv = audit_refresh_outlived(a, t);
	}
	if (cl < 0 || sv < 0)
		return NULL;
	return cl && sv ? "either" : cl ? "client" : sv ? "server" : "none";
}

/* An endpoint closes idle connections: keep-alive cannot help, data can. */
static void advise_heartbeat(struct audit *a)
{
	double close_s = a->q.closed_at / 1e6;
	int kept = heartbeat_kept(a);
	struct sw_values v;
	bool given = a->opt->heartbeat;   /* else serve's own line, against serve */

	sw_for_close(close_s, &v);
	emit(&a->em, &(struct event){ .kind = EV_ADVICE, .t = ev_now(), .u.advice = {
		.heartbeat_s = v.heartbeat_s, .close_s = close_s, .sw = a->opt->sw,
		.note = kept == 1 ? given ? "the --heartbeat data kept the connection open"
					  : "heartbeats from the client kept the connection open"
			: kept == 0 ? given ? "the --heartbeat data did NOT keep the connection "
					      "open: the peer may not count it, or closes anyway"
					    : "heartbeats from the client did NOT keep the "
					      "connection open"
			: NULL, .side = side(a, true) } });
}

/* The risk of a false death with v's values under the loss measured (as
 * independent losses), into r; with --budget, v's interval and probes
 * picked by it first (tcp/risk.h).  None when nearly everything was lost. */
static void advice_risk(const struct audit *a, double alive_s, struct sw_values *v,
			struct ev_risk *r)
{
	double loss = loss_pct(a) / 100;
	struct risk_path rp = { loss, 1 / (1 - loss), 1, RISK_RTT_S, 0 };
	struct risk_settings s = { (double)v->time_s, (double)v->intvl_s, (unsigned)v->probes };
	double budget = a->opt->budget > 0 ? a->opt->budget : RISK_DEFAULT_BUDGET;

	if (loss >= 0.99)
		return;
	if (a->opt->budget > 0) {
		risk_pick(&rp, s.idle_s, alive_s, budget, &s);
		v->intvl_s = (long)s.intvl_s;
		v->probes = s.probes;
	}
	*r = (struct ev_risk){ .on = true, .picked = a->opt->budget > 0, .day = risk_day(&rp, &s),
			       .budget = budget, .detect_s = risk_detect_s(&s), .loss = loss,
			       .burst = rp.burst, .rtt_s = RISK_RTT_S };
	r->within = r->day <= budget;
}

/* The server's leg forgets idle flows sooner than anything the client's
 * keep-alive reaches (it stops at the proxy): serve's host must send it,
 * under that leg's bound. */
static void advise_server_leg(struct audit *a)
{
	struct sw_values v = { LINUX_KEEPALIVE_TIME_S, LINUX_KEEPALIVE_INTVL_S,
			       LINUX_KEEPALIVE_PROBES, LINUX_KEEPALIVE_TIME_S, false };
	ka_time bound = audit_side_bound(a);

	if (!bound)
		return;
	sw_for_expiry((double)(bound / 1000000), &v);
	emit(&a->em, &(struct event){ .kind = EV_ADVICE, .t = ev_now(), .u.advice = {
		.time_s = v.time_s, .intvl_s = v.intvl_s, .probes = v.probes, .sw = a->opt->sw,
		.side = "server", .leg_dead_s = a->side.q.s.dead / 1e6 } });
}

/* tcp_keepalive_* for hosts behind this path.  With a timeout found, the
 * first probe and every next one must come before the flow expires, so
 * time and interval stay under the longest idle still answered; Linux's
 * defaults otherwise, which RFC 5382 paths keep. */
static void advise_client(struct audit *a)
{
	struct sw_values v = { LINUX_KEEPALIVE_TIME_S, LINUX_KEEPALIVE_INTVL_S,
			       LINUX_KEEPALIVE_PROBES, LINUX_KEEPALIVE_TIME_S, false };
	ka_time alive = a->q.s.alive, dead = a->q.s.dead;
	struct ev_risk risk = { 0 };
	bool leg;

	if (a->q.closed_at) {
		advise_heartbeat(a);
		return;
	}
	if (dead && !alive) {
		emit(&a->em, &(struct event){ .kind = EV_ADVICE, .t = ev_now(), .u.advice = {
			.time_s = v.time_s, .intvl_s = v.intvl_s, .probes = v.probes,
			.note = "no idle connection was answered at all: no keep-alive setting "
				"keeps flows on this path", .sw = a->opt->sw } });
		return;
	}
	if (dead && !a->q.s.inconsistent) {
		sw_for_expiry((double)(alive / 1000000), &v);
		advice_risk(a, alive / 1e6, &v, &risk);
	}
	/* Both legs forget idle flows: each side's keep-alive for its own. */
	leg = dead && !a->q.s.inconsistent && audit_side_bound(a);
	emit(&a->em, &(struct event){ .kind = EV_ADVICE, .t = ev_now(), .u.advice = {
		.time_s = v.time_s, .intvl_s = v.intvl_s, .probes = v.probes, .sw = a->opt->sw,
		.risk = risk, .side = leg ? "client" : side(a, false),
		.leg_dead_s = leg ? dead / 1e6 : 0 } });
}

void audit_emit_advice(struct audit *a)
{
	advise_client(a);
	advise_server_leg(a);
}
