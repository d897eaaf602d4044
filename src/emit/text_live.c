/* text_live.c - live mode's events in their two forms, each kind's human
 * form next to its JSON form; probes and replies are replay's too. */
#include "emit/textpriv.h"

#include <string.h>

#include "util/parse.h"

void connect_human(struct text *tx, const struct event *ev)
{
	const struct ev_connect *c = &ev->u.connect;
	char idle[32], intvl[32];

	format_duration(c->cfg->idle, idle, sizeof idle);
	format_duration(c->cfg->intvl, intvl, sizeof intvl);
	stamp(tx, ev->t);
	ob_str(&tx->ob, "KAPROBE ");
	ob_str(&tx->ob, c->dst);
	ob_str(&tx->ob, " from ");
	ob_str(&tx->ob, c->src);
	ob_str(&tx->ob, " via ");
	ob_str(&tx->ob, c->iface);
	ob_str(&tx->ob, ": idle ");
	ob_str(&tx->ob, idle);
	ob_str(&tx->ob, ", interval ");
	ob_str(&tx->ob, intvl);
	ob_str(&tx->ob, ", ");
	ob_u64(&tx->ob, c->cfg->probes);
	ob_str(&tx->ob, " probes, timestamps ");
	ob_str(&tx->ob, c->ts ? "on" : "off");
	if (c->heartbeat) {
		ob_str(&tx->ob, ", heartbeats of ");
		human_count(tx, c->heartbeat, "byte");
	}
	ob_char(&tx->ob, '\n');
}

void connect_json(struct text *tx, const struct event *ev)
{
	const struct ev_connect *c = &ev->u.connect;

	json_head(tx, "connect", ev);
	json_str(tx, KEY("src"), c->src);
	if (!ev->dst)   /* many connections: json_head named it */
		json_str(tx, KEY("dst"), c->dst);
	json_str(tx, KEY("iface"), c->iface);
	json_wall(tx, ev->t);
	json_bool(tx, KEY("timestamps"), c->ts);
	json_secs(tx, KEY("idle_s"), c->cfg->idle / 1e6);
	json_secs(tx, KEY("intvl_s"), c->cfg->intvl / 1e6);
	json_u64(tx, KEY("probes"), c->cfg->probes);
	if (c->heartbeat)
		json_u64(tx, KEY("heartbeat_len"), c->heartbeat);
	json_end(tx);
}

void probe_human(struct text *tx, const struct event *ev)
{
	const struct ev_probe *p = &ev->u.probe;

	human_head(tx, ev);
	ob_str(&tx->ob, "probe ");
	ob_u64(&tx->ob, p->n);
	if (p->round) {
		ob_str(&tx->ob, " (round ");
		ob_u64(&tx->ob, p->round);
		ob_char(&tx->ob, ')');
	}
	ob_char(&tx->ob, ':');
	human_u64(tx, "seq", p->seq);
	human_u64(tx, "ack", p->ack);
	human_u64(tx, "len", p->len);
	if (p->error) {
		ob_str(&tx->ob, ": not sent: ");
		ob_str(&tx->ob, p->error);
		ob_str(&tx->ob, ", counted as lost");
	}
	ob_char(&tx->ob, '\n');
}

void probe_json(struct text *tx, const struct event *ev)
{
	const struct ev_probe *p = &ev->u.probe;

	json_head(tx, "probe", ev);
	json_u64(tx, KEY("n"), p->n);
	if (p->round)
		json_u64(tx, KEY("round"), p->round);
	json_u64(tx, KEY("seq"), p->seq);
	json_u64(tx, KEY("ack"), p->ack);
	json_u64(tx, KEY("len"), p->len);
	if (p->error)
		json_str(tx, KEY("error"), p->error);
	json_end(tx);
}

void reply_human(struct text *tx, const struct event *ev)
{
	const struct ev_reply *r = &ev->u.reply;

	human_head(tx, ev);
	ob_str(&tx->ob, r->kind);
	ob_str(&tx->ob, " from ");
	ob_str(&tx->ob, r->from);
	ob_char(&tx->ob, ':');
	if (r->icmp_type >= 0) {
		ob_str(&tx->ob, " type=");
		ob_i64(&tx->ob, r->icmp_type);
		ob_str(&tx->ob, " code=");
		ob_i64(&tx->ob, r->icmp_code);
		if (r->icmp_class) {
			ob_char(&tx->ob, ' ');
			ob_str(&tx->ob, r->icmp_class);
		}
	} else {
		human_u64(tx, "seq", r->seq);
		human_u64(tx, "ack", r->ack);
		human_u64(tx, "len", r->len);
	}
	if (r->round)
		human_u64(tx, "round", r->round);
	if (r->n > 0)
		human_u64(tx, "probe", r->n);
	ob_str(&tx->ob, " ttl=");
	ob_i64(&tx->ob, r->ttl);
	if (r->n > 0) {
		ob_str(&tx->ob, " rtt=");
		put_ms(tx, r->rtt);
		ob_str(&tx->ob, " ms");
	}
	ob_char(&tx->ob, '\n');
}

