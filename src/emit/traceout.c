/* traceout.c - `kaprobe trace`'s events (see traceout.h). */
#include "emit/traceout.h"

#include <stdarg.h>
#include <stdio.h>

#include "tcp/quote.h"
#include "report/report.h"
#include "net/target.h"

/* The trace's events are few: printf's formats are kept, into the
 * output's buffer. */
static void put(struct output *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct output *o, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	ob_str(&o->ob, buf);
}

/* An event written whole: to the stream, unless the output buffers. */
static void done(struct output *o)
{
	if (o->each)
		ob_hand(&o->ob);
}

static const char *reply_word(enum tr_reply r)
{
	switch (r) {
	case TR_ACK: return "ack";
	case TR_RST: return "rst";
	case TR_ICMP: return "icmp";
	case TR_NONE: break;
	}
	return "none";
}

/* ICMP's and ICMPv6's names for the errors a probe meets on the way. */
static const char *icmp_word(int family, int type)
{
	if (family == AF_INET6)
		return type == 3 ? "time-exceeded" : type == 1 ? "unreachable"
		       : type == 2 ? "too-big" : "parameter-problem";
	return type == 11 ? "time-exceeded" : type == 3 ? "unreachable"
	       : type == 12 ? "parameter-problem" : "source-quench";
}

static void json_head(struct output *o, const char *event, ka_time t)
{
	put(o, "{\"event\":\"%s\",\"t\":%.6f", event, (double)(t - o->t0) / 1e6);
}

static void json_addr(struct output *o, const char *key, int family, const uint8_t *a)
{
	char buf[64];

	if (!a) {
		put(o, ",\"%s\":null", key);
		return;
	}
	addr_format(family, a, buf, sizeof buf);
	put(o, ",\"%s\":\"%s\"", key, buf);
}

static void json_changed(struct output *o, const struct tr_answer *a)
{
	const char *sep = "";

	if (!a->compared) {
		ob_str(&o->ob, ",\"changed\":null");
		return;
	}
	ob_str(&o->ob, ",\"changed\":[");
	for (int f = 0; f < QF_COUNT; f++)
		if (a->changed & (1u << f)) {
			put(o, "%s\"%s\"", sep, quote_field_name(f));
			sep = ",";
		}
	ob_char(&o->ob, ']');
}

static void human_changed(struct output *o, const struct tr_answer *a)
{
	const char *sep = "  changed: ";

	if (!a->compared) {
		ob_str(&o->ob, "  (quote not compared: cut short)");
		return;
	}
	for (int f = 0; f < QF_COUNT; f++)
		if (a->changed & (1u << f)) {
			put(o, "%s%s", sep, quote_field_name(f));
			sep = ",";
		}
}

static void tout_start_body(struct output *o, const char *dst, const char *src,
			    const char *iface, const char *variant, unsigned max_hops)
{
	if (o->json || o->quiet)
		return;
	put(o, "TRACE %s from %s via %s, %s probes, %u hops at most\n", dst, src, iface,
		variant, max_hops);
}

void tout_start(struct output *o, const char *dst, const char *src, const char *iface,
		const char *variant, unsigned max_hops)
{
	if (o->rep)
		rep_trace_start(o->rep, dst, src, iface, variant, max_hops);
	tout_start_body(o, dst, src, iface, variant, max_hops);
	done(o);
}

static void json_hop(struct output *o, ka_time t, int ttl, const struct tr_answer *a,
		     unsigned tries)
{
	bool icmp = a->reply == TR_ICMP;

	json_head(o, "hop", t);
	put(o, ",\"ttl\":%d", ttl);
	json_addr(o, "from", a->family, a->reply == TR_NONE ? NULL : a->from);
	if (a->reply == TR_NONE)
		ob_str(&o->ob, ",\"rtt_ms\":null");
	else
		put(o, ",\"rtt_ms\":%.3f", (double)a->rtt / 1e3);
	put(o, ",\"reply\":\"%s\"", reply_word(a->reply));
	if (a->reply != TR_NONE)
		put(o, ",\"by\":\"%s\"", a->by_peer ? "peer" : "middlebox");
	else
		ob_str(&o->ob, ",\"by\":null");
	if (icmp)
		put(o, ",\"type\":%d,\"code\":%d,\"quoted\":%zu", a->type, a->code,
			a->quoted);
	else
		ob_str(&o->ob, ",\"type\":null,\"code\":null,\"quoted\":null");
	if (icmp)
		json_changed(o, a);
	else
		ob_str(&o->ob, ",\"changed\":null");
	put(o, ",\"tries\":%u}\n", tries);
}

