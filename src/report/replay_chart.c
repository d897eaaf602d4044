/* replay_chart.c - the replay's page (see replay_chart.h): one row per
 * prober, each a timeline of its flow's data, its probes and their
 * answers, the idle gaps a --middlebox would have cut, the gap before the
 * peer's close (verdict "closed"), the would-be death and the verdict; then
 * the capture's summary.  Rows are sorted without
 * script: each carries its rank by verdict and by its longest gap as CSS
 * variables, and radio buttons choose which one the flex container's
 * `order` uses. */
#include "report/replay_chart.h"

#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "report/svg.h"

/* The timeline, in SVG user units: lanes from the top, the axis under
 * them. */
#define TL_W 1200
#define TL_H 68
#define TL_X0 8
#define TL_X1 (TL_W - 24)
#define Y_DATA 6
#define Y_PROBE 22
#define Y_ANSWER 36
#define Y_AXIS 50

const char *const replay_verdicts[NVERDICTS] = {
	"dead", "unreachable", "reset", "closed", "open", "alive", "none",
};
const char *const replay_answer_kinds[NANSWERS] = { "ack", "rst", "data", "icmp" };

/* ---- the page ------------------------------------------------------------ */

static double secs(ka_time us)
{
	return (double)us / 1e6;
}

/* A duration to the millisecond: microseconds only clutter a timeline. */
static ka_time to_ms(ka_time us)
{
	return (us + 500) / 1000 * 1000;
}

/* The longest stretch of the row's timeline without data. */
static ka_time longest_gap(const struct row *w)
{
	ka_time prev = w->start, best = 0;

	for (unsigned i = 0; i < w->nspans; i++) {
		if (w->span[i].from - prev > best)
			best = w->span[i].from - prev;
		if (w->span[i].to > prev)
			prev = w->span[i].to;
	}
	return w->last - prev > best ? w->last - prev : best;
}

static const char *verdict_name(int v)
{
	return v < 0 ? "none" : replay_verdicts[v];
}

/* What the orders compare: each row's verdict and longest gap. */
struct order {
	const struct replay_model *m;
	const ka_time *gap;
};

