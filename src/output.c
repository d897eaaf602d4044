/* output.c - human and JSON-lines forms of kaprobe's events. */
#include "output.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "parse.h"
#include "target.h"

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
	if (o->conn) {
		fprintf(o->f, ",\"conn\":%u", o->conn);
		json_str(o, "dst", o->dst);
	}
	if (o->flow)
		json_str(o, "flow", o->flow);
	if (o->frame)
		fprintf(o->f, ",\"frame\":%" PRIu64, o->frame);
}

static void json_end(struct output *o)
{
	fputs("}\n", o->f);
}

/* Unix seconds of an event's time. */
static double wall(const struct output *o, ka_time t)
{
	return (double)(t + o->wall_off) / 1e6;
}

/* -D, as ping's: the wall-clock time first. */
static void stamp(struct output *o, ka_time t)
{
	if (o->stamp)
		fprintf(o->f, "[%.6f] ", wall(o, t));
}

/* The JSON "ts" member: the wall-clock time. */
static void json_wall(struct output *o, ka_time t)
{
	fprintf(o->f, ",\"ts\":%.6f", wall(o, t));
}

/* The human line's prefix: -D's time; in replay the frame number, its
 * capture time (UTC, as tcpdump's time of day) and the flow; with many
 * connections the target. */
static void human_head(struct output *o, ka_time t)
{
	stamp(o, t);
	if (o->frame) {
		time_t sec = (time_t)((t + o->wall_off) / 1000000);
		struct tm tm;

		if (gmtime_r(&sec, &tm))
			fprintf(o->f, "%" PRIu64 " %02d:%02d:%02d.%06ld ", o->frame, tm.tm_hour,
				tm.tm_min, tm.tm_sec, (long)((t + o->wall_off) % 1000000));
		else
			fprintf(o->f, "%" PRIu64 " ", o->frame);
	}
	if (o->flow)
		fprintf(o->f, "%s ", o->flow);
	if (o->dst)
		fprintf(o->f, "%s : ", o->dst);
}

void out_connect(struct output *o, ka_time t, const char *src, const char *dst,
		 const char *iface, bool ts, const struct ka_config *cfg)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, "connect", t);
		json_str(o, "src", src);
		if (!o->dst)   /* many connections: json_head named it */
			json_str(o, "dst", dst);
		json_str(o, "iface", iface);
		json_wall(o, t);
		fprintf(o->f, ",\"timestamps\":%s,\"idle_s\":%.3f,\"intvl_s\":%.3f,\"probes\":%u",
			ts ? "true" : "false", cfg->idle / 1e6, cfg->intvl / 1e6, cfg->probes);
		json_end(o);
		return;
	}
	char idle[32], intvl[32];

	format_duration(cfg->idle, idle, sizeof idle);
	format_duration(cfg->intvl, intvl, sizeof intvl);
	stamp(o, t);
	fprintf(o->f, "KAPROBE %s from %s via %s: idle %s, interval %s, %u probes, timestamps %s\n",
		dst, src, iface, idle, intvl, cfg->probes, ts ? "on" : "off");
}

