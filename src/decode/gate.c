/* gate.c - the kernel's checks before TCP and ICMP (see gate.h).  The
 * decoder (segment.c) has already checked what it needs to find the
 * headers; this reads the same IP header again for what it did not. */
#include "decode/gate.h"

#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "decode/segpriv.h"

#define PROTO_TCP    6
#define PROTO_ICMPV6 58
#define IPV4_MF      0x2000
#define IPV6_HDR     40
#define IP_MAX_LEN   0xffff  /* IP_MAX_MTU: above it BIG TCP writes length 0 */

/* sk_buff pkt_type values (include/uapi/linux/if_packet.h), as the cooked
 * headers carry them. */
#define PKT_HOST      0
#define PKT_OTHERHOST 3
#define PKT_OUTGOING  4

/* Summed in the machine's order eight bytes at a time, then swapped into
 * network order: the one's-complement sum does not depend on the order
 * (RFC 1071 2(B)), and replay checks every segment it reads. */
uint64_t gate_csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	uint64_t acc = 0, carry = 0, d;
	uint16_t half = 0, folded;
	uint32_t w;
	size_t i;

	/* Eight bytes at a time; the carries out of the top, counted apart,
	 * wrap around to the bottom (one's complement). */
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&d, p + i, 8);
		acc += d;
		carry += acc < d;
	}
	acc = (acc & 0xffffffff) + (acc >> 32) + carry;
	if (i + 4 <= n) {
		memcpy(&w, p + i, 4);
		acc += w;
		i += 4;
	}
	if (i + 2 <= n) {
		memcpy(&half, p + i, 2);
		acc += half;
		i += 2;
	}
	if (i < n) {
		half = 0;
		memcpy(&half, p + i, 1);   /* the high byte of a last word */
		acc += half;
	}
	folded = gate_csum_fold(acc);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	folded = (uint16_t)(folded >> 8 | folded << 8);
#endif
	return sum + folded;
}

uint16_t gate_csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The link layer's pkt_type: eth_type_trans's reading of an Ethernet
 * destination (a group address is BROADCAST or MULTICAST, another host's
 * OTHERHOST), or the cooked header's field.  Other links: the host's. */
static int link_pkt_type(const struct gate_frame *f)
{
	switch (f->linktype) {
	case DLT_EN10MB:
		if (f->caplen < 6)
			return PKT_HOST;
		if (f->frame[0] & 1)
			return 1; /* BROADCAST or MULTICAST: not the host's alone */
		if (f->mac && memcmp(f->frame, f->mac, 6) != 0)
			return PKT_OTHERHOST;
		return PKT_HOST;
	case DLT_LINUX_SLL:
		return f->caplen >= 2 ? rd16(f->frame) : PKT_HOST;
	case DLT_LINUX_SLL2:
		return f->caplen >= 11 ? f->frame[10] : PKT_HOST;
	default:
		return PKT_HOST;
	}
}

/* Where the upper layer is, found again from the IP header. */
struct l4 {
	const uint8_t *p;
	size_t len;          /* as the IP header declares it */
	uint8_t proto;
};

/* ip_rcv_core and ip_local_deliver.  `rep`: bytes of the datagram on the
 * wire. */
static enum gate_drop ipv4(const uint8_t *ip, size_t rep, unsigned flags, struct l4 *u)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4, total = rd16(ip + 2);

	if (gate_csum_fold(gate_csum_add(0, ip, ihl)) != 0xffff)
		return GATE_CSUM;
	/* iph_totlen: 0 stands for the frame's length only in a BIG TCP
	 * super-segment, longer than any length the field can hold. */
	if (total == 0) {
		if ((flags & GATE_RECEIVER) && rep <= IP_MAX_LEN)
			return GATE_LEN;
		total = rep;
	}
	if (total > rep)
		return GATE_LEN;
	if (rd16(ip + 6) & IPV4_MF)
		return GATE_FRAG;
	u->p = ip + ihl;
	u->len = total - ihl;
	u->proto = ip[9];
	return GATE_PASS;
}

/* ip6_rcv_core and the extension headers up to the upper layer. */
static enum gate_drop ipv6(const uint8_t *ip, size_t cap, size_t rep, unsigned flags,
			   struct l4 *u)
{
	size_t plen = rd16(ip + 4), off = 0;
	uint8_t nh = ip[6];
	bool frag = false;

	if (plen == 0) {
		plen = seg_ipv6_jumbo(ip, cap);
		if (plen == 0 && (flags & GATE_RECEIVER) && rep - IPV6_HDR <= IP_MAX_LEN)
			return GATE_LEN;
		if (plen == 0)
			plen = rep - IPV6_HDR;
	}
	if (plen > rep - IPV6_HDR)
		return GATE_LEN;
	/* The decoder walked this chain to SEG_OK already. */
	cap = min_size(cap - IPV6_HDR, plen);
	if (seg_ipv6_ext(ip + IPV6_HDR, cap, plen, &nh, &off, &frag) != SEG_OK)
		return GATE_LEN;
	if (frag)
		return GATE_FRAG;
	u->p = ip + IPV6_HDR + off;
	u->len = plen - off;
	u->proto = nh;
	return GATE_PASS;
}

/* The pseudo-header's sum (RFC 9293 3.1, RFC 8200 8.1). */
static uint64_t pseudo_sum(const struct segment *s, uint8_t proto, size_t len)
{
	size_t al = seg_addrlen(s->family);
	uint64_t sum = gate_csum_add(gate_csum_add(0, s->src, al), s->dst, al);

	return sum + proto + (len >> 16) + (len & 0xffff);
}

/* The upper layer's checksum, when all of it was captured. */
static bool l4_csum_ok(const struct gate_frame *f, const struct segment *s, const struct l4 *u)
{
	bool pseudo = u->proto == PROTO_TCP || u->proto == PROTO_ICMPV6;
	uint64_t ph = pseudo ? pseudo_sum(s, u->proto, u->len) : 0;

	if ((size_t)(u->p - f->frame) + u->len > f->caplen)
		return true; /* not captured whole: cannot tell */
	if (gate_csum_fold(gate_csum_add(ph, u->p, u->len)) == 0xffff)
		return true;
	/* CHECKSUM_PARTIAL (gate.h): only TCP is offloaded. */
	return u->proto == PROTO_TCP && rd16(u->p + 16) == gate_csum_fold(ph);
}

enum gate_drop seg_gate(const struct gate_frame *f, const struct segment *s, unsigned flags)
{
	size_t at = (size_t)(s->ip - f->frame);
	int pkt_type = flags & GATE_RECEIVER ? link_pkt_type(f) : PKT_HOST;
	struct l4 u;
	enum gate_drop d;

	if (pkt_type == PKT_OTHERHOST)
		return GATE_OTHERHOST;
	if (s->family == AF_INET)
		d = ipv4(s->ip, f->wirelen - at, flags, &u);
	else
		d = ipv6(s->ip, f->caplen - at, f->wirelen - at, flags, &u);
	if (d != GATE_PASS)
		return d;
	/* tcp_v4_rcv, tcp_v6_rcv: "if (skb->pkt_type != PACKET_HOST) goto
	 * discard_it".  Our own frames (a cooked capture's OUTGOING) are not
	 * judged. */
	if (s->kind == SEG_TCP && pkt_type != PKT_HOST && pkt_type != PKT_OUTGOING)
		return GATE_OTHERHOST;
	if ((flags & GATE_BARE_CSUM) && s->kind == SEG_TCP && s->len > 1)
		return GATE_PASS;
	return l4_csum_ok(f, s, &u) ? GATE_PASS : GATE_CSUM;
}
