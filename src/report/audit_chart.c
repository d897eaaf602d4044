/* audit_chart.c - the idle-timeout search of an audit, drawn (see
 * audit_chart.h).
 *
 * A log time axis from 100 ms to --max-idle or RFC 5382's 2h4m, whichever
 * is longer, so that charts of different paths compare at a glance.  One
 * lane per round of the search: the first round spreads its connections
 * over the whole range, later ones close in on the bracket, so the lanes
 * show the search narrowing.  Every mark carries its measurement as data
 * attributes (data-kind="measure", data-reply, data-by, data-idle,
 * data-round), the same values the JSON "measure" events carry. */
#include "report/audit_chart.h"

#include <math.h>
#include <stdio.h>

#include "util/parse.h"
#include "report/refline.h"
#include "report/svg.h"
#include "net/target.h"
#include "tcp/middlebox.h"

#define W 1200
#define X0 84.0
#define X1 1172.0
#define LANE 26.0
#define TICK_PX 70.0

const char audit_chart_style[] =
	".z-alive{fill:var(--shade-ok)}.z-dead{fill:var(--shade-bad)}"
	".z-untested{fill:var(--shade-na)}\n"
	".lane{stroke:var(--grid);stroke-width:1}"
	"svg .bracket line{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:5 3}\n"
	".ref line{stroke:var(--info);stroke-width:1.2;stroke-dasharray:2 3}"
	".ref text{fill:var(--info);font-size:12px}\n"
	".m-ok{fill:var(--ok)}.m-box-ack{fill:var(--box)}.m-rst-box{fill:var(--box)}"
	".m-rst-peer{fill:none;stroke:var(--bad);stroke-width:2}"
	".m-icmp{fill:var(--warn)}.m-fin{fill:none;stroke:var(--bad);stroke-width:3}.m-silent{fill:none;stroke:var(--bad);stroke-width:2.6}"
	".ring{fill:none;stroke:var(--fg);stroke-width:1.2}.overruled{opacity:.45}\n"
	"svg .zone-label{fill:var(--muted);font-size:12px}\n";

/* Where a chart is drawn: its axis, the top of its first lane and the
 * bottom of its last. */
struct frame {
	const struct axis *ax;
	double top, y1;
	bool close;               /* the close-up of the bracket */
};

/* What a measurement got, as the chart's mark kinds. */
enum outcome { O_OK, O_BOX_ACK, O_RST_PEER, O_RST_BOX, O_ICMP, O_FIN, O_SILENT, NOUTCOMES };

static const struct {
	const char *cls, *text;
} outcome[NOUTCOMES] = {
	[O_OK] = { "m-ok", "answered by the peer" },
	[O_BOX_ACK] = { "m-box-ack", "answered by a middlebox, not the peer" },
	[O_RST_PEER] = { "m-rst-peer", "reset by the peer" },
	[O_RST_BOX] = { "m-rst-box", "reset by a middlebox" },
	[O_ICMP] = { "m-icmp", "ICMP error" },
	[O_FIN] = { "m-fin", "closed by the peer itself (FIN)" },
	[O_SILENT] = { "m-silent", "not answered" },
};

static enum outcome outcome_of(const struct probe_reply *r)
{
	switch (r->kind) {
	case REPLY_ACK: return r->by_peer ? O_OK : O_BOX_ACK;
	case REPLY_RST: return r->by_peer ? O_RST_PEER : O_RST_BOX;
	case REPLY_ICMP: return O_ICMP;
	case REPLY_FIN: return O_FIN;
	default: return O_SILENT;
	}
}

/* The mark's shape, centred on 0,0 (the group is translated). */
static void shape(struct page *p, enum outcome o)
{
	switch (o) {
	case O_OK:
		page_raw(p, "<circle r=\"6.5\"/>");
		break;
	case O_BOX_ACK:
		page_raw(p, "<path d=\"M0-7.5L7.5 0L0 7.5L-7.5 0Z\"/>");
		break;
	case O_RST_PEER:
	case O_RST_BOX:
		page_raw(p, "<rect x=\"-6\" y=\"-6\" width=\"12\" height=\"12\"/>");
		break;
	case O_ICMP:
		page_raw(p, "<path d=\"M0-7.5L7 6L-7 6Z\"/>");
		break;
	case O_FIN:
		page_raw(p, "<path d=\"M-7 0L7 0M0-7L0 7\"/>");
		break;
	default:
		page_raw(p, "<path d=\"M-6-6L6 6M-6 6L6-6\"/>");
	}
}

