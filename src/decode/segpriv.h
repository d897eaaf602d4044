/* segpriv.h - what the decoder's three files share; not an API.
 *
 *   segment.c    IP, TCP and ICMP, and the entry points
 *   seglink.c    link-layer headers, one per link type
 *   segtunnel.c  tunnels: UDP (VXLAN, Geneve, GTP-U), GRE and ERSPAN,
 *                IP in IP, MPLS, PPPoE
 *
 * Every layer gets a pointer to its first byte, `cap` (bytes captured from
 * there) and `rep` (bytes there on the wire, as Wireshark's "reported
 * length"; rep >= cap).  A layer checks `cap` before each read and hands the
 * next layer at most what it had, so no read can pass the captured bytes.
 * `rep` only matters where an IP length field says 0 (TSO, BIG TCP).
 */
#ifndef KAPROBE_SEGPRIV_H
#define KAPROBE_SEGPRIV_H

#include "decode/segment.h"

#define ETHERTYPE_IPV4   0x0800
#define ETHERTYPE_IPV6   0x86dd

/* Frames are not aligned, and casting them to structs would be undefined
 * behaviour: multi-byte fields are read byte by byte. */
static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t rd16le(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t rd32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* segment.c */
enum seg_result seg_ipv4(const uint8_t *p, size_t cap, size_t rep, struct segment *out);
enum seg_result seg_ipv6(const uint8_t *p, size_t cap, size_t rep, struct segment *out);
/* Walk the extension headers after an IPv6 header (RFC 8200 4: Hop-by-Hop,
 * Routing, Destination Options, Fragment; and AH).  `*nh` is the first
 * Next Header; on SEG_OK it is the upper-layer protocol and `*off` its
 * offset from `p`.  Headers running past `limit` (the declared payload
 * length) are malformed; past `cap` (captured) truncated; every read is
 * checked against `cap` first.  Each header is at least 8 bytes, so the
 * walk ends within limit/8 steps.  A later fragment is SEG_SKIP (no upper
 * header in it); *frag (when not NULL) is set when a Fragment header was
 * met, first fragment or later. */
enum seg_result seg_ipv6_ext(const uint8_t *p, size_t cap, size_t limit, uint8_t *nh,
			     size_t *off, bool *frag);
/* The Jumbo Payload option's length (RFC 2675 3) in a Hop-by-Hop header
 * right after the IPv6 header at p, or 0 when there is none. */
size_t seg_ipv6_jumbo(const uint8_t *p, size_t cap);
/* Raw IP: the version nibble says which. */
enum seg_result seg_ip_any(const uint8_t *p, size_t cap, size_t rep, struct segment *out);

/* seglink.c */
/* The payload of an Ethernet-style type field, with any VLAN tags in front
 * of it skipped. */
enum seg_result seg_ethertype(uint16_t type, const uint8_t *p, size_t cap, size_t rep,
			      struct segment *out);
/* An Ethernet frame from its destination address. */
enum seg_result seg_ether(const uint8_t *p, size_t cap, size_t rep, struct segment *out);
/* Every link type but the ones seg_decode_ex handles itself. */
enum seg_result seg_link(int linktype, const uint8_t *p, size_t cap, size_t rep,
			 struct segment *out);
bool seg_link_known(int linktype);
/* A PPP frame, its HDLC address and control bytes and a compressed
 * protocol field allowed (PPP links, PPTP's GRE). */
enum seg_result seg_ppp(const uint8_t *p, size_t cap, size_t rep, struct segment *out);
/* A PPP protocol number's packet (PPP links, PPPoE). */
enum seg_result seg_ppp_proto(uint16_t proto, const uint8_t *p, size_t cap, size_t rep,
			      struct segment *out);

/* segtunnel.c */
/* An IP payload that is not TCP or ICMP: UDP, GRE or IP, when a tunnel. */
enum seg_result seg_ip_tunnel(uint8_t proto, const uint8_t *p, size_t cap, size_t rep,
			      struct segment *out);
/* An Ethernet type that is a tunnel or a shim: MPLS, PPPoE, bridged
 * Ethernet (0x6558). */
enum seg_result seg_ether_tunnel(uint16_t type, const uint8_t *p, size_t cap, size_t rep,
				 struct segment *out);

#endif
