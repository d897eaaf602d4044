/* svg.h - the few SVG elements kaprobe's charts are made of, written into
 * a page (html.h).  Elements carry a class, not colours: the page's style
 * sheet colours them, for light and dark mode and for print.  Text is
 * escaped (page_text). */
#ifndef KAPROBE_SVG_H
#define KAPROBE_SVG_H

#include "report/axis.h"
#include "report/html.h"

/* <svg> of w x h user units, scaled to the page's width; label is its
 * accessible name (aria-label), id its element id (NULL: none). */
void svg_begin(struct page *p, const char *id, int w, int h, const char *label);
void svg_end(struct page *p);
void svg_line(struct page *p, double x1, double y1, double x2, double y2, const char *cls);
void svg_rect(struct page *p, double x, double y, double w, double h, const char *cls);
/* anchor: "start", "middle" or "end" (NULL: SVG's default, start).  cls
 * may be NULL (no class) wherever it appears.  Coordinates are written
 * with one decimal. */
void svg_text(struct page *p, double x, double y, const char *anchor, const char *cls,
	      const char *text);
/* A tooltip for the element just opened: <title>text</title>.  The
 * elements above are written closed (<rect .../>), so open the element
 * the tooltip belongs to with page_raw (<g class="...">), then this, then
 * its content and </g>. */
void svg_title(struct page *p, const char *text);
/* The axis along y, as <g class="axis">: a baseline (class axisline) from
 * x0 to x1, a <g class="tick"> with a short tick line and its label 16
 * units under the baseline for each tick of axis_ticks, and a faint grid
 * line (class grid) from y up to y_top for each (no grid when
 * y_top >= y).  Labels are centred on their ticks, except that one which
 * would stick out past an end of the axis starts (or ends) at its tick.
 * At most 64 ticks.  Returns the number of ticks drawn. */
unsigned svg_axis(struct page *p, const struct axis *a, double y, double y_top, double min_px);

#endif
