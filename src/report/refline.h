/* refline.h - the idle timeouts of well-known middleboxes (middlebox.h's
 * built-ins) as reference lines across a chart with a log time axis, so
 * that a measured timeout can be read against the boxes people know. */
#ifndef KAPROBE_REFLINE_H
#define KAPROBE_REFLINE_H

#include "report/axis.h"
#include "report/html.h"

/* Room the labels take above y0: two rows, so that labels of timeouts close
 * together (4 min and 350 s) do not overlap. */
#define REFLINE_ROOM 56.0

/* A line from about y0 down to y1 for each built-in timeout within the
 * axis, boxes with the same timeout on one line, labelled "name dur" above
 * y0; each a <g class="ref" data-kind="reference" data-timeout="S">, S in
 * seconds.  The caller's style sheet colours .ref line and .ref text. */
void refline_draw(struct page *p, const struct axis *ax, double y0, double y1);

#endif
