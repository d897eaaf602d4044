/* segtunnel.c - the tunnels TCP is found in (segpriv.h): VXLAN (UDP 4789
 * and Linux's 8472), Geneve (6081), GTP-U (2152), L2TPv2 (1701), Teredo
 * (3544), GRE with ERSPAN types I,
 * II and III, bridged Ethernet, PPTP's PPP and WCCP redirection (with
 * checksums, keys, sequence numbers, routing), IP in IP (4in4, 6in4, 4in6,
 * 6in6), MPLS label stacks and PPPoE sessions.  Cloud traffic mirroring delivers
 * VXLAN, Geneve and GRE/ERSPAN.
 *
 * Each tunnel crossed is mixed into out->tunnel with its key, so the flow
 * table can tell the same inner 4-tuple in two tunnels apart; at most
 * SEG_MAX_ENCAP are crossed, which also bounds the recursion.
 */
#include <string.h>

#include "decode/segpriv.h"

enum tunnel_kind {
	TK_IP = 1, TK_VXLAN, TK_GENEVE, TK_GTPU, TK_GRE, TK_ERSPAN, TK_MPLS, TK_PPPOE,
	TK_L2TP, TK_TEREDO,
};

#define IPPROTO_N_IPIP 4
#define IPPROTO_N_IPV6 41
#define IPPROTO_N_UDP  17
#define IPPROTO_N_GRE  47

#define ETHERTYPE_TEB       0x6558 /* transparent Ethernet bridging */
#define ETHERTYPE_MPLS      0x8847
#define ETHERTYPE_MPLS_MC   0x8848
#define ETHERTYPE_PPPOE     0x8864 /* session stage; 0x8863 discovery */
#define ETHERTYPE_ERSPAN    0x88be /* types I and II */
#define ETHERTYPE_ERSPAN3   0x22eb
#define ETHERTYPE_PPP       0x880b /* PPTP */
#define ETHERTYPE_WCCP      0x883e

#define UDP_VXLAN       4789
#define UDP_VXLAN_LINUX 8472  /* Linux's default before IANA's */
#define UDP_GENEVE      6081
#define UDP_GTPU        2152
#define UDP_L2TP        1701
#define UDP_TEREDO      3544

/* One more level of nesting, or false past SEG_MAX_ENCAP.  The outer IP
 * header's fields are cleared, so that an inner IPv4 header leaves no
 * IPv6 address bytes behind it (addresses are compared as 16 bytes), nor
 * an inner IPv6 header an IPv4 ID: the IP layer need not check. */
static bool deeper(struct segment *out)
{
	if (out->encap >= SEG_MAX_ENCAP)
		return false;
	out->encap++;
	memset(out->src, 0, sizeof out->src);
	memset(out->dst, 0, sizeof out->dst);
	out->ip_id = 0;
	out->df = false;
	out->flowlabel = 0;
	return true;
}

/* Cross a tunnel: mix its kind and key into the tunnel id, which stays
 * non-zero once any tunnel is crossed. */
static bool enter(struct segment *out, enum tunnel_kind kind, uint32_t key)
{
	uint64_t h;

	if (!deeper(out))
		return false;
	h = ((uint64_t)out->tunnel * 0x100000001b3ull) ^ ((uint64_t)kind << 32 | key);
	h *= 0x9e3779b97f4a7c15ull;
	out->tunnel = (uint32_t)(h >> 32) ? (uint32_t)(h >> 32) : 1;
	return true;
}

/* ---- over UDP ---------------------------------------------------------------- */

/* VXLAN (RFC 7348): flags(1) reserved(3) VNI(3) reserved(1), then an
 * Ethernet frame.  Like Wireshark, the flags are not checked. */
static enum seg_result vxlan(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	if (cap < 8)
		return SEG_TRUNC;
	if (!enter(out, TK_VXLAN, rd32(p + 4) >> 8))
		return SEG_SKIP;
	return seg_ether(p + 8, cap - 8, rep - 8, out);
}

/* Geneve (RFC 8926): version and option length(1) flags(1) protocol(2)
 * VNI(3) reserved(1), options, then the protocol's packet. */
static enum seg_result geneve(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	size_t hlen;

	if (cap < 8)
		return SEG_TRUNC;
	if (p[0] >> 6 != 0)
		return SEG_SKIP; /* a version after 0 */
	hlen = 8 + (size_t)(p[0] & 0x3f) * 4;
	if (hlen > rep)
		return SEG_BAD;
	if (cap < hlen)
		return SEG_TRUNC;
	if (!enter(out, TK_GENEVE, rd32(p + 4) >> 8))
		return SEG_SKIP;
	return seg_ethertype(rd16(p + 2), p + hlen, cap - hlen, rep - hlen, out);
}

