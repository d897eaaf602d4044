/* report_replay.c - what the replay's report keeps of replay's events:
 * one row per prober (replay_chart.c draws them).
 *
 * A prober gets a row at its EV_FLOW_START, while there is room (the first
 * REPORT_MAX_FLOWS), and its later events find it by their prober number;
 * replay reuses a number once its prober is gone, always with a new
 * EV_FLOW_START first.  Data segments are not events a person reads:
 * EV_TRAFFIC draws each segment of a row's flow that is neither a
 * keep-alive nor its answer, coalesced into spans, at the cost of a few
 * comparisons.
 *
 * The model keeps per row only what is drawn: data as at most SPAN_MAX
 * spans (a flow may carry millions of segments), every probe, answer and
 * cut (as many as the JSON has events), the verdict and the counts. */
#include <stdlib.h>
#include <string.h>

#include "report/replay_chart.h"

static void *model_new(const struct report_meta *meta)
{
	struct replay_model *m = calloc(1, sizeof *m);

	if (m)
		m->meta = meta;
	return m;
}

static void model_free(void *model)
{
	struct replay_model *m = model;

	for (unsigned i = 0; i < m->nrows; i++) {
		free(m->row[i].name);
		free(m->row[i].probes.v);
		free(m->row[i].answers.v);
		free(m->row[i].cuts.v);
	}
	free(m->row);
	free(m->row_of);
	free(m);
}

/* Room for one more element of size sz; false when out of memory. */
static bool vec_room(struct vec *v, size_t sz)
{
	if (v->n < v->cap)
		return true;
	unsigned cap = v->cap ? v->cap * 2 : 16;
	void *n = cap > v->cap ? realloc(v->v, (size_t)cap * sz) : NULL;

	if (!n)
		return false;
	v->v = n;
	v->cap = cap;
	return true;
}

static int name_index(const char *const *names, unsigned n, const char *s)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* ---- the events ---------------------------------------------------------- */

/* The row of the event's prober, or NULL when it has none. */
static struct row *row_of(struct report *r, const struct event *ev)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);
	int row;

	if (!m || ev->prober >= m->nrow_of || (row = m->row_of[ev->prober]) < 0)
		return NULL;
	return &m->row[row];
}

/* The same, its timeline stretched to t. */
static struct row *row_at(struct report *r, const struct event *ev, ka_time t)
{
	struct row *w = row_of(r, ev);

	if (w && t > w->last)
		w->last = t;
	return w;
}

/* A mark could not be kept: the page says some are missing. */
static void short_of_memory(struct report *r)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);

	m->short_of_memory = true;
}

/* Room in row_of for prober number id. */
static bool row_of_room(struct replay_model *m, uint32_t id)
{
	uint32_t n = m->nrow_of ? m->nrow_of : 64;
	int16_t *v;

	if (id < m->nrow_of)
		return true;
	while (n <= id)
		n *= 2;
	if (!(v = realloc(m->row_of, (size_t)n * sizeof *v)))
		return false;
	for (uint32_t i = m->nrow_of; i < n; i++)
		v[i] = -1;
	m->row_of = v;
	m->nrow_of = n;
	return true;
}

/* A new row for the event's flow: its index, or -1 past REPORT_MAX_FLOWS
 * (then counted as left out) or when out of memory. */
static int new_row(struct replay_model *m, const struct event *ev)
{
	struct row *w;

	if (m->nrows == REPORT_MAX_FLOWS) {
		m->left_out++;
		return -1;
	}
	if (m->nrows == m->cap) {
		unsigned cap = m->cap ? m->cap * 2 : 16;
		struct row *n;

		cap = cap < REPORT_MAX_FLOWS ? cap : REPORT_MAX_FLOWS;
		if (!(n = realloc(m->row, (size_t)cap * sizeof *n))) {
			m->short_of_memory = true;
			return -1;
		}
		m->row = n;
		m->cap = cap;
	}
	w = &m->row[m->nrows];
	*w = (struct row){ .name = strdup(ev->flow), .start = ev->u.flow_start.start,
			   .last = ev->u.flow_start.start, .verdict = -1, .would = -1 };
	if (!w->name) {
		m->short_of_memory = true;
		return -1;
	}
	m->t0 = ev->u.flow_start.t0;
	return (int)m->nrows++;
}

static void on_flow_start(struct report *r, const struct event *ev)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);

	if (!m || !ev->prober)
		return;
	if (!row_of_room(m, ev->prober)) {
		m->short_of_memory = true;
		return;
	}
	m->row_of[ev->prober] = (int16_t)new_row(m, ev);
}

/* Merge the two spans with the shortest gap between them. */
static void merge_closest(struct row *w)
{
	unsigned best = 0;

	for (unsigned i = 1; i + 1 < w->nspans; i++)
		if (w->span[i + 1].from - w->span[i].to < w->span[best + 1].from - w->span[best].to)
			best = i;
	w->span[best].to = w->span[best + 1].to;
	memmove(&w->span[best + 1], &w->span[best + 2],
		(w->nspans - best - 2) * sizeof *w->span);
	w->nspans--;
}

