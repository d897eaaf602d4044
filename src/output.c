/* output.c - human and JSON-lines forms of kaprobe's events. */
#include "output.h"


#include "parse.h"

void out_init(struct output *o, FILE *f, bool json, bool quiet, ka_time t0)
{
	*o = (struct output){ .f = f, .json = json, .quiet = quiet, .t0 = t0 };
}

static double secs(const struct output *o, ka_time t)
{
	return (double)(t - o->t0) / 1e6;
}

static double ms(ka_time us)
{
	return (double)us / 1e3;
}

/* Start a JSON object with its "event" and "t" members. */
static void json_head(struct output *o, const char *event, ka_time t)
{
	fprintf(o->f, "{\"event\":\"%s\",\"t\":%.6f", event, secs(o, t));
}

/* A JSON string member.  Everything kaprobe prints is ASCII it made
 * itself (addresses, fixed words), but escape anyway: a notice's text may
 * quote an interface name, which is the user's. */
static void json_str(struct output *o, const char *key, const char *val)
{
	fprintf(o->f, ",\"%s\":\"", key);
	for (const unsigned char *p = (const unsigned char *)val; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(o->f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(o->f, "\\u%04x", *p);
		else
			fputc(*p, o->f);
	}
	fputc('"', o->f);
}

static void json_end(struct output *o)
{
	fputs("}\n", o->f);
}

void out_connect(struct output *o, ka_time t, const char *src, const char *dst,
		 const char *iface, bool ts, const struct ka_config *cfg)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, "connect", t);
		json_str(o, "src", src);
		json_str(o, "dst", dst);
		json_str(o, "iface", iface);
		fprintf(o->f, ",\"ts\":%s,\"idle_s\":%.3f,\"intvl_s\":%.3f,\"probes\":%u",
			ts ? "true" : "false", cfg->idle / 1e6, cfg->intvl / 1e6, cfg->probes);
		json_end(o);
		return;
	}
	char idle[32], intvl[32];

	format_duration(cfg->idle, idle, sizeof idle);
	format_duration(cfg->intvl, intvl, sizeof intvl);
	fprintf(o->f, "KAPROBE %s from %s via %s: idle %s, interval %s, %u probes, timestamps %s\n",
		dst, src, iface, idle, intvl, cfg->probes, ts ? "on" : "off");
}

void out_probe(struct output *o, ka_time t, unsigned n, uint32_t seq, uint32_t ack,
	       uint32_t len)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, "probe", t);
		fprintf(o->f, ",\"n\":%u,\"seq\":%u,\"ack\":%u,\"len\":%u", n, seq, ack, len);
		json_end(o);
		return;
	}
	fprintf(o->f, "probe %u: seq=%u ack=%u len=%u\n", n, seq, ack, len);
}

void out_reply(struct output *o, ka_time t, const struct out_reply *r)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, "reply", t);
		json_str(o, "kind", r->kind);
		fprintf(o->f, ",\"n\":%u", r->n);
		if (r->n > 0)
			fprintf(o->f, ",\"rtt_ms\":%.3f", ms(r->rtt));
		else
			fputs(",\"rtt_ms\":null", o->f);
		fprintf(o->f, ",\"ttl\":%d", r->ttl);
		json_str(o, "from", r->from);
		if (r->icmp_type >= 0)
			fprintf(o->f, ",\"type\":%d,\"code\":%d", r->icmp_type, r->icmp_code);
		else
			fprintf(o->f, ",\"seq\":%u,\"ack\":%u,\"len\":%u", r->seq, r->ack, r->len);
		json_end(o);
		return;
	}
	fprintf(o->f, "%s from %s:", r->kind, r->from);
	if (r->icmp_type >= 0)
		fprintf(o->f, " type=%d code=%d", r->icmp_type, r->icmp_code);
	else
		fprintf(o->f, " seq=%u ack=%u len=%u", r->seq, r->ack, r->len);
	if (r->n > 0)
		fprintf(o->f, " probe=%u ttl=%d rtt=%.3f ms\n", r->n, r->ttl, ms(r->rtt));
	else
		fprintf(o->f, " ttl=%d\n", r->ttl);
}

void out_notice(struct output *o, ka_time t, const char *event, const char *text)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, event, t);
		json_str(o, "text", text);
		json_end(o);
		return;
	}
	fprintf(o->f, "%s: %s\n", event, text);
}

void out_verdict(struct output *o, ka_time t, enum ka_verdict v)
{
	if (o->json) {
		json_head(o, "verdict", t);
		json_str(o, "verdict", ka_verdict_name(v));
		json_end(o);
		return;
	}
	fprintf(o->f, "verdict: %s\n", ka_verdict_name(v));
}

static unsigned long lost(const struct ka_stats *st)
{
	/* A probe answered by an RST got a reply: it was not lost. */
	return st->sent - st->answered - st->reset;
}

void out_summary(struct output *o, ka_time t, const struct ka_stats *st)
{
	double avg = st->answered ? ms(st->rtt_sum) / (double)st->answered : 0;

	if (o->json) {
		json_head(o, "summary", t);
		fprintf(o->f, ",\"sent\":%lu,\"answered\":%lu,\"lost\":%lu",
			st->sent, st->answered, lost(st));
		if (st->answered)
			fprintf(o->f, ",\"rtt_min_ms\":%.3f,\"rtt_avg_ms\":%.3f,\"rtt_max_ms\":%.3f",
				ms(st->rtt_min), avg, ms(st->rtt_max));
		else
			fputs(",\"rtt_min_ms\":null,\"rtt_avg_ms\":null,\"rtt_max_ms\":null", o->f);
		json_end(o);
		return;
	}
	fprintf(o->f, "--- %s keep-alive statistics ---\n", o->target ? o->target : "");
	fprintf(o->f, "%lu probe%s sent, %lu answered, %lu lost (%.0f%%)",
		st->sent, st->sent == 1 ? "" : "s", st->answered, lost(st),
		st->sent ? 100.0 * (double)lost(st) / (double)st->sent : 0.0);
	if (st->reset)
		fputs(", answered by an RST", o->f);
	if (st->answered)
		fprintf(o->f, ", rtt min/avg/max = %.3f/%.3f/%.3f ms",
			ms(st->rtt_min), avg, ms(st->rtt_max));
	fputc('\n', o->f);
}

void out_status(FILE *f, const struct ka_stats *st)
{
	fprintf(f, "%lu/%lu probes answered, %lu lost", st->answered, st->sent, lost(st));
	if (st->answered)
		fprintf(f, ", rtt min/avg/max = %.3f/%.3f/%.3f ms", ms(st->rtt_min),
			ms(st->rtt_sum) / (double)st->answered, ms(st->rtt_max));
	fputc('\n', f);
}

bool out_failed(const struct output *o)
{
	return fflush(o->f) == EOF || ferror(o->f);
}
