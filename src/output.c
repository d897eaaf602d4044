/* output.c - human and JSON-lines forms of kaprobe's events. */
#include "output.h"

#include <inttypes.h>

#include "parse.h"

void out_init(struct output *o, FILE *f, bool json, bool quiet, ka_time t0)
{
	*o = (struct output){ .f = f, .json = json, .quiet = quiet, .t0 = t0 };
}

static double secs(const struct output *o, ka_time t)
{
	return (double)(t - o->t0) / 1e6;
}

static double ms(double us)
{
	return us / 1e3;
}

/* A JSON string member.  Everything kaprobe prints is ASCII it made
 * itself (addresses, fixed words), but escape anyway: a notice's text may
 * quote an interface or file name, which is the user's. */
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

/* Start a JSON object: "event", "t", and in replay "flow" and "frame". */
static void json_head(struct output *o, const char *event, ka_time t)
{
	fprintf(o->f, "{\"event\":\"%s\",\"t\":%.6f", event, secs(o, t));
	if (o->flow)
		json_str(o, "flow", o->flow);
	if (o->frame)
		fprintf(o->f, ",\"frame\":%" PRIu64, o->frame);
}

static void json_end(struct output *o)
{
	fputs("}\n", o->f);
}

/* The human line's prefix in replay: frame number and flow. */
static void human_head(struct output *o)
{
	if (o->frame)
		fprintf(o->f, "%" PRIu64 " ", o->frame);
	if (o->flow)
		fprintf(o->f, "%s ", o->flow);
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
	human_head(o);
	fprintf(o->f, "probe %u: seq=%u ack=%u len=%u\n", n, seq, ack, len);
}

void out_reply(struct output *o, ka_time t, const struct out_reply *r)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, "reply", t);
		if (r->probe_frame)
			fprintf(o->f, ",\"probe_frame\":%" PRIu64, r->probe_frame);
		json_str(o, "kind", r->kind);
		fprintf(o->f, ",\"n\":%u", r->n);
		if (r->n > 0)
			fprintf(o->f, ",\"rtt_ms\":%.3f", ms((double)r->rtt));
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
	human_head(o);
	fprintf(o->f, "%s from %s:", r->kind, r->from);
	if (r->icmp_type >= 0)
		fprintf(o->f, " type=%d code=%d", r->icmp_type, r->icmp_code);
	else
		fprintf(o->f, " seq=%u ack=%u len=%u", r->seq, r->ack, r->len);
	if (r->n > 0)
		fprintf(o->f, " probe=%u ttl=%d rtt=%.3f ms\n", r->n, r->ttl, ms((double)r->rtt));
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
	human_head(o);
	fprintf(o->f, "%s: %s\n", event, text);
}

static double rtt_avg(const struct ka_stats *st)
{
	return st->answered ? (double)st->rtt_sum / st->answered : 0;
}

static void json_rtts(struct output *o, const struct ka_stats *st)
{
	if (st->answered)
		fprintf(o->f, ",\"rtt_min_ms\":%.3f,\"rtt_avg_ms\":%.3f,\"rtt_max_ms\":%.3f",
			ms(st->rtt_min), ms(rtt_avg(st)), ms(st->rtt_max));
	else
		fputs(",\"rtt_min_ms\":null,\"rtt_avg_ms\":null,\"rtt_max_ms\":null", o->f);
}

static void human_rtts(struct output *o, const struct ka_stats *st)
{
	if (st->answered)
		fprintf(o->f, ", rtt min/avg/max = %.3f/%.3f/%.3f ms",
			ms(st->rtt_min), ms(rtt_avg(st)), ms(st->rtt_max));
}

void out_verdict(struct output *o, ka_time t, const char *verdict, const struct ka_machine *m)
{
	if (o->json) {
		json_head(o, "verdict", t);
		json_str(o, "verdict", verdict);
		if (m) {
			fprintf(o->f, ",\"probes\":%u,\"answered\":%u", m->st.sent, m->st.answered);
			json_rtts(o, &m->st);
		}
		json_end(o);
		return;
	}
	if (!m) {
		fprintf(o->f, "verdict: %s\n", verdict);
		return;
	}
	fprintf(o->f, "%s: %s, %u probe%s, %u answered", o->flow, verdict, m->st.sent,
		m->st.sent == 1 ? "" : "s", m->st.answered);
	human_rtts(o, &m->st);
	fputc('\n', o->f);
}

void out_would_die(struct output *o, ka_time t, const char *verdict)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, "would-die", t);
		json_str(o, "verdict", verdict);
		json_end(o);
		return;
	}
	fprintf(o->f, "%s: with the given timings the prober would have declared the peer %s "
		"at t=%.3f s\n", o->flow, verdict, secs(o, t));
}

void out_summary(struct output *o, ka_time t, const struct ka_machine *m)
{
	const struct ka_stats *st = &m->st;

	if (o->json) {
		json_head(o, "summary", t);
		fprintf(o->f, ",\"sent\":%u,\"answered\":%u,\"lost\":%u", st->sent,
			st->answered, ka_lost(m));
		json_rtts(o, st);
		json_end(o);
		return;
	}
	fprintf(o->f, "--- %s keep-alive statistics ---\n", o->target ? o->target : "");
	fprintf(o->f, "%u probe%s sent, %u answered, %u lost (%.0f%%)", st->sent,
		st->sent == 1 ? "" : "s", st->answered, ka_lost(m),
		st->sent ? 100.0 * ka_lost(m) / st->sent : 0.0);
	if (m->rst_answered)
		fputs(", answered by an RST", o->f);
	human_rtts(o, st);
	fputc('\n', o->f);
}

void out_replay_summary(struct output *o, ka_time t, const char *file,
			const struct replay_totals *tot)
{
	if (o->json) {
		json_head(o, "summary", t);
		json_str(o, "file", file);
		fprintf(o->f, ",\"frames\":%" PRIu64 ",\"tcp\":%" PRIu64 ",\"flows\":%" PRIu64
			",\"flows_probed\":%" PRIu64 ",\"probes\":%" PRIu64 ",\"answered\":%" PRIu64
			",\"skipped\":{\"truncated\":%" PRIu64 ",\"malformed\":%" PRIu64
			",\"not_tcp\":%" PRIu64 "}",
			tot->frames, tot->tcp, tot->flows, tot->flows_probed, tot->probes,
			tot->answered, tot->truncated, tot->malformed, tot->not_tcp);
		json_end(o);
		return;
	}
	fprintf(o->f, "--- %s: %" PRIu64 " frames, %" PRIu64 " TCP segments, %" PRIu64
		" flows (%" PRIu64 " with keep-alive), %" PRIu64 " probes, %" PRIu64
		" answered; skipped %" PRIu64 " truncated, %" PRIu64 " malformed, %" PRIu64
		" not TCP\n", file, tot->frames, tot->tcp, tot->flows, tot->flows_probed,
		tot->probes, tot->answered, tot->truncated, tot->malformed, tot->not_tcp);
}

void out_status(FILE *f, const struct ka_machine *m)
{
	const struct ka_stats *st = &m->st;

	fprintf(f, "%u/%u probes answered, %u lost", st->answered, st->sent, ka_lost(m));
	if (st->answered)
		fprintf(f, ", rtt min/avg/max = %.3f/%.3f/%.3f ms", ms(st->rtt_min),
			ms(rtt_avg(st)), ms(st->rtt_max));
	fputc('\n', f);
}

bool out_failed(const struct output *o)
{
	return fflush(o->f) == EOF || ferror(o->f);
}
