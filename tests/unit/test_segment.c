/* test_segment.c - the frame decoder, on frames built here byte by byte.
 *
 * Every decoded field is compared (check_seg), so a field filled wrongly or
 * left over from another layer shows up.  The prefix and mutation tests copy
 * each frame to a heap block of exactly the length given, so that under
 * AddressSanitizer any read past caplen is caught. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "decode/segment.h"
#include "unit.h"

/* ---- building frames ------------------------------------------------------ */

struct frame {
	uint8_t b[2048];
	size_t n;
};

static const uint8_t V4_SRC[4] = { 192, 0, 2, 1 };
static const uint8_t V4_DST[4] = { 198, 51, 100, 2 };
static const uint8_t V4_ROUTER[4] = { 203, 0, 113, 9 };
static const uint8_t V6_SRC[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t V6_DST[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t V6_ROUTER[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0xff, [15] = 0xfe };

#define SPORT 40000
#define DPORT 443
#define SEQ 0x01020304u
#define ACK 0xa0b0c0d0u
#define WIN 502
#define FLOWLABEL 0xabcdeu

/* Linux's layout for an established segment: NOP, NOP, TS. */
static const uint8_t TS_OPTS[12] = { 1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04 };
/* Linux's SYN: MSS 1460, SACK_PERM, TS, NOP, WS 7. */
static const uint8_t SYN_OPTS[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44,
				      0, 0, 0, 0, 1, 3, 3, 7 };

static void put(struct frame *f, const void *p, size_t n)
{
	CU_ASSERT_FATAL(f->n + n <= sizeof f->b);
	if (n) /* p may be NULL for "no options" */
		memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put8(struct frame *f, uint8_t v)
{
	put(f, &v, 1);
}

static void put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void fill(struct frame *f, size_t n, uint8_t byte)
{
	while (n--)
		put8(f, byte);
}

static void set16(struct frame *f, size_t at, uint16_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* Ethernet addresses only; the caller adds tags and the type. */
static void eth_addrs(struct frame *f)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };

	put(f, macs, sizeof macs);
}

static void eth(struct frame *f, uint16_t type)
{
	eth_addrs(f);
	put16(f, type);
}

/* IPv4, no options, DF, id 0x1234, TTL 64; ipv4_done fills the length. */
static size_t ipv4(struct frame *f, uint8_t proto, const uint8_t *src, const uint8_t *dst)
{
	size_t at = f->n;

	put8(f, 0x45);
	put8(f, 0);
	put16(f, 0);       /* total length, later */
	put16(f, 0x1234);  /* id */
	put16(f, 0x4000);  /* DF, offset 0 */
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);       /* checksum, later */
	put(f, src, 4);
	put(f, dst, 4);
	return at;
}

static void ipv4_checksum(struct frame *f, size_t at)
{
	size_t ihl = (size_t)(f->b[at] & 0x0f) * 4;
	uint32_t sum = 0;

	set16(f, at + 10, 0);
	for (size_t i = 0; i + 1 < ihl; i += 2)
		sum += (uint32_t)(f->b[at + i] << 8 | f->b[at + i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	set16(f, at + 10, (uint16_t)~sum);
}

static void ipv4_done(struct frame *f, size_t at)
{
	set16(f, at + 2, (uint16_t)(f->n - at));
	ipv4_checksum(f, at);
}

/* IPv6, flow label FLOWLABEL, hop limit 64; ipv6_done fills the length. */
static size_t ipv6(struct frame *f, uint8_t nh, const uint8_t *src, const uint8_t *dst)
{
	size_t at = f->n;

	put32(f, 0x60000000u | FLOWLABEL);
	put16(f, 0);       /* payload length, later */
	put8(f, nh);
	put8(f, 64);
	put(f, src, 16);
	put(f, dst, 16);
	return at;
}

static void ipv6_done(struct frame *f, size_t at)
{
	set16(f, at + 4, (uint16_t)(f->n - at - 40));
}

static void tcp_hdr(struct frame *f, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
		    const uint8_t *opts, size_t optlen)
{
	put16(f, SPORT);
	put16(f, DPORT);
	put32(f, seq);
	put32(f, ack);
	put8(f, (uint8_t)((20 + optlen) / 4 << 4));
	put8(f, flags);
	put16(f, win);
	put16(f, 0);       /* checksum: not the decoder's business */
	put16(f, 0);       /* urgent pointer */
	put(f, opts, optlen);
}

static void tcp(struct frame *f, const uint8_t *opts, size_t optlen)
{
	tcp_hdr(f, SEQ, ACK, TCPF_ACK, WIN, opts, optlen);
}

static void v4_tcp(struct frame *f, const uint8_t *opts, size_t optlen, size_t paylen)
{
	size_t ip = ipv4(f, 6, V4_SRC, V4_DST);

	tcp(f, opts, optlen);
	fill(f, paylen, 'x');
	ipv4_done(f, ip);
}

static void v6_tcp(struct frame *f, const uint8_t *opts, size_t optlen, size_t paylen)
{
	size_t ip = ipv6(f, 6, V6_SRC, V6_DST);

	tcp(f, opts, optlen);
	fill(f, paylen, 'x');
	ipv6_done(f, ip);
}

/* ---- what the decoder should give ----------------------------------------- */

static struct segment want_tcp(int family, uint32_t len)
{
	struct segment w;

	memset(&w, 0, sizeof w);
	w.kind = SEG_TCP;
	w.family = family;
	w.ttl = 64;
	if (family == AF_INET) {
		memcpy(w.src, V4_SRC, 4);
		memcpy(w.dst, V4_DST, 4);
		w.ip_id = 0x1234;
		w.df = true;
	} else {
		memcpy(w.src, V6_SRC, 16);
		memcpy(w.dst, V6_DST, 16);
		w.flowlabel = FLOWLABEL;
	}
	w.sport = SPORT;
	w.dport = DPORT;
	w.seq = SEQ;
	w.ack = ACK;
	w.flags = TCPF_ACK;
	w.win = WIN;
	w.len = len;
	return w;
}

static struct segment want_ts(int family, uint32_t len)
{
	struct segment w = want_tcp(family, len);

	w.opt.has_ts = true;
	w.opt.tsval = 0xdeadbeef;
	w.opt.tsecr = 0x01020304;
	w.opt.len = 12;
	return w;
}

static void check_seg(const struct segment *g, const struct segment *w)
{
	CU_ASSERT_EQUAL(g->kind, w->kind);
	CU_ASSERT_EQUAL(g->family, w->family);
	CU_ASSERT_EQUAL(memcmp(g->src, w->src, 16), 0);
	CU_ASSERT_EQUAL(memcmp(g->dst, w->dst, 16), 0);
	CU_ASSERT_EQUAL(g->ttl, w->ttl);
	CU_ASSERT_EQUAL(g->ip_id, w->ip_id);
	CU_ASSERT_EQUAL(g->flowlabel, w->flowlabel);
	CU_ASSERT_EQUAL(g->df, w->df);
	CU_ASSERT_EQUAL(memcmp(g->qsrc, w->qsrc, 16), 0);
	CU_ASSERT_EQUAL(memcmp(g->qdst, w->qdst, 16), 0);
	CU_ASSERT_EQUAL(g->sport, w->sport);
	CU_ASSERT_EQUAL(g->dport, w->dport);
	CU_ASSERT_EQUAL(g->seq, w->seq);
	CU_ASSERT_EQUAL(g->ack, w->ack);
	CU_ASSERT_EQUAL(g->flags, w->flags);
	CU_ASSERT_EQUAL(g->win, w->win);
	CU_ASSERT_EQUAL(g->len, w->len);
	CU_ASSERT_EQUAL(g->opt.has_mss, w->opt.has_mss);
	CU_ASSERT_EQUAL(g->opt.has_wscale, w->opt.has_wscale);
	CU_ASSERT_EQUAL(g->opt.sack_perm, w->opt.sack_perm);
	CU_ASSERT_EQUAL(g->opt.has_ts, w->opt.has_ts);
	CU_ASSERT_EQUAL(g->opt.has_sack, w->opt.has_sack);
	CU_ASSERT_EQUAL(g->opt.truncated, w->opt.truncated);
	CU_ASSERT_EQUAL(g->opt.mss, w->opt.mss);
	CU_ASSERT_EQUAL(g->opt.wscale, w->opt.wscale);
	CU_ASSERT_EQUAL(g->opt.tsval, w->opt.tsval);
	CU_ASSERT_EQUAL(g->opt.tsecr, w->opt.tsecr);
	CU_ASSERT_EQUAL(g->opt.len, w->opt.len);
	CU_ASSERT_EQUAL(g->icmp_type, w->icmp_type);
	CU_ASSERT_EQUAL(g->icmp_code, w->icmp_code);
}

/* Decode from a heap copy of exactly caplen bytes (see the file comment). */
static enum seg_result decode(int linktype, const struct frame *f, size_t caplen,
			      struct segment *out)
{
	uint8_t *copy = malloc(caplen ? caplen : 1);
	enum seg_result r;

	CU_ASSERT_FATAL(copy != NULL);
	CU_ASSERT_FATAL(caplen <= f->n);
	memcpy(copy, f->b, caplen);
	r = seg_decode(linktype, copy, caplen, out);
	free(copy);
	return r;
}

/* Decode the whole frame, expect SEG_OK and exactly *want. */
static void expect(int linktype, const struct frame *f, const struct segment *want)
{
	struct segment d;

	CU_ASSERT_EQUAL_FATAL(decode(linktype, f, f->n, &d), SEG_OK);
	check_seg(&d, want);
}

static enum seg_result result(int linktype, const struct frame *f)
{
	struct segment d;

	return decode(linktype, f, f->n, &d);
}

/* ---- TCP over Ethernet ---------------------------------------------------- */

static void test_eth_ipv4_ts(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_ts(AF_INET, 0);

	eth(&f, 0x0800);
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 0);
	CU_ASSERT_EQUAL(f.n, 14 + 20 + 32);
	expect(DLT_EN10MB, &f, &w);
}

/* Minimum-size Ethernet frames carry a trailer after the IP datagram: it is
 * neither payload nor options. */
static void test_eth_trailer_ignored(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_tcp(AF_INET, 0);

	eth(&f, 0x0800);
	v4_tcp(&f, NULL, 0, 0);
	fill(&f, 60 - f.n, 0x02); /* would read as an MSS option kind */
	CU_ASSERT_EQUAL(f.n, 60);
	expect(DLT_EN10MB, &f, &w);
}

static void test_syn_options(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_tcp(AF_INET, 0);
	size_t ip;

	eth(&f, 0x0800);
	ip = ipv4(&f, 6, V4_SRC, V4_DST);
	tcp_hdr(&f, SEQ, 0, TCPF_SYN, 64240, SYN_OPTS, sizeof SYN_OPTS);
	ipv4_done(&f, ip);
	w.ack = 0;
	w.flags = TCPF_SYN;
	w.win = 64240;
	w.opt = (struct tcp_opts){ .has_mss = true, .mss = 1460, .sack_perm = true,
				   .has_ts = true, .tsval = 0x11223344, .tsecr = 0,
				   .has_wscale = true, .wscale = 7, .len = 20 };
	expect(DLT_EN10MB, &f, &w);
}

/* SEG_NO_OPTIONS: every other field as before, the options untouched. */
static void test_options_skipped(void)
{
	struct frame f = { .n = 0 };
	struct segment full, bare;
	size_t ip;

	eth(&f, 0x0800);
	ip = ipv4(&f, 6, V4_SRC, V4_DST);
	tcp_hdr(&f, SEQ, 0, TCPF_SYN, 64240, SYN_OPTS, sizeof SYN_OPTS);
	ipv4_done(&f, ip);
	CU_ASSERT_EQUAL_FATAL(seg_decode(DLT_EN10MB, f.b, f.n, &full), SEG_OK);
	CU_ASSERT_EQUAL_FATAL(seg_decode_ex(DLT_EN10MB, f.b, f.n, f.n, &bare, SEG_NO_OPTIONS), SEG_OK);
	CU_ASSERT_TRUE(full.opt.has_ts);
	CU_ASSERT_TRUE(bare.opt.skipped);
	CU_ASSERT_FALSE(bare.opt.has_ts || bare.opt.has_mss || bare.opt.has_wscale);
	bare.opt = full.opt;
	CU_ASSERT_PTR_EQUAL(full.ip, bare.ip);
	CU_ASSERT_EQUAL(memcmp(&full.kind, &bare.kind, SEG_ZEROED), 0);
}

static void test_sack_block(void)
{
	static const uint8_t opts[24] = { 1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4,
					  1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct frame f = { .n = 0 };
	struct segment w = want_ts(AF_INET, 0);

	eth(&f, 0x0800);
	v4_tcp(&f, opts, sizeof opts, 0);
	w.opt.has_sack = true;
	w.opt.len = 24;
	expect(DLT_EN10MB, &f, &w);

	/* A SACK option is 2 + 8n bytes; one of 6 is skipped. */
	f.b[14 + 20 + 20 + 15] = 6;
	f.b[14 + 20 + 20 + 20] = 1;
	f.b[14 + 20 + 20 + 21] = 1;
	w.opt.has_sack = false;
	expect(DLT_EN10MB, &f, &w);
}

/* RFC 1122 4.2.3.6: a probe may carry one garbage octet. */
static void test_one_byte_payload(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_ts(AF_INET, 1);

	eth(&f, 0x0800);
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 1);
	expect(DLT_EN10MB, &f, &w);
}

/* Options that cannot be walked end parsing; what came before is kept and
 * the segment is still decoded. */
static void test_malformed_options(void)
{
	static const uint8_t zero_len[16] = { 1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4,
					      3, 0, 0, 0 };
	static const uint8_t one_len[16] = { 2, 4, 0x05, 0xb4, 8, 1, 0, 0,
					     8, 10, 0, 0, 0, 1, 0, 0 };
	static const uint8_t past_end[12] = { 2, 4, 0x05, 0xdc, 8, 10, 0, 0, 0, 1, 0, 0 };
	/* A known kind with the wrong length is skipped, the walk goes on. */
	static const uint8_t wrong_len[16] = { 2, 3, 1, 1, 1, 1, 8, 10,
					       0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	/* Nothing after EOL is read. */
	static const uint8_t eol[16] = { 0, 0, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0 };
	struct frame f;
	struct segment w;

	f = (struct frame){ .n = 0 };
	v4_tcp(&f, zero_len, sizeof zero_len, 0);
	w = want_ts(AF_INET, 0);
	w.opt.len = 16;
	expect(DLT_RAW, &f, &w);

	f = (struct frame){ .n = 0 };
	v4_tcp(&f, one_len, sizeof one_len, 0);
	w = want_tcp(AF_INET, 0);
	w.opt = (struct tcp_opts){ .has_mss = true, .mss = 1460, .len = 16 };
	expect(DLT_RAW, &f, &w);

	f = (struct frame){ .n = 0 };
	v4_tcp(&f, past_end, sizeof past_end, 0);
	w = want_tcp(AF_INET, 0);
	w.opt = (struct tcp_opts){ .has_mss = true, .mss = 1500, .len = 12 };
	expect(DLT_RAW, &f, &w);

	f = (struct frame){ .n = 0 };
	v4_tcp(&f, wrong_len, sizeof wrong_len, 0);
	w = want_ts(AF_INET, 0);
	w.opt.len = 16;
	expect(DLT_RAW, &f, &w);

	f = (struct frame){ .n = 0 };
	v4_tcp(&f, eol, sizeof eol, 0);
	w = want_tcp(AF_INET, 0);
	w.opt.len = 16;
	expect(DLT_RAW, &f, &w);
}

/* ---- IPv6 ----------------------------------------------------------------- */

static void test_ipv6_tcp(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_ts(AF_INET6, 5);
	size_t ip;

	eth(&f, 0x86dd);
	ip = f.n;
	v6_tcp(&f, TS_OPTS, sizeof TS_OPTS, 5);
	f.b[ip + 7] = 57; /* hop limit */
	/* Traffic class 0xfa (DSCP and ECN set): not part of the flow label. */
	f.b[ip] = 0x6f;
	f.b[ip + 1] |= 0xa0;
	w.ttl = 57;
	expect(DLT_EN10MB, &f, &w);
}

/* Hop-by-hop (8 bytes) then destination options (16 bytes) before TCP. */
static void test_ipv6_ext_chain(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_ts(AF_INET6, 3);
	size_t ip;

	eth(&f, 0x86dd);
	ip = ipv6(&f, 0, V6_SRC, V6_DST);
	put8(&f, 60); put8(&f, 0);                     /* HBH: next DSTOPTS, 8 bytes */
	put8(&f, 1); put8(&f, 4); fill(&f, 4, 0);      /* PadN */
	put8(&f, 6); put8(&f, 1);                      /* DSTOPTS: next TCP, 16 bytes */
	put8(&f, 1); put8(&f, 12); fill(&f, 12, 0);    /* PadN */
	tcp(&f, TS_OPTS, sizeof TS_OPTS);
	fill(&f, 3, 'x');
	ipv6_done(&f, ip);
	CU_ASSERT_EQUAL(f.n, 14 + 40 + 24 + 32 + 3);
	expect(DLT_EN10MB, &f, &w);
}

/* Routing, first fragment, AH (whose length counts 4-byte words minus 2). */
static void test_ipv6_routing_fragment_ah(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_tcp(AF_INET6, 7);
	size_t ip, frag;

	ip = ipv6(&f, 43, V6_SRC, V6_DST);
	put8(&f, 44); put8(&f, 0); put8(&f, 4); put8(&f, 0); fill(&f, 4, 0); /* routing */
	frag = f.n;
	put8(&f, 51); put8(&f, 0); put16(&f, 0x0001); put32(&f, 0xcafe);    /* frag: off 0, M */
	put8(&f, 6); put8(&f, 4); put16(&f, 0);                              /* AH: 24 bytes */
	put32(&f, 0x100); put32(&f, 1); fill(&f, 12, 0xaa);                  /* SPI, seq, ICV */
	tcp(&f, NULL, 0);
	fill(&f, 7, 'x');
	ipv6_done(&f, ip);
	expect(DLT_RAW, &f, &w);

	/* The same, as a later fragment: no TCP header in it. */
	set16(&f, frag + 2, 185 << 3);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);
}

static void test_ipv6_no_next_header(void)
{
	struct frame f = { .n = 0 };
	size_t ip = ipv6(&f, 60, V6_SRC, V6_DST);

	put8(&f, 59); put8(&f, 0); put8(&f, 1); put8(&f, 4); fill(&f, 4, 0);
	fill(&f, 20, 0);
	ipv6_done(&f, ip);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);

	f.b[ip + 6] = 59;
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);
}

