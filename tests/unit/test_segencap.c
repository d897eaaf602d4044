/* test_segencap.c - the decoder on what issue 9 added: IP lengths of 0
 * (TSO, BIG TCP, jumbograms), tunnels and their ids, and the link types
 * past Ethernet, SLL, raw IP and NULL.
 *
 * Each frame is one header stack in front of the same IPv4 (or IPv6) TCP
 * segment, so every test checks the same inner fields; decode() works on a
 * heap copy of exactly caplen bytes, so that AddressSanitizer catches any
 * read past it, and every prefix of each frame is decoded too. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "decode/segment.h"
#include "unit.h"

#define SPORT 40000
#define DPORT 443
#define SEQ 0x01020304u
#define PAYLOAD 10

struct frame {
	uint8_t b[512];
	size_t n;
};

static void put(struct frame *f, const void *p, size_t n)
{
	CU_ASSERT_FATAL(f->n + n <= sizeof f->b);
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put8(struct frame *f, unsigned v)
{
	uint8_t b = (uint8_t)v;

	put(f, &b, 1);
}

static void put16(struct frame *f, unsigned v)
{
	put8(f, v >> 8);
	put8(f, v);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, v >> 16);
	put16(f, v & 0xffff);
}

static void put16le(struct frame *f, unsigned v)
{
	put8(f, v);
	put8(f, v >> 8);
}

static void put32le(struct frame *f, uint32_t v)
{
	put16le(f, v & 0xffff);
	put16le(f, v >> 16);
}

static const uint8_t MAC[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
static const uint8_t SNAP[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
static const uint8_t IN4_SRC[4] = { 10, 0, 0, 1 }, IN4_DST[4] = { 10, 0, 0, 2 };
static const uint8_t IN6_SRC[16] = { 0xfd, [15] = 1 }, IN6_DST[16] = { 0xfd, [15] = 2 };

static void ether(struct frame *f, unsigned type)
{
	put(f, MAC, sizeof MAC);
	put16(f, type);
}

static void tcp(struct frame *f)
{
	put16(f, SPORT);
	put16(f, DPORT);
	put32(f, SEQ);
	put32(f, 0);
	put8(f, 5 << 4);
	put8(f, TCPF_ACK);
	put16(f, 1000);
	put32(f, 0);
	for (int i = 0; i < PAYLOAD; i++)
		put8(f, 'x');
}

/* The inner segment: IPv4 with total length `total` (0: as TSO leaves
 * it), TTL 9. */
static void ip4_tcp_len(struct frame *f, unsigned total)
{
	put8(f, 0x45);
	put8(f, 0);
	put16(f, total);
	put16(f, 0x1234);
	put16(f, 0x4000);
	put8(f, 9);
	put8(f, 6);
	put16(f, 0);
	put(f, IN4_SRC, 4);
	put(f, IN4_DST, 4);
	tcp(f);
}

static void ip4_tcp(struct frame *f)
{
	ip4_tcp_len(f, 40 + PAYLOAD);
}

static void ip6_hdr(struct frame *f, unsigned plen, unsigned nh)
{
	put32(f, 0x60000000u);
	put16(f, plen);
	put8(f, nh);
	put8(f, 9);
	put(f, IN6_SRC, 16);
	put(f, IN6_DST, 16);
}

static void ip6_tcp(struct frame *f)
{
	ip6_hdr(f, 20 + PAYLOAD, 6);
	tcp(f);
}

/* Decode from an exact-size heap copy of the first caplen bytes. */
static enum seg_result decode(int lt, const struct frame *f, size_t caplen, size_t wire,
			      struct segment *s)
{
	uint8_t *copy = malloc(caplen ? caplen : 1);
	enum seg_result r;

	CU_ASSERT_FATAL(copy != NULL && caplen <= f->n);
	memcpy(copy, f->b, caplen);
	r = seg_decode_ex(lt, caplen ? copy : NULL, caplen, wire, s, SEG_NO_OPTIONS);
	free(copy);
	return r;
}

/* The inner segment must come out whole; every prefix of the frame
 * decodes to the same or not at all.  Returns the tunnel id. */
