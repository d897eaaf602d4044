/* output.c - human and JSON-lines forms of kaprobe's events, written
 * through outbuf.c. */
#include "emit/output.h"

#include <string.h>
#include <time.h>

#include "util/parse.h"
#include "report/report.h"
#include "net/target.h"

void out_init(struct output *o, FILE *f, bool json, bool quiet, ka_time t0)
{
	*o = (struct output){ .json = json, .quiet = quiet, .each = true, .t0 = t0 };
	ob_init(&o->ob, f, o->line, sizeof o->line);
}

void out_use_buffer(struct output *o, char *buf, size_t cap)
{
	ob_flush(&o->ob);
	ob_init(&o->ob, o->ob.f, buf, cap);
	o->each = false;
}

bool out_flush(struct output *o)
{
	return ob_flush(&o->ob);
}

/* Whether event e is printed: -q and --json decide it here only. */
static bool out_prints(const struct output *o, enum out_event e)
{
	if (e == OUT_MEASURE)
		return o->json && !o->quiet;
	if (!o->quiet)
		return true;
	switch (e) {
	case OUT_VERDICT:
	case OUT_SUMMARY:
		return true;
	case OUT_FINDING:
		return o->json;
	default:
		return false;
	}
}

bool out_shows(const struct output *o, enum out_event e)
{
	return o->rep || out_prints(o, e);
}

/* ---- pieces ---------------------------------------------------------------- */

/* A time since the start, in seconds with 6 decimals. */
static void put_secs(struct output *o, ka_time t)
{
	ob_fixed(&o->ob, t - o->t0, 6);
}

/* A duration in microseconds, in milliseconds with 3 decimals. */
static void put_ms(struct output *o, ka_time us)
{
	ob_fixed(&o->ob, us, 3);
}

/* A member's key with its comma and colon, ",\"key\":", as the two
 * arguments (text, length) the json_ helpers take.  Keys are string
 * literals: the length is known when compiling, and the copy is inlined. */
#define KEY(key) ",\"" key "\":", sizeof(",\"" key "\":") - 1

static void json_str(struct output *o, const char *k, size_t kn, const char *val)
{
	ob_mem(&o->ob, k, kn);
	ob_json_str(&o->ob, val);
}

/* A string kaprobe made itself (an address, a flow's name, a fixed word):
 * nothing in it needs escaping. */
static void json_own_str(struct output *o, const char *k, size_t kn, const char *val)
{
	ob_mem(&o->ob, k, kn);
	ob_char(&o->ob, '"');
	ob_str(&o->ob, val);
	ob_char(&o->ob, '"');
}

static void json_u64(struct output *o, const char *k, size_t kn, uint64_t v)
{
	ob_mem(&o->ob, k, kn);
	ob_u64(&o->ob, v);
}

static void json_int(struct output *o, const char *k, size_t kn, int64_t v)
{
	ob_mem(&o->ob, k, kn);
	ob_i64(&o->ob, v);
}

static void json_bool(struct output *o, const char *k, size_t kn, bool v)
{
	ob_mem(&o->ob, k, kn);
	ob_str(&o->ob, v ? "true" : "false");
}

static void json_null(struct output *o, const char *k, size_t kn)
{
	ob_mem(&o->ob, k, kn);
	ob_str(&o->ob, "null");
}

/* Seconds with 3 decimals (the audit's, computed as doubles). */
static void json_secs(struct output *o, const char *k, size_t kn, double v)
{
	ob_mem(&o->ob, k, kn);
	ob_double(&o->ob, v, 3);
}

/* The same, or null when v < 0. */
static void json_secs_or_null(struct output *o, const char *k, size_t kn, double v)
{
	if (v >= 0)
		json_secs(o, k, kn, v);
	else
		json_null(o, k, kn);
}

/* Start a JSON object: "event", "t", and in replay "flow" and "frame". */
static void json_head(struct output *o, const char *event, ka_time t)
{
	ob_str(&o->ob, "{\"event\":\"");
	ob_str(&o->ob, event);
	ob_str(&o->ob, "\",\"t\":");
	put_secs(o, t);
	if (o->conn) {
		json_u64(o, KEY("conn"), o->conn);
		json_str(o, KEY("dst"), o->dst);
	}
	if (o->flow)
		json_own_str(o, KEY("flow"), o->flow);
	if (o->frame)
		json_u64(o, KEY("frame"), o->frame);
}

/* The end of an event line, either form. */
static void end_line(struct output *o)
{
	ob_char(&o->ob, '\n');
	if (o->each)
		ob_hand(&o->ob);
}

static void json_end(struct output *o)
{
	ob_char(&o->ob, '}');
	end_line(o);
}

/* The wall-clock time of an event, in microseconds since 1970. */
static ka_time wall(const struct output *o, ka_time t)
{
	return t + o->wall_off;
}

/* -D, as ping's: the wall-clock time first. */
static void stamp(struct output *o, ka_time t)
{
	if (!o->stamp)
		return;
	ob_char(&o->ob, '[');
	ob_fixed(&o->ob, wall(o, t), 6);
	ob_str(&o->ob, "] ");
}

/* The JSON "ts" member: the wall-clock time. */
static void json_wall(struct output *o, ka_time t)
{
	ob_mem(&o->ob, KEY("ts"));
	ob_fixed(&o->ob, wall(o, t), 6);
}