void out_probe(struct output *o, ka_time t, const struct out_probe *p)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, "probe", t);
		fprintf(o->f, ",\"n\":%u", p->n);
		if (p->round)
			fprintf(o->f, ",\"round\":%u", p->round);
		fprintf(o->f, ",\"seq\":%u,\"ack\":%u,\"len\":%u", p->seq, p->ack, p->len);
		if (p->error)
			json_str(o, "error", p->error);
		json_end(o);
		return;
	}
	human_head(o, t);
	fprintf(o->f, "probe %u", p->n);
	if (p->round)
		fprintf(o->f, " (round %u)", p->round);
	fprintf(o->f, ": seq=%u ack=%u len=%u", p->seq, p->ack, p->len);
	if (p->error)
		fprintf(o->f, ": not sent: %s, counted as lost", p->error);
	fputc('\n', o->f);
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
		if (r->round)
			fprintf(o->f, ",\"round\":%u", r->round);
		if (r->n > 0)
			fprintf(o->f, ",\"rtt_ms\":%.3f", ms((double)r->rtt));
		else
			fputs(",\"rtt_ms\":null", o->f);
		fprintf(o->f, ",\"ttl\":%d", r->ttl);
		json_str(o, "from", r->from);
		if (r->icmp_type >= 0)
			fprintf(o->f, ",\"type\":%d,\"code\":%d", r->icmp_type, r->icmp_code);
		if (r->icmp_class)
			json_str(o, "icmp_class", r->icmp_class);
		if (r->icmp_type < 0)
			fprintf(o->f, ",\"seq\":%u,\"ack\":%u,\"len\":%u", r->seq, r->ack, r->len);
		json_end(o);
		return;
	}
	human_head(o, t);
	fprintf(o->f, "%s from %s:", r->kind, r->from);
	if (r->icmp_type >= 0)
		fprintf(o->f, " type=%d code=%d%s%s", r->icmp_type, r->icmp_code,
			r->icmp_class ? " " : "", r->icmp_class ? r->icmp_class : "");
	else
		fprintf(o->f, " seq=%u ack=%u len=%u", r->seq, r->ack, r->len);
	if (r->round)
		fprintf(o->f, " round=%u", r->round);
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
	human_head(o, t);
	fprintf(o->f, "%s: %s\n", event, text);
}

void out_error(struct output *o, ka_time t, const char *text)
{
	if (!o->json)
		return;
	json_head(o, "error", t);
	json_str(o, "text", text);
	json_end(o);
}

void out_ignored(struct output *o, ka_time t, const char *reason, const char *from,
		 const char *text)
{
	if (o->quiet)
		return;
	if (o->json) {
		json_head(o, "ignored", t);
		json_str(o, "reason", reason);
		json_str(o, "from", from);
		json_str(o, "text", text);
		json_end(o);
		return;
	}
	human_head(o, t);
	fprintf(o->f, "ignored from %s: %s\n", from, text);
}

/* Counts that add up: sent = answered + answered by an RST + lost. */
static void human_counts(struct output *o, const struct ka_machine *m)
{
	const struct ka_stats *st = &m->st;

	fprintf(o->f, "%u probe%s sent, %u answered", st->sent, st->sent == 1 ? "" : "s",
		st->answered);
	if (m->rst_answered)
		fprintf(o->f, ", %u answered by an RST", (unsigned)m->rst_answered);
	fprintf(o->f, ", %u lost (%.0f%%)", ka_lost(m),
		st->sent ? 100.0 * ka_lost(m) / st->sent : 0.0);
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
			fprintf(o->f, ",\"probes\":%u,\"answered\":%u,\"rst_answered\":%u,"
				"\"lost\":%u", m->st.sent, m->st.answered, m->rst_answered, ka_lost(m));
			json_rtts(o, &m->st);
		}
		json_end(o);
		return;
	}
	if (!m) {
		stamp(o, t);
		fprintf(o->f, "verdict: %s\n", verdict);
		return;
	}
	fprintf(o->f, "%s: %s, ", o->flow, verdict);
	human_counts(o, m);
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

