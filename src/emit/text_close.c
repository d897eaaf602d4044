/* text_close.c - how a peer closed a connection on its own (the verdict
 * "closed"), in words and in JSON members: live mode's verdicts and
 * replay's flow verdicts say it alike. */
#include "emit/textpriv.h"

/* Seconds with 3 decimals, from microseconds. */
static void put_s(struct text *tx, ka_time us)
{
	ob_fixed(&tx->ob, (us + 500) / 1000, 3);
	ob_str(&tx->ob, " s");
}

/* "(the peer closed the connection with a FIN after 5.003 s without data;
 * keep-alive cannot prevent this: ...)" */
void close_human(struct text *tx, const struct ev_close *c)
{
	ob_str(&tx->ob, c->by == 0 ? " (a box on the way" : " (the peer");
	if (c->by == 0 && c->from) {
		ob_str(&tx->ob, ", ");
		ob_str(&tx->ob, c->from);
		ob_char(&tx->ob, ',');
	}
	ob_str(&tx->ob, c->rst ? " closed the connection with an RST after "
			       : " closed the connection with a FIN after ");
	put_s(tx, c->idle);
	ob_str(&tx->ob, " without data");
	if (c->heartbeat) {
		ob_str(&tx->ob, ", heartbeats included)");
		return;
	}
	if (c->answered_in_gap > 0) {
		ob_str(&tx->ob, ", while ");
		human_count(tx, (uint64_t)c->answered_in_gap, "keep-alive probe");
		ob_str(&tx->ob, c->answered_in_gap == 1 ? " was answered" : " were answered");
	}
	/* Why, in one breath: an idle timer that counts data never sees a
	 * probe, which carries none (RFC 1122 4.2.3.6). */
	ob_str(&tx->ob, "; keep-alive cannot prevent this: its probes carry no data, so the "
	       "application must send data more often than every ");
	put_s(tx, c->idle);
	ob_char(&tx->ob, ')');
}

/* "fin after 5.003 s without data, by the peer": the short form, for a
 * line that has more to say. */
void close_brief(struct text *tx, const struct ev_close *c)
{
	ob_str(&tx->ob, c->rst ? "rst" : "fin");
	ob_str(&tx->ob, " after ");
	put_s(tx, c->idle);
	ob_str(&tx->ob, " without data");
	if (c->by >= 0)
		ob_str(&tx->ob, c->by ? ", by the peer" : ", by a box on the way");
	if (c->answered_in_gap > 0) {
		ob_str(&tx->ob, ", ");
		ob_u64(&tx->ob, (uint64_t)c->answered_in_gap);
		ob_str(&tx->ob, " answered in the gap");
	}
}

void close_json(struct text *tx, const struct ev_close *c)
{
	json_secs(tx, KEY("idle_s"), (double)c->idle / 1e6);
	json_own_str(tx, KEY("how"), c->rst ? "rst" : "fin");
	if (c->by >= 0)
		json_own_str(tx, KEY("by"), c->by ? "peer" : "box");
	if (c->from)
		json_own_str(tx, KEY("from"), c->from);
	if (c->answered_in_gap >= 0)
		json_u64(tx, KEY("answered_in_gap"), (uint64_t)c->answered_in_gap);
}
