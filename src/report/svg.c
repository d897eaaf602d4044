/* svg.c - SVG elements written into a page (see svg.h). */
#include "report/svg.h"

#include <math.h>
#include <string.h>

/* How far under the baseline a tick reaches, and where its label's
 * baseline goes: the label (13 px, report.c's style) hangs just under the
 * tick. */
#define TICK_LEN 5.0
#define LABEL_DY 16.0
/* A label's width, estimated at 0.6 em of 13 px per character (digits are
 * about 0.55 em, "m" 0.8): enough to tell whether a label centred on its
 * tick would stick out past an end of the axis. */
#define CHAR_PX 7.8
#define MAX_TICKS 64

/* A coordinate as written: NaN or infinity would make the element
 * invalid, so they become 0 (a caller's bug, but the page still loads). */
static double num(double v)
{
	return isfinite(v) ? v : 0;
}

/* ` class="cls"`, or nothing for NULL. */
static void class_attr(struct page *p, const char *cls)
{
	if (!cls)
		return;
	page_raw(p, " class=\"");
	page_text(p, cls);
	page_raw(p, "\"");
}

void svg_begin(struct page *p, const char *id, int w, int h, const char *label)
{
	/* xmlns names the SVG namespace; nothing is fetched from it. */
	page_raw(p, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	if (id) {
		page_raw(p, " id=\"");
		page_text(p, id);
		page_raw(p, "\"");
	}
	page_printf(p, " viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", w, h);
	page_text(p, label ? label : "");
	page_raw(p, "\">\n");
}

void svg_end(struct page *p)
{
	page_raw(p, "</svg>\n");
}

void svg_line(struct page *p, double x1, double y1, double x2, double y2, const char *cls)
{
	page_printf(p, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"",
		    num(x1), num(y1), num(x2), num(y2));
	class_attr(p, cls);
	page_raw(p, "/>");
}

void svg_rect(struct page *p, double x, double y, double w, double h, const char *cls)
{
	/* A negative width or height is an error in SVG: draw nothing
	 * rather than break the chart. */
	page_printf(p, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"",
		    num(x), num(y), fmax(num(w), 0), fmax(num(h), 0));
	class_attr(p, cls);
	page_raw(p, "/>");
}

void svg_text(struct page *p, double x, double y, const char *anchor, const char *cls,
	      const char *text)
{
	page_printf(p, "<text x=\"%.1f\" y=\"%.1f\"", num(x), num(y));
	if (anchor) {
		page_raw(p, " text-anchor=\"");
		page_text(p, anchor);
		page_raw(p, "\"");
	}
	class_attr(p, cls);
	page_raw(p, ">");
	page_text(p, text);
	page_raw(p, "</text>");
}

void svg_title(struct page *p, const char *text)
{
	page_raw(p, "<title>");
	page_text(p, text);
	page_raw(p, "</title>");
}

/* The anchor that keeps t's label within [lo_x, hi_x]: centred on its
 * tick, unless that would stick out past an end. */
static const char *label_anchor(const struct tick *t, double lo_x, double hi_x)
{
	double half = CHAR_PX * (double)strlen(t->label) / 2;

	if (t->x - half < lo_x)
		return "start";
	if (t->x + half > hi_x)
		return "end";
	return "middle";
}

unsigned svg_axis(struct page *p, const struct axis *a, double y, double y_top, double min_px)
{
	struct tick t[MAX_TICKS];
	unsigned n = axis_ticks(a, min_px, t, MAX_TICKS);
	double lo_x = fmin(a->x0, a->x1), hi_x = fmax(a->x0, a->x1);

	page_raw(p, "<g class=\"axis\">");
	/* Grid first, so that the baseline and ticks are drawn over it. */
	if (y_top < y)
		for (unsigned i = 0; i < n; i++)
			svg_line(p, t[i].x, y, t[i].x, y_top, "grid");
	svg_line(p, a->x0, y, a->x1, y, "axisline");
	for (unsigned i = 0; i < n; i++) {
		page_raw(p, "<g class=\"tick\">");
		svg_line(p, t[i].x, y, t[i].x, y + TICK_LEN, NULL);
		svg_text(p, t[i].x, y + LABEL_DY, label_anchor(&t[i], lo_x, hi_x), NULL,
			 t[i].label);
		page_raw(p, "</g>");
	}
	page_raw(p, "</g>\n");
	return n;
}
