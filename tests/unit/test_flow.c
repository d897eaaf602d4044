/* test_flow.c - per-flow sequence tracking with Wireshark's rules,
 * including across 2^32. */
#include <string.h>

#include "tcp/flow.h"
#include "unit.h"

static struct segment seg(uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len)
{
	return (struct segment){ .kind = SEG_TCP, .family = AF_INET, .seq = seq, .ack = ack,
				 .flags = flags, .len = len, .win = 502, .ttl = 64 };
}

static void handshake(struct flow *f, uint32_t a_isn, uint32_t b_isn, bool ts)
{
	struct segment s;

	memset(f, 0, sizeof *f);
	s = seg(a_isn, 0, TCPF_SYN, 0);
	s.opt.has_ts = ts;
	flow_update(f, 0, &s);
	s = seg(b_isn, a_isn + 1, TCPF_SYN | TCPF_ACK, 0);
	s.opt.has_ts = ts;
	flow_update(f, 1, &s);
	s = seg(a_isn + 1, b_isn + 1, TCPF_ACK, 0);
	flow_update(f, 0, &s);
}

static void test_handshake_state(void)
{
	struct flow f;

	handshake(&f, 1000, 5000, true);
	CU_ASSERT_EQUAL(f.d[0].nxt, 1001);
	CU_ASSERT_EQUAL(f.d[1].nxt, 5001);
	CU_ASSERT_EQUAL(f.d[0].ack, 5001);
	CU_ASSERT_EQUAL(f.d[0].win, 502);
	CU_ASSERT(f.d[0].flags & FD_SYN);
	CU_ASSERT(f.d[1].flags & FD_SEEN);
	CU_ASSERT_TRUE(flow_ts_negotiated(&f));
	handshake(&f, 1000, 5000, false);
	CU_ASSERT_FALSE(flow_ts_negotiated(&f));
}

static void test_probe_rule(void)
{
	struct flow f;
	struct segment s;

	handshake(&f, 1000, 5000, true);
	s = seg(1000, 5001, TCPF_ACK, 0);
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &s));
	s.len = 1;                                   /* RFC 1122 garbage octet */
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &s));
	s.len = 2;
	CU_ASSERT_FALSE(flow_is_probe(&f, 0, &s));
	s = seg(1001, 5001, TCPF_ACK, 0);            /* a pure ACK: seq = nxt */
	CU_ASSERT_FALSE(flow_is_probe(&f, 0, &s));
	s = seg(1000, 5001, TCPF_ACK | TCPF_FIN, 0);
	CU_ASSERT_FALSE(flow_is_probe(&f, 0, &s));
	s = seg(1000, 5001, TCPF_RST, 0);
	CU_ASSERT_FALSE(flow_is_probe(&f, 0, &s));
	s = seg(1000, 0, 0, 0);                      /* ACK flag not checked */
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &s));
	/* A probe does not move the state: the next one is the same. */
	s = seg(1000, 5001, TCPF_ACK, 1);
	flow_update(&f, 0, &s);
	CU_ASSERT_EQUAL(f.d[0].nxt, 1001);
	CU_ASSERT(f.d[0].flags & FD_KEEPALIVE);
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &s));
}

/* As in Wireshark, an unknown next seq is 0: a first segment at
 * 0xffffffff is a keep-alive, any other is not. */
static void test_unknown_next_seq(void)
{
	struct flow f;
	struct segment s = seg(99, 0, TCPF_ACK, 0);

	memset(&f, 0, sizeof f);
	CU_ASSERT_FALSE(flow_is_probe(&f, 1, &s));
	s.seq = 0xffffffffu;
	CU_ASSERT_TRUE(flow_is_probe(&f, 1, &s));
}

static void test_probe_ack_rule(void)
{
	struct flow f;
	struct segment probe, ans;

	handshake(&f, 1000, 5000, true);
	ans = seg(5001, 1001, TCPF_ACK, 0);
	flow_update(&f, 1, &ans);                    /* the peer's last: same win */
	probe = seg(1000, 5001, TCPF_ACK, 0);
	flow_update(&f, 0, &probe);
	CU_ASSERT_TRUE(flow_is_probe_ack(&f, 1, &ans));
	ans.win = 600;                               /* changed: a window update */
	CU_ASSERT_FALSE(flow_is_probe_ack(&f, 1, &ans));
	ans.win = 502;
	ans.len = 1;
	CU_ASSERT_FALSE(flow_is_probe_ack(&f, 1, &ans));
	ans.len = 0;
	/* Only when the prober's last segment was the keep-alive. */
	probe = seg(1001, 5001, TCPF_ACK, 0);
	flow_update(&f, 0, &probe);
	CU_ASSERT_FALSE(flow_is_probe_ack(&f, 1, &ans));
}