/* GTP-U (3GPP TS 29.281): flags(1) type(1) length(2) TEID(4); a sequence
 * number, N-PDU number and next extension type(4) when any of E, S, PN is
 * set; extension headers (length in 4-byte units, the last byte naming the
 * next).  A G-PDU (type 255) carries an IP packet. */
static enum seg_result gtpu(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	size_t off = 8;

	if (cap < 8)
		return SEG_TRUNC;
	if ((p[0] & 0xf0) != 0x30 || p[1] != 0xff)
		return SEG_SKIP; /* not version 1 GTP, or not a G-PDU */
	if (p[0] & 0x07) {
		uint8_t next;

		if (cap < 12)
			return SEG_TRUNC;
		next = p[11];
		off = 12;
		while (next) {
			size_t elen;

			if (cap < off + 1)
				return SEG_TRUNC;
			elen = (size_t)p[off] * 4;
			if (elen == 0 || off + elen > rep)
				return SEG_BAD;
			if (cap < off + elen)
				return SEG_TRUNC;
			next = p[off + elen - 1];
			off += elen;
		}
	}
	if (!enter(out, TK_GTPU, rd32(p + 4)))
		return SEG_SKIP;
	return seg_ip_any(p + off, cap - off, rep - off, out);
}

#define L2TP_T   0x8000  /* a control message */
#define L2TP_L   0x4000  /* length present */
#define L2TP_S   0x0800  /* Ns and Nr present */
#define L2TP_O   0x0200  /* offset size present */
#define L2TP_VER 0x000f

/* L2TPv2 (RFC 2661 3.1): flags and version(2), length(2) with L, tunnel
 * and session ids(2+2), Ns and Nr(2+2) with S, offset size(2) and that
 * much padding with O; then a PPP frame.  Control messages and other
 * versions carry no TCP. */
static enum seg_result l2tp(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	uint16_t fv;
	uint32_t ids;
	size_t off;

	if (cap < 2)
		return rep < 2 ? SEG_BAD : SEG_TRUNC;
	fv = rd16(p);
	if ((fv & L2TP_T) || (fv & L2TP_VER) != 2)
		return SEG_SKIP;
	off = (fv & L2TP_L) ? 4 : 2;
	if (cap < off + 4)
		return rep < off + 4 ? SEG_BAD : SEG_TRUNC;
	ids = rd32(p + off);  /* tunnel id, session id: the key */

	off += 4 + ((fv & L2TP_S) ? 4 : 0);
	if (fv & L2TP_O) {
		if (cap < off + 2)
			return rep < off + 2 ? SEG_BAD : SEG_TRUNC;
		off += 2 + (size_t)rd16(p + off);
	}
	if (off >= rep)
		return off > rep ? SEG_BAD : SEG_SKIP;   /* no payload */
	if (cap < off)
		return SEG_TRUNC;
	if (!enter(out, TK_L2TP, ids))
		return SEG_SKIP;
	return seg_ppp(p + off, cap - off, rep - off, out);
}

/* Teredo (RFC 4380 5.1.1): an IPv6 packet, after an authentication
 * indicator (type 1: id length(1) auth length(1), the id, the value, a
 * nonce(8), confirmation(1)) and an origin indication (type 0: port(2)
 * address(4)), each optional, in that order. */
static enum seg_result teredo(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	size_t off = 0;

	if (cap >= 4 && rd16(p) == 1)
		off = 4 + (size_t)p[2] + p[3] + 9;
	if (cap >= off + 2 && rd16(p + off) == 0)
		off += 8;
	if (off > rep)
		return SEG_BAD;
	if (cap < off + 1)
		return rep < off + 1 ? SEG_BAD : SEG_TRUNC;
	if (p[off] >> 4 != 6)
		return SEG_SKIP;  /* a bubble's or another packet */
	if (!enter(out, TK_TEREDO, 0))
		return SEG_SKIP;
	return seg_ipv6(p + off, cap - off, rep - off, out);
}

static bool tunnel_port(uint16_t port)
{
	return port == UDP_VXLAN || port == UDP_VXLAN_LINUX || port == UDP_GENEVE ||
	       port == UDP_GTPU || port == UDP_L2TP || port == UDP_TEREDO;
}

/* A UDP datagram: a tunnel when the lower port, or else the higher, is a
 * tunnel's, which is the order Wireshark's decode_udp_ports tries them. */
