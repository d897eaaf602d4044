/* event.h - every event kaprobe reports, as a value.
 *
 * A planner (live, audit, trace, replay) says what happened by filling in
 * a struct event and handing it to emit() (emit.h); it never formats.  The
 * output modules (text and JSON lines, the HTML report, and whatever comes
 * next) each take the events they want and render them their own way.
 * Events are values, not calls, so that one planner feeds any number of
 * modules without knowing them, a module can be tested by handing it
 * events, and adding a module touches no planner.
 *
 * An event is its kind, its time and its context (which flow, frame,
 * connection or prober it belongs to: zero or NULL when none), and one
 * payload per kind.  Payloads point at the planner's data: they are valid
 * during emit() only, so a module that keeps something copies it.
 */
#ifndef KAPROBE_EVENT_H
#define KAPROBE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/keepalive.h"
#include "tcp/sockjudge.h"
#include "tcp/sockrec.h"

/* The most --variant kinds a trace sends besides the standard two. */
#define TRACE_MAX_VARIANTS 8
/* The most interface names a capture's EV_CAPTURE carries. */
#define EV_MAX_IFNAMES 8

enum ev_kind {
	/* live mode */
	EV_CONNECT, EV_PROBE, EV_REPLY, EV_NOTICE, EV_ERROR, EV_IGNORED,
	EV_VERDICT,             /* live mode's verdict */
	EV_SUMMARY,             /* live mode's statistics */
	EV_CONN_VERDICT,        /* many connections: one connection's verdict */
	EV_CONN_TABLE,          /* many connections: the table at the end */
	/* replay (EV_PROBE and EV_REPLY as well) */
	EV_FLOW_START,          /* a prober's first keep-alive: report only */
	EV_TRAFFIC,             /* a prober's flow carried data: report only */
	EV_FLOW_VERDICT, EV_WOULD_DIE, EV_CUT,
	EV_CAPTURE,             /* what the capture says of itself: report only */
	EV_REPLAY_SUMMARY,
	/* the audit */
	EV_AUDIT_START, EV_VARIANT, EV_MEASURE, EV_IDLE, EV_REFRESH, EV_ADVICE,
	EV_AUDIT_SUMMARY,
	/* the trace */
	EV_TRACE_START, EV_HOP, EV_FATE, EV_HOP_TIMEOUT, EV_TRACE_SUMMARY,
	/* kaprobe sockets */
	EV_SOCKET, EV_SOCKETS_SUMMARY,
	/* kaprobe serve (EV_PROBE, EV_REPLY, EV_CONN_VERDICT as well, when it
	 * probes a client), and live mode's --far-end (EV_ARRIVAL) */
	EV_SERVE_START, EV_SERVE_CONN, EV_CONTROL, EV_SERVE_SUMMARY, EV_ARRIVAL,
	EV_COUNT
};

_Static_assert(EV_COUNT <= 64, "emit.h keeps the kinds a module wants in 64 bits");

/* ---- what a probe got: the audit's and the trace's ---- */

/* REPLY_NONE is zero: a zeroed reply is "nothing came" (the trace's hops
 * never reached); the audit marks a probe still waiting REPLY_PENDING. */
enum reply_kind { REPLY_NONE, REPLY_ACK, REPLY_RST, REPLY_ICMP, REPLY_PENDING,
		  REPLY_FIN /* the audit: the peer closed the connection itself */ };

struct probe_reply {
	enum reply_kind kind;
	int family;                /* the trace's (the audit's events carry it) */
	uint8_t from[16];          /* its sender */
	int ttl;                   /* the audit: TTL / hop limit it arrived with */
	int hops;                  /* routers between us and its sender */
	bool by_peer;              /* the peer sent it, not a box on the way */
	bool ts;                   /* the audit: it carried TSopt */
	ka_time rtt;               /* the trace */
	int type, code;            /* the trace, REPLY_ICMP */
	size_t quoted;             /* the trace, REPLY_ICMP: bytes of the probe it quoted */
	bool compared;             /* ... the quote was found and compared */
	uint32_t changed;          /* ... 1 << enum quote_field, when compared */
};

/* The reply as the JSON's "reply" says it. */
static inline const char *reply_name(enum reply_kind k)
{
	return k == REPLY_ACK ? "ack" : k == REPLY_RST ? "rst" : k == REPLY_ICMP ? "icmp"
	       : k == REPLY_FIN ? "fin" : "none";
}

/* ---- the payloads ---- */

struct ev_connect {
	const char *src, *dst, *iface;
	bool ts;                /* timestamps negotiated */
	const struct ka_config *cfg;
	size_t heartbeat;       /* bytes of each heartbeat sent instead of probes, or 0 */
};

