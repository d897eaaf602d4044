/* test_classify.c - the kernel's acceptance rules for what a peer sends,
 * one rule at a time, on a connection built the way the engine builds it
 * (conn_seen_out / conn_seen_in from a handshake). */
#include <string.h>

#include "tcp/classify.h"
#include "net/conn.h"
#include "unit.h"

#define ISS 1000u          /* our initial sequence number */
#define IRS 4000000000u    /* the peer's: RCV.NXT wraps past 2^32 soon */
#define TSR 7000u          /* the peer's TSval in the handshake: TS.Recent */

static struct segment tcp(uint32_t seq, uint32_t ack, uint8_t flags, uint32_t len)
{
	struct segment s = { .kind = SEG_TCP, .family = AF_INET, .seq = seq, .ack = ack,
			     .flags = flags, .len = len, .win = 502, .ttl = 63 };

	s.src[0] = 198; s.src[1] = 19; s.src[2] = 1; s.src[3] = 2;
	s.opt.has_ts = true;
	s.opt.tsval = TSR + 10;
	return s;
}

/* An established connection, timestamps on, window scale 7 each way (our
 * window 502 << 7 = 64256 bytes).  RCV.NXT = IRS + 1, SND.NXT = ISS + 1. */
static void established(struct conn *c, bool wscale)
{
	struct segment s;

	memset(c, 0, sizeof *c);
	c->wscale[0] = c->wscale[1] = -1;
	c->family = AF_INET;
	s = tcp(ISS, 0, TCPF_SYN, 0);
	s.opt.has_wscale = wscale;
	s.opt.wscale = 7;
	s.opt.tsval = 1;
	conn_seen_out(c, &s, 0);
	s = tcp(IRS, ISS + 1, TCPF_SYN | TCPF_ACK, 0);
	s.opt.has_wscale = wscale;
	s.opt.wscale = 7;
	s.opt.tsval = TSR;
	conn_seen_in(c, &s, 0);
	s = tcp(ISS + 1, IRS + 1, TCPF_ACK, 0);
	s.opt.tsval = 2;
	conn_seen_out(c, &s, 0);
}

static enum cl_kind classify(const struct conn *c, const struct segment *s)
{
	struct cl_conn v;

	conn_view(c, &v);
	return classify_segment(&v, s);
}

/* The answer to a probe: a duplicate ACK at RCV.NXT acking SND.NXT. */
static void test_answer(void)
{
	struct conn c;
	struct segment s;

	established(&c, true);
	CU_ASSERT(c.handshake_acked && conn_established(&c));
	s = tcp(IRS + 1, ISS + 1, TCPF_ACK, 0);
	CU_ASSERT_EQUAL(classify(&c, &s), CL_ANSWER);
	/* No TSopt on a connection with timestamps: accepted (Linux has no
	 * PAWS check without a TSval); the engine judges who sent it. */
	s.opt.has_ts = false;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_ANSWER);
}

/* tcp_sequence: the forger of issue 8 (seq = RCV.NXT + 2^31) and the
 * window's edges, scaled and not. */
static void test_sequence_window(void)
{
	struct conn c;
	struct segment s;

	established(&c, true);
	s = tcp(IRS + 1 + 0x80000000u, ISS + 1, TCPF_ACK, 0);
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_SEQ);
	s.seq = IRS + 1 + 502u * 128;          /* RCV.NXT + RCV.WND: still in */
	CU_ASSERT_EQUAL(classify(&c, &s), CL_ANSWER);
	s.seq = IRS + 1 + 502u * 128 + 1;      /* one past */
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_SEQ);
	s.seq = IRS;                           /* ends before RCV.WUP */
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_SEQ);
	/* Without window scaling the same seq is far out. */
	established(&c, false);
	s.seq = IRS + 1 + 1000;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_SEQ);
	s.seq = IRS + 1 + 502;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_ANSWER);
}

