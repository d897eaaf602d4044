/* classify.h - what an inbound segment or ICMP error means for a connection,
 * by the kernel's own acceptance rules.
 *
 * Pure: the connection's state and one decoded segment in, a kind out.  The
 * engine asks it about every segment the capture hands it for a connection
 * that kaprobe probes, so a forged or stray packet is ignored (and counted)
 * in one place for live mode, the audit and every later command.  Each rule
 * names the RFC and the Linux function it follows; docs/ANSWERS.md says the
 * same for users.
 *
 * Only segments from the peer's address and port to ours, and ICMP errors
 * addressed to us that quote our 4-tuple, reach here: the engine's demux by
 * 4-tuple has already sorted the capture.
 */
#ifndef KAPROBE_CLASSIFY_H
#define KAPROBE_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/flow.h"
#include "decode/gate.h"
#include "decode/segment.h"

/* A probe kaprobe sent on the connection: what an ICMP error must quote. */
struct cl_probe {
	uint32_t seq, ack;
};

/* The receiving side's view of one established connection. */
struct cl_conn {
	const struct flow *flow;   /* d[0]: us (SND.*), d[1]: the peer (RCV.NXT) */
	uint32_t rcv_wnd;          /* the window we advertise, in bytes (scaled) */
	uint32_t max_snd_wnd;      /* the largest window the peer advertised (scaled) */
	bool ts;                   /* timestamps negotiated (RFC 7323) */
	uint32_t ts_recent;        /* TS.Recent: the peer's TSval last accepted */
	const struct cl_probe *sent; /* probes sent lately, any order */
	unsigned nsent;
};

enum cl_kind {
	/* Accepted, as the kernel accepts them. */
	CL_ANSWER,          /* an acceptable ACK of SND.NXT: answers the probes out */
	CL_DATA,            /* acceptable, with new data or a FIN */
	CL_ACCEPTED,        /* acceptable but no answer (an old ack, a window update) */
	CL_RESET,           /* an RST at exactly RCV.NXT */
	CL_ICMP_ERROR,      /* an ICMP error quoting what was really sent */
	/* Seen, reported, not acted on. */
	CL_RST_UNTRUSTED,   /* an RST in the window but not at RCV.NXT */
	CL_SYN_AGAIN,       /* a SYN (a retransmitted SYN-ACK) after the handshake */
	CL_IGN_SEQ,         /* outside the receive window */
	CL_IGN_ACK,         /* acks data never sent, or older than the window allows */
	CL_IGN_PAWS,        /* a TSval older than TS.Recent */
	CL_IGN_NO_ACK,      /* neither ACK nor RST nor SYN */
	CL_IGN_RST,         /* an RST outside the window */
	CL_IGN_ICMP_UNMATCHED, /* quotes nothing kaprobe sent */
	CL_IGN_ICMP_NOT_ERROR, /* source quench, fragmentation needed / packet too big */
	/* Dropped before TCP or ICMP sees them (decode/gate.h). */
	CL_DROP_CSUM,       /* a bad IPv4 header, TCP or ICMP checksum */
	CL_DROP_LEN,        /* an IP length 0 or longer than the frame */
	CL_DROP_FRAG,       /* a fragment, acted on once reassembled */
	CL_DROP_OTHERHOST,  /* sent to another link address */
};

/* The kind for what the gate dropped (not GATE_PASS). */
enum cl_kind classify_gate(enum gate_drop d);

/* A TCP segment from the peer. */
enum cl_kind classify_segment(const struct cl_conn *c, const struct segment *s);

/* An ICMP or ICMPv6 error quoting our 4-tuple (s->kind == SEG_ICMP_ERR).
 * *hard tells a hard error from a soft one for CL_ICMP_ERROR. */
enum cl_kind classify_icmp(const struct cl_conn *c, const struct segment *s, bool *hard);

/* Who sent an accepted reply.  The peer answers with its SYN-ACK's TTL (or
 * hop limit) from its own address and, on a connection with timestamps,
 * with TSopt on every non-RST segment (RFC 7323 3.2); anything else came
 * from a box on the way that speaks for it (a firewall answering probes
 * itself, a router's ICMP error).  *hops: routers between us and the
 * sender, from the smallest common initial TTL (64, 128, 255) at or above
 * the one seen. */
bool classify_by_peer(uint8_t synack_ttl, bool ts, const uint8_t raddr[16],
		      const struct segment *s, int *hops);

/* Whether the kind counts as ignored: seen and not acted on. */
static inline bool classify_ignored(enum cl_kind k) { return k >= CL_RST_UNTRUSTED; }

/* The word for an ignored kind in events ("bad-seq", ...), or NULL. */
const char *classify_reason(enum cl_kind k);

/* A sentence on why, for people. */
const char *classify_why(enum cl_kind k);

#endif
