/* farend.h - the client's side of kaprobe serve's control protocol
 * (tcp/ctlproto.h): is this peer serve, and what did it receive.
 *
 * For live mode's --far-end and, later, the audit:
 *   - farend_greet_feed: the first bytes a connection's peer sent, to tell
 *     kaprobe serve (its greeting, remembered: the flow's ends as serve
 *     sees them) from any other server;
 *   - farq_ask: one request on a new, short connection of its own (so that
 *     the connection being probed stays idle), its answer collected: the
 *     SEG records of RECEIVED, or the one OK line of the others.
 * A peer that is not serve is never sent a control line: farq_ask sends
 * its request only after the greeting.
 */
#ifndef KAPROBE_FAREND_H
#define KAPROBE_FAREND_H

#include <stdbool.h>
#include <sys/socket.h>

#include "engine/evloop.h"
#include "tcp/ctlproto.h"
#include "tcp/segring.h"

/* How long a client waits for the greeting after its handshake: serve
 * writes it at accept, so it comes one round trip after the client's
 * handshake ends (the client's ACK to serve, the greeting back).  The wait
 * is FAREND_GREETING_WAIT_US plus two round trips of the connection's own
 * handshake (SYN to SYN-ACK), a round trip counted FAREND_RTT_MAX_US at
 * most; a peer that says nothing for that long, or something else first,
 * is not serve. */
#define FAREND_GREETING_WAIT_US 1000000
#define FAREND_RTT_MAX_US 5000000
/* A request's answer: its connection made within FAREND_QUERY_TIMEOUT_US,
 * and END within that plus three of its round trips (the handshake's,
 * measured: the greeting, the request and the answer each cross the path
 * once more). */
#define FAREND_QUERY_TIMEOUT_US 3000000

struct farend_greet {
	struct ctl_lines in;
	int state;                 /* 0 waiting, 1 serve, -1 not serve */
	struct ctl_greeting g;
};

/* Feed what the peer sent; returns the state. */
int farend_greet_feed(struct farend_greet *gr, const uint8_t *buf, size_t n);
/* The round trip of a connection connected at `created` whose handshake
 * completed (SYN-ACK seen) at `ready`, FAREND_RTT_MAX_US at most; and the
 * greeting's wait for it. */
ka_time farend_rtt(ka_time created, ka_time ready);
ka_time farend_greeting_wait(ka_time created, ka_time ready);

struct farq;
/* The answer: err NULL and the records in q->seg (RECEIVED) or the line
 * in q->line, or err saying what went wrong. */
typedef void (*farq_fn)(struct farq *q, const char *err, void *ctx);

struct farq {
	struct evloop *loop;
	struct ev_io io;
	struct ev_timer tmo;
	enum { FQ_IDLE, FQ_CONNECTING, FQ_GREETING, FQ_ANSWER } state;
	struct ctl_lines in;
	struct ctl_req req;
	struct ctl_seg seg[SEGRING_N];
	unsigned nseg;
	char line[CTL_LINE_MAX];
	farq_fn done;
	void *ctx;
	ka_time started;           /* connect(2) called */
};

/* Ask req of serve at dst on a new connection.  Returns 0, or an errno
 * (the socket could not be made). */
int farq_ask(struct farq *q, struct evloop *loop, const struct sockaddr_storage *dst,
	     const struct ctl_req *req, farq_fn done, void *ctx);
static inline bool farq_busy(const struct farq *q) { return q->state != FQ_IDLE; }
/* Drop a request in flight (done is not called). */
void farq_cancel(struct farq *q);

#endif
