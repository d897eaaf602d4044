/* trace_chart.c - the idle timeouts `kaprobe trace --timeouts` measured,
 * one lane per hop on one shared axis (see trace_chart.h).
 *
 * A log time axis from 100 ms to --max-idle or RFC 5382's 2h4m, whichever
 * is longer, as the audit's chart: charts of different paths, and the
 * audit's and the trace's, compare at a glance.  A lane shows what the hop
 * kept (up to the longest idle answered), its bracket (from there to the
 * shortest idle not answered), and what it dropped (from there to
 * --max-idle); nothing was tried beyond --max-idle.  A masked hop, or one
 * no connection could measure, gets a lane with words and no bar.  The
 * values themselves are in the table under the chart (report_trace.c),
 * with the data attributes the JSON's. */
#include "report/trace_chart.h"

#include <stdio.h>

#include "util/parse.h"
#include "report/refline.h"
#include "report/svg.h"
#include "net/target.h"
#include "tcp/middlebox.h"

#define W 1200
#define X0 84.0
#define X1 1172.0
#define TOP REFLINE_ROOM       /* under the reference lines' labels */
#define LANE 40.0
#define BAR 14.0
#define TICK_PX 70.0
#define MIN_PX 2.0             /* a bracket narrower than this is drawn this wide */
#define CLOSE_MIN_PX 12.0      /* a close-up must draw every bracket this wide */

/* A lane's tooltip: the finding in words, as the table says it. */
static void lane_title(struct page *p, const struct tr_timeout *t)
{
	char buf[200], from[64] = "*";
	int n;

	if (t->answers)
		addr_format(t->family, t->from, from, sizeof from);
	n = snprintf(buf, sizeof buf, "hop %d (%s): ", t->hop, from);
	if (t->masked)
		snprintf(buf + n, sizeof buf - (size_t)n, "masked");
	else if (!t->measurements)
		snprintf(buf + n, sizeof buf - (size_t)n, "not measured");
	else if (!t->dead)
		snprintf(buf + n, sizeof buf - (size_t)n, "kept idle flows %.3f s", t->alive / 1e6);
	else
		snprintf(buf + n, sizeof buf - (size_t)n, "forgets idle flows after %.3f to %.3f s",
			 t->alive / 1e6, t->dead / 1e6);
	svg_title(p, buf);
}

/* The bars of a measured hop, centred on y; max_s: --max-idle. */
static void bars(struct page *p, const struct axis *ax, const struct tr_timeout *t,
		 double y, double max_s)
{
	double xa = t->alive ? axis_x(ax, t->alive / 1e6) : X0, xm = axis_x(ax, max_s);
	double top = y - BAR / 2, xd, xl;
	char label[48];

	if (t->alive)
		svg_rect(p, X0, top, xa - X0, BAR, "b-kept");
	if (!t->dead) {
		snprintf(label, sizeof label, "kept %.3f s", t->alive / 1e6);
		xl = xa + 6 > X1 - 120 ? xa - 6 : xa + 6;
		svg_text(p, xl, y + 4, xl < xa ? "end" : "start", "bracket-label", label);
		return;
	}
	xd = axis_x(ax, t->dead / 1e6);
	if (xd - xa < MIN_PX)
		xa = xd - MIN_PX;
	svg_rect(p, xa, top, xd - xa, BAR, "b-bracket");
	svg_rect(p, xd, top, xm - xd, BAR, "b-dropped");
	snprintf(label, sizeof label, "%.3f\xe2\x80\x93%.3f s", t->alive / 1e6, t->dead / 1e6);
	svg_text(p, (xa + xd) / 2, top - 4, "middle", "bracket-label", label);
}

/* A hop's lane; on the close-up (close) its group is marked so. */
static void lane(struct page *p, const struct axis *ax, const struct tr_timeout *t, double y,
		 double max_s, bool close)
{
	char name[24];

	snprintf(name, sizeof name, "hop %d", t->hop);
	svg_line(p, X0, y, X1, y, "lane");
	svg_text(p, X0 - 10, y + 4, "end", NULL, name);
	page_printf(p, "<g class=\"lane-bar%s%s\" data-hop=\"%d\">",
		    t->disagree ? " inconsistent" : "", close ? " close" : "", t->hop);
	lane_title(p, t);
	if (t->masked)
		svg_text(p, X0 + 8, y - 6, NULL, "lane-note",
			 "masked: the next hop never answers, so this one cannot be seen");
	else if (!t->measurements)
		svg_text(p, X0 + 8, y - 6, NULL, "lane-note",
			 "not measured: no connection could prove itself");
	else
		bars(p, ax, t, y, max_s);
	page_raw(p, "</g>\n");
}