/* A two-digit field of a time of day. */
static void two_digits(struct output *o, int v, char sep)
{
	ob_char(&o->ob, (char)('0' + v / 10));
	ob_char(&o->ob, (char)('0' + v % 10));
	ob_char(&o->ob, sep);
}

/* Microseconds as six digits, zeros in front. */
static void put_micros(struct output *o, ka_time us)
{
	char d[6];

	for (int i = 5; i >= 0; i--, us /= 10)
		d[i] = (char)('0' + us % 10);
	ob_mem(&o->ob, d, sizeof d);
}

/* The human line's prefix: -D's time; in replay the frame number, its
 * capture time (UTC, as tcpdump's time of day) and the flow; with many
 * connections the target. */
static void human_head(struct output *o, ka_time t)
{
	stamp(o, t);
	if (o->frame) {
		time_t sec = (time_t)(wall(o, t) / 1000000);
		struct tm tm;

		ob_u64(&o->ob, o->frame);
		ob_char(&o->ob, ' ');
		if (gmtime_r(&sec, &tm)) {
			two_digits(o, tm.tm_hour, ':');
			two_digits(o, tm.tm_min, ':');
			two_digits(o, tm.tm_sec, '.');
			put_micros(o, wall(o, t) % 1000000);
			ob_char(&o->ob, ' ');
		}
	}
	if (o->flow) {
		ob_str(&o->ob, o->flow);
		ob_char(&o->ob, ' ');
	}
	if (o->dst) {
		ob_str(&o->ob, o->dst);
		ob_str(&o->ob, " : ");
	}
}

/* " name=v" in a human line. */
static void human_u64(struct output *o, const char *name, uint64_t v)
{
	ob_char(&o->ob, ' ');
	ob_str(&o->ob, name);
	ob_char(&o->ob, '=');
	ob_u64(&o->ob, v);
}

/* "N word" or "N words". */
static void human_count(struct output *o, uint64_t n, const char *word)
{
	ob_u64(&o->ob, n);
	ob_char(&o->ob, ' ');
	ob_str(&o->ob, word);
	if (n != 1)
		ob_char(&o->ob, 's');
}

/* ---- live mode and replay -------------------------------------------------- */

void out_connect(struct output *o, ka_time t, const char *src, const char *dst,
		 const char *iface, bool ts, const struct ka_config *cfg)
{
	if (!out_prints(o, OUT_CONNECT))
		return;
	if (o->json) {
		json_head(o, "connect", t);
		json_str(o, KEY("src"), src);
		if (!o->dst)   /* many connections: json_head named it */
			json_str(o, KEY("dst"), dst);
		json_str(o, KEY("iface"), iface);
		json_wall(o, t);
		json_bool(o, KEY("timestamps"), ts);
		json_secs(o, KEY("idle_s"), cfg->idle / 1e6);
		json_secs(o, KEY("intvl_s"), cfg->intvl / 1e6);
		json_u64(o, KEY("probes"), cfg->probes);
		json_end(o);
		return;
	}
	char idle[32], intvl[32];

	format_duration(cfg->idle, idle, sizeof idle);
	format_duration(cfg->intvl, intvl, sizeof intvl);
	stamp(o, t);
	ob_str(&o->ob, "KAPROBE ");
	ob_str(&o->ob, dst);
	ob_str(&o->ob, " from ");
	ob_str(&o->ob, src);
	ob_str(&o->ob, " via ");
	ob_str(&o->ob, iface);
	ob_str(&o->ob, ": idle ");
	ob_str(&o->ob, idle);
	ob_str(&o->ob, ", interval ");
	ob_str(&o->ob, intvl);
	ob_str(&o->ob, ", ");
	ob_u64(&o->ob, cfg->probes);
	ob_str(&o->ob, " probes, timestamps ");
	ob_str(&o->ob, ts ? "on" : "off");
	end_line(o);
}

void out_probe(struct output *o, ka_time t, const struct out_probe *p)
{
	if (o->rep)
		rep_probe(o->rep, o->row, t, p);
	if (!out_prints(o, OUT_PROBE))
		return;
	if (o->json) {
		json_head(o, "probe", t);
		json_u64(o, KEY("n"), p->n);
		if (p->round)
			json_u64(o, KEY("round"), p->round);
		json_u64(o, KEY("seq"), p->seq);
		json_u64(o, KEY("ack"), p->ack);
		json_u64(o, KEY("len"), p->len);
		if (p->error)
			json_str(o, KEY("error"), p->error);
		json_end(o);
		return;
	}
	human_head(o, t);
	ob_str(&o->ob, "probe ");
	ob_u64(&o->ob, p->n);
	if (p->round) {
		ob_str(&o->ob, " (round ");
		ob_u64(&o->ob, p->round);
		ob_char(&o->ob, ')');
	}
	ob_char(&o->ob, ':');
	human_u64(o, "seq", p->seq);
	human_u64(o, "ack", p->ack);
	human_u64(o, "len", p->len);
	if (p->error) {
		ob_str(&o->ob, ": not sent: ");
		ob_str(&o->ob, p->error);
		ob_str(&o->ob, ", counted as lost");
	}
	end_line(o);
}

