/* text_audit.c - the audit's events in their two forms, each kind's human
 * form next to its JSON form. */
#include "emit/textpriv.h"

#include <string.h>

#include "net/target.h"

/* A JSON member that is true, false, or null (v = 1, 0, -1). */
static void json_tristate(struct text *tx, const char *k, size_t kn, int v)
{
	ob_mem(&tx->ob, k, kn);
	ob_str(&tx->ob, v > 0 ? "true" : v == 0 ? "false" : "null");
}

/* Seconds with 3 decimals, or null when v < 0. */
static void json_secs_or_null(struct text *tx, const char *k, size_t kn, double v)
{
	if (v >= 0)
		json_secs(tx, k, kn, v);
	else
		json_null(tx, k, kn);
}

static bool replied(const struct probe_reply *r)
{
	return r && r->kind != REPLY_NONE && r->kind != REPLY_PENDING;
}

/* "by", "hops", "from" and "ttl" of a reply; nulls when nothing came. */
static void json_who(struct text *tx, const struct probe_reply *r, int family)
{
	char from[64];

	if (!replied(r)) {
		ob_str(&tx->ob, ",\"by\":null,\"hops\":null,\"from\":null,\"ttl\":null");
		return;
	}
	addr_format(family, r->from, from, sizeof from);
	json_str(tx, KEY("by"), r->by_peer ? "peer" : "middlebox");
	json_int(tx, KEY("hops"), r->hops);
	json_str(tx, KEY("from"), from);
	json_int(tx, KEY("ttl"), r->ttl);
}

static void human_who(struct text *tx, const struct probe_reply *r, int family)
{
	char from[64];

	if (!replied(r)) {
		ob_char(&tx->ob, '-');
		return;
	}
	addr_format(family, r->from, from, sizeof from);
	ob_str(&tx->ob, r->by_peer ? "peer " : "middlebox ");
	ob_str(&tx->ob, from);
	ob_str(&tx->ob, ", ");
	ob_i64(&tx->ob, r->hops);
	ob_str(&tx->ob, r->hops == 1 ? " hop" : " hops");
	ob_str(&tx->ob, " away (ttl ");
	ob_i64(&tx->ob, r->ttl);
	ob_char(&tx->ob, ')');
}

/* JSON has no heading (text.c's table): every finding names what it is. */
void audit_start_human(struct text *tx, const struct event *ev)
{
	const struct ev_start *s = &ev->u.start;

	ob_str(&tx->ob, "AUDIT ");
	ob_str(&tx->ob, s->dst);
	ob_str(&tx->ob, " from ");
	ob_str(&tx->ob, s->src);
	ob_str(&tx->ob, " via ");
	ob_str(&tx->ob, s->iface);
	ob_char(&tx->ob, '\n');
	ob_pad(&tx->ob, "probe", 16);
	ob_char(&tx->ob, ' ');
	ob_pad(&tx->ob, "reply", 6);
	ob_str(&tx->ob, " from\n");
}

void variant_human(struct text *tx, const struct event *ev)
{
	const struct ev_variant *v = &ev->u.variant;

	ob_pad(&tx->ob, v->name, 16);
	ob_char(&tx->ob, ' ');
	ob_pad(&tx->ob, reply_name(v->r->kind), 6);
	ob_char(&tx->ob, ' ');
	human_who(tx, v->r, v->family);
	ob_str(&tx->ob, " [");
	human_count(tx, v->tries, "probe");
	ob_str(&tx->ob, "]\n");
}

void variant_json(struct text *tx, const struct event *ev)
{
	const struct ev_variant *v = &ev->u.variant;

	json_head(tx, "variant", ev);
	json_str(tx, KEY("name"), v->name);
	json_str(tx, KEY("reply"), reply_name(v->r->kind));
	json_who(tx, v->r, v->family);
	json_u64(tx, KEY("tries"), v->tries);
	json_end(tx);
}

/* People read the bracket (idle_human): measurements are JSON only. */
void measure_json(struct text *tx, const struct event *ev)
{
	const struct ev_measure *m = &ev->u.measure;

	json_head(tx, "measure", ev);
	json_secs(tx, KEY("idle_s"), m->idle_s);
	json_str(tx, KEY("reply"), reply_name(m->r->kind));
	json_who(tx, m->r, m->family);
	json_u64(tx, KEY("round"), m->round);
	json_bool(tx, KEY("remeasure"), m->remeasure);
	json_end(tx);
}

