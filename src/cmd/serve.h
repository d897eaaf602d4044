/* serve.h - `kaprobe serve [ADDR:]PORT`: the far end (see serve.c). */
#ifndef KAPROBE_SERVE_H
#define KAPROBE_SERVE_H

#include <stdbool.h>

#include "tcp/ctlproto.h"
#include "util/ktime.h"

/* Closed connections whose records serve keeps for RECEIVED and STATUS,
 * the oldest forgotten first. */
#define SERVE_HISTORY 1024

struct serve_opts {
	const char *listen;       /* [ADDR:]PORT as typed */
	const char *iface;        /* -i, or NULL: "any" */
	const char *wfile;        /* -w, or NULL */
	const char *user;         /* -Z */
	bool json, quiet, stamp;
};

/* [ADDR:]PORT into a[0] (and a[1]: a bare PORT is both families), *n
 * of them: 0, or -1 with the reason in err. */
int serve_parse_listen(const char *arg, struct ctl_addr *a, unsigned *n, char *err,
		       size_t errlen);

/* Run until SIGINT or SIGTERM.  Returns the exit status. */
int serve_run(const struct serve_opts *opt);

#endif
