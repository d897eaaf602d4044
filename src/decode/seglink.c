/* seglink.c - link-layer headers, one function per link type (segpriv.h).
 *
 * Each peels its header off and hands the rest to the network layer.  The
 * header layouts are libpcap's (https://www.tcpdump.org/linktypes.html);
 * where a layout leaves a choice, the choice is Wireshark's dissector's, so
 * that kaprobe decodes TCP in the frames Wireshark does.
 */
#include <string.h>

#include <pcap/pcap.h>

#include "decode/segpriv.h"

/* pcap_datalink() gives DLT_RAW for raw IP, but LINKTYPE_RAW (101) is what
 * savefiles carry and what some callers pass straight through. */
#define LINKTYPE_RAW 101
/* Apple's PKTAP, as it is in files (DLT_PKTAP on macOS is 149). */
#define LINKTYPE_PKTAP 258

#define ETHERTYPE_8021Q  0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_QINQ   0x9100 /* pre-802.1ad vendor tag, still seen */

enum seg_result seg_ethertype(uint16_t type, const uint8_t *p, size_t cap, size_t rep,
			      struct segment *out)
{
	/* VLAN tags (4 bytes: TCI then the next type), however many are
	 * stacked; each one advances p, so the loop ends. */
	while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ) {
		if (cap < 4)
			return SEG_TRUNC;
		type = rd16(p + 2);
		p += 4;
		cap -= 4;
		rep -= 4;
	}
	if (type == ETHERTYPE_IPV4)
		return seg_ipv4(p, cap, rep, out);
	if (type == ETHERTYPE_IPV6)
		return seg_ipv6(p, cap, rep, out);
	return seg_ether_tunnel(type, p, cap, rep, out); /* MPLS, PPPoE, or ARP... */
}

/* `hlen` bytes of header, then the Ethernet type at `toff`. */
static enum seg_result typed(const uint8_t *p, size_t cap, size_t rep, size_t hlen,
			     size_t toff, struct segment *out)
{
	if (cap < hlen)
		return SEG_TRUNC;
	return seg_ethertype(rd16(p + toff), p + hlen, cap - hlen, rep - hlen, out);
}

enum seg_result seg_ether(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	return typed(p, cap, rep, 14, 12, out); /* dst(6) src(6) type(2) */
}

/* 802.2 LLC with a SNAP header (AA AA 03, OUI 0 or 802.1H's 00-00-F8),
 * which carries an Ethernet type: FDDI and 802.11 frames use it. */
static enum seg_result llc_snap(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	if (cap < 8)
		return SEG_TRUNC;
	if (p[0] != 0xaa || p[1] != 0xaa || p[2] != 0x03 || p[3] != 0 || p[4] != 0 ||
	    (p[5] != 0 && p[5] != 0xf8))
		return SEG_SKIP; /* other LLC users: STP, NetBIOS... */
	return typed(p, cap, rep, 8, 6, out);
}

/* ---- BSD loopback -------------------------------------------------------- */

/* A BSD address family from a NULL/LOOP header.  AF_INET is 2 everywhere;
 * AF_INET6 differs by system (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS, and
 * 10 from Linux), and a capture may come from any of them. */
static enum seg_result bsd_family(uint32_t fam, const uint8_t *p, size_t cap, size_t rep,
				  struct segment *out)
{
	switch (fam) {
	case 2:
		return seg_ipv4(p, cap, rep, out);
	case 10:
	case 24:
	case 28:
	case 30:
		return seg_ipv6(p, cap, rep, out);
	default:
		return SEG_SKIP;
	}
}

/* DLT_NULL holds the family in the capturing host's byte order; DLT_LOOP
 * (OpenBSD's loopback) in network order. */
static enum seg_result null_hdr(const uint8_t *p, size_t cap, size_t rep, bool network_order,
				struct segment *out)
{
	uint32_t fam;