/* The finding's first words, up to the RFC 5382 verdict. */
static void human_idle_bracket(struct text *tx, const struct ev_idle *r)
{
	ob_str(&tx->ob, "idle timeout ");
	if (r->from) {
		ob_str(&tx->ob, "of the ");
		ob_str(&tx->ob, r->from);
		ob_str(&tx->ob, "'s leg, probed from the ");
		ob_str(&tx->ob, r->from);
		ob_char(&tx->ob, ' ');
	}
	ob_char(&tx->ob, '(');
	ob_str(&tx->ob, r->probe);
	if (r->inconsistent) {
		ob_str(&tx->ob, " probes): INCONSISTENT: flows died at some idle times and lived "
		       "at longer ones, also when measured again");
		return;
	}
	if (r->dead_s < 0) {
		ob_str(&tx->ob, " probes): none up to ");
		ob_double(&tx->ob, r->alive_s, 3);
		ob_str(&tx->ob, " s idle");
		return;
	}
	if (r->close_s >= 0) {
		ob_str(&tx->ob, " probes): the peer CLOSES connections idle for ");
		ob_double(&tx->ob, r->close_s, 3);
		ob_str(&tx->ob, " s (a ");
		ob_str(&tx->ob, r->expired && r->expired->kind == REPLY_RST ? "RST" : "FIN");
		ob_str(&tx->ob, " from ");
		human_who(tx, r->expired, r->family);
		ob_str(&tx->ob, "), timed from the last data; probes were answered up to ");
		ob_double(&tx->ob, r->alive_s > 0 ? r->alive_s : 0, 3);
		ob_str(&tx->ob, " s.  An endpoint's or proxy's own idle timeout: keep-alive "
		       "probes carry no data and cannot reset it");
		return;
	}
	if (r->alive_s < 0) {
		ob_str(&tx->ob, " probes): no idle was answered, not even ");
		ob_double(&tx->ob, r->dead_s, 3);
		ob_str(&tx->ob, " s");
	} else {
		ob_str(&tx->ob, " probes): answered after ");
		ob_double(&tx->ob, r->alive_s, 3);
		ob_str(&tx->ob, " s idle, not after ");
		ob_double(&tx->ob, r->dead_s, 3);
		ob_str(&tx->ob, " s");
	}
	if (r->expired) {
		ob_str(&tx->ob, " (expired flows got: ");
		ob_str(&tx->ob, reply_name(r->expired->kind));
		ob_str(&tx->ob, ", from ");
		human_who(tx, r->expired, r->family);
		ob_char(&tx->ob, ')');
	}
}

void json_consistent(struct text *tx, const struct fingerprint *const *fp, size_t n)
{
	ob_str(&tx->ob, ",\"consistent_with\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_char(&tx->ob, ',');
		ob_char(&tx->ob, '"');
		ob_str(&tx->ob, fp[i]->name);
		ob_char(&tx->ob, '"');
	}
	ob_char(&tx->ob, ']');
}

void human_consistent(struct text *tx, const struct fingerprint *const *fp, size_t n)
{
	ob_str(&tx->ob, n ? "  consistent with: " : "  consistent with no documented default "
	       "(docs/fingerprints.md)");
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_str(&tx->ob, ", ");
		ob_str(&tx->ob, fp[i]->name);
		ob_str(&tx->ob, " (");
		ob_str(&tx->ob, fp[i]->product);
		ob_char(&tx->ob, ')');
	}
	ob_char(&tx->ob, '\n');
}

void idle_human(struct text *tx, const struct event *ev)
{
	const struct ev_idle *r = &ev->u.idle;
	const struct fingerprint *fp[FP_MAX_MATCH];

	human_idle_bracket(tx, r);
	ob_str(&tx->ob, "; RFC 5382 (2h4m or more): ");
	ob_str(&tx->ob, r->rfc5382 > 0 ? "met" : r->rfc5382 == 0 ? "NOT met"
	       : r->close_s >= 0 ? "not a middlebox's timeout" : "not tested that long");
	ob_str(&tx->ob, "\n  ");
	human_count(tx, r->agree, "connection");
	ob_str(&tx->ob, " agree, ");
	ob_u64(&tx->ob, r->disagree);
	ob_str(&tx->ob, " disagree; ");
	ob_u64(&tx->ob, r->discarded);
	ob_str(&tx->ob, " discarded; ");
	ob_double(&tx->ob, r->loss_pct, 1);
	ob_str(&tx->ob, "% of answers needed a retry\n");
	if (!r->inconsistent && r->dead_s >= 0)
		human_consistent(tx, fp, consistent_idle(r, fp));
}

