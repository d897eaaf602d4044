/* engine.h - the one probing engine under the live prober, the audit and
 * the trace.
 *
 * It holds a table of kernel-owned connections (conn.c) to its targets,
 * watched through one capture (capture.c) demultiplexed by 4-tuple in O(1),
 * probed through one raw socket (probe.c), each with its own keep-alive
 * state machine (keepalive.c) and its own timer on one event loop
 * (evloop.c).  Every segment and ICMP error the capture brings for a
 * connection goes through the classifier (classify.c): what the kernel
 * would accept moves the connection's state and its machine, the rest is
 * reported as ignored and counted.  The commands are planners: they open
 * connections, set each one's timings and probe shape, and read typed
 * events; they never look at a packet.
 *
 * Lifecycle of a connection: engine_connect opens it (the kernel's
 * connect(2)); once the kernel says it is connected and the capture has
 * seen both SYNs it is READY and its machine starts, idle from the last
 * segment received.  The machine asks for probes on its timer, the engine
 * sends them (or counts them lost when they cannot be sent), feeds the
 * answers back, and reports each step.  A connection that reached a
 * verdict stays in the table, quiet, until the planner closes it.
 *
 * The peer may close the connection on its own (an application's or a
 * proxy's idle timeout): a FIN the kernel would accept, or an RST at
 * RCV.NXT while no probe is out.  That ends the machine with verdict
 * "closed" (ENG_CLOSED, then ENG_VERDICT).  An RST while probes are out
 * answers them: "reset", as before.
 *
 * With engine_heartbeat, a connection's "probes" are application data
 * written through its own socket instead: the only thing an idle timer
 * that counts data sees.
 */
#ifndef KAPROBE_ENGINE_H
#define KAPROBE_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/classify.h"
#include "net/conn.h"
#include "engine/conntab.h"
#include "engine/embryo.h"
#include "engine/evloop.h"
#include "tcp/keepalive.h"
#include "net/probe.h"
#include "engine/session.h"
#include "engine/shape.h"
#include "tcp/segring.h"

struct engine;
struct econn;

enum eng_kind {
	ENG_READY,          /* established and seen: the machine runs */
	ENG_CONNECT_FAILED, /* err: errno (ETIMEDOUT: no handshake in time) */
	ENG_PROBE,          /* probe sent (err 0) or not sendable (err: errno);
			     * a raw probe's at the end of its loop turn */
	ENG_REPLY,          /* an accepted answer, RST or ICMP error */
	ENG_IGNORED,        /* seen, not acted on: cls says why */
	ENG_CLOSED,         /* the peer closed on its own: a FIN, or an RST with no
			     * probe out; ENG_VERDICT (closed) follows at once */
	ENG_VERDICT,        /* the machine reached a verdict (c->ka.verdict) */
};

/* Quiet time after the handshake (and any banner) before the first probe
 * of the audit and the trace: the peer's delayed ACKs and window updates
 * are over by then.  A server that did not take our ACK resends its
 * SYN-ACK after TCP_TIMEOUT_INIT (1 s); the audit watches for that until
 * the connection's task is done.  It is also the shortest idle the
 * idle-timeout search can measure. */
#define ENG_SETTLE_US 300000

/* The least gap between two probes on one connection when an answer is
 * wanted to each: above net.ipv4.tcp_invalid_ratelimit (500 ms), since a
 * Linux peer answers an out-of-window (zero-length) probe at most that
 * often and a faster retry would look lost. */
#define ENG_PROBE_GAP_US 600000

/* An idle that never comes: a connection held without probes (a
 * century; KA_NEVER itself would overflow the machine's sums). */
#define ENG_IDLE_NEVER (100LL * 365 * 86400 * 1000000)

/* CONNECT_FAILED's err when the kernel connected but the capture never saw
 * the handshake (the wrong interface). */
#define ENG_ERR_UNSEEN (-1)

