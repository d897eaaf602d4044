/* textpriv.h - what the text module's files share: the pieces events are
 * made of, and each kind's two forms (text.c puts them in its table); not
 * an API.
 *
 * The pieces are inline: a key is a string literal whose length is known
 * when compiling, so that writing it is one small copy (replay --json
 * writes millions of them). */
#ifndef KAPROBE_TEXTPRIV_H
#define KAPROBE_TEXTPRIV_H

#include "emit/finding.h"
#include "emit/text.h"

/* A member's key with its comma and colon, ",\"key\":", as the two
 * arguments (text, length) the json_ helpers take. */
#define KEY(key) ",\"" key "\":", sizeof(",\"" key "\":") - 1

/* A time since the start, in seconds with 6 decimals. */
static inline void put_secs(struct text *tx, ka_time t)
{
	ob_fixed(&tx->ob, t - tx->t0, 6);
}

/* A duration in microseconds, in milliseconds with 3 decimals. */
static inline void put_ms(struct text *tx, ka_time us)
{
	ob_fixed(&tx->ob, us, 3);
}

static inline void json_str(struct text *tx, const char *k, size_t kn, const char *val)
{
	ob_mem(&tx->ob, k, kn);
	ob_json_str(&tx->ob, val);
}

/* A string kaprobe made itself (an address, a flow's name, a fixed word):
 * nothing in it needs escaping. */
static inline void json_own_str(struct text *tx, const char *k, size_t kn, const char *val)
{
	ob_mem(&tx->ob, k, kn);
	ob_char(&tx->ob, '"');
	ob_str(&tx->ob, val);
	ob_char(&tx->ob, '"');
}

static inline void json_u64(struct text *tx, const char *k, size_t kn, uint64_t v)
{
	ob_mem(&tx->ob, k, kn);
	ob_u64(&tx->ob, v);
}

static inline void json_int(struct text *tx, const char *k, size_t kn, int64_t v)
{
	ob_mem(&tx->ob, k, kn);
	ob_i64(&tx->ob, v);
}

static inline void json_bool(struct text *tx, const char *k, size_t kn, bool v)
{
	ob_mem(&tx->ob, k, kn);
	ob_str(&tx->ob, v ? "true" : "false");
}

static inline void json_null(struct text *tx, const char *k, size_t kn)
{
	ob_mem(&tx->ob, k, kn);
	ob_str(&tx->ob, "null");
}

/* Seconds with 3 decimals (the audit's, computed as doubles). */
static inline void json_secs(struct text *tx, const char *k, size_t kn, double v)
{
	ob_mem(&tx->ob, k, kn);
	ob_double(&tx->ob, v, 3);
}

/* The end of a JSON object, and of its line. */
static inline void json_end(struct text *tx)
{
	ob_mem(&tx->ob, "}\n", 2);
}

/* " name=v" in a human line. */
static inline void human_u64(struct text *tx, const char *name, uint64_t v)
{
	ob_char(&tx->ob, ' ');
	ob_str(&tx->ob, name);
	ob_char(&tx->ob, '=');
	ob_u64(&tx->ob, v);
}

/* text.c: the heads of lines, times, counts. */
/* Start a JSON object: "event", "t", and the event's context. */
void json_head(struct text *tx, const char *name, const struct event *ev);
/* The JSON "ts" member: the wall-clock time. */
void json_wall(struct text *tx, ka_time t);
/* -D, as ping's: the wall-clock time first. */
void stamp(struct text *tx, ka_time t);
/* The human line's prefix: -D's time; in replay the frame number, its
 * capture time and the flow; with many connections the target. */
void human_head(struct text *tx, const struct event *ev);
/* "N word" or "N words". */
void human_count(struct text *tx, uint64_t n, const char *word);
/* Counts that add up: sent = answered + answered by an RST + lost. */
void human_counts(struct text *tx, const struct ka_machine *m);
/* ", rtt min/avg/max = a/b/c ms" when anything was answered. */
void human_rtts(struct text *tx, const struct ka_stats *st);
/* The three RTT members, null when nothing was answered. */
void json_rtts(struct text *tx, const struct ka_stats *st);
/* The summaries' "dropped", "if_dropped" and "lines_dropped" members. */
void json_drops(struct text *tx, const struct ev_drops *d);
/* A line for each, in a human summary, when anything was dropped. */
void human_drops(struct text *tx, const struct ev_drops *d);
/* The RTTs in milliseconds as three figures, "min/avg/max". */
void rtt_figures(struct outbuf *b, const struct ka_stats *st);

/* The documented idle timeouts a finding is consistent with
 * (consistent.h), text_audit.c: the JSON "consistent_with" member, a list
 * of names; the human line, indented, "consistent with: name (product),
 * ..." or that none is. */
void json_consistent(struct text *tx, const struct fingerprint *const *fp, size_t n);
void human_consistent(struct text *tx, const struct fingerprint *const *fp, size_t n);

/* text_settings.c: --for's software in an advice, human (each's lines
 * under its name) and JSON (the "settings" member). */
void software_human(struct text *tx, const struct ev_advice *a);
void software_json(struct text *tx, const struct ev_advice *a);

/* One kind's form, human or JSON: the event's whole line(s), newline
 * included. */
/* A close (text_close.c): the sentence in parentheses after "closed",
 * its short form, and its JSON members. */
void close_human(struct text *tx, const struct ev_close *c);
void close_brief(struct text *tx, const struct ev_close *c);
void close_json(struct text *tx, const struct ev_close *c);

typedef void text_form(struct text *tx, const struct event *ev);

/* The forms, by command family, each kind's two side by side. */
text_form connect_human, connect_json, probe_human, probe_json, reply_human, reply_json,
	  notice_human, notice_json, error_json, ignored_human, ignored_json,
	  verdict_human, verdict_json, summary_human, summary_json,
	  conn_verdict_human, conn_verdict_json, conn_table_human, conn_table_json;
text_form flow_verdict_human, flow_verdict_json, would_die_human, would_die_json,
	  cut_human, cut_json, replay_summary_human, replay_summary_json;
text_form audit_start_human, variant_human, variant_json, measure_json, idle_human,
	  idle_json, refresh_human, refresh_json, advice_human, advice_json,
	  audit_summary_human, audit_summary_json;
text_form trace_start_human, hop_human, hop_json, fate_human, fate_json,
	  hop_timeout_human, hop_timeout_json, trace_summary_human, trace_summary_json;
text_form socket_human, socket_json, sockets_summary_human, sockets_summary_json;
text_form serve_start_human, serve_start_json, serve_conn_human, serve_conn_json,
	  control_human, control_json, serve_summary_human, serve_summary_json,
	  arrival_human, arrival_json;

#endif
