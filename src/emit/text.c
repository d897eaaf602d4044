/* text.c - the text module: which events it writes, and the table of
 * their two forms (text.h).
 *
 * Each kind's human and JSON forms are written next to each other in the
 * file of its command family (text_live.c, text_replay.c, text_audit.c,
 * text_trace.c), and sit side by side in one row of `forms` below: adding
 * a field to one form puts the other in front of the writer, so the two
 * cannot drift apart.  A row also says what -q keeps of the kind. */
#include "emit/textpriv.h"

#include <time.h>

enum {
	QUIET_HUMAN = 1,        /* -q keeps the human form */
	QUIET_JSON = 2,         /* -q keeps the JSON form */
	QUIET_BOTH = QUIET_HUMAN | QUIET_JSON,
};

static const struct {
	text_form *human, *json;    /* NULL: the kind has no such form */
	unsigned quiet;             /* QUIET_*: what -q keeps */
} forms[EV_COUNT] = {
	[EV_CONNECT] = { connect_human, connect_json, 0 },
	[EV_PROBE] = { probe_human, probe_json, 0 },
	[EV_REPLY] = { reply_human, reply_json, 0 },
	[EV_NOTICE] = { notice_human, notice_json, 0 },
	/* People read errors on stderr: a script reading stdout learns from
	 * this one why the run ended. */
	[EV_ERROR] = { NULL, error_json, QUIET_JSON },
	[EV_IGNORED] = { ignored_human, ignored_json, 0 },
	[EV_VERDICT] = { verdict_human, verdict_json, QUIET_BOTH },
	[EV_SUMMARY] = { summary_human, summary_json, QUIET_BOTH },
	[EV_CONN_VERDICT] = { conn_verdict_human, conn_verdict_json, QUIET_BOTH },
	[EV_CONN_TABLE] = { conn_table_human, conn_table_json, QUIET_BOTH },
	[EV_FLOW_VERDICT] = { flow_verdict_human, flow_verdict_json, 0 },
	[EV_WOULD_DIE] = { would_die_human, would_die_json, 0 },
	[EV_CUT] = { cut_human, cut_json, 0 },
	[EV_REPLAY_SUMMARY] = { replay_summary_human, replay_summary_json, QUIET_BOTH },
	/* JSON has no heading: every finding names what it is. */
	[EV_AUDIT_START] = { audit_start_human, NULL, 0 },
	[EV_VARIANT] = { variant_human, variant_json, QUIET_JSON },
	/* People read the bracket; JSON has every measurement. */
	[EV_MEASURE] = { NULL, measure_json, 0 },
	[EV_IDLE] = { idle_human, idle_json, QUIET_JSON },
	[EV_REFRESH] = { refresh_human, refresh_json, QUIET_JSON },
	[EV_ADVICE] = { advice_human, advice_json, QUIET_JSON },
	[EV_AUDIT_SUMMARY] = { audit_summary_human, audit_summary_json, QUIET_BOTH },
	[EV_TRACE_START] = { trace_start_human, NULL, 0 },
	[EV_HOP] = { hop_human, hop_json, QUIET_JSON },
	[EV_FATE] = { fate_human, fate_json, QUIET_JSON },
	[EV_HOP_TIMEOUT] = { hop_timeout_human, hop_timeout_json, QUIET_JSON },
	[EV_TRACE_SUMMARY] = { trace_summary_human, trace_summary_json, QUIET_BOTH },
	[EV_SOCKET] = { socket_human, socket_json, 0 },
	[EV_SOCKETS_SUMMARY] = { sockets_summary_human, sockets_summary_json, QUIET_BOTH },
	[EV_SERVE_START] = { serve_start_human, serve_start_json, 0 },
	[EV_SERVE_CONN] = { serve_conn_human, serve_conn_json, 0 },
	[EV_CONTROL] = { control_human, control_json, 0 },
	[EV_SERVE_SUMMARY] = { serve_summary_human, serve_summary_json, QUIET_BOTH },
	[EV_ARRIVAL] = { arrival_human, arrival_json, QUIET_JSON },
	/* EV_FLOW_START, EV_TRAFFIC, EV_CAPTURE: for the report only. */
};