static enum seg_result udp(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	uint16_t sport, dport, lo, hi, port;
	size_t ulen;

	if (cap < 8)
		return rep < 8 ? SEG_BAD : SEG_TRUNC;
	sport = rd16(p);
	dport = rd16(p + 2);
	lo = sport < dport ? sport : dport;
	hi = sport < dport ? dport : sport;
	port = tunnel_port(lo) ? lo : tunnel_port(hi) ? hi : 0;
	if (!port)
		return SEG_SKIP;
	ulen = rd16(p + 4);
	if (ulen < 8 || ulen > rep)
		return SEG_BAD;
	p += 8;
	ulen -= 8;
	cap = min_size(cap - 8, ulen);
	switch (port) {
	case UDP_GENEVE:
		return geneve(p, cap, ulen, out);
	case UDP_GTPU:
		return gtpu(p, cap, ulen, out);
	case UDP_L2TP:
		return l2tp(p, cap, ulen, out);
	case UDP_TEREDO:
		return teredo(p, cap, ulen, out);
	default:
		return vxlan(p, cap, ulen, out);
	}
}

/* ---- GRE ----------------------------------------------------------------------- */

#define GRE_C 0x8000  /* checksum (and offset) present */
#define GRE_R 0x4000  /* routing present (RFC 1701, obsolete) */
#define GRE_K 0x2000  /* key present */
#define GRE_S 0x1000  /* sequence number present */
#define GRE_A 0x0080  /* PPTP: acknowledgment number present */
#define GRE_VER 0x0007

/* ERSPAN, the mirrored frame in GRE.  Type I has no header and GRE no
 * sequence number; type II (GRE with a sequence number) an 8-byte header;
 * type III (its own protocol type) 12 bytes and, with the O flag, an
 * 8-byte platform header.  Types II and III carry a 10-bit session id. */
static enum seg_result erspan(uint16_t type, bool gre_seq, const uint8_t *p, size_t cap,
			      size_t rep, struct segment *out)
{
	size_t hlen = type == ETHERTYPE_ERSPAN3 ? 12 : 8;

	if (type == ETHERTYPE_ERSPAN && !gre_seq) {
		if (!enter(out, TK_ERSPAN, 0))
			return SEG_SKIP;
		return seg_ether(p, cap, rep, out);
	}
	if (cap < hlen)
		return rep < hlen ? SEG_BAD : SEG_TRUNC;
	if (type == ETHERTYPE_ERSPAN3) {
		if ((p[10] >> 2 & 0x1f) != 0)
			return SEG_SKIP; /* not an Ethernet frame */
		if (p[11] & 0x01)
			hlen += 8;
		if (cap < hlen)
			return rep < hlen ? SEG_BAD : SEG_TRUNC;
	}
	if (!enter(out, TK_ERSPAN, rd16(p + 2) & 0x3ff))
		return SEG_SKIP;
	return seg_ether(p + hlen, cap - hlen, rep - hlen, out);
}

/* RFC 1701's source routing: entries of address family(2) offset(1)
 * length(1) and `length` bytes, up to the null one (family and length 0).
 * Each entry moves *off on by at least 4, so the walk ends. */
static enum seg_result gre_routes(const uint8_t *p, size_t cap, size_t rep, size_t *off)
{
	for (;;) {
		bool null;

		if (*off + 4 > rep)
			return SEG_BAD;
		if (*off + 4 > cap)
			return SEG_TRUNC;
		null = rd16(p + *off) == 0 && p[*off + 3] == 0;
		*off += 4 + (size_t)p[*off + 3];
		if (null)
			return SEG_OK;
	}
}

/* What GRE carries, by its protocol type.  PPTP's PPP frames may be bare
 * acknowledgements, with no payload.  WCCP redirection carries IPv4, after
 * WCCPv2's 4-byte redirect header when the first byte is not IPv4's (the
 * test Wireshark's packet-gre.c makes). */
static enum seg_result gre_payload(uint16_t proto, bool gre_seq, const uint8_t *p, size_t cap,
				   size_t rep, struct segment *out)
{
	size_t skip;

	switch (proto) {
	case ETHERTYPE_ERSPAN:
	case ETHERTYPE_ERSPAN3:
		return erspan(proto, gre_seq, p, cap, rep, out);
	case ETHERTYPE_PPP:
		return rep == 0 ? SEG_SKIP : seg_ppp(p, cap, rep, out);
	case ETHERTYPE_WCCP:
		if (cap < 1)
			return rep < 1 ? SEG_BAD : SEG_TRUNC;
		skip = p[0] >> 4 != 4 ? 4 : 0;
		if (cap < skip)
			return rep < skip ? SEG_BAD : SEG_TRUNC;
		return seg_ipv4(p + skip, cap - skip, rep - skip, out);
	default:
		return seg_ethertype(proto, p, cap, rep, out);
	}
}