static unsigned rounds(const struct audit_model *a)
{
	unsigned n = 1;

	for (unsigned i = 0; i < a->nmeas; i++)
		if (a->meas[i].round > n)
			n = a->meas[i].round;
	return n;
}

/* Alive up to the bracket, dead from it to --max-idle, not tried beyond. */
static void zones(struct page *p, const struct audit_model *a, const struct frame *f)
{
	const struct axis *ax = f->ax;
	double top = f->top, h = f->y1 - f->top;
	double alive = a->has_idle ? a->idle.alive_s : -1, dead = a->has_idle ? a->idle.dead_s : -1;
	double max = a->max_idle / 1e6, xm = axis_x(ax, max);

	if (alive > 0)
		svg_rect(p, X0, top, axis_x(ax, alive) - X0, h, "z-alive");
	if (dead > 0)
		svg_rect(p, axis_x(ax, dead), top, xm - axis_x(ax, dead), h, "z-dead");
	if (max > 0 && xm < X1 - 1) {
		svg_rect(p, xm, top, X1 - xm, h, "z-untested");
		svg_text(p, (xm + X1) / 2, top + 16, "middle", "zone-label", "not tried");
	}
}

/* The bracket: dashed lines at the longest idle answered and the shortest
 * not, its values in data-alive and data-dead (seconds, as the JSON
 * "idle-timeout" event; empty for none). */
static void bracket(struct page *p, const struct audit_model *a, const struct frame *f)
{
	const struct axis *ax = f->ax;
	double v[2] = { a->idle.alive_s, a->idle.dead_s };

	page_raw(p, f->close ? "<g class=\"bracket\" data-alive=\""
		 : "<g id=\"bracket\" class=\"bracket\" data-alive=\"");
	if (a->has_idle && v[0] >= 0)
		page_printf(p, "%.3f", v[0]);
	page_raw(p, "\" data-dead=\"");
	if (a->has_idle && v[1] >= 0)
		page_printf(p, "%.3f", v[1]);
	page_raw(p, "\">");
	for (int i = 0; i < 2 && a->has_idle; i++)
		if (v[i] > 0 && axis_side(ax, v[i]) == 0)
			svg_line(p, axis_x(ax, v[i]), f->top, axis_x(ax, v[i]), f->y1, NULL);
	page_raw(p, "</g>\n");
}

static void mark_title(struct page *p, const struct am_measure *m, int family, bool overruled)
{
	char t[256], idle[32], from[64] = "";
	int n;

	format_duration((long long)(m->idle_s * 1e6 + 0.5), idle, sizeof idle);
	if (m->r.kind != REPLY_NONE && m->r.kind != REPLY_PENDING)
		addr_format(family, m->r.from, from, sizeof from);
	n = snprintf(t, sizeof t, "round %u: idle %s: %s", m->round, idle,
		     outcome[outcome_of(&m->r)].text);
	if (from[0])
		n += snprintf(t + n, sizeof t - (size_t)n, " (%s, %d hops away)", from, m->r.hops);
	if (m->remeasure)
		n += snprintf(t + n, sizeof t - (size_t)n, "; a re-measurement");
	if (overruled)
		snprintf(t + n, sizeof t - (size_t)n, "; overruled: flows idle as long or longer "
			 "were answered");
	svg_title(p, t);
}

/* How far to move a mark off its lane so that it does not hide the marks
 * before it at about the same place: 0, +7, -7, +14, ... */
static double spread(const struct audit_model *a, const struct axis *ax, unsigned i)
{
	unsigned k = 0;
	double x = axis_x(ax, a->meas[i].idle_s);

	for (unsigned j = 0; j < i; j++)
		if (a->meas[j].round == a->meas[i].round &&
		    fabs(axis_x(ax, a->meas[j].idle_s) - x) < 9)
			k++;
	k %= 5;
	return (k & 1 ? 1 : -1) * 6.0 * ((k + 1) / 2);
}

/* Every measurement (data-kind "measure"), or on the close-up only those
 * within its axis ("measure-close", so that the main chart's marks still
 * count the measurements one for one). */