	if (cap < 4)
		return SEG_TRUNC;
	if (network_order) {
		fam = rd32(p);
	} else {
		/* The capturing host need not be ours; families are small,
		 * so a value with high bits set is the other order (tcpdump's
		 * null_if_print does the same). */
		memcpy(&fam, p, 4);
		if (fam & 0xffff0000u)
			fam = (fam >> 24) | (fam >> 8 & 0xff00u) | (fam << 8 & 0xff0000u) | fam << 24;
	}
	return bsd_family(fam, p + 4, cap - 4, rep - 4, out);
}

/* ---- serial lines ---------------------------------------------------------- */

enum seg_result seg_ppp_proto(uint16_t proto, const uint8_t *p, size_t cap, size_t rep,
			      struct segment *out)
{
	switch (proto) {
	case 0x0021:
		return seg_ipv4(p, cap, rep, out);
	case 0x0057:
		return seg_ipv6(p, cap, rep, out);
	case 0x0281: /* MPLS unicast */
		return seg_ether_tunnel(0x8847, p, cap, rep, out);
	default:
		return SEG_SKIP; /* LCP, IPCP, CCP... */
	}
}

/* PPP (RFC 1661), with or without the HDLC address and control bytes FF 03
 * (RFC 1662), and with a one-byte protocol field when compressed (PFC:
 * the first byte odd). */
enum seg_result seg_ppp(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	uint16_t proto;

	if (cap >= 2 && p[0] == 0xff && p[1] == 0x03) {
		p += 2;
		cap -= 2;
		rep -= 2;
	}
	if (cap < 1)
		return SEG_TRUNC;
	if (p[0] & 1)
		return seg_ppp_proto(p[0], p + 1, cap - 1, rep - 1, out);
	if (cap < 2)
		return SEG_TRUNC;
	proto = rd16(p);
	return seg_ppp_proto(proto, p + 2, cap - 2, rep - 2, out);
}

/* Cisco HDLC: address (0x0f unicast, 0x8f broadcast), control, and an
 * Ethernet type. */
static enum seg_result chdlc(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	return typed(p, cap, rep, 4, 2, out);
}

/* LINKTYPE_PPP_HDLC holds PPP in HDLC framing or Cisco HDLC; the first
 * byte says which, as in Wireshark's dissect_ppp_hdlc. */
static enum seg_result ppp_serial(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	if (cap < 1)
		return SEG_TRUNC;
	if (p[0] == 0x0f || p[0] == 0x8f)
		return chdlc(p, cap, rep, out);
	return seg_ppp(p, cap, rep, out);
}

/* ---- old LANs ------------------------------------------------------------ */

/* FDDI: frame control(1) dst(6) src(6), then LLC/SNAP. */
static enum seg_result fddi(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	if (cap < 13)
		return SEG_TRUNC;
	return llc_snap(p + 13, cap - 13, rep - 13, out);
}

#define ARC_IP_1051  0xf0
#define ARC_ARP_1051 0xf1
#define ARC_IP_1201  0xd4
#define ARC_IPV6     0xc4
#define ARC_DIAGNOSE 0x80
#define ARC_BACNET   0xcd

/* ARCNET: src(1) dst(1), on Linux an offset(2), then the protocol.  RFC
 * 1201 protocols add a split flag and a sequence number(2); on BSD a split
 * flag of FF marks an exception packet, where padding(2), the protocol
 * again and the real split flag come before the sequence number (tcpdump's
 * ARC_HDRNEWLEN_EXC, Wireshark's dissect_arcnet_common). */
static enum seg_result arcnet(const uint8_t *p, size_t cap, size_t rep, bool linux_hdr,
			      struct segment *out)
{
	size_t off = linux_hdr ? 4 : 2;
	uint8_t proto;

