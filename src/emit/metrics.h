/* metrics.h - the metrics module: `kaprobe watch`'s events folded into
 * Prometheus counters, gauges and histograms, per target.
 *
 * The module takes the events the watch planner emits (connect, probe,
 * reply, ignored, connection verdict) and keeps only counts: memory is
 * fixed when it is made (METRICS_MAX_TARGETS targets, each a fixed
 * struct), nothing grows per event, and every counter is 64 bits (at a
 * million events a second one wraps after half a million years).  The
 * first METRICS_MAX_TARGETS targets get a label of their own; any further
 * one is counted under target="other", so that the series a scrape
 * returns stay bounded whatever the -f file says.
 *
 * The event loop updates the counts; an HTTP server's thread renders
 * them.  Both take the module's mutex, so a scrape sees every event
 * either wholly or not at all and never waits longer than one render.
 * The module never prints: metrics_render returns the text for the caller
 * to send.
 */
#ifndef KAPROBE_METRICS_H
#define KAPROBE_METRICS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emit/emit.h"

/* Targets with a label of their own; later ones are target="other". */
#define METRICS_MAX_TARGETS 1024
/* --idle-ladder's rungs per target at most. */
#define METRICS_MAX_RUNGS 16
/* The histograms' upper bounds, in seconds (the +Inf bucket is extra). */
#define METRICS_LIFETIME_BUCKETS 14
#define METRICS_RTT_BUCKETS 14

/* The verdicts a connection ends with, as the "verdict" label says them. */
enum met_verdict { MV_DEAD, MV_RESET, MV_CLOSED, MV_UNREACHABLE, MV_NOCONN, MV_REMOVED,
		   MV_COUNT };

struct met_hist {
	uint64_t bucket[METRICS_LIFETIME_BUCKETS > METRICS_RTT_BUCKETS
			? METRICS_LIFETIME_BUCKETS : METRICS_RTT_BUCKETS];
	uint64_t count;
	double sum;             /* seconds */
};

/* One rung of the ladder: its idle and what its latest probe got. */
struct met_rung {
	int64_t idle;           /* microseconds; 0: unused */
	int8_t answered;        /* 1 answered, 0 not, -1 not asked yet */
};

struct met_target {
	char name[96];
	int64_t held;
	uint64_t opened, verdicts[MV_COUNT];
	uint64_t sent, answered, lost, ignored;
	double last_verdict;    /* Unix seconds; 0: none yet */
	struct met_hist lifetime, rtt;
	struct met_rung rung[METRICS_MAX_RUNGS];
};

struct metrics {
	pthread_mutex_t lock;
	struct met_target *t;   /* METRICS_MAX_TARGETS + 1: the last is "other" */
	unsigned n;             /* labelled targets in use */
	int64_t wall_off;       /* CLOCK_REALTIME - the events' clock, us */
	uint64_t capture_restarts;
	const char *version;
};

extern const struct out_module metrics_module;   /* self: a struct metrics */

/* 0, or -1 (out of memory). */
int metrics_init(struct metrics *m, const char *version);
void metrics_free(struct metrics *m);

/* The capture was reopened (the interface went away and came back). */
void metrics_capture_restarted(struct metrics *m);

/* The exposition text, malloc'ed (*len bytes), under the lock: the
 * Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when openmetrics is
 * set.  NULL when out of memory. */
char *metrics_render(struct metrics *m, bool openmetrics, size_t *len);

/* The Content-Type of either format. */
const char *metrics_content_type(bool openmetrics);

#endif
