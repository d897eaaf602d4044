/* output.h - every event kaprobe reports, for people or as JSON lines.
 *
 * One function per event, so that the human and the JSON forms of an event
 * are written side by side and cannot drift apart.  JSON events are one
 * object per line, each with "event" and "t" (seconds since the start: of
 * the run, or of the capture in replay); "connect" and "summary" also carry
 * "ts", the wall-clock time (Unix seconds).  Replay sets `flow` and `frame`
 * before each event so that the same events carry "flow" and "frame".
 * Quiet mode keeps only verdicts and summaries (out_shows says which).
 *
 * Events are formatted by outbuf.c into a buffer.  By default it is small
 * and each event is handed to the stream (stdio) as it ends, so live mode
 * and the audit flush the stream when they choose (out_failed, once per
 * turn of their loop); replay hands it a large buffer with out_use_buffer
 * and writes it out itself (out_flush).
 */
#ifndef KAPROBE_OUTPUT_H
#define KAPROBE_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tcp/keepalive.h"
#include "emit/outbuf.h"

struct report;

struct output {
	struct outbuf ob;
	bool json, quiet;
	bool stamp;             /* -D: human lines start with [unix-time.micro] */
	bool each;              /* hand each event to the stream as it ends */
	ka_time t0;             /* the start: "t" counts from here */
	ka_time wall_off;       /* live: CLOCK_REALTIME - the events' clock, for
				 * "ts" and -D; replay's times are wall-clock */
	const char *target;     /* for the summary's heading */
	const char *flow;       /* replay: "prober>peer" of the event, else NULL */
	unsigned conn;          /* many connections: the event's (1-based), else 0 */
	const char *dst;        /* ... and its target */
	uint64_t frame;         /* replay: the event's frame number, else 0 */
	int row;                /* replay --report: the event's prober's row, or -1 */
	struct report *rep;     /* --report: every event goes to it too, else NULL */
	char line[1024];        /* the buffer until out_use_buffer: one event */
};

/* Every kind of event, for out_shows. */
enum out_event {
	OUT_CONNECT, OUT_PROBE, OUT_REPLY, OUT_NOTICE, OUT_IGNORED,
	OUT_VERDICT,            /* live mode's verdict */
	OUT_FLOW_VERDICT,       /* replay's verdict of one flow */
	OUT_WOULD_DIE, OUT_CUT, OUT_SUMMARY,
	OUT_AUDIT_START,
	OUT_FINDING,            /* the audit's variant, idle-timeout, refresh, advice */
	OUT_MEASURE,            /* the audit's measurements: JSON only */
};

struct out_probe {
	unsigned n;             /* its number in the round, from 1 */
	unsigned round;         /* live: the round, from 1; replay: 0 (none) */
	uint32_t seq, ack, len;
	const char *error;      /* why it could not be sent, or NULL */
};