static void json_reply(struct output *o, ka_time t, const struct out_reply *r)
{
	json_head(o, "reply", t);
	if (r->probe_frame)
		json_u64(o, KEY("probe_frame"), r->probe_frame);
	json_own_str(o, KEY("kind"), r->kind);
	json_u64(o, KEY("n"), r->n);
	if (r->round)
		json_u64(o, KEY("round"), r->round);
	ob_mem(&o->ob, KEY("rtt_ms"));
	if (r->n > 0)
		put_ms(o, r->rtt);
	else
		ob_str(&o->ob, "null");
	json_int(o, KEY("ttl"), r->ttl);
	json_own_str(o, KEY("from"), r->from);
	if (r->icmp_type >= 0) {
		json_int(o, KEY("type"), r->icmp_type);
		json_int(o, KEY("code"), r->icmp_code);
	}
	if (r->icmp_class)
		json_str(o, KEY("icmp_class"), r->icmp_class);
	if (r->icmp_type < 0) {
		json_u64(o, KEY("seq"), r->seq);
		json_u64(o, KEY("ack"), r->ack);
		json_u64(o, KEY("len"), r->len);
	}
	json_end(o);
}

void out_reply(struct output *o, ka_time t, const struct out_reply *r)
{
	if (o->rep)
		rep_reply(o->rep, o->row, t, r);
	if (!out_prints(o, OUT_REPLY))
		return;
	if (o->json) {
		json_reply(o, t, r);
		return;
	}
	human_head(o, t);
	ob_str(&o->ob, r->kind);
	ob_str(&o->ob, " from ");
	ob_str(&o->ob, r->from);
	ob_char(&o->ob, ':');
	if (r->icmp_type >= 0) {
		ob_str(&o->ob, " type=");
		ob_i64(&o->ob, r->icmp_type);
		ob_str(&o->ob, " code=");
		ob_i64(&o->ob, r->icmp_code);
		if (r->icmp_class) {
			ob_char(&o->ob, ' ');
			ob_str(&o->ob, r->icmp_class);
		}
	} else {
		human_u64(o, "seq", r->seq);
		human_u64(o, "ack", r->ack);
		human_u64(o, "len", r->len);
	}
	if (r->round)
		human_u64(o, "round", r->round);
	if (r->n > 0)
		human_u64(o, "probe", r->n);
	ob_str(&o->ob, " ttl=");
	ob_i64(&o->ob, r->ttl);
	if (r->n > 0) {
		ob_str(&o->ob, " rtt=");
		put_ms(o, r->rtt);
		ob_str(&o->ob, " ms");
	}
	end_line(o);
}

void out_notice(struct output *o, ka_time t, const char *event, const char *text)
{
	if (!out_prints(o, OUT_NOTICE))
		return;
	if (o->json) {
		json_head(o, event, t);
		json_str(o, KEY("text"), text);
		json_end(o);
		return;
	}
	human_head(o, t);
	ob_str(&o->ob, event);
	ob_str(&o->ob, ": ");
	ob_str(&o->ob, text);
	end_line(o);
}

void out_error(struct output *o, ka_time t, const char *text)
{
	if (!o->json)   /* people read it on stderr */
		return;
	json_head(o, "error", t);
	json_str(o, KEY("text"), text);
	json_end(o);
}

void out_ignored(struct output *o, ka_time t, const char *reason, const char *from,
		 const char *text)
{
	if (!out_prints(o, OUT_IGNORED))
		return;
	if (o->json) {
		json_head(o, "ignored", t);
		json_str(o, KEY("reason"), reason);
		json_str(o, KEY("from"), from);
		json_str(o, KEY("text"), text);
		json_end(o);
		return;
	}
	human_head(o, t);
	ob_str(&o->ob, "ignored from ");
	ob_str(&o->ob, from);
	ob_str(&o->ob, ": ");
	ob_str(&o->ob, text);
	end_line(o);
}

/* Counts that add up: sent = answered + answered by an RST + lost. */
static void human_counts(struct output *o, const struct ka_machine *m)
{
	const struct ka_stats *st = &m->st;

	human_count(o, st->sent, "probe");
	ob_str(&o->ob, " sent, ");
	ob_u64(&o->ob, st->answered);
	ob_str(&o->ob, " answered");
	if (m->rst_answered) {
		ob_str(&o->ob, ", ");
		ob_u64(&o->ob, m->rst_answered);
		ob_str(&o->ob, " answered by an RST");
	}
	ob_str(&o->ob, ", ");
	ob_u64(&o->ob, ka_lost(m));
	ob_str(&o->ob, " lost (");
	ob_double(&o->ob, st->sent ? 100.0 * ka_lost(m) / st->sent : 0.0, 0);
	ob_str(&o->ob, "%)");
}

/* The average RTT in milliseconds with 3 decimals, as printf's "%.3f" of
 * rtt_sum / answered / 1000 gave it: exactly rounded to the microsecond,
 * and through the same doubles when it is a tie. */
static void put_rtt_avg(struct outbuf *b, const struct ka_stats *st)
{
	uint64_t sum = (uint64_t)st->rtt_sum, q = sum / st->answered;
	uint64_t twice_rem = 2 * (sum % st->answered);

	if (twice_rem == st->answered) {
		ob_double(b, (double)st->rtt_sum / st->answered / 1e3, 3);
		return;
	}
	ob_fixed(b, (int64_t)(q + (twice_rem > st->answered)), 3);
}

