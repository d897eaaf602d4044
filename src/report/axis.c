/* axis.c - positions on a log or linear axis, and ticks on round
 * durations (see axis.h). */
#include "report/axis.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "util/parse.h"

#define MIN 60.0
#define HOUR 3600.0
#define DAY 86400.0

/* The durations a tick may fall on, in order, each with how round it is
 * (0 roundest): a log axis keeps the rounder ones first when there is not
 * room for all, and a linear axis steps by one of them.  Under a second
 * and over a day, 1-2-5 in powers of ten; in between, the steps of a clock
 * (15s, 30s, 15m, 3h, 6h, 12h) rather than 20s or 50m, which nobody reads
 * off a clock face. */
static const struct rung {
	double v;
	int rank;
} ladder[] = {
	{ 1e-6, 0 }, { 2e-6, 3 }, { 5e-6, 2 }, { 1e-5, 1 }, { 2e-5, 3 }, { 5e-5, 2 },
	{ 1e-4, 1 }, { 2e-4, 3 }, { 5e-4, 2 },
	{ 1e-3, 0 }, { 2e-3, 3 }, { 5e-3, 2 }, { 1e-2, 1 }, { 2e-2, 3 }, { 5e-2, 2 },
	{ 0.1, 1 }, { 0.2, 3 }, { 0.5, 2 },
	{ 1, 0 }, { 2, 3 }, { 5, 2 }, { 10, 1 }, { 15, 3 }, { 30, 2 },
	{ MIN, 0 }, { 2 * MIN, 3 }, { 5 * MIN, 2 }, { 10 * MIN, 1 }, { 15 * MIN, 3 },
	{ 30 * MIN, 2 },
	{ HOUR, 0 }, { 2 * HOUR, 3 }, { 3 * HOUR, 3 }, { 6 * HOUR, 2 }, { 12 * HOUR, 1 },
	{ DAY, 0 }, { 2 * DAY, 3 }, { 5 * DAY, 2 }, { 10 * DAY, 1 }, { 20 * DAY, 3 },
	{ 50 * DAY, 2 }, { 100 * DAY, 1 }, { 200 * DAY, 3 }, { 500 * DAY, 2 },
	{ 1000 * DAY, 1 }, { 2000 * DAY, 3 }, { 5000 * DAY, 2 }, { 10000 * DAY, 1 },
};
#define NRUNGS (sizeof ladder / sizeof ladder[0])
#define NRANKS 4

/* Relative slack when comparing a rung with an end, so that an axis from
 * exactly 0.1 s has its 100ms tick despite rounding in the caller. */
#define SLACK 1e-9

void axis_log(struct axis *a, double lo, double hi, double x0, double x1)
{
	if (!isfinite(hi) || hi <= 0) {
		if (!isfinite(lo) || lo <= 0) {
			lo = 0.1;
			hi = 1;
		} else {
			hi = lo;
		}
	}
	if (!isfinite(lo) || lo <= 0)
		lo = hi / 10;
	if (hi <= lo * (1 + SLACK)) {
		/* One point (or ends given the wrong way round): a decade
		 * centred on hi, so that the point sits mid-chart between
		 * at least two ticks. */
		lo = hi / sqrt(10);
		hi = hi * sqrt(10);
	}
	*a = (struct axis){ lo, hi, x0, x1, true };
}

void axis_linear(struct axis *a, double lo, double hi, double x0, double x1)
{
	if (!isfinite(lo) && !isfinite(hi))
		lo = hi = 0;
	else if (!isfinite(lo))
		lo = hi;
	else if (!isfinite(hi))
		hi = lo;
	if (hi <= lo) {
		/* One point, or none: a second around it, not reaching
		 * below 0 when the point is a time from a start. */
		double v = hi;
		lo = v >= 0 ? fmax(0, v - 0.5) : v - 0.5;
		hi = lo + 1;
	}
	*a = (struct axis){ lo, hi, x0, x1, false };
}

/* Where v lies between lo (0) and hi (1), not clamped; NaN and, on a log
 * axis, v <= 0 lie below lo. */
