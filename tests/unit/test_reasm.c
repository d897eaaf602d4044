/* test_reasm.c - IP fragment reassembly (reasm.c): whole datagrams in and
 * out of order, duplicates, the kernel's overlap rules, lengths, the
 * timeout and the limits, and the frames counted. */
#include <string.h>

#include <pcap/pcap.h>

#include "decode/gate.h"
#include "decode/segment.h"
#include "decode/reasm.h"
#include "unit.h"

#define PAYLOAD 64
/* The bytes fragments are cut from: the datagram's PAYLOAD, and room for
 * the limits' test, which piles up 100 fragments of 8 bytes. */
#define SOURCE 1024

static uint8_t payload[SOURCE];

static void fill(void)
{
	for (int i = 0; i < SOURCE; i++)
		payload[i] = (uint8_t)(i * 7 + 1);
}

/* An IPv4 fragment of datagram `id`: payload bytes [off, off+len), MF. */
static size_t frag4(uint8_t *b, uint16_t id, unsigned off, unsigned len, int more)
{
	uint16_t fo = (uint16_t)((more ? 0x2000 : 0) | off / 8), c;

	memset(b, 0, 20);
	b[0] = 0x45;
	b[2] = (uint8_t)((20 + len) >> 8);
	b[3] = (uint8_t)(20 + len);
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[6] = (uint8_t)(fo >> 8);
	b[7] = (uint8_t)fo;
	b[8] = 64;
	b[9] = 6;
	b[12] = 198, b[13] = 18, b[14] = 0, b[15] = 1;
	b[16] = 198, b[17] = 18, b[18] = 1, b[19] = 1;
	c = (uint16_t)~gate_csum_fold(gate_csum_add(0, b, 20));
	b[10] = (uint8_t)(c >> 8);
	b[11] = (uint8_t)c;
	memcpy(b + 20, payload + off, len);
	return 20 + len;
}

/* An IPv6 fragment: a Destination Options header (unfragmentable here),
 * then the Fragment header. */
static size_t frag6(uint8_t *b, uint32_t id, unsigned off, unsigned len, int more)
{
	memset(b, 0, 56);
	b[0] = 0x60;
	b[4] = (uint8_t)((16 + len) >> 8);
	b[5] = (uint8_t)(16 + len);
	b[6] = 60;   /* Destination Options */
	b[7] = 64;
	b[8] = 0xfd, b[23] = 1;
	b[24] = 0xfd, b[39] = 2;
	b[40] = 44;  /* then the Fragment header */
	b[41] = 0;
	b[42] = 1, b[43] = 6;   /* PadN */
	b[48] = 6;   /* TCP */
	b[50] = (uint8_t)((off | (more ? 1 : 0)) >> 8);
	b[51] = (uint8_t)(off | (more ? 1 : 0));
	b[52] = (uint8_t)(id >> 24), b[53] = (uint8_t)(id >> 16);
	b[54] = (uint8_t)(id >> 8), b[55] = (uint8_t)id;
	memcpy(b + 56, payload + off, len);
	return 56 + len;
}

static uint8_t buf[256];
static const uint8_t *out;
static size_t outlen;

static enum reasm_result add4(struct reasm *r, ka_time t, uint16_t id, unsigned off,
			      unsigned len, int more)
{
	size_t n = frag4(buf, id, off, len, more);

	return reasm_add(r, t, 0, buf, n, n, &out, &outlen);
}

static enum reasm_result add6(struct reasm *r, ka_time t, uint32_t id, unsigned off,
			      unsigned len, int more)
{
	size_t n = frag6(buf, id, off, len, more);

	return reasm_add(r, t, 0, buf, n, n, &out, &outlen);
}

/* The datagram out is the whole IPv4 payload, header fixed. */
static void check_whole4(void)
{
	CU_ASSERT_EQUAL_FATAL(outlen, 20 + PAYLOAD);
	CU_ASSERT_EQUAL(out[2] << 8 | out[3], 20 + PAYLOAD);
	CU_ASSERT_EQUAL(out[6] & 0x3f, 0);
	CU_ASSERT_EQUAL(out[7], 0);
	CU_ASSERT_EQUAL(gate_csum_fold(gate_csum_add(0, out, 20)), 0xffff);
	CU_ASSERT(memcmp(out + 20, payload, PAYLOAD) == 0);
}

