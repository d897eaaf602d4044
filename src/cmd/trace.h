/* trace.h - `kaprobe trace HOST:PORT`: where keep-alive probes go on the
 * path, what the boxes on the way change in them, and where they die (see
 * trace.c). */
#ifndef KAPROBE_TRACE_H
#define KAPROBE_TRACE_H

#include <stdbool.h>

#include "emit/event.h"
#include "util/ktime.h"

struct report;

struct trace_opts {
	const char *target;       /* HOST:PORT as typed */
	const char *iface;        /* -i, or NULL */
	const char *user;         /* -Z, or NULL */
	int family;               /* -4/-6, else AF_UNSPEC */
	bool json, quiet;
	unsigned max_hops;        /* highest TTL tried (default 30) */
	const char *variant[TRACE_MAX_VARIANTS];  /* --variant: kinds besides the standard */
	unsigned nvariants;
	ka_time connect_timeout;
	bool timeouts;            /* --timeouts: each stateful hop's idle timeout */
	ka_time max_idle;         /* longest idle asked about */
	ka_time resolution;       /* stop when a hop's bracket is this narrow */
	unsigned res_permille;    /* ... or this many thousandths of it (0: --resolution given) */
	struct report *report;    /* --report, or NULL */
};

/* Run the trace.  Returns the exit status: 0 the standard probes
 * (zero-length, one-byte) get the peer's answer and (--timeouts) no hop
 * forgets an idle flow within --max-idle, 1 otherwise, 3 could
 * not connect, 4 interrupted, 64/70/77 as live mode. */
int trace_run(const struct trace_opts *opt);

#endif
