/* test_arrival.c - the far end's view of probes (tcp/arrival.c): found,
 * paired, and the changes named, the normal TTL decrement not one. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/segment.h"
#include "tcp/arrival.h"
#include "unit.h"

#define ISN 1000u

static struct arr_flow flow(void)
{
	struct arr_flow f = { .kernel_ttl = 64 };

	f.local = (struct ctl_addr){ .family = AF_INET, .port = 40000 };
	f.remote = (struct ctl_addr){ .family = AF_INET, .port = 4000 };
	inet_pton(AF_INET, "198.18.0.2", f.local.addr);
	inet_pton(AF_INET, "198.19.0.2", f.remote.addr);
	f.g = (struct ctl_greeting){ .version = 1, .you = f.local, .me = f.remote };
	return f;
}

/* The probe we sent: seq one below our next, after the handshake. */
static struct probe_spec probe(uint16_t ipid, uint32_t tsval)
{
	return (struct probe_spec){ .family = AF_INET, .seq = ISN, .ack = 5001, .flags = TCPF_ACK,
				    .win = 502, .ts = true, .tsval = tsval, .ttl = 64,
				    .ip_id = ipid };
}

/* serve's records: the SYN and the handshake's ACK, TTL 63 (one router). */
static unsigned handshake(struct ctl_seg *r)
{
	r[0] = (struct ctl_seg){ .t = 0, .seq = ISN, .flags = TCPF_SYN, .ttl = 63,
				 .opts = CTL_OPT_TS, .optlen = 20 };
	r[1] = (struct ctl_seg){ .t = 10, .seq = ISN + 1, .ack = 5001, .flags = TCPF_ACK,
				 .ttl = 63, .win = 502, .opts = CTL_OPT_TS, .optlen = 12 };
	return 2;
}

static struct ctl_seg as_received(const struct probe_spec *p, ka_time t)
{
	return (struct ctl_seg){ .t = t, .seq = p->seq, .ack = p->ack, .flags = TCPF_ACK,
				 .win = p->win, .ttl = (uint8_t)(p->ttl - 1), .ipid = p->ip_id,
				 .opts = CTL_OPT_TS, .optlen = 12, .tsval = p->tsval };
}

static void test_unchanged(void)
{
	struct arr_flow f = flow();
	struct ctl_seg r[8];
	struct probe_spec p[2] = { probe(7, 100), probe(8, 200) };
	struct arr_result out[2];
	unsigned n = handshake(r);

	r[n++] = as_received(&p[0], 1000);
	r[n++] = as_received(&p[1], 2000);
	arrival_match(&f, p, 2, r, n, -1, out);
	CU_ASSERT(out[0].arrived && out[1].arrived);
	CU_ASSERT_EQUAL(out[0].nchanged, 0);
	CU_ASSERT_EQUAL(out[1].nchanged, 0);
	/* Only records after `after` are this round's. */
	arrival_match(&f, p, 2, r, n, 1500, out);
	CU_ASSERT(!out[0].arrived && out[1].arrived);
}

static bool has(const struct arr_result *o, const char *w)
{
	for (unsigned i = 0; i < o->nchanged; i++)
		if (strcmp(o->changed[i], w) == 0)
			return true;
	return false;
}

static void test_changed(void)
{
	struct arr_flow f = flow();
	struct ctl_seg r[8];
	struct probe_spec p = probe(7, 100);
	struct arr_result out;
	unsigned n = handshake(r);

	f.g.you.port = 61000;          /* a NAT's port */
	r[n] = as_received(&p, 1000);
	r[n].dscp = 10;
	r[n].ttl = 60;                 /* 4 below, where the path takes 1 */
	n++;
	arrival_match(&f, &p, 1, r, n, -1, &out);
	CU_ASSERT(out.arrived);
	CU_ASSERT(has(&out, "sport") && has(&out, "dscp") && has(&out, "ttl"));
	CU_ASSERT(!has(&out, "seq") && !has(&out, "ipid") && !has(&out, "opts"));
	/* Options stripped, IP ID rewritten: found by order (one sent, one seen). */
	r[n - 1].opts = 0;
	r[n - 1].optlen = 0;
	r[n - 1].ipid = 99;
	arrival_match(&f, &p, 1, r, n, -1, &out);
	CU_ASSERT(out.arrived && has(&out, "opts") && has(&out, "ipid"));
}