static void check_whole6(void)
{
	CU_ASSERT_EQUAL_FATAL(outlen, 48 + PAYLOAD);
	CU_ASSERT_EQUAL(out[4] << 8 | out[5], 8 + PAYLOAD);
	CU_ASSERT_EQUAL(out[6], 60);
	CU_ASSERT_EQUAL(out[40], 6);   /* the Fragment header's next header */
	CU_ASSERT(memcmp(out + 48, payload, PAYLOAD) == 0);
}

static void test_in_order(void)
{
	struct reasm r;

	fill();
	reasm_init(&r, NULL);
	CU_ASSERT_EQUAL(add4(&r, 0, 1, 0, 24, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 1, 1, 24, 24, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 2, 1, 48, 16, 0), REASM_DONE);
	check_whole4();
	CU_ASSERT_EQUAL(add6(&r, 3, 9, 0, 32, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add6(&r, 4, 9, 32, 32, 0), REASM_DONE);
	check_whole6();
	CU_ASSERT_EQUAL(r.merged, 3);
	CU_ASSERT_EQUAL(r.lost, 0);
	CU_ASSERT_EQUAL(r.n, 0);
	CU_ASSERT_EQUAL(r.bytes, 0);
	reasm_free(&r);
}

static void test_out_of_order(void)
{
	struct reasm r;

	fill();
	reasm_init(&r, NULL);
	CU_ASSERT_EQUAL(add4(&r, 0, 2, 48, 16, 0), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 2, 0, 24, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 2, 24, 24, 1), REASM_DONE);
	check_whole4();
	CU_ASSERT_EQUAL(add6(&r, 0, 2, 32, 32, 0), REASM_HELD);
	/* Another datagram in between: keyed apart. */
	CU_ASSERT_EQUAL(add6(&r, 0, 3, 32, 32, 0), REASM_HELD);
	CU_ASSERT_EQUAL(add6(&r, 0, 2, 0, 32, 1), REASM_DONE);
	check_whole6();
	CU_ASSERT_EQUAL(r.n, 1);
	reasm_free(&r);
}

/* A copy of bytes held is ignored, inside one fragment or a run that came
 * in order; any other overlap drops the datagram (RFC 5722, Linux). */