	if (cap < off + 1)
		return SEG_TRUNC;
	proto = p[off++];
	if (proto != ARC_IP_1051 && proto != ARC_ARP_1051 && proto != ARC_DIAGNOSE &&
	    proto != ARC_BACNET) {
		if (cap < off + 1)
			return SEG_TRUNC;
		if (p[off++] == 0xff && !linux_hdr)
			off += 4;     /* padding, protocol, the real flag */
		off += 2;             /* sequence number */
		if (cap < off)
			return SEG_TRUNC;
	}
	switch (proto) {
	case ARC_IP_1051:
	case ARC_IP_1201:
		return seg_ipv4(p + off, cap - off, rep - off, out);
	case ARC_IPV6:
		return seg_ipv6(p + off, cap - off, rep - off, out);
	default:
		return SEG_SKIP;
	}
}

/* ---- 802.11 ------------------------------------------------------------------ */

#define WLAN_HDR 24

/* An 802.11 frame (no FCS).  Only unprotected data frames carry TCP in
 * the clear; an A-MSDU's subframes are not decoded.  `datapad`: the
 * header is padded to 4 bytes (a radiotap flag). */
static enum seg_result wlan(const uint8_t *p, size_t cap, size_t rep, bool datapad,
			    struct segment *out)
{
	size_t hlen = WLAN_HDR;
	uint8_t fc0, fc1;

	if (cap < WLAN_HDR)
		return SEG_TRUNC;
	fc0 = p[0];
	fc1 = p[1];
	/* Type 2 is data; subtypes with bit 2 set carry no data. */
	if ((fc0 & 0x0c) != 0x08 || (fc0 & 0x40) || (fc1 & 0x40))
		return SEG_SKIP; /* management, control, null data, or encrypted */
	if ((fc1 & 0x03) == 0x03)
		hlen += 6;    /* to and from the DS: a fourth address */
	if (fc0 & 0x80) {     /* QoS data: a QoS control field */
		if (cap < hlen + 2)
			return SEG_TRUNC;
		if (p[hlen] & 0x80)
			return SEG_SKIP; /* A-MSDU */
		hlen += 2;
		if (fc1 & 0x80)
			hlen += 4; /* +HTC */
	}
	if (datapad)
		hlen = (hlen + 3) & ~(size_t)3;
	if (cap < hlen)
		return SEG_TRUNC;
	return llc_snap(p + hlen, cap - hlen, rep - hlen, out);
}

#define RT_TSFT  0x01
#define RT_FLAGS 0x02
#define RT_EXT   0x80000000u
#define RT_F_FCS 0x10  /* the frame ends with its FCS */
#define RT_F_PAD 0x20  /* padding between the 802.11 header and payload */

/* Radiotap: version(1) pad(1) length(2, little-endian) present(4...).
 * Only the Flags field matters here, which comes first after TSFT (8
 * bytes, 8-aligned from the header's start). */
static enum seg_result radiotap(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	size_t len, off = 4;
	uint32_t present;
	uint8_t flags = 0;

	if (cap < 8)
		return SEG_TRUNC;
	len = rd16le(p + 2);
	if (p[0] != 0 || len < 8 || len > rep)
		return SEG_BAD;
	if (cap < len)
		return SEG_TRUNC;
	present = rd32le(p + 4);
	while (rd32le(p + off) & RT_EXT) {   /* more presence words */
		off += 4;
		if (off + 4 > len)
			return SEG_BAD;
	}
	off += 4;
	if (present & RT_FLAGS) {
		if (present & RT_TSFT)
			off = ((off + 7) & ~(size_t)7) + 8;
		if (off >= len)
			return SEG_BAD;
		flags = p[off];
	}
	p += len;
	cap -= len;
	rep -= len;
	if (flags & RT_F_FCS) {
		if (rep < 4)
			return SEG_BAD;
		rep -= 4;
		cap = min_size(cap, rep);
	}
	return wlan(p, cap, rep, flags & RT_F_PAD, out);
}

/* PPI: version(1) flags(1) length(2) link type(4), little-endian; then a
 * frame of that link type: 802.11 or Ethernet. */