struct ev_probe {
	unsigned n;             /* its number in the round, from 1 */
	unsigned round;         /* live: the round, from 1; replay: 0 (none) */
	uint32_t seq, ack, len;
	const char *error;      /* why it could not be sent, or NULL */
};

struct ev_reply {
	const char *kind;       /* "ack", "rst", "data", "icmp" */
	unsigned n;             /* the probe it answers (0: none out) */
	unsigned round;         /* live: its round; replay: 0 (none) */
	const char *icmp_class; /* "hard" or "soft" for ICMP errors, else NULL */
	ka_time rtt;            /* valid when n > 0 */
	int ttl;                /* TTL or hop limit */
	const char *from;       /* sender's address */
	uint32_t seq, ack, len; /* TCP replies */
	int icmp_type, icmp_code;   /* ICMP replies; -1 otherwise */
	uint64_t probe_frame;   /* replay: the probe's frame, else 0 */
};

/* Something seen and reported but not acted on, e.g. an RST not at
 * RCV.NXT (RFC 5961) or the peer closing its side: name is the event's. */
struct ev_notice {
	const char *name, *text;
};

/* A segment or ICMP error seen and not acted on: reason is a word
 * ("bad-seq", ...), text a sentence with the rule's source. */
struct ev_ignored {
	const char *reason, *from, *text;
};

/* How the peer closed a connection on its own (the verdict "closed"). */
struct ev_close {
	ka_time idle;           /* without data either way before it */
	bool rst;               /* by an RST, else a FIN */
	int by;                 /* 1 the peer, 0 a box on the way, -1 unknown */
	const char *from;       /* its sender's address, or NULL */
	bool heartbeat;         /* live: heartbeats (data) were sent, not probes */
	int answered_in_gap;    /* replay: keep-alive probes answered in the gap;
				 * -1: not counted (live) */
};

/* A verdict; m: the prober's or connection's machine, for its counts (NULL
 * for live mode's single verdict); reason says why for "no-connection";
 * close says how for "closed" (else NULL). */
struct ev_verdict {
	const char *verdict, *reason;
	const struct ka_machine *m;
	const struct ev_close *close;
	/* watch: how long the connection was held (from ready; 0 never
	 * ready), and when it will be replaced (0: it will not). */
	ka_time lived, retry;
};

/* Live mode's statistics; ignored: what was seen and not acted on. */
/* What never reached kaprobe (the summaries carry it): packets the kernel
 * dropped before the capture read them, because its ring was full, and the
 * interface's own drops (of any traffic) over the run.  The lines of output
 * dropped for a slow reader are the text module's own count. */
struct ev_drops {
	uint64_t dropped, if_dropped;
};

struct ev_summary {
	const struct ka_machine *m;
	uint32_t ignored;
	struct ev_drops drops;
};

struct ev_conn_row {
	unsigned id;
	const char *dst, *verdict, *reason;   /* verdict NULL: still running */
	const struct ka_machine *m;
};

struct ev_conn_table {
	const struct ev_conn_row *rows;
	unsigned n;
	uint32_t ignored;
	struct ev_drops drops;
};

/* Replay: a prober starts probing.  Its name is the event's flow; start,
 * the capture time of the flow's last segment before its first keep-alive
 * (where its timeline begins); t0, the capture's first frame. */
struct ev_flow_start {
	ka_time start, t0;
};

/* Replay with --middlebox: the flow sat idle `gap` (no traffic but
 * keep-alives), longer than box's idle timeout; the event's t is when the
 * box dropped it, unless keep-alives came often enough to refresh it. */
struct ev_cut {
	const char *box;
	ka_time timeout, gap;
	bool refreshed;
};

/* What the capture says of itself (pcapng): its comment and the names of
 * its interfaces ("" for none). */
struct ev_capture {
	const char *comment;
	const char *const *ifname;
	unsigned n;             /* at most EV_MAX_IFNAMES */
};

/* What replay read, for its summary. */
struct replay_totals {
	uint64_t frames, tcp, flows, flows_probed, probes, answered;
	uint64_t truncated, malformed, not_tcp;   /* frames skipped, by reason */
	/* IP fragments' frames: of datagrams reassembled (each counted at the
	 * frame that completed it), of datagrams never completed. */
	uint64_t fragments, incomplete;
	uint64_t evicted;         /* flows dropped to stay under --max-flows */
	bool interrupted;         /* SIGINT or SIGTERM stopped the reading */
};

struct ev_replay_summary {
	const char *file;
	const struct replay_totals *tot;
};

/* The audit's and the trace's heading (variant and max_hops: the trace). */
struct ev_start {
	const char *dst, *src, *iface;
	const char *variant;
	unsigned max_hops;
};

/* The audit: a kind of probe and what it got; tries: probes sent for it
 * (a lost answer is asked again). */
