/* text_replay.c - replay's own events in their two forms, each kind's
 * human form next to its JSON form (probes and replies: text_live.c). */
#include "emit/textpriv.h"

void flow_verdict_human(struct text *tx, const struct event *ev)
{
	const struct ev_verdict *v = &ev->u.verdict;

	ob_str(&tx->ob, ev->flow);
	ob_str(&tx->ob, ": ");
	ob_str(&tx->ob, v->verdict);
	if (v->close)
		close_human(tx, v->close);
	ob_str(&tx->ob, ", ");
	human_counts(tx, v->m);
	human_rtts(tx, &v->m->st);
	ob_char(&tx->ob, '\n');
}

void flow_verdict_json(struct text *tx, const struct event *ev)
{
	const struct ev_verdict *v = &ev->u.verdict;

	json_head(tx, "verdict", ev);
	json_own_str(tx, KEY("verdict"), v->verdict);
	if (v->close)
		close_json(tx, v->close);
	json_u64(tx, KEY("probes"), v->m->st.sent);
	json_u64(tx, KEY("answered"), v->m->st.answered);
	json_u64(tx, KEY("rst_answered"), v->m->rst_answered);
	json_u64(tx, KEY("lost"), ka_lost(v->m));
	json_rtts(tx, &v->m->st);
	json_end(tx);
}

void would_die_human(struct text *tx, const struct event *ev)
{
	ob_str(&tx->ob, ev->flow);
	ob_str(&tx->ob, ": with the given timings the prober would have declared the peer ");
	ob_str(&tx->ob, ev->u.would_die);
	ob_str(&tx->ob, " at t=");
	ob_double(&tx->ob, (double)(ev->t - tx->t0) / 1e6, 3);
	ob_str(&tx->ob, " s\n");
}

void would_die_json(struct text *tx, const struct event *ev)
{
	json_head(tx, "would-die", ev);
	json_own_str(tx, KEY("verdict"), ev->u.would_die);
	json_end(tx);
}

void cut_human(struct text *tx, const struct event *ev)
{
	const struct ev_cut *c = &ev->u.cut;

	/* Like would-die, no frame's time in front: t is not the frame's. */
	ob_str(&tx->ob, ev->flow);
	ob_str(&tx->ob, ": idle ");
	ob_fixed(&tx->ob, c->gap, 6);
	ob_str(&tx->ob, " s");
	if (ev->frame) {
		ob_str(&tx->ob, " (to frame ");
		ob_u64(&tx->ob, ev->frame);
		ob_char(&tx->ob, ')');
	}
	ob_str(&tx->ob, c->refreshed ? ", but keep-alive refreshed box " : ": box ");
	ob_str(&tx->ob, c->box);
	ob_str(&tx->ob, " (idle timeout ");
	ob_fixed(&tx->ob, c->timeout, 6);
	ob_str(&tx->ob, " s)");
	if (!c->refreshed) {
		ob_str(&tx->ob, " dropped it at t=");
		ob_double(&tx->ob, (double)(ev->t - tx->t0) / 1e6, 3);
		ob_str(&tx->ob, " s");
	}
	ob_char(&tx->ob, '\n');
}

void cut_json(struct text *tx, const struct event *ev)
{
	const struct ev_cut *c = &ev->u.cut;
	const struct fingerprint *fp[FP_MAX_MATCH];

	json_head(tx, "cut", ev);
	json_str(tx, KEY("box"), c->box);
	ob_str(&tx->ob, ",\"timeout_s\":");
	ob_fixed(&tx->ob, c->timeout, 6);
	ob_str(&tx->ob, ",\"gap_s\":");
	ob_fixed(&tx->ob, c->gap, 6);
	json_bool(tx, KEY("refreshed"), c->refreshed);
	json_consistent(tx, fp, consistent_box(c->timeout, fp));
	json_end(tx);
}

void replay_summary_human(struct text *tx, const struct event *ev)
{
	const struct replay_totals *tot = ev->u.replay.tot;

	ob_str(&tx->ob, "--- ");
	ob_str(&tx->ob, ev->u.replay.file);
	ob_str(&tx->ob, ": ");
	human_count(tx, tot->frames, "frame");
	ob_str(&tx->ob, ", ");
	human_count(tx, tot->tcp, "TCP segment");
	ob_str(&tx->ob, ", ");
	human_count(tx, tot->flows, "flow");
	ob_str(&tx->ob, " (");
	ob_u64(&tx->ob, tot->flows_probed);
	ob_str(&tx->ob, " with keep-alive), ");
	human_count(tx, tot->probes, "probe");
	ob_str(&tx->ob, ", ");
	ob_u64(&tx->ob, tot->answered);
	ob_str(&tx->ob, " answered; skipped ");
	ob_u64(&tx->ob, tot->truncated);
	ob_str(&tx->ob, " truncated, ");
	ob_u64(&tx->ob, tot->malformed);
	ob_str(&tx->ob, " malformed, ");
	ob_u64(&tx->ob, tot->not_tcp);
	ob_str(&tx->ob, " not TCP; ");
	if (tot->fragments || tot->incomplete) {
		/* Only captures with fragments say so. */
		human_count(tx, tot->fragments, "fragment");
		ob_str(&tx->ob, " reassembled, ");
		ob_u64(&tx->ob, tot->incomplete);
		ob_str(&tx->ob, " in incomplete datagrams; ");
	}
	human_count(tx, tot->evicted, "flow");
	ob_str(&tx->ob, tot->interrupted ? " evicted; interrupted\n" : " evicted\n");
}

void replay_summary_json(struct text *tx, const struct event *ev)
{
	const struct replay_totals *tot = ev->u.replay.tot;

	json_head(tx, "summary", ev);
	json_str(tx, KEY("file"), ev->u.replay.file);
	json_u64(tx, KEY("frames"), tot->frames);
	json_u64(tx, KEY("tcp"), tot->tcp);
	json_u64(tx, KEY("flows"), tot->flows);
	json_u64(tx, KEY("flows_probed"), tot->flows_probed);
	json_u64(tx, KEY("probes"), tot->probes);
	json_u64(tx, KEY("answered"), tot->answered);
	ob_str(&tx->ob, ",\"skipped\":{\"truncated\":");
	ob_u64(&tx->ob, tot->truncated);
	json_u64(tx, KEY("malformed"), tot->malformed);
	json_u64(tx, KEY("not_tcp"), tot->not_tcp);
	json_u64(tx, KEY("fragments"), tot->fragments);
	json_u64(tx, KEY("incomplete"), tot->incomplete);
	ob_char(&tx->ob, '}');
	json_u64(tx, KEY("evicted"), tot->evicted);
	json_bool(tx, KEY("interrupted"), tot->interrupted);
	json_end(tx);
}