static enum seg_result ppi(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	size_t len;
	uint32_t dlt;

	if (cap < 8)
		return SEG_TRUNC;
	len = rd16le(p + 2);
	if (len < 8 || len > rep)
		return SEG_BAD;
	if (cap < len)
		return SEG_TRUNC;
	dlt = rd32le(p + 4);
	p += len;
	cap -= len;
	rep -= len;
	if (dlt == DLT_IEEE802_11)
		return wlan(p, cap, rep, false, out);
	if (dlt == DLT_EN10MB)
		return seg_ether(p, cap, rep, out);
	return SEG_SKIP;
}

/* ---- Apple, Linux and Juniper metadata headers -------------------------------- */

/* PKTAP (macOS `tcpdump -i any`): header length(4), the type of what
 * follows (1: a packet), its link type(4), little-endian, then metadata up
 * to the header length; then the frame. */
static enum seg_result pktap(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	uint32_t len, dlt;

	if (cap < 12)
		return SEG_TRUNC;
	len = rd32le(p);
	if (len < 12 || len > rep)
		return SEG_BAD;
	if (rd32le(p + 4) != 1)
		return SEG_SKIP; /* PTH_TYPE_NONE: no packet */
	if (cap < len)
		return SEG_TRUNC;
	dlt = rd32le(p + 8);
	p += len;
	cap -= len;
	rep -= len;
	switch (dlt) {
	case DLT_NULL:
		return null_hdr(p, cap, rep, false, out);
	case DLT_EN10MB:
		return seg_ether(p, cap, rep, out);
	case 12:             /* DLT_RAW on macOS */
	case LINKTYPE_RAW:
		return seg_ip_any(p, cap, rep, out);
	default:
		return SEG_SKIP;
	}
}

#define NFULA_PAYLOAD 9

/* NFLOG: family(1) version(1) resource id(2), then TLVs of length(2) and
 * type(2) in the capturing host's byte order (libpcap turns them into
 * ours when it reads a file from another), each padded to 4 bytes.  The
 * packet is the PAYLOAD TLV's value. */
static enum seg_result nflog(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	size_t off = 4;

	if (cap < 4)
		return SEG_TRUNC;
	while (off + 4 <= cap) {
		uint16_t tlen, type;

		memcpy(&tlen, p + off, 2);
		memcpy(&type, p + off + 2, 2);
		if (tlen < 4 || tlen > rep - off)
			return SEG_BAD;
		if ((type & 0x3fff) == NFULA_PAYLOAD) {
			const uint8_t *v = p + off + 4;
			size_t vcap = min_size(cap - off - 4, (size_t)tlen - 4);

			if (p[0] == AF_INET)
				return seg_ipv4(v, vcap, (size_t)tlen - 4, out);
			if (p[0] == AF_INET6)
				return seg_ipv6(v, vcap, (size_t)tlen - 4, out);
			return SEG_SKIP;
		}
		off += ((size_t)tlen + 3) & ~(size_t)3;
	}
	return cap < rep ? SEG_TRUNC : SEG_SKIP;
}

#define JUNIPER_MAGIC    0x4d4743 /* "MGC" */
#define JUNIPER_NO_L2    0x02
#define JUNIPER_EXT      0x80
#define JUNIPER_PROTO_IP  2
#define JUNIPER_PROTO_IP6 6

/* Juniper's header: magic(3) flags(1), extensions (length(2) then TLVs)
 * when flagged; then an Ethernet frame, or with NO_L2 a protocol (4,
 * little-endian) and the packet.  Wireshark's dissect_juniper_header. */
static enum seg_result juniper_ether(const uint8_t *p, size_t cap, size_t rep,
				     struct segment *out)
{
	size_t off = 4;
	uint8_t flags;