static void json_rtts(struct output *o, const struct ka_stats *st)
{
	if (!st->answered) {
		ob_str(&o->ob, ",\"rtt_min_ms\":null,\"rtt_avg_ms\":null,\"rtt_max_ms\":null");
		return;
	}
	ob_mem(&o->ob, KEY("rtt_min_ms"));
	put_ms(o, st->rtt_min);
	ob_mem(&o->ob, KEY("rtt_avg_ms"));
	put_rtt_avg(&o->ob, st);
	ob_mem(&o->ob, KEY("rtt_max_ms"));
	put_ms(o, st->rtt_max);
}

/* The RTTs in milliseconds as three figures, "min/avg/max". */
static void rtt_figures(struct outbuf *b, const struct ka_stats *st)
{
	ob_fixed(b, st->rtt_min, 3);
	ob_char(b, '/');
	put_rtt_avg(b, st);
	ob_char(b, '/');
	ob_fixed(b, st->rtt_max, 3);
}

static void human_rtts(struct output *o, const struct ka_stats *st)
{
	if (!st->answered)
		return;
	ob_str(&o->ob, ", rtt min/avg/max = ");
	rtt_figures(&o->ob, st);
	ob_str(&o->ob, " ms");
}

void out_verdict(struct output *o, ka_time t, const char *verdict, const struct ka_machine *m)
{
	if (o->rep && m)
		rep_flow_verdict(o->rep, o->row, t, verdict, m);
	if (!out_prints(o, m ? OUT_FLOW_VERDICT : OUT_VERDICT))
		return;
	if (o->json) {
		json_head(o, "verdict", t);
		json_own_str(o, KEY("verdict"), verdict);
		if (m) {
			json_u64(o, KEY("probes"), m->st.sent);
			json_u64(o, KEY("answered"), m->st.answered);
			json_u64(o, KEY("rst_answered"), m->rst_answered);
			json_u64(o, KEY("lost"), ka_lost(m));
			json_rtts(o, &m->st);
		}
		json_end(o);
		return;
	}
	if (!m) {
		stamp(o, t);
		ob_str(&o->ob, "verdict: ");
		ob_str(&o->ob, verdict);
		end_line(o);
		return;
	}
	ob_str(&o->ob, o->flow);
	ob_str(&o->ob, ": ");
	ob_str(&o->ob, verdict);
	ob_str(&o->ob, ", ");
	human_counts(o, m);
	human_rtts(o, &m->st);
	end_line(o);
}

void out_would_die(struct output *o, ka_time t, const char *verdict)
{
	if (o->rep)
		rep_would_die(o->rep, o->row, t, verdict);
	if (!out_prints(o, OUT_WOULD_DIE))
		return;
	if (o->json) {
		json_head(o, "would-die", t);
		json_own_str(o, KEY("verdict"), verdict);
		json_end(o);
		return;
	}
	ob_str(&o->ob, o->flow);
	ob_str(&o->ob, ": with the given timings the prober would have declared the peer ");
	ob_str(&o->ob, verdict);
	ob_str(&o->ob, " at t=");
	ob_double(&o->ob, (double)(t - o->t0) / 1e6, 3);
	ob_str(&o->ob, " s");
	end_line(o);
}

void out_cut(struct output *o, ka_time t, const char *box, ka_time timeout, ka_time gap,
	     bool refreshed)
{
	if (o->rep)
		rep_cut(o->rep, o->row, t, box, timeout, gap, refreshed);
	if (!out_prints(o, OUT_CUT))
		return;
	if (o->json) {
		json_head(o, "cut", t);
		json_str(o, KEY("box"), box);
		ob_str(&o->ob, ",\"timeout_s\":");
		ob_fixed(&o->ob, timeout, 6);
		ob_str(&o->ob, ",\"gap_s\":");
		ob_fixed(&o->ob, gap, 6);
		json_bool(o, KEY("refreshed"), refreshed);
		json_end(o);
		return;
	}
	/* Like would-die, no frame's time in front: t is not the frame's. */
	ob_str(&o->ob, o->flow);
	ob_str(&o->ob, ": idle ");
	ob_fixed(&o->ob, gap, 6);
	ob_str(&o->ob, " s");
	if (o->frame) {
		ob_str(&o->ob, " (to frame ");
		ob_u64(&o->ob, o->frame);
		ob_char(&o->ob, ')');
	}
	ob_str(&o->ob, refreshed ? ", but keep-alive refreshed box " : ": box ");
	ob_str(&o->ob, box);
	ob_str(&o->ob, " (idle timeout ");
	ob_fixed(&o->ob, timeout, 6);
	ob_str(&o->ob, " s)");
	if (!refreshed) {
		ob_str(&o->ob, " dropped it at t=");
		ob_double(&o->ob, (double)(t - o->t0) / 1e6, 3);
		ob_str(&o->ob, " s");
	}
	end_line(o);
}

