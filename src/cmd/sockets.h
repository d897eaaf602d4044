/* sockets.h - `kaprobe sockets`: this network namespace's TCP connections,
 * their owners and keep-alive settings, judged against a path's idle
 * timeout (the options are cmd_sockets.c's). */
#ifndef KAPROBE_SOCKETS_H
#define KAPROBE_SOCKETS_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/sockfilter.h"
#include "tcp/sockjudge.h"

struct sockets_opts {
	int family;                     /* AF_UNSPEC: both */
	struct path_timeout path;       /* timeout_us 0: no judgement */
	const char *from;               /* --from FILE, read into path by sockets_run */
	bool json, quiet;
	struct sock_filter filter;
};

/* List, judge, print; the exit status. */
int sockets_run(struct sockets_opts *o);

#endif
