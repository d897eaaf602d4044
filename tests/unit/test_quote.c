/* test_quote.c - probes built by probe.c, changed the way boxes change
 * them, quoted in ICMP errors, and compared back with what was sent. */
#include <arpa/inet.h>
#include <pcap/dlt.h>
#include <string.h>

#include "net/probe.h"
#include "tcp/quote.h"
#include "decode/segment.h"
#include "unit.h"

#define BIT(f) (1u << (f))

static struct probe_spec spec(int family)
{
	struct probe_spec s = {
		.family = family, .sport = 40000, .dport = 443,
		.seq = 0x10000000u, .ack = 0x12345678, .flags = TCPF_ACK, .win = 502,
		.ts = true, .tsval = 0xdeadbeef, .tsecr = 42, .ttl = 1, .df = true,
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

static uint32_t build(const struct probe_spec *s, uint8_t *raw)
{
	struct prober p;
	uint8_t *buf;
	uint32_t n;
	bool perm;
	char err[256];

	CU_ASSERT_EQUAL_FATAL(prober_open(&p, s->family, false, NULL, &perm, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(prober_build(&p, s, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(prober_bytes(&p, &buf, &n, err, sizeof err), 0);
	memcpy(raw, buf, n);
	prober_free_bytes(buf);
	prober_close(&p);
	return n;
}

static void test_unchanged(void)
{
	for (int fam = AF_INET; fam; fam = fam == AF_INET ? AF_INET6 : 0) {
		struct probe_spec s = spec(fam);
		uint8_t q[128];
		uint32_t n = build(&s, q);

		CU_ASSERT_EQUAL(quote_compare(&s, q, n), 0);
		q[fam == AF_INET ? 8 : 7] = 57;   /* TTL: normal, not reported */
		CU_ASSERT_EQUAL(quote_compare(&s, q, n), 0);
	}
}

static void test_dscp_ecn_v4(void)
{
	struct probe_spec s = spec(AF_INET);
	uint8_t q[128];
	uint32_t n = build(&s, q);

	q[1] = 0x20;   /* cs1, as `ip dscp set cs1` writes it */
	CU_ASSERT_EQUAL(quote_compare(&s, q, n), BIT(QF_DSCP));
	q[1] = 0x21;
	CU_ASSERT_EQUAL(quote_compare(&s, q, n), BIT(QF_DSCP) | BIT(QF_ECN));
}

static void test_dscp_v6(void)
{
	struct probe_spec s = spec(AF_INET6);
	uint8_t q[128];
	uint32_t n = build(&s, q);

	q[0] = 0x62;   /* traffic class 0x20: version 6, then its high nibble */
	CU_ASSERT_EQUAL(quote_compare(&s, q, n), BIT(QF_DSCP));
}

static void test_nat_and_ipid(void)
{
	struct probe_spec s = spec(AF_INET);
	uint8_t q[128];
	uint32_t n = build(&s, q);

	q[15] = 99;       /* source address */
	q[20] = 0x11;     /* source port */
	q[5] ^= 1;        /* IP ID */
	q[6] &= ~0x40;    /* DF cleared */
	CU_ASSERT_EQUAL(quote_compare(&s, q, n),
			BIT(QF_SRC) | BIT(QF_SPORT) | BIT(QF_IP_ID) | BIT(QF_DF));
}

/* A box that strips timestamps: the quote is the probe without them. */
static void test_timestamps(void)
{
	struct probe_spec s = spec(AF_INET), bare = s;
	uint8_t q[128];
	uint32_t n;

	bare.ts = false;
	n = build(&bare, q);
	CU_ASSERT_EQUAL(quote_compare(&s, q, n), BIT(QF_TS_REMOVED) | BIT(QF_LENGTH));
	n = build(&s, q);
	q[20 + 20 + 2 + 2 + 3] ^= 1;   /* TSval's last byte */
	CU_ASSERT_EQUAL(quote_compare(&s, q, n), BIT(QF_TS_REWRITTEN));
	CU_ASSERT_EQUAL(quote_compare(&bare, q, n), BIT(QF_OPTIONS_ADDED) | BIT(QF_LENGTH));
}

/* RFC 792's 8 bytes of TCP: the window and options are not compared. */
static void test_short_quote(void)
{
	struct probe_spec s = spec(AF_INET);
	uint8_t q[128];

	build(&s, q);
	q[34] ^= 0xff;   /* window, past the quote */
	q[27] ^= 1;      /* seq's last byte, inside it */
	CU_ASSERT_EQUAL(quote_compare(&s, q, 28), BIT(QF_SEQ));
	CU_ASSERT_EQUAL(quote_compare(&s, q, 19), 0);
}

/* An ICMP time exceeded around the probe, decoded, its quote found. */
static void test_locate(void)
{
	struct probe_spec s = spec(AF_INET);
	uint8_t f[160] = { 0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1, 198, 18, 1, 2,
			   11, 0 };
	uint32_t n = build(&s, f + 28);
	struct segment d;
	const uint8_t *q;
	size_t len;

	f[3] = (uint8_t)(28 + n);
	CU_ASSERT_EQUAL_FATAL(seg_decode(DLT_RAW, f, 28 + n, &d), SEG_OK);
	CU_ASSERT_EQUAL(d.kind, SEG_ICMP_ERR);
	CU_ASSERT_EQUAL(d.qlen, n);
	q = quote_locate(f, 28 + n, 28 + n, &d, &len);
	CU_ASSERT_PTR_EQUAL(q, f + 28);
	CU_ASSERT_EQUAL(len, n);
	/* Cut by the snaplen: the end of the frame is not the quote's. */
	CU_ASSERT_PTR_NULL(quote_locate(f, 28 + n, 28 + n + 10, &d, &len));
	/* A trailer after the datagram: the bytes there do not match. */
	CU_ASSERT_PTR_NULL(quote_locate(f, 28 + n + 6, 28 + n + 6, &d, &len));
	CU_ASSERT_EQUAL(SEG_ZEROED, 132);
}

void suite_quote(void)
{
	UNIT_SUITE("quote",
		   UNIT_TEST(test_unchanged),
		   UNIT_TEST(test_dscp_ecn_v4),
		   UNIT_TEST(test_dscp_v6),
		   UNIT_TEST(test_nat_and_ipid),
		   UNIT_TEST(test_timestamps),
		   UNIT_TEST(test_short_quote),
		   UNIT_TEST(test_locate));
}