/* ---- link types ----------------------------------------------------------- */

static void test_vlan_8021q(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_ts(AF_INET, 0);

	eth_addrs(&f);
	put16(&f, 0x8100); put16(&f, 0x0064); /* VLAN 100 */
	put16(&f, 0x0800);
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 0);
	expect(DLT_EN10MB, &f, &w);
}

static void test_vlan_qinq(void)
{
	struct frame f = { .n = 0 };
	struct segment w4 = want_ts(AF_INET, 2), w6 = want_tcp(AF_INET6, 0);

	eth_addrs(&f);
	put16(&f, 0x88a8); put16(&f, 0x00c8); /* S-tag 200 */
	put16(&f, 0x8100); put16(&f, 0x0064); /* C-tag 100 */
	put16(&f, 0x0800);
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 2);
	expect(DLT_EN10MB, &f, &w4);

	/* The older 0x9100 outer tag, three deep, IPv6 inside. */
	f = (struct frame){ .n = 0 };
	eth_addrs(&f);
	put16(&f, 0x9100); put16(&f, 1);
	put16(&f, 0x88a8); put16(&f, 2);
	put16(&f, 0x8100); put16(&f, 3);
	put16(&f, 0x86dd);
	v6_tcp(&f, NULL, 0, 0);
	expect(DLT_EN10MB, &f, &w6);
}