static uint32_t expect_family(int lt, const struct frame *f, int family)
{
	struct segment s, p;
	size_t alen = family == AF_INET6 ? 16 : 4;
	uint8_t zero[12] = { 0 };

	CU_ASSERT_EQUAL_FATAL(decode(lt, f, f->n, f->n, &s), SEG_OK);
	CU_ASSERT_EQUAL(s.kind, SEG_TCP);
	CU_ASSERT_EQUAL(s.family, family);
	CU_ASSERT_EQUAL(memcmp(s.src, family == AF_INET6 ? IN6_SRC : IN4_SRC, alen), 0);
	CU_ASSERT_EQUAL(memcmp(s.dst, family == AF_INET6 ? IN6_DST : IN4_DST, alen), 0);
	if (family == AF_INET) {
		CU_ASSERT_EQUAL(memcmp(s.src + 4, zero, 12), 0);
		CU_ASSERT_EQUAL(memcmp(s.dst + 4, zero, 12), 0);
		CU_ASSERT_EQUAL(s.flowlabel, 0);
	} else {
		CU_ASSERT_EQUAL(s.ip_id, 0);
	}
	CU_ASSERT_EQUAL(s.ttl, 9);
	CU_ASSERT_EQUAL(s.sport, SPORT);
	CU_ASSERT_EQUAL(s.dport, DPORT);
	CU_ASSERT_EQUAL(s.seq, SEQ);
	CU_ASSERT_EQUAL(s.len, PAYLOAD);
	for (size_t n = 0; n < f->n; n++) {
		enum seg_result r = decode(lt, f, n, f->n, &p);

		CU_ASSERT(r != SEG_LINK);
		if (r == SEG_OK)
			CU_ASSERT(p.seq == s.seq && p.len == s.len && p.tunnel == s.tunnel);
	}
	return s.tunnel;
}

static uint32_t expect4(int lt, const struct frame *f)
{
	return expect_family(lt, f, AF_INET);
}

static enum seg_result result(int lt, const struct frame *f)
{
	struct segment s;

	return decode(lt, f, f->n, f->n, &s);
}

/* ---- lengths ------------------------------------------------------------------ */

/* Total length 0: the frame's length on the wire, even when cut short. */
static void test_ipv4_tso_length(void)
{
	struct frame f = { .n = 0 };
	struct segment s;

	ether(&f, 0x0800);
	ip4_tcp_len(&f, 0);
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, f.n, f.n, &s), SEG_OK);
	CU_ASSERT_EQUAL(s.len, PAYLOAD);
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, 54, 14 + 40 + 100000, &s), SEG_OK);
	CU_ASSERT_EQUAL(s.len, 100000);
	/* A wire length below the captured one is the captured one; and
	 * seg_decode (live mode) takes the frame as whole. */
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, f.n, 3, &s), SEG_OK);
	CU_ASSERT_EQUAL(s.len, PAYLOAD);
	CU_ASSERT_EQUAL_FATAL(seg_decode(DLT_EN10MB, f.b, f.n, &s), SEG_OK);
	CU_ASSERT_EQUAL(s.len, PAYLOAD);
}

/* RFC 2675: payload length 0, a Hop-by-Hop header with the Jumbo option
 * (between PadN and Pad1s), whose length counts the Hop-by-Hop header. */
static void test_ipv6_jumbogram(void)
{
	struct frame f = { .n = 0 };
	struct segment s;

	ether(&f, 0x86dd);
	ip6_hdr(&f, 0, 0);
	put8(&f, 6);
	put8(&f, 1);           /* 16 bytes */
	put8(&f, 1), put8(&f, 2), put16(&f, 0);  /* PadN: the option at 4n+2 */
	put8(&f, 0xc2);
	put8(&f, 4);
	put32(&f, 16 + 20 + 70000);
	put32(&f, 0);          /* 4 Pad1 */
	tcp(&f);
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, f.n, f.n, &s), SEG_OK);
	CU_ASSERT_EQUAL(s.len, 70000);
	CU_ASSERT_EQUAL(s.seq, SEQ);
}

/* Payload length 0 and no option (BIG TCP on newer Linux): the wire's. */
static void test_ipv6_zero_length(void)
{
	struct frame f = { .n = 0 };
	struct segment s;

	ether(&f, 0x86dd);
	ip6_hdr(&f, 0, 6);
	tcp(&f);
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, f.n, f.n, &s), SEG_OK);
	CU_ASSERT_EQUAL(s.len, PAYLOAD);
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, f.n, f.n + 90000, &s), SEG_OK);
	CU_ASSERT_EQUAL(s.len, PAYLOAD + 90000);
}