void idle_json(struct text *tx, const struct event *ev)
{
	const struct ev_idle *r = &ev->u.idle;
	const struct fingerprint *fp[FP_MAX_MATCH];

	json_head(tx, "idle-timeout", ev);
	if (r->from)
		json_str(tx, KEY("side"), r->from);
	json_str(tx, KEY("probe"), r->probe);
	if (r->kind && !r->inconsistent)
		json_str(tx, KEY("kind"), r->kind);
	else
		json_null(tx, KEY("kind"));
	json_secs_or_null(tx, KEY("alive_s"), r->alive_s);
	json_secs_or_null(tx, KEY("dead_s"), r->dead_s);
	json_secs_or_null(tx, KEY("close_s"), r->close_s);
	json_tristate(tx, KEY("rfc5382"), r->rfc5382);
	if (r->expired && r->dead_s >= 0) {
		json_str(tx, KEY("expired_reply"), reply_name(r->expired->kind));
		json_who(tx, r->expired, r->family);
	} else {
		ob_str(&tx->ob, ",\"expired_reply\":null,\"by\":null,\"hops\":null,\"from\":null,"
		       "\"ttl\":null");
	}
	json_u64(tx, KEY("agree"), r->agree);
	json_u64(tx, KEY("disagree"), r->disagree);
	json_u64(tx, KEY("discarded"), r->discarded);
	ob_mem(&tx->ob, KEY("loss_pct"));
	ob_double(&tx->ob, r->loss_pct, 1);
	json_bool(tx, KEY("inconsistent"), r->inconsistent);
	json_consistent(tx, fp, consistent_idle(r, fp));
	json_end(tx);
}

void refresh_human(struct text *tx, const struct event *ev)
{
	const struct ev_refresh *r = &ev->u.refresh;

	bool hb = r->with[0] == 'h';

	ob_str(&tx->ob, hb ? "refresh with heartbeats" : "refresh with keep-alive");
	if (strcmp(r->from, "client") != 0) {   /* the client's: as before serve */
		ob_str(&tx->ob, strcmp(r->from, "both") == 0 ? " from both sides" : " from the ");
		if (strcmp(r->from, "both") != 0)
			ob_str(&tx->ob, r->from);
	}
	ob_str(&tx->ob, ": ");
	if (r->skipped) {
		ob_str(&tx->ob, "not tested (");
		ob_str(&tx->ob, r->skipped);
		ob_str(&tx->ob, ")\n");
		return;
	}
	ob_str(&tx->ob, hb ? "sending data every " : "probing every ");
	ob_double(&tx->ob, r->intvl_s, 3);
	ob_str(&tx->ob, r->survived ? " s kept" : " s did NOT keep");
	ob_str(&tx->ob, " the flow alive for ");
	ob_double(&tx->ob, r->duration_s, 3);
	ob_str(&tx->ob, " s\n");
}

void refresh_json(struct text *tx, const struct event *ev)
{
	const struct ev_refresh *r = &ev->u.refresh;

	json_head(tx, "refresh", ev);
	json_str(tx, KEY("from"), r->from);
	json_str(tx, KEY("with"), r->with);
	json_tristate(tx, KEY("survived"), r->survived);
	if (r->skipped) {
		json_str(tx, KEY("skipped"), r->skipped);
	} else {
		json_secs(tx, KEY("intvl_s"), r->intvl_s);
		json_secs(tx, KEY("duration_s"), r->duration_s);
	}
	json_end(tx);
}

/* The three settings as sysctl or setsockopt lines: pre, then the name
 * (names[i]), then mid, the value and post, for each. */
static void advice_lines(struct text *tx, const char *pre, const char *const names[3],
			 const char *mid, const long v[3], const char *post, const char *sep)
{
	for (int i = 0; i < 3; i++) {
		if (i)
			ob_str(&tx->ob, sep);
		ob_str(&tx->ob, pre);
		ob_str(&tx->ob, names[i]);
		ob_str(&tx->ob, mid);
		ob_i64(&tx->ob, v[i]);
		ob_str(&tx->ob, post);
	}
}

static const char *const sysctls[3] = { "time", "intvl", "probes" };
static const char *const sockopts[3] = { "KEEPIDLE", "KEEPINTVL", "KEEPCNT" };