static void test_linux_sll(void)
{
	static const uint8_t mac[8] = { 2, 0, 0, 0, 0, 1, 0, 0 };
	struct frame f = { .n = 0 };
	struct segment w = want_ts(AF_INET, 4);

	put16(&f, 0);       /* packet type: to us */
	put16(&f, 1);       /* ARPHRD_ETHER */
	put16(&f, 6);       /* address length */
	put(&f, mac, 8);
	put16(&f, 0x0800);  /* protocol */
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 4);
	expect(DLT_LINUX_SLL, &f, &w);
}

static void test_linux_sll2(void)
{
	static const uint8_t mac[8] = { 2, 0, 0, 0, 0, 1, 0, 0 };
	struct frame f = { .n = 0 };
	struct segment w = want_ts(AF_INET6, 0);

	put16(&f, 0x86dd);  /* protocol */
	put16(&f, 0);       /* reserved */
	put32(&f, 3);       /* ifindex */
	put16(&f, 1);       /* ARPHRD_ETHER */
	put8(&f, 4);        /* packet type: outgoing */
	put8(&f, 6);        /* address length */
	put(&f, mac, 8);
	v6_tcp(&f, TS_OPTS, sizeof TS_OPTS, 0);
	expect(DLT_LINUX_SLL2, &f, &w);
}