/* tcp_ack and RFC 5961 5.2. */
static void test_ack_rules(void)
{
	struct conn c;
	struct segment s;

	established(&c, true);
	s = tcp(IRS + 1, ISS + 2, TCPF_ACK, 0);     /* acks data never sent */
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_ACK);
	s.ack = ISS;                                 /* below SND.UNA, max window 0 */
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_ACK);
	/* Once the peer advertised a window, an old ack within it is
	 * accepted, though it answers nothing. */
	s = tcp(IRS + 1, ISS + 1, TCPF_ACK, 0);
	conn_seen_in(&c, &s, 1);
	s.ack = ISS;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_ACCEPTED);
	s.ack = ISS + 1 - 502u * 128 - 1;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_ACK);
	s = tcp(IRS + 1, ISS + 1, 0, 0);             /* no flag at all */
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_NO_ACK);
}

/* PAWS: TCP_PAWS_WINDOW is 1; RSTs are exempt. */
static void test_paws(void)
{
	struct conn c;
	struct segment s;

	established(&c, true);
	s = tcp(IRS + 1, ISS + 1, TCPF_ACK, 0);
	s.opt.tsval = TSR - 1;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_ANSWER);
	s.opt.tsval = TSR - 2;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_PAWS);
	s.opt.tsval = TSR + 0x40000000u;             /* newer, across the clock's half */
	CU_ASSERT_EQUAL(classify(&c, &s), CL_ANSWER);
	s.flags = TCPF_RST;
	s.opt.tsval = TSR - 1000;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_RESET);
}

/* RFC 5961 3.2 and 4.2. */
static void test_rst_and_syn(void)
{
	struct conn c;
	struct segment s;

	established(&c, true);
	s = tcp(IRS + 1, 0, TCPF_RST, 0);
	CU_ASSERT_EQUAL(classify(&c, &s), CL_RESET);
	s.seq = IRS + 100;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_RST_UNTRUSTED);
	s.seq = IRS + 1 + 0x12345678u;
	CU_ASSERT_EQUAL(classify(&c, &s), CL_IGN_RST);
	s = tcp(IRS, ISS + 1, TCPF_SYN | TCPF_ACK, 0);
	CU_ASSERT_EQUAL(classify(&c, &s), CL_SYN_AGAIN);
}

static void test_data_and_fin(void)
{
	struct conn c;
	struct segment s;

	established(&c, true);
	s = tcp(IRS + 1, ISS + 1, TCPF_ACK | TCPF_PSH, 10);
	CU_ASSERT_EQUAL(classify(&c, &s), CL_DATA);
	s = tcp(IRS + 1, ISS + 1, TCPF_ACK | TCPF_FIN, 0);
	CU_ASSERT_EQUAL(classify(&c, &s), CL_DATA);
	/* RCV.NXT across 2^32: data that wraps is still new. */
	s = tcp(IRS + 1, ISS + 1, TCPF_ACK, 0x20000000u);
	conn_seen_in(&c, &s, 1);
	s = tcp(IRS + 1 + 0x20000000u, ISS + 1, TCPF_ACK, 0);
	CU_ASSERT(c.flow.d[1].snd < IRS);
	CU_ASSERT_EQUAL(classify(&c, &s), CL_ANSWER);
}

/* What an unprompted close is timed from: the last new data either way,
 * the handshake (the SYN-ACK) when none; bare ACKs, keep-alive probes
 * (with or without their garbage byte) and retransmissions do not count. */