static bool text_wants(const void *self, enum ev_kind k)
{
	const struct text *tx = self;

	if (!(tx->json ? forms[k].json : forms[k].human))
		return false;
	return !tx->quiet || (forms[k].quiet & (tx->json ? QUIET_JSON : QUIET_HUMAN));
}

/* What -q keeps in either form is never dropped: verdicts, summaries,
 * errors, the audit's findings, the trace's hops. */
static bool droppable(enum ev_kind k)
{
	return forms[k].quiet == 0;
}

static void text_event(void *self, const struct event *ev)
{
	struct text *tx = self;

	if (tx->ob.q && outq_over(tx->ob.q) && droppable(ev->kind)) {
		tx->lines_dropped++;
		return;
	}
	(tx->json ? forms[ev->kind].json : forms[ev->kind].human)(tx, ev);
	if (tx->each)
		ob_hand(&tx->ob);
}

const struct out_module text_module = { "text", text_wants, text_event };

void text_init(struct text *tx, FILE *f, bool json, bool quiet, ka_time t0)
{
	*tx = (struct text){ .json = json, .quiet = quiet, .each = true, .t0 = t0 };
	ob_init(&tx->ob, f, tx->line, sizeof tx->line);
}

void text_use_buffer(struct text *tx, char *buf, size_t cap)
{
	ob_flush(&tx->ob);
	ob_init(&tx->ob, tx->ob.f, buf, cap);
	tx->each = false;
}

void text_use_queue(struct text *tx, struct outq *q)
{
	ob_use_queue(&tx->ob, q);
}

bool text_flush(struct text *tx)
{
	return ob_flush(&tx->ob);
}

bool text_drain(struct text *tx)
{
	if (!tx->ob.q)
		return ob_flush(&tx->ob);
	ob_hand(&tx->ob);
	if (!tx->ob.failed && outq_drain(tx->ob.q) < 0) {
		tx->ob.failed = true;
		tx->ob.err = tx->ob.q->err;
	}
	return !tx->ob.failed;
}

/* ---- the pieces text.c's forms share ---------------------------------------- */

void json_head(struct text *tx, const char *name, const struct event *ev)
{
	ob_str(&tx->ob, "{\"event\":\"");
	ob_str(&tx->ob, name);
	ob_str(&tx->ob, "\",\"t\":");
	put_secs(tx, ev->t);
	if (ev->conn) {
		json_u64(tx, KEY("conn"), ev->conn);
		json_str(tx, KEY("dst"), ev->dst);
	}
	if (ev->flow)
		json_own_str(tx, KEY("flow"), ev->flow);
	if (ev->frame)
		json_u64(tx, KEY("frame"), ev->frame);
}

/* The wall-clock time of an event, in microseconds since 1970. */
static ka_time wall(const struct text *tx, ka_time t)
{
	return t + tx->wall_off;
}

void stamp(struct text *tx, ka_time t)
{
	if (!tx->stamp)
		return;
	ob_char(&tx->ob, '[');
	ob_fixed(&tx->ob, wall(tx, t), 6);
	ob_str(&tx->ob, "] ");
}

void json_wall(struct text *tx, ka_time t)
{
	ob_mem(&tx->ob, KEY("ts"));
	ob_fixed(&tx->ob, wall(tx, t), 6);
}

/* A two-digit field of a time of day. */
static void two_digits(struct text *tx, int v, char sep)
{
	ob_char(&tx->ob, (char)('0' + v / 10));
	ob_char(&tx->ob, (char)('0' + v % 10));
	ob_char(&tx->ob, sep);
}

/* Microseconds as six digits, zeros in front. */
static void put_micros(struct text *tx, ka_time us)
{
	char d[6];

	for (int i = 5; i >= 0; i--, us /= 10)
		d[i] = (char)('0' + us % 10);
	ob_mem(&tx->ob, d, sizeof d);
}

/* Replay's frame number and its capture time (UTC, as tcpdump's time of
 * day). */
