/* report_replay.c - what the replay's report keeps of replay's events:
 * one row per prober (replay_chart.c draws them).
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

/* Row `row` of a replay report, or NULL when there is none. */
static struct row *row_of(struct report *r, int row)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);

	return m && row >= 0 && (unsigned)row < m->nrows ? &m->row[row] : NULL;
}

/* The same, its timeline stretched to t. */
static struct row *row_at(struct report *r, int row, ka_time t)
{
	struct row *w = row_of(r, row);

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

int rep_flow_row(struct report *r, const char *name, ka_time start, ka_time t0)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);
	struct row *w;

	if (!m)
		return -1;
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
	*w = (struct row){ .name = strdup(name), .start = start, .last = start, .verdict = -1,
			   .would = -1 };
	if (!w->name) {
		m->short_of_memory = true;
		return -1;
	}
	m->t0 = t0;
	return (int)m->nrows++;
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

void rep_traffic(struct report *r, int row, ka_time t)
{
	struct row *w = row_at(r, row, t);
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

void rep_probe(struct report *r, int row, ka_time t, const struct out_probe *p)
{
	struct row *w = row_at(r, row, t);

	if (!w)
		return;
	if (!vec_room(&w->probes, sizeof(struct probe))) {
		short_of_memory(r);
		return;
	}
	((struct probe *)w->probes.v)[w->probes.n++] = (struct probe){ t, p->n };
}

void rep_reply(struct report *r, int row, ka_time t, const struct out_reply *a)
{
	struct row *w = row_at(r, row, t);
	int kind = name_index(replay_answer_kinds, NANSWERS, a->kind);

	if (!w || kind < 0)
		return;
	if (!vec_room(&w->answers, sizeof(struct answer))) {
		short_of_memory(r);
		return;
	}
	((struct answer *)w->answers.v)[w->answers.n++] =
		(struct answer){ .t = t, .rtt = a->rtt, .n = a->n, .kind = (uint8_t)kind };
}

void rep_flow_verdict(struct report *r, int row, ka_time t, const char *verdict,
		      const struct ka_machine *m)
{
	struct row *w = row_of(r, row);
	int v = name_index(replay_verdicts, NVERDICTS, verdict);

	if (!w)
		return;
	w->verdict = v < 0 ? (int)NVERDICTS - 1 : v;
	w->verdict_t = t;
	w->sent = m->st.sent;
	w->answered = m->st.answered;
	w->rst_answered = m->rst_answered;
	w->lost = ka_lost(m);
}

void rep_would_die(struct report *r, int row, ka_time t, const char *verdict)
{
	struct row *w = row_at(r, row, t);
	int v = name_index(replay_verdicts, NVERDICTS, verdict);

	if (!w)
		return;
	w->would = v < 0 ? (int)NVERDICTS - 1 : v;
	w->would_t = t;
}

void rep_cut(struct report *r, int row, ka_time t, const char *box, ka_time timeout,
	     ka_time gap, bool refreshed)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);
	struct row *w = row_at(r, row, t - timeout + gap);
	unsigned b = 0;

	if (!m)
		return;
	while (b < m->meta->nboxes && strcmp(m->meta->box[b].name, box) != 0)
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
		.t = t, .timeout = timeout, .gap = gap, .box = (uint8_t)b, .refreshed = refreshed,
	};
}

void rep_replay_summary(struct report *r, ka_time t, const char *file,
			const struct replay_totals *tot)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);

	(void)file;   /* the page's subject already */
	if (!m)
		return;
	m->summary = true;
	m->end = t;
	m->tot = *tot;
}

void rep_capture(struct report *r, const char *comment, const char *const *ifname,
		 unsigned n)
{
	struct replay_model *m = report_model(r, REPORT_REPLAY);

	if (!m)
		return;
	snprintf(m->comment, sizeof m->comment, "%s", comment);
	for (m->nifnames = 0; m->nifnames < n && m->nifnames < REPORT_MAX_IFNAMES; m->nifnames++)
		snprintf(m->ifname[m->nifnames], sizeof m->ifname[0], "%s", ifname[m->nifnames]);
}

/* A replay stopped by a signal, or by damage part-way, still gives its
 * summary: then the page shows what was read. */
static bool has_content(const void *model)
{
	return ((const struct replay_model *)model)->summary;
}

const struct report_kind_ops report_replay_ops = {
	"replay", replay_page_style, model_new, replay_page, has_content, model_free,
};
