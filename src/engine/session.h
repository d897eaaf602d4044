/* session.h - what every command that talks to a live peer opens first.
 *
 * The engine begins with these: resolve the target and the route to it,
 * open the privileged handles (raw socket, capture), then give privilege
 * up.  Each step returns the exit status for what went wrong, with the
 * reason as one line in the caller's err, so the engine only chains them.  Privileged handles
 * come before any packet leaves: a user without CAP_NET_RAW learns so
 * before anything is sent.
 */
#ifndef KAPROBE_SESSION_H
#define KAPROBE_SESSION_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "net/capture.h"
#include "util/ktime.h"
#include "net/probe.h"
#include "net/target.h"

/* One target, resolved and routed. */
struct dest {
	struct target tgt;
	struct sockaddr_storage src;   /* the source address toward it */
	char iface[IF_NAMESIZE];       /* the interface the route uses, or -i */
	char dst_txt[80];              /* "addr:port" / "[addr]:port" */
};

/* The handles every connection shares. */
struct session {
	struct prober pr[2];           /* raw sockets: IPv4, IPv6 (as needed) */
	struct capture cap;
	ka_time real_off;              /* CLOCK_REALTIME - CLOCK_MONOTONIC, in us */
};

/* Parse and resolve HOST:PORT, find the source address and interface.
 * Returns 0 or the exit status (64 bad target, 3 unresolvable or no route)
 * with the reason in err. */
int session_target(struct dest *d, const char *target, int family, const char *iface,
		   char *err, size_t errlen);

/* The raw socket for a family.  Opens it the first time; returns 0, or 77
 * without CAP_NET_RAW, 70 else. */
int session_prober(struct session *s, int family, const char *iface, char *err,
		   size_t errlen);
static inline struct prober *session_prober_of(struct session *s, int family)
{
	return &s->pr[family == AF_INET6];
}

/* Open the capture on iface of every flow to the n destinations and the
 * ICMP errors about them, and the -w file when wfile is set.  Returns 0,
 * 77, 73 or 70. */
int session_capture(struct session *s, const char *iface, const struct dest *d, unsigned n,
		    const char *wfile, char *err, size_t errlen);

/* The same with a filter of the caller's (a listener's, which has no
 * destinations). */
int session_capture_filter(struct session *s, const char *iface, const char *filter,
			   const char *wfile, char *err, size_t errlen);
/* Capture the n destinations' flows from now on (more targets, after a
 * reload): the open capture's filter is replaced, which needs no
 * privilege.  Returns 0 or 70. */
int session_refilter(struct session *s, const struct dest *d, unsigned n, char *err,
		     size_t errlen);

/* A packet's capture timestamp (CLOCK_REALTIME) on the event loop's
 * clock (CLOCK_MONOTONIC). */
static inline ka_time session_time(const struct session *s, const struct timeval *tv)
{
	return (ka_time)tv->tv_sec * 1000000 + tv->tv_usec - s->real_off;
}

/* Whether SIGHUP was ignored when kaprobe started (nohup): then it stays
 * ignored, and a hangup does not stop the run. */
bool session_hup_ignored(void);

/* Block SIGINT, SIGTERM, SIGHUP (unless ignored: session_hup_ignored) and
 * SIGQUIT when quit is set, and return a signalfd that delivers them to
 * the event loop, or -1 with errno. */
int session_signals(bool quit);

/* -Z's user exists (or none was given).  Returns 0 or 64. */
int session_check_user(const char *user, char *err, size_t errlen);

/* Ignore SIGPIPE (a closed stdout ends a run quietly) and give privilege
 * up (privdrop.h; keep_raw: all but a permitted CAP_NET_RAW).  Returns 0,
 * 64 (no such user), 77 or 70. */
int session_drop(const char *user, bool keep_raw, char *err, size_t errlen);

/* msg into err, naming CAP_NET_RAW and how to grant it when the failure
 * was a missing privilege; returns 77 then, else 70.  msg must not be
 * err. */
int session_error(char *err, size_t errlen, const char *msg, bool perm);

void session_close(struct session *s);

#endif
