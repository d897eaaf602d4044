/* segment.h - decode one captured frame into the few fields kaprobe needs.
 *
 * The decoder is pure: bytes in, struct out, no allocation, no I/O.  It
 * understands the link types libpcap gives on Linux and in saved captures
 * (seglink.c lists them), IPv4 and IPv6 (extension headers skipped), TCP,
 * ICMP/ICMPv6 errors that quote a TCP header, and the tunnels that carry
 * them (segtunnel.c: VXLAN, Geneve, GRE and ERSPAN, PPTP, WCCP, GTP-U,
 * L2TPv2, Teredo, MPLS, PPPoE, IP in IP).
 *
 * Payload length always comes from the IP header, never from the captured
 * length, so a capture cut short by a small snaplen still gives true lengths.
 * An IP length of 0 (TSO and BIG TCP super-segments on the sender) is taken
 * from the frame's length on the wire, as Wireshark does; an IPv6 jumbogram
 * from its Jumbo Payload option (RFC 2675).
 */
#ifndef KAPROBE_SEGMENT_H
#define KAPROBE_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* TCP flag bits, as in the header's 13th byte. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20

enum seg_kind {
	SEG_TCP,      /* a TCP segment */
	SEG_ICMP_ERR, /* an ICMP/ICMPv6 error quoting a TCP segment */
};

struct tcp_opts {
	bool has_mss, has_wscale, sack_perm, has_ts, has_sack;
	bool truncated;  /* options ran past the captured bytes */
	bool skipped;    /* not parsed: the caller passed SEG_NO_OPTIONS */
	uint16_t mss;
	uint8_t wscale;
	uint32_t tsval, tsecr;
	uint8_t len;     /* bytes of options: data offset*4 - 20 */
};

/* The fields are ordered to leave no hole a 4-byte field could fill: the
 * struct is zeroed for every frame, and past 132 bytes that zeroing alone
 * made replay 4% slower (the pointer in front is set, not zeroed). */
struct segment {
	/* The innermost IP header in the frame decoded (for SEG_ICMP_ERR the
	 * ICMP packet's): what seg_gate (gate.h) checks.  Valid while the
	 * frame is.  Set for every frame decoded; the rest, from `kind` to
	 * `qlen` (SEG_ZEROED bytes), is zeroed first. */
	const uint8_t *ip;
	enum seg_kind kind;
	int family;               /* AF_INET or AF_INET6 */
	/* IP header (inside tunnels, the innermost).  For SEG_ICMP_ERR, src
	 * is the reporting router. */
	uint8_t src[16], dst[16]; /* IPv4 uses the first 4 bytes */
	uint8_t ttl;              /* TTL, or hop limit for IPv6 */
	bool df;                  /* IPv4 Don't Fragment */
	uint16_t ip_id;           /* IPv4 only */
	uint32_t flowlabel;       /* IPv6 only: the 20-bit flow label */

	/* The tunnels crossed to reach the IP header above, 0 for none: a
	 * 32-bit hash of each one's kind and key (VXLAN or Geneve VNI, GRE
	 * key, ERSPAN session, GTP-U TEID, L2TP ids, PPPoE session), so that
	 * the same inner 4-tuple in two tunnels is two flows.  `encap`,
	 * below, counts them. */
	uint32_t tunnel;

	/* TCP header.  For SEG_ICMP_ERR, the quoted segment's fields: addresses
	 * in qsrc/qdst (same family as the outer header), ports and seq here,
	 * ack/flags/win/len as far as the quote reaches, else 0. */
	uint8_t qsrc[16], qdst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint8_t encap;            /* tunnels crossed (see tunnel) */
	uint16_t win;             /* as sent: not scaled */
	uint32_t len;             /* payload bytes, from the IP header */
	struct tcp_opts opt;

	uint8_t icmp_type, icmp_code;
	/* SEG_ICMP_ERR: bytes of the quote captured, from the quoted IP
	 * header on (the datagram's end, past any link trailer: the IP
	 * length bounds it).  It fills what was padding. */
	uint16_t qlen;
	/* seg_decode_ex's flags, carried down the layers (set, not zeroed,
	 * for every frame: it fills what was padding). */
	uint8_t dflags;
};

#define SEG_ZEROED (offsetof(struct segment, qlen) + sizeof(uint16_t) - \
		    offsetof(struct segment, kind))

/* At most this many tunnels are crossed: deeper nesting is not decoded. */
#define SEG_MAX_ENCAP 8

enum seg_result {
	SEG_OK = 0,
	SEG_SKIP,   /* well-formed but not for us: ARP, UDP, ICMP echo... */
	SEG_TRUNC,  /* cut short before the TCP header (or quoted ports) */
	SEG_BAD,    /* malformed header: bad version, length, offset */
	SEG_LINK,   /* link type not supported */
	SEG_FRAG,   /* with SEG_REASM: an IP fragment, its header at out->ip */
};

/* seg_decode_ex flags. */
#define SEG_NO_OPTIONS 0x1   /* leave TCP options unparsed (replay needs none) */
/* Stop at the first IP fragment, at whatever depth, and answer SEG_FRAG
 * with out->ip at its header and out->tunnel and out->encap saying the
 * tunnels crossed to reach it: for reassembly (reasm.h), whose datagram
 * seg_decode_ip then decodes.  Without it, a first fragment is decoded as
 * far as it goes and a later one is SEG_SKIP (live mode: the kernel
 * reassembles, and seg_gate says GATE_FRAG). */
#define SEG_REASM 0x2

/* Decode one frame of the given DLT_* link type.  Returns SEG_OK and fills
 * *out, or another seg_result saying why the frame was not decoded (then
 * *out holds nothing to rely on).  The frame is taken as whole on the wire
 * (an IP length of 0 then means the captured length). */
enum seg_result seg_decode(int linktype, const uint8_t *frame, size_t caplen,
			   struct segment *out);

/* The same, with SEG_* flags and the frame's length on the wire (pcap's
 * `len`; taken as caplen if smaller). */
enum seg_result seg_decode_ex(int linktype, const uint8_t *frame, size_t caplen,
			      size_t wirelen, struct segment *out, unsigned flags);

/* A whole IP datagram (reassembled) found after the tunnels tunnel and
 * encap: decoded as it would have been inside its frame. */
enum seg_result seg_decode_ip(const uint8_t *ip, size_t len, uint32_t tunnel, uint8_t encap,
			      struct segment *out, unsigned flags);

/* Whether the decoder knows this DLT_* link type. */
bool seg_linktype_supported(int linktype);

/* Human name of a seg_result, for error counts. */
const char *seg_result_name(enum seg_result r);

/* Address length for a family: 4 or 16. */
static inline size_t seg_addrlen(int family) { return family == AF_INET6 ? 16 : 4; }

#endif