struct ev_variant {
	const char *name;
	const struct probe_reply *r;
	int family;
	unsigned tries;
};

/* One measurement of the idle-timeout search: a connection left idle for
 * `idle`, then probed.  JSON only (the "measure" event): people read the
 * bracket, the report draws each one. */
struct ev_measure {
	double idle_s;              /* the idle its first probe left at */
	const struct probe_reply *r;   /* what the probes got (REPLY_NONE: nothing) */
	int family;
	unsigned round;             /* the search's round, from 1 */
	bool remeasure;             /* it re-measures an idle that contradicted the bracket */
};

/* The idle-timeout finding.  kind: "state-expiry" (a box forgets the
 * flow: probes go unanswered), "endpoint-close" (the peer, or a proxy in
 * front of it, closes idle connections itself: dead_s and close_s are the
 * close, timed from the last data), or NULL (none within --max-idle). */
struct ev_idle {
	const char *probe;          /* the kind the search sent */
	const char *kind;
	double alive_s, dead_s;     /* < 0: none (or not a finding: inconsistent) */
	double close_s;             /* endpoint-close: the close, else < 0 */
	int rfc5382;                /* 1 met, 0 not, -1 not tested that long */
	const struct probe_reply *expired;  /* what an expired flow got, or NULL */
	int family;
	unsigned agree, disagree;   /* measurements consistent with the bracket or not */
	unsigned discarded;         /* connections that could not prove themselves */
	double loss_pct;            /* answers that needed a retry */
	bool inconsistent;          /* re-measurement could not clear a contradiction */
	/* Against kaprobe serve on a path a proxy cuts: whose probes measured
	 * it, "client" or "server" (each leg has its own); NULL elsewhere. */
	const char *from;
};

/* survived -1: not run, for the reason `skipped`; with: "keepalive"
 * (probes) or "heartbeat" (--heartbeat's data). */
/* from: the side that kept the flow busy, "client", "server" (kaprobe
 * serve, asked to) or "both". */
struct ev_refresh {
	const char *from;
	const char *with;
	int survived;
	double intvl_s, duration_s;
	const char *skipped;
};

/* The advice's risk (tcp/risk.h; advise --loss, the audit's state
 * expiry): on, the chance per connection-day that a live connection is
 * declared dead with the advice's values (day), the budget and whether
 * they keep within it, how long a real death takes to be seen, and the
 * path it was figured for (loss share, mean burst, median RTT). */
struct ev_risk {
	bool on, within;
	bool picked;                /* the values were chosen by it (else only figured) */
	double day, budget, detect_s;
	double loss, burst, rtt_s;
};

/* note: why the values are only Linux's defaults, or NULL.  heartbeat_s
 * > 0: the peer closes idle connections after close_s, which no keep-alive
 * setting prevents: send data at least this often instead (and the
 * tcp_keepalive_* values do not apply). */
struct ev_advice {
	long time_s, intvl_s, probes;
	const char *note;
	double heartbeat_s, close_s;
	unsigned sw;                /* --for: the software rows (tcp/swsettings.h) to add */
	struct ev_risk risk;        /* advise --loss: the values' false-death figure */
	/* Against kaprobe serve: the side whose keep-alive (or, for a
	 * heartbeat advice, whose data) kept the flow: "client", "server",
	 * "either", "none"; NULL when not tested. */
	const char *side;
	/* > 0: the advice is for one leg of a path a proxy cuts (side's),
	 * which forgets idle flows after this. */
	double leg_dead_s;
};

struct ev_audit_total {
	bool ok, interrupted;
	bool closes;                /* the peer closes idle connections itself */
	uint32_t ignored;           /* segments seen and not acted on */
	unsigned taken, discarded;  /* connections that proved themselves, or not */
	double loss_pct;
	struct ev_drops drops;
};

/* The trace: one TTL's answer (REPLY_NONE: no answer after `tries` probes). */
struct ev_hop {
	int ttl;
	const struct probe_reply *a;
	unsigned tries;
};

/* A probe kind at full TTL; last_hop: for one lost, the highest hop that
 * quoted it (0: none did), else -1. */
struct ev_fate {
	const char *variant;
	const struct probe_reply *a;
	int last_hop;
	const uint8_t *last_from;
};

/* A hop's idle timeout (kaprobe trace --timeouts). */
struct tr_timeout {
	int hop, family;
	uint8_t from[16];
	bool answers;              /* the hop answered the hop trace: from is its */
	bool masked;               /* hop+1 never answers: not measurable */
	ka_time alive, dead;       /* the bracket (0: none) */
	struct probe_reply expired;  /* what a full probe got once it expired */
	unsigned measurements, disagree, discarded;
};