void reply_json(struct text *tx, const struct event *ev)
{
	const struct ev_reply *r = &ev->u.reply;

	json_head(tx, "reply", ev);
	if (r->probe_frame)
		json_u64(tx, KEY("probe_frame"), r->probe_frame);
	json_own_str(tx, KEY("kind"), r->kind);
	json_u64(tx, KEY("n"), r->n);
	if (r->round)
		json_u64(tx, KEY("round"), r->round);
	ob_mem(&tx->ob, KEY("rtt_ms"));
	if (r->n > 0)
		put_ms(tx, r->rtt);
	else
		ob_str(&tx->ob, "null");
	json_int(tx, KEY("ttl"), r->ttl);
	json_own_str(tx, KEY("from"), r->from);
	if (r->icmp_type >= 0) {
		json_int(tx, KEY("type"), r->icmp_type);
		json_int(tx, KEY("code"), r->icmp_code);
	}
	if (r->icmp_class)
		json_str(tx, KEY("icmp_class"), r->icmp_class);
	if (r->icmp_type < 0) {
		json_u64(tx, KEY("seq"), r->seq);
		json_u64(tx, KEY("ack"), r->ack);
		json_u64(tx, KEY("len"), r->len);
	}
	json_end(tx);
}

void notice_human(struct text *tx, const struct event *ev)
{
	human_head(tx, ev);
	ob_str(&tx->ob, ev->u.notice.name);
	ob_str(&tx->ob, ": ");
	ob_str(&tx->ob, ev->u.notice.text);
	ob_char(&tx->ob, '\n');
}

void notice_json(struct text *tx, const struct event *ev)
{
	json_head(tx, ev->u.notice.name, ev);
	json_str(tx, KEY("text"), ev->u.notice.text);
	json_end(tx);
}

void error_json(struct text *tx, const struct event *ev)
{
	json_head(tx, "error", ev);
	json_str(tx, KEY("text"), ev->u.error);
	json_end(tx);
}

void ignored_human(struct text *tx, const struct event *ev)
{
	human_head(tx, ev);
	ob_str(&tx->ob, "ignored from ");
	ob_str(&tx->ob, ev->u.ignored.from);
	ob_str(&tx->ob, ": ");
	ob_str(&tx->ob, ev->u.ignored.text);
	ob_char(&tx->ob, '\n');
}

void ignored_json(struct text *tx, const struct event *ev)
{
	json_head(tx, "ignored", ev);
	json_str(tx, KEY("reason"), ev->u.ignored.reason);
	json_str(tx, KEY("from"), ev->u.ignored.from);
	json_str(tx, KEY("text"), ev->u.ignored.text);
	json_end(tx);
}

void verdict_human(struct text *tx, const struct event *ev)
{
	stamp(tx, ev->t);
	ob_str(&tx->ob, "verdict: ");
	ob_str(&tx->ob, ev->u.verdict.verdict);
	if (ev->u.verdict.close)
		close_human(tx, ev->u.verdict.close);
	ob_char(&tx->ob, '\n');
}

void verdict_json(struct text *tx, const struct event *ev)
{
	json_head(tx, "verdict", ev);
	json_own_str(tx, KEY("verdict"), ev->u.verdict.verdict);
	if (ev->u.verdict.close)
		close_json(tx, ev->u.verdict.close);
	json_end(tx);
}

void summary_human(struct text *tx, const struct event *ev)
{
	const struct ka_machine *m = ev->u.summary.m;

	ob_str(&tx->ob, "--- ");
	ob_str(&tx->ob, tx->target ? tx->target : "");
	ob_str(&tx->ob, " keep-alive statistics ---\n");
	human_counts(tx, m);
	human_rtts(tx, &m->st);
	if (ev->u.summary.ignored) {
		ob_str(&tx->ob, "; ");
		ob_u64(&tx->ob, ev->u.summary.ignored);
		ob_str(&tx->ob, " ignored");
	}
	ob_char(&tx->ob, '\n');
	human_drops(tx, &ev->u.summary.drops);
}

void summary_json(struct text *tx, const struct event *ev)
{
	const struct ka_machine *m = ev->u.summary.m;

	json_head(tx, "summary", ev);
	json_wall(tx, ev->t);
	json_u64(tx, KEY("sent"), m->st.sent);
	json_u64(tx, KEY("answered"), m->st.answered);
	json_u64(tx, KEY("rst_answered"), m->rst_answered);
	json_u64(tx, KEY("lost"), ka_lost(m));
	json_u64(tx, KEY("ignored"), ev->u.summary.ignored);
	json_rtts(tx, &m->st);
	json_drops(tx, &ev->u.summary.drops);
	json_end(tx);
}