/* --max-idle: a dashed line, and nothing tried beyond it. */
static void max_idle(struct page *p, const struct axis *ax, double max_s, double top,
		     double y1)
{
	double xm = axis_x(ax, max_s);
	char label[48], dur[32];

	if (axis_side(ax, max_s) > 0)
		return;   /* beyond a close-up's end */
	if (xm < X1 - 1) {
		svg_rect(p, xm, top, X1 - xm, y1 - top, "z-untested");
		svg_text(p, (xm + X1) / 2, y1 - 8, "middle", "zone-label", "not tried");
	}
	format_duration((long long)(max_s * 1e6 + 0.5), dur, sizeof dur);
	snprintf(label, sizeof label, "--max-idle %s", dur);
	page_printf(p, "<g data-max-idle=\"%.3f\">", max_s);
	svg_line(p, xm, top, xm, y1, "maxidle");
	svg_text(p, xm - 4, y1 - 8, "end", "zone-label", label);
	page_raw(p, "</g>\n");
}

static void legend(struct page *p)
{
	static const struct {
		const char *cls, *text;
	} item[] = {
		{ "b-kept", "kept idle that long" },
		{ "b-bracket", "the bracket: forgotten somewhere in here" },
		{ "b-dropped", "forgotten" },
		{ "z-untested", "not tried (beyond --max-idle)" },
	};

	page_raw(p, "<div class=\"legend\">");
	for (size_t i = 0; i < sizeof item / sizeof item[0]; i++)
		page_printf(p, "<span><svg viewBox=\"0 0 14 14\"><rect class=\"%s\" width=\"14\" "
			    "height=\"14\"/></svg> %s</span>", item[i].cls, item[i].text);
	page_raw(p, "<span>dotted: well-known middlebox timeouts</span></div>\n");
}

static bool bracketed(const struct tr_timeout *t)
{
	return !t->masked && t->measurements && t->alive && t->dead > t->alive;
}

/* The bracketed hops close up, on a linear axis reaching three of the widest
 * bracket's widths beyond them, when the narrowest is then at least
 * CLOSE_MIN_PX wide: on the log axis a bracket of a few hundred
 * milliseconds is a few pixels.  No close-up when the hops' timeouts lie
 * too far apart for one linear axis: their values are in the table. */
static void close_up(struct page *p, const struct trace_model *m)
{
	double lo = 0, hi = 0, wmin = 0, wmax = 0, top = 12, y1;
	unsigned n = 0;
	struct axis ax;

	for (unsigned i = 0; i < m->ntmo; i++) {
		const struct tr_timeout *t = &m->tmo[i];
		double a = t->alive / 1e6, d = t->dead / 1e6;

		if (!bracketed(t))
			continue;
		lo = n && lo < a ? lo : a;
		hi = n && hi > d ? hi : d;
		wmin = n && wmin < d - a ? wmin : d - a;
		wmax = n && wmax > d - a ? wmax : d - a;
		n++;
	}
	lo = lo - 3 * wmax > 0 ? lo - 3 * wmax : 0;
	hi += 3 * wmax;
	if (!n || wmin / (hi - lo) * (X1 - X0) < CLOSE_MIN_PX)
		return;
	axis_linear(&ax, lo, hi, X0, X1);
	y1 = top + LANE * (n + 0.5);
	page_raw(p, "<p class=\"muted\">Close up, around the brackets:</p>\n");
	svg_begin(p, "timeout-close", W, (int)(y1 + 40), "The hops' brackets close up");
	max_idle(p, &ax, m->max_idle / 1e6, top, y1);
	svg_axis(p, &ax, y1 + 4, top, TICK_PX);
	for (unsigned i = 0, k = 0; i < m->ntmo; i++)
		if (bracketed(&m->tmo[i]))
			lane(p, &ax, &m->tmo[i], top + LANE * (k++ + 0.75), m->max_idle / 1e6, true);
	svg_end(p);
}

void trace_chart(struct page *p, const struct trace_model *m)
{
	double max_s = m->max_idle / 1e6, y1 = TOP + LANE * (m->ntmo + 0.5);
	struct axis ax;
	char label[96];

	axis_log(&ax, 0.1, max_s > RFC5382_IDLE_S ? max_s : RFC5382_IDLE_S, X0, X1);
	snprintf(label, sizeof label, "Idle timeouts of %u hops on one time axis", m->ntmo);
	svg_begin(p, "timeout-chart", W, (int)(y1 + 40), label);
	max_idle(p, &ax, max_s, TOP, y1);
	svg_axis(p, &ax, y1 + 4, TOP, TICK_PX);
	refline_draw(p, &ax, TOP, y1);
	for (unsigned i = 0; i < m->ntmo; i++)
		lane(p, &ax, &m->tmo[i], TOP + LANE * (i + 0.75), max_s, false);
	svg_end(p);
	legend(p);
	close_up(p, m);
}
