/* live.h - `kaprobe HOST:PORT...`: probe real connections (see live.c). */
#ifndef KAPROBE_LIVE_H
#define KAPROBE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/keepalive.h"

/* --conns at most: one process's descriptors and ports bound it anyway. */
#define LIVE_MAX_CONNS 100000

struct live_opts {
	const char **targets;     /* HOST:PORT as typed, in order */
	unsigned ntargets;
	const char *file;         /* -f, or NULL */
	unsigned conns;           /* connections to each target */
	unsigned connect_rate;    /* connections opened per second, at most */
	struct ka_config cfg;
	long count;               /* -c: stop after this many answered rounds; 0: never */
	const char *iface;        /* -i, or NULL for the routed interface */
	const char *wfile;        /* -w, or NULL */
	bool json, quiet;
	bool stamp;               /* -D: human lines start with the Unix time */
	bool garbage;             /* --garbage-byte: one octet of data */
	const uint8_t *heartbeat; /* --heartbeat: data sent instead of probes, or NULL */
	size_t heartbeat_len;
	int family;               /* AF_UNSPEC, or AF_INET/AF_INET6 for -4/-6 */
	ka_time connect_timeout;
	const char *user;         /* -Z: switch to this user after setup */
	bool far_end;             /* --far-end: ask kaprobe serve what arrived */
};

/* Run until a verdict, -c rounds, or a signal.  Returns the exit status. */
int live_run(const struct live_opts *opt);

#endif