/* The advice for a peer that closes idle connections itself. */
static void heartbeat_human(struct text *tx, const struct ev_advice *a)
{
	ob_str(&tx->ob, "advice: the peer closes connections after ");
	ob_double(&tx->ob, a->close_s, 3);
	ob_str(&tx->ob, " s without data.  No keep-alive setting prevents that (probes carry "
	       "no data):\n  the application must send data (a heartbeat: a PING, an "
	       "HTTP/2 or gRPC ping, a no-op query) at least every ");
	ob_double(&tx->ob, a->heartbeat_s, 1);
	ob_str(&tx->ob, " s, or the peer's timeout be raised");
	if (a->note) {
		ob_str(&tx->ob, ";\n  ");
		ob_str(&tx->ob, a->note);
	}
	ob_str(&tx->ob, "\n");
}

/* A small chance as JSON can read it: 3 significant digits. */
static void put_sci(struct text *tx, double v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%.3g", v);
	ob_str(&tx->ob, buf);
}

/* The trade-off the risk's values make, in one line. */
static const char *trade_off(const struct ev_risk *r)
{
	if (!r->picked)
		return r->within ? "within the budget; --budget picks the settings that see a "
				   "death soonest within it"
				 : "over the budget; --budget picks settings within it, if any";
	return r->within ? "fewer probes or a shorter interval would see a death sooner but "
			   "cross the budget; more would stay within it and see it later"
			 : "no setting below the timeout is within the budget, these are the least "
			   "risky: only less loss or a longer timeout can do better";
}

/* The advice's risk: the path it was figured for, the figure, and the
 * trade-off. */
static void risk_human(struct text *tx, const struct ev_advice *a)
{
	char buf[200];

	snprintf(buf, sizeof buf, "  risk, with %.1f%% loss in bursts of %.1f, RTT %.0f ms: "
		 "the chance a live connection is declared dead is %.3g per connection-day "
		 "(budget %.3g); ", a->risk.loss * 100, a->risk.burst, a->risk.rtt_s * 1000,
		 a->risk.day, a->risk.budget);
	ob_str(&tx->ob, buf);
	snprintf(buf, sizeof buf, "a dead peer is seen %.0f s after the last data\n",
		 a->risk.detect_s);
	ob_str(&tx->ob, buf);
	ob_str(&tx->ob, "  trade-off: ");
	ob_str(&tx->ob, trade_off(&a->risk));
	ob_char(&tx->ob, '\n');
}

/* Against kaprobe serve: which side must send it. */
static void side_human(struct text *tx, const struct ev_advice *a)
{
	bool hb = a->heartbeat_s > 0;
	char buf[320];

	if (a->side && a->leg_dead_s > 0) {
		snprintf(buf, sizeof buf, "advice: a proxy cuts the path in legs, and the %s's leg "
			 "forgets idle flows after %.3f s: keep-alive must come from the %s, "
			 "starting below that%s\n", a->side, a->leg_dead_s, a->side,
			 strcmp(a->side, "server") == 0 ? " (PostgreSQL tcp_keepalives_idle, redis "
			 "tcp-keepalive): the client's stops at the proxy" : "");
		ob_str(&tx->ob, buf);
		return;
	}
	if (!a->side)
		return;
	ob_str(&tx->ob, hb ? "advice: heartbeats" : "advice: keep-alive");
	if (strcmp(a->side, "either") == 0)
		ob_str(&tx->ob, hb ? " from either side keep the path (both were tested)\n"
		       : " from either side keeps the path (both were tested)\n");
	else if (strcmp(a->side, "none") == 0)
		ob_str(&tx->ob, " from neither side kept the path\n");
	else {
		ob_str(&tx->ob, " must come from the ");
		ob_str(&tx->ob, a->side);
		ob_str(&tx->ob, strcmp(a->side, "client") == 0
		       ? ": the server's does not refresh the path (it stops at a box on the way)\n"
		       : ": the client's does not refresh the path\n");
	}
}

void advice_human(struct text *tx, const struct event *ev)
{
	const struct ev_advice *a = &ev->u.advice;
	const long v[3] = { a->time_s, a->intvl_s, a->probes };

	side_human(tx, a);
	if (a->heartbeat_s > 0) {
		heartbeat_human(tx, a);
		software_human(tx, a);
		return;
	}
	if (a->note) {
		ob_str(&tx->ob, "advice: ");
		ob_str(&tx->ob, a->note);
		ob_str(&tx->ob, "; Linux's defaults for the record:\n");
	}
	if (a->side && a->leg_dead_s > 0) {
		ob_str(&tx->ob, "advice, for the ");
		ob_str(&tx->ob, a->side);
		ob_str(&tx->ob, "'s host:\n");
	} else {
		ob_str(&tx->ob, "advice, for hosts behind this path:\n");
	}
	advice_lines(tx, "    sysctl -w net.ipv4.tcp_keepalive_", sysctls, "=", v, "\n", "");
	ob_str(&tx->ob, "  or per socket, after setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, "
	       "&(int){1}, sizeof(int)):\n");
	advice_lines(tx, "    setsockopt(fd, IPPROTO_TCP, TCP_", sockopts, ", &(int){", v,
		     "}, sizeof(int));\n", "");
	if (a->risk.on)
		risk_human(tx, a);
	software_human(tx, a);
}

