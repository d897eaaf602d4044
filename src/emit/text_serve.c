/* text_serve.c - kaprobe serve's events and live mode's --far-end arrivals
 * in their two forms, each kind's human form next to its JSON form. */
#include "emit/textpriv.h"

void serve_start_human(struct text *tx, const struct event *ev)
{
	const struct ev_serve_start *s = &ev->u.serve_start;

	stamp(tx, ev->t);
	ob_str(&tx->ob, "KAPROBE SERVE on ");
	ob_str(&tx->ob, s->listen);
	ob_str(&tx->ob, ", capture on ");
	ob_str(&tx->ob, s->iface);
	ob_str(&tx->ob, ", the last ");
	ob_u64(&tx->ob, s->ring);
	ob_str(&tx->ob, " segments of each connection kept\n");
}

void serve_start_json(struct text *tx, const struct event *ev)
{
	const struct ev_serve_start *s = &ev->u.serve_start;

	json_head(tx, "listen", ev);
	json_own_str(tx, KEY("listen"), s->listen);
	json_own_str(tx, KEY("iface"), s->iface);
	json_u64(tx, KEY("ring"), s->ring);
	json_wall(tx, ev->t);
	json_end(tx);
}

void serve_conn_human(struct text *tx, const struct event *ev)
{
	const struct ev_serve_conn *c = &ev->u.serve_conn;

	human_head(tx, ev);
	ob_str(&tx->ob, c->what);
	ob_char(&tx->ob, ' ');
	ob_str(&tx->ob, c->you);
	ob_str(&tx->ob, " -> ");
	ob_str(&tx->ob, c->me);
	if (c->by) {
		ob_str(&tx->ob, " by ");
		ob_str(&tx->ob, c->by);
		ob_str(&tx->ob, ", ");
		human_count(tx, c->requests, "request");
	}
	if (c->what[0] == 'u')
		ob_str(&tx->ob, " (handshake not captured: held, not watched)");
	ob_char(&tx->ob, '\n');
}

void serve_conn_json(struct text *tx, const struct event *ev)
{
	const struct ev_serve_conn *c = &ev->u.serve_conn;

	json_head(tx, c->what, ev);
	json_own_str(tx, KEY("you"), c->you);
	json_own_str(tx, KEY("me"), c->me);
	if (c->by) {
		json_own_str(tx, KEY("by"), c->by);
		json_u64(tx, KEY("requests"), c->requests);
	}
	json_end(tx);
}

void control_human(struct text *tx, const struct event *ev)
{
	const struct ev_control *c = &ev->u.control;

	human_head(tx, ev);
	ob_str(&tx->ob, "request ");
	ob_str(&tx->ob, c->request);
	ob_str(&tx->ob, c->ok ? ": OK" : ": ERR ");
	if (!c->ok)
		ob_str(&tx->ob, c->result);
	ob_char(&tx->ob, '\n');
}

void control_json(struct text *tx, const struct event *ev)
{
	const struct ev_control *c = &ev->u.control;

	json_head(tx, "control", ev);
	json_str(tx, KEY("request"), c->request);
	json_bool(tx, KEY("ok"), c->ok);
	if (!c->ok)
		json_str(tx, KEY("error"), c->result);
	json_end(tx);
}

void serve_summary_human(struct text *tx, const struct event *ev)
{
	const struct ev_serve_summary *s = &ev->u.serve_summary;

	stamp(tx, ev->t);
	ob_str(&tx->ob, "--- kaprobe serve statistics ---\n");
	human_count(tx, s->conns, "connection");
	ob_str(&tx->ob, " taken, ");
	ob_u64(&tx->ob, s->open);
	ob_str(&tx->ob, " open, ");
	human_count(tx, s->requests, "request");
	ob_str(&tx->ob, ", ");
	ob_u64(&tx->ob, s->bad);
	ob_str(&tx->ob, " refused, ");
	ob_u64(&tx->ob, s->ignored);
	ob_str(&tx->ob, " segments ignored\n");
	human_drops(tx, &s->drops);
}

void serve_summary_json(struct text *tx, const struct event *ev)
{
	const struct ev_serve_summary *s = &ev->u.serve_summary;

	json_head(tx, "summary", ev);
	json_wall(tx, ev->t);
	json_u64(tx, KEY("conns"), s->conns);
	json_u64(tx, KEY("open"), s->open);
	json_u64(tx, KEY("requests"), s->requests);
	json_u64(tx, KEY("refused"), s->bad);
	json_u64(tx, KEY("ignored"), s->ignored);
	json_drops(tx, &s->drops);
	json_end(tx);
}

void arrival_human(struct text *tx, const struct event *ev)
{
	const struct ev_arrival *a = &ev->u.arrival;

	human_head(tx, ev);
	if (a->kind) {
		ob_str(&tx->ob, "far end: ");
		ob_str(&tx->ob, a->kind);
		ob_str(&tx->ob, a->arrived ? " probe arrived" : " probe never arrived");
	} else {
		ob_str(&tx->ob, "far end: probe ");
		ob_u64(&tx->ob, a->probe);
		ob_str(&tx->ob, " (round ");
		ob_u64(&tx->ob, a->round);
		ob_str(&tx->ob, a->arrived ? ") arrived" : ") never arrived");
	}
	if (a->arrived && a->nchanged == 0)
		ob_str(&tx->ob, " unchanged");
	for (unsigned i = 0; i < a->nchanged; i++) {
		ob_str(&tx->ob, i ? ", " : ", changed: ");
		ob_str(&tx->ob, a->changed[i]);
	}
	if (a->answered_by) {
		ob_str(&tx->ob, "; answered by ");
		ob_str(&tx->ob, a->answered_by);
	}
	ob_char(&tx->ob, '\n');
}

void arrival_json(struct text *tx, const struct event *ev)
{
	const struct ev_arrival *a = &ev->u.arrival;

	json_head(tx, "arrival", ev);
	if (a->kind) {
		json_str(tx, KEY("probe"), a->kind);
		json_u64(tx, KEY("tries"), a->tries);
	} else {
		json_u64(tx, KEY("probe"), a->probe);
		json_u64(tx, KEY("round"), a->round);
	}
	json_bool(tx, KEY("arrived"), a->arrived);
	ob_mem(&tx->ob, KEY("changed"));
	ob_char(&tx->ob, '[');
	for (unsigned i = 0; i < a->nchanged; i++) {
		if (i)
			ob_char(&tx->ob, ',');
		ob_char(&tx->ob, '"');
		ob_str(&tx->ob, a->changed[i]);
		ob_char(&tx->ob, '"');
	}
	ob_char(&tx->ob, ']');
	if (a->answered_by)
		json_own_str(tx, KEY("answered_by"), a->answered_by);
	else
		json_null(tx, KEY("answered_by"));
	json_end(tx);
}
