/* flow.h - per-flow TCP sequence state, learned only from observed segments.
 *
 * A flow has two directions.  For each, kaprobe tracks what a receiver on
 * the other side would know: the next sequence number expected from it
 * (SND.NXT as seen on the wire), the last ACK and window it sent, and its
 * timestamps.  All comparisons are modulo 2^32 (seq.h), so flows survive
 * wrap-around; a flow picked up mid-stream learns its state from the first
 * segment of each direction.
 *
 * In live mode direction 0 is the local end (kaprobe's own connection),
 * direction 1 the peer.  In replay, direction 0 is whichever end spoke first.
 */
#ifndef KAPROBE_FLOW_H
#define KAPROBE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "segment.h"

struct flow_dir {
	uint32_t isn;       /* initial sequence number, when its SYN was seen */
	uint32_t nxt;       /* next sequence number this end will send */
	uint32_t ack;       /* last acknowledgment number it sent */
	uint32_t tsval;     /* last TSval it sent */
	uint32_t tsecr;     /* last TSecr it sent */
	uint16_t win;       /* last window field it sent (unscaled) */
	uint8_t wscale;     /* window scale it announced in its SYN */
	uint8_t ttl;        /* TTL / hop limit of its last segment */
	bool seen;          /* any segment seen from this end */
	bool syn_seen;      /* its SYN (or SYN-ACK) was seen */
	bool has_wscale;    /* its SYN carried a window-scale option */
	bool has_ts;        /* its SYN carried TSopt */
	bool ack_seen;      /* ack holds a real value */
	bool fin_seen;
};

struct flow {
	struct flow_dir d[2];
};

/* Direction of a segment relative to a flow whose end 0 is (addr0, port0):
 * 0 when the segment was sent by end 0, else 1. */

/* Whether the segment from direction dir is a keep-alive probe by
 * Wireshark's rule (epan/dissectors/packet-tcp.c): payload 0 or 1 byte,
 * seq = that direction's next seq - 1, none of SYN/FIN/RST, and the
 * direction's next seq known.  Ask before flow_update(). */
bool flow_is_probe(const struct flow *f, int dir, const struct segment *s);

/* Whether the segment from direction dir acknowledges everything the other
 * direction has sent: ACK set and ack == other end's nxt. */
bool flow_acks_all(const struct flow *f, int dir, const struct segment *s);

/* Fold a segment sent by end dir into the flow state. */
void flow_update(struct flow *f, int dir, const struct segment *s);

/* Whether both SYNs carried TSopt (timestamps negotiated, RFC 7323). */
bool flow_ts_negotiated(const struct flow *f);

#endif
