/* test_emit.c - the event stream: emit() hands each event to the modules
 * that take its kind, in the order attached, and emit_wants() knows which
 * kinds anyone takes; the text module writes each kind's human and JSON
 * forms byte for byte, with the event's context, and -q keeps what it
 * says. */
#include <stdio.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>

#include "emit/text.h"
#include "unit.h"

/* ---- emit() ------------------------------------------------------------------ */

/* A module that records what it was handed: kinds in `want`, the events'
 * kinds and its name in `log`, shared between two of them. */
struct recorder {
	char name;
	uint64_t want;
	char *log;
};

static bool rec_wants(const void *self, enum ev_kind k)
{
	return ((const struct recorder *)self)->want >> k & 1;
}

static void rec_event(void *self, const struct event *ev)
{
	struct recorder *r = self;
	size_t n = strlen(r->log);

	snprintf(r->log + n, 64 - n, "%c%d ", r->name, (int)ev->kind);
}

static const struct out_module recorder = { "recorder", rec_wants, rec_event };

static void test_two_modules(void)
{
	char log[64] = "";
	struct recorder a = { 'a', UINT64_C(1) << EV_PROBE | UINT64_C(1) << EV_REPLY, log };
	struct recorder b = { 'b', UINT64_C(1) << EV_REPLY | UINT64_C(1) << EV_CUT, log };
	struct emitter em;
	char want[64];

	emit_init(&em);
	CU_ASSERT_FALSE(emit_wants(&em, EV_PROBE));
	CU_ASSERT_TRUE(emit_attach(&em, &recorder, &a));
	CU_ASSERT_TRUE(emit_attach(&em, &recorder, &b));
	CU_ASSERT_TRUE(emit_wants(&em, EV_PROBE));
	CU_ASSERT_TRUE(emit_wants(&em, EV_REPLY));
	CU_ASSERT_TRUE(emit_wants(&em, EV_CUT));
	CU_ASSERT_FALSE(emit_wants(&em, EV_VERDICT));
	CU_ASSERT_FALSE(emit_wants(&em, EV_TRAFFIC));
	emit(&em, &(struct event){ .kind = EV_PROBE });
	emit(&em, &(struct event){ .kind = EV_REPLY });
	emit(&em, &(struct event){ .kind = EV_VERDICT });   /* nobody's */
	emit(&em, &(struct event){ .kind = EV_CUT });
	snprintf(want, sizeof want, "a%d a%d b%d b%d ", EV_PROBE, EV_REPLY, EV_REPLY, EV_CUT);
	CU_ASSERT_STRING_EQUAL(log, want);
}

static void test_full(void)
{
	char log[64] = "";
	struct recorder a = { 'a', 0, log };
	struct emitter em;

	emit_init(&em);
	for (int i = 0; i < EMIT_MAX_MODULES; i++)
		CU_ASSERT_TRUE(emit_attach(&em, &recorder, &a));
	CU_ASSERT_FALSE(emit_attach(&em, &recorder, &a));
	CU_ASSERT_EQUAL(em.wants, 0);
}

/* ---- the text module --------------------------------------------------------- */

/* What the text module writes for ev: human, or JSON; -q with quiet.
 * Returns the text (static), or "(not taken)" when the module does not
 * take the kind. */
static const char *text_of(const struct event *ev, bool json, bool quiet)
{
	static char out[1024];
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	struct text tx;
	struct emitter em;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	text_init(&tx, f, json, quiet, 1000000);
	emit_init(&em);
	emit_attach(&em, &text_module, &tx);
	if (!emit_wants(&em, ev->kind)) {
		fclose(f);
		free(buf);
		return "(not taken)";
	}
	emit(&em, ev);
	CU_ASSERT_TRUE(text_flush(&tx));
	fclose(f);
	snprintf(out, sizeof out, "%s", buf);
	free(buf);
	return out;
}

/* Replay's probe: the frame, its time of day (UTC) and the flow first. */
static void test_probe(void)
{
	struct event ev = { .kind = EV_PROBE, .t = 3661000001LL, .flow = "a:1>b:2", .frame = 7,
			    .u.probe = { .n = 2, .seq = 10, .ack = 20, .len = 0 } };

	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, false),
			       "7 01:01:01.000001 a:1>b:2 probe 2: seq=10 ack=20 len=0\n");
	CU_ASSERT_STRING_EQUAL(text_of(&ev, true, false),
			       "{\"event\":\"probe\",\"t\":3660.000001,\"flow\":\"a:1>b:2\","
			       "\"frame\":7,\"n\":2,\"seq\":10,\"ack\":20,\"len\":0}\n");
	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, true), "(not taken)");
	CU_ASSERT_STRING_EQUAL(text_of(&ev, true, true), "(not taken)");
}

