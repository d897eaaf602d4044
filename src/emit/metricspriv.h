/* metricspriv.h - what metrics.c and metrics_render.c share; not an API. */
#ifndef KAPROBE_METRICSPRIV_H
#define KAPROBE_METRICSPRIV_H

#include <stdio.h>

#include "emit/metrics.h"

extern const double met_lifetime_le[METRICS_LIFETIME_BUCKETS];
extern const double met_rtt_le[METRICS_RTT_BUCKETS];
extern const char *const met_verdict_name[MV_COUNT];

#endif