static void marks(struct page *p, const struct audit_model *a, const struct frame *f)
{
	const struct axis *ax = f->ax;
	double alive = a->has_idle && !a->idle.inconsistent ? a->idle.alive_s : -1;

	for (unsigned i = 0; i < a->nmeas; i++) {
		const struct am_measure *m = &a->meas[i];
		enum outcome o = outcome_of(&m->r);
		bool answered = m->r.kind == REPLY_ACK && m->r.by_peer;
		bool overruled = !answered && alive >= 0 && m->idle_s <= alive;
		double x = axis_x(ax, m->idle_s), y = f->top + LANE * (m->round - 0.5);

		if (f->close && axis_side(ax, m->idle_s) != 0)
			continue;
		page_printf(p, "<g class=\"%s%s\" data-kind=\"%s\" data-reply=\"%s\" "
			    "data-by=\"%s\" data-idle=\"%.3f\" data-round=\"%u\" "
			    "transform=\"translate(%.1f %.1f)\">", outcome[o].cls,
			    overruled ? " overruled" : "", f->close ? "measure-close" : "measure",
			    reply_name(m->r.kind),
			    o == O_SILENT ? "" : m->r.by_peer ? "peer" : "middlebox", m->idle_s,
			    m->round, x, y + spread(a, ax, i));
		mark_title(p, m, a->family, overruled);
		shape(p, o);
		if (m->remeasure)
			page_raw(p, "<circle class=\"ring\" r=\"10.5\"/>");
		page_raw(p, "</g>\n");
	}
}

static void legend(struct page *p)
{
	page_raw(p, "<div class=\"legend\">");
	for (int o = 0; o < NOUTCOMES; o++) {
		page_printf(p, "<span><svg viewBox=\"-9 -9 18 18\"><g class=\"%s\">",
			    outcome[o].cls);
		shape(p, (enum outcome)o);
		page_printf(p, "</g></svg> %s</span>", outcome[o].text);
	}
	page_raw(p, "<span><svg viewBox=\"-12 -12 24 24\"><circle class=\"ring\" r=\"10\"/>"
		 "</svg> measured again (it contradicted the others)</span>"
		 "<span><svg viewBox=\"0 0 14 14\"><rect class=\"z-alive\" width=\"14\" "
		 "height=\"14\"/></svg> kept</span><span><svg viewBox=\"0 0 14 14\"><rect "
		 "class=\"z-dead\" width=\"14\" height=\"14\"/></svg> dropped</span>"
		 "<span>dashed: the bracket; dotted: well-known middlebox timeouts</span></div>\n");
}

/* One chart over axis ax (its ends at X0 and X1); the close-up has no
 * reference lines, so no rows for their labels. */
static void chart(struct page *p, const struct audit_model *a, const struct axis *ax,
		  bool close)
{
	unsigned n = rounds(a);
	struct frame f = { ax, close ? 10 : REFLINE_ROOM, 0, close };
	char label[160];

	f.y1 = f.top + LANE * n;
	if (close)
		snprintf(label, sizeof label, "The bracket close up: the measurements near it");
	else
		snprintf(label, sizeof label, "Idle times tried: %u measurements over %u rounds",
			 a->nmeas, n);
	svg_begin(p, close ? "bracket-chart" : "idle-chart", W, (int)(f.y1 + 44), label);
	zones(p, a, &f);
	svg_axis(p, ax, f.y1 + 4, f.top, TICK_PX);
	for (unsigned r = 1; r <= n; r++) {
		char lane[24];
		double y = f.top + LANE * (r - 0.5);

		snprintf(lane, sizeof lane, "round %u", r);
		svg_line(p, X0, y, X1, y, "lane");
		svg_text(p, X0 - 10, y + 4, "end", NULL, lane);
	}
	if (!close)
		refline_draw(p, ax, f.top, f.y1);
	bracket(p, a, &f);
	marks(p, a, &f);
	svg_end(p);
}

void audit_chart(struct page *p, const struct audit_model *a)
{
	double hi = a->max_idle / 1e6, alive = a->idle.alive_s, dead = a->idle.dead_s;
	struct axis ax;

	axis_log(&ax, 0.1, hi > RFC5382_IDLE_S ? hi : RFC5382_IDLE_S, X0, X1);
	chart(p, a, &ax, false);
	legend(p);
	/* The search closes in on a bracket a few pixels wide on the log
	 * axis: it gets a linear close-up, three brackets wide each side. */
	if (a->has_idle && !a->idle.inconsistent && alive > 0 && dead > alive) {
		double w = dead - alive;

		page_raw(p, "<p class=\"muted\">Close up, around the bracket:</p>\n");
		axis_linear(&ax, alive - 3 * w > 0 ? alive - 3 * w : 0, dead + 3 * w, X0, X1);
		chart(p, a, &ax, true);
	}
}
