/* reasm.h - IPv4 and IPv6 fragment reassembly, as the kernel receiving the
 * fragments would do it, for replay (live mode leaves it to the kernel).
 *
 * Fragments are handed in one at a time with their capture time; a
 * datagram comes out whole, its fragment fields gone, when its last
 * missing piece arrives.  The rules are Linux's (net/ipv4/ip_fragment.c,
 * net/ipv6/reassembly.c, net/ipv4/inet_fragment.c):
 *
 *   - a datagram is keyed on its addresses, its identification, IPv4's
 *     protocol, and the tunnels crossed to reach it (`ctx`);
 *   - a fragment lying wholly inside bytes already held (in one fragment,
 *     or a run of fragments that arrived in order back to back) is a
 *     duplicate: ignored, the datagram kept (IPFRAG_DUP); any other
 *     overlap drops the whole datagram (IPFRAG_OVERLAP: RFC 5722 for IPv6,
 *     Linux 4.19 and later for IPv4), as do an empty fragment, a last
 *     fragment whose end disagrees with bytes or another last fragment
 *     held, and a datagram longer than 65,535 bytes (IPv4 total length,
 *     IPv6 payload length);
 *   - an IPv4 fragment with more to come is cut to a multiple of 8 bytes;
 *     an IPv6 one that is not a multiple is malformed (RFC 8200 4.5);
 *   - a datagram not complete REASM_TIMEOUT_US after its first fragment
 *     is given up (ipfrag_time, 30 s), judged when the next fragment
 *     comes and at the end;
 *   - at most REASM_MAX_BYTES are held (ipfrag_high_thresh, 4 MB: the
 *     fragments' bytes and this module's own records), in at most
 *     REASM_MAX_DGRAMS datagrams; a fragment that does not fit is dropped,
 *     as the kernel drops every fragment while over the threshold.
 *
 * Not modelled: IPv4's ipfrag_max_dist (a queue restarted when 64 other
 * fragments from its source came in between), and the kernel's per-netns
 * sharing of the memory (one capture is one pool here).
 *
 * Frames are accounted, for replay's summary: `merged` counts fragment
 * frames folded into a datagram that completed (the datagram itself is the
 * completing frame's), `lost` the fragment frames of datagrams given up or
 * of fragments dropped.  Memory is allocated on the first fragment only:
 * a capture without fragments costs nothing.
 */
#ifndef KAPROBE_REASM_H
#define KAPROBE_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "util/ktime.h"

#define REASM_MAX_BYTES  (4u << 20)            /* ipfrag_high_thresh */
#define REASM_MAX_DGRAMS 4096u
#define REASM_TIMEOUT_US (30 * 1000000LL)      /* ipfrag_time */
#define REASM_MAX_LEN    65535u                /* IP_MAX_MTU, IPV6_MAXPLEN */

enum reasm_result {
	REASM_HELD,     /* kept; the datagram is not complete yet */
	REASM_DONE,     /* the datagram is complete: *out, *outlen */
	REASM_DUP,      /* a duplicate: ignored (the datagram is kept) */
	REASM_DROPPED,  /* its datagram given up: overlap, too big, bad end */
	REASM_FULL,     /* no room under the limits: this fragment dropped */
	REASM_BAD,      /* malformed: header checksum, lengths, not a fragment */
	REASM_TRUNC,    /* not captured whole (snaplen): cannot be used */
};

struct reasm_dgram;

struct reasm_limits {
	size_t max_bytes;
	uint32_t max_dgrams;
	ka_time timeout;
};

struct reasm {
	struct reasm_limits lim;
	struct reasm_dgram **bucket;   /* hash chains; NULL until a fragment */
	struct reasm_dgram *oldest, *newest;   /* in order of creation */
	uint8_t *out;                  /* the last datagram completed */
	size_t bytes;                  /* held, as counted against max_bytes */
	uint32_t n;                    /* datagrams in progress */
	uint64_t merged, lost;         /* frames (see above) */
	/* By cause: datagrams timed out, overlapping or with disagreeing ends,
	 * too long; fragments with no room. */
	uint64_t timeouts, corrupt, oversize, full;
};

/* Set up with these limits (NULL: the kernel's defaults above).  Nothing
 * is allocated yet. */
void reasm_init(struct reasm *r, const struct reasm_limits *lim);

/* Free everything held; the datagrams in progress are not counted. */
void reasm_free(struct reasm *r);

/* Add the fragment whose IP header (v4 or v6, by its version) is at ip,
 * `cap` bytes of it captured and `rep` on the wire, captured at time t,
 * after tunnels `ctx` (segment.h's tunnel id).  On REASM_DONE, *out (valid
 * until the next call) holds the whole datagram, *outlen bytes.  Datagrams
 * older than the timeout are given up first.  A fragment is counted in
 * `merged` or `lost` when its datagram's fate is known; REASM_BAD and
 * REASM_TRUNC fragments are the caller's to count. */
enum reasm_result reasm_add(struct reasm *r, ka_time t, uint32_t ctx, const uint8_t *ip,
			    size_t cap, size_t rep, const uint8_t **out, size_t *outlen);

/* Give up every datagram older than the timeout at time t (t < 0: every
 * datagram, at the end of a capture). */
void reasm_expire(struct reasm *r, ka_time t);

#endif