static void test_raw(void)
{
	struct frame f4 = { .n = 0 }, f6 = { .n = 0 };
	struct segment w4 = want_ts(AF_INET, 0), w6 = want_ts(AF_INET6, 9);

	v4_tcp(&f4, TS_OPTS, sizeof TS_OPTS, 0);
	v6_tcp(&f6, TS_OPTS, sizeof TS_OPTS, 9);
	expect(DLT_RAW, &f4, &w4);
	expect(DLT_RAW, &f6, &w6);
	expect(101 /* LINKTYPE_RAW */, &f4, &w4);
	expect(101, &f6, &w6);
	expect(DLT_IPV4, &f4, &w4);
	expect(DLT_IPV6, &f6, &w6);
	/* The link type promises a version; the packet breaks the promise. */
	CU_ASSERT_EQUAL(result(DLT_IPV4, &f6), SEG_BAD);
	CU_ASSERT_EQUAL(result(DLT_IPV6, &f4), SEG_BAD);
}

static void null_header(struct frame *f, uint32_t fam, bool swap)
{
	uint8_t b[4];

	if (swap)
		fam = (fam >> 24) | (fam >> 8 & 0xff00u) | (fam << 8 & 0xff0000u) | fam << 24;
	memcpy(b, &fam, 4); /* host byte order, as DLT_NULL has it */
	put(f, b, 4);
}

static void test_null_and_loop(void)
{
	static const uint32_t v6_families[] = { 10, 24, 28, 30 };
	struct frame f;
	struct segment w4 = want_ts(AF_INET, 0), w6 = want_tcp(AF_INET6, 1);

	f = (struct frame){ .n = 0 };
	null_header(&f, 2, false);
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 0);
	expect(DLT_NULL, &f, &w4);

	/* A savefile from a host of the other byte order. */
	f = (struct frame){ .n = 0 };
	null_header(&f, 2, true);
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 0);
	expect(DLT_NULL, &f, &w4);

	for (size_t i = 0; i < sizeof v6_families / sizeof v6_families[0]; i++) {
		f = (struct frame){ .n = 0 };
		null_header(&f, v6_families[i], false);
		v6_tcp(&f, NULL, 0, 1);
		expect(DLT_NULL, &f, &w6);

		f = (struct frame){ .n = 0 };
		put32(&f, v6_families[i]); /* DLT_LOOP: network order */
		v6_tcp(&f, NULL, 0, 1);
		expect(DLT_LOOP, &f, &w6);
	}

	f = (struct frame){ .n = 0 };
	put32(&f, 2);
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 0);
	expect(DLT_LOOP, &f, &w4);

	f = (struct frame){ .n = 0 };
	null_header(&f, 7 /* AF_ISO on the BSDs */, false);
	v4_tcp(&f, NULL, 0, 0);
	CU_ASSERT_EQUAL(result(DLT_NULL, &f), SEG_SKIP);
}

static void test_unknown_link(void)
{
	static const int known[] = {
		DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, 101, DLT_IPV4, DLT_IPV6,
		DLT_NULL, DLT_LOOP, DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC, DLT_FDDI, DLT_ARCNET,
		DLT_ARCNET_LINUX, DLT_IEEE802_11, DLT_IEEE802_11_RADIO, DLT_PPI, 258 /* PKTAP */,
		DLT_NFLOG, DLT_IPOIB, DLT_JUNIPER_ETHER,
	};
	static const int unknown[] = { -1, DLT_USB_LINUX, DLT_BLUETOOTH_HCI_H4, DLT_PFLOG,
				       DLT_USER0, 100000 };
	struct frame f = { .n = 0 };

	eth(&f, 0x0800);
	v4_tcp(&f, NULL, 0, 0);
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		CU_ASSERT_TRUE(seg_linktype_supported(known[i]));
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		CU_ASSERT_FALSE(seg_linktype_supported(unknown[i]));
		CU_ASSERT_EQUAL(result(unknown[i], &f), SEG_LINK);
	}
}

static void test_result_names(void)
{
	CU_ASSERT_STRING_EQUAL(seg_result_name(SEG_OK), "ok");
	CU_ASSERT_STRING_EQUAL(seg_result_name(SEG_SKIP), "not tcp");
	CU_ASSERT_STRING_EQUAL(seg_result_name(SEG_TRUNC), "truncated");
	CU_ASSERT_STRING_EQUAL(seg_result_name(SEG_BAD), "malformed");
	CU_ASSERT_STRING_EQUAL(seg_result_name(SEG_LINK), "unsupported link type");
}

/* ---- lengths from the IP header, not the capture -------------------------- */