	if (cap < 4)
		return SEG_TRUNC;
	if ((uint32_t)(p[0] << 16 | p[1] << 8 | p[2]) != JUNIPER_MAGIC)
		return SEG_BAD;
	flags = p[3];
	if (flags & JUNIPER_EXT) {
		if (cap < 6)
			return SEG_TRUNC;
		off = 6 + (size_t)rd16(p + 4);
	}
	if (flags & JUNIPER_NO_L2) {
		uint32_t proto;

		if (cap < off + 4)
			return SEG_TRUNC;
		proto = rd32le(p + off);
		off += 4;
		if (proto == JUNIPER_PROTO_IP)
			return seg_ipv4(p + off, cap - off, rep - off, out);
		if (proto == JUNIPER_PROTO_IP6)
			return seg_ipv6(p + off, cap - off, rep - off, out);
		return SEG_SKIP;
	}
	if (cap < off)
		return SEG_TRUNC;
	return seg_ether(p + off, cap - off, rep - off, out);
}

/* ---- the table ------------------------------------------------------------------ */

enum seg_result seg_link(int linktype, const uint8_t *p, size_t cap, size_t rep,
			 struct segment *out)
{
	switch (linktype) {
	case DLT_EN10MB:
		return seg_ether(p, cap, rep, out);
	case DLT_LINUX_SLL:
		/* packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2) */
		return typed(p, cap, rep, 16, 14, out);
	case DLT_LINUX_SLL2:
		/* protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1)
		 * addr len(1) addr(8) */
		return typed(p, cap, rep, 20, 0, out);
	case DLT_RAW:
	case LINKTYPE_RAW:
		return seg_ip_any(p, cap, rep, out);
	case DLT_IPV4:
		return seg_ipv4(p, cap, rep, out);
	case DLT_IPV6:
		return seg_ipv6(p, cap, rep, out);
	case DLT_NULL:
		return null_hdr(p, cap, rep, false, out);
	case DLT_LOOP: /* 108 here; 12 on OpenBSD, where DLT_RAW is 14 */
		return null_hdr(p, cap, rep, true, out);
	case DLT_PPP:
		return seg_ppp(p, cap, rep, out);
	case DLT_PPP_SERIAL:
		return ppp_serial(p, cap, rep, out);
	case DLT_C_HDLC:
		return chdlc(p, cap, rep, out);
	case DLT_PPP_WITH_DIR:
		/* A direction byte (0 in, 1 out), then PPP. */
		if (cap < 1)
			return SEG_TRUNC;
		return seg_ppp(p + 1, cap - 1, rep - 1, out);
	case DLT_PPP_ETHER:
		/* A PPPoE header with no Ethernet one (BSD's pppoe). */
		return seg_ether_tunnel(0x8864, p, cap, rep, out);
	case DLT_FDDI:
		return fddi(p, cap, rep, out);
	case DLT_ARCNET:
		return arcnet(p, cap, rep, false, out);
	case DLT_ARCNET_LINUX:
		return arcnet(p, cap, rep, true, out);
	case DLT_IEEE802_11:
		return wlan(p, cap, rep, false, out);
	case DLT_IEEE802_11_RADIO:
		return radiotap(p, cap, rep, out);
	case DLT_PPI:
		return ppi(p, cap, rep, out);
	case LINKTYPE_PKTAP:
		return pktap(p, cap, rep, out);
	case DLT_NFLOG:
		return nflog(p, cap, rep, out);
	case DLT_IPOIB:
		/* RFC 4391's type(2) reserved(2), after a 40-byte pseudo
		 * GRH (addresses).  libpcap's list shows the 4-byte header
		 * alone; Wireshark's packet-ipoib.c reads the GRH first, and
		 * kaprobe reads what Wireshark reads. */
		return typed(p, cap, rep, 44, 40, out);
	case DLT_JUNIPER_ETHER:
		return juniper_ether(p, cap, rep, out);
	default:
		return SEG_LINK;
	}
}

bool seg_link_known(int linktype)
{
	/* The decoder answers SEG_LINK for nothing but an unknown type, so
	 * an empty frame tells. */
	struct segment s;

	return seg_link(linktype, NULL, 0, 0, &s) != SEG_LINK;
}