/* Many connections: the connection names the line and the object. */
static void test_notice_of_a_connection(void)
{
	struct event ev = { .kind = EV_NOTICE, .t = 1500000, .conn = 2, .dst = "x:1",
			    .u.notice = { "untrusted-rst", "closed \"now\"" } };

	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, false), "x:1 : untrusted-rst: closed \"now\"\n");
	CU_ASSERT_STRING_EQUAL(text_of(&ev, true, false),
			       "{\"event\":\"untrusted-rst\",\"t\":0.500000,\"conn\":2,\"dst\":\"x:1\","
			       "\"text\":\"closed \\\"now\\\"\"}\n");
}

/* Live mode's verdict: kept by -q, in both forms. */
static void test_verdict(void)
{
	struct event ev = { .kind = EV_VERDICT, .t = 3000000, .u.verdict = { "alive" } };

	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, true), "verdict: alive\n");
	CU_ASSERT_STRING_EQUAL(text_of(&ev, true, true),
			       "{\"event\":\"verdict\",\"t\":2.000000,\"verdict\":\"alive\"}\n");
}

/* The trace's hop with no answer; -q keeps it in JSON only. */
/* A close: how long without data, how and by whom, in every verdict's
 * forms (live alone, a connection among several, a replay flow). */
static void test_closed_verdict(void)
{
	struct ka_machine m = { .st = { .sent = 2, .answered = 2, .rtt_sum = 2000,
					.rtt_min = 1000, .rtt_max = 1000 } };
	struct ev_close c = { .idle = 5003400, .by = 1, .from = "10.0.0.2", .answered_in_gap = -1 };
	struct event ev = { .kind = EV_VERDICT, .t = 3000000,
			    .u.verdict = { .verdict = "closed", .close = &c } };

	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, true),
			       "verdict: closed (the peer closed the connection with a FIN after "
			       "5.003 s without data; keep-alive cannot prevent this: its probes "
			       "carry no data, so the application must send data more often than "
			       "every 5.003 s)\n");
	CU_ASSERT_STRING_EQUAL(text_of(&ev, true, true),
			       "{\"event\":\"verdict\",\"t\":2.000000,\"verdict\":\"closed\","
			       "\"idle_s\":5.003,\"how\":\"fin\",\"by\":\"peer\","
			       "\"from\":\"10.0.0.2\"}\n");
	c = (struct ev_close){ .idle = 700000, .rst = true, .by = 0, .from = "10.0.0.1",
			       .heartbeat = true, .answered_in_gap = -1 };
	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, true),
			       "verdict: closed (a box on the way, 10.0.0.1, closed the connection "
			       "with an RST after 0.700 s without data, heartbeats included)\n");
	ev = (struct event){ .kind = EV_CONN_VERDICT, .t = 1000000, .conn = 3, .dst = "x:1",
			     .u.verdict = { .verdict = "closed", .close = &c, .m = &m } };
	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, true),
			       "x:1 : verdict closed (rst after 0.700 s without data, by a box on "
			       "the way), 2 probes sent, 2 answered, 0 lost (0%), rtt min/avg/max = "
			       "1.000/1.000/1.000 ms\n");
	c = (struct ev_close){ .idle = 12000000, .by = -1, .answered_in_gap = 3 };
	ev = (struct event){ .kind = EV_FLOW_VERDICT, .t = 1000000, .flow = "a:1>b:2",
			     .u.verdict = { .verdict = "closed", .close = &c, .m = &m } };
	CU_ASSERT_STRING_EQUAL(text_of(&ev, true, false),
			       "{\"event\":\"verdict\",\"t\":0.000000,\"flow\":\"a:1>b:2\","
			       "\"verdict\":\"closed\",\"idle_s\":12.000,\"how\":\"fin\","
			       "\"answered_in_gap\":3,\"probes\":2,\"answered\":2,"
			       "\"rst_answered\":0,\"lost\":0,\"rtt_min_ms\":1.000,"
			       "\"rtt_avg_ms\":1.000,\"rtt_max_ms\":1.000}\n");
	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(&ev, false, false),
				      "a:1>b:2: closed (the peer closed the connection with a FIN "
				      "after 12.000 s without data, while 3 keep-alive probes were "
				      "answered; keep-alive cannot prevent this"));
}