static void test_snaplen_cut(void)
{
	struct frame f = { .n = 0 };
	struct segment d, w;

	eth(&f, 0x0800);
	v4_tcp(&f, TS_OPTS, sizeof TS_OPTS, 100);

	/* tcpdump -s 54: the fixed headers only, the options all cut. */
	w = want_tcp(AF_INET, 100);
	w.opt.len = 12;
	w.opt.truncated = true;
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, 54, &d), SEG_OK);
	check_seg(&d, &w);

	/* Cut inside the TS option: not reported half-read. */
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, 54 + 7, &d), SEG_OK);
	check_seg(&d, &w);

	/* Cut right after the options: all there, nothing truncated. */
	w = want_ts(AF_INET, 100);
	CU_ASSERT_EQUAL_FATAL(decode(DLT_EN10MB, &f, 54 + 12, &d), SEG_OK);
	check_seg(&d, &w);

	/* IPv6 likewise, through an extension header. */
	f = (struct frame){ .n = 0 };
	size_t ip = ipv6(&f, 60, V6_SRC, V6_DST);
	put8(&f, 6); put8(&f, 0); put8(&f, 1); put8(&f, 4); fill(&f, 4, 0);
	tcp(&f, TS_OPTS, sizeof TS_OPTS);
	fill(&f, 1000, 'x');
	ipv6_done(&f, ip);
	w = want_tcp(AF_INET6, 1000);
	w.opt.len = 12;
	w.opt.truncated = true;
	CU_ASSERT_EQUAL_FATAL(decode(DLT_RAW, &f, 40 + 8 + 20, &d), SEG_OK);
	check_seg(&d, &w);
}

static void test_truncated_before_tcp(void)
{
	struct frame f4 = { .n = 0 }, f6 = { .n = 0 };
	struct segment d;

	eth(&f4, 0x0800);
	v4_tcp(&f4, NULL, 0, 0);
	eth(&f6, 0x86dd);
	v6_tcp(&f6, NULL, 0, 0);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f4, 14 + 20 + 19, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f4, 14 + 20, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f4, 14 + 10, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f4, 10, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f6, 14 + 40 + 8, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f6, 14 + 39, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f4, 0, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(seg_decode(DLT_EN10MB, NULL, 0, &d), SEG_TRUNC);
}

static void test_malformed_ipv4(void)
{
	struct frame f;
	size_t ip = 14;

	/* Version 5 under the IPv4 ethertype. */
	f = (struct frame){ .n = 0 };
	eth(&f, 0x0800);
	v4_tcp(&f, NULL, 0, 0);
	f.b[ip] = 0x55;
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_BAD);

	/* IHL 4: shorter than the fixed header. */
	f.b[ip] = 0x44;
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_BAD);

	/* Total length below the header length. */
	f.b[ip] = 0x45;
	set16(&f, ip + 2, 19);
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_BAD);

	/* Total length with no room for a TCP header. */
	set16(&f, ip + 2, 20 + 19);
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_BAD);

	/* TCP data offset 4. */
	set16(&f, ip + 2, 40);
	f.b[ip + 20 + 12] = 4 << 4;
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_BAD);

	/* Data offset 8 (32 bytes) but only 20 in the datagram: the payload
	 * length would be negative. */
	f.b[ip + 20 + 12] = 8 << 4;
	fill(&f, 12, 1);
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_BAD);

	/* Restored, it decodes again: the checks above were the cause. */
	f.b[ip + 20 + 12] = 5 << 4;
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_OK);
}

static void test_malformed_ipv6(void)
{
	struct frame f = { .n = 0 };
	size_t ip;

	eth(&f, 0x86dd);
	ip = f.n;
	v6_tcp(&f, NULL, 0, 0);
	f.b[ip] = 0x40;
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_BAD);
	f.b[ip] = 0x60;
	set16(&f, ip + 4, 19); /* no room for TCP */
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_BAD);

	/* An extension header longer than the payload length. */
	f = (struct frame){ .n = 0 };
	ip = ipv6(&f, 60, V6_SRC, V6_DST);
	put8(&f, 6); put8(&f, 8); fill(&f, 6, 0); /* claims 72 bytes */
	tcp(&f, NULL, 0);
	ipv6_done(&f, ip);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_BAD);
}

/* IHL 6: a Router Alert option before TCP. */
static void test_ipv4_options(void)
{
	struct frame f = { .n = 0 };
	struct segment d, w = want_ts(AF_INET, 2);
	size_t ip;

	eth(&f, 0x0800);
	ip = ipv4(&f, 6, V4_SRC, V4_DST);
	f.b[ip] = 0x46;
	put8(&f, 0x94); put8(&f, 4); put16(&f, 0);
	tcp(&f, TS_OPTS, sizeof TS_OPTS);
	fill(&f, 2, 'x');
	ipv4_done(&f, ip);
	expect(DLT_EN10MB, &f, &w);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f, 14 + 22, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f, 14 + 24 + 19, &d), SEG_TRUNC);
	CU_ASSERT_EQUAL(decode(DLT_EN10MB, &f, 14 + 24 + 20, &d), SEG_OK);
}

static void test_ipv4_fragments(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_tcp(AF_INET, 10);
	size_t ip = 14;

	eth(&f, 0x0800);
	v4_tcp(&f, NULL, 0, 10);

	/* First fragment (MF, offset 0): the TCP header is in it. */
	set16(&f, ip + 6, 0x2000);
	ipv4_checksum(&f, ip);
	w.df = false;
	expect(DLT_EN10MB, &f, &w);

	/* Later fragments, with and without MF. */
	set16(&f, ip + 6, 0x2000 | 185);
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_SKIP);
	set16(&f, ip + 6, 1);
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_SKIP);
}

/* ---- not TCP -------------------------------------------------------------- */

static void test_udp_skipped(void)
{
	struct frame f = { .n = 0 };
	size_t ip;

	eth(&f, 0x0800);
	ip = ipv4(&f, 17, V4_SRC, V4_DST);
	put16(&f, 5353); put16(&f, 5353); put16(&f, 28); put16(&f, 0);
	fill(&f, 20, 0);
	ipv4_done(&f, ip);
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_SKIP);

	f = (struct frame){ .n = 0 };
	ip = ipv6(&f, 17, V6_SRC, V6_DST);
	put16(&f, 53); put16(&f, 53); put16(&f, 28); put16(&f, 0);
	fill(&f, 20, 0);
	ipv6_done(&f, ip);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);
}

