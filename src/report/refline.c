/* refline.c - well-known middlebox timeouts as reference lines (see
 * refline.h). */
#include "report/refline.h"

#include <stdio.h>
#include <string.h>

#include "tcp/middlebox.h"
#include "util/parse.h"
#include "report/svg.h"

/* About 7 px a character at the labels' 12 px. */
#define CHAR_PX 7.0

/* "aws-nlb/aws-nat 5m50s": every built-in from i on with b[i]'s timeout. */
static void label_of(const struct middlebox *b, size_t n, size_t i, char *buf, size_t len)
{
	size_t at = 0;
	char dur[32];

	for (size_t j = i; j < n && at < len; j++)
		if (b[j].timeout == b[i].timeout)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "/" : "", b[j].name);
	format_duration(b[i].timeout, dur, sizeof dur);
	if (at < len)
		snprintf(buf + at, len - at, " %s", dur);
}

void refline_draw(struct page *p, const struct axis *ax, double y0, double y1)
{
	size_t n;
	const struct middlebox *b = middlebox_builtins(&n);
	double right[2] = { -1e9, -1e9 };   /* where each row's last label ends */

	for (size_t i = 0; i < n; i++) {
		double s = (double)b[i].timeout / 1e6, x = axis_x(ax, s), w;
		char label[120];
		size_t j;
		int row;

		for (j = 0; j < i && b[j].timeout != b[i].timeout; j++)
			continue;
		if (j < i || axis_side(ax, s) != 0)
			continue;   /* drawn with an earlier box, or off the axis */
		label_of(b, n, i, label, sizeof label);
		w = CHAR_PX * (double)strlen(label);
		/* The upper row when the label clears the one before it there. */
		row = x - w / 2 > right[0] + 6 ? 0 : 1;
		right[row] = x + w / 2;
		page_printf(p, "<g class=\"ref\" data-kind=\"reference\" data-timeout=\"%.3f\">", s);
		svg_line(p, x, y0 - (row ? 4 : 22), x, y1, NULL);
		svg_text(p, x, y0 - (row ? 22 : 40), x > ax->x1 - w / 2 ? "end" : "middle", NULL,
			 label);
		page_raw(p, "</g>\n");
	}
}
