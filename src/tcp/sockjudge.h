/* sockjudge.h - is a connection's keep-alive enough for a path that
 * forgets idle flows after T?
 *
 * A box on the path (NAT, firewall, load balancer) forgets a flow T after
 * the last packet it saw either way.  Linux's keep-alive timer
 * (net/ipv4/tcp_timer.c, tcp_keepalive_timer) sends its first probe when
 * nothing was received for TCP_KEEPIDLE, and then, while unanswered, one
 * every TCP_KEEPINTVL; an answered probe starts the idle over.  Each probe
 * and each answer refreshes the box.  So the flow is kept only if the
 * first probe leaves before the box forgets (idle < T), and a retry after
 * a lost answer still finds the box that saw the previous probe
 * (intvl < T).  TCP_KEEPCNT and TCP_USER_TIMEOUT say when the kernel gives
 * up, not whether the box forgets: they do not enter the judgement.
 *
 *   protected       keep-alive on, idle < T and intvl < T
 *   not applicable  else, when data went either way less than T ago: the
 *                   connection is busy; it is at risk once it is idle T
 *   at risk         else: keep-alive off, idle >= T or intvl >= T, or the
 *                   path's killer is the peer's own close (an endpoint's
 *                   idle timeout, which probes carry no data to refresh)
 *   unknown         the settings could not be read and data is not recent
 *
 * docs/sockets.md says the same, with the kernel source.
 */
#ifndef KAPROBE_SOCKJUDGE_H
#define KAPROBE_SOCKJUDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/sockrec.h"

/* What forgets idle connections on the path. */
struct path_timeout {
	int64_t timeout_us;     /* T */
	/* The peer (or a proxy in front of it) closes idle connections
	 * itself: only data refreshes it, keep-alive cannot. */
	bool endpoint_close;
};

enum sock_verdict { SV_PROTECTED, SV_AT_RISK, SV_NOT_APPLICABLE, SV_UNKNOWN };

/* Why, in one word each (docs/sockets.md lists them). */
enum sock_reason {
	SR_KEEPALIVE,           /* protected: idle and intvl below T */
	SR_DATA,                /* not applicable: data within T */
	SR_OFF,                 /* at risk: SO_KEEPALIVE off */
	SR_IDLE,                /* at risk: TCP_KEEPIDLE not below T */
	SR_INTVL,               /* at risk: TCP_KEEPINTVL not below T */
	SR_ENDPOINT,            /* at risk: the peer closes idle connections */
	SR_UNREAD,              /* unknown: settings not read */
};

struct sock_judgement {
	enum sock_verdict verdict;
	enum sock_reason reason;
};

/* The judgement of settings ka (NULL: not read) for a connection whose
 * last data either way was since_data_us ago (< 0: unknown), on path p. */
struct sock_judgement sock_judge(const struct ka_settings *ka, int64_t since_data_us,
				 const struct path_timeout *p);

/* "protected", "at-risk", "not-applicable", "unknown". */
const char *sock_verdict_name(enum sock_verdict v);
/* "keepalive", "data", "keepalive-off", "idle", "intvl", "endpoint-close",
 * "unread". */
const char *sock_reason_name(enum sock_reason r);

#endif