/* GRE (RFC 2784; keys and sequence numbers RFC 2890; routing RFC 1701;
 * version 1, PPTP's enhanced GRE, RFC 2637): flags and version(2)
 * protocol(2), then the optional fields the flags announce: checksum and
 * offset (with C or R), key, sequence number, PPTP's acknowledgment
 * number, routing entries. */
static enum seg_result gre(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	uint16_t fv, proto;
	uint32_t key = 0;
	size_t off = 4;
	enum seg_result r;

	if (cap < 4)
		return rep < 4 ? SEG_BAD : SEG_TRUNC;
	fv = rd16(p);
	proto = rd16(p + 2);
	if ((fv & GRE_VER) > 1)
		return SEG_SKIP;
	if (fv & (GRE_C | GRE_R))
		off += 4;
	if (fv & GRE_K) {
		if (cap < off + 4)
			return SEG_TRUNC;
		/* PPTP's key is the payload's length, then the call id. */
		key = rd32(p + off) & ((fv & GRE_VER) ? 0xffff : 0xffffffff);
		off += 4;
	}
	if (fv & GRE_S)
		off += 4;
	if ((fv & GRE_VER) && (fv & GRE_A))
		off += 4;
	if ((fv & GRE_R) && (r = gre_routes(p, cap, rep, &off)) != SEG_OK)
		return r;
	if (off > rep)
		return SEG_BAD;
	if (cap < off)
		return SEG_TRUNC;
	if (!enter(out, TK_GRE, key))
		return SEG_SKIP;
	return gre_payload(proto, fv & GRE_S, p + off, cap - off, rep - off, out);
}

enum seg_result seg_ip_tunnel(uint8_t proto, const uint8_t *p, size_t cap, size_t rep,
			      struct segment *out)
{
	switch (proto) {
	case IPPROTO_N_UDP:
		return udp(p, cap, rep, out);
	case IPPROTO_N_GRE:
		return gre(p, cap, rep, out);
	case IPPROTO_N_IPIP:
		if (!enter(out, TK_IP, 0))
			return SEG_SKIP;
		return seg_ipv4(p, cap, rep, out);
	case IPPROTO_N_IPV6:
		if (!enter(out, TK_IP, 0))
			return SEG_SKIP;
		return seg_ipv6(p, cap, rep, out);
	default:
		return SEG_SKIP; /* ESP, SCTP... */
	}
}

/* ---- below IP: MPLS, PPPoE, bridged Ethernet --------------------------------- */

/* An MPLS label stack (RFC 3032), 4 bytes a label down to the one with
 * the bottom-of-stack bit; then, as Wireshark guesses it, IPv4 or IPv6 by
 * the version nibble.  Labels change hop by hop, so they are not keys. */
static enum seg_result mpls(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	size_t off = 0;

	if (!enter(out, TK_MPLS, 0))
		return SEG_SKIP;
	do {
		if (cap < off + 4)
			return rep < off + 4 ? SEG_BAD : SEG_TRUNC;
		off += 4;
	} while (!(p[off - 2] & 0x01));
	if (cap < off + 1)
		return rep < off + 1 ? SEG_BAD : SEG_TRUNC;
	switch (p[off] >> 4) {
	case 4:
		return seg_ipv4(p + off, cap - off, rep - off, out);
	case 6:
		return seg_ipv6(p + off, cap - off, rep - off, out);
	default:
		return SEG_SKIP; /* a pseudowire */
	}
}

/* A PPPoE session frame (RFC 2516): version and type(1) code(1) session
 * id(2) length(2), then PPP's protocol(2) and packet. */
static enum seg_result pppoe(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	if (cap < 8)
		return rep < 8 ? SEG_BAD : SEG_TRUNC;
	if (p[0] != 0x11 || p[1] != 0)
		return SEG_SKIP;
	if (!enter(out, TK_PPPOE, rd16(p + 2)))
		return SEG_SKIP;
	return seg_ppp_proto(rd16(p + 6), p + 8, cap - 8, rep - 8, out);
}

enum seg_result seg_ether_tunnel(uint16_t type, const uint8_t *p, size_t cap, size_t rep,
				 struct segment *out)
{
	switch (type) {
	case ETHERTYPE_MPLS:
	case ETHERTYPE_MPLS_MC:
		return mpls(p, cap, rep, out);
	case ETHERTYPE_PPPOE:
		return pppoe(p, cap, rep, out);
	case ETHERTYPE_TEB:
		/* The frame a GRE or Geneve tunnel carries: its kind and key
		 * are counted already, but nesting still is. */
		if (!deeper(out))
			return SEG_SKIP;
		return seg_ether(p, cap, rep, out);
	default:
		return SEG_SKIP; /* ARP, LLDP, an 802.3 length field... */
	}
}
