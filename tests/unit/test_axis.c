/* test_axis.c - where values go on the report's charts, and which ticks
 * label them: positions, degenerate ranges, clamping, and ticks that are
 * round, in order, within range and never crowded. */
#include <math.h>
#include <string.h>

#include "report/axis.h"
#include "unit.h"

#define MAXT 64

/* Every label a log axis may use, as format_duration prints the ladder. */
static const char *const log_ladder[] = {
	"1us", "2us", "5us", "10us", "20us", "50us", "100us", "200us", "500us",
	"1ms", "2ms", "5ms", "10ms", "20ms", "50ms", "100ms", "200ms", "500ms",
	"1s", "2s", "5s", "10s", "15s", "30s", "1m", "2m", "5m", "10m", "15m", "30m",
	"1h", "2h", "3h", "6h", "12h", "24h", "48h", "120h", "240h",
};

static bool on_ladder(const char *label)
{
	for (size_t i = 0; i < sizeof log_ladder / sizeof log_ladder[0]; i++)
		if (strcmp(label, log_ladder[i]) == 0)
			return true;
	return false;
}

static bool has_label(const struct tick *t, unsigned n, const char *label)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(t[i].label, label) == 0)
			return true;
	return false;
}

/* What every tick list must be: in order of value and position, within
 * the axis, min_px apart, with short non-empty labels. */
static void check_ticks(const struct axis *a, const struct tick *t, unsigned n, double min_px)
{
	for (unsigned i = 0; i < n; i++) {
		CU_ASSERT(isfinite(t[i].v) && isfinite(t[i].x));
		CU_ASSERT(t[i].v >= a->lo - fabs(a->lo) * 1e-9 && t[i].v <= a->hi + fabs(a->hi) * 1e-9);
		CU_ASSERT(t[i].x >= a->x0 && t[i].x <= a->x1);
		CU_ASSERT_DOUBLE_EQUAL(t[i].x, axis_x(a, t[i].v), 1e-9);
		CU_ASSERT(t[i].label[0] != '\0');
		CU_ASSERT(strlen(t[i].label) < sizeof t[i].label);
		if (i > 0) {
			CU_ASSERT(t[i].v > t[i - 1].v);
			CU_ASSERT(t[i].x - t[i - 1].x >= min_px);
		}
	}
}

/* The audit's chart: idle times from 100 ms to 2h4m over 1000 px. */
static void test_log_positions(void)
{
	struct axis a;

	axis_log(&a, 0.1, 7440, 0, 1000);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 0.1), 0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 7440), 1000, 1e-9);
	/* 1 s is one decade of log10(74400) decades from the left. */
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 1), 1000 / log10(74400), 1e-6);
	/* Each factor of 10 is the same width. */
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 100) - axis_x(&a, 10),
			       axis_x(&a, 10) - axis_x(&a, 1), 1e-6);
	double prev = -1;
	for (double v = 0.1; v <= 7440; v *= 1.07) {
		double x = axis_x(&a, v);
		CU_ASSERT(x > prev);
		prev = x;
	}
}

static void test_log_ticks(void)
{
	struct axis a;
	struct tick t[MAXT];

	axis_log(&a, 0.1, 7440, 0, 1000);
	for (double min_px = 20; min_px <= 200; min_px += 30) {
		unsigned n = axis_ticks(&a, min_px, t, MAXT);
		CU_ASSERT(n >= 3);
		check_ticks(&a, t, n, min_px);
		for (unsigned i = 0; i < n; i++)
			CU_ASSERT(on_ladder(t[i].label));
		/* The roundest durations win a crowded axis. */
		CU_ASSERT(has_label(t, n, "1s"));
		CU_ASSERT(has_label(t, n, "1m"));
		CU_ASSERT(has_label(t, n, "1h"));
	}
	/* Room for a label every decade or so, and no more. */
	unsigned n = axis_ticks(&a, 80, t, MAXT);
	const char *want[] = { "100ms", "1s", "10s", "1m", "10m", "1h" };
	CU_ASSERT_EQUAL(n, 6);
	for (unsigned i = 0; i < n && i < 6; i++)
		CU_ASSERT_STRING_EQUAL(t[i].label, want[i]);
	/* max is honoured, keeping the roundest. */
	n = axis_ticks(&a, 20, t, 3);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_STRING_EQUAL(t[0].label, "1s");
	CU_ASSERT_STRING_EQUAL(t[1].label, "1m");
	CU_ASSERT_STRING_EQUAL(t[2].label, "1h");
}

