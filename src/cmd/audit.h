/* audit.h - `kaprobe audit HOST:PORT`: how a path treats keep-alive probes
 * and how long it keeps an idle flow (see audit.c). */
#ifndef KAPROBE_AUDIT_H
#define KAPROBE_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ktime.h"

struct report;

struct audit_opts {
	const char *target;       /* HOST:PORT as typed */
	const char *iface;        /* -i, or NULL */
	const char *user;         /* -Z, or NULL */
	int family;               /* -4/-6, else AF_UNSPEC */
	bool json, quiet;
	ka_time max_idle;         /* longest idle tried (default 2h4m, RFC 5382) */
	ka_time resolution;       /* stop bisecting when the bracket is this narrow */
	unsigned res_permille;    /* ... or this many thousandths of it (0: --resolution given) */
	ka_time intvl;            /* refresh interval; 0: half the longest live idle */
	unsigned max_conns;       /* connections open at once */
	unsigned rate;            /* probes per second, at most */
	ka_time connect_timeout;
	struct report *report;    /* --report, or NULL */
	const uint8_t *heartbeat; /* --heartbeat's data, or NULL */
	size_t heartbeat_len;
	unsigned sw;              /* --for: the software to give settings for (swsettings.h) */
	double budget;            /* --budget: pick the advice by its risk (0: only show it) */
	bool far_end;             /* --far-end: the peer must be kaprobe serve */
};

/* Run the audit.  Returns the exit status: 0 the path handles probes and
 * keeps idle flows as RFC 5382 asks, 1 it does not, 3 could not connect,
 * 64/70/77 as live mode. */
int audit_run(const struct audit_opts *opt);

#endif