void out_summary(struct output *o, ka_time t, const struct ka_machine *m, uint32_t ignored)
{
	const struct ka_stats *st = &m->st;

	if (!out_prints(o, OUT_SUMMARY))
		return;
	if (o->json) {
		json_head(o, "summary", t);
		json_wall(o, t);
		json_u64(o, KEY("sent"), st->sent);
		json_u64(o, KEY("answered"), st->answered);
		json_u64(o, KEY("rst_answered"), m->rst_answered);
		json_u64(o, KEY("lost"), ka_lost(m));
		json_u64(o, KEY("ignored"), ignored);
		json_rtts(o, st);
		json_end(o);
		return;
	}
	ob_str(&o->ob, "--- ");
	ob_str(&o->ob, o->target ? o->target : "");
	ob_str(&o->ob, " keep-alive statistics ---\n");
	human_counts(o, m);
	human_rtts(o, st);
	if (ignored) {
		ob_str(&o->ob, "; ");
		ob_u64(&o->ob, ignored);
		ob_str(&o->ob, " ignored");
	}
	end_line(o);
}

void out_replay_summary(struct output *o, ka_time t, const char *file,
			const struct replay_totals *tot)
{
	if (o->rep)
		rep_replay_summary(o->rep, t, file, tot);
	if (!out_prints(o, OUT_SUMMARY))
		return;
	if (o->json) {
		json_head(o, "summary", t);
		json_str(o, KEY("file"), file);
		json_u64(o, KEY("frames"), tot->frames);
		json_u64(o, KEY("tcp"), tot->tcp);
		json_u64(o, KEY("flows"), tot->flows);
		json_u64(o, KEY("flows_probed"), tot->flows_probed);
		json_u64(o, KEY("probes"), tot->probes);
		json_u64(o, KEY("answered"), tot->answered);
		ob_str(&o->ob, ",\"skipped\":{\"truncated\":");
		ob_u64(&o->ob, tot->truncated);
		json_u64(o, KEY("malformed"), tot->malformed);
		json_u64(o, KEY("not_tcp"), tot->not_tcp);
		ob_char(&o->ob, '}');
		json_u64(o, KEY("evicted"), tot->evicted);
		json_bool(o, KEY("interrupted"), tot->interrupted);
		json_end(o);
		return;
	}
	ob_str(&o->ob, "--- ");
	ob_str(&o->ob, file);
	ob_str(&o->ob, ": ");
	human_count(o, tot->frames, "frame");
	ob_str(&o->ob, ", ");
	human_count(o, tot->tcp, "TCP segment");
	ob_str(&o->ob, ", ");
	human_count(o, tot->flows, "flow");
	ob_str(&o->ob, " (");
	ob_u64(&o->ob, tot->flows_probed);
	ob_str(&o->ob, " with keep-alive), ");
	human_count(o, tot->probes, "probe");
	ob_str(&o->ob, ", ");
	ob_u64(&o->ob, tot->answered);
	ob_str(&o->ob, " answered; skipped ");
	ob_u64(&o->ob, tot->truncated);
	ob_str(&o->ob, " truncated, ");
	ob_u64(&o->ob, tot->malformed);
	ob_str(&o->ob, " malformed, ");
	ob_u64(&o->ob, tot->not_tcp);
	ob_str(&o->ob, " not TCP; ");
	human_count(o, tot->evicted, "flow");
	ob_str(&o->ob, tot->interrupted ? " evicted; interrupted" : " evicted");
	end_line(o);
}

/* ---- the audit ------------------------------------------------------------- */

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
static void json_tristate(struct output *o, const char *k, size_t kn, int v)
{
	ob_mem(&o->ob, k, kn);
	ob_str(&o->ob, v > 0 ? "true" : v == 0 ? "false" : "null");
}

static bool replied(const struct audit_reply *r)
{
	return r && r->kind != AR_NONE && r->kind != AR_PENDING;
}

/* "by", "hops", "from" and "ttl" of a reply; nulls when nothing came. */
static void json_who(struct output *o, const struct audit_reply *r, int family)
{
	char from[64];

	if (!replied(r)) {
		ob_str(&o->ob, ",\"by\":null,\"hops\":null,\"from\":null,\"ttl\":null");
		return;
	}
	addr_format(family, r->from, from, sizeof from);
	json_str(o, KEY("by"), r->by_peer ? "peer" : "middlebox");
	json_int(o, KEY("hops"), r->hops);
	json_str(o, KEY("from"), from);
	json_int(o, KEY("ttl"), r->ttl);
}

static void human_who(struct output *o, const struct audit_reply *r, int family)
{
	char from[64];

	if (!replied(r)) {
		ob_char(&o->ob, '-');
		return;
	}
	addr_format(family, r->from, from, sizeof from);
	ob_str(&o->ob, r->by_peer ? "peer " : "middlebox ");
	ob_str(&o->ob, from);
	ob_str(&o->ob, ", ");
	ob_i64(&o->ob, r->hops);
	ob_str(&o->ob, r->hops == 1 ? " hop" : " hops");
	ob_str(&o->ob, " away (ttl ");
	ob_i64(&o->ob, r->ttl);
	ob_char(&o->ob, ')');
}

void out_audit_start(struct output *o, const char *dst, const char *src, const char *iface)
{
	if (o->rep)
		rep_audit_start(o->rep, dst, src, iface);
	/* JSON has no heading: every finding names what it is. */
	if (o->json || !out_prints(o, OUT_AUDIT_START))
		return;
	ob_str(&o->ob, "AUDIT ");
	ob_str(&o->ob, dst);
	ob_str(&o->ob, " from ");
	ob_str(&o->ob, src);
	ob_str(&o->ob, " via ");
	ob_str(&o->ob, iface);
	ob_char(&o->ob, '\n');
	ob_pad(&o->ob, "probe", 16);
	ob_char(&o->ob, ' ');
	ob_pad(&o->ob, "reply", 6);
	ob_str(&o->ob, " from");
	end_line(o);
}