struct out_reply {
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

/* What replay read, for its summary. */
struct replay_totals {
	uint64_t frames, tcp, flows, flows_probed, probes, answered;
	uint64_t truncated, malformed, not_tcp;   /* frames skipped, by reason */
	uint64_t evicted;         /* flows dropped to stay under --max-flows */
	bool interrupted;         /* SIGINT or SIGTERM stopped the reading */
};

/* The audit: what one probe got, and from whom. */
enum ar_kind { AR_PENDING, AR_ACK, AR_RST, AR_ICMP, AR_NONE };

struct audit_reply {
	enum ar_kind kind;
	int ttl;              /* TTL / hop limit it arrived with */
	int hops;             /* routers between us and its sender */
	bool ts;              /* it carried TSopt */
	bool by_peer;         /* the peer sent it, not a box on the way */
	uint8_t from[16];
};

void out_init(struct output *o, FILE *f, bool json, bool quiet, ka_time t0);
/* From now on, collect events in buf (cap bytes) and write them when it is
 * full or at out_flush, not after every event.  buf must outlive o's use. */
void out_use_buffer(struct output *o, char *buf, size_t cap);
/* Write out the buffered events.  Returns false once a write has failed. */
bool out_flush(struct output *o);
/* Whether event e is printed (-q keeps only verdicts and summaries, and in
 * JSON the audit's findings) or goes to a report.  Callers use it to skip
 * the work of preparing an event nobody will see. */
bool out_shows(const struct output *o, enum out_event e);

void out_connect(struct output *o, ka_time t, const char *src, const char *dst,
		 const char *iface, bool ts, const struct ka_config *cfg);
void out_probe(struct output *o, ka_time t, const struct out_probe *p);
void out_reply(struct output *o, ka_time t, const struct out_reply *r);
/* Something seen and reported but not acted on, e.g. an RST not at
 * RCV.NXT (RFC 5961) or the peer closing its side. */
void out_notice(struct output *o, ka_time t, const char *event, const char *text);
/* A fatal error, in JSON only (people read it on stderr): a script
 * reading stdout learns why the run ended. */
void out_error(struct output *o, ka_time t, const char *text);
/* A segment or ICMP error seen and not acted on: reason is a word
 * ("bad-seq", ...), text a sentence with the rule's source. */
void out_ignored(struct output *o, ka_time t, const char *reason, const char *from,
		 const char *text);
/* The verdict; with m (replay), the flow's probe counts as well. */
void out_verdict(struct output *o, ka_time t, const char *verdict, const struct ka_machine *m);
/* Replay with timings given: when a stack with them would have given up. */
void out_would_die(struct output *o, ka_time t, const char *verdict);
/* Replay with --middlebox: the flow sat idle `gap` (no traffic but
 * keep-alives), longer than box's idle timeout; t is when the box dropped
 * it, unless keep-alives came often enough to refresh it (`refreshed`). */
void out_cut(struct output *o, ka_time t, const char *box, ka_time timeout, ka_time gap,
	     bool refreshed);
/* Live mode's summary; ignored: what was seen and not acted on. */
void out_summary(struct output *o, ka_time t, const struct ka_machine *m, uint32_t ignored);
void out_replay_summary(struct output *o, ka_time t, const char *file,
			const struct replay_totals *tot);
/* The audit's findings. */
void out_audit_start(struct output *o, const char *dst, const char *src, const char *iface);
/* tries: probes sent for it (a lost answer is asked again). */
void out_variant(struct output *o, ka_time t, const char *name, const struct audit_reply *r,
		 int family, unsigned tries);

/* One measurement of the idle-timeout search: a connection left idle for
 * `idle`, then probed.  JSON only (the "measure" event): people read the
 * bracket, the report draws each one. */
struct out_measure {
	double idle_s;              /* the idle its first probe left at */
	const struct audit_reply *r;   /* what the probes got (AR_NONE: nothing) */
	int family;
	unsigned round;             /* the search's round, from 1 */
	bool remeasure;             /* it re-measures an idle that contradicted the bracket */
};
void out_measure(struct output *o, ka_time t, const struct out_measure *m);

/* The idle-timeout finding. */
struct out_idle {
	const char *probe;          /* the kind the search sent */
	double alive_s, dead_s;     /* < 0: none (or not a finding: inconsistent) */
	int rfc5382;                /* 1 met, 0 not, -1 not tested that long */
	const struct audit_reply *expired;  /* what an expired flow got, or NULL */
	int family;
	unsigned agree, disagree;   /* measurements consistent with the bracket or not */
	unsigned discarded;         /* connections that could not prove themselves */
	double loss_pct;            /* answers that needed a retry */
	bool inconsistent;          /* re-measurement could not clear a contradiction */
};
void out_idle_timeout(struct output *o, ka_time t, const struct out_idle *r);
/* survived -1: not run, for the reason `skipped`. */
void out_refresh(struct output *o, ka_time t, int survived, double intvl_s, double duration_s,
		 const char *skipped);
/* note: why the values are only Linux's defaults, or NULL. */
void out_advice(struct output *o, ka_time t, long time_s, long intvl_s, long probes,
		const char *note);
struct out_audit_total {
	bool ok, interrupted;
	uint32_t ignored;           /* segments seen and not acted on */
	unsigned taken, discarded;  /* connections that proved themselves, or not */
	double loss_pct;
};
void out_audit_summary(struct output *o, ka_time t, const struct out_audit_total *tot);

/* Many connections: one connection's verdict, with its counts; reason
 * says why for "no-connection". */
void out_conn_verdict(struct output *o, ka_time t, const char *verdict, const char *reason,
		      const struct ka_machine *m);

struct out_conn_row {
	unsigned id;
	const char *dst, *verdict, *reason;   /* verdict NULL: still running */
	const struct ka_machine *m;
};
/* The end of a run over many connections: a table (JSON: a summary that
 * counts connections by verdict). */
void out_conn_table(struct output *o, ka_time t, const struct out_conn_row *rows, unsigned n,
		    uint32_t ignored);
/* The same table now, on SIGQUIT (always human, to f). */
void out_conn_status(FILE *f, const struct out_conn_row *rows, unsigned n);

/* The running statistics in one line, on SIGQUIT (always human, to f). */
void out_status(FILE *f, const struct ka_machine *m);

/* Whether writing failed (stdout closed): the caller then stops quietly. */
bool out_failed(struct output *o);

#endif
