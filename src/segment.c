/* segment.c - decode one captured frame (see segment.h).
 *
 * Every layer is one static function that is given a pointer to its first
 * byte and `cap`, the number of bytes from there that may be read.  Each
 * checks `cap` before reading, and hands the next layer a `cap` that is at
 * most what it had, so no read can go past the captured bytes whatever the
 * header fields say.  Below the IP header `cap` is also clamped to the
 * length the IP header declares, so an Ethernet trailer (padding to 60
 * bytes) is never taken for TCP options or payload.
 *
 * Lengths that the IP header declares (`iplen` below) are kept apart from
 * captured lengths: payload lengths come from the former, so a frame cut by
 * a small snaplen still reports the true payload length.
 *
 * Multi-byte fields are read byte by byte (rd16/rd32): frames are not
 * aligned, and casting them to structs would be undefined behaviour.
 */
#include "segment.h"

#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

/* pcap_datalink() gives DLT_RAW for raw IP, but LINKTYPE_RAW (101) is what
 * savefiles carry and what some callers pass straight through. */
#define LINKTYPE_RAW 101

#define ETHERTYPE_IPV4   0x0800
#define ETHERTYPE_IPV6   0x86dd
#define ETHERTYPE_8021Q  0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_QINQ   0x9100 /* pre-802.1ad vendor tag, still seen */

#define IPPROTO_N_HOPOPTS  0
#define IPPROTO_N_ICMP     1
#define IPPROTO_N_TCP      6
#define IPPROTO_N_ROUTING  43
#define IPPROTO_N_FRAGMENT 44
#define IPPROTO_N_AH       51
#define IPPROTO_N_ICMPV6   58
#define IPPROTO_N_NONE     59
#define IPPROTO_N_DSTOPTS  60

#define TCPOPT_EOL       0
#define TCPOPT_NOP       1
#define TCPOPT_MSS       2
#define TCPOPT_WSCALE    3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK      5
#define TCPOPT_TS        8

#define TCP_HDR_MIN 20
#define IPV4_HDR_MIN 20
#define IPV6_HDR_LEN 40
#define ICMP_HDR_LEN 8   /* type, code, checksum, 4 bytes before the quote */
#define QUOTED_TCP_MIN 8 /* RFC 792: ports and seq, all a router must quote */

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* ---- TCP ------------------------------------------------------------------ */

/* Options are informational: a malformed one ends parsing but never rejects
 * the segment, since the segment's sequence fields are still good and
 * kaprobe must see every segment of its flow.  `optlen` is what the data
 * offset declares, `cap` how much of that was captured. */
static void parse_tcp_options(const uint8_t *o, size_t cap, size_t optlen,
			      struct tcp_opts *opt)
{
	size_t i = 0;

	opt->len = (uint8_t)optlen; /* at most 60 - 20 */
	opt->truncated = cap < optlen;
	cap = min_size(cap, optlen);
	while (i < cap) {
		uint8_t kind = o[i], len;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= cap)
			return; /* length byte not captured (or past the header) */
		len = o[i + 1];
		if (len < 2 || i + len > optlen)
			return; /* malformed: cannot find the next option */
		if (i + len > cap)
			return; /* runs past the capture: truncated already set */
		/* An option whose length is wrong for its kind is skipped, as
		 * Linux's tcp_parse_options does, but the walk goes on. */
		switch (kind) {
		case TCPOPT_MSS:
			if (len == 4) {
				opt->has_mss = true;
				opt->mss = rd16(o + i + 2);
			}
			break;
		case TCPOPT_WSCALE:
			if (len == 3) {
				opt->has_wscale = true;
				opt->wscale = o[i + 2];
			}
			break;
		case TCPOPT_SACK_PERM:
			if (len == 2)
				opt->sack_perm = true;
			break;
		case TCPOPT_SACK:
			if (len >= 10 && (len - 2) % 8 == 0)
				opt->has_sack = true;
			break;
		case TCPOPT_TS:
			if (len == 10) {
				opt->has_ts = true;
				opt->tsval = rd32(o + i + 2);
				opt->tsecr = rd32(o + i + 6);
			}
			break;
		default:
			break;
		}
		i += len;
	}
}

