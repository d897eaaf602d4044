/* test_gate.c - the kernel's checks before TCP (gate.c): one good frame of
 * each kind, then each rule broken on its own. */
#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "decode/gate.h"
#include "decode/segment.h"
#include "unit.h"

struct frame {
	uint8_t b[2048];
	size_t n;
	size_t ip, l4;      /* offsets of the IP and upper headers */
	size_t l4len;
};

static const uint8_t OUR_MAC[6] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t PEER_MAC[6] = { 2, 0, 0, 0, 0, 1 };
static const uint8_t V4_SRC[4] = { 198, 18, 0, 2 };
static const uint8_t V4_DST[4] = { 198, 18, 1, 2 };
static const uint8_t V6_SRC[16] = { 0xfd, 0, [15] = 2 };
static const uint8_t V6_DST[16] = { 0xfd, 0, [14] = 1, [15] = 2 };

static void put(struct frame *f, const void *p, size_t n)
{
	CU_ASSERT_FATAL(f->n + n <= sizeof f->b);
	memcpy(f->b + f->n, p, n);
	f->n += n;
}

static void put16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	put(f, b, 2);
}

static void set16(struct frame *f, size_t at, uint16_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

static uint16_t get16(const struct frame *f, size_t at)
{
	return (uint16_t)(f->b[at] << 8 | f->b[at + 1]);
}

static void ether(struct frame *f, uint16_t type)
{
	put(f, OUR_MAC, 6);
	put(f, PEER_MAC, 6);
	put16(f, type);
}

/* An ACK (or RST) with `pay` bytes of data; checksum filled by finish. */
static void tcp(struct frame *f, uint8_t flags, size_t pay)
{
	static const uint8_t h[12] = { 0x1f, 0x90, 0x9c, 0x40, 0, 0, 0, 1, 0, 0, 0, 2 };

	f->l4 = f->n;
	put(f, h, sizeof h);
	put16(f, (uint16_t)(5 << 12 | flags));
	put16(f, 502);
	put16(f, 0);
	put16(f, 0);
	while (pay--)
		put(f, "d", 1);
	f->l4len = f->n - f->l4;
}

static uint16_t csum(uint64_t sum)
{
	return (uint16_t)~gate_csum_fold(sum);
}

static uint64_t pseudo(const struct frame *f, int family, uint8_t proto)
{
	size_t al = family == AF_INET ? 4 : 16, src = f->ip + (family == AF_INET ? 12 : 8);

	return gate_csum_add(0, f->b + src, 2 * al) + proto + (f->l4len >> 16) +
	       (f->l4len & 0xffff);
}

/* Ethernet, IPv4, TCP: every length and checksum right. */
static void v4(struct frame *f, uint8_t flags, size_t pay)
{
	static const uint8_t h[8] = { 0x45, 0, 0, 0, 0x12, 0x34, 0x40, 0 };

	*f = (struct frame){ .n = 0 };
	ether(f, 0x0800);
	f->ip = f->n;
	put(f, h, sizeof h);
	put16(f, 64 << 8 | 6);
	put16(f, 0);
	put(f, V4_SRC, 4);
	put(f, V4_DST, 4);
	tcp(f, flags, pay);
	set16(f, f->ip + 2, (uint16_t)(f->n - f->ip));
	set16(f, f->ip + 10, csum(gate_csum_add(0, f->b + f->ip, 20)));
	set16(f, f->l4 + 16, csum(gate_csum_add(pseudo(f, AF_INET, 6), f->b + f->l4, f->l4len)));
}

/* Ethernet, IPv6 with the extension headers given (8 bytes each: next
 * header, length 0, six bytes of padding or a Fragment header's fields),
 * then TCP. */
static void v6(struct frame *f, const uint8_t *ext, size_t next, uint8_t flags, size_t pay)
{
	uint8_t h[8] = { 0x60, 0, 0, 0, 0, 0, ext && next ? ext[0] : 6, 64 };

	*f = (struct frame){ .n = 0 };
	ether(f, 0x86dd);
	f->ip = f->n;
	put(f, h, sizeof h);
	put(f, V6_SRC, 16);
	put(f, V6_DST, 16);
	for (size_t i = 0; i < next; i++) {
		uint8_t e[8] = { i + 1 < next ? ext[i + 1] : 6, 0, 0, 0, 0, 0, 0, 0 };

		put(f, e, 8);
	}
	tcp(f, flags, pay);
	set16(f, f->ip + 4, (uint16_t)(f->n - f->ip - 40));
	set16(f, f->l4 + 16, csum(gate_csum_add(pseudo(f, AF_INET6, 6), f->b + f->l4, f->l4len)));
}

static enum gate_drop judge_as(const struct frame *f, int lt, size_t wire, unsigned flags)
{
	struct segment s;
	struct gate_frame g = { lt, f->b, f->n, wire, OUR_MAC };

	CU_ASSERT_EQUAL_FATAL(seg_decode_ex(lt, f->b, f->n, wire, &s, 0), SEG_OK);
	return seg_gate(&g, &s, flags);
}

static enum gate_drop judge(const struct frame *f)
{
	return judge_as(f, DLT_EN10MB, f->n, GATE_RECEIVER);
}

static void test_good_frames_pass(void)
{
	struct frame f;
	static const uint8_t hbh[1] = { 0 };

	v4(&f, 0x10, 0);
	CU_ASSERT_EQUAL(judge(&f), GATE_PASS);
	v4(&f, 0x18, 301);      /* odd length: the last byte's padding */
	CU_ASSERT_EQUAL(judge(&f), GATE_PASS);
	v6(&f, NULL, 0, 0x04, 0);
	CU_ASSERT_EQUAL(judge(&f), GATE_PASS);
	v6(&f, hbh, 1, 0x10, 7);
	CU_ASSERT_EQUAL(judge(&f), GATE_PASS);
}

/* tcp_v4_rcv, tcp_v6_rcv: skb_checksum_init. */
static void test_bad_tcp_checksum(void)
{
	struct frame f;

	v4(&f, 0x04, 0);
	f.b[f.l4 + 17] ^= 1;
	CU_ASSERT_EQUAL(judge(&f), GATE_CSUM);
	v6(&f, NULL, 0, 0x04, 0);
	f.b[f.l4 + 16] ^= 0x80;
	CU_ASSERT_EQUAL(judge(&f), GATE_CSUM);
	/* Replay judges it the same. */
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, f.n, 0), GATE_CSUM);
	/* A payload byte changed is caught too. */
	v4(&f, 0x18, 40);
	f.b[f.n - 1] ^= 0x20;
	CU_ASSERT_EQUAL(judge(&f), GATE_CSUM);
	/* GATE_BARE_CSUM: a data segment's is not summed; a bare one's is. */
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, f.n, GATE_BARE_CSUM), GATE_PASS);
	v4(&f, 0x10, 1);
	f.b[f.n - 1] ^= 0x20;
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, f.n, GATE_BARE_CSUM), GATE_CSUM);
}

