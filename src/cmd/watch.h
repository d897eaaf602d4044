/* watch.h - `kaprobe watch`: hold idle connections for days, replace the
 * ones that die, and export what happens to them (see watch.c). */
#ifndef KAPROBE_WATCH_H
#define KAPROBE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tcp/keepalive.h"

/* --idle-ladder's rungs at most (emit/metrics.h keeps as many). */
#define WATCH_MAX_RUNGS 16
/* Replacement back-off's defaults: the first wait, and the cap. */
#define WATCH_BACKOFF_MIN_US 1000000LL
#define WATCH_BACKOFF_MAX_US (300LL * 1000000)

struct watch_opts {
	const char **targets;     /* operands, then -f's lines */
	unsigned ntargets;
	unsigned noperands;       /* the first ones are operands: a reload keeps them */
	const char *file;         /* -f, re-read on SIGHUP, or NULL */
	unsigned conns;           /* keep-alive connections to each target */
	unsigned connect_rate;    /* connections opened per second, at most */
	struct ka_config cfg;
	int64_t ladder[WATCH_MAX_RUNGS];   /* --idle-ladder's idles, us */
	unsigned nladder;
	const char *iface;
	const char *user;
	bool json, quiet, stamp;
	const uint8_t *heartbeat;
	size_t heartbeat_len;
	int family;
	int64_t connect_timeout;
	int64_t backoff_min, backoff_max;
	bool listen;              /* serve metrics on listen_addr */
	struct sockaddr_storage listen_addr;
};

/* Run until SIGINT or SIGTERM.  Returns the exit status. */
int watch_run(const struct watch_opts *opt);

#endif