/* `iplen` is the TCP segment's length as the IP header declares it; `cap`
 * the bytes of it captured (never more than iplen). */
static enum seg_result decode_tcp(const uint8_t *p, size_t cap, size_t iplen,
				  struct segment *out)
{
	size_t hlen;

	if (iplen < TCP_HDR_MIN)
		return SEG_BAD; /* the IP header leaves no room for TCP */
	if (cap < TCP_HDR_MIN)
		return SEG_TRUNC;
	hlen = (size_t)(p[12] >> 4) * 4;
	if (hlen < TCP_HDR_MIN || hlen > iplen)
		return SEG_BAD; /* doff < 5, or a negative payload length */
	out->kind = SEG_TCP;
	out->sport = rd16(p);
	out->dport = rd16(p + 2);
	out->seq = rd32(p + 4);
	out->ack = rd32(p + 8);
	out->flags = p[13];
	out->win = rd16(p + 14);
	out->len = (uint32_t)(iplen - hlen);
	if (!out->opt.skipped)
		parse_tcp_options(p + TCP_HDR_MIN, cap - TCP_HDR_MIN, hlen - TCP_HDR_MIN,
				  &out->opt);
	return SEG_OK;
}

/* The TCP header an ICMP error quotes: RFC 792 only promises its first 8
 * bytes (ports and seq); RFC 1812 routers and ICMPv6 send more.  Fields not
 * quoted stay 0.  `iplen` is the quoted segment's length from the quoted IP
 * header, used for the payload length when the data offset was quoted. */
static enum seg_result decode_quoted_tcp(const uint8_t *p, size_t cap, size_t iplen,
					 struct segment *out)
{
	if (cap < QUOTED_TCP_MIN)
		return SEG_TRUNC;
	out->kind = SEG_ICMP_ERR;
	out->sport = rd16(p);
	out->dport = rd16(p + 2);
	out->seq = rd32(p + 4);
	if (cap >= 12)
		out->ack = rd32(p + 8);
	if (cap >= 13) {
		size_t hlen = (size_t)(p[12] >> 4) * 4;

		if (hlen >= TCP_HDR_MIN && hlen <= iplen)
			out->len = (uint32_t)(iplen - hlen);
	}
	if (cap >= 14)
		out->flags = p[13];
	if (cap >= 16)
		out->win = rd16(p + 14);
	return SEG_OK;
}

/* ---- IPv6 extension headers ------------------------------------------------ */

/* Walk the extension headers after an IPv6 header.  `*nh` is the first
 * Next Header; on SEG_OK it is the upper-layer protocol and `*off` its
 * offset from `p`.  Headers running past `limit` (the declared payload
 * length) are malformed; past `cap` (captured) truncated.  Each header is
 * at least 8 bytes, so the walk ends. */
static enum seg_result skip_ipv6_ext(const uint8_t *p, size_t cap, size_t limit,
				     uint8_t *nh, size_t *off)
{
	size_t o = 0;

	for (;;) {
		size_t hlen;

		switch (*nh) {
		case IPPROTO_N_HOPOPTS:
		case IPPROTO_N_ROUTING:
		case IPPROTO_N_DSTOPTS:
			if (o + 2 > cap)
				return o + 2 > limit ? SEG_BAD : SEG_TRUNC;
			hlen = ((size_t)p[o + 1] + 1) * 8; /* RFC 8200 4.3 */
			break;
		case IPPROTO_N_AH:
			if (o + 2 > cap)
				return o + 2 > limit ? SEG_BAD : SEG_TRUNC;
			hlen = ((size_t)p[o + 1] + 2) * 4; /* RFC 4302 2.2 */
			break;
		case IPPROTO_N_FRAGMENT:
			if (o + 4 > cap)
				return o + 4 > limit ? SEG_BAD : SEG_TRUNC;
			/* Only the first fragment holds the TCP header. */
			if (rd16(p + o + 2) >> 3 != 0)
				return SEG_SKIP;
			hlen = 8;
			break;
		case IPPROTO_N_NONE:
			return SEG_SKIP;
		default:
			*off = o;
			return SEG_OK;
		}
		if (o + hlen > limit)
			return SEG_BAD;
		if (o + hlen > cap)
			return SEG_TRUNC;
		*nh = p[o];
		o += hlen;
	}
}