/* ---- many connections ------------------------------------------------------ */

/* watch: how long the connection was held, and when it is replaced. */
static void watch_human(struct text *tx, const struct ev_verdict *v)
{
	char d[32];

	if (v->lived) {
		format_duration(v->lived, d, sizeof d);
		ob_str(&tx->ob, ", lived ");
		ob_str(&tx->ob, d);
	}
	if (v->retry) {
		format_duration(v->retry, d, sizeof d);
		ob_str(&tx->ob, ", replaced in ");
		ob_str(&tx->ob, d);
	}
}

void conn_verdict_human(struct text *tx, const struct event *ev)
{
	const struct ev_verdict *v = &ev->u.verdict;

	human_head(tx, ev);
	ob_str(&tx->ob, "verdict ");
	ob_str(&tx->ob, v->verdict);
	if (v->reason || v->close) {
		ob_str(&tx->ob, " (");
		if (v->close)
			close_brief(tx, v->close);
		else
			ob_str(&tx->ob, v->reason);
		ob_char(&tx->ob, ')');
	}
	ob_str(&tx->ob, ", ");
	human_counts(tx, v->m);
	human_rtts(tx, &v->m->st);
	watch_human(tx, v);
	ob_char(&tx->ob, '\n');
}

void conn_verdict_json(struct text *tx, const struct event *ev)
{
	const struct ev_verdict *v = &ev->u.verdict;

	json_head(tx, "verdict", ev);
	json_own_str(tx, KEY("verdict"), v->verdict);
	if (v->reason)
		json_str(tx, KEY("reason"), v->reason);
	if (v->close)
		close_json(tx, v->close);
	json_u64(tx, KEY("sent"), v->m->st.sent);
	json_u64(tx, KEY("answered"), v->m->st.answered);
	json_u64(tx, KEY("rst_answered"), v->m->rst_answered);
	json_u64(tx, KEY("lost"), ka_lost(v->m));
	json_rtts(tx, &v->m->st);
	if (v->lived)
		json_secs(tx, KEY("lived_s"), v->lived / 1e6);
	if (v->retry)
		json_secs(tx, KEY("retry_s"), v->retry / 1e6);
	if (ev->rung)
		json_secs(tx, KEY("rung_s"), ev->rung / 1e6);
	json_end(tx);
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

static void table_row(struct outbuf *b, const struct ev_conn_row *r)
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

static void table(struct outbuf *b, const struct ev_conn_row *rows, unsigned n)
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

void conn_table_human(struct text *tx, const struct event *ev)
{
	const struct ev_conn_table *c = &ev->u.table;

	ob_str(&tx->ob, "--- keep-alive statistics, ");
	human_count(tx, c->n, "connection");
	ob_str(&tx->ob, " ---\n");
	table(&tx->ob, c->rows, c->n);
	if (c->ignored) {
		human_count(tx, c->ignored, "segment");
		ob_str(&tx->ob, " ignored\n");
	}
	human_drops(tx, &c->drops);
}

void conn_table_json(struct text *tx, const struct event *ev)
{
	static const char *const kinds[] = { "alive", "dead", "reset", "unreachable",
					     "closed", "interrupted", "no-connection" };
	const struct ev_conn_table *c = &ev->u.table;

	json_head(tx, "summary", ev);
	json_wall(tx, ev->t);
	json_u64(tx, KEY("connections"), c->n);
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		unsigned count = 0;

		for (unsigned i = 0; i < c->n; i++)
			count += c->rows[i].verdict && strcmp(c->rows[i].verdict, kinds[k]) == 0;
		ob_str(&tx->ob, ",\"");
		ob_str(&tx->ob, kinds[k]);
		ob_str(&tx->ob, "\":");
		ob_u64(&tx->ob, count);
	}
	json_u64(tx, KEY("ignored"), c->ignored);
	json_drops(tx, &c->drops);
	json_end(tx);
}

/* ---- SIGQUIT ------------------------------------------------------------------ */

void text_conn_status(FILE *f, const struct ev_conn_row *rows, unsigned n)
{
	struct text tx;

	text_init(&tx, f, false, false, 0);
	table(&tx.ob, rows, n);
	ob_flush(&tx.ob);
}

void text_status(FILE *f, const struct ka_machine *m)
{
	const struct ka_stats *st = &m->st;
	struct text tx;

	text_init(&tx, f, false, false, 0);
	ob_u64(&tx.ob, st->answered);
	ob_char(&tx.ob, '/');
	ob_u64(&tx.ob, st->sent);
	ob_str(&tx.ob, " probes answered, ");
	ob_u64(&tx.ob, ka_lost(m));
	ob_str(&tx.ob, " lost");
	human_rtts(&tx, st);
	ob_char(&tx.ob, '\n');
	ob_hand(&tx.ob);
}
