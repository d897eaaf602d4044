/* flow.h - per-flow TCP sequence state, learned only from observed segments.
 *
 * For each direction of a flow, what Wireshark's TCP analysis tracks
 * (epan/dissectors/packet-tcp.c, tcp_analyze_sequence_number): the next
 * sequence number expected from that end, the last ack and window fields it
 * sent, and whether its last segment was a keep-alive.  Following Wireshark
 * to the letter is what makes kaprobe's probes the frames Wireshark labels
 * "TCP Keep-Alive", on any capture.  As there, a next seq of 0 means "not
 * yet known", so a flow picked up mid-stream learns it from its first
 * segment.  All comparisons are modulo 2^32 (seq.h).
 *
 * Direction 0 is the end that sent the first segment seen (in live mode,
 * the local end: kaprobe sees its own SYN first).
 */
#ifndef KAPROBE_FLOW_H
#define KAPROBE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/segment.h"

enum {
	FD_SEEN = 0x01,       /* a segment from this end was seen */
	FD_SYN = 0x02,        /* its SYN (or SYN-ACK) was seen */
	FD_TS = 0x04,         /* its SYN carried TSopt */
	FD_FIN = 0x08,        /* it sent a FIN */
	FD_KEEPALIVE = 0x10,  /* its last segment was a keep-alive */
	FD_RST = 0x20,        /* it sent an RST */
};

struct flow_dir {
	/* Wireshark's nextseq, for its labels only.  Wireshark takes 0 as
	 * "unknown", so when the real next seq wraps to exactly 0 its
	 * nextseq jumps to the end of the next segment, a probe's included,
	 * and drifts from the truth until data moves it on. */
	uint32_t nxt;
	/* The true next sequence number from this end: the furthest
	 * seq + len (+ SYN, FIN) of its segments, RSTs aside.  This is the
	 * SND.NXT probes are built from and answers are checked against. */
	uint32_t snd;
	uint32_t ack;    /* the ack field of its last segment */
	uint16_t win;    /* the window field of its last segment (unscaled) */
	uint8_t flags;   /* FD_* */
};

/* Wireshark adds the +1 of a SYN or FIN to its next seq only while the
 * direction has fewer than TCP_MAX_UNACKED_SEGMENTS (10,000) segments in
 * its list of unacknowledged ones (packet-tcp.c, tcp_analyze_sequence_number):
 * every segment with payload or SYN/FIN is added while the list is shorter,
 * and each segment from the other end removes the entries its ack field
 * covers.  Keeping that list would cost up to 10,000 entries a direction;
 * `unacked` keeps only its length, trimmed as if the entries spread evenly
 * between the other end's previous ack and this end's next seq.  That is
 * exact when nothing is acknowledged (a one-way capture, where the limit is
 * reached) and when everything is, and close in between, where the list
 * stays far below the limit. */
#define FLOW_MAX_UNACKED 10000

struct flow {
	struct flow_dir d[2];
	uint16_t unacked[2];  /* Wireshark's unacked-segment count, per end */
};

/* Wireshark's "TCP Keep-Alive": payload 0 or 1 byte, seq = that
 * direction's next seq - 1, none of SYN/FIN/RST.  The ACK flag is not
 * checked.  Ask before flow_update(). */
bool flow_is_probe(const struct flow *f, int dir, const struct segment *s);

/* Wireshark's "TCP Keep-Alive ACK": no payload, a non-zero window equal to
 * this direction's last, seq = its next seq, ack = its last ack, none of
 * SYN/FIN/RST, and the other direction's last segment was a keep-alive.
 * Ask before flow_update(). */
bool flow_is_probe_ack(const struct flow *f, int dir, const struct segment *s);

/* Whether the segment from direction dir acknowledges everything the other
 * direction has sent: ACK set and ack == the other end's true next seq. */
bool flow_acks_all(const struct flow *f, int dir, const struct segment *s);

/* Whether the segment carries data or a FIN beyond what this direction
 * had sent: something new for the receiver.  Ask before flow_update(). */
bool flow_is_new_data(const struct flow *f, int dir, const struct segment *s);

/* Whether the segment carries payload beyond what this direction had
 * sent: data, as an idle timer that counts data sees it (a keep-alive's
 * garbage byte and a retransmission are not new).  A direction not seen
 * yet has sent nothing known.  Ask before flow_update(). */
bool flow_is_new_payload(const struct flow *f, int dir, const struct segment *s);

/* Fold a TCP segment sent by end dir into the flow state. */
void flow_update(struct flow *f, int dir, const struct segment *s);

/* Whether both SYNs carried TSopt (timestamps negotiated, RFC 7323). */
bool flow_ts_negotiated(const struct flow *f);

#endif
