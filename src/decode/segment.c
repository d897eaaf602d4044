/* segment.c - decode one captured frame (see segment.h): IP, TCP, ICMP
 * errors, and the entry points.  Link layers are in seglink.c, tunnels in
 * segtunnel.c; segpriv.h says how the layers hand bytes to each other.
 *
 * Below the IP header `cap` is clamped to the length the IP header
 * declares, so an Ethernet trailer (padding to 60 bytes) is never taken for
 * TCP options or payload.  Lengths that the IP header declares (`iplen`
 * below) are kept apart from captured lengths: payload lengths come from
 * the former, so a frame cut by a small snaplen still reports the true
 * payload length.
 */
#include "decode/segment.h"

#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "decode/segpriv.h"

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
#define IP6OPT_JUMBO 0xc2 /* RFC 2675 */

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

enum seg_result seg_ipv6_ext(const uint8_t *p, size_t cap, size_t limit, uint8_t *nh,
			     size_t *off, bool *frag)
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
			if (frag)
				*frag = true;
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
	r = seg_ipv6_ext(p + IPV6_HDR_LEN, cap - IPV6_HDR_LEN, plen, &nh, &off, NULL);
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
	out->qlen = (uint16_t)min_size(cap, UINT16_MAX);
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
	/* Inside, the IP header's length is the length on the wire. */
	return seg_ip_tunnel(proto, p, cap, iplen, out); /* UDP, GRE, IP in IP... */
}

enum seg_result seg_ipv4(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
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
	/* A TSO or BIG TCP super-segment captured on its sender says 0: the
	 * length is then the frame's, as Wireshark's ip.tso_support takes it
	 * (packet-ip.c: tvb_reported_length). */
	if (total == 0)
		total = rep;
	if (total < ihl)
		return SEG_BAD;
	if (cap < ihl)
		return SEG_TRUNC; /* IP options cut */
	frag = rd16(p + 6);
	out->ip = p;
	out->family = AF_INET;
	out->ttl = p[8];
	out->ip_id = rd16(p + 4);
	out->df = (frag & 0x4000) != 0;
	memcpy(out->src, p + 12, 4);
	memcpy(out->dst, p + 16, 4);
	/* A later fragment has no TCP header; the first one (offset 0, MF
	 * set) is decoded, with the length of this fragment only, unless
	 * the caller reassembles. */
	if ((frag & 0x3fff) != 0) {   /* MF or an offset: one test for the rest */
		if (out->dflags & SEG_REASM)
			return SEG_FRAG;
		if ((frag & 0x1fff) != 0)
			return SEG_SKIP;
	}
	return decode_l4(p[9], p + ihl, cap - ihl, total - ihl, out);
}

size_t seg_ipv6_jumbo(const uint8_t *p, size_t cap)
{
	size_t i, end;

	if (p[6] != IPPROTO_N_HOPOPTS || cap < IPV6_HDR_LEN + 2)
		return 0;
	end = min_size(cap, IPV6_HDR_LEN + ((size_t)p[IPV6_HDR_LEN + 1] + 1) * 8);
	for (i = IPV6_HDR_LEN + 2; i < end;) {
		if (p[i] == 0) {              /* Pad1 */
			i++;
			continue;
		}
		if (i + 2 > end)
			break;
		if (p[i] == IP6OPT_JUMBO && p[i + 1] == 4 && i + 6 <= end)
			return rd32(p + i + 2);
		i += 2 + (size_t)p[i + 1];
	}
	return 0;
}

/* The payload length of an IPv6 header whose field says 0: a jumbogram's
 * Jumbo Payload option, or else, as for IPv4's TSO, what the frame holds
 * after the header (BIG TCP on newer Linux sends no option). */
static size_t ipv6_zero_plen(const uint8_t *p, size_t cap, size_t rep)
{
	size_t jumbo = seg_ipv6_jumbo(p, cap);

	return jumbo ? jumbo : rep - IPV6_HDR_LEN;
}

enum seg_result seg_ipv6(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	uint8_t nh;
	size_t plen, off = 0;
	enum seg_result r;
	bool frag = false;

	if (cap < 1)
		return SEG_TRUNC;
	if (p[0] >> 4 != 6)
		return SEG_BAD;
	if (cap < IPV6_HDR_LEN)
		return SEG_TRUNC;
	out->ip = p;
	out->family = AF_INET6;
	out->flowlabel = (uint32_t)(p[1] & 0x0f) << 16 | (uint32_t)p[2] << 8 | p[3];
	out->ttl = p[7];
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);
	plen = rd16(p + 4);
	if (plen == 0)
		plen = ipv6_zero_plen(p, cap, rep);
	cap = min_size(cap - IPV6_HDR_LEN, plen);
	nh = p[6];
	r = seg_ipv6_ext(p + IPV6_HDR_LEN, cap, plen, &nh, &off, &frag);
	if (frag && (out->dflags & SEG_REASM))
		return SEG_FRAG;
	if (r != SEG_OK)
		return r;
	return decode_l4(nh, p + IPV6_HDR_LEN + off, cap - off, plen - off, out);
}

enum seg_result seg_ip_any(const uint8_t *p, size_t cap, size_t rep, struct segment *out)
{
	if (cap < 1)
		return SEG_TRUNC;
	switch (p[0] >> 4) {
	case 4:
		return seg_ipv4(p, cap, rep, out);
	case 6:
		return seg_ipv6(p, cap, rep, out);
	default:
		return SEG_BAD;
	}
}

/* ---- entry points ---------------------------------------------------------- */

enum seg_result seg_decode(int linktype, const uint8_t *frame, size_t caplen,
			   struct segment *out)
{
	return seg_decode_ex(linktype, frame, caplen, caplen, out, 0);
}

enum seg_result seg_decode_ex(int linktype, const uint8_t *frame, size_t caplen,
			      size_t wirelen, struct segment *out, unsigned flags)
{
	memset((char *)out + offsetof(struct segment, kind), 0, SEG_ZEROED);
	out->ip = NULL;
	out->dflags = (uint8_t)flags;
	/* Carried down to decode_tcp in the output itself, rather than
	 * through every layer's arguments. */
	out->opt.skipped = flags & SEG_NO_OPTIONS;
	if (!frame)
		caplen = 0;
	if (wirelen < caplen)
		wirelen = caplen;
	/* Plain Ethernet is most captures: straight to its type field. */
	if (linktype == DLT_EN10MB) {
		/* dst(6) src(6) type(2) */
		if (caplen < 14)
			return SEG_TRUNC;
		return seg_ethertype(rd16(frame + 12), frame + 14, caplen - 14, wirelen - 14, out);
	}
	return seg_link(linktype, frame, caplen, wirelen, out);
}

enum seg_result seg_decode_ip(const uint8_t *ip, size_t len, uint32_t tunnel, uint8_t encap,
			      struct segment *out, unsigned flags)
{
	memset((char *)out + offsetof(struct segment, kind), 0, SEG_ZEROED);
	out->ip = NULL;
	out->dflags = (uint8_t)flags;
	out->opt.skipped = flags & SEG_NO_OPTIONS;
	out->tunnel = tunnel;
	out->encap = encap;
	return seg_ip_any(ip, len, len, out);
}

bool seg_linktype_supported(int linktype)
{
	return seg_link_known(linktype);
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
	case SEG_FRAG:
		return "fragment";
	}
	return "unknown";
}