/* CHECKSUM_PARTIAL (veth, loopback, the sender before its NIC, GRO): the
 * field holds the pseudo-header's sum and passes; one off does not. */
static void test_partial_checksum_passes(void)
{
	struct frame f;

	v4(&f, 0x10, 100);
	set16(&f, f.l4 + 16, gate_csum_fold(pseudo(&f, AF_INET, 6)));
	CU_ASSERT_EQUAL(judge(&f), GATE_PASS);
	set16(&f, f.l4 + 16, (uint16_t)(gate_csum_fold(pseudo(&f, AF_INET, 6)) + 1));
	CU_ASSERT_EQUAL(judge(&f), GATE_CSUM);
	v6(&f, NULL, 0, 0x10, 0);
	set16(&f, f.l4 + 16, gate_csum_fold(pseudo(&f, AF_INET6, 6)));
	CU_ASSERT_EQUAL(judge(&f), GATE_PASS);
}

/* A segment cut by the snaplen cannot be checked: it passes. */
static void test_cut_segment_unchecked(void)
{
	struct frame f;

	v4(&f, 0x18, 600);
	f.b[f.l4 + 16] ^= 1;
	f.n -= 300;
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, f.n + 300, GATE_RECEIVER), GATE_PASS);
}

/* ip_rcv_core: ip_fast_csum. */
static void test_bad_ip_checksum(void)
{
	struct frame f;

	v4(&f, 0x04, 0);
	f.b[f.ip + 10] ^= 0x10;
	CU_ASSERT_EQUAL(judge(&f), GATE_CSUM);
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, f.n, 0), GATE_CSUM);
}

/* Rewrite the IPv4 total length and fix the header checksum. */
static void v4_total(struct frame *f, uint16_t total)
{
	set16(f, f->ip + 2, total);
	set16(f, f->ip + 10, 0);
	set16(f, f->ip + 10, csum(gate_csum_add(0, f->b + f->ip, 20)));
}

/* ip_rcv_core: skb->len < len (IpExtInTruncatedPkts), len < ihl (0). */
static void test_ipv4_lengths(void)
{
	struct frame f;

	v4(&f, 0x04, 0);
	v4_total(&f, (uint16_t)(get16(&f, f.ip + 2) + 1));
	CU_ASSERT_EQUAL(judge(&f), GATE_LEN);
	v4(&f, 0x04, 0);
	v4_total(&f, 0);
	CU_ASSERT_EQUAL(judge(&f), GATE_LEN);
	/* On the sender (a TSO capture read by replay), 0 is the frame's. */
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, f.n, 0), GATE_PASS);
	/* Longer than the field holds: BIG TCP's GRO (iph_totlen). */
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, 70000, GATE_RECEIVER), GATE_PASS);
}