static void test_arp_skipped(void)
{
	static const uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1,
					 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 2 };
	struct frame f = { .n = 0 };

	eth(&f, 0x0806);
	put(&f, arp, sizeof arp);
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_SKIP);

	/* 802.3 with a length field and LLC: not IP either. */
	f = (struct frame){ .n = 0 };
	eth(&f, 38);
	fill(&f, 38, 0x42);
	CU_ASSERT_EQUAL(result(DLT_EN10MB, &f), SEG_SKIP);
}

/* ---- ICMP errors ---------------------------------------------------------- */

/* An ICMPv4 error from `from` to V4_SRC, quoting V4_SRC -> V4_DST TCP with
 * `quoted` bytes of its TCP header (the original had TS options and
 * `orig_paylen` payload bytes). */
static void icmp4_error(struct frame *f, const uint8_t *from, uint8_t type, uint8_t code,
			size_t quoted, size_t orig_paylen)
{
	struct frame orig = { .n = 0 };
	size_t ip, q;

	ip = ipv4(f, 1, from, V4_SRC);
	f->b[ip + 6] = 0;  /* no DF */
	f->b[ip + 8] = 61; /* TTL */
	set16(f, ip + 4, 0x0777);
	ipv4_checksum(f, ip);
	put8(f, type);
	put8(f, code);
	put16(f, 0);  /* checksum */
	put32(f, 0);  /* unused (or next-hop MTU) */
	q = f->n;
	v4_tcp(&orig, TS_OPTS, sizeof TS_OPTS, orig_paylen);
	put(f, orig.b, 20 + quoted);
	set16(f, q + 2, (uint16_t)orig.n);
	ipv4_done(f, ip);
}

static struct segment want_icmp4(const uint8_t *from, uint8_t type, uint8_t code)
{
	struct segment w;

	memset(&w, 0, sizeof w);
	w.kind = SEG_ICMP_ERR;
	w.family = AF_INET;
	memcpy(w.src, from, 4);
	memcpy(w.dst, V4_SRC, 4);
	w.ttl = 61;
	w.ip_id = 0x0777;
	memcpy(w.qsrc, V4_SRC, 4);
	memcpy(w.qdst, V4_DST, 4);
	w.sport = SPORT;
	w.dport = DPORT;
	w.seq = SEQ;
	w.icmp_type = type;
	w.icmp_code = code;
	return w;
}

/* The peer itself says the port is closed, quoting the whole TCP header
 * (RFC 1812 4.3.2.3: as much as fits) and one payload byte. */
static void test_icmp4_port_unreachable(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_icmp4(V4_DST, 3, 3);

	eth(&f, 0x0800);
	icmp4_error(&f, V4_DST, 3, 3, 32 + 1, 1);
	w.ack = ACK;
	w.flags = TCPF_ACK;
	w.win = WIN;
	w.len = 1;
	expect(DLT_EN10MB, &f, &w);

	/* A quoted data offset below 5 gives no payload length; the ports
	 * and sequence number are still good. */
	f.b[14 + 20 + 8 + 20 + 12] = 4 << 4;
	w.len = 0;
	expect(DLT_EN10MB, &f, &w);
}

/* A router quoting only the 8 bytes RFC 792 requires: ports and seq. */
static void test_icmp4_host_unreachable_8_bytes(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_icmp4(V4_ROUTER, 3, 1);

	eth(&f, 0x0800);
	icmp4_error(&f, V4_ROUTER, 3, 1, 8, 0);
	expect(DLT_EN10MB, &f, &w);

	/* 12 bytes: the ack too, no flags or window. */
	f = (struct frame){ .n = 0 };
	icmp4_error(&f, V4_ROUTER, 3, 1, 12, 0);
	w.ack = ACK;
	expect(DLT_RAW, &f, &w);

	/* Bytes after the ICMP message (a link trailer) are not quote. */
	f = (struct frame){ .n = 0 };
	icmp4_error(&f, V4_ROUTER, 3, 1, 8, 0);
	fill(&f, 8, 0xff);
	w.ack = 0;
	expect(DLT_RAW, &f, &w);

	/* 7 bytes: not even the sequence number. */
	f = (struct frame){ .n = 0 };
	icmp4_error(&f, V4_ROUTER, 3, 1, 7, 0);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_TRUNC);
}

static void test_icmp4_other_errors(void)
{
	static const uint8_t types[] = { 4, 11, 12 };

	for (size_t i = 0; i < sizeof types; i++) {
		struct frame f = { .n = 0 };
		struct segment w = want_icmp4(V4_ROUTER, types[i], 0);

		icmp4_error(&f, V4_ROUTER, types[i], 0, 8, 0);
		expect(DLT_RAW, &f, &w);
	}
}

static void test_icmp4_quoting_udp_or_fragment_skipped(void)
{
	struct frame f = { .n = 0 };

	icmp4_error(&f, V4_DST, 3, 3, 8, 0);
	f.b[20 + 8 + 9] = 17; /* the quoted protocol */
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);

	/* A quoted later fragment holds no TCP header either. */
	f.b[20 + 8 + 9] = 6;
	set16(&f, 20 + 8 + 6, 0x2000 | 100);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);
	set16(&f, 20 + 8 + 6, 0x2000);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_OK);
}

/* An ICMPv6 error from `from`, quoting V6_SRC -> V6_DST TCP (TS options, no
 * payload), optionally behind a destination-options header. */
static void icmp6_error(struct frame *f, const uint8_t *from, uint8_t type, uint8_t code,
			bool ext, size_t quoted_tcp)
{
	size_t ip, q;

	ip = ipv6(f, 58, from, V6_SRC);
	f->b[ip + 7] = 60;
	put8(f, type);
	put8(f, code);
	put16(f, 0);
	put32(f, type == 2 ? 1280 : 0); /* MTU for Packet Too Big */
	q = ipv6(f, ext ? 60 : 6, V6_SRC, V6_DST);
	if (ext) {
		put8(f, 6); put8(f, 0); put8(f, 1); put8(f, 4); fill(f, 4, 0);
	}
	tcp(f, TS_OPTS, sizeof TS_OPTS);
	set16(f, q + 4, (uint16_t)(f->n - q - 40));
	f->n -= 32 - quoted_tcp;
	ipv6_done(f, ip);
}

static struct segment want_icmp6(uint8_t type, uint8_t code)
{
	struct segment w;

