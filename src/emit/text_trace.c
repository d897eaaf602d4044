/* text_trace.c - `kaprobe trace`'s events in their two forms, each kind's
 * human form (a traceroute-like table) next to its JSON form. */
#include "emit/textpriv.h"

#include <stdarg.h>
#include <stdio.h>

#include "tcp/quote.h"
#include "net/target.h"

/* The module's events are few: printf's formats are kept, into the
 * module's buffer. */
#define put(tx, ...) ob_printf(&(tx)->ob, __VA_ARGS__)

/* ICMP's and ICMPv6's names for the errors a probe meets on the way. */
static const char *icmp_word(int family, int type)
{
	if (family == AF_INET6)
		return type == 3 ? "time-exceeded" : type == 1 ? "unreachable"
		       : type == 2 ? "too-big" : "parameter-problem";
	return type == 11 ? "time-exceeded" : type == 3 ? "unreachable"
	       : type == 12 ? "parameter-problem" : "source-quench";
}

static void trace_json_head(struct text *tx, const char *name, ka_time t)
{
	put(tx, "{\"event\":\"%s\",\"t\":%.6f", name, (double)(t - tx->t0) / 1e6);
}

static void json_addr(struct text *tx, const char *key, int family, const uint8_t *a)
{
	char buf[64];

	if (!a) {
		put(tx, ",\"%s\":null", key);
		return;
	}
	addr_format(family, a, buf, sizeof buf);
	put(tx, ",\"%s\":\"%s\"", key, buf);
}

static void json_changed(struct text *tx, const struct probe_reply *a)
{
	const char *sep = "";

	if (!a->compared) {
		ob_str(&tx->ob, ",\"changed\":null");
		return;
	}
	ob_str(&tx->ob, ",\"changed\":[");
	for (int f = 0; f < QF_COUNT; f++)
		if (a->changed & (1u << f)) {
			put(tx, "%s\"%s\"", sep, quote_field_name(f));
			sep = ",";
		}
	ob_char(&tx->ob, ']');
}

static void human_changed(struct text *tx, const struct probe_reply *a)
{
	const char *sep = "  changed: ";

	if (!a->compared) {
		ob_str(&tx->ob, "  (quote not compared: cut short)");
		return;
	}
	for (int f = 0; f < QF_COUNT; f++)
		if (a->changed & (1u << f)) {
			put(tx, "%s%s", sep, quote_field_name(f));
			sep = ",";
		}
}

/* JSON has no heading (text.c's table): every event names what it is. */
void trace_start_human(struct text *tx, const struct event *ev)
{
	const struct ev_start *s = &ev->u.start;

	put(tx, "TRACE %s from %s via %s, %s probes, %u hops at most\n", s->dst, s->src,
	    s->iface, s->variant, s->max_hops);
}

void hop_human(struct text *tx, const struct event *ev)
{
	const struct probe_reply *a = ev->u.hop.a;
	int ttl = ev->u.hop.ttl;
	char from[64];

	if (a->kind == REPLY_NONE) {
		put(tx, "%2d  *  no answer to %u probes\n", ttl, ev->u.hop.tries);
		return;
	}
	addr_format(a->family, a->from, from, sizeof from);
	put(tx, "%2d  %-24s %8.3f ms  ", ttl, from, (double)a->rtt / 1e3);
	if (a->kind != REPLY_ICMP) {
		put(tx, "%s from the %s\n", reply_name(a->kind),
		    a->by_peer ? "peer" : "middlebox speaking for it");
		return;
	}
	put(tx, "%s (%d/%d), quoted %zu bytes", icmp_word(a->family, a->type), a->type,
	    a->code, a->quoted);
	human_changed(tx, a);
	ob_char(&tx->ob, '\n');
}

void hop_json(struct text *tx, const struct event *ev)
{
	const struct probe_reply *a = ev->u.hop.a;
	bool icmp = a->kind == REPLY_ICMP;

	trace_json_head(tx, "hop", ev->t);
	put(tx, ",\"ttl\":%d", ev->u.hop.ttl);
	json_addr(tx, "from", a->family, a->kind == REPLY_NONE ? NULL : a->from);
	if (a->kind == REPLY_NONE)
		ob_str(&tx->ob, ",\"rtt_ms\":null");
	else
		put(tx, ",\"rtt_ms\":%.3f", (double)a->rtt / 1e3);
	put(tx, ",\"reply\":\"%s\"", reply_name(a->kind));
	if (a->kind != REPLY_NONE)
		put(tx, ",\"by\":\"%s\"", a->by_peer ? "peer" : "middlebox");
	else
		ob_str(&tx->ob, ",\"by\":null");
	if (icmp)
		put(tx, ",\"type\":%d,\"code\":%d,\"quoted\":%zu", a->type, a->code, a->quoted);
	else
		ob_str(&tx->ob, ",\"type\":null,\"code\":null,\"quoted\":null");
	if (icmp)
		json_changed(tx, a);
	else
		ob_str(&tx->ob, ",\"changed\":null");
	put(tx, ",\"tries\":%u}\n", ev->u.hop.tries);
}

/* " from the peer 198.18.0.2, 2 hops away", a's sender in words. */
static void human_sender(struct text *tx, int family, const struct probe_reply *a)
{
	char from[64];

	addr_format(family, a->from, from, sizeof from);
	put(tx, "%s from the %s %s, %d hop%s away\n", reply_name(a->kind),
	    a->by_peer ? "peer" : "middlebox", from, a->hops, a->hops == 1 ? "" : "s");
}