static void test_duplicates_and_overlaps(void)
{
	struct reasm r;

	fill();
	reasm_init(&r, NULL);
	CU_ASSERT_EQUAL(add4(&r, 0, 3, 0, 24, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 3, 0, 24, 1), REASM_DUP);
	CU_ASSERT_EQUAL(add4(&r, 0, 3, 24, 24, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 3, 8, 24, 1), REASM_DUP);   /* across the run */
	CU_ASSERT_EQUAL(add4(&r, 0, 3, 48, 16, 0), REASM_DONE);
	check_whole4();
	CU_ASSERT_EQUAL(r.merged, 4);
	/* Partial overlap. */
	CU_ASSERT_EQUAL(add4(&r, 0, 4, 0, 24, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 4, 16, 24, 1), REASM_DROPPED);
	CU_ASSERT_EQUAL(r.lost, 2);
	CU_ASSERT_EQUAL(r.n, 0);
	/* The rest of it starts a new datagram, which never completes. */
	CU_ASSERT_EQUAL(add4(&r, 0, 4, 40, 24, 0), REASM_HELD);
	/* IPv6: the same. */
	CU_ASSERT_EQUAL(add6(&r, 0, 4, 32, 32, 0), REASM_HELD);
	CU_ASSERT_EQUAL(add6(&r, 0, 4, 24, 16, 1), REASM_DROPPED);
	/* Fragments placed out of order are runs of their own: a copy
	 * spanning two that touch is still an overlap (Linux's runs). */
	CU_ASSERT_EQUAL(add6(&r, 0, 5, 48, 16, 0), REASM_HELD);
	CU_ASSERT_EQUAL(add6(&r, 0, 5, 16, 16, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add6(&r, 0, 5, 32, 16, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add6(&r, 0, 5, 24, 16, 1), REASM_DROPPED);
	CU_ASSERT_EQUAL(r.corrupt, 3);
	reasm_expire(&r, -1);
	CU_ASSERT_EQUAL(r.lost, 2 + 1 + 2 + 4);
	reasm_free(&r);
}

static void test_ends_and_lengths(void)
{
	struct reasm r;
	size_t n;

	fill();
	reasm_init(&r, NULL);
	/* Two last fragments that disagree; data past the end. */
	CU_ASSERT_EQUAL(add4(&r, 0, 5, 48, 16, 0), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 5, 40, 16, 0), REASM_DROPPED);
	CU_ASSERT_EQUAL(add4(&r, 0, 6, 16, 16, 0), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 6, 24, 16, 1), REASM_DROPPED);
	/* An empty fragment. */
	CU_ASSERT_EQUAL(add4(&r, 0, 7, 8, 0, 1), REASM_DROPPED);
	/* Longer than 65,535 bytes once whole. */
	n = frag4(buf, 8, 0, 16, 0);
	buf[6] = 0x1f, buf[7] = 0xff;   /* offset 65528 */
	buf[10] = buf[11] = 0;
	uint16_t c = (uint16_t)~gate_csum_fold(gate_csum_add(0, buf, 20));
	buf[10] = (uint8_t)(c >> 8), buf[11] = (uint8_t)c;
	CU_ASSERT_EQUAL(reasm_add(&r, 0, 0, buf, n, n, &out, &outlen), REASM_DROPPED);
	CU_ASSERT_EQUAL(r.oversize, 1);
	/* IPv6: a fragment with more to come must be a multiple of 8. */
	CU_ASSERT_EQUAL(add6(&r, 0, 9, 0, 12, 1), REASM_BAD);
	/* IPv4 cuts it to one (ip_frag_queue). */
	CU_ASSERT_EQUAL(add4(&r, 0, 10, 0, 20, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 10, 16, 48, 0), REASM_DONE);
	check_whole4();
	/* A bad header checksum; a fragment not captured whole; not a
	 * fragment at all. */
	n = frag4(buf, 11, 0, 16, 1);
	buf[10] ^= 1;
	CU_ASSERT_EQUAL(reasm_add(&r, 0, 0, buf, n, n, &out, &outlen), REASM_BAD);
	n = frag4(buf, 11, 0, 16, 1);
	CU_ASSERT_EQUAL(reasm_add(&r, 0, 0, buf, n - 1, n, &out, &outlen), REASM_TRUNC);
	CU_ASSERT_EQUAL(reasm_add(&r, 0, 0, buf, n, n - 1, &out, &outlen), REASM_BAD);
	n = frag4(buf, 11, 0, 16, 0);
	CU_ASSERT_EQUAL(reasm_add(&r, 0, 0, buf, n, n, &out, &outlen), REASM_BAD);
	reasm_free(&r);
}

/* An IPv6 atomic fragment (RFC 6946) passes at once, without a queue. */
static void test_atomic(void)
{
	struct reasm r;

	fill();
	reasm_init(&r, NULL);
	CU_ASSERT_EQUAL(add6(&r, 0, 12, 0, PAYLOAD, 0), REASM_DONE);
	check_whole6();
	CU_ASSERT_EQUAL(r.n, 0);
	reasm_free(&r);
}

static void test_timeout(void)
{
	struct reasm r;

	fill();
	reasm_init(&r, NULL);
	CU_ASSERT_EQUAL(add4(&r, 0, 13, 0, 24, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, REASM_TIMEOUT_US, 13, 24, 24, 1), REASM_HELD);
	/* 30 s after the first fragment, the queue is gone: its last piece
	 * starts another. */
	CU_ASSERT_EQUAL(add4(&r, REASM_TIMEOUT_US + 1, 13, 48, 16, 0), REASM_HELD);
	CU_ASSERT_EQUAL(r.timeouts, 1);
	CU_ASSERT_EQUAL(r.lost, 2);
	CU_ASSERT_EQUAL(r.n, 1);
	reasm_expire(&r, -1);
	CU_ASSERT_EQUAL(r.lost, 3);
	CU_ASSERT_EQUAL(r.bytes, 0);
	reasm_free(&r);
}

