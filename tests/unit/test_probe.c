/* test_probe.c - probe bytes built in memory (LIBNET_NONE: no privilege),
 * decoded back and checked field by field, checksums recomputed here. */
#include <arpa/inet.h>
#include <errno.h>
#include <pcap/dlt.h>
#include <string.h>

#include "net/probe.h"
#include "decode/segment.h"
#include "unit.h"

static struct probe_spec spec(int family)
{
	struct probe_spec s = {
		.family = family, .sport = 40000, .dport = 443,
		.seq = 0xffffffffu, .ack = 0x12345678, .flags = TCPF_ACK, .win = 502,
		.ts = true, .tsval = 0xdeadbeef, .tsecr = 42, .ttl = 64, .df = true,
		.ip_id = 0x1234, .flowlabel = 0xabcde,
	};

	if (family == AF_INET) {
		inet_pton(AF_INET, "198.18.1.2", s.src);
		inet_pton(AF_INET, "198.19.1.2", s.dst);
	} else {
		inet_pton(AF_INET6, "fd00:ca5e:1::2", s.src);
		inet_pton(AF_INET6, "fd00:ca5e:2::2", s.dst);
	}
	return s;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* The ones'-complement sum over pseudo-header and segment must be 0xffff. */
static void check_tcp_checksum(const uint8_t *pkt, int family)
{
	size_t iphl = family == AF_INET ? 20 : 40;
	size_t tcplen = family == AF_INET ? (size_t)(pkt[2] << 8 | pkt[3]) - 20
					  : (size_t)(pkt[4] << 8 | pkt[5]);
	uint32_t acc = family == AF_INET ? sum16(pkt + 12, 8, 0) : sum16(pkt + 8, 32, 0);

	acc += IPPROTO_TCP + (uint32_t)tcplen;
	acc = sum16(pkt + iphl, tcplen, acc);
	CU_ASSERT_EQUAL(fold(acc), 0xffff);
}

static void build_and_decode(const struct probe_spec *s, struct segment *out,
			     uint8_t *raw, uint32_t *rawlen)
{
	struct prober p;
	uint8_t *buf;
	bool perm;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(prober_open(&p, s->family, false, NULL, &perm, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(prober_build(&p, s, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(prober_bytes(&p, &buf, rawlen, err, sizeof err), 0);
	memcpy(raw, buf, *rawlen);
	prober_free_bytes(buf);
	prober_close(&p);
	CU_ASSERT_EQUAL_FATAL(seg_decode(DLT_RAW, raw, *rawlen, out), SEG_OK);
}

static void test_ipv4_probe_with_timestamps(void)
{
	struct probe_spec s = spec(AF_INET);
	struct segment d;
	uint8_t raw[128];
	uint32_t n;
	static const uint8_t opts[12] = { 1, 1, 8, 10, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 42 };

	build_and_decode(&s, &d, raw, &n);
	CU_ASSERT_EQUAL(n, 52);
	CU_ASSERT_EQUAL(d.family, AF_INET);
	CU_ASSERT_EQUAL(memcmp(d.src, s.src, 4), 0);
	CU_ASSERT_EQUAL(memcmp(d.dst, s.dst, 4), 0);
	CU_ASSERT_EQUAL(d.sport, 40000);
	CU_ASSERT_EQUAL(d.dport, 443);
	CU_ASSERT_EQUAL(d.seq, 0xffffffffu);
	CU_ASSERT_EQUAL(d.ack, 0x12345678);
	CU_ASSERT_EQUAL(d.flags, TCPF_ACK);
	CU_ASSERT_EQUAL(d.win, 502);
	CU_ASSERT_EQUAL(d.len, 0);
	CU_ASSERT_EQUAL(d.ttl, 64);
	CU_ASSERT_TRUE(d.df);
	CU_ASSERT_EQUAL(d.ip_id, 0x1234);
	CU_ASSERT_TRUE(d.opt.has_ts);
	CU_ASSERT_EQUAL(d.opt.tsval, 0xdeadbeef);
	CU_ASSERT_EQUAL(d.opt.tsecr, 42);
	/* Linux's exact layout: NOP, NOP, TS (tcp_options_write). */
	CU_ASSERT_EQUAL(raw[20 + 12] >> 4, 8);
	CU_ASSERT_EQUAL(memcmp(raw + 40, opts, sizeof opts), 0);
	check_tcp_checksum(raw, AF_INET);
}

static void test_ipv4_probe_without_timestamps(void)
{
	struct probe_spec s = spec(AF_INET);
	struct segment d;
	uint8_t raw[128];
	uint32_t n;

	s.ts = false;
	s.df = false;
	build_and_decode(&s, &d, raw, &n);
	CU_ASSERT_EQUAL(n, 40);
	CU_ASSERT_FALSE(d.opt.has_ts);
	CU_ASSERT_EQUAL(d.opt.len, 0);
	CU_ASSERT_FALSE(d.df);
	check_tcp_checksum(raw, AF_INET);
}

static void test_garbage_byte(void)
{
	static const uint8_t zero = 0;
	struct probe_spec s = spec(AF_INET);
	struct segment d;
	uint8_t raw[128];
	uint32_t n;

	s.payload = &zero;
	s.paylen = 1;
	build_and_decode(&s, &d, raw, &n);
	CU_ASSERT_EQUAL(n, 53);
	CU_ASSERT_EQUAL(d.len, 1);
	CU_ASSERT_EQUAL(raw[52], 0);
	check_tcp_checksum(raw, AF_INET);
}

static void test_ipv6_probe(void)
{
	struct probe_spec s = spec(AF_INET6);
	struct segment d;
	uint8_t raw[128];
	uint32_t n;

	build_and_decode(&s, &d, raw, &n);
	CU_ASSERT_EQUAL(n, 72);
	CU_ASSERT_EQUAL(d.family, AF_INET6);
	CU_ASSERT_EQUAL(memcmp(d.src, s.src, 16), 0);
	CU_ASSERT_EQUAL(memcmp(d.dst, s.dst, 16), 0);
	CU_ASSERT_EQUAL(d.ttl, 64);
	CU_ASSERT_EQUAL(d.seq, 0xffffffffu);
	CU_ASSERT_TRUE(d.opt.has_ts);
	/* Version 6, traffic class 0, the flow label given. */
	CU_ASSERT_EQUAL(raw[0], 0x60);
	CU_ASSERT_EQUAL(((raw[1] & 0x0f) << 16) | (raw[2] << 8) | raw[3], 0xabcde);
	check_tcp_checksum(raw, AF_INET6);
}

/* Building again replaces the earlier probe; options may come and go. */
static void test_rebuild_replaces(void)
{
	struct probe_spec s = spec(AF_INET);
	struct prober p;
	struct segment d;
	uint8_t *buf;
	uint32_t n;
	bool perm;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(prober_open(&p, AF_INET, false, NULL, &perm, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(prober_build(&p, &s, err, sizeof err), 0);
	s.ts = false;
	s.seq = 77;
	CU_ASSERT_EQUAL_FATAL(prober_build(&p, &s, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(prober_bytes(&p, &buf, &n, err, sizeof err), 0);
	CU_ASSERT_EQUAL(n, 40);
	CU_ASSERT_EQUAL(seg_decode(DLT_RAW, buf, n, &d), SEG_OK);
	CU_ASSERT_EQUAL(d.seq, 77);
	CU_ASSERT_FALSE(d.opt.has_ts);
	prober_free_bytes(buf);
	prober_close(&p);
}

/* The batch keeps each probe's bytes in order until flushed; a cancelled
 * one is not sent; every other gets its own result (here EBADF: a
 * LIBNET_NONE prober has no socket); a full batch refuses another. */
static void test_batch(void)
{
	struct probe_spec s = spec(AF_INET6);
	struct prober p;
	int errs[PROBE_BATCH];
	uint8_t *buf;
	uint32_t n;
	bool perm;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(prober_open(&p, AF_INET6, false, NULL, &perm, err, sizeof err), 0);
	for (unsigned i = 0; i < PROBE_BATCH; i++) {
		s.seq = i;
		CU_ASSERT_EQUAL_FATAL(prober_build(&p, &s, err, sizeof err), 0);
		CU_ASSERT_EQUAL(prober_queue(&p, err, sizeof err), (int)i);
	}
	CU_ASSERT_TRUE(prober_full(&p));
	CU_ASSERT_EQUAL(prober_queue(&p, err, sizeof err), -1);
	unit_check_err(err, "64");
	CU_ASSERT_EQUAL_FATAL(prober_bytes(&p, &buf, &n, err, sizeof err), 0);
	CU_ASSERT_EQUAL(p.qlen[PROBE_BATCH - 1], n);   /* the last one built */
	CU_ASSERT_EQUAL(memcmp(p.q[PROBE_BATCH - 1], buf, n), 0);
	prober_free_bytes(buf);
	prober_cancel(&p, 1);
	CU_ASSERT_EQUAL(prober_flush(&p, errs), PROBE_BATCH);
	CU_ASSERT_EQUAL(errs[0], EBADF);
	CU_ASSERT_EQUAL(errs[1], 0);
	CU_ASSERT_EQUAL(errs[PROBE_BATCH - 1], EBADF);
	CU_ASSERT_EQUAL(p.nq, 0);
	CU_ASSERT_EQUAL(prober_flush(&p, errs), 0);
	prober_close(&p);
}

void suite_probe(void)
{
	UNIT_SUITE("probe",
		   UNIT_TEST(test_ipv4_probe_with_timestamps),
		   UNIT_TEST(test_ipv4_probe_without_timestamps),
		   UNIT_TEST(test_garbage_byte),
		   UNIT_TEST(test_ipv6_probe),
		   UNIT_TEST(test_rebuild_replaces),
		   UNIT_TEST(test_batch));
}
