/* traceout.c - `kaprobe trace`'s events (see traceout.h). */
#include "traceout.h"

#include <stdio.h>

#include "quote.h"
#include "target.h"

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
	fprintf(o->f, "{\"event\":\"%s\",\"t\":%.6f", event, (double)(t - o->t0) / 1e6);
}

static void json_addr(struct output *o, const char *key, int family, const uint8_t *a)
{
	char buf[64];

	if (!a) {
		fprintf(o->f, ",\"%s\":null", key);
		return;
	}
	addr_format(family, a, buf, sizeof buf);
	fprintf(o->f, ",\"%s\":\"%s\"", key, buf);
}

static void json_changed(struct output *o, const struct tr_answer *a)
{
	const char *sep = "";

	if (!a->compared) {
		fputs(",\"changed\":null", o->f);
		return;
	}
	fputs(",\"changed\":[", o->f);
	for (int f = 0; f < QF_COUNT; f++)
		if (a->changed & (1u << f)) {
			fprintf(o->f, "%s\"%s\"", sep, quote_field_name(f));
			sep = ",";
		}
	fputc(']', o->f);
}

static void human_changed(struct output *o, const struct tr_answer *a)
{
	const char *sep = "  changed: ";

	if (!a->compared) {
		fputs("  (quote not compared: cut short)", o->f);
		return;
	}
	for (int f = 0; f < QF_COUNT; f++)
		if (a->changed & (1u << f)) {
			fprintf(o->f, "%s%s", sep, quote_field_name(f));
			sep = ",";
		}
}

void tout_start(struct output *o, const char *dst, const char *src, const char *iface,
		const char *variant, unsigned max_hops)
{
	if (o->json || o->quiet)
		return;
	fprintf(o->f, "TRACE %s from %s via %s, %s probes, %u hops at most\n", dst, src, iface,
		variant, max_hops);
}

static void json_hop(struct output *o, ka_time t, int ttl, const struct tr_answer *a,
		     unsigned tries)
{
	bool icmp = a->reply == TR_ICMP;

	json_head(o, "hop", t);
	fprintf(o->f, ",\"ttl\":%d", ttl);
	json_addr(o, "from", a->family, a->reply == TR_NONE ? NULL : a->from);
	if (a->reply == TR_NONE)
		fputs(",\"rtt_ms\":null", o->f);
	else
		fprintf(o->f, ",\"rtt_ms\":%.3f", (double)a->rtt / 1e3);
	fprintf(o->f, ",\"reply\":\"%s\"", reply_word(a->reply));
	if (a->reply != TR_NONE)
		fprintf(o->f, ",\"by\":\"%s\"", a->by_peer ? "peer" : "middlebox");
	else
		fputs(",\"by\":null", o->f);
	if (icmp)
		fprintf(o->f, ",\"type\":%d,\"code\":%d,\"quoted\":%zu", a->type, a->code,
			a->quoted);
	else
		fputs(",\"type\":null,\"code\":null,\"quoted\":null", o->f);
	if (icmp)
		json_changed(o, a);
	else
		fputs(",\"changed\":null", o->f);
	fprintf(o->f, ",\"tries\":%u}\n", tries);
}

void tout_hop(struct output *o, ka_time t, int ttl, const struct tr_answer *a,
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
		fprintf(o->f, "%2d  *  no answer to %u probes\n", ttl, tries);
		return;
	}
	addr_format(a->family, a->from, from, sizeof from);
	fprintf(o->f, "%2d  %-24s %8.3f ms  ", ttl, from, (double)a->rtt / 1e3);
	if (a->reply != TR_ICMP) {
		fprintf(o->f, "%s from the %s\n", reply_word(a->reply),
			a->by_peer ? "peer" : "middlebox speaking for it");
		return;
	}
	fprintf(o->f, "%s (%d/%d), quoted %zu bytes", icmp_word(a->family, a->type), a->type,
		a->code, a->quoted);
	human_changed(o, a);
	fputc('\n', o->f);
}