void advice_json(struct text *tx, const struct event *ev)
{
	const struct ev_advice *a = &ev->u.advice;
	const long v[3] = { a->time_s, a->intvl_s, a->probes };

	json_head(tx, "advice", ev);
	if (a->note)
		json_str(tx, KEY("note"), a->note);
	if (a->side)
		json_str(tx, KEY("side"), a->side);
	if (a->leg_dead_s > 0)
		json_secs(tx, KEY("leg_dead_s"), a->leg_dead_s);
	if (a->heartbeat_s > 0) {
		json_str(tx, KEY("kind"), "heartbeat");
		json_secs(tx, KEY("heartbeat_s"), a->heartbeat_s);
		json_secs(tx, KEY("close_s"), a->close_s);
		software_json(tx, a);
		json_end(tx);
		return;
	}
	json_str(tx, KEY("kind"), "keepalive");
	json_int(tx, KEY("tcp_keepalive_time"), a->time_s);
	json_int(tx, KEY("tcp_keepalive_intvl"), a->intvl_s);
	json_int(tx, KEY("tcp_keepalive_probes"), a->probes);
	ob_str(&tx->ob, ",\"sysctl\":[");
	advice_lines(tx, "\"sysctl -w net.ipv4.tcp_keepalive_", sysctls, "=", v, "\"", ",");
	ob_str(&tx->ob, "],\"setsockopt\":[");
	advice_lines(tx, "\"setsockopt(fd, IPPROTO_TCP, TCP_", sockopts, ", &(int){", v,
		     "}, sizeof(int))\"", ",");
	ob_char(&tx->ob, ']');
	if (a->risk.on) {
		ob_str(&tx->ob, ",\"risk\":{\"false_deaths_per_day\":");
		put_sci(tx, a->risk.day);
		ob_str(&tx->ob, ",\"budget\":");
		put_sci(tx, a->risk.budget);
		json_bool(tx, KEY("within_budget"), a->risk.within);
		json_bool(tx, KEY("picked"), a->risk.picked);
		json_secs(tx, KEY("detect_s"), a->risk.detect_s);
		ob_mem(&tx->ob, KEY("loss"));
		put_sci(tx, a->risk.loss);
		json_secs(tx, KEY("burst"), a->risk.burst);
		json_secs(tx, KEY("rtt_s"), a->risk.rtt_s);
		ob_char(&tx->ob, '}');
	}
	software_json(tx, a);
	json_end(tx);
}

void audit_summary_human(struct text *tx, const struct event *ev)
{
	const struct ev_audit_total *tot = &ev->u.audit;

	human_count(tx, tot->taken, "connection");
	ob_str(&tx->ob, " (");
	ob_u64(&tx->ob, tot->discarded);
	ob_str(&tx->ob, " discarded), ");
	ob_double(&tx->ob, tot->loss_pct, 1);
	ob_str(&tx->ob, "% of answers needed a retry, ");
	human_count(tx, tot->ignored, "segment");
	ob_str(&tx->ob, " ignored\n");
	ob_str(&tx->ob, tot->interrupted ? "audit interrupted" : tot->ok
	       ? "verdict: this path lets keep-alive do its job"
	       : tot->closes ? "verdict: the peer closes idle connections itself; only data "
			       "sent more often keeps them (see the advice)"
	       : "verdict: this path mishandles keep-alive");
	ob_char(&tx->ob, '\n');
	human_drops(tx, &tot->drops);
}

void audit_summary_json(struct text *tx, const struct event *ev)
{
	const struct ev_audit_total *tot = &ev->u.audit;

	json_head(tx, "summary", ev);
	json_bool(tx, KEY("ok"), tot->ok);
	json_bool(tx, KEY("interrupted"), tot->interrupted);
	json_bool(tx, KEY("closes"), tot->closes);
	json_u64(tx, KEY("connections"), tot->taken);
	json_u64(tx, KEY("discarded"), tot->discarded);
	ob_mem(&tx->ob, KEY("loss_pct"));
	ob_double(&tx->ob, tot->loss_pct, 1);
	json_u64(tx, KEY("ignored"), tot->ignored);
	json_drops(tx, &tot->drops);
	json_end(tx);
}