/* ---- tunnels ------------------------------------------------------------------- */

/* Outer Ethernet and IPv4 with protocol `proto`; returns the total length
 * field's offset, for outer_done. */
static size_t outer4(struct frame *f, unsigned proto)
{
	size_t at;

	ether(f, 0x0800);
	at = f->n;
	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);
	put32(f, 0);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, 0xcb007101);
	put32(f, 0xcb007102);
	return at;
}

static void outer_done(struct frame *f, size_t at)
{
	f->b[at + 2] = (uint8_t)((f->n - at) >> 8);
	f->b[at + 3] = (uint8_t)(f->n - at);
}

static void udp(struct frame *f, unsigned sport, unsigned dport)
{
	put16(f, sport);
	put16(f, dport);
	put16(f, 0);   /* length: udp_done */
	put16(f, 0);
}

static void udp_done(struct frame *f, size_t ip)
{
	size_t at = ip + 20, len = f->n - at;

	f->b[at + 4] = (uint8_t)(len >> 8);
	f->b[at + 5] = (uint8_t)len;
	outer_done(f, ip);
}

static uint32_t vxlan(unsigned port, uint32_t vni)
{
	struct frame f = { .n = 0 };
	size_t ip = outer4(&f, 17);

	udp(&f, 55555, port);
	put32(&f, 0x08000000);
	put32(&f, vni << 8);
	ether(&f, 0x0800);
	ip4_tcp(&f);
	udp_done(&f, ip);
	return expect4(DLT_EN10MB, &f);
}

/* The same inner segment in two VNIs, on both VXLAN ports: distinct ids,
 * none 0; outside any tunnel, 0. */
static void test_vxlan_ids(void)
{
	struct frame f = { .n = 0 };
	uint32_t a = vxlan(4789, 100), b = vxlan(4789, 5000);

	CU_ASSERT(a != 0 && b != 0 && a != b);
	CU_ASSERT_EQUAL(vxlan(8472, 100), a);
	ether(&f, 0x0800);
	ip4_tcp(&f);
	CU_ASSERT_EQUAL(expect4(DLT_EN10MB, &f), 0);
}

/* The tunnel port on the source side, the lower one: still VXLAN. */
static void test_udp_port_order(void)
{
	struct frame f = { .n = 0 };
	size_t ip = outer4(&f, 17);

	udp(&f, 4789, 60000);
	put32(&f, 0x08000000);
	put32(&f, 7 << 8);
	ether(&f, 0x0800);
	ip4_tcp(&f);
	udp_done(&f, ip);
	CU_ASSERT_NOT_EQUAL(expect4(DLT_EN10MB, &f), 0);
	/* A UDP datagram on no tunnel's port is not TCP. */
	f.b[ip + 20] = 0x30;
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_SKIP);
}

/* Geneve with 8 bytes of options, carrying IPv6 straight (no Ethernet). */
static void test_geneve_options(void)
{
	struct frame f = { .n = 0 };
	size_t ip = outer4(&f, 17);

	udp(&f, 55555, 6081);
	put8(&f, 2);             /* version 0, 2 words of options */
	put8(&f, 0);
	put16(&f, 0x86dd);
	put32(&f, 42 << 8);
	put32(&f, 0x01020304);
	put32(&f, 0x05060708);
	ip6_tcp(&f);
	udp_done(&f, ip);
	CU_ASSERT_NOT_EQUAL(expect_family(DLT_EN10MB, &f, AF_INET6), 0);
}

/* GTP-U with a sequence number and one extension header (PDU session). */
static void test_gtpu_extension(void)
{
	struct frame f = { .n = 0 };
	size_t ip = outer4(&f, 17);

	udp(&f, 2152, 2152);
	put8(&f, 0x34);          /* version 1, GTP, E */
	put8(&f, 0xff);
	put16(&f, 0);
	put32(&f, 0xdeadbeef);   /* TEID */
	put16(&f, 0);
	put8(&f, 0);
	put8(&f, 0x85);          /* next: PDU session container */
	put8(&f, 1);             /* 4 bytes */
	put16(&f, 0x0009);
	put8(&f, 0);             /* no more */
	ip4_tcp(&f);
	udp_done(&f, ip);
	CU_ASSERT_NOT_EQUAL(expect4(DLT_EN10MB, &f), 0);
	/* A GTP message other than a G-PDU carries no user packet. */
	f.b[ip + 28 + 1] = 1;
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_SKIP);
}