void tout_fate(struct output *o, ka_time t, const char *variant, const struct tr_answer *a,
	       int last_hop, const uint8_t *last_from)
{
	char from[64];

	if (o->json) {
		json_head(o, "fate", t);
		fprintf(o->f, ",\"variant\":\"%s\",\"reply\":\"%s\"", variant, reply_word(a->reply));
		if (a->reply == TR_NONE)
			fputs(",\"by\":null,\"hops\":null", o->f);
		else
			fprintf(o->f, ",\"by\":\"%s\",\"hops\":%d", a->by_peer ? "peer" : "middlebox",
				a->hops);
		json_addr(o, "from", a->family, a->reply == TR_NONE ? NULL : a->from);
		if (last_hop < 0)
			fputs(",\"last_hop\":null", o->f);
		else
			fprintf(o->f, ",\"last_hop\":%d", last_hop);
		json_addr(o, "last_hop_from", a->family, last_hop > 0 ? last_from : NULL);
		fputs("}\n", o->f);
		return;
	}
	if (o->quiet)
		return;
	fprintf(o->f, "fate %-16s ", variant);
	if (a->reply == TR_NONE && last_hop > 0) {
		addr_format(a->family, last_from, from, sizeof from);
		fprintf(o->f, "lost: dropped after hop %d (%s), the last to quote it\n", last_hop,
			from);
	} else if (a->reply == TR_NONE) {
		fputs("lost: no hop quoted it\n", o->f);
	} else {
		addr_format(a->family, a->from, from, sizeof from);
		fprintf(o->f, "%s from the %s %s, %d hop%s away\n", reply_word(a->reply),
			a->by_peer ? "peer" : "middlebox", from, a->hops, a->hops == 1 ? "" : "s");
	}
}

void tout_summary(struct output *o, ka_time t, bool ok, int forgets, bool interrupted,
		  uint32_t ignored)
{
	const char *result = interrupted ? "interrupted" : ok && forgets <= 0 ? "ok" : "fail";

	if (o->json) {
		json_head(o, "trace-summary", t);
		fprintf(o->f, ",\"result\":\"%s\",\"forgets\":%s,\"ignored\":%u}\n", result,
			forgets < 0 ? "null" : forgets ? "true" : "false", ignored);
		return;
	}
	if (interrupted) {
		fputs("trace: interrupted\n", o->f);
		return;
	}
	fprintf(o->f, "trace: the standard probes %s the peer%s\n", ok ? "reach" : "do not reach",
		forgets > 0 ? "; a hop forgets idle flows within --max-idle"
		: forgets == 0 ? "; no hop forgets idle flows within --max-idle" : "");
}

static void json_seconds(struct output *o, const char *key, ka_time us)
{
	if (us)
		fprintf(o->f, ",\"%s\":%.3f", key, (double)us / 1e6);
	else
		fprintf(o->f, ",\"%s\":null", key);
}

static void json_hop_timeout(struct output *o, ka_time t, const struct tr_timeout *r)
{
	const struct tr_answer *x = &r->expired;

	json_head(o, "hop-timeout", t);
	fprintf(o->f, ",\"hop\":%d", r->hop);
	json_addr(o, "from", r->family, r->answers ? r->from : NULL);
	fprintf(o->f, ",\"masked\":%s", r->masked ? "true" : "false");
	json_seconds(o, "alive_s", r->alive);
	json_seconds(o, "dead_s", r->dead);
	if (!r->dead) {
		fputs(",\"expired_reply\":null,\"by\":null,\"hops\":null,\"expired_from\":null", o->f);
	} else {
		fprintf(o->f, ",\"expired_reply\":\"%s\"", reply_word(x->reply));
		if (x->reply == TR_NONE)
			fputs(",\"by\":null,\"hops\":null", o->f);
		else
			fprintf(o->f, ",\"by\":\"%s\",\"hops\":%d", x->by_peer ? "peer" : "middlebox",
				x->hops);
		json_addr(o, "expired_from", r->family, x->reply == TR_NONE ? NULL : x->from);
	}
	fprintf(o->f, ",\"measurements\":%u,\"disagree\":%u,\"discarded\":%u}\n",
		r->measurements, r->disagree, r->discarded);
}

void tout_hop_timeout(struct output *o, ka_time t, const struct tr_timeout *r,
		      ka_time max_idle)
{
	char from[64] = "*";

	if (o->json) {
		json_hop_timeout(o, t, r);
		return;
	}
	if (r->answers)
		addr_format(r->family, r->from, from, sizeof from);
	fprintf(o->f, "timeout hop %d (%s): ", r->hop, from);
	if (r->masked)
		fprintf(o->f, "masked: hop %d never answers, so hop %d cannot be seen\n",
			r->hop + 1, r->hop);
	else if (!r->measurements)
		fputs("not measured: no connection could prove itself\n", o->f);
	else if (!r->dead)
		fprintf(o->f, "keeps idle flows at least %.3f s (--max-idle %.0f s)\n",
			(double)r->alive / 1e6, (double)max_idle / 1e6);
	else {
		fprintf(o->f, "forgets idle flows after %.3f to %.3f s; then a probe gets ",
			(double)r->alive / 1e6, (double)r->dead / 1e6);
		if (r->expired.reply == TR_NONE) {
			fputs("no answer\n", o->f);
		} else {
			addr_format(r->family, r->expired.from, from, sizeof from);
			fprintf(o->f, "%s from the %s %s, %d hop%s away\n", reply_word(r->expired.reply),
				r->expired.by_peer ? "peer" : "middlebox", from, r->expired.hops,
				r->expired.hops == 1 ? "" : "s");
		}
	}
}
