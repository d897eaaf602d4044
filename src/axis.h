/* axis.h - where a value goes on a chart, and which ticks label it.
 *
 * Values are seconds (durations, or times from a start).  A log axis
 * (the audit's and the trace's idle times, 100 ms to hours) or a linear
 * one (a replayed flow's timeline) maps [lo, hi] onto pixels [x0, x1].
 * Ticks fall on durations a person reads at a glance (100ms, 1s, 30s,
 * 5m, 1h, ...), labelled as kaprobe prints durations, and at least a
 * given number of pixels apart so that labels never overlap.  Pure: no
 * output. */
#ifndef KAPROBE_AXIS_H
#define KAPROBE_AXIS_H

#include <stdbool.h>

struct axis {
	double lo, hi;          /* the values at the ends; lo > 0 on a log axis */
	double x0, x1;          /* their positions, in pixels */
	bool log;
};

struct tick {
	double v;               /* the value, in seconds */
	double x;               /* its position */
	char label[16];         /* "100ms", "2m", "2h4m" */
};

/* lo <= 0 on a log axis, or hi <= lo, are corrected to a range around hi
 * (or 100 ms to 1 s), so that an empty or one-point chart still has an
 * axis. */
void axis_log(struct axis *a, double lo, double hi, double x0, double x1);
void axis_linear(struct axis *a, double lo, double hi, double x0, double x1);
/* The position of v, clamped to [x0, x1]. */
double axis_x(const struct axis *a, double v);
/* -1 below lo, 1 above hi, 0 within: a point outside is drawn at the end,
 * marked as beyond it. */
int axis_side(const struct axis *a, double v);
/* Up to max ticks within [lo, hi], at least min_px apart, in order.
 * Returns how many. */
unsigned axis_ticks(const struct axis *a, double min_px, struct tick *t, unsigned max);

#endif