static void test_hop(void)
{
	struct probe_reply none = { .kind = REPLY_NONE };
	struct event ev = { .kind = EV_HOP, .t = 1000000, .u.hop = { 3, &none, 3 } };

	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, false), " 3  *  no answer to 3 probes\n");
	CU_ASSERT_STRING_EQUAL(text_of(&ev, true, true),
			       "{\"event\":\"hop\",\"t\":0.000000,\"ttl\":3,\"from\":null,"
			       "\"rtt_ms\":null,\"reply\":\"none\",\"by\":null,\"type\":null,"
			       "\"code\":null,\"quoted\":null,\"changed\":null,\"tries\":3}\n");
	CU_ASSERT_STRING_EQUAL(text_of(&ev, false, true), "(not taken)");
}

/* The idle timeout names the documented defaults it is consistent with:
 * a 350 s expiry answered by a box's RST is AWS's NLB or NAT gateway; a
 * proxy's close after 600 s nginx's stream proxy; no death, no names. */
static void test_idle_consistent(void)
{
	struct probe_reply rst = { .kind = REPLY_RST, .family = AF_INET, .hops = 1, .ttl = 63 };
	struct probe_reply fin = { .kind = REPLY_FIN, .family = AF_INET, .by_peer = true };
	struct event ev = { .kind = EV_IDLE, .t = 1000000, .u.idle = {
		.probe = "standard", .kind = "state-expiry", .alive_s = 349.9, .dead_s = 350.4,
		.close_s = -1, .rfc5382 = 0, .expired = &rst, .family = AF_INET } };

	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(&ev, true, true),
				      ",\"consistent_with\":[\"aws-nlb\",\"aws-nat\"]}\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(&ev, false, false), "\n  consistent with: aws-nlb "
				      "(AWS Network Load Balancer), aws-nat (AWS NAT gateway)\n"));
	ev.u.idle.kind = "endpoint-close";
	ev.u.idle.alive_s = 590;
	ev.u.idle.dead_s = ev.u.idle.close_s = 600.2;
	ev.u.idle.expired = &fin;
	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(&ev, true, true),
				      ",\"consistent_with\":[\"nginx-stream\"]}\n"));
	ev.u.idle.kind = NULL;
	ev.u.idle.alive_s = 400;
	ev.u.idle.dead_s = ev.u.idle.close_s = -1;
	ev.u.idle.expired = NULL;
	CU_ASSERT_PTR_NOT_NULL(strstr(text_of(&ev, true, true), ",\"consistent_with\":[]}\n"));
	CU_ASSERT_PTR_NULL(strstr(text_of(&ev, false, false), "consistent with"));
}

/* Kinds with one form only, and the report's own kinds. */
static void test_one_form(void)
{
	struct probe_reply none = { .kind = REPLY_NONE };
	struct event measure = { .kind = EV_MEASURE, .t = 1000000,
				 .u.measure = { .idle_s = 1.5, .r = &none, .round = 1 } };
	struct event error = { .kind = EV_ERROR, .t = 1000000, .u.error = "boom" };

	CU_ASSERT_STRING_EQUAL(text_of(&measure, false, false), "(not taken)");
	CU_ASSERT_STRING_EQUAL(text_of(&measure, true, false),
			       "{\"event\":\"measure\",\"t\":0.000000,\"idle_s\":1.500,"
			       "\"reply\":\"none\",\"by\":null,\"hops\":null,\"from\":null,"
			       "\"ttl\":null,\"round\":1,\"remeasure\":false}\n");
	CU_ASSERT_STRING_EQUAL(text_of(&measure, true, true), "(not taken)");
	CU_ASSERT_STRING_EQUAL(text_of(&error, false, false), "(not taken)");
	CU_ASSERT_STRING_EQUAL(text_of(&error, true, true),
			       "{\"event\":\"error\",\"t\":0.000000,\"text\":\"boom\"}\n");
	for (int json = 0; json < 2; json++) {
		CU_ASSERT_STRING_EQUAL(text_of(&(struct event){ .kind = EV_TRAFFIC }, json, false),
				       "(not taken)");
		CU_ASSERT_STRING_EQUAL(text_of(&(struct event){ .kind = EV_FLOW_START }, json,
					       false), "(not taken)");
		CU_ASSERT_STRING_EQUAL(text_of(&(struct event){ .kind = EV_CAPTURE }, json, false),
				       "(not taken)");
	}
}

void suite_emit(void)
{
	UNIT_SUITE("emit", UNIT_TEST(test_two_modules), UNIT_TEST(test_full),
		   UNIT_TEST(test_probe), UNIT_TEST(test_notice_of_a_connection),
		   UNIT_TEST(test_verdict), UNIT_TEST(test_closed_verdict), UNIT_TEST(test_hop), UNIT_TEST(test_one_form),
		   UNIT_TEST(test_idle_consistent));
}