/* ip_local_deliver: ip_defrag first. */
static void test_first_fragment(void)
{
	struct frame f;
	static const uint8_t frag[1] = { 44 };

	v4(&f, 0x04, 0);
	set16(&f, f.ip + 6, 0x2000);
	set16(&f, f.ip + 10, 0);
	set16(&f, f.ip + 10, csum(gate_csum_add(0, f.b + f.ip, 20)));
	CU_ASSERT_EQUAL(judge(&f), GATE_FRAG);
	v6(&f, frag, 1, 0x04, 0);   /* offset 0, M set below */
	f.b[f.ip + 40 + 3] = 1;
	CU_ASSERT_EQUAL(judge(&f), GATE_FRAG);
}

/* ip6_rcv_core: pkt_len + 40 > skb->len; 0 without a Jumbo option. */
static void test_ipv6_lengths(void)
{
	struct frame f;

	v6(&f, NULL, 0, 0x04, 0);
	set16(&f, f.ip + 4, (uint16_t)(get16(&f, f.ip + 4) + 8));
	CU_ASSERT_EQUAL(judge(&f), GATE_LEN);
	v6(&f, NULL, 0, 0x04, 0);
	set16(&f, f.ip + 4, 0);
	CU_ASSERT_EQUAL(judge(&f), GATE_LEN);
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, f.n, 0), GATE_PASS);
}

/* ip_rcv_core: PACKET_OTHERHOST; tcp_v4_rcv: PACKET_HOST only. */
static void test_other_host(void)
{
	struct frame f;

	v4(&f, 0x04, 0);
	f.b[5] = 9;                 /* another unicast address */
	CU_ASSERT_EQUAL(judge(&f), GATE_OTHERHOST);
	/* Not judged without the interface's address, nor by replay. */
	CU_ASSERT_EQUAL(judge_as(&f, DLT_EN10MB, f.n, 0), GATE_PASS);
	f.b[0] = 0xff;              /* broadcast: not for TCP */
	CU_ASSERT_EQUAL(judge(&f), GATE_OTHERHOST);
}

/* A cooked capture's packet type. */
static void test_cooked_packet_type(void)
{
	struct frame e, f = { .n = 0 };

	v4(&e, 0x04, 0);
	put16(&f, 3);               /* PACKET_OTHERHOST */
	put16(&f, 1);
	put16(&f, 6);
	put(&f, PEER_MAC, 6);
	put16(&f, 0);
	put16(&f, 0x0800);
	put(&f, e.b + 14, e.n - 14);
	CU_ASSERT_EQUAL(judge_as(&f, DLT_LINUX_SLL, f.n, GATE_RECEIVER), GATE_OTHERHOST);
	set16(&f, 0, 0);            /* PACKET_HOST */
	CU_ASSERT_EQUAL(judge_as(&f, DLT_LINUX_SLL, f.n, GATE_RECEIVER), GATE_PASS);
	set16(&f, 0, 4);            /* PACKET_OUTGOING: ours, not judged */
	CU_ASSERT_EQUAL(judge_as(&f, DLT_LINUX_SLL, f.n, GATE_RECEIVER), GATE_PASS);
}

/* icmp_rcv: the ICMP checksum. */
static void test_icmp_checksum(void)
{
	struct frame q, f = { .n = 0 };
	static const uint8_t h[8] = { 0x45, 0, 0, 0, 0, 0, 0, 0 };
	size_t icmp;

	v4(&q, 0x10, 0);
	ether(&f, 0x0800);
	f.ip = f.n;
	put(&f, h, sizeof h);
	put16(&f, 64 << 8 | 1);
	put16(&f, 0);
	put(&f, V4_SRC, 4);
	put(&f, V4_DST, 4);
	icmp = f.n;
	put16(&f, 3 << 8 | 3);
	put16(&f, 0);
	put16(&f, 0);
	put16(&f, 0);
	put(&f, q.b + q.ip, q.n - q.ip);
	set16(&f, f.ip + 2, (uint16_t)(f.n - f.ip));
	set16(&f, f.ip + 10, csum(gate_csum_add(0, f.b + f.ip, 20)));
	set16(&f, icmp + 2, csum(gate_csum_add(0, f.b + icmp, f.n - icmp)));
	CU_ASSERT_EQUAL(judge(&f), GATE_PASS);
	f.b[icmp + 3] ^= 1;
	CU_ASSERT_EQUAL(judge(&f), GATE_CSUM);
}

void suite_gate(void)
{
	UNIT_SUITE("gate",
		   UNIT_TEST(test_good_frames_pass),
		   UNIT_TEST(test_bad_tcp_checksum),
		   UNIT_TEST(test_partial_checksum_passes),
		   UNIT_TEST(test_cut_segment_unchecked),
		   UNIT_TEST(test_bad_ip_checksum),
		   UNIT_TEST(test_ipv4_lengths),
		   UNIT_TEST(test_first_fragment),
		   UNIT_TEST(test_ipv6_lengths),
		   UNIT_TEST(test_other_host),
		   UNIT_TEST(test_cooked_packet_type),
		   UNIT_TEST(test_icmp_checksum));
}