/* Hours to weeks: the ladder goes on in days (labelled in hours, as
 * kaprobe prints durations). */
static void test_log_days(void)
{
	struct axis a;
	struct tick t[MAXT];

	axis_log(&a, 60, 30 * 86400.0, 0, 800);
	unsigned n = axis_ticks(&a, 60, t, MAXT);
	check_ticks(&a, t, n, 60);
	CU_ASSERT(has_label(t, n, "1h"));
	CU_ASSERT(has_label(t, n, "24h"));
	CU_ASSERT(has_label(t, n, "240h"));
}

/* An empty chart, one point, lo <= 0 and NaN all still give an axis. */
static void test_log_degenerate(void)
{
	const double cases[][2] = {
		{ 0, 0 }, { 5, 5 }, { 0.0012, 0.0012 }, { 7440, 7440 }, { 0, 40 },
		{ -3, -1 }, { 10, 2 }, { NAN, NAN }, { NAN, 30 }, { 3, INFINITY },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct axis a;
		struct tick t[MAXT];

		axis_log(&a, cases[i][0], cases[i][1], 0, 600);
		CU_ASSERT(isfinite(a.lo) && isfinite(a.hi));
		CU_ASSERT(a.lo > 0 && a.hi > a.lo);
		CU_ASSERT(axis_x(&a, a.lo) < axis_x(&a, a.hi));
		unsigned n = axis_ticks(&a, 60, t, MAXT);
		CU_ASSERT(n >= 2);
		check_ticks(&a, t, n, 60);
	}
	/* One point sits inside the axis, not on an end. */
	struct axis a;
	axis_log(&a, 5, 5, 0, 600);
	CU_ASSERT_EQUAL(axis_side(&a, 5), 0);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 5), 300, 1e-6);
	/* The documented fallbacks. */
	axis_log(&a, 0, 0, 0, 600);
	CU_ASSERT_DOUBLE_EQUAL(a.lo, 0.1, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(a.hi, 1, 1e-12);
	axis_log(&a, 0, 40, 0, 600);
	CU_ASSERT_DOUBLE_EQUAL(a.lo, 4, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(a.hi, 40, 1e-12);
}

/* Points beyond the axis (an idle time past --max-idle, or below the
 * first) are drawn at its ends and marked. */
static void test_clamp(void)
{
	struct axis a;

	axis_log(&a, 0.1, 7440, 10, 1010);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 86400), 1010, 1e-9);
	CU_ASSERT_EQUAL(axis_side(&a, 86400), 1);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, INFINITY), 1010, 1e-9);
	CU_ASSERT_EQUAL(axis_side(&a, INFINITY), 1);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 0.01), 10, 1e-9);
	CU_ASSERT_EQUAL(axis_side(&a, 0.01), -1);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 0), 10, 1e-9);
	CU_ASSERT_EQUAL(axis_side(&a, 0), -1);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, -5), 10, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, NAN), 10, 1e-9);
	CU_ASSERT_EQUAL(axis_side(&a, NAN), -1);
	CU_ASSERT_EQUAL(axis_side(&a, 0.1), 0);
	CU_ASSERT_EQUAL(axis_side(&a, 7440), 0);

	axis_linear(&a, 0, 100, 0, 500);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 150), 500, 1e-9);
	CU_ASSERT_EQUAL(axis_side(&a, 150), 1);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, -1), 0, 1e-9);
	CU_ASSERT_EQUAL(axis_side(&a, -1), -1);
}

/* Ticks at multiples of one step from the ladder. */
static void check_linear(const struct axis *a, double min_px, double step)
{
	struct tick t[MAXT];
	unsigned n = axis_ticks(a, min_px, t, MAXT);

	CU_ASSERT(n >= 2);
	check_ticks(a, t, n, min_px);
	for (unsigned i = 0; i < n; i++) {
		double k = t[i].v / step;
		CU_ASSERT_DOUBLE_EQUAL(k, round(k), 1e-6);
		if (i > 0)
			CU_ASSERT_DOUBLE_EQUAL(t[i].v - t[i - 1].v, step, 1e-9);
	}
	/* The first and last multiples within the axis are there. */
	CU_ASSERT(n == 0 || t[0].v - step < a->lo);
	CU_ASSERT(n == 0 || t[n - 1].v + step > a->hi);
}