static void test_last_data(void)
{
	struct conn c;
	struct segment s;

	established(&c, true);
	s = tcp(IRS, ISS + 1, TCPF_SYN | TCPF_ACK, 0);
	conn_seen_in(&c, &s, 50);   /* a SYN-ACK again: the handshake's time */
	CU_ASSERT_EQUAL(conn_last_data(&c), 50);
	s = tcp(ISS, IRS + 1, TCPF_ACK, 0);          /* our probe, as if the kernel's */
	conn_seen_out(&c, &s, 100);
	s = tcp(ISS, IRS + 1, TCPF_ACK, 1);          /* its one-byte form */
	conn_seen_out(&c, &s, 110);
	s = tcp(IRS + 1, ISS + 1, TCPF_ACK, 0);      /* the answer */
	conn_seen_in(&c, &s, 120);
	CU_ASSERT_EQUAL(conn_last_data(&c), 50);
	s = tcp(ISS + 1, IRS + 1, TCPF_ACK | TCPF_PSH, 6);   /* a heartbeat */
	conn_seen_out(&c, &s, 200);
	CU_ASSERT_EQUAL(c.last_data[0], 200);
	CU_ASSERT_EQUAL(conn_last_data(&c), 200);
	conn_seen_out(&c, &s, 300);                  /* its retransmission */
	CU_ASSERT_EQUAL(conn_last_data(&c), 200);
	s = tcp(IRS + 1, ISS + 7, TCPF_ACK | TCPF_PSH, 7);   /* the peer's reply */
	conn_seen_in(&c, &s, 400);
	CU_ASSERT_EQUAL(c.last_data[1], 400);
	CU_ASSERT_EQUAL(c.last_data[0], 200);
	CU_ASSERT_EQUAL(conn_last_data(&c), 400);
	/* A FIN is the close, not data: acceptable, and it moves no clock. */
	s = tcp(IRS + 8, ISS + 7, TCPF_ACK | TCPF_FIN, 0);
	CU_ASSERT_EQUAL(classify(&c, &s), CL_DATA);
	conn_seen_in(&c, &s, 900);
	CU_ASSERT_EQUAL(conn_last_data(&c), 400);
}

static struct segment icmp(uint8_t type, uint8_t code, uint32_t seq, uint32_t ack)
{
	struct segment s = tcp(seq, ack, 0, 0);

	s.kind = SEG_ICMP_ERR;
	s.icmp_type = type;
	s.icmp_code = code;
	s.src[3] = 1;   /* the router */
	return s;
}

/* RFC 5927 4.1: only a quote of what was really sent counts. */
static void test_icmp_quote(void)
{
	struct conn c;
	struct cl_conn v;
	struct segment s;
	struct probe_spec p = { .seq = ISS, .ack = IRS + 1 };
	bool hard;

	established(&c, true);
	conn_probe_sent(&c, &p);
	conn_view(&c, &v);
	s = icmp(3, 1, ISS, IRS + 1);
	CU_ASSERT_EQUAL(classify_icmp(&v, &s, &hard), CL_ICMP_ERROR);
	CU_ASSERT_FALSE(hard);
	s = icmp(3, 1, ISS, 0);                       /* RFC 792's 8 bytes: no ack */
	CU_ASSERT_EQUAL(classify_icmp(&v, &s, &hard), CL_ICMP_ERROR);
	s = icmp(3, 1, 0x5eed5eedu, IRS + 1);         /* a random seq */
	CU_ASSERT_EQUAL(classify_icmp(&v, &s, &hard), CL_IGN_ICMP_UNMATCHED);
	s = icmp(3, 1, ISS, IRS + 77);                /* the seq, another ack */
	CU_ASSERT_EQUAL(classify_icmp(&v, &s, &hard), CL_IGN_ICMP_UNMATCHED);
	s = icmp(3, 1, ISS + 1, 0);                   /* SND.NXT: tcp_v4_err's own rule */
	CU_ASSERT_EQUAL(classify_icmp(&v, &s, &hard), CL_ICMP_ERROR);
}