void fate_human(struct text *tx, const struct event *ev)
{
	const struct ev_fate *f = &ev->u.fate;
	char from[64];

	put(tx, "fate %-16s ", f->variant);
	if (f->a->kind == REPLY_NONE && f->last_hop > 0) {
		addr_format(f->a->family, f->last_from, from, sizeof from);
		put(tx, "lost: dropped after hop %d (%s), the last to quote it\n", f->last_hop,
		    from);
	} else if (f->a->kind == REPLY_NONE) {
		ob_str(&tx->ob, "lost: no hop quoted it\n");
	} else {
		human_sender(tx, f->a->family, f->a);
	}
}

void fate_json(struct text *tx, const struct event *ev)
{
	const struct ev_fate *f = &ev->u.fate;
	const struct probe_reply *a = f->a;

	trace_json_head(tx, "fate", ev->t);
	put(tx, ",\"variant\":\"%s\",\"reply\":\"%s\"", f->variant, reply_name(a->kind));
	if (a->kind == REPLY_NONE)
		ob_str(&tx->ob, ",\"by\":null,\"hops\":null");
	else
		put(tx, ",\"by\":\"%s\",\"hops\":%d", a->by_peer ? "peer" : "middlebox", a->hops);
	json_addr(tx, "from", a->family, a->kind == REPLY_NONE ? NULL : a->from);
	if (f->last_hop < 0)
		ob_str(&tx->ob, ",\"last_hop\":null");
	else
		put(tx, ",\"last_hop\":%d", f->last_hop);
	json_addr(tx, "last_hop_from", a->family, f->last_hop > 0 ? f->last_from : NULL);
	ob_str(&tx->ob, "}\n");
}

void hop_timeout_human(struct text *tx, const struct event *ev)
{
	const struct tr_timeout *r = ev->u.hop_timeout.r;
	const struct fingerprint *fp[FP_MAX_MATCH];
	char from[64] = "*";

	if (r->answers)
		addr_format(r->family, r->from, from, sizeof from);
	put(tx, "timeout hop %d (%s): ", r->hop, from);
	if (r->masked)
		put(tx, "masked: hop %d never answers, so hop %d cannot be seen\n",
		    r->hop + 1, r->hop);
	else if (!r->measurements)
		ob_str(&tx->ob, "not measured: no connection could prove itself\n");
	else if (!r->dead)
		put(tx, "keeps idle flows at least %.3f s (--max-idle %.0f s)\n",
		    (double)r->alive / 1e6, (double)ev->u.hop_timeout.max_idle / 1e6);
	else {
		put(tx, "forgets idle flows after %.3f to %.3f s; then a probe gets ",
		    (double)r->alive / 1e6, (double)r->dead / 1e6);
		if (r->expired.kind == REPLY_NONE)
			ob_str(&tx->ob, "no answer\n");
		else
			human_sender(tx, r->family, &r->expired);
		human_consistent(tx, fp, consistent_hop(r, fp));
	}
}

static void json_seconds(struct text *tx, const char *key, ka_time us)
{
	if (us)
		put(tx, ",\"%s\":%.3f", key, (double)us / 1e6);
	else
		put(tx, ",\"%s\":null", key);
}

void hop_timeout_json(struct text *tx, const struct event *ev)
{
	const struct tr_timeout *r = ev->u.hop_timeout.r;
	const struct probe_reply *x = &r->expired;
	const struct fingerprint *fp[FP_MAX_MATCH];

	trace_json_head(tx, "hop-timeout", ev->t);
	put(tx, ",\"hop\":%d", r->hop);
	json_addr(tx, "from", r->family, r->answers ? r->from : NULL);
	put(tx, ",\"masked\":%s", r->masked ? "true" : "false");
	json_seconds(tx, "alive_s", r->alive);
	json_seconds(tx, "dead_s", r->dead);
	if (!r->dead) {
		ob_str(&tx->ob, ",\"expired_reply\":null,\"by\":null,\"hops\":null,\"expired_from\":null");
	} else {
		put(tx, ",\"expired_reply\":\"%s\"", reply_name(x->kind));
		if (x->kind == REPLY_NONE)
			ob_str(&tx->ob, ",\"by\":null,\"hops\":null");
		else
			put(tx, ",\"by\":\"%s\",\"hops\":%d", x->by_peer ? "peer" : "middlebox",
			    x->hops);
		json_addr(tx, "expired_from", r->family, x->kind == REPLY_NONE ? NULL : x->from);
	}
	put(tx, ",\"measurements\":%u,\"disagree\":%u,\"discarded\":%u",
	    r->measurements, r->disagree, r->discarded);
	json_consistent(tx, fp, consistent_hop(r, fp));
	json_end(tx);
}

static const char *trace_result(const struct ev_trace_summary *s)
{
	return s->interrupted ? "interrupted" : s->ok && s->forgets <= 0 ? "ok" : "fail";
}

void trace_summary_human(struct text *tx, const struct event *ev)
{
	const struct ev_trace_summary *s = &ev->u.trace;

	if (s->interrupted)
		ob_str(&tx->ob, "trace: interrupted\n");
	else
		put(tx, "trace: the standard probes %s the peer%s\n",
		    s->ok ? "reach" : "do not reach",
		    s->forgets > 0 ? "; a hop forgets idle flows within --max-idle"
		    : s->forgets == 0 ? "; no hop forgets idle flows within --max-idle" : "");
	human_drops(tx, &s->drops);
}

void trace_summary_json(struct text *tx, const struct event *ev)
{
	const struct ev_trace_summary *s = &ev->u.trace;

	trace_json_head(tx, "trace-summary", ev->t);
	put(tx, ",\"result\":\"%s\",\"forgets\":%s,\"ignored\":%u", trace_result(s),
	    s->forgets < 0 ? "null" : s->forgets ? "true" : "false", s->ignored);
	json_drops(tx, &s->drops);
	json_end(tx);
}