static void test_linear(void)
{
	struct axis a;
	struct tick t[MAXT];

	/* 125 s over 1000 px: 8 px a second, so 10 s steps are the finest
	 * at least 60 px wide (5 s would be 40 px). */
	axis_linear(&a, 0, 125, 0, 1000);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 62.5), 500, 1e-9);
	check_linear(&a, 60, 10);
	unsigned n = axis_ticks(&a, 60, t, MAXT);
	CU_ASSERT_EQUAL(n, 13);
	CU_ASSERT_STRING_EQUAL(t[0].label, "0s");
	CU_ASSERT_STRING_EQUAL(t[1].label, "10s");
	CU_ASSERT_STRING_EQUAL(t[6].label, "1m");
	CU_ASSERT_STRING_EQUAL(t[7].label, "1m10s");

	/* Not from 0: an hour into a capture, 100 s wide. */
	axis_linear(&a, 3605, 3705, 0, 1000);
	check_linear(&a, 60, 10);
	axis_ticks(&a, 60, t, MAXT);
	CU_ASSERT_STRING_EQUAL(t[0].label, "1h10s");

	/* Sub-second steps are labelled without noise: "300ms", not
	 * "0.300s" nor 0.30000000000000004. */
	axis_linear(&a, 0, 1, 0, 1000);
	check_linear(&a, 60, 0.1);
	axis_ticks(&a, 60, t, MAXT);
	CU_ASSERT_STRING_EQUAL(t[3].label, "300ms");

	/* Hours: clock steps, not 20m or 50m. */
	axis_linear(&a, 0, 6 * 3600.0, 0, 600);
	check_linear(&a, 60, 3600);

	/* Negative lo (times before a start) still steps through 0. */
	axis_linear(&a, -2.5, 7.5, 0, 1000);
	check_linear(&a, 60, 1);
	CU_ASSERT_EQUAL(axis_ticks(&a, 60, t, MAXT), 10);
	CU_ASSERT_STRING_EQUAL(t[2].label, "0s");
}

static void test_linear_degenerate(void)
{
	struct axis a;

	axis_linear(&a, 0, 0, 0, 1000);
	CU_ASSERT_DOUBLE_EQUAL(a.lo, 0, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(a.hi, 1, 1e-12);
	check_linear(&a, 60, 0.1);

	axis_linear(&a, 7, 7, 0, 1000);
	CU_ASSERT_DOUBLE_EQUAL(a.lo, 6.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(a.hi, 7.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(axis_x(&a, 7), 500, 1e-9);
	check_linear(&a, 60, 0.1);

	axis_linear(&a, 0.2, 0.2, 0, 1000);
	CU_ASSERT_DOUBLE_EQUAL(a.lo, 0, 1e-12);

	axis_linear(&a, NAN, INFINITY, 0, 1000);
	CU_ASSERT(isfinite(a.lo) && a.hi > a.lo);
	check_linear(&a, 60, 0.1);
	axis_linear(&a, 4, 2, 0, 1000);
	CU_ASSERT(a.hi > a.lo);
}

/* Far from 0 with a fine step, labels would not fit: the ticks are left
 * out rather than cut, and the walk ends. */
static void test_linear_far(void)
{
	struct axis a;
	struct tick t[MAXT];

	axis_linear(&a, 1e10, 1e10 + 1, 0, 1000);
	unsigned n = axis_ticks(&a, 60, t, MAXT);
	check_ticks(&a, t, n, 60);
	axis_linear(&a, 1e20, 1e20 + 1e6, 0, 1000);
	n = axis_ticks(&a, 60, t, MAXT);
	check_ticks(&a, t, n, 60);
	CU_ASSERT_EQUAL(n, 0);
}

void suite_axis(void)
{
	UNIT_SUITE("axis",
		   UNIT_TEST(test_log_positions),
		   UNIT_TEST(test_log_ticks),
		   UNIT_TEST(test_log_days),
		   UNIT_TEST(test_log_degenerate),
		   UNIT_TEST(test_clamp),
		   UNIT_TEST(test_linear),
		   UNIT_TEST(test_linear_degenerate),
		   UNIT_TEST(test_linear_far));
}