void out_variant(struct output *o, ka_time t, const char *name, const struct audit_reply *r,
		 int family, unsigned tries)
{
	if (o->rep)
		rep_variant(o->rep, t, name, r, family, tries);
	if (!out_prints(o, OUT_FINDING))
		return;
	if (o->json) {
		json_head(o, "variant", t);
		json_str(o, KEY("name"), name);
		json_str(o, KEY("reply"), reply_kind(r->kind));
		json_who(o, r, family);
		json_u64(o, KEY("tries"), tries);
		json_end(o);
		return;
	}
	ob_pad(&o->ob, name, 16);
	ob_char(&o->ob, ' ');
	ob_pad(&o->ob, reply_kind(r->kind), 6);
	ob_char(&o->ob, ' ');
	human_who(o, r, family);
	ob_str(&o->ob, " [");
	human_count(o, tries, "probe");
	ob_char(&o->ob, ']');
	end_line(o);
}

void out_measure(struct output *o, ka_time t, const struct out_measure *m)
{
	if (o->rep)
		rep_measure(o->rep, t, m);
	if (!out_prints(o, OUT_MEASURE))
		return;
	json_head(o, "measure", t);
	json_secs(o, KEY("idle_s"), m->idle_s);
	json_str(o, KEY("reply"), reply_kind(m->r->kind));
	json_who(o, m->r, m->family);
	json_u64(o, KEY("round"), m->round);
	json_bool(o, KEY("remeasure"), m->remeasure);
	json_end(o);
}

static void json_idle(struct output *o, ka_time t, const struct out_idle *r)
{
	json_head(o, "idle-timeout", t);
	json_str(o, KEY("probe"), r->probe);
	json_secs_or_null(o, KEY("alive_s"), r->alive_s);
	json_secs_or_null(o, KEY("dead_s"), r->dead_s);
	json_tristate(o, KEY("rfc5382"), r->rfc5382);
	if (r->expired && r->dead_s >= 0) {
		json_str(o, KEY("expired_reply"), reply_kind(r->expired->kind));
		json_who(o, r->expired, r->family);
	} else {
		ob_str(&o->ob, ",\"expired_reply\":null,\"by\":null,\"hops\":null,\"from\":null,"
		       "\"ttl\":null");
	}
	json_u64(o, KEY("agree"), r->agree);
	json_u64(o, KEY("disagree"), r->disagree);
	json_u64(o, KEY("discarded"), r->discarded);
	ob_mem(&o->ob, KEY("loss_pct"));
	ob_double(&o->ob, r->loss_pct, 1);
	json_bool(o, KEY("inconsistent"), r->inconsistent);
	json_end(o);
}

/* The finding's first words, up to the RFC 5382 verdict. */
static void human_idle_bracket(struct output *o, const struct out_idle *r)
{
	ob_str(&o->ob, "idle timeout (");
	ob_str(&o->ob, r->probe);
	if (r->inconsistent) {
		ob_str(&o->ob, " probes): INCONSISTENT: flows died at some idle times and lived "
		       "at longer ones, also when measured again");
		return;
	}
	if (r->dead_s < 0) {
		ob_str(&o->ob, " probes): none up to ");
		ob_double(&o->ob, r->alive_s, 3);
		ob_str(&o->ob, " s idle");
		return;
	}
	if (r->alive_s < 0) {
		ob_str(&o->ob, " probes): no idle was answered, not even ");
		ob_double(&o->ob, r->dead_s, 3);
		ob_str(&o->ob, " s");
	} else {
		ob_str(&o->ob, " probes): answered after ");
		ob_double(&o->ob, r->alive_s, 3);
		ob_str(&o->ob, " s idle, not after ");
		ob_double(&o->ob, r->dead_s, 3);
		ob_str(&o->ob, " s");
	}
	if (r->expired) {
		ob_str(&o->ob, " (expired flows got: ");
		ob_str(&o->ob, reply_kind(r->expired->kind));
		ob_str(&o->ob, ", from ");
		human_who(o, r->expired, r->family);
		ob_char(&o->ob, ')');
	}
}

void out_idle_timeout(struct output *o, ka_time t, const struct out_idle *r)
{
	if (o->rep)
		rep_idle(o->rep, t, r);
	if (!out_prints(o, OUT_FINDING))
		return;
	if (o->json) {
		json_idle(o, t, r);
		return;
	}
	human_idle_bracket(o, r);
	ob_str(&o->ob, "; RFC 5382 (2h4m or more): ");
	ob_str(&o->ob, r->rfc5382 > 0 ? "met" : r->rfc5382 == 0 ? "NOT met"
	       : "not tested that long");
	ob_str(&o->ob, "\n  ");
	human_count(o, r->agree, "connection");
	ob_str(&o->ob, " agree, ");
	ob_u64(&o->ob, r->disagree);
	ob_str(&o->ob, " disagree; ");
	ob_u64(&o->ob, r->discarded);
	ob_str(&o->ob, " discarded; ");
	ob_double(&o->ob, r->loss_pct, 1);
	ob_str(&o->ob, "% of answers needed a retry");
	end_line(o);
}