static void test_shifted_seq(void)
{
	struct arr_flow f = flow();
	struct ctl_seg r[8];
	struct probe_spec p = probe(7, 100);
	struct arr_result out;
	unsigned n = handshake(r);

	/* A box that shifts sequence numbers: serve's space is ours + 5000. */
	for (unsigned i = 0; i < n; i++)
		r[i].seq += 5000;
	r[n] = as_received(&p, 1000);
	r[n++].seq += 5000;
	arrival_match(&f, &p, 1, r, n, -1, &out);
	CU_ASSERT(out.arrived && has(&out, "seq"));
}

static void test_lost(void)
{
	struct arr_flow f = flow();
	struct ctl_seg r[8];
	struct probe_spec p[2] = { probe(7, 100), probe(8, 200) };
	struct arr_result out[2];
	unsigned n = handshake(r);

	r[n++] = as_received(&p[1], 2000);    /* the first never came */
	arrival_match(&f, p, 2, r, n, -1, out);
	CU_ASSERT(!out[0].arrived && out[1].arrived);
	/* None at all: a proxy answered them. */
	arrival_match(&f, p, 2, r, 2, -1, out);
	CU_ASSERT(!out[0].arrived && !out[1].arrived);
}

/* The audit's pure-ack (at SND.NXT, like the kernel's handshake ACK) and
 * far-seq (an ACK far ahead) are found by their own seq, through a NAT
 * that shifts sequence numbers; the far-seq one moves nothing. */
static void test_by_seq(void)
{
	struct arr_flow f = flow();
	struct ctl_seg r[8];
	struct probe_spec p = probe(7, 100), q = probe(9, 300);
	struct arr_result out;
	unsigned n = handshake(r);

	f.by_seq = true;
	f.snd_nxt = ISN + 1;
	p.seq = ISN + 1;                        /* pure-ack */
	for (unsigned i = 0; i < n; i++)
		r[i].seq += 50;                 /* serve sees seq + 50 */
	r[n] = as_received(&p, 1000);
	r[n++].seq += 50;
	/* We closed the connection before asking: its FIN follows. */
	r[n++] = (struct ctl_seg){ .t = 1100, .seq = ISN + 51, .ack = 5001,
				   .flags = TCPF_FIN | TCPF_ACK, .ttl = 63 };
	arrival_match(&f, &p, 1, r, n, -1, &out);
	CU_ASSERT(out.arrived);
	CU_ASSERT(out.nchanged == 1 && strcmp(out.changed[0], "seq") == 0);
	/* Identity rewritten: the newest record at that seq, not the kernel's ACK. */
	r[n - 2].ipid = 0;
	r[n - 2].tsval = 0;
	arrival_match(&f, &p, 1, r, n, -1, &out);
	CU_ASSERT(out.arrived && out.t == 1000);

	q.seq = ISN + 1 + 0x40000000u;          /* far-seq */
	n = handshake(r);
	r[n++] = as_received(&q, 1500);
	arrival_match(&f, &q, 1, r, n, -1, &out);
	CU_ASSERT(out.arrived && out.nchanged == 0);
	/* A lost pure-ack is not the kernel's handshake ACK before it (records
	 * older than `after` are none of the probes). */
	arrival_match(&f, &p, 1, r, 2, 500, &out);
	CU_ASSERT(!out.arrived);
}

void suite_arrival(void)
{
	UNIT_SUITE("arrival", UNIT_TEST(test_unchanged), UNIT_TEST(test_changed),
		   UNIT_TEST(test_shifted_seq), UNIT_TEST(test_lost),
		   UNIT_TEST(test_by_seq));
}
