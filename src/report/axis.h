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

/* [lo, hi] mapped onto [x0, x1], log10 of the value on a log axis.  Ends
 * that cannot make an axis are corrected, so that an empty or one-point
 * chart still gets one:
 *   log:    hi <= 0 or not finite: hi = lo if lo > 0, else 100 ms to 1 s;
 *           lo <= 0 or not finite: lo = hi / 10;
 *           hi <= lo (one point): a decade centred on hi, hi/3.16..hi*3.16.
 *   linear: one end not finite: the other end; both: 0;
 *           hi <= lo (one point v, or none): a second around v that does
 *           not go below 0 for v >= 0: max(0, v - 0.5) to that + 1.
 * The corrected ends are in a->lo and a->hi. */
void axis_log(struct axis *a, double lo, double hi, double x0, double x1);
void axis_linear(struct axis *a, double lo, double hi, double x0, double x1);
/* The position of v, clamped to [x0, x1]; NaN, and v <= 0 on a log axis,
 * at x0. */
double axis_x(const struct axis *a, double v);
/* -1 below lo (and NaN), 1 above hi, 0 within: a point outside is drawn
 * at the end, marked as beyond it. */
int axis_side(const struct axis *a, double v);
/* Up to max ticks within [lo, hi], at least min_px apart (min_px below 1
 * counts as 1), in order of value.  Returns how many.
 *   log:    on a ladder of durations, 1us 2us 5us ... 100ms 200ms 500ms
 *           1s 2s 5s 10s 15s 30s 1m 2m 5m 10m 15m 30m 1h 2h 3h 6h 12h
 *           24h 48h 120h 240h ... (1-2-5 days, to 10000 days).  The
 *           roundest come first (1us 1ms 1s 1m 1h 24h; then 100ms 10s 10m 12h;
 *           then the 5s, 30s, 30m, 6h; then the rest), each kept only when
 *           it is min_px from the kept ticks on both sides, so that
 *           100 ms..2h4m over 1000 px at 80 px gets 100ms 1s 10s 1m 10m 1h.
 *   linear: ticks at the multiples (from any lo, not only 0) of the finest
 *           step on the same ladder that is at least min_px wide; none
 *           when even 10000 days is narrower.
 * Labels are format_duration's ("100ms", "2m", "2h4m"); a tick whose label
 * would not fit in 16 bytes (a millisecond step millions of hours from 0)
 * is left out. */
unsigned axis_ticks(const struct axis *a, double min_px, struct tick *t, unsigned max);

#endif