/* What the planner is told.  Pointers are valid during the callback only. */
struct eng_event {
	enum eng_kind kind;
	struct econn *c;
	ka_time t;                  /* when: capture time for packets */
	const struct segment *seg;  /* REPLY, IGNORED, CLOSED */
	enum cl_kind cls;           /* REPLY, IGNORED */
	struct ka_outcome out;      /* REPLY: what it did to the machine */
	const struct probe_spec *probe; /* PROBE (a heartbeat: its seq and paylen) */
	int err;                    /* CONNECT_FAILED, PROBE */
	bool hard;                  /* REPLY to an ICMP error: a hard one */
	bool by_peer;               /* REPLY, CLOSED: sent by the peer, not a box on the way */
	int hops;                   /* REPLY, CLOSED: routers between us and its sender */
	/* CLOSED: how long no data had moved either way (the handshake when
	 * none did; probes and their answers carry none), and whether an RST
	 * (else a FIN) closed it. */
	ka_time idle;
	bool rst;
	/* REPLY: the captured frame it came in (what seg was decoded from),
	 * for a planner that reads an ICMP error's quote (quote.h). */
	const uint8_t *frame;
	uint32_t caplen, wirelen;
};

enum econn_state { EC_CONNECTING, EC_HANDSHAKE, EC_READY, EC_CLOSED };

struct econn {
	struct conn k;               /* the kernel's connection as captured */
	struct ka_machine ka;
	struct ka_config cfg;        /* this connection's timings */
	eng_shape_fn shape;
	enum econn_state state;
	unsigned id;                 /* 1-based, in the order opened */
	unsigned dest;               /* index of its destination */
	unsigned round;              /* probing rounds begun */
	uint32_t ignored;            /* segments seen and not acted on */
	ka_time created;
	bool stamp_pending;          /* the latest probe not yet seen leaving */
	unsigned queued;             /* its probes waiting in a batch */
	bool slot_reserved;          /* the rate limit gave it a later slot */
	void *user;                  /* the planner's */
	/* engine_heartbeat's data (the planner's), or NULL: raw probes. */
	const uint8_t *hb;
	size_t hb_len;
	uint32_t hb_seq;             /* the latest heartbeat's first byte */
	/* engine_record's ring (the planner's), or NULL: every segment from
	 * the peer that passes the gate goes in, acted on or not. */
	struct segring *ring;
	bool adopted;                /* accepted (engine_adopt), not connected */
	/* The engine's own: */
	struct ev_io io;
	struct ev_timer timer;
	struct econn *next_released;  /* the released list */
	struct engine *e;
};

struct engine_ops {
	void (*event)(struct engine *e, const struct eng_event *ev, void *ctx);
	/* SIGINT, SIGTERM, SIGHUP (the terminal went away: treated as
	 * SIGTERM), and SIGQUIT when asked for. */
	void (*signal)(struct engine *e, int signo, void *ctx);
	/* Before the loop sleeps: write out what the turn produced. */
	void (*flush)(struct engine *e, void *ctx);
	/* With reopen_capture: the capture failed (up false; text: why, and
	 * when it is tried again) or was reopened (up true). */
	void (*capture)(struct engine *e, bool up, const char *text, void *ctx);
};

struct engine_opts {
	const char *target;          /* HOST:PORT, for engine_open */
	int family;                  /* AF_UNSPEC, AF_INET, AF_INET6 */
	const char *iface;           /* -i, or NULL for the routed one */
	const char *wfile;           /* -w, or NULL */
	const char *user;            /* -Z, or NULL: nobody when root */
	bool quit_signal;            /* deliver SIGQUIT too */
	ka_time connect_timeout;
	unsigned rate;               /* probes per second at most, 0: no limit */
	/* A capture that fails (its interface removed) is reopened, with a
	 * back-off, instead of ending the run: CAP_NET_RAW is kept permitted
	 * for it (privdrop.h).  No -w file then. */
	bool reopen_capture;
	const struct engine_ops *ops;
	void *ctx;
	/* A listening engine (kaprobe serve) has no destinations: its capture
	 * takes this filter, on iface or else "any" (every interface, so that
	 * a proxy on the same host connecting over loopback is seen too), and
	 * holds connections through engine_adopt. */
	const char *filter;
	/* Called once the raw sockets and the capture are open and before
	 * privilege goes (the listening sockets: the capture must see the
	 * first handshake).  Returns 0, or the exit status with e->err. */
	int (*opened)(struct engine *e, void *ctx);
	/* Optional: bytes the peer sent on a connection (engine_connect's),
	 * as read (kaprobe serve's greeting); without it they are dropped. */
	void (*data)(struct engine *e, struct econn *c, const uint8_t *buf, size_t n, void *ctx);
};