/* GRE, keys told apart, with checksum and sequence fields skipped. */
static uint32_t gre(unsigned flags, uint32_t key, unsigned proto)
{
	struct frame f = { .n = 0 };
	size_t ip = outer4(&f, 47);

	put16(&f, flags);
	put16(&f, proto);
	if (flags & 0x8000)
		put32(&f, 0);
	if (flags & 0x2000)
		put32(&f, key);
	if (flags & 0x1000)
		put32(&f, 77);
	if (proto == 0x6558)
		ether(&f, 0x0800);
	ip4_tcp(&f);
	outer_done(&f, ip);
	return expect4(DLT_EN10MB, &f);
}

static void test_gre(void)
{
	uint32_t plain = gre(0, 0, 0x0800);

	CU_ASSERT_NOT_EQUAL(plain, 0);
	CU_ASSERT_EQUAL(gre(0x8000 | 0x1000, 0, 0x0800), plain);
	CU_ASSERT_NOT_EQUAL(gre(0x2000, 1, 0x0800), gre(0x2000, 2, 0x0800));
	CU_ASSERT_EQUAL(gre(0xb000, 1, 0x6558), gre(0x2000, 1, 0x0800));
}

/* GRE's other forms: RFC 1701 routing, PPTP's version 1 (the key's call id
 * is the tunnel's key, its length half is not), WCCP with and without the
 * redirect header. */
static uint32_t gre_form(int form, unsigned word)
{
	struct frame f = { .n = 0 };
	size_t ip = outer4(&f, 47);

	if (form == 0) {                      /* routing: C/O, one SRE, the null one */
		put16(&f, 0x4000);
		put16(&f, 0x0800);
		put32(&f, 0);
		put16(&f, 0x0800), put8(&f, 0), put8(&f, 4), put32(&f, word);
		put32(&f, 0);
	} else if (form == 1) {               /* PPTP: K, S, A; PPP with FF 03 */
		put16(&f, 0x3081);
		put16(&f, 0x880b);
		put16(&f, word), put16(&f, 7);    /* payload length, call id */
		put32(&f, 1), put32(&f, 2);
		put16(&f, 0xff03), put16(&f, 0x0021);
	} else {                              /* WCCP, a redirect header when word */
		put16(&f, 0);
		put16(&f, 0x883e);
		if (word)
			put32(&f, word);
	}
	ip4_tcp(&f);
	outer_done(&f, ip);
	return expect4(DLT_EN10MB, &f);
}

static void test_gre_forms(void)
{
	CU_ASSERT_EQUAL(gre_form(0, 1), gre_form(0, 2));
	CU_ASSERT_EQUAL(gre_form(1, 60), gre_form(1, 1400));
	CU_ASSERT_EQUAL(gre_form(2, 0), gre_form(2, 0x00010203));
}

/* L2TPv2 with and without length and sequence numbers (the ids are the
 * key); Teredo with and without an origin indication. */
static uint32_t udp_form(unsigned port, bool extra, uint32_t ids)
{
	struct frame f = { .n = 0 };
	size_t ip = outer4(&f, 17);

	udp(&f, port, port == 1701 ? 1701 : 50000);
	if (port == 1701) {
		put16(&f, extra ? 0x4802 : 0x0002);
		if (extra)
			put16(&f, 0);             /* length: not checked */
		put32(&f, ids);
		if (extra)
			put32(&f, 0);
		put16(&f, 0xff03), put16(&f, 0x0057);
	} else if (extra) {
		put16(&f, 0), put16(&f, 0), put32(&f, 0);
	}
	ip6_tcp(&f);
	udp_done(&f, ip);
	return expect_family(DLT_EN10MB, &f, AF_INET6);
}

static void test_l2tp_teredo(void)
{
	CU_ASSERT_EQUAL(udp_form(1701, false, 0x00050009), udp_form(1701, true, 0x00050009));
	CU_ASSERT_NOT_EQUAL(udp_form(1701, false, 0x00050009), udp_form(1701, false, 0x0005000a));
	CU_ASSERT_EQUAL(udp_form(3544, false, 0), udp_form(3544, true, 0));
}