static void test_wraparound(void)
{
	struct flow f;
	struct segment s;

	handshake(&f, 0xfffffff0u, 0xffffff00u, false);
	/* The peer sends 0x200 bytes, crossing 2^32. */
	s = seg(0xffffff01u, 0xfffffff1u, TCPF_ACK | TCPF_PSH, 0x200);
	CU_ASSERT_TRUE(flow_is_new_data(&f, 1, &s));
	flow_update(&f, 1, &s);
	CU_ASSERT_EQUAL(f.d[1].nxt, 0x101);
	/* A retransmission of older data does not move nxt back. */
	s = seg(0xffffff01u, 0xfffffff1u, TCPF_ACK, 0x10);
	CU_ASSERT_FALSE(flow_is_new_data(&f, 1, &s));
	flow_update(&f, 1, &s);
	CU_ASSERT_EQUAL(f.d[1].nxt, 0x101);
	s = seg(0xfffffff1u, 0x101, TCPF_ACK, 0);
	flow_update(&f, 0, &s);
	CU_ASSERT_TRUE(flow_acks_all(&f, 0, &s));
	/* Our probe at SND.NXT-1 where SND.NXT is 0: seq 0xffffffff. */
	handshake(&f, 0xfffffffeu, 7, false);
	CU_ASSERT_EQUAL(f.d[0].nxt, 0xffffffffu);
	s = seg(0xffffffffu, 8, TCPF_ACK, 1);        /* 1 byte, ends at 0 */
	flow_update(&f, 0, &s);
	CU_ASSERT_EQUAL(f.d[0].nxt, 0);
	s = seg(0xffffffffu, 8, TCPF_ACK, 0);
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &s));
}

static void test_acks_all(void)
{
	struct flow f;
	struct segment s;

	handshake(&f, 1000, 5000, true);
	s = seg(5001, 1001, TCPF_ACK, 0);
	CU_ASSERT_TRUE(flow_acks_all(&f, 1, &s));
	s.ack = 1000;
	CU_ASSERT_FALSE(flow_acks_all(&f, 1, &s));
	s.ack = 1001;
	s.flags = 0;
	CU_ASSERT_FALSE(flow_acks_all(&f, 1, &s));
}

/* Wireshark moves next seq with RSTs too; the flag is remembered. */
static void test_rst(void)
{
	struct flow f;
	struct segment s;

	handshake(&f, 1000, 5000, true);
	s = seg(5001, 0, TCPF_RST, 0);
	flow_update(&f, 1, &s);
	CU_ASSERT_EQUAL(f.d[1].nxt, 5001);
	CU_ASSERT(f.d[1].flags & FD_RST);
	s = seg(9000, 0, TCPF_RST, 0);
	flow_update(&f, 1, &s);
	CU_ASSERT_EQUAL(f.d[1].nxt, 9000);
}

static void test_fin_takes_a_number(void)
{
	struct flow f;
	struct segment s;

	handshake(&f, 1000, 5000, true);
	s = seg(5001, 1001, TCPF_ACK | TCPF_FIN, 10);
	CU_ASSERT_TRUE(flow_is_new_data(&f, 1, &s));
	flow_update(&f, 1, &s);
	CU_ASSERT_EQUAL(f.d[1].nxt, 5012);
	CU_ASSERT(f.d[1].flags & FD_FIN);
	/* A retransmitted FIN is not new. */
	CU_ASSERT_FALSE(flow_is_new_data(&f, 1, &s));
}

/* A one-byte segment at next seq while the other side's window is 0 is a
 * zero-window probe: it does not advance next seq. */
static void test_zero_window_probe(void)
{
	struct flow f;
	struct segment s;

	handshake(&f, 1000, 5000, true);
	s = seg(5001, 1001, TCPF_ACK, 0);
	s.win = 0;
	flow_update(&f, 1, &s);
	s = seg(1001, 5001, TCPF_ACK, 1);
	flow_update(&f, 0, &s);
	CU_ASSERT_EQUAL(f.d[0].nxt, 1001);
	CU_ASSERT_FALSE(f.d[0].flags & FD_KEEPALIVE);
}

/* Picked up mid-stream: the first segment of each direction sets it. */
static void test_midstream(void)
{
	struct flow f;
	struct segment s;

	memset(&f, 0, sizeof f);
	s = seg(777, 4242, TCPF_ACK, 100);
	flow_update(&f, 0, &s);
	CU_ASSERT_EQUAL(f.d[0].nxt, 877);
	CU_ASSERT_FALSE(f.d[0].flags & FD_SYN);
	s = seg(876, 4242, TCPF_ACK, 0);
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &s));
}

/* Wireshark's quirk at exactly 0: its nextseq drifts to the probe's end,
 * so a second identical probe is not labelled; the true next seq stays. */