void out_refresh(struct output *o, ka_time t, int survived, double intvl_s, double duration_s,
		 const char *skipped)
{
	if (o->rep)
		rep_refresh(o->rep, t, survived, intvl_s, duration_s, skipped);
	if (!out_prints(o, OUT_FINDING))
		return;
	if (o->json) {
		json_head(o, "refresh", t);
		json_tristate(o, KEY("survived"), survived);
		if (skipped) {
			json_str(o, KEY("skipped"), skipped);
		} else {
			json_secs(o, KEY("intvl_s"), intvl_s);
			json_secs(o, KEY("duration_s"), duration_s);
		}
		json_end(o);
		return;
	}
	if (skipped) {
		ob_str(&o->ob, "refresh: not tested (");
		ob_str(&o->ob, skipped);
		ob_char(&o->ob, ')');
	} else {
		ob_str(&o->ob, "refresh: probing every ");
		ob_double(&o->ob, intvl_s, 3);
		ob_str(&o->ob, survived ? " s kept" : " s did NOT keep");
		ob_str(&o->ob, " the flow alive for ");
		ob_double(&o->ob, duration_s, 3);
		ob_str(&o->ob, " s");
	}
	end_line(o);
}

/* The three settings as sysctl or setsockopt lines: pre, then the name
 * (names[i]), then mid, the value and post, for each. */
static void advice_lines(struct output *o, const char *pre, const char *const names[3],
			 const char *mid, const long v[3], const char *post, const char *sep)
{
	for (int i = 0; i < 3; i++) {
		if (i)
			ob_str(&o->ob, sep);
		ob_str(&o->ob, pre);
		ob_str(&o->ob, names[i]);
		ob_str(&o->ob, mid);
		ob_i64(&o->ob, v[i]);
		ob_str(&o->ob, post);
	}
}

static const char *const sysctls[3] = { "time", "intvl", "probes" };
static const char *const sockopts[3] = { "KEEPIDLE", "KEEPINTVL", "KEEPCNT" };

void out_advice(struct output *o, ka_time t, long time_s, long intvl_s, long probes,
		const char *note)
{
	const long v[3] = { time_s, intvl_s, probes };

	if (o->rep)
		rep_advice(o->rep, t, time_s, intvl_s, probes, note);
	if (!out_prints(o, OUT_FINDING))
		return;
	if (o->json) {
		json_head(o, "advice", t);
		if (note)
			json_str(o, KEY("note"), note);
		json_int(o, KEY("tcp_keepalive_time"), time_s);
		json_int(o, KEY("tcp_keepalive_intvl"), intvl_s);
		json_int(o, KEY("tcp_keepalive_probes"), probes);
		ob_str(&o->ob, ",\"sysctl\":[");
		advice_lines(o, "\"sysctl -w net.ipv4.tcp_keepalive_", sysctls, "=", v, "\"", ",");
		ob_str(&o->ob, "],\"setsockopt\":[");
		advice_lines(o, "\"setsockopt(fd, IPPROTO_TCP, TCP_", sockopts, ", &(int){", v,
			     "}, sizeof(int))\"", ",");
		ob_char(&o->ob, ']');
		json_end(o);
		return;
	}
	if (note) {
		ob_str(&o->ob, "advice: ");
		ob_str(&o->ob, note);
		ob_str(&o->ob, "; Linux's defaults for the record:\n");
	}
	ob_str(&o->ob, "advice, for hosts behind this path:\n");
	advice_lines(o, "    sysctl -w net.ipv4.tcp_keepalive_", sysctls, "=", v, "\n", "");
	ob_str(&o->ob, "  or per socket, after setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, "
	       "&(int){1}, sizeof(int)):\n");
	advice_lines(o, "    setsockopt(fd, IPPROTO_TCP, TCP_", sockopts, ", &(int){", v,
		     "}, sizeof(int));\n", "");
	if (o->each)
		ob_hand(&o->ob);
}

void out_audit_summary(struct output *o, ka_time t, const struct out_audit_total *tot)
{
	if (o->rep)
		rep_audit_summary(o->rep, t, tot);
	if (!out_prints(o, OUT_SUMMARY))
		return;
	if (o->json) {
		json_head(o, "summary", t);
		json_bool(o, KEY("ok"), tot->ok);
		json_bool(o, KEY("interrupted"), tot->interrupted);
		json_u64(o, KEY("connections"), tot->taken);
		json_u64(o, KEY("discarded"), tot->discarded);
		ob_mem(&o->ob, KEY("loss_pct"));
		ob_double(&o->ob, tot->loss_pct, 1);
		json_u64(o, KEY("ignored"), tot->ignored);
		json_end(o);
		return;
	}
	human_count(o, tot->taken, "connection");
	ob_str(&o->ob, " (");
	ob_u64(&o->ob, tot->discarded);
	ob_str(&o->ob, " discarded), ");
	ob_double(&o->ob, tot->loss_pct, 1);
	ob_str(&o->ob, "% of answers needed a retry, ");
	human_count(o, tot->ignored, "segment");
	ob_str(&o->ob, " ignored\n");
	ob_str(&o->ob, tot->interrupted ? "audit interrupted" : tot->ok
	       ? "verdict: this path lets keep-alive do its job"
	       : "verdict: this path mishandles keep-alive");
	end_line(o);
}

/* ---- many connections ------------------------------------------------------ */

