/* svg.c - STUB: to be written (see svg.h). */
#include "svg.h"

void svg_begin(struct page *p, const char *id, int w, int h, const char *label)
{
	(void)id; (void)label;
	page_printf(p, "<svg viewBox=\"0 0 %d %d\">", w, h);
}

void svg_end(struct page *p)
{
	page_raw(p, "</svg>\n");
}

void svg_line(struct page *p, double x1, double y1, double x2, double y2, const char *cls)
{
	(void)p; (void)x1; (void)y1; (void)x2; (void)y2; (void)cls;
}

void svg_rect(struct page *p, double x, double y, double w, double h, const char *cls)
{
	(void)p; (void)x; (void)y; (void)w; (void)h; (void)cls;
}

void svg_text(struct page *p, double x, double y, const char *anchor, const char *cls,
	      const char *text)
{
	(void)p; (void)x; (void)y; (void)anchor; (void)cls; (void)text;
}

void svg_title(struct page *p, const char *text)
{
	(void)p; (void)text;
}

unsigned svg_axis(struct page *p, const struct axis *a, double y, double y_top, double min_px)
{
	(void)p; (void)a; (void)y; (void)y_top; (void)min_px;
	return 0;
}