static void test_limits(void)
{
	struct reasm_limits lim = { .max_bytes = 4096, .max_dgrams = 2, .timeout = 1000 };
	struct reasm r;

	fill();
	reasm_init(&r, &lim);
	CU_ASSERT_EQUAL(add4(&r, 0, 20, 0, 8, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 21, 0, 8, 1), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 22, 0, 8, 1), REASM_FULL);   /* a third datagram */
	CU_ASSERT_EQUAL(r.full, 1);
	CU_ASSERT_EQUAL(r.lost, 1);
	/* Datagrams time out, and room comes back. */
	CU_ASSERT_EQUAL(add4(&r, 2000, 22, 0, 8, 1), REASM_HELD);
	CU_ASSERT_EQUAL(r.n, 1);
	reasm_free(&r);
	/* Bytes: fragments pile up to the limit, not past it. */
	lim.max_bytes = 1024;
	reasm_init(&r, &lim);
	enum reasm_result v = REASM_HELD;
	unsigned k;

	for (k = 0; k < 100 && v == REASM_HELD; k++)
		v = add4(&r, 0, 30, k * 8, 8, 1);
	CU_ASSERT_EQUAL(v, REASM_FULL);
	CU_ASSERT(k > 10);
	CU_ASSERT(r.bytes <= lim.max_bytes);
	reasm_expire(&r, -1);
	CU_ASSERT_EQUAL(r.lost, k);
	CU_ASSERT_EQUAL(r.bytes, 0);
	reasm_free(&r);
}

/* The decoder stops at a fragment, first or later, only when asked
 * (SEG_REASM); the datagram reassembled decodes with the tunnels given. */
static void test_decoder(void)
{
	struct segment s;
	struct reasm r;
	size_t n;

	fill();
	n = frag4(buf, 40, 0, 24, 1);
	CU_ASSERT_EQUAL(seg_decode_ex(DLT_RAW, buf, n, n, &s, SEG_REASM), SEG_FRAG);
	CU_ASSERT_PTR_EQUAL(s.ip, buf);
	CU_ASSERT_NOT_EQUAL(seg_decode_ex(DLT_RAW, buf, n, n, &s, 0), SEG_FRAG);
	n = frag4(buf, 40, 24, 40, 0);
	CU_ASSERT_EQUAL(seg_decode_ex(DLT_RAW, buf, n, n, &s, SEG_REASM), SEG_FRAG);
	CU_ASSERT_EQUAL(seg_decode_ex(DLT_RAW, buf, n, n, &s, 0), SEG_SKIP);
	n = frag6(buf, 41, 32, 32, 0);
	CU_ASSERT_EQUAL(seg_decode_ex(DLT_RAW, buf, n, n, &s, SEG_REASM), SEG_FRAG);
	CU_ASSERT_EQUAL(seg_decode_ex(DLT_RAW, buf, n, n, &s, 0), SEG_SKIP);
	/* A whole datagram: a TCP header at the payload's start. */
	memset(payload, 0, PAYLOAD);
	payload[0] = 0x12, payload[1] = 0x34, payload[3] = 80;
	payload[7] = 9;        /* seq 9 */
	payload[12] = 5 << 4;
	payload[13] = 0x10;
	reasm_init(&r, NULL);
	CU_ASSERT_EQUAL(add4(&r, 0, 42, 32, 32, 0), REASM_HELD);
	CU_ASSERT_EQUAL(add4(&r, 0, 42, 0, 32, 1), REASM_DONE);
	CU_ASSERT_EQUAL(seg_decode_ip(out, outlen, 0xabcd, 2, &s, SEG_REASM), SEG_OK);
	CU_ASSERT_EQUAL(s.kind, SEG_TCP);
	CU_ASSERT_EQUAL(s.seq, 9);
	CU_ASSERT_EQUAL(s.len, PAYLOAD - 20);
	CU_ASSERT_EQUAL(s.tunnel, 0xabcd);
	CU_ASSERT_EQUAL(s.encap, 2);
	reasm_free(&r);
}

void suite_reasm(void)
{
	UNIT_SUITE("reasm",
		   UNIT_TEST(test_in_order),
		   UNIT_TEST(test_out_of_order),
		   UNIT_TEST(test_duplicates_and_overlaps),
		   UNIT_TEST(test_ends_and_lengths),
		   UNIT_TEST(test_atomic),
		   UNIT_TEST(test_timeout),
		   UNIT_TEST(test_limits),
		   UNIT_TEST(test_decoder));
}