/* ---- ICMP errors ------------------------------------------------------------ */

/* The IPv4 header an ICMPv4 error quotes.  Its total length is not checked
 * against what follows: the quote is cut short by design, and old stacks
 * are known to return the length modified. */
static enum seg_result decode_quoted_ipv4(const uint8_t *p, size_t cap, struct segment *out)
{
	size_t ihl, total;

	if (cap < IPV4_HDR_MIN)
		return SEG_TRUNC;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (p[0] >> 4 != 4 || ihl < IPV4_HDR_MIN)
		return SEG_BAD;
	if (p[9] != IPPROTO_N_TCP || (rd16(p + 6) & 0x1fff) != 0)
		return SEG_SKIP; /* not TCP, or a fragment without the TCP header */
	if (cap < ihl)
		return SEG_TRUNC;
	total = rd16(p + 2);
	memcpy(out->qsrc, p + 12, 4);
	memcpy(out->qdst, p + 16, 4);
	return decode_quoted_tcp(p + ihl, cap - ihl, total >= ihl ? total - ihl : 0, out);
}

static enum seg_result decode_quoted_ipv6(const uint8_t *p, size_t cap, struct segment *out)
{
	uint8_t nh;
	size_t off = 0, plen;
	enum seg_result r;

	if (cap < IPV6_HDR_LEN)
		return SEG_TRUNC;
	if (p[0] >> 4 != 6)
		return SEG_BAD;
	plen = rd16(p + 4);
	nh = p[6];
	r = skip_ipv6_ext(p + IPV6_HDR_LEN, cap - IPV6_HDR_LEN, plen, &nh, &off);
	if (r != SEG_OK)
		return r;
	if (nh != IPPROTO_N_TCP)
		return SEG_SKIP;
	memcpy(out->qsrc, p + 8, 16);
	memcpy(out->qdst, p + 24, 16);
	return decode_quoted_tcp(p + IPV6_HDR_LEN + off, cap - IPV6_HDR_LEN - off,
				 plen - off, out);
}

/* ICMPv4 errors that quote the datagram that caused them (RFC 792). */
static bool icmp4_is_error(uint8_t type)
{
	return type == 3 /* destination unreachable */ || type == 4 /* source quench */ ||
	       type == 11 /* time exceeded */ || type == 12 /* parameter problem */;
}

/* ICMPv6 errors are types 1-127 (RFC 4443 2.1); those defined quote the
 * packet: 1 unreachable, 2 too big, 3 time exceeded, 4 parameter problem. */
static bool icmp6_is_error(uint8_t type)
{
	return type >= 1 && type <= 4;
}

/* `cap` is the captured part of the ICMP message, `iplen` its declared
 * length.  The quote is read only as far as both reach. */
static enum seg_result decode_icmp(const uint8_t *p, size_t cap, size_t iplen, bool v6,
				   struct segment *out)
{
	if (iplen < ICMP_HDR_LEN)
		return SEG_BAD;
	if (cap < ICMP_HDR_LEN)
		return SEG_TRUNC;
	if (!(v6 ? icmp6_is_error(p[0]) : icmp4_is_error(p[0])))
		return SEG_SKIP; /* echo, neighbour discovery... */
	out->icmp_type = p[0];
	out->icmp_code = p[1];
	p += ICMP_HDR_LEN;
	cap -= ICMP_HDR_LEN;
	return v6 ? decode_quoted_ipv6(p, cap, out) : decode_quoted_ipv4(p, cap, out);
}

/* ---- IP ------------------------------------------------------------------- */