static double fraction(const struct axis *a, double v)
{
	if (isnan(v) || (a->log && v <= 0))
		return -INFINITY;
	if (a->log)
		return (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
	return (v - a->lo) / (a->hi - a->lo);
}

double axis_x(const struct axis *a, double v)
{
	double f = fraction(a, v);

	f = !(f > 0) ? 0 : f > 1 ? 1 : f; /* NaN too: an axis too narrow for doubles */
	return a->x0 + f * (a->x1 - a->x0);
}

int axis_side(const struct axis *a, double v)
{
	if (isnan(v) || v < a->lo)
		return -1;
	return v > a->hi ? 1 : 0;
}

/* t's label, as kaprobe prints durations ("100ms", "1m30s").  False when
 * it would not fit: only a fine step far from 0 on a linear axis (hours
 * in the millions with milliseconds) comes near. */
static bool label(struct tick *t)
{
	char buf[48];

	if (fabs(t->v) * 1e6 >= (double)INT64_MAX)
		return false;
	format_duration(llround(t->v * 1e6), buf, sizeof buf);
	if (strlen(buf) >= sizeof t->label)
		return false;
	memcpy(t->label, buf, strlen(buf) + 1);
	return true;
}

/* Is the rung at i at least min_px from the nearest kept rung on each
 * side?  Checking both sides, not just the previous one, is what lets a
 * later, less round pass fill gaps without crowding earlier ticks. */
static bool has_room(const struct axis *a, const bool *kept, unsigned i, double min_px)
{
	double x = axis_x(a, ladder[i].v);

	for (unsigned j = i; j-- > 0;)
		if (kept[j]) {
			if (fabs(x - axis_x(a, ladder[j].v)) < min_px)
				return false;
			break;
		}
	for (unsigned j = i + 1; j < NRUNGS; j++)
		if (kept[j])
			return fabs(axis_x(a, ladder[j].v) - x) >= min_px;
	return true;
}

static bool within(const struct axis *a, double v)
{
	return v >= a->lo * (1 - SLACK) && v <= a->hi * (1 + SLACK);
}

/* Log axis: the rungs within [lo, hi], roundest first (1s, 1m, 1h; then
 * 10s, 10m, 100ms; ...), each kept only when it has room. */
static unsigned log_ticks(const struct axis *a, double min_px, struct tick *t, unsigned max)
{
	bool kept[NRUNGS] = { false };
	unsigned n = 0;

	for (int rank = 0; rank < NRANKS; rank++)
		for (unsigned i = 0; i < NRUNGS && n < max; i++)
			if (ladder[i].rank == rank && within(a, ladder[i].v) &&
			    has_room(a, kept, i, min_px)) {
				kept[i] = true;
				n++;
			}
	n = 0;
	for (unsigned i = 0; i < NRUNGS; i++) {
		if (!kept[i])
			continue;
		t[n] = (struct tick){ .v = ladder[i].v, .x = axis_x(a, ladder[i].v) };
		if (label(&t[n]))
			n++;
	}
	return n;
}

/* Linear axis: the finest rung whose step is at least min_px wide, and
 * ticks at its multiples within [lo, hi]; none when even the coarsest
 * rung is too fine for the scale. */
static unsigned linear_ticks(const struct axis *a, double min_px, struct tick *t, unsigned max)
{
	double px_per_s = fabs(a->x1 - a->x0) / (a->hi - a->lo);
	double step = 0;
	unsigned n = 0;

	for (unsigned i = 0; i < NRUNGS && step == 0; i++)
		if (ladder[i].v * px_per_s >= min_px)
			step = ladder[i].v;
	if (step == 0)
		return 0;
	/* prev stops the walk where k * step no longer grows (far from 0,
	 * k++ is lost in rounding) instead of looping there for ever. */
	for (double k = ceil(a->lo / step - SLACK), prev = -INFINITY; n < max; k++) {
		double v = k * step;
		if (v > a->hi + step * SLACK || v <= prev)
			break;
		prev = v;
		t[n] = (struct tick){ .v = v, .x = axis_x(a, v) };
		if (label(&t[n]))
			n++;
	}
	return n;
}

unsigned axis_ticks(const struct axis *a, double min_px, struct tick *t, unsigned max)
{
	/* Below a pixel apart ticks would mean nothing; NaN counts as 0. */
	if (!(min_px >= 1))
		min_px = 1;
	return a->log ? log_ticks(a, min_px, t, max) : linear_ticks(a, min_px, t, max);
}
