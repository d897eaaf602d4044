/* axis.c - STUB: to be written (see axis.h). */
#include "axis.h"

void axis_log(struct axis *a, double lo, double hi, double x0, double x1)
{
	*a = (struct axis){ lo, hi, x0, x1, true };
}

void axis_linear(struct axis *a, double lo, double hi, double x0, double x1)
{
	*a = (struct axis){ lo, hi, x0, x1, false };
}

double axis_x(const struct axis *a, double v)
{
	return a->x0 + (v - a->lo) / (a->hi - a->lo) * (a->x1 - a->x0);
}

int axis_side(const struct axis *a, double v)
{
	return v < a->lo ? -1 : v > a->hi;
}

unsigned axis_ticks(const struct axis *a, double min_px, struct tick *t, unsigned max)
{
	(void)a; (void)min_px; (void)t; (void)max;
	return 0;
}