static uint32_t erspan(int type, unsigned session, bool opt)
{
	struct frame f = { .n = 0 };
	size_t ip = outer4(&f, 47);

	put16(&f, type == 1 ? 0 : 0x1000);
	put16(&f, type == 3 ? 0x22eb : 0x88be);
	if (type != 1)
		put32(&f, 5);                     /* GRE sequence number */
	if (type == 2) {
		put16(&f, 0x1000);
		put16(&f, session);
		put32(&f, 0);
	} else if (type == 3) {
		put16(&f, 0x2000);
		put16(&f, session);
		put32(&f, 0x11111111);            /* timestamp */
		put16(&f, 0);
		put16(&f, opt ? 1 : 0);           /* FT 0 (Ethernet), O */
		if (opt)
			put32(&f, 0), put32(&f, 0);
	}
	ether(&f, 0x0800);
	ip4_tcp(&f);
	outer_done(&f, ip);
	return expect4(DLT_EN10MB, &f);
}

static void test_erspan(void)
{
	CU_ASSERT_NOT_EQUAL(erspan(1, 0, false), 0);
	CU_ASSERT_NOT_EQUAL(erspan(2, 1, false), erspan(2, 2, false));
	CU_ASSERT_EQUAL(erspan(3, 9, true), erspan(3, 9, false));
}

/* Three MPLS labels, then IPv4 found by its version nibble. */
static void test_mpls(void)
{
	struct frame f = { .n = 0 };

	ether(&f, 0x8847);
	put32(&f, 100 << 12 | 64);
	put32(&f, 200 << 12 | 64);
	put32(&f, 300 << 12 | 0x100 | 64);
	ip4_tcp(&f);
	CU_ASSERT_NOT_EQUAL(expect4(DLT_EN10MB, &f), 0);
}

static uint32_t pppoe(unsigned session)
{
	struct frame f = { .n = 0 };

	ether(&f, 0x8864);
	put8(&f, 0x11);
	put8(&f, 0);
	put16(&f, session);
	put16(&f, 2 + 40 + PAYLOAD);
	put16(&f, 0x0021);
	ip4_tcp(&f);
	return expect4(DLT_EN10MB, &f);
}

static void test_pppoe(void)
{
	CU_ASSERT_NOT_EQUAL(pppoe(1), pppoe(2));
}

/* 4in6 and 6in4: inner headers replace the outer's fields entirely. */
static void test_ip_in_ip(void)
{
	struct frame f = { .n = 0 };
	size_t ip;

	ether(&f, 0x86dd);
	ip6_hdr(&f, 40 + PAYLOAD, 4);
	ip4_tcp(&f);
	CU_ASSERT_NOT_EQUAL(expect4(DLT_EN10MB, &f), 0);

	f = (struct frame){ .n = 0 };
	ip = outer4(&f, 41);
	ip6_tcp(&f);
	outer_done(&f, ip);
	CU_ASSERT_NOT_EQUAL(expect_family(DLT_EN10MB, &f, AF_INET6), 0);
}

/* SEG_MAX_ENCAP tunnels deep decode; one more does not. */
static void test_nesting_limit(void)
{
	for (int depth = SEG_MAX_ENCAP; depth <= SEG_MAX_ENCAP + 1; depth++) {
		struct frame f = { .n = 0 };
		struct segment s;

		for (int i = 0; i < depth; i++) {
			ip6_hdr(&f, 0, 41);   /* lengths: from the frame */
		}
		ip6_tcp(&f);
		CU_ASSERT_EQUAL(decode(DLT_RAW, &f, f.n, f.n, &s),
				depth == SEG_MAX_ENCAP ? SEG_OK : SEG_SKIP);
	}
}

/* ---- link types -------------------------------------------------------------------- */