struct engine {
	const struct engine_opts *opt;
	struct dest *dest;           /* the targets, resolved and routed */
	unsigned ndests;
	char iface[IF_NAMESIZE];     /* the one interface they all use */
	struct session ss;           /* raw sockets, capture */
	struct evloop loop;
	struct ev_io cap_io, sig_io;
	int sigfd;
	struct conntab tab;          /* by 4-tuple */
	/* The probes waiting in each prober's batch (session.pr), for their
	 * events once they leave: connection (NULL: released), spec, time. */
	struct sent_probe { struct econn *c; struct probe_spec s; ka_time t; }
		sendq[2][PROBE_BATCH];
	unsigned nconns;             /* opened so far */
	struct econn *released;      /* closed, to be freed by the reaper */
	struct ev_timer reaper;
	uint32_t ignored;            /* over every connection */
	/* What the kernel dropped before the capture read it (capture_stats),
	 * read every second and by engine_read_drops. */
	uint64_t cap_dropped, cap_if_dropped;
	bool drops_frozen;           /* engine_freeze_drops was called */
	struct ev_timer stats;
	struct ev_timer reopen;      /* reopen_capture: the next try */
	unsigned reopen_tries;       /* tries since the capture failed */
	ka_time next_send;           /* the rate limit's next free slot */
	/* The frame being demultiplexed, during on_packet only. */
	const uint8_t *frame;
	uint32_t caplen, wirelen;
	struct embryos emb;          /* listening: handshakes not accepted yet */
	int status;                  /* exit status once stopped */
	bool failed;                 /* stopped by engine_fail: err says why */
	char err[512];               /* the last error: one line, for cmd/ to print */
};

/* Every function that returns an exit status leaves the reason for a
 * non-zero one in e->err, as one line; the engine prints nothing.  Once
 * engine_fail has stopped a run, e->err keeps that failure: nothing writes
 * it again (engine_fail may be given e->err itself as its text). */

/* For one target: engine_init, engine_add_dest, engine_start.  Returns the
 * exit status (0: ready). */
int engine_open(struct engine *e, const struct engine_opts *opt);

/* Set up the loop; no handle is open yet.  Returns 0 or 70. */
int engine_init(struct engine *e, const struct engine_opts *opt);

/* Resolve and route HOST:PORT.  Returns its index, or -status (64 for a
 * malformed or refused target, 3 unresolvable or unroutable) with the
 * reason in e->err; nothing printed. */
int engine_add_dest(struct engine *e, const char *target);

/* engine_add_dest once the run has started (a reload): the destination
 * must use the interface and a raw socket the run opened, privilege being
 * gone; the capture's filter then takes it in.  The index, or -status. */
int engine_add_dest_running(struct engine *e, const char *target);

/* Open the raw sockets, the capture of every destination (and the -w
 * file), signals, then give privilege up.  The destinations must use one
 * interface.  Returns the exit status. */
int engine_start(struct engine *e);

void engine_close(struct engine *e);

/* Read the capture's drop counts into e->cap_dropped and e->cap_if_dropped
 * now (the engine also does every second while it runs). */
void engine_read_drops(struct engine *e);
/* Read them a last time and keep them: for a planner about to close its
 * connections at once (an interrupted run), whose teardown would overrun
 * the capture it no longer needs and read as lost packets. */