/* Which messages are errors, and which errors are hard. */
static void test_icmp_kinds(void)
{
	static const struct { int family; uint8_t type, code; enum cl_kind k; bool hard; } cases[] = {
		{ AF_INET, 3, 0, CL_ICMP_ERROR, false },     /* net unreachable */
		{ AF_INET, 3, 1, CL_ICMP_ERROR, false },     /* host unreachable */
		{ AF_INET, 3, 3, CL_ICMP_ERROR, true },      /* port unreachable */
		{ AF_INET, 3, 13, CL_ICMP_ERROR, true },     /* administratively prohibited */
		{ AF_INET, 3, 4, CL_IGN_ICMP_NOT_ERROR, false }, /* fragmentation needed */
		{ AF_INET, 4, 0, CL_IGN_ICMP_NOT_ERROR, false }, /* source quench */
		{ AF_INET, 11, 0, CL_ICMP_ERROR, false },    /* time exceeded */
		{ AF_INET, 12, 0, CL_ICMP_ERROR, true },     /* parameter problem */
		{ AF_INET6, 1, 3, CL_ICMP_ERROR, false },    /* address unreachable */
		{ AF_INET6, 1, 1, CL_ICMP_ERROR, true },     /* administratively prohibited */
		{ AF_INET6, 1, 4, CL_ICMP_ERROR, true },     /* port unreachable */
		{ AF_INET6, 2, 0, CL_IGN_ICMP_NOT_ERROR, false }, /* packet too big */
		{ AF_INET6, 3, 0, CL_ICMP_ERROR, false },    /* time exceeded */
	};
	struct conn c;
	struct cl_conn v;
	struct probe_spec p = { .seq = ISS, .ack = IRS + 1 };

	established(&c, true);
	conn_probe_sent(&c, &p);
	conn_view(&c, &v);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct segment s = icmp(cases[i].type, cases[i].code, ISS, IRS + 1);
		bool hard = !cases[i].hard;

		s.family = cases[i].family;
		CU_ASSERT_EQUAL(classify_icmp(&v, &s, &hard), cases[i].k);
		if (cases[i].k == CL_ICMP_ERROR)
			CU_ASSERT_EQUAL(hard, cases[i].hard);
	}
}

static void test_by_peer(void)
{
	uint8_t peer[16] = { 198, 19, 1, 2 };
	struct segment s = tcp(IRS + 1, ISS + 1, TCPF_ACK, 0);
	int hops;

	CU_ASSERT_TRUE(classify_by_peer(63, true, peer, &s, &hops));
	CU_ASSERT_EQUAL(hops, 1);
	s.ttl = 64;                                 /* a box one hop nearer */
	CU_ASSERT_FALSE(classify_by_peer(63, true, peer, &s, &hops));
	CU_ASSERT_EQUAL(hops, 0);
	s.ttl = 63;
	s.opt.has_ts = false;                       /* an ACK without TSopt */
	CU_ASSERT_FALSE(classify_by_peer(63, true, peer, &s, &hops));
	s.flags = TCPF_RST;                         /* an RST may lack it */
	CU_ASSERT_TRUE(classify_by_peer(63, true, peer, &s, &hops));
	s.src[3] = 9;                               /* another address */
	CU_ASSERT_FALSE(classify_by_peer(63, true, peer, &s, &hops));
}

static void test_reasons(void)
{
	for (int k = CL_ANSWER; k <= CL_DROP_OTHERHOST; k++) {
		CU_ASSERT_EQUAL(classify_reason((enum cl_kind)k) != NULL,
				classify_ignored((enum cl_kind)k));
		if (classify_ignored((enum cl_kind)k))
			CU_ASSERT(strlen(classify_why((enum cl_kind)k)) > 10);
	}
}

void suite_classify(void)
{
	UNIT_SUITE("classify",
		   UNIT_TEST(test_answer),
		   UNIT_TEST(test_sequence_window),
		   UNIT_TEST(test_ack_rules),
		   UNIT_TEST(test_paws),
		   UNIT_TEST(test_rst_and_syn),
		   UNIT_TEST(test_data_and_fin),
		   UNIT_TEST(test_last_data),
		   UNIT_TEST(test_icmp_quote),
		   UNIT_TEST(test_icmp_kinds),
		   UNIT_TEST(test_by_peer),
		   UNIT_TEST(test_reasons));
}