static void test_ppp_and_hdlc(void)
{
	struct frame f = { .n = 0 };

	put8(&f, 0xff), put8(&f, 0x03), put16(&f, 0x0021);
	ip4_tcp(&f);
	expect4(DLT_PPP, &f);
	expect4(DLT_PPP_SERIAL, &f);
	f = (struct frame){ .n = 0 };
	put8(&f, 0x21);                       /* compressed protocol, no FF 03 */
	ip4_tcp(&f);
	expect4(DLT_PPP, &f);
	f = (struct frame){ .n = 0 };
	put8(&f, 0x0f), put8(&f, 0), put16(&f, 0x0800);
	ip4_tcp(&f);
	expect4(DLT_C_HDLC, &f);
	expect4(DLT_PPP_SERIAL, &f);          /* Cisco HDLC in PPP_HDLC */
}

/* PPP with a direction byte (204); PPPoE with no Ethernet header (51). */
static void test_ppp_dir_and_ether(void)
{
	struct frame f = { .n = 0 };

	put8(&f, 1);
	put16(&f, 0xff03), put16(&f, 0x0021);
	ip4_tcp(&f);
	expect4(DLT_PPP_WITH_DIR, &f);
	f.n = 0;
	put8(&f, 0x11), put8(&f, 0), put16(&f, 0x1234), put16(&f, 0);
	put16(&f, 0x0057);
	ip6_tcp(&f);
	expect_family(DLT_PPP_ETHER, &f, AF_INET6);
}

static void test_fddi_and_arcnet(void)
{
	struct frame f = { .n = 0 };

	put8(&f, 0x50);
	put(&f, MAC, 12);
	put(&f, SNAP, 6);
	put16(&f, 0x0800);
	ip4_tcp(&f);
	expect4(DLT_FDDI, &f);

	f = (struct frame){ .n = 0 };
	put8(&f, 1), put8(&f, 2), put8(&f, 0xd4), put8(&f, 0), put16(&f, 9);
	ip4_tcp(&f);
	expect4(DLT_ARCNET, &f);
	f = (struct frame){ .n = 0 };       /* a BSD exception packet */
	put8(&f, 1), put8(&f, 2), put8(&f, 0xd4), put8(&f, 0xff);
	put16(&f, 0xffff), put8(&f, 0xd4), put8(&f, 0), put16(&f, 9);
	ip4_tcp(&f);
	expect4(DLT_ARCNET, &f);
	f = (struct frame){ .n = 0 };       /* Linux: an offset; RFC 1051 IP */
	put8(&f, 1), put8(&f, 2), put16(&f, 0), put8(&f, 0xf0);
	ip4_tcp(&f);
	expect4(DLT_ARCNET_LINUX, &f);
}

/* An 802.11 data frame: fc0, fc1, then the rest of the header. */
static void wlan(struct frame *f, unsigned fc0, unsigned fc1)
{
	put8(f, fc0);
	put8(f, fc1);
	put16(f, 0);
	put(f, MAC, 12);
	put(f, MAC, 6);
	put16(f, 0);
	if ((fc1 & 3) == 3)
		put(f, MAC, 6);
	if (fc0 & 0x80)
		put16(f, 0);
}

static void test_wlan(void)
{
	static const unsigned ok[][2] = { { 0x08, 0x01 }, { 0x88, 0x02 }, { 0x88, 0x03 } };
	static const unsigned skip[][2] = { { 0x48, 0x01 }, { 0x08, 0x41 }, { 0x80, 0x00 } };
	struct frame f;

	for (size_t i = 0; i < 3; i++) {
		f = (struct frame){ .n = 0 };
		wlan(&f, ok[i][0], ok[i][1]);
		put(&f, SNAP, 6);
		put16(&f, 0x0800);
		ip4_tcp(&f);
		expect4(DLT_IEEE802_11, &f);
		/* null data, protected, a beacon */
		f = (struct frame){ .n = 0 };
		wlan(&f, skip[i][0], skip[i][1]);
		put(&f, SNAP, 6);
		put16(&f, 0x0800);
		ip4_tcp(&f);
		CU_ASSERT_EQUAL(result(DLT_IEEE802_11, &f), SEG_SKIP);
	}
}