struct ev_hop_timeout {
	const struct tr_timeout *r;
	ka_time max_idle;          /* --max-idle, for "at least" */
};

/* ok: the standard probes reach the peer; forgets: a hop forgets idle
 * flows within --max-idle (-1: not asked). */
struct ev_trace_summary {
	bool ok, interrupted;
	int forgets;
	uint32_t ignored;
	struct ev_drops drops;
};

/* kaprobe sockets: one connection.  sysctl: the namespace's
 * tcp_keepalive_* (NULL: unknown), to mark the values equal to them; j:
 * its judgement (NULL: none asked, or not an established connection);
 * first: the first row (the human table's heading goes before it). */
struct ev_socket {
	const struct sock_rec *s;
	const struct ka_settings *sysctl;
	const struct sock_judgement *j;
	bool first;
};

/* kaprobe sockets: the counts.  path: the timeout judged against (NULL:
 * none); verdicts: connections per enum sock_verdict; unread: connections
 * whose settings could not be read for lack of privilege. */
struct ev_sockets_total {
	unsigned shown, unread;
	const struct path_timeout *path;
	unsigned verdicts[SV_UNKNOWN + 1];
	const struct ka_settings *sysctl;
};

/* kaprobe serve listening: its sockets' ends ("0.0.0.0:4000 [::]:4000"),
 * the capture's interface, and how many records each connection keeps. */
struct ev_serve_start {
	const char *listen, *iface;
	unsigned ring;
};

/* A connection serve holds: what ("open", "unseen": its handshake was not
 * captured, so it is held but not watched; "close"), its ends as serve
 * sees them, and for "close" who closed it ("client", "serve", "reset")
 * and the requests it made. */
struct ev_serve_conn {
	const char *what, *you, *me, *by;
	unsigned requests;
};

/* A control request on a connection (conn: its number): the request's
 * verb, and "OK" or the ERR text serve answered. */
struct ev_control {
	const char *request, *result;
	bool ok;
};

struct ev_serve_summary {
	unsigned conns, open;        /* taken in all, still open */
	unsigned long requests, bad; /* control requests, and those answered ERR */
	uint32_t ignored;
	struct ev_drops drops;
};

/* Live mode with --far-end: one probe as the far end (kaprobe serve)
 * received it.  changed: the fields that differ from what was sent, as
 * words ("sport", "seq", "ttl", "dscp", "opts", ...); answered_by: "peer",
 * "middlebox" (answered, never received: a box in between answered it)
 * or NULL (not answered). */
/* kind: the audit's probe variant (one event per kind, over its tries),
 * or NULL: live mode's probe number and round. */
struct ev_arrival {
	const char *kind;
	unsigned tries;
	unsigned probe, round;
	bool arrived;
	const char *const *changed;
	unsigned nchanged;
	const char *answered_by;
};

struct event {
	enum ev_kind kind;
	ka_time t;
	/* The context, as the text's line prefixes and the JSON's members
	 * carry it. */
	const char *flow;       /* replay: "prober>peer", else NULL */
	uint64_t frame;         /* replay: the frame that made it, else 0 */
	uint32_t prober;        /* replay: the prober's number, from 1 (reused once
				 * released, after a new EV_FLOW_START), else 0 */
	unsigned conn;          /* many connections: the connection (1-based), else 0 */
	const char *dst;        /* ... and its target */
	ka_time rung;           /* watch --idle-ladder: the connection's idle, else 0 */
	union {
		struct ev_connect connect;
		struct ev_probe probe;
		struct ev_reply reply;
		struct ev_notice notice;
		const char *error;          /* EV_ERROR: the message */
		struct ev_ignored ignored;
		struct ev_verdict verdict;  /* EV_VERDICT, EV_CONN_VERDICT, EV_FLOW_VERDICT */
		struct ev_summary summary;
		struct ev_conn_table table;
		struct ev_flow_start flow_start;
		const char *would_die;      /* EV_WOULD_DIE: the verdict */
		struct ev_cut cut;
		struct ev_capture capture;
		struct ev_replay_summary replay;
		struct ev_start start;      /* EV_AUDIT_START, EV_TRACE_START */
		struct ev_variant variant;
		struct ev_measure measure;
		struct ev_idle idle;
		struct ev_refresh refresh;
		struct ev_advice advice;
		struct ev_audit_total audit;
		struct ev_hop hop;
		struct ev_fate fate;
		struct ev_hop_timeout hop_timeout;
		struct ev_trace_summary trace;
		struct ev_socket socket;
		struct ev_sockets_total sockets;
		struct ev_serve_start serve_start;
		struct ev_serve_conn serve_conn;
		struct ev_control control;
		struct ev_serve_summary serve_summary;
		struct ev_arrival arrival;
	} u;
};

#endif