static void tout_hop_body(struct output *o, ka_time t, int ttl, const struct tr_answer *a,
			  unsigned tries)
{
	char from[64];

	if (o->json) {
		json_hop(o, t, ttl, a, tries);
		return;
	}
	if (o->quiet)
		return;
	if (a->reply == TR_NONE) {
		put(o, "%2d  *  no answer to %u probes\n", ttl, tries);
		return;
	}
	addr_format(a->family, a->from, from, sizeof from);
	put(o, "%2d  %-24s %8.3f ms  ", ttl, from, (double)a->rtt / 1e3);
	if (a->reply != TR_ICMP) {
		put(o, "%s from the %s\n", reply_word(a->reply),
			a->by_peer ? "peer" : "middlebox speaking for it");
		return;
	}
	put(o, "%s (%d/%d), quoted %zu bytes", icmp_word(a->family, a->type), a->type,
		a->code, a->quoted);
	human_changed(o, a);
	ob_char(&o->ob, '\n');
}

void tout_hop(struct output *o, ka_time t, int ttl, const struct tr_answer *a,
	      unsigned tries)
{
	if (o->rep)
		rep_hop(o->rep, t, ttl, a, tries);
	tout_hop_body(o, t, ttl, a, tries);
	done(o);
}

static void tout_fate_body(struct output *o, ka_time t, const char *variant,
			   const struct tr_answer *a, int last_hop, const uint8_t *last_from)
{
	char from[64];

	if (o->json) {
		json_head(o, "fate", t);
		put(o, ",\"variant\":\"%s\",\"reply\":\"%s\"", variant, reply_word(a->reply));
		if (a->reply == TR_NONE)
			ob_str(&o->ob, ",\"by\":null,\"hops\":null");
		else
			put(o, ",\"by\":\"%s\",\"hops\":%d", a->by_peer ? "peer" : "middlebox",
				a->hops);
		json_addr(o, "from", a->family, a->reply == TR_NONE ? NULL : a->from);
		if (last_hop < 0)
			ob_str(&o->ob, ",\"last_hop\":null");
		else
			put(o, ",\"last_hop\":%d", last_hop);
		json_addr(o, "last_hop_from", a->family, last_hop > 0 ? last_from : NULL);
		ob_str(&o->ob, "}\n");
		return;
	}
	if (o->quiet)
		return;
	put(o, "fate %-16s ", variant);
	if (a->reply == TR_NONE && last_hop > 0) {
		addr_format(a->family, last_from, from, sizeof from);
		put(o, "lost: dropped after hop %d (%s), the last to quote it\n", last_hop,
			from);
	} else if (a->reply == TR_NONE) {
		ob_str(&o->ob, "lost: no hop quoted it\n");
	} else {
		addr_format(a->family, a->from, from, sizeof from);
		put(o, "%s from the %s %s, %d hop%s away\n", reply_word(a->reply),
			a->by_peer ? "peer" : "middlebox", from, a->hops, a->hops == 1 ? "" : "s");
	}
}

void tout_fate(struct output *o, ka_time t, const char *variant, const struct tr_answer *a,
	       int last_hop, const uint8_t *last_from)
{
	if (o->rep)
		rep_fate(o->rep, t, variant, a, last_hop, last_from);
	tout_fate_body(o, t, variant, a, last_hop, last_from);
	done(o);
}