/* Radiotap with TSFT and Flags (FCS at the end, data padding), then PPI. */
static void test_radiotap_and_ppi(void)
{
	struct frame f = { .n = 0 };

	put8(&f, 0), put8(&f, 0), put16le(&f, 17), put32le(&f, 0x03);
	put32le(&f, 0), put32le(&f, 0);      /* TSFT */
	put8(&f, 0x30);                      /* FCS, data pad */
	wlan(&f, 0x88, 0x01);                /* 26 bytes: padded to 28 */
	put16(&f, 0);
	put(&f, SNAP, 6);
	put16(&f, 0x0800);
	ip4_tcp(&f);
	put32(&f, 0);                        /* the FCS */
	expect4(DLT_IEEE802_11_RADIO, &f);

	f = (struct frame){ .n = 0 };
	put8(&f, 0), put8(&f, 0), put16le(&f, 8), put32le(&f, DLT_IEEE802_11);
	wlan(&f, 0x08, 0x02);
	put(&f, SNAP, 6);
	put16(&f, 0x0800);
	ip4_tcp(&f);
	expect4(DLT_PPI, &f);
}

static void test_pktap(void)
{
	struct frame f = { .n = 0 };

	put32le(&f, 16), put32le(&f, 1), put32le(&f, DLT_EN10MB), put32le(&f, 0);
	ether(&f, 0x0800);
	ip4_tcp(&f);
	expect4(258, &f);
	f.b[4] = 0;                           /* PTH_TYPE_NONE */
	CU_ASSERT_EQUAL(result(258, &f), SEG_SKIP);
}

/* NFLOG: TLV lengths and types in this host's order; PAYLOAD after a
 * PACKET_HDR and a 5-byte PREFIX padded to 8. */
static void test_nflog(void)
{
	struct frame f = { .n = 0 };
	uint16_t tlv[2];

	put8(&f, AF_INET), put8(&f, 0), put16(&f, 0);
	tlv[0] = 8, tlv[1] = 1;
	put(&f, tlv, 4), put32(&f, 0x08000300);
	tlv[0] = 9, tlv[1] = 10;
	put(&f, tlv, 4), put(&f, "abcd\0\0\0\0", 8);
	tlv[0] = 4 + 40 + PAYLOAD, tlv[1] = 9;
	put(&f, tlv, 4);
	ip4_tcp(&f);
	expect4(DLT_NFLOG, &f);
}

static void test_ipoib_and_juniper(void)
{
	struct frame f = { .n = 0 };

	for (int i = 0; i < 40; i++)
		put8(&f, 0);
	put16(&f, 0x0800), put16(&f, 0);
	ip4_tcp(&f);
	expect4(DLT_IPOIB, &f);

	f = (struct frame){ .n = 0 };
	put(&f, "MGC", 3), put8(&f, 0x81), put16(&f, 6), put8(&f, 1), put8(&f, 4), put32(&f, 7);
	ether(&f, 0x0800);
	ip4_tcp(&f);
	expect4(DLT_JUNIPER_ETHER, &f);
	f = (struct frame){ .n = 0 };       /* no link header: protocol 2, IP */
	put(&f, "MGC", 3), put8(&f, 0x02), put32le(&f, 2);
	ip4_tcp(&f);
	expect4(DLT_JUNIPER_ETHER, &f);
	f.b[0] = 'X';
	CU_ASSERT_EQUAL(result(DLT_JUNIPER_ETHER, &f), SEG_BAD);
}

void suite_segencap(void)
{
	UNIT_SUITE("segencap",
		   UNIT_TEST(test_ipv4_tso_length),
		   UNIT_TEST(test_ipv6_jumbogram),
		   UNIT_TEST(test_ipv6_zero_length),
		   UNIT_TEST(test_vxlan_ids),
		   UNIT_TEST(test_udp_port_order),
		   UNIT_TEST(test_geneve_options),
		   UNIT_TEST(test_gtpu_extension),
		   UNIT_TEST(test_gre),
		   UNIT_TEST(test_gre_forms),
		   UNIT_TEST(test_l2tp_teredo),
		   UNIT_TEST(test_ppp_dir_and_ether),
		   UNIT_TEST(test_erspan),
		   UNIT_TEST(test_mpls),
		   UNIT_TEST(test_pppoe),
		   UNIT_TEST(test_ip_in_ip),
		   UNIT_TEST(test_nesting_limit),
		   UNIT_TEST(test_ppp_and_hdlc),
		   UNIT_TEST(test_fddi_and_arcnet),
		   UNIT_TEST(test_wlan),
		   UNIT_TEST(test_radiotap_and_ppi),
		   UNIT_TEST(test_pktap),
		   UNIT_TEST(test_nflog),
		   UNIT_TEST(test_ipoib_and_juniper));
}