void out_summary(struct output *o, ka_time t, const struct ka_machine *m, uint32_t ignored)
{
	const struct ka_stats *st = &m->st;

	if (o->json) {
		json_head(o, "summary", t);
		json_wall(o, t);
		fprintf(o->f, ",\"sent\":%u,\"answered\":%u,\"rst_answered\":%u,\"lost\":%u,"
			"\"ignored\":%u", st->sent, st->answered, m->rst_answered, ka_lost(m), ignored);
		json_rtts(o, st);
		json_end(o);
		return;
	}
	fprintf(o->f, "--- %s keep-alive statistics ---\n", o->target ? o->target : "");
	human_counts(o, m);
	human_rtts(o, st);
	if (ignored)
		fprintf(o->f, "; %u ignored", ignored);
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

/* ---- the audit -------------------------------------------------------- */

static const char *reply_kind(enum ar_kind k)
{
	switch (k) {
	case AR_ACK: return "ack";
	case AR_RST: return "rst";
	case AR_ICMP: return "icmp";
	default: return "none";
	}
}

/* A JSON member that is true, false, or null (v = 1, 0, -1). */
static void json_tristate(struct output *o, const char *key, int v)
{
	fprintf(o->f, ",\"%s\":%s", key, v > 0 ? "true" : v == 0 ? "false" : "null");
}

/* "by", "hops", "from" and "ttl" of a reply; nulls when nothing came. */
static void json_who(struct output *o, const struct audit_reply *r, int family)
{
	char from[64];

	if (!r || r->kind == AR_NONE || r->kind == AR_PENDING) {
		fputs(",\"by\":null,\"hops\":null,\"from\":null,\"ttl\":null", o->f);
		return;
	}
	addr_format(family, r->from, from, sizeof from);
	json_str(o, "by", r->by_peer ? "peer" : "middlebox");
	fprintf(o->f, ",\"hops\":%d", r->hops);
	json_str(o, "from", from);
	fprintf(o->f, ",\"ttl\":%d", r->ttl);
}

static void human_who(struct output *o, const struct audit_reply *r, int family)
{
	char from[64];

	if (!r || r->kind == AR_NONE || r->kind == AR_PENDING) {
		fputs("-", o->f);
		return;
	}
	addr_format(family, r->from, from, sizeof from);
	fprintf(o->f, "%s %s, %d hop%s away (ttl %d)", r->by_peer ? "peer" : "middlebox",
		from, r->hops, r->hops == 1 ? "" : "s", r->ttl);
}

void out_audit_start(struct output *o, const char *dst, const char *src, const char *iface)
{
	if (o->json || o->quiet)
		return;
	fprintf(o->f, "AUDIT %s from %s via %s\n%-16s %-6s %s\n", dst, src, iface,
		"probe", "reply", "from");
}

void out_variant(struct output *o, ka_time t, const char *name, const struct audit_reply *r,
		 int family, unsigned tries)
{
	if (o->json) {
		json_head(o, "variant", t);
		json_str(o, "name", name);
		json_str(o, "reply", reply_kind(r->kind));
		json_who(o, r, family);
		fprintf(o->f, ",\"tries\":%u", tries);
		json_end(o);
		return;
	}
	if (o->quiet)
		return;
	fprintf(o->f, "%-16s %-6s ", name, reply_kind(r->kind));
	human_who(o, r, family);
	fprintf(o->f, " [%u probe%s]\n", tries, tries == 1 ? "" : "s");
}

static void json_seconds(struct output *o, const char *key, double s)
{
	if (s >= 0)
		fprintf(o->f, ",\"%s\":%.3f", key, s);
	else
		fprintf(o->f, ",\"%s\":null", key);
}

static void json_idle(struct output *o, ka_time t, const struct out_idle *r)
{
	json_head(o, "idle-timeout", t);
	json_str(o, "probe", r->probe);
	json_seconds(o, "alive_s", r->alive_s);
	json_seconds(o, "dead_s", r->dead_s);
	json_tristate(o, "rfc5382", r->rfc5382);
	if (r->expired && r->dead_s >= 0) {
		json_str(o, "expired_reply", reply_kind(r->expired->kind));
		json_who(o, r->expired, r->family);
	} else {
		fputs(",\"expired_reply\":null,\"by\":null,\"hops\":null,\"from\":null,"
		      "\"ttl\":null", o->f);
	}
	fprintf(o->f, ",\"agree\":%u,\"disagree\":%u,\"discarded\":%u,\"loss_pct\":%.1f,"
		"\"inconsistent\":%s", r->agree, r->disagree, r->discarded, r->loss_pct,
		r->inconsistent ? "true" : "false");
	json_end(o);
}

void out_idle_timeout(struct output *o, ka_time t, const struct out_idle *r)
{
	if (o->json) {
		json_idle(o, t, r);
		return;
	}
	if (o->quiet)
		return;
	if (r->inconsistent)
		fprintf(o->f, "idle timeout (%s probes): INCONSISTENT: flows died at some idle "
			"times and lived at longer ones, also when measured again", r->probe);
	else if (r->dead_s < 0)
		fprintf(o->f, "idle timeout (%s probes): none up to %.3f s idle", r->probe,
			r->alive_s);
	else if (r->alive_s < 0)
		fprintf(o->f, "idle timeout (%s probes): no idle was answered, not even %.3f s",
			r->probe, r->dead_s);
	else
		fprintf(o->f, "idle timeout (%s probes): answered after %.3f s idle, not after "
			"%.3f s", r->probe, r->alive_s, r->dead_s);
	if (!r->inconsistent && r->dead_s >= 0 && r->expired) {
		fprintf(o->f, " (expired flows got: %s, from ", reply_kind(r->expired->kind));
		human_who(o, r->expired, r->family);
		fputc(')', o->f);
	}
	fprintf(o->f, "; RFC 5382 (2h4m or more): %s\n", r->rfc5382 > 0 ? "met"
		: r->rfc5382 == 0 ? "NOT met" : "not tested that long");
	fprintf(o->f, "  %u connection%s agree, %u disagree; %u discarded; %.1f%% of answers "
		"needed a retry\n", r->agree, r->agree == 1 ? "" : "s", r->disagree, r->discarded,
		r->loss_pct);
}

void out_refresh(struct output *o, ka_time t, int survived, double intvl_s, double duration_s,
		 const char *skipped)
{
	if (o->json) {
		json_head(o, "refresh", t);
		json_tristate(o, "survived", survived);
		if (skipped) {
			json_str(o, "skipped", skipped);
		} else {
			fprintf(o->f, ",\"intvl_s\":%.3f,\"duration_s\":%.3f", intvl_s, duration_s);
		}
		json_end(o);
		return;
	}
	if (o->quiet)
		return;
	if (skipped)
		fprintf(o->f, "refresh: not tested (%s)\n", skipped);
	else
		fprintf(o->f, "refresh: probing every %.3f s %s the flow alive for %.3f s\n",
			intvl_s, survived ? "kept" : "did NOT keep", duration_s);
}

void out_advice(struct output *o, ka_time t, long time_s, long intvl_s, long probes,
		const char *note)
{
	if (o->json) {
		json_head(o, "advice", t);
		if (note)
			json_str(o, "note", note);
		fprintf(o->f, ",\"tcp_keepalive_time\":%ld,\"tcp_keepalive_intvl\":%ld,"
			"\"tcp_keepalive_probes\":%ld", time_s, intvl_s, probes);
		fprintf(o->f, ",\"sysctl\":[\"sysctl -w net.ipv4.tcp_keepalive_time=%ld\","
			"\"sysctl -w net.ipv4.tcp_keepalive_intvl=%ld\","
			"\"sysctl -w net.ipv4.tcp_keepalive_probes=%ld\"]", time_s, intvl_s, probes);
		fprintf(o->f, ",\"setsockopt\":[\"setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, "
			"&(int){%ld}, sizeof(int))\",\"setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, "
			"&(int){%ld}, sizeof(int))\",\"setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, "
			"&(int){%ld}, sizeof(int))\"]", time_s, intvl_s, probes);
		json_end(o);
		return;
	}
	if (o->quiet)
		return;
	if (note)
		fprintf(o->f, "advice: %s; Linux's defaults for the record:\n", note);
	fprintf(o->f, "advice, for hosts behind this path:\n"
		"    sysctl -w net.ipv4.tcp_keepalive_time=%ld\n"
		"    sysctl -w net.ipv4.tcp_keepalive_intvl=%ld\n"
		"    sysctl -w net.ipv4.tcp_keepalive_probes=%ld\n"
		"  or per socket, after setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &(int){1}, sizeof(int)):\n"
		"    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &(int){%ld}, sizeof(int));\n"
		"    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &(int){%ld}, sizeof(int));\n"
		"    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &(int){%ld}, sizeof(int));\n",
		time_s, intvl_s, probes, time_s, intvl_s, probes);
}

void out_audit_summary(struct output *o, ka_time t, const struct out_audit_total *tot)
{
	if (o->json) {
		json_head(o, "summary", t);
		fprintf(o->f, ",\"ok\":%s,\"interrupted\":%s,\"connections\":%u,"
			"\"discarded\":%u,\"loss_pct\":%.1f,\"ignored\":%u",
			tot->ok ? "true" : "false", tot->interrupted ? "true" : "false",
			tot->taken, tot->discarded, tot->loss_pct, tot->ignored);
		json_end(o);
		return;
	}
	fprintf(o->f, "%u connections (%u discarded), %.1f%% of answers needed a retry, "
		"%u segments ignored\n", tot->taken, tot->discarded, tot->loss_pct, tot->ignored);
	fprintf(o->f, "%s\n", tot->interrupted ? "audit interrupted" : tot->ok
		? "verdict: this path lets keep-alive do its job"
		: "verdict: this path mishandles keep-alive");
}

/* ---- many connections ----------------------------------------------------- */

void out_conn_verdict(struct output *o, ka_time t, const char *verdict, const char *reason,
		      const struct ka_machine *m)
{
	if (o->json) {
		json_head(o, "verdict", t);
		json_str(o, "verdict", verdict);
		if (reason)
			json_str(o, "reason", reason);
		fprintf(o->f, ",\"sent\":%u,\"answered\":%u,\"rst_answered\":%u,\"lost\":%u",
			m->st.sent, m->st.answered, m->rst_answered, ka_lost(m));
		json_rtts(o, &m->st);
		json_end(o);
		return;
	}
	human_head(o, t);
	fprintf(o->f, "verdict %s", verdict);
	if (reason)
		fprintf(o->f, " (%s)", reason);
	fputs(", ", o->f);
	human_counts(o, m);
	human_rtts(o, &m->st);
	fputc('\n', o->f);
}

static void table(FILE *f, const struct out_conn_row *rows, unsigned n)
{
	fprintf(f, "%5s  %-24s %6s %8s %6s  %-26s %s\n", "conn", "target", "sent", "answered",
		"lost", "rtt min/avg/max ms", "verdict");
	for (unsigned i = 0; i < n; i++) {
		const struct out_conn_row *r = &rows[i];
		const struct ka_stats *st = &r->m->st;
		char rtt[48] = "-";

		if (st->answered)
			snprintf(rtt, sizeof rtt, "%.3f/%.3f/%.3f", ms(st->rtt_min),
				 ms(rtt_avg(st)), ms(st->rtt_max));
		fprintf(f, "%5u  %-24s %6u %8u %6u  %-26s %s%s%s%s\n", r->id, r->dst, st->sent,
			st->answered, ka_lost(r->m), rtt, r->verdict ? r->verdict : "running",
			r->reason ? " (" : "", r->reason ? r->reason : "", r->reason ? ")" : "");
	}
}

void out_conn_table(struct output *o, ka_time t, const struct out_conn_row *rows, unsigned n,
		    uint32_t ignored)
{
	static const char *const kinds[] = { "alive", "dead", "reset", "unreachable",
					     "interrupted", "no-connection" };

	if (o->json) {
		json_head(o, "summary", t);
		json_wall(o, t);
		fprintf(o->f, ",\"connections\":%u", n);
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			unsigned c = 0;

			for (unsigned i = 0; i < n; i++)
				c += rows[i].verdict && strcmp(rows[i].verdict, kinds[k]) == 0;
			fprintf(o->f, ",\"%s\":%u", kinds[k], c);
		}
		fprintf(o->f, ",\"ignored\":%u", ignored);
		json_end(o);
		return;
	}
	fprintf(o->f, "--- keep-alive statistics, %u connection%s ---\n", n, n == 1 ? "" : "s");
	table(o->f, rows, n);
	if (ignored)
		fprintf(o->f, "%u segment%s ignored\n", ignored, ignored == 1 ? "" : "s");
}

void out_conn_status(FILE *f, const struct out_conn_row *rows, unsigned n)
{
	table(f, rows, n);
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