	memset(&w, 0, sizeof w);
	w.kind = SEG_ICMP_ERR;
	w.family = AF_INET6;
	memcpy(w.src, V6_ROUTER, 16);
	memcpy(w.dst, V6_SRC, 16);
	w.ttl = 60;
	w.flowlabel = FLOWLABEL;
	memcpy(w.qsrc, V6_SRC, 16);
	memcpy(w.qdst, V6_DST, 16);
	w.sport = SPORT;
	w.dport = DPORT;
	w.seq = SEQ;
	w.ack = ACK;
	w.flags = TCPF_ACK;
	w.win = WIN;
	w.icmp_type = type;
	w.icmp_code = code;
	return w;
}

static void test_icmp6_unreachable(void)
{
	struct frame f = { .n = 0 };
	struct segment w = want_icmp6(1, 3);

	eth(&f, 0x86dd);
	icmp6_error(&f, V6_ROUTER, 1, 3, false, 32);
	expect(DLT_EN10MB, &f, &w);

	/* The quoted packet had an extension header. */
	f = (struct frame){ .n = 0 };
	icmp6_error(&f, V6_ROUTER, 1, 4, true, 32);
	w.icmp_code = 4;
	expect(DLT_RAW, &f, &w);

	/* Packet Too Big, quoting only ports and seq. */
	f = (struct frame){ .n = 0 };
	icmp6_error(&f, V6_ROUTER, 2, 0, true, 8);
	w = want_icmp6(2, 0);
	w.ack = 0;
	w.flags = 0;
	w.win = 0;
	expect(DLT_RAW, &f, &w);

	/* A trailer after the message is not read as quoted TCP. */
	f = (struct frame){ .n = 0 };
	icmp6_error(&f, V6_ROUTER, 2, 0, false, 8);
	fill(&f, 8, 0xff);
	expect(DLT_RAW, &f, &w);

	/* The quote ends inside the extension header. */
	f = (struct frame){ .n = 0 };
	icmp6_error(&f, V6_ROUTER, 3, 0, true, 0);
	f.n -= 4;
	set16(&f, 4, (uint16_t)(f.n - 40));
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_TRUNC);
}

static void test_icmp_echo_skipped(void)
{
	struct frame f = { .n = 0 };
	size_t ip;

	ip = ipv4(&f, 1, V4_DST, V4_SRC);
	put8(&f, 0); put8(&f, 0); put16(&f, 0); put16(&f, 1); put16(&f, 1); /* echo reply */
	fill(&f, 48, 0x45); /* payload that looks like an IP header */
	ipv4_done(&f, ip);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);
	f.b[20] = 8; /* echo request */
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);

	f = (struct frame){ .n = 0 };
	ip = ipv6(&f, 58, V6_DST, V6_SRC);
	put8(&f, 128); put8(&f, 0); put16(&f, 0); put16(&f, 1); put16(&f, 1);
	fill(&f, 56, 0x60);
	ipv6_done(&f, ip);
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);
	f.b[40] = 135; /* neighbour solicitation */
	CU_ASSERT_EQUAL(result(DLT_RAW, &f), SEG_SKIP);
}

/* ---- robustness ----------------------------------------------------------- */

struct sample {
	const char *name;
	int linktype;
	struct frame f;
	size_t min_ok; /* shortest prefix that decodes */
};

/* Valid frames of every shape, for the prefix and mutation loops. */
static size_t samples(struct sample *s)
{
	size_t n = 0;
	size_t ip;

	s[n] = (struct sample){ "eth ipv4 ts", DLT_EN10MB, { .n = 0 }, 14 + 20 + 20 };
	eth(&s[n].f, 0x0800);
	v4_tcp(&s[n].f, TS_OPTS, sizeof TS_OPTS, 1);
	n++;

	s[n] = (struct sample){ "eth ipv6 ext chain", DLT_EN10MB, { .n = 0 }, 14 + 40 + 36 + 20 };
	eth(&s[n].f, 0x86dd);
	ip = ipv6(&s[n].f, 0, V6_SRC, V6_DST);
	put8(&s[n].f, 60); put8(&s[n].f, 0); fill(&s[n].f, 6, 0);  /* HBH, 8 */
	put8(&s[n].f, 51); put8(&s[n].f, 1); fill(&s[n].f, 14, 0); /* DSTOPTS, 16 */
	put8(&s[n].f, 6); put8(&s[n].f, 1); fill(&s[n].f, 10, 0);  /* AH, 12 */
	tcp(&s[n].f, SYN_OPTS, sizeof SYN_OPTS);
	ipv6_done(&s[n].f, ip);
	n++;

	s[n] = (struct sample){ "ipv4 options", DLT_RAW, { .n = 0 }, 28 + 20 };
	ip = ipv4(&s[n].f, 6, V4_SRC, V4_DST);
	s[n].f.b[ip] = 0x47;
	put8(&s[n].f, 1); put8(&s[n].f, 1); put8(&s[n].f, 0x94); put8(&s[n].f, 4);
	put16(&s[n].f, 0); put8(&s[n].f, 1); put8(&s[n].f, 0); /* NOP NOP RA NOP EOL */
	tcp(&s[n].f, TS_OPTS, sizeof TS_OPTS);
	ipv4_done(&s[n].f, ip);
	n++;

	s[n] = (struct sample){ "qinq", DLT_EN10MB, { .n = 0 }, 14 + 8 + 20 + 20 };
	eth_addrs(&s[n].f);
	put16(&s[n].f, 0x88a8); put16(&s[n].f, 1);
	put16(&s[n].f, 0x8100); put16(&s[n].f, 2);
	put16(&s[n].f, 0x0800);
	v4_tcp(&s[n].f, NULL, 0, 0);
	n++;

	s[n] = (struct sample){ "sll", DLT_LINUX_SLL, { .n = 0 }, 16 + 20 + 20 };
	fill(&s[n].f, 14, 0);
	put16(&s[n].f, 0x0800);
	v4_tcp(&s[n].f, SYN_OPTS, sizeof SYN_OPTS, 0);
	n++;

	s[n] = (struct sample){ "sll2", DLT_LINUX_SLL2, { .n = 0 }, 20 + 40 + 20 };
	put16(&s[n].f, 0x86dd);
	fill(&s[n].f, 18, 0);
	v6_tcp(&s[n].f, TS_OPTS, sizeof TS_OPTS, 0);
	n++;

	s[n] = (struct sample){ "null", DLT_NULL, { .n = 0 }, 4 + 20 + 20 };
	null_header(&s[n].f, 2, false);
	v4_tcp(&s[n].f, TS_OPTS, sizeof TS_OPTS, 0);
	n++;

	s[n] = (struct sample){ "loop v6", DLT_LOOP, { .n = 0 }, 4 + 40 + 20 };
	put32(&s[n].f, 30);
	v6_tcp(&s[n].f, TS_OPTS, sizeof TS_OPTS, 0);
	n++;

	s[n] = (struct sample){ "icmp4", DLT_EN10MB, { .n = 0 }, 14 + 20 + 8 + 20 + 8 };
	eth(&s[n].f, 0x0800);
	icmp4_error(&s[n].f, V4_ROUTER, 11, 0, 32, 0);
	n++;

	s[n] = (struct sample){ "icmp6", DLT_RAW, { .n = 0 }, 40 + 8 + 40 + 8 + 8 };
	icmp6_error(&s[n].f, V6_ROUTER, 1, 0, true, 32);
	n++;
	return n;
}

