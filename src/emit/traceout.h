/* traceout.h - what `kaprobe trace` reports, for people (a traceroute-like
 * table) or as JSON lines (the "hop", "fate" and "trace-summary" events),
 * each event's two forms side by side as in output.c. */
#ifndef KAPROBE_TRACEOUT_H
#define KAPROBE_TRACEOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emit/output.h"

/* The most --variant kinds a trace sends besides the standard two. */
#define TRACE_MAX_VARIANTS 8

/* What one probe got: a reply or nothing. */
enum tr_reply { TR_NONE, TR_ACK, TR_RST, TR_ICMP };

struct tr_answer {
	enum tr_reply reply;
	int family;
	uint8_t from[16];
	ka_time rtt;
	int hops;                  /* routers between us and its sender */
	bool by_peer;
	int type, code;            /* TR_ICMP */
	size_t quoted;             /* TR_ICMP: bytes of the probe it quoted */
	bool compared;             /* the quote was found and compared */
	uint32_t changed;          /* 1 << enum quote_field, when compared */
};

void tout_start(struct output *o, const char *dst, const char *src, const char *iface,
		const char *variant, unsigned max_hops);
/* One TTL's answer (reply TR_NONE: no answer after `tries` probes). */
void tout_hop(struct output *o, ka_time t, int ttl, const struct tr_answer *a,
	      unsigned tries);
/* A probe kind at full TTL; last_hop: for one lost, the highest hop that
 * quoted it (0: none did), else -1. */
void tout_fate(struct output *o, ka_time t, const char *variant, const struct tr_answer *a,
	       int last_hop, const uint8_t *last_from);
/* A hop's idle timeout (kaprobe trace --timeouts). */
struct tr_timeout {
	int hop, family;
	uint8_t from[16];
	bool answers;              /* the hop answered the hop trace: from is its */
	bool masked;               /* hop+1 never answers: not measurable */
	ka_time alive, dead;       /* the bracket (0: none) */
	struct tr_answer expired;  /* what a full probe got once it expired */
	unsigned measurements, disagree, discarded;
};
void tout_hop_timeout(struct output *o, ka_time t, const struct tr_timeout *r,
		      ka_time max_idle);
/* ok: the standard probes reach the peer; forgets: a hop forgets idle
 * flows within --max-idle (-1: not asked). */
void tout_summary(struct output *o, ka_time t, bool ok, int forgets, bool interrupted,
		  uint32_t ignored);

#endif