void engine_freeze_drops(struct engine *e);

/* Take what waits in the capture now (a planner about to report what a
 * connection received: the segment that carried the question too). */
void engine_read_capture(struct engine *e);

/* Run the loop until engine_stop (at once when stopped already).  Returns
 * e->status. */
int engine_run(struct engine *e);
void engine_stop(struct engine *e, int status);
/* Whether the run was stopped: a planner starts nothing new then. */
static inline bool engine_stopped(const struct engine *e)
{
	return evloop_stopped(&e->loop);
}
/* For a planner that runs in phases, each ended by engine_stop(e, 0): let
 * the loop run the next one.  A run stopped with a status stays stopped. */
void engine_resume(struct engine *e);

/* A fatal error: the reason in e->err and e->failed set, for the planner
 * to print once the run is over, and stop with status.  The first failure
 * of a run is the one kept. */
void engine_fail(struct engine *e, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A connection that could not be made (ENG_CONNECT_FAILED's err) ends the
 * run: 70 when the capture did not see its handshake (the wrong
 * interface), else 3 with connect(2)'s error. */
void engine_fail_connect(struct engine *e, const struct econn *c, int err);

/* Open a connection to destination `dest` with these timings and probe
 * shape.  NULL with e->err set when no socket could be made (errno kept). */
struct econn *engine_connect(struct engine *e, unsigned dest, const struct ka_config *cfg,
			     eng_shape_fn shape, void *user);

/* Watch a connection accept(2) returned (fd, non-blocking, now the
 * engine's), with these timings: its handshake is taken from the capture
 * (embryo.h), and it is READY at once when that was seen.  NULL with
 * e->err when out of memory or when the socket cannot say its ends (the
 * socket is closed then).  ring, when not NULL, receives every segment
 * from the client (the handshake's first): the planner's, it may outlive
 * the connection.  The engine never reads the socket: the planner does,
 * and closes it through engine_release. */
struct econn *engine_adopt(struct engine *e, int fd, const struct ka_config *cfg,
			   struct segring *ring, void *user);

/* New timings for a connection; its machine keeps its state. */
void engine_configure(struct engine *e, struct econn *c, const struct ka_config *cfg);

/* Probe the connection now, as its machine would (ka_sent: an answer is a
 * REPLY), with this TTL or hop limit (0: the kernel's).  For planners that
 * pace probes themselves, with timings that never fire.  A raw probe
 * leaves with the others of this turn of the loop, and its ENG_PROBE then
 * says whether it could; a heartbeat is written at once.  Returns 0, the
 * errno of a heartbeat that could not be written, or EIO (a probe that
 * could not be built, or a closed connection). */
int engine_probe_now(struct engine *e, struct econn *c, uint8_t ttl);

/* From now on, whenever the connection's machine asks for a probe (its
 * timer, or engine_probe_now), write these len bytes through its own
 * socket instead: real data, which the kernel sequences and retransmits
 * and which resets an idle timer that counts data, as keep-alive probes
 * cannot.  The answer is the peer's ACK of it or data from the peer;
 * whatever the peer sends is read and dropped.  The kernel builds the
 * segment: the probe shape and engine_probe_now's TTL do not apply.  data
 * is kept by pointer and must outlive the connection.  Returns 0, or
 * EINVAL for no data. */
int engine_heartbeat(struct engine *e, struct econn *c, const uint8_t *data, size_t len);

/* Write len bytes through the connection's own socket now (a request to
 * kaprobe serve): real data, which the kernel sequences; the capture keeps
 * the probes' numbers right after it.  Returns 0, or an errno (EAGAIN: the
 * socket buffer is full, nothing was written). */
int engine_send(struct engine *e, struct econn *c, const void *buf, size_t len);

/* Close the connection's socket and forget it. */
void engine_release(struct engine *e, struct econn *c);

/* "addr:port" of the connection's local end (the SYN's source). */
void engine_src_text(const struct econn *c, char *buf, size_t len);

#endif