#define NSAMPLES 16

/* Every prefix of a valid frame: truncated until the TCP header (or the
 * quoted ports) is all there, then the same answer as the whole frame,
 * lengths included. */
static void test_every_prefix(void)
{
	static struct sample s[NSAMPLES];
	size_t n = samples(s);

	for (size_t i = 0; i < n; i++) {
		struct segment whole, d;

		CU_ASSERT_EQUAL_FATAL(decode(s[i].linktype, &s[i].f, s[i].f.n, &whole), SEG_OK);
		for (size_t k = 0; k <= s[i].f.n; k++) {
			enum seg_result r = decode(s[i].linktype, &s[i].f, k, &d);

			if (k < s[i].min_ok) {
				CU_ASSERT_EQUAL(r, SEG_TRUNC);
				continue;
			}
			CU_ASSERT_EQUAL(r, SEG_OK);
			CU_ASSERT_EQUAL(d.kind, whole.kind);
			CU_ASSERT_EQUAL(d.len, whole.len);
			CU_ASSERT_EQUAL(d.seq, whole.seq);
			CU_ASSERT_EQUAL(d.sport, whole.sport);
			CU_ASSERT_EQUAL(d.opt.len, whole.opt.len);
			if (whole.kind == SEG_TCP)
				CU_ASSERT_EQUAL(d.opt.truncated, k < s[i].min_ok + whole.opt.len);
		}
	}
}

/* Every byte of every sample set to values that matter to length and type
 * fields, then decoded whole and cut: nothing may crash or read past the
 * end (run under -fsanitize=address to see the latter), and whatever is
 * decoded must be self-consistent. */
static void test_mutations_do_not_crash(void)
{
	static const uint8_t values[] = { 0x00, 0x01, 0x02, 0x05, 0x06, 0x0f, 0x10, 0x2b, 0x2c,
					  0x33, 0x3a, 0x3b, 0x3c, 0x45, 0x4f, 0x5f, 0x60, 0x7f,
					  0x80, 0x81, 0x86, 0x88, 0xdd, 0xf0, 0xff };
	static struct sample s[NSAMPLES];
	size_t n = samples(s);
	unsigned long decoded = 0, bad_invariants = 0;

	for (size_t i = 0; i < n; i++) {
		struct frame m = s[i].f;

		for (size_t at = 0; at < m.n; at++) {
			uint8_t keep = m.b[at];

			for (size_t v = 0; v < sizeof values; v++) {
				for (size_t cut = 0; cut < 3; cut++) {
					struct segment d;
					size_t len = cut == 0 ? m.n : cut == 1 ? at + 1 : m.n / 2;

					m.b[at] = values[v];
					if (decode(s[i].linktype, &m, len, &d) != SEG_OK)
						continue;
					decoded++;
					if (d.opt.len > 40 || (d.family != AF_INET && d.family != AF_INET6))
						bad_invariants++;
				}
			}
			m.b[at] = keep;
		}
	}
	CU_ASSERT(decoded > 0);
	CU_ASSERT_EQUAL(bad_invariants, 0);
}

/* Random bytes (fixed seed) under every link type. */
static void test_random_frames_do_not_crash(void)
{
	static const int links[] = { DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
				     DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP };
	uint32_t x = 0x2545f491;

	for (int i = 0; i < 20000; i++) {
		struct frame f = { .n = 0 };
		struct segment d;
		size_t len;
		enum seg_result r;

		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		len = x % 160;
		for (size_t k = 0; k < len; k++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			put8(&f, (uint8_t)x);
		}
		/* Plausible first bytes make the deeper layers get reached. */
		if (len > 0 && (i & 1))
			f.b[0] = (i & 2) ? 0x45 : 0x60;
		r = decode(links[(size_t)i % (sizeof links / sizeof links[0])], &f, len, &d);
		CU_ASSERT(r != SEG_LINK);
	}
}

void suite_segment(void)
{
	UNIT_SUITE("segment",
		   UNIT_TEST(test_eth_ipv4_ts),
		   UNIT_TEST(test_eth_trailer_ignored),
		   UNIT_TEST(test_syn_options),
		   UNIT_TEST(test_options_skipped),
		   UNIT_TEST(test_sack_block),
		   UNIT_TEST(test_one_byte_payload),
		   UNIT_TEST(test_malformed_options),
		   UNIT_TEST(test_ipv6_tcp),
		   UNIT_TEST(test_ipv6_ext_chain),
		   UNIT_TEST(test_ipv6_routing_fragment_ah),
		   UNIT_TEST(test_ipv6_no_next_header),
		   UNIT_TEST(test_vlan_8021q),
		   UNIT_TEST(test_vlan_qinq),
		   UNIT_TEST(test_linux_sll),
		   UNIT_TEST(test_linux_sll2),
		   UNIT_TEST(test_raw),
		   UNIT_TEST(test_null_and_loop),
		   UNIT_TEST(test_unknown_link),
		   UNIT_TEST(test_result_names),
		   UNIT_TEST(test_snaplen_cut),
		   UNIT_TEST(test_truncated_before_tcp),
		   UNIT_TEST(test_malformed_ipv4),
		   UNIT_TEST(test_malformed_ipv6),
		   UNIT_TEST(test_ipv4_options),
		   UNIT_TEST(test_ipv4_fragments),
		   UNIT_TEST(test_udp_skipped),
		   UNIT_TEST(test_arp_skipped),
		   UNIT_TEST(test_icmp4_port_unreachable),
		   UNIT_TEST(test_icmp4_host_unreachable_8_bytes),
		   UNIT_TEST(test_icmp4_other_errors),
		   UNIT_TEST(test_icmp4_quoting_udp_or_fragment_skipped),
		   UNIT_TEST(test_icmp6_unreachable),
		   UNIT_TEST(test_icmp_echo_skipped),
		   UNIT_TEST(test_every_prefix),
		   UNIT_TEST(test_mutations_do_not_crash),
		   UNIT_TEST(test_random_frames_do_not_crash));
}