static void on_traffic(struct report *r, const struct event *ev)
{
	ka_time t = ev->t;
	struct row *w = row_at(r, ev, t);
	struct span *last;

	if (!w)
		return;
	last = w->nspans ? &w->span[w->nspans - 1] : NULL;
	if (last && t - last->to < SPAN_JOIN_US) {
		last->to = t;
		return;
	}
	if (w->nspans == SPAN_MAX) {
		/* The new gap is the shortest: it closes, not an older one. */
		ka_time shortest = INT64_MAX;

		for (unsigned i = 0; i + 1 < w->nspans; i++)
			if (w->span[i + 1].from - w->span[i].to < shortest)
				shortest = w->span[i + 1].from - w->span[i].to;
		if (t - last->to <= shortest) {
			last->to = t;
			return;
		}
		merge_closest(w);
	}
	w->span[w->nspans++] = (struct span){ t, t };
}

static void on_probe(struct report *r, const struct event *ev)
{
	struct row *w = row_at(r, ev, ev->t);

	if (!w)
		return;
	if (!vec_room(&w->probes, sizeof(struct probe))) {
		short_of_memory(r);
		return;
	}
	((struct probe *)w->probes.v)[w->probes.n++] = (struct probe){ ev->t, ev->u.probe.n };
}

static void on_reply(struct report *r, const struct event *ev)
{
	const struct ev_reply *a = &ev->u.reply;
	struct row *w = row_at(r, ev, ev->t);
	int kind = name_index(replay_answer_kinds, NANSWERS, a->kind);

	if (!w || kind < 0)
		return;
	if (!vec_room(&w->answers, sizeof(struct answer))) {
		short_of_memory(r);
		return;
	}
	((struct answer *)w->answers.v)[w->answers.n++] =
		(struct answer){ .t = ev->t, .rtt = a->rtt, .n = a->n, .kind = (uint8_t)kind };
}

static void on_flow_verdict(struct report *r, const struct event *ev)
{
	const struct ka_machine *m = ev->u.verdict.m;
	struct row *w = row_of(r, ev);
	int v = name_index(replay_verdicts, NVERDICTS, ev->u.verdict.verdict);

	if (!w)
		return;
	w->verdict = v < 0 ? (int)NVERDICTS - 1 : v;
	w->verdict_t = ev->t;
	w->sent = m->st.sent;
	w->answered = m->st.answered;
	w->rst_answered = m->rst_answered;
	w->lost = ka_lost(m);
	if ((w->closed = ev->u.verdict.close != NULL)) {
		w->close = *ev->u.verdict.close;
		w->close.from = NULL;   /* not kept: valid during the event only */
	}
}

static void on_would_die(struct report *r, const struct event *ev)
{
	struct row *w = row_at(r, ev, ev->t);
	int v = name_index(replay_verdicts, NVERDICTS, ev->u.would_die);

	if (!w)
		return;
	w->would = v < 0 ? (int)NVERDICTS - 1 : v;
	w->would_t = ev->t;
}

static void on_cut(struct report *r, const struct event *ev)
{
	const struct ev_cut *c = &ev->u.cut;
	struct replay_model *m = report_model(r, REPORT_REPLAY);
	struct row *w = row_at(r, ev, ev->t - c->timeout + c->gap);
	unsigned b = 0;

	if (!m)
		return;
	while (b < m->meta->nboxes && strcmp(m->meta->box[b].name, c->box) != 0)
		b++;
	if (!w || b == m->meta->nboxes) {
		m->cuts_undrawn++;
		return;
	}
	if (!vec_room(&w->cuts, sizeof(struct cut))) {
		m->short_of_memory = true;
		return;
	}
	((struct cut *)w->cuts.v)[w->cuts.n++] = (struct cut){
		.t = ev->t, .timeout = c->timeout, .gap = c->gap, .box = (uint8_t)b,
		.refreshed = c->refreshed,
	};
}

/* Its file is the page's subject already. */
static void on_summary(struct report *r, const struct event *ev)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);

	if (!m)
		return;
	m->summary = true;
	m->end = ev->t;
	m->tot = *ev->u.replay.tot;
}

static void on_capture(struct report *r, const struct event *ev)
{
	const struct ev_capture *c = &ev->u.capture;
	struct replay_model *m = report_model(r, REPORT_REPLAY);

	if (!m)
		return;
	snprintf(m->comment, sizeof m->comment, "%s", c->comment);
	for (m->nifnames = 0; m->nifnames < c->n && m->nifnames < EV_MAX_IFNAMES; m->nifnames++)
		snprintf(m->ifname[m->nifnames], sizeof m->ifname[0], "%s", c->ifname[m->nifnames]);
}

_Static_assert(REPORT_MAX_FLOWS <= INT16_MAX, "a prober's row is an int16_t");

static report_on *const on[EV_COUNT] = {
	[EV_FLOW_START] = on_flow_start, [EV_TRAFFIC] = on_traffic, [EV_PROBE] = on_probe,
	[EV_REPLY] = on_reply, [EV_FLOW_VERDICT] = on_flow_verdict,
	[EV_WOULD_DIE] = on_would_die, [EV_CUT] = on_cut, [EV_REPLAY_SUMMARY] = on_summary,
	[EV_CAPTURE] = on_capture,
};

/* A replay stopped by a signal, or by damage part-way, still gives its
 * summary: then the page shows what was read. */
static bool has_content(const void *model)
{
	return ((const struct replay_model *)model)->summary;
}

const struct report_kind_ops report_replay_ops = {
	"replay", replay_page_style, model_new, replay_page, has_content, model_free, on,
};