/* The upper layer, once IP has found it.  `cap` is clamped to `iplen`. */
static enum seg_result decode_l4(uint8_t proto, const uint8_t *p, size_t cap, size_t iplen,
				 struct segment *out)
{
	cap = min_size(cap, iplen);
	if (proto == IPPROTO_N_TCP)
		return decode_tcp(p, cap, iplen, out);
	if (proto == IPPROTO_N_ICMP && out->family == AF_INET)
		return decode_icmp(p, cap, iplen, false, out);
	if (proto == IPPROTO_N_ICMPV6 && out->family == AF_INET6)
		return decode_icmp(p, cap, iplen, true, out);
	return SEG_SKIP; /* UDP, ESP, ... */
}

static enum seg_result decode_ipv4(const uint8_t *p, size_t cap, struct segment *out)
{
	size_t ihl, total;
	uint16_t frag;

	if (cap < 1)
		return SEG_TRUNC;
	if (p[0] >> 4 != 4)
		return SEG_BAD;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < IPV4_HDR_MIN)
		return SEG_BAD;
	if (cap < IPV4_HDR_MIN)
		return SEG_TRUNC;
	total = rd16(p + 2);
	if (total < ihl)
		return SEG_BAD;
	if (cap < ihl)
		return SEG_TRUNC; /* IP options cut */
	frag = rd16(p + 6);
	out->family = AF_INET;
	out->ttl = p[8];
	out->ip_id = rd16(p + 4);
	out->df = (frag & 0x4000) != 0;
	memcpy(out->src, p + 12, 4);
	memcpy(out->dst, p + 16, 4);
	/* A later fragment has no TCP header; the first one (offset 0, MF
	 * set) is decoded, with the length of this fragment only. */
	if ((frag & 0x1fff) != 0)
		return SEG_SKIP;
	return decode_l4(p[9], p + ihl, cap - ihl, total - ihl, out);
}

static enum seg_result decode_ipv6(const uint8_t *p, size_t cap, struct segment *out)
{
	uint8_t nh;
	size_t plen, off = 0;
	enum seg_result r;

	if (cap < 1)
		return SEG_TRUNC;
	if (p[0] >> 4 != 6)
		return SEG_BAD;
	if (cap < IPV6_HDR_LEN)
		return SEG_TRUNC;
	out->family = AF_INET6;
	out->flowlabel = (uint32_t)(p[1] & 0x0f) << 16 | (uint32_t)p[2] << 8 | p[3];
	out->ttl = p[7];
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);
	/* A jumbogram (payload length 0, RFC 2675) leaves no room for the
	 * TCP header by this count and is reported malformed. */
	plen = rd16(p + 4);
	cap = min_size(cap - IPV6_HDR_LEN, plen);
	nh = p[6];
	r = skip_ipv6_ext(p + IPV6_HDR_LEN, cap, plen, &nh, &off);
	if (r != SEG_OK)
		return r;
	return decode_l4(nh, p + IPV6_HDR_LEN + off, cap - off, plen - off, out);
}

/* Raw IP with no link header: the version nibble says which. */
static enum seg_result decode_ip_any(const uint8_t *p, size_t cap, struct segment *out)
{
	if (cap < 1)
		return SEG_TRUNC;
	switch (p[0] >> 4) {
	case 4:
		return decode_ipv4(p, cap, out);
	case 6:
		return decode_ipv6(p, cap, out);
	default:
		return SEG_BAD;
	}
}

/* ---- link layers ---------------------------------------------------------- */

/* An Ethernet-style type field at frame[off - 2], the network header at
 * `off`.  VLAN tags (4 bytes: TCI then the next type) are skipped however
 * many are stacked; the loop ends because each one advances `off`. */