static void test_next_seq_wrapping_to_zero(void)
{
	struct flow f;
	struct segment s;

	handshake(&f, 0xfffffff0u, 5000, false);
	s = seg(0xfffffff1u, 5001, TCPF_ACK, 15);    /* data up to exactly 0 */
	flow_update(&f, 0, &s);
	CU_ASSERT_EQUAL(f.d[0].nxt, 0);
	CU_ASSERT_EQUAL(f.d[0].snd, 0);
	s = seg(0xffffffffu, 5001, TCPF_ACK, 0);
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &s));
	flow_update(&f, 0, &s);
	CU_ASSERT_EQUAL(f.d[0].nxt, 0xffffffffu);    /* Wireshark's drift */
	CU_ASSERT_EQUAL(f.d[0].snd, 0);              /* the truth */
	CU_ASSERT_FALSE(flow_is_probe(&f, 0, &s));
	s = seg(5001, 0, TCPF_ACK, 0);                /* the answer acks 0 */
	CU_ASSERT_TRUE(flow_acks_all(&f, 1, &s));
}

/* packet-tcp.c: the +1 of a FIN counts only while fewer than 10,000 of
 * the sender's segments are unacknowledged.  In a one-way capture nothing
 * is ever acknowledged, so the 10,000th segment is the last counted. */
static void one_way(struct flow *f, unsigned segments)
{
	struct segment s;
	uint32_t seq = 1001;

	memset(f, 0, sizeof *f);
	s = seg(1000, 0, TCPF_SYN, 0);               /* the SYN is the first entry */
	flow_update(f, 0, &s);
	for (unsigned i = 0; i < segments; i++, seq += 100) {
		s = seg(seq, 5001, TCPF_ACK, 100);
		flow_update(f, 0, &s);
	}
	s = seg(seq, 5001, TCPF_ACK | TCPF_FIN, 0);
	flow_update(f, 0, &s);
}

static void test_fin_unacked_limit(void)
{
	struct flow f;
	uint32_t fin_seq = 1001 + 9998 * 100;
	struct segment probe = seg(fin_seq, 5001, TCPF_ACK, 0);

	one_way(&f, 9998);                           /* SYN + 9,998: FIN is the 10,000th */
	CU_ASSERT_EQUAL(f.unacked[0], FLOW_MAX_UNACKED);
	CU_ASSERT_EQUAL(f.d[0].nxt, fin_seq + 1);
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &probe));
	one_way(&f, 9999);                           /* the list is full at the FIN */
	fin_seq += 100;
	probe.seq = fin_seq;
	CU_ASSERT_EQUAL(f.d[0].nxt, fin_seq);        /* no +1 */
	CU_ASSERT_EQUAL(f.d[0].snd, fin_seq + 1);    /* the truth keeps it */
	CU_ASSERT_FALSE(flow_is_probe(&f, 0, &probe));
	probe.seq = fin_seq - 1;                     /* Wireshark's keep-alive */
	CU_ASSERT_TRUE(flow_is_probe(&f, 0, &probe));
}

/* Acks trim the count: all of it when everything is acknowledged, a
 * share when part is, none for an old ack. */
static void test_unacked_trimmed(void)
{
	struct flow f;
	struct segment s;

	handshake(&f, 1000, 5000, false);
	CU_ASSERT_EQUAL(f.unacked[0], 0);            /* the peer's SYN-ACK acked the SYN */
	for (uint32_t i = 0; i < 10; i++) {
		s = seg(1001 + i * 100, 5001, TCPF_ACK, 100);
		flow_update(&f, 0, &s);
	}
	CU_ASSERT_EQUAL(f.unacked[0], 10);
	s = seg(5001, 1001 + 400, TCPF_ACK, 0);     /* 4 of 10 evenly sized */
	flow_update(&f, 1, &s);
	CU_ASSERT_EQUAL(f.unacked[0], 6);
	s = seg(5001, 1001 + 300, TCPF_ACK, 0);     /* behind the last ack */
	flow_update(&f, 1, &s);
	CU_ASSERT_EQUAL(f.unacked[0], 6);
	s = seg(5001, 1001 + 1000, TCPF_ACK, 0);    /* all of it */
	flow_update(&f, 1, &s);
	CU_ASSERT_EQUAL(f.unacked[0], 0);
}

static void test_state_is_small(void)
{
	CU_ASSERT(sizeof(struct flow) <= 36);
}

void suite_flow(void)
{
	UNIT_SUITE("flow",
		   UNIT_TEST(test_handshake_state),
		   UNIT_TEST(test_probe_rule),
		   UNIT_TEST(test_unknown_next_seq),
		   UNIT_TEST(test_probe_ack_rule),
		   UNIT_TEST(test_wraparound),
		   UNIT_TEST(test_acks_all),
		   UNIT_TEST(test_rst),
		   UNIT_TEST(test_fin_takes_a_number),
		   UNIT_TEST(test_zero_window_probe),
		   UNIT_TEST(test_midstream),
		   UNIT_TEST(test_next_seq_wrapping_to_zero),
		   UNIT_TEST(test_fin_unacked_limit),
		   UNIT_TEST(test_unacked_trimmed),
		   UNIT_TEST(test_state_is_small));
}