void out_conn_verdict(struct output *o, ka_time t, const char *verdict, const char *reason,
		      const struct ka_machine *m)
{
	if (!out_prints(o, OUT_VERDICT))
		return;
	if (o->json) {
		json_head(o, "verdict", t);
		json_own_str(o, KEY("verdict"), verdict);
		if (reason)
			json_str(o, KEY("reason"), reason);
		json_u64(o, KEY("sent"), m->st.sent);
		json_u64(o, KEY("answered"), m->st.answered);
		json_u64(o, KEY("rst_answered"), m->rst_answered);
		json_u64(o, KEY("lost"), ka_lost(m));
		json_rtts(o, &m->st);
		json_end(o);
		return;
	}
	human_head(o, t);
	ob_str(&o->ob, "verdict ");
	ob_str(&o->ob, verdict);
	if (reason) {
		ob_str(&o->ob, " (");
		ob_str(&o->ob, reason);
		ob_char(&o->ob, ')');
	}
	ob_str(&o->ob, ", ");
	human_counts(o, m);
	human_rtts(o, &m->st);
	end_line(o);
}

/* v right-aligned in a column `width` wide (printf's "%*u"). */
static void column_u64(struct outbuf *b, uint64_t v, size_t width)
{
	char tmp[24];
	struct outbuf s;

	ob_init(&s, NULL, tmp, sizeof tmp - 1);
	ob_u64(&s, v);
	tmp[s.len] = '\0';
	ob_rpad(b, tmp, width);
}

static void table_row(struct outbuf *b, const struct out_conn_row *r)
{
	const struct ka_stats *st = &r->m->st;
	char rtt[48] = "-";

	if (st->answered) {
		struct outbuf s;

		ob_init(&s, NULL, rtt, sizeof rtt - 1);
		rtt_figures(&s, st);
		rtt[s.len] = '\0';
	}
	column_u64(b, r->id, 5);
	ob_str(b, "  ");
	ob_pad(b, r->dst, 24);
	ob_char(b, ' ');
	column_u64(b, st->sent, 6);
	ob_char(b, ' ');
	column_u64(b, st->answered, 8);
	ob_char(b, ' ');
	column_u64(b, ka_lost(r->m), 6);
	ob_str(b, "  ");
	ob_pad(b, rtt, 26);
	ob_char(b, ' ');
	ob_str(b, r->verdict ? r->verdict : "running");
	if (r->reason) {
		ob_str(b, " (");
		ob_str(b, r->reason);
		ob_char(b, ')');
	}
	ob_char(b, '\n');
}

static void table(struct outbuf *b, const struct out_conn_row *rows, unsigned n)
{
	ob_rpad(b, "conn", 5);
	ob_str(b, "  ");
	ob_pad(b, "target", 24);
	ob_char(b, ' ');
	ob_rpad(b, "sent", 6);
	ob_char(b, ' ');
	ob_rpad(b, "answered", 8);
	ob_char(b, ' ');
	ob_rpad(b, "lost", 6);
	ob_str(b, "  ");
	ob_pad(b, "rtt min/avg/max ms", 26);
	ob_str(b, " verdict\n");
	for (unsigned i = 0; i < n; i++)
		table_row(b, &rows[i]);
}

void out_conn_table(struct output *o, ka_time t, const struct out_conn_row *rows, unsigned n,
		    uint32_t ignored)
{
	static const char *const kinds[] = { "alive", "dead", "reset", "unreachable",
					     "interrupted", "no-connection" };

	if (!out_prints(o, OUT_SUMMARY))
		return;
	if (o->json) {
		json_head(o, "summary", t);
		json_wall(o, t);
		json_u64(o, KEY("connections"), n);
		for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			unsigned c = 0;

			for (unsigned i = 0; i < n; i++)
				c += rows[i].verdict && strcmp(rows[i].verdict, kinds[k]) == 0;
			ob_str(&o->ob, ",\"");
			ob_str(&o->ob, kinds[k]);
			ob_str(&o->ob, "\":");
			ob_u64(&o->ob, c);
		}
		json_u64(o, KEY("ignored"), ignored);
		json_end(o);
		return;
	}
	ob_str(&o->ob, "--- keep-alive statistics, ");
	human_count(o, n, "connection");
	ob_str(&o->ob, " ---\n");
	table(&o->ob, rows, n);
	if (ignored) {
		human_count(o, ignored, "segment");
		ob_str(&o->ob, " ignored\n");
	}
	if (o->each)
		ob_hand(&o->ob);
}

void out_conn_status(FILE *f, const struct out_conn_row *rows, unsigned n)
{
	struct output o;

	out_init(&o, f, false, false, 0);
	table(&o.ob, rows, n);
	ob_flush(&o.ob);
}

void out_status(FILE *f, const struct ka_machine *m)
{
	const struct ka_stats *st = &m->st;
	struct output o;

	out_init(&o, f, false, false, 0);
	ob_u64(&o.ob, st->answered);
	ob_char(&o.ob, '/');
	ob_u64(&o.ob, st->sent);
	ob_str(&o.ob, " probes answered, ");
	ob_u64(&o.ob, ka_lost(m));
	ob_str(&o.ob, " lost");
	human_rtts(&o, st);
	end_line(&o);
}

bool out_failed(struct output *o)
{
	return !ob_flush(&o->ob) || ferror(o->ob.f);
}