/* Longest gap first; capture order among equals. */
static int by_gap(const void *a, const void *b, void *arg)
{
	const struct order *o = arg;
	unsigned i = *(const unsigned *)a, j = *(const unsigned *)b;

	if (o->gap[i] != o->gap[j])
		return o->gap[i] > o->gap[j] ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Worst verdict first (no verdict last), then by gap. */
static int by_verdict(const void *a, const void *b, void *arg)
{
	const struct order *o = arg;
	unsigned i = *(const unsigned *)a, j = *(const unsigned *)b;
	unsigned vi = (unsigned)o->m->row[i].verdict, vj = (unsigned)o->m->row[j].verdict;

	if (vi != vj)
		return vi < vj ? -1 : 1;
	return by_gap(a, b, arg);
}

/* rank[i]: row i's place in the order cmp gives. */
static void rank_rows(const struct order *o, int (*cmp)(const void *, const void *, void *),
		      unsigned *idx, unsigned *rank)
{
	for (unsigned i = 0; i < o->m->nrows; i++)
		idx[i] = i;
	qsort_r(idx, o->m->nrows, sizeof *idx, cmp, (void *)o);
	for (unsigned i = 0; i < o->m->nrows; i++)
		rank[idx[i]] = i;
}

/* A mark: <g data-kind=...> with its tooltip, closed by the caller after
 * drawing its shape.  attrs is markup kaprobe wrote. */
static void mark_open(struct page *p, const char *attrs, const char *title)
{
	page_raw(p, "<g ");
	page_raw(p, attrs);
	page_raw(p, ">");
	svg_title(p, title);
}

static void mark_close(struct page *p)
{
	page_raw(p, "</g>");
}

/* The row's time t as the JSON's t and as an offset on its timeline. */
struct timeline {
	struct axis a;
	ka_time start, t0;
};

static double tl_x(const struct timeline *tl, ka_time t)
{
	return axis_x(&tl->a, secs(t - tl->start));
}

static void draw_spans(struct page *p, const struct row *w, const struct timeline *tl)
{
	char title[96];

	for (unsigned i = 0; i < w->nspans; i++) {
		double x = tl_x(tl, w->span[i].from), x2 = tl_x(tl, w->span[i].to);

		snprintf(title, sizeof title, "data, t=%.3f s to %.3f s",
			 secs(w->span[i].from - tl->t0), secs(w->span[i].to - tl->t0));
		mark_open(p, "data-kind=\"data\"", title);
		svg_rect(p, x, Y_DATA, x2 - x > 2 ? x2 - x : 2, 10, "data");
		mark_close(p);
	}
}

static void draw_probes(struct page *p, const struct row *w, const struct timeline *tl)
{
	const struct probe *pr = w->probes.v;
	char title[64];

	for (unsigned i = 0; i < w->probes.n; i++) {
		double x = tl_x(tl, pr[i].t);

		snprintf(title, sizeof title, "probe %u at t=%.3f s", pr[i].n, secs(pr[i].t - tl->t0));
		mark_open(p, "data-kind=\"probe\"", title);
		svg_line(p, x, Y_PROBE, x, Y_PROBE + 11, "probe");
		mark_close(p);
	}
}

static void draw_answers(struct page *p, const struct row *w, const struct timeline *tl)
{
	const struct answer *a = w->answers.v;
	char title[96], attrs[64], cls[16];

	for (unsigned i = 0; i < w->answers.n; i++) {
		const char *kind = replay_answer_kinds[a[i].kind];
		double x = tl_x(tl, a[i].t);

		if (a[i].n)
			snprintf(title, sizeof title, "%s answering probe %u at t=%.3f s, rtt %.3f ms",
				 kind, a[i].n, secs(a[i].t - tl->t0), (double)a[i].rtt / 1e3);
		else
			snprintf(title, sizeof title, "%s at t=%.3f s", kind, secs(a[i].t - tl->t0));
		snprintf(attrs, sizeof attrs, "data-kind=\"answer\" data-reply=\"%s\"", kind);
		snprintf(cls, sizeof cls, "ans-%s", kind);
		mark_open(p, attrs, title);
		svg_rect(p, x - 2, Y_ANSWER, 4, 9, cls);
		mark_close(p);
	}
}

/* A cut: from when the box dropped the flow (or would have, had
 * keep-alive not refreshed it) to when the idle gap ended. */
static void draw_cuts(struct page *p, const struct replay_model *m, const struct row *w,
		      const struct timeline *tl)
{
	const struct cut *c = w->cuts.v;
	char title[160], to[32], idle[32];

	for (unsigned i = 0; i < w->cuts.n; i++) {
		const struct middlebox *b = &m->meta->box[c[i].box];
		double x = tl_x(tl, c[i].t), x2 = tl_x(tl, c[i].t - c[i].timeout + c[i].gap);

		format_duration(c[i].timeout, to, sizeof to);
		format_duration(to_ms(c[i].gap), idle, sizeof idle);
		snprintf(title, sizeof title, c[i].refreshed
			 ? "%s (idle timeout %s): idle %s, but keep-alive refreshed it"
			 : "%s (idle timeout %s): idle %s, dropped at t=%.3f s",
			 b->name, to, idle, secs(c[i].t - tl->t0));
		page_raw(p, "<g data-kind=\"cut\" data-box=\"");
		page_text(p, b->name);
		page_printf(p, "\" data-refreshed=\"%s\">", c[i].refreshed ? "true" : "false");
		svg_title(p, title);
		svg_rect(p, x, 2, x2 - x > 1 ? x2 - x : 1, Y_AXIS - 4,
			 c[i].refreshed ? "cut refreshed" : "cut");
		svg_line(p, x, 2, x, Y_AXIS - 2, c[i].refreshed ? "cutat refreshed" : "cutat");
		mark_close(p);
	}
}

/* "closed": the gap without data before the peer's close, shaded under
 * everything else: the probes answered in it did not keep the flow. */
static void draw_closegap(struct page *p, const struct row *w, const struct timeline *tl)
{
	const struct ev_close *c = &w->close;
	char title[200], idle[32];
	double x, x2;

	if (!w->closed)
		return;
	x = tl_x(tl, w->verdict_t - c->idle > w->start ? w->verdict_t - c->idle : w->start);
	x2 = tl_x(tl, w->verdict_t);
	format_duration(to_ms(c->idle), idle, sizeof idle);
	snprintf(title, sizeof title, "no data for %s, then %s %s closed the flow at t=%.3f s; "
		 "%d keep-alive probe%s answered in the gap did not keep it", idle,
		 c->by == 0 ? "a box on the way" : "the peer", c->rst ? "with an RST" : "with a FIN",
		 secs(w->verdict_t - tl->t0), c->answered_in_gap, c->answered_in_gap == 1 ? "" : "s");
	page_printf(p, "<g data-kind=\"closegap\" data-how=\"%s\" data-idle=\"%.3f\" "
		    "data-answered=\"%d\">", c->rst ? "rst" : "fin", secs(to_ms(c->idle)),
		    c->answered_in_gap);
	svg_title(p, title);
	svg_rect(p, x, 2, x2 - x > 1 ? x2 - x : 1, Y_AXIS - 4, "closegap");
	mark_close(p);
}

/* The would-be death and the verdict: lines across the lanes. */
static void draw_ends(struct page *p, const struct row *w, const struct timeline *tl)
{
	char title[96], cls[24];

	if (w->would >= 0) {
		double x = tl_x(tl, w->would_t);

		snprintf(title, sizeof title, "with the given timings: %s at t=%.3f s",
			 verdict_name(w->would), secs(w->would_t - tl->t0));
		mark_open(p, "data-kind=\"would-die\"", title);
		svg_line(p, x, 2, x, Y_AXIS - 2, "would");
		mark_close(p);
	}
	if (w->verdict >= 0) {
		bool later = w->verdict_t > w->last;
		double x = tl_x(tl, w->verdict_t);

		snprintf(title, sizeof title, "verdict %s at t=%.3f s%s", verdict_name(w->verdict),
			 secs(w->verdict_t - tl->t0), later ? ", after the flow's last segment" : "");
		snprintf(cls, sizeof cls, "vline v-%s", verdict_name(w->verdict));
		mark_open(p, "data-kind=\"verdict\"", title);
		svg_line(p, x, 2, x, Y_AXIS - 2, cls);
		if (later)   /* beyond the axis: drawn at its end, marked */
			svg_text(p, x + 4, Y_ANSWER, "start", cls, "\u00bb");
		mark_close(p);
	}
}

static void draw_timeline(struct page *p, const struct replay_model *m, const struct row *w)
{
	struct timeline tl = { .start = w->start, .t0 = m->t0 };
	char label[160];

	snprintf(label, sizeof label, "the timeline of %s", w->name);
	axis_linear(&tl.a, 0, secs(w->last - w->start), TL_X0, TL_X1);
	svg_begin(p, NULL, TL_W, TL_H, label);
	svg_axis(p, &tl.a, Y_AXIS, 2, 70);
	draw_closegap(p, w, &tl);
	draw_cuts(p, m, w, &tl);
	draw_spans(p, w, &tl);
	draw_probes(p, w, &tl);
	draw_answers(p, w, &tl);
	draw_ends(p, w, &tl);
	svg_end(p);
}

static void draw_row(struct page *p, const struct replay_model *m, const struct row *w,
		     unsigned rank_v, unsigned rank_g, ka_time gap)
{
	const char *v = verdict_name(w->verdict);

	page_raw(p, "<div class=\"flow\" data-kind=\"flow\" data-flow=\"");
	page_text(p, w->name);
	page_printf(p, "\" data-verdict=\"%s\" data-gap=\"%.3f\" "
		    "style=\"--rank-verdict:%u;--rank-gap:%u\">\n", v, secs(to_ms(gap)), rank_v, rank_g);
	page_raw(p, "<div class=\"flowhead\"><code class=\"name\">");
	page_text(p, w->name);
	page_printf(p, "</code><span class=\"v v-%s\">%s</span><span class=\"muted\">%u "
		    "probe%s, %u answered", v, v, w->sent, w->sent == 1 ? "" : "s", w->answered);
	if (w->rst_answered)
		page_printf(p, ", %u answered by an RST", w->rst_answered);
	page_printf(p, ", %u lost</span>", w->lost);
	if (w->closed) {
		page_printf(p, "<span class=\"closed\">%s %s after ",
			    w->close.by == 0 ? "a box's" : "the peer's", w->close.rst ? "RST" : "FIN");
		page_duration(p, to_ms(w->close.idle));
		page_printf(p, " without data, %d keep-alive probe%s answered in the gap</span>",
			    w->close.answered_in_gap, w->close.answered_in_gap == 1 ? "" : "s");
	}
	page_raw(p, "<span class=\"muted\">longest gap ");
	page_duration(p, to_ms(gap));
	page_printf(p, "</span><span class=\"muted\">t=%.3f s to %.3f s",
		    secs(w->start - m->t0), secs(w->last - m->t0));
	if (w->verdict >= 0 && w->verdict_t > w->last)
		page_printf(p, ", verdict at %.3f s", secs(w->verdict_t - m->t0));
	page_raw(p, "</span></div>\n");
	draw_timeline(p, m, w);
	page_raw(p, "</div>\n");
}

/* One swatch of the legend: a 14 x 14 picture and its words. */
static void swatch(struct page *p, const char *shape, const char *cls, const char *words)
{
	page_raw(p, "<span>");
	svg_begin(p, NULL, 14, 14, words);
	if (strcmp(shape, "line") == 0)
		svg_line(p, 7, 1, 7, 13, cls);
	else
		svg_rect(p, strcmp(shape, "tick") == 0 ? 5 : 1, 1, strcmp(shape, "tick") == 0 ? 4 : 12,
			 12, cls);
	svg_end(p);
	page_raw(p, " ");
	page_text(p, words);
	page_raw(p, "</span>\n");
}

static void legend(struct page *p)
{
	page_raw(p, "<div class=\"legend\" id=\"legend\">\n");
	swatch(p, "rect", "data", "data (segments < 1 s apart as one span)");
	swatch(p, "line", "probe", "keep-alive probe");
	swatch(p, "tick", "ans-ack", "answered: ACK");
	swatch(p, "tick", "ans-data", "answered: data");
	swatch(p, "tick", "ans-rst", "answered: RST");
	swatch(p, "tick", "ans-icmp", "ICMP error");
	swatch(p, "rect", "cut", "a --middlebox had dropped the flow");
	swatch(p, "rect", "cut refreshed", "idle past a --middlebox's timeout, refreshed by keep-alive");
	swatch(p, "rect", "closegap", "no data before the peer closed the flow (closed)");
	swatch(p, "line", "would", "would-be death with the given timings");
	swatch(p, "line", "vline v-dead", "verdict, in its colour");
	page_raw(p, "</div>\n");
}

/* The rows, in capture order, each with its ranks for the sort. */
static void draw_rows(struct page *p, const struct replay_model *m)
{
	unsigned *idx = calloc(m->nrows ? m->nrows : 1, 3 * sizeof *idx);
	ka_time *gap = calloc(m->nrows ? m->nrows : 1, sizeof *gap);
	struct order o = { m, gap };

	if (!idx || !gap) {
		page_raw(p, "<p class=\"bad\">Out of memory: the flows could not be drawn.</p>\n");
		free(idx);
		free(gap);
		return;
	}
	for (unsigned i = 0; i < m->nrows; i++)
		gap[i] = longest_gap(&m->row[i]);
	rank_rows(&o, by_verdict, idx, idx + m->nrows);
	rank_rows(&o, by_gap, idx, idx + 2 * m->nrows);
	page_raw(p, "<div class=\"sorter\"><span class=\"muted\">Order:</span>"
		 "<input type=\"radio\" name=\"sort\" id=\"sort-capture\" checked>"
		 "<label for=\"sort-capture\">capture</label>"
		 "<input type=\"radio\" name=\"sort\" id=\"sort-verdict\">"
		 "<label for=\"sort-verdict\">verdict</label>"
		 "<input type=\"radio\" name=\"sort\" id=\"sort-gap\">"
		 "<label for=\"sort-gap\">longest gap</label>\n<div class=\"flows\" id=\"flows\">\n");
	for (unsigned i = 0; i < m->nrows; i++)
		draw_row(p, m, &m->row[i], idx[m->nrows + i], idx[2 * m->nrows + i], gap[i]);
	page_raw(p, "</div>\n</div>\n");
	free(idx);
	free(gap);
}

static void summary_row(struct page *p, const char *what, uint64_t n)
{
	page_raw(p, "<tr><th>");
	page_raw(p, what);
	page_printf(p, "</th><td class=\"num\">%llu</td></tr>\n", (unsigned long long)n);
}

/* What the file says of itself: text from the file, escaped. */
static void capture_notes(struct page *p, const struct replay_model *m)
{
	unsigned named = 0;

	if (m->comment[0]) {
		page_raw(p, "<p>Its comment: <q id=\"capture-comment\">");
		page_text(p, m->comment);
		page_raw(p, "</q></p>\n");
	}
	for (unsigned i = 0; i < m->nifnames; i++)
		named += m->ifname[i][0] != '\0';
	if (!named)
		return;
	page_raw(p, "<p>Its interfaces: ");
	for (unsigned i = 0, k = 0; i < m->nifnames; i++) {
		if (!m->ifname[i][0])
			continue;
		page_raw(p, k++ ? ", <code data-kind=\"interface\">" : "<code data-kind=\"interface\">");
		page_text(p, m->ifname[i]);
		page_raw(p, "</code>");
	}
	page_raw(p, ".</p>\n");
}

static void capture_summary(struct page *p, const struct replay_model *m)
{
	const struct replay_totals *t = &m->tot;

	page_raw(p, "<section id=\"capture\">\n<h2>The capture</h2>\n");
	capture_notes(p, m);
	if (!m->summary) {
		page_raw(p, "<p class=\"muted\">No summary: the capture was not read through.</p>\n");
	} else {
		page_raw(p, "<table id=\"summary\">\n");
		summary_row(p, "frames", t->frames);
		summary_row(p, "TCP segments", t->tcp);
		summary_row(p, "flows", t->flows);
		summary_row(p, "flows with keep-alive", t->flows_probed);
		summary_row(p, "probes", t->probes);
		summary_row(p, "answered", t->answered);
		summary_row(p, "skipped: truncated", t->truncated);
		summary_row(p, "skipped: malformed", t->malformed);
		summary_row(p, "skipped: not TCP", t->not_tcp);
		if (t->fragments || t->incomplete) {
			summary_row(p, "fragments reassembled", t->fragments);
			summary_row(p, "fragments of incomplete datagrams", t->incomplete);
		}
		summary_row(p, "flows evicted (--max-flows)", t->evicted);
		page_printf(p, "</table>\n<p>Read %s",
			    t->interrupted ? "until interrupted (SIGINT, SIGTERM or SIGHUP)" : "through");
		if (m->nrows) {   /* t0 comes with the first row */
			page_raw(p, ", ");
			page_duration(p, to_ms(m->end - m->t0));
			page_raw(p, " of capture time");
		}
		page_raw(p, ".</p>\n");
	}
	page_raw(p, "<p id=\"boxes\">Middleboxes: ");
	if (!m->meta->nboxes)
		page_raw(p, "none given (--middlebox shows where one would have cut idle gaps).");
	for (unsigned i = 0; i < m->meta->nboxes; i++) {
		page_raw(p, i ? ", <code>" : "<code>");
		page_text(p, m->meta->box[i].name);
		page_raw(p, "</code> (idle timeout ");
		page_duration(p, m->meta->box[i].timeout);
		page_raw(p, ")");
	}
	if (m->cuts_undrawn)
		page_printf(p, " %llu cuts of flows not drawn here (no keep-alive, or left out).",
			    (unsigned long long)m->cuts_undrawn);
	page_raw(p, "</p>\n</section>\n");
}

void replay_page(struct page *p, const void *model, const struct report_meta *meta)
{
	const struct replay_model *m = model;
	unsigned count[NVERDICTS] = { 0 };

	(void)meta;
	capture_summary(p, m);
	page_raw(p, "<section id=\"probers\">\n<h2>Probed flows</h2>\n<p class=\"verdict\">");
	for (unsigned i = 0; i < m->nrows; i++)
		count[m->row[i].verdict < 0 ? NVERDICTS - 1 : (unsigned)m->row[i].verdict]++;
	page_printf(p, "%u prober%s drawn", m->nrows, m->nrows == 1 ? "" : "s");
	for (unsigned v = 0; v < NVERDICTS; v++)
		if (count[v])
			page_printf(p, ", %u <span class=\"v-%s\">%s</span>", count[v],
				    replay_verdicts[v], replay_verdicts[v]);
	page_raw(p, "</p>\n<p class=\"muted\">One row per prober (an end of a flow that sent "
		 "keep-alives), its timeline from its flow's last segment before the first "
		 "keep-alive to its last segment. A verdict given later (when the capture ended, "
		 "or when replay let the closed flow go) is drawn at the end, marked \u00bb.</p>\n");
	if (m->nrows) {
		legend(p);
		draw_rows(p, m);
	} else {
		page_raw(p, "<p>No flow in the capture sent keep-alives: there is nothing to "
			 "draw.</p>\n");
	}
	page_printf(p, "<p id=\"left-out\" data-count=\"%llu\">", (unsigned long long)m->left_out);
	if (m->left_out)
		page_printf(p, "%llu more probed flows are left out: a report draws the first %d "
			    "to start probing.", (unsigned long long)m->left_out, REPORT_MAX_FLOWS);
	else
		page_raw(p, "Every probed flow is drawn.");
	page_raw(p, "</p>\n");
	if (m->short_of_memory)
		page_raw(p, "<p class=\"bad\">Out of memory while reading: some marks are "
			 "missing.</p>\n");
	page_raw(p, "</section>\n");
}

const char replay_page_style[] =
	".sorter input{margin:0 .25em 0 1em}.sorter label{cursor:pointer}\n"
	".flows{display:flex;flex-direction:column;gap:4px;margin-top:.5em}\n"
	"#sort-verdict:checked~.flows>.flow{order:var(--rank-verdict)}\n"
	"#sort-gap:checked~.flows>.flow{order:var(--rank-gap)}\n"
	".flow{border-top:1px solid var(--grid);padding-top:4px;break-inside:avoid}\n"
	".flowhead{display:flex;flex-wrap:wrap;gap:2px 14px;align-items:baseline}\n"
	".flowhead .name{font-weight:600}.flowhead .v{font-weight:600}\n"
	".v-alive{color:var(--ok)}.v-dead,.v-unreachable{color:var(--bad)}"
	".v-reset,.v-closed{color:var(--warn)}.v-open,.v-none{color:var(--muted)}\n"
	".flowhead .closed{color:var(--warn)}\n"
	"svg .data{fill:var(--info);fill-opacity:.6}"
	"svg .probe{stroke:var(--fg);stroke-width:1.5}\n"
	"svg .ans-ack{fill:var(--ok)}svg .ans-rst{fill:var(--bad)}"
	"svg .ans-data{fill:var(--info)}svg .ans-icmp{fill:var(--warn)}\n"
	"svg .cut{fill:var(--shade-bad)}svg .cut.refreshed{fill:var(--shade-na)}"
	"svg .cutat{stroke:var(--bad);stroke-width:2}"
	"svg .cutat.refreshed{stroke:var(--muted);stroke-dasharray:3 2}\n"
	"svg .closegap{fill:var(--warn);fill-opacity:.18}\n"
	"svg .would{stroke:var(--warn);stroke-width:2;stroke-dasharray:5 3}"
	"svg .vline{stroke-width:2.5}svg .vline.v-alive{stroke:var(--ok)}"
	"svg .vline.v-dead,svg .vline.v-unreachable{stroke:var(--bad)}"
	"svg .vline.v-reset,svg .vline.v-closed{stroke:var(--warn)}"
	"svg .vline.v-open,svg .vline.v-none{stroke:var(--muted)}\n"
	"svg text.vline{stroke:none;font-weight:700}svg text.v-alive{fill:var(--ok)}"
	"svg text.v-dead,svg text.v-unreachable{fill:var(--bad)}"
	"svg text.v-reset,svg text.v-closed{fill:var(--warn)}"
	"svg text.v-open,svg text.v-none{fill:var(--muted)}\n"
	".legend svg .cut{stroke:var(--bad)}.legend svg .cut.refreshed{stroke:var(--muted)}\n"
	"@media print{.sorter input,.sorter label,.sorter>.muted{display:none}}\n";