static void frame_head(struct text *tx, const struct event *ev)
{
	time_t sec = (time_t)(wall(tx, ev->t) / 1000000);
	struct tm tm;

	ob_u64(&tx->ob, ev->frame);
	ob_char(&tx->ob, ' ');
	if (gmtime_r(&sec, &tm)) {
		two_digits(tx, tm.tm_hour, ':');
		two_digits(tx, tm.tm_min, ':');
		two_digits(tx, tm.tm_sec, '.');
		put_micros(tx, wall(tx, ev->t) % 1000000);
		ob_char(&tx->ob, ' ');
	}
}

void human_head(struct text *tx, const struct event *ev)
{
	stamp(tx, ev->t);
	if (ev->frame)
		frame_head(tx, ev);
	if (ev->flow) {
		ob_str(&tx->ob, ev->flow);
		ob_char(&tx->ob, ' ');
	}
	if (ev->dst) {
		ob_str(&tx->ob, ev->dst);
		ob_str(&tx->ob, " : ");
	}
}

void human_count(struct text *tx, uint64_t n, const char *word)
{
	ob_u64(&tx->ob, n);
	ob_char(&tx->ob, ' ');
	ob_str(&tx->ob, word);
	if (n != 1)
		ob_char(&tx->ob, 's');
}

void human_counts(struct text *tx, const struct ka_machine *m)
{
	const struct ka_stats *st = &m->st;

	human_count(tx, st->sent, "probe");
	ob_str(&tx->ob, " sent, ");
	ob_u64(&tx->ob, st->answered);
	ob_str(&tx->ob, " answered");
	if (m->rst_answered) {
		ob_str(&tx->ob, ", ");
		ob_u64(&tx->ob, m->rst_answered);
		ob_str(&tx->ob, " answered by an RST");
	}
	ob_str(&tx->ob, ", ");
	ob_u64(&tx->ob, ka_lost(m));
	ob_str(&tx->ob, " lost (");
	ob_double(&tx->ob, st->sent ? 100.0 * ka_lost(m) / st->sent : 0.0, 0);
	ob_str(&tx->ob, "%)");
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

void json_rtts(struct text *tx, const struct ka_stats *st)
{
	if (!st->answered) {
		ob_str(&tx->ob, ",\"rtt_min_ms\":null,\"rtt_avg_ms\":null,\"rtt_max_ms\":null");
		return;
	}
	ob_mem(&tx->ob, KEY("rtt_min_ms"));
	put_ms(tx, st->rtt_min);
	ob_mem(&tx->ob, KEY("rtt_avg_ms"));
	put_rtt_avg(&tx->ob, st);
	ob_mem(&tx->ob, KEY("rtt_max_ms"));
	put_ms(tx, st->rtt_max);
}

void rtt_figures(struct outbuf *b, const struct ka_stats *st)
{
	ob_fixed(b, st->rtt_min, 3);
	ob_char(b, '/');
	put_rtt_avg(b, st);
	ob_char(b, '/');
	ob_fixed(b, st->rtt_max, 3);
}

void human_rtts(struct text *tx, const struct ka_stats *st)
{
	if (!st->answered)
		return;
	ob_str(&tx->ob, ", rtt min/avg/max = ");
	rtt_figures(&tx->ob, st);
	ob_str(&tx->ob, " ms");
}

void json_drops(struct text *tx, const struct ev_drops *d)
{
	json_u64(tx, KEY("dropped"), d->dropped);
	json_u64(tx, KEY("if_dropped"), d->if_dropped);
	json_u64(tx, KEY("lines_dropped"), tx->lines_dropped);
}

void human_drops(struct text *tx, const struct ev_drops *d)
{
	if (d->dropped) {
		ob_str(&tx->ob, "capture: ");
		human_count(tx, d->dropped, "packet");
		ob_str(&tx->ob, " dropped by the kernel before kaprobe read them (the interface "
		       "dropped ");
		ob_u64(&tx->ob, d->if_dropped);
		ob_str(&tx->ob, ")\n");
	}
	if (tx->lines_dropped) {
		ob_str(&tx->ob, "output: ");
		human_count(tx, tx->lines_dropped, "line");
		ob_str(&tx->ob, " dropped: stdout was read too slowly\n");
	}
}