static enum seg_result decode_ethertype(uint16_t type, const uint8_t *f, size_t caplen,
					size_t off, struct segment *out)
{
	while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ) {
		if (caplen < off + 4)
			return SEG_TRUNC;
		type = rd16(f + off + 2);
		off += 4;
	}
	switch (type) {
	case ETHERTYPE_IPV4:
		return decode_ipv4(f + off, caplen - off, out);
	case ETHERTYPE_IPV6:
		return decode_ipv6(f + off, caplen - off, out);
	default:
		return SEG_SKIP; /* ARP, LLDP, an 802.3 length field... */
	}
}

/* A BSD address family from a NULL/LOOP header.  AF_INET is 2 everywhere;
 * AF_INET6 differs by system (24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS, and
 * 10 from Linux), and a capture may come from any of them. */
static enum seg_result decode_bsd_family(uint32_t fam, const uint8_t *p, size_t cap,
					 struct segment *out)
{
	switch (fam) {
	case 2:
		return decode_ipv4(p, cap, out);
	case 10:
	case 24:
	case 28:
	case 30:
		return decode_ipv6(p, cap, out);
	default:
		return SEG_SKIP;
	}
}

static enum seg_result decode_null(const uint8_t *f, size_t caplen, bool network_order,
				   struct segment *out)
{
	uint32_t fam;

	if (caplen < 4)
		return SEG_TRUNC;
	if (network_order) {
		fam = rd32(f);
	} else {
		/* DLT_NULL is in the byte order of the host that captured,
		 * which for a savefile need not be ours; families are small,
		 * so a value with high bits set is the other order (tcpdump's
		 * null_if_print does the same). */
		memcpy(&fam, f, 4);
		if (fam & 0xffff0000u)
			fam = (fam >> 24) | (fam >> 8 & 0xff00u) | (fam << 8 & 0xff0000u) | fam << 24;
	}
	return decode_bsd_family(fam, f + 4, caplen - 4, out);
}

enum seg_result seg_decode(int linktype, const uint8_t *frame, size_t caplen,
			   struct segment *out)
{
	return seg_decode_ex(linktype, frame, caplen, out, 0);
}

enum seg_result seg_decode_ex(int linktype, const uint8_t *frame, size_t caplen,
			      struct segment *out, unsigned flags)
{
	memset(out, 0, sizeof *out);
	/* Carried down to decode_tcp in the output itself, rather than
	 * through every layer's arguments. */
	out->opt.skipped = flags & SEG_NO_OPTIONS;
	if (!frame)
		caplen = 0;

	switch (linktype) {
	case DLT_EN10MB:
		/* dst(6) src(6) type(2) */
		if (caplen < 14)
			return SEG_TRUNC;
		return decode_ethertype(rd16(frame + 12), frame, caplen, 14, out);
	case DLT_LINUX_SLL:
		/* packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2) */
		if (caplen < 16)
			return SEG_TRUNC;
		return decode_ethertype(rd16(frame + 14), frame, caplen, 16, out);
	case DLT_LINUX_SLL2:
		/* protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1)
		 * addr len(1) addr(8) */
		if (caplen < 20)
			return SEG_TRUNC;
		return decode_ethertype(rd16(frame), frame, caplen, 20, out);
	case DLT_RAW:
	case LINKTYPE_RAW:
		return decode_ip_any(frame, caplen, out);
	case DLT_IPV4:
		return decode_ipv4(frame, caplen, out);
	case DLT_IPV6:
		return decode_ipv6(frame, caplen, out);
	case DLT_NULL:
		return decode_null(frame, caplen, false, out);
	case DLT_LOOP:
		return decode_null(frame, caplen, true, out);
	default:
		return SEG_LINK;
	}
}

bool seg_linktype_supported(int linktype)
{
	switch (linktype) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP: /* 108 here; 12 on OpenBSD, where DLT_RAW is 14 */
		return true;
	default:
		return false;
	}
}

const char *seg_result_name(enum seg_result r)
{
	switch (r) {
	case SEG_OK:
		return "ok";
	case SEG_SKIP:
		return "not tcp";
	case SEG_TRUNC:
		return "truncated";
	case SEG_BAD:
		return "malformed";
	case SEG_LINK:
		return "unsupported link type";
	}
	return "unknown";
}