static void tout_summary_body(struct output *o, ka_time t, bool ok, int forgets,
			      bool interrupted, uint32_t ignored)
{
	const char *result = interrupted ? "interrupted" : ok && forgets <= 0 ? "ok" : "fail";

	if (o->json) {
		json_head(o, "trace-summary", t);
		put(o, ",\"result\":\"%s\",\"forgets\":%s,\"ignored\":%u}\n", result,
			forgets < 0 ? "null" : forgets ? "true" : "false", ignored);
		return;
	}
	if (interrupted) {
		ob_str(&o->ob, "trace: interrupted\n");
		return;
	}
	put(o, "trace: the standard probes %s the peer%s\n", ok ? "reach" : "do not reach",
		forgets > 0 ? "; a hop forgets idle flows within --max-idle"
		: forgets == 0 ? "; no hop forgets idle flows within --max-idle" : "");
}

void tout_summary(struct output *o, ka_time t, bool ok, int forgets, bool interrupted,
		  uint32_t ignored)
{
	if (o->rep)
		rep_trace_summary(o->rep, t, ok, forgets, interrupted, ignored);
	tout_summary_body(o, t, ok, forgets, interrupted, ignored);
	done(o);
}

static void json_seconds(struct output *o, const char *key, ka_time us)
{
	if (us)
		put(o, ",\"%s\":%.3f", key, (double)us / 1e6);
	else
		put(o, ",\"%s\":null", key);
}

static void json_hop_timeout(struct output *o, ka_time t, const struct tr_timeout *r)
{
	const struct tr_answer *x = &r->expired;

	json_head(o, "hop-timeout", t);
	put(o, ",\"hop\":%d", r->hop);
	json_addr(o, "from", r->family, r->answers ? r->from : NULL);
	put(o, ",\"masked\":%s", r->masked ? "true" : "false");
	json_seconds(o, "alive_s", r->alive);
	json_seconds(o, "dead_s", r->dead);
	if (!r->dead) {
		ob_str(&o->ob, ",\"expired_reply\":null,\"by\":null,\"hops\":null,\"expired_from\":null");
	} else {
		put(o, ",\"expired_reply\":\"%s\"", reply_word(x->reply));
		if (x->reply == TR_NONE)
			ob_str(&o->ob, ",\"by\":null,\"hops\":null");
		else
			put(o, ",\"by\":\"%s\",\"hops\":%d", x->by_peer ? "peer" : "middlebox",
				x->hops);
		json_addr(o, "expired_from", r->family, x->reply == TR_NONE ? NULL : x->from);
	}
	put(o, ",\"measurements\":%u,\"disagree\":%u,\"discarded\":%u}\n",
		r->measurements, r->disagree, r->discarded);
}

static void tout_hop_timeout_body(struct output *o, ka_time t, const struct tr_timeout *r,
				  ka_time max_idle)
{
	char from[64] = "*";

	if (o->json) {
		json_hop_timeout(o, t, r);
		return;
	}
	if (o->quiet)
		return;
	if (r->answers)
		addr_format(r->family, r->from, from, sizeof from);
	put(o, "timeout hop %d (%s): ", r->hop, from);
	if (r->masked)
		put(o, "masked: hop %d never answers, so hop %d cannot be seen\n",
			r->hop + 1, r->hop);
	else if (!r->measurements)
		ob_str(&o->ob, "not measured: no connection could prove itself\n");
	else if (!r->dead)
		put(o, "keeps idle flows at least %.3f s (--max-idle %.0f s)\n",
			(double)r->alive / 1e6, (double)max_idle / 1e6);
	else {
		put(o, "forgets idle flows after %.3f to %.3f s; then a probe gets ",
			(double)r->alive / 1e6, (double)r->dead / 1e6);
		if (r->expired.reply == TR_NONE) {
			ob_str(&o->ob, "no answer\n");
		} else {
			addr_format(r->family, r->expired.from, from, sizeof from);
			put(o, "%s from the %s %s, %d hop%s away\n", reply_word(r->expired.reply),
				r->expired.by_peer ? "peer" : "middlebox", from, r->expired.hops,
				r->expired.hops == 1 ? "" : "s");
		}
	}
}

void tout_hop_timeout(struct output *o, ka_time t, const struct tr_timeout *r,
		      ka_time max_idle)
{
	if (o->rep)
		rep_hop_timeout(o->rep, t, r);
	tout_hop_timeout_body(o, t, r, max_idle);
	done(o);
}
