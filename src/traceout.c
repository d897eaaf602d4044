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

void tout_summary(struct output *o, ka_time t, bool ok, bool interrupted, uint32_t ignored)
{
	const char *result = interrupted ? "interrupted" : ok ? "ok" : "fail";

	if (o->json) {
		json_head(o, "trace-summary", t);
		fprintf(o->f, ",\"result\":\"%s\",\"ignored\":%u}\n", result, ignored);
		return;
	}
	fprintf(o->f, "trace: %s\n", interrupted ? "interrupted"
		: ok ? "the standard probes reach the peer"
		: "a standard probe does not reach the peer");
}
