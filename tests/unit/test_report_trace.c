/* test_report_trace.c - the trace's report page, drawn from hand-made
 * events: every hop, fate and hop timeout becomes one element with the
 * JSON's values, each fate is placed where it ends, what came from outside
 * is escaped, and an unfinished run says so. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcp/quote.h"
#include "report/report.h"
#include "unit.h"

#define S 1000000LL

/* The events a test feeds the report. */
typedef void (*feed_fn)(struct report *r);

/* Hand the report one event, as emit() does. */
static void feed_event(struct report *r, struct event ev)
{
	CU_ASSERT_FATAL(report_module.wants(r, ev.kind));
	report_module.event(r, &ev);
}

static void trace_start(struct report *r, const char *dst, const char *src, const char *iface,
			const char *variant, unsigned max_hops)
{
	feed_event(r, (struct event){ .kind = EV_TRACE_START, .u.start = {
		.dst = dst, .src = src, .iface = iface, .variant = variant, .max_hops = max_hops } });
}

static void hop(struct report *r, int ttl, const struct probe_reply *a, unsigned tries)
{
	feed_event(r, (struct event){ .kind = EV_HOP, .u.hop = { ttl, a, tries } });
}

static void fate(struct report *r, const char *variant, const struct probe_reply *a, int last_hop,
		 const uint8_t *last_from)
{
	feed_event(r, (struct event){ .kind = EV_FATE,
				      .u.fate = { variant, a, last_hop, last_from } });
}

static void hop_timeout(struct report *r, const struct tr_timeout *h)
{
	feed_event(r, (struct event){ .kind = EV_HOP_TIMEOUT, .u.hop_timeout = { .r = h } });
}

static void trace_summary(struct report *r, bool ok, int forgets, bool interrupted,
			  uint32_t ignored)
{
	feed_event(r, (struct event){ .kind = EV_TRACE_SUMMARY, .u.trace = {
		.ok = ok, .forgets = forgets, .interrupted = interrupted, .ignored = ignored } });
}

/* The page a trace report writes after `feed`; the caller frees. */
static char *page_of(ka_time max_idle, feed_fn feed)
{
	char path[] = "/tmp/kaprobe-test-report.XXXXXX", err[256];
	char *argv[] = { "kaprobe", "trace", "--report", path, "198.19.1.2:22" };
	struct report_meta m = { .kind = REPORT_TRACE, .path = path,
				 .subject = "198.19.1.2:22", .argc = 5, .argv = argv,
				 .max_idle = max_idle };
	struct report *r;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	r = report_open(&m, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	feed(r);
	CU_ASSERT_FATAL(report_close(r, 1, err, sizeof err) == 0);
	return unit_take_file(path);
}

static unsigned count(const char *page, const char *s)
{
	unsigned n = 0;

	for (const char *at = page; (at = strstr(at, s)) != NULL; at += strlen(s))
		n++;
	return n;
}

static struct probe_reply answer(enum reply_kind reply, const char *from, bool by_peer, int hops)
{
	struct probe_reply a = { .kind = reply, .family = AF_INET, .rtt = 250, .hops = hops,
			       .by_peer = by_peer };

	CU_ASSERT_FATAL(inet_pton(AF_INET, from, a.from) == 1);
	return a;
}

/* ---- a path: four hops, four kinds of probe ------------------------------------------- */

static void feed_path(struct report *r)
{
	struct probe_reply h1 = answer(REPLY_ICMP, "198.18.1.1", false, 0);
	struct probe_reply h2 = answer(REPLY_ICMP, "198.18.2.2", false, 1);
	struct probe_reply peer = answer(REPLY_ACK, "198.19.1.2", true, 3);
	struct probe_reply none = { .kind = REPLY_NONE, .family = AF_INET };
	struct probe_reply rst = answer(REPLY_RST, "198.19.1.2", false, 6);

	h1.type = h2.type = 11;
	h1.quoted = h2.quoted = 52;
	h1.compared = h2.compared = true;
	h2.changed = 1u << QF_DSCP | 1u << QF_SPORT;
	trace_start(r, "198.19.1.2:22", "198.18.1.2:40000", "veth0\"><img src=x>",
			"zero-length", 30);
	hop(r, 1, &h1, 1);
	hop(r, 2, &h2, 2);
	hop(r, 3, &none, 3);
	hop(r, 4, &peer, 1);
	fate(r, "zero-length", &none, 2, h2.from);
	fate(r, "one-byte", &peer, -1, h2.from);
	fate(r, "far-seq", &rst, -1, h2.from);        /* answered beyond hop 4 */
	fate(r, "no-timestamp", &none, 0, h2.from);   /* no hop quoted it */
	trace_summary(r, false, -1, false, 7);
}

static void test_path(void)
{
	char *p = page_of(0, feed_path);

	CU_ASSERT_EQUAL(count(p, "data-kind=\"hop\""), 4);
	CU_ASSERT_EQUAL(count(p, "data-kind=\"hop\" data-ttl=\"1\" data-reply=\"icmp\" "
			      "data-changed=\"\">"), 1);
	/* In quote.h's order, as the JSON lists them. */
	CU_ASSERT_EQUAL(count(p, "data-ttl=\"2\" data-reply=\"icmp\" "
			      "data-changed=\"sport dscp\">"), 1);
	CU_ASSERT_EQUAL(count(p, "<span class=\"chg\">dscp</span>"), 1);
	CU_ASSERT_EQUAL(count(p, "data-ttl=\"3\" data-reply=\"none\">"), 1);
	CU_ASSERT_EQUAL(count(p, "no answer to 3 probes"), 1);
	CU_ASSERT_EQUAL(count(p, "data-ttl=\"4\" data-reply=\"ack\">"), 1);
	CU_ASSERT_EQUAL(count(p, "data-kind=\"fate\""), 4);
	CU_ASSERT_EQUAL(count(p, "data-variant=\"zero-length\" data-reply=\"none\" "
			      "data-last-hop=\"2\""), 1);
	CU_ASSERT_EQUAL(count(p, "data-variant=\"one-byte\" data-reply=\"ack\" "
			      "data-last-hop=\"\""), 1);
	CU_ASSERT_EQUAL(count(p, "data-variant=\"no-timestamp\" data-reply=\"none\" "
			      "data-last-hop=\"0\""), 1);
	/* Each kind where it ends: dropped after hop 2, reaching the peer at
	 * hop 4, answered beyond the hops traced, lost before hop 1. */
	CU_ASSERT_EQUAL(count(p, "dropped after this hop"), 1);
	CU_ASSERT_EQUAL(count(p, "&#x2713; reaches the peer"), 1);
	CU_ASSERT(strstr(p, "&#x2713; reaches the peer") > strstr(p, "data-ttl=\"4\""));
	CU_ASSERT(strstr(p, "dropped after this hop") > strstr(p, "data-ttl=\"2\""));
	CU_ASSERT(strstr(p, "dropped after this hop") < strstr(p, "data-ttl=\"3\""));
	CU_ASSERT_EQUAL(count(p, "beyond the hops traced"), 1);
	CU_ASSERT(strstr(p, "beyond the hops traced") < strstr(p, "far-seq"));
	CU_ASSERT(strstr(p, "lost: no hop quoted it") < strstr(p, "data-ttl=\"1\""));
	CU_ASSERT_EQUAL(count(p, "data-kind=\"summary\" data-result=\"fail\""), 1);
	CU_ASSERT_EQUAL(count(p, "7 segments were seen"), 1);
	/* The interface came from the command line: text, not markup (cut
	 * to an interface name's length). */
	CU_ASSERT_PTR_NULL(strstr(p, "<img"));
	CU_ASSERT_EQUAL(count(p, "veth0&quot;&gt;&lt;img"), 1);
	/* No --timeouts: no such section. */
	CU_ASSERT_PTR_NULL(strstr(p, "id=\"timeouts\""));
	free(p);
}

/* ---- --timeouts: masked, kept, bracketed, forgotten at once ----------------------------- */

static void feed_timeouts(struct report *r)
{
	struct tr_timeout t[4] = {
		{ .hop = 1, .family = AF_INET, .masked = true },
		{ .hop = 2, .family = AF_INET, .answers = true, .alive = 5981000, .dead = 6312000,
		  .measurements = 12, .disagree = 1 },
		{ .hop = 3, .family = AF_INET, .alive = 9500000, .measurements = 6 },
		{ .hop = 4, .family = AF_INET, .dead = 500000, .measurements = 6 },
	};

	for (int i = 0; i < 4; i++)
		hop_timeout(r, &t[i]);
	trace_summary(r, true, 1, false, 0);
}

static void test_timeouts(void)
{
	char *p = page_of(10 * S, feed_timeouts);

	CU_ASSERT_EQUAL(count(p, "data-kind=\"hop-timeout\""), 4);
	CU_ASSERT_EQUAL(count(p, "data-hop=\"1\" data-masked=\"true\" data-alive=\"\" "
			      "data-dead=\"\""), 1);
	CU_ASSERT_EQUAL(count(p, "data-hop=\"2\" data-masked=\"false\" data-alive=\"5.981\" "
			      "data-dead=\"6.312\""), 1);
	CU_ASSERT_EQUAL(count(p, "data-hop=\"3\" data-masked=\"false\" data-alive=\"9.500\" "
			      "data-dead=\"\""), 1);
	CU_ASSERT_EQUAL(count(p, "data-hop=\"4\" data-masked=\"false\" data-alive=\"\" "
			      "data-dead=\"0.500\""), 1);
	CU_ASSERT_EQUAL(count(p, "<span class=\"alive\">5.981</span>"), 1);
	CU_ASSERT_EQUAL(count(p, "<span class=\"dead\">6.312</span>"), 1);
	CU_ASSERT_EQUAL(count(p, "id=\"timeout-chart\""), 1);
	CU_ASSERT_EQUAL(count(p, "class=\"lane-bar\""), 3);
	CU_ASSERT_EQUAL(count(p, "class=\"lane-bar inconsistent\""), 1);
	/* The one bracketed hop (2) again, close up on a linear axis. */
	CU_ASSERT_EQUAL(count(p, "id=\"timeout-close\""), 1);
	CU_ASSERT_EQUAL(count(p, "class=\"lane-bar inconsistent close\" data-hop=\"2\""), 1);
	CU_ASSERT_EQUAL(count(p, " close\" data-hop="), 1);
	/* 100 ms to 2h4m: the built-ins but conntrack's 5 days, the two
	 * 350 s boxes on one line. */
	CU_ASSERT_EQUAL(count(p, "data-kind=\"reference\""), 5);
	CU_ASSERT_EQUAL(count(p, "aws-nlb/aws-nat 5m50s"), 1);
	CU_ASSERT_EQUAL(count(p, "data-max-idle=\"10.000\""), 1);
	CU_ASSERT_EQUAL(count(p, "Some measurements disagree"), 1);
	CU_ASSERT_EQUAL(count(p, "data-result=\"fail\""), 1);
	free(p);
}

/* Brackets too far apart for one linear axis: no close-up (each would be
 * under a pixel wide); their values are in the table. */
static void feed_far(struct report *r)
{
	struct tr_timeout t[2] = {
		{ .hop = 1, .family = AF_INET, .alive = 1000000, .dead = 1300000,
		  .measurements = 6 },
		{ .hop = 2, .family = AF_INET, .alive = 1000 * S, .dead = 1300 * S,
		  .measurements = 6 },
	};

	hop_timeout(r, &t[0]);
	hop_timeout(r, &t[1]);
	trace_summary(r, true, 1, false, 0);
}

static void test_no_close_up(void)
{
	char *p = page_of(3600 * S, feed_far);

	CU_ASSERT_EQUAL(count(p, "id=\"timeout-chart\""), 1);
	CU_ASSERT_EQUAL(count(p, "id=\"timeout-close\""), 0);
	free(p);
}

/* ---- a run that ended early -------------------------------------------------------------- */

static void feed_nothing(struct report *r)
{
	(void)r;
}

static void feed_interrupted(struct report *r)
{
	trace_summary(r, false, -1, true, 0);
}

static void test_unfinished(void)
{
	char *p = page_of(10 * S, feed_nothing);

	CU_ASSERT_EQUAL(count(p, "data-kind=\"summary\" data-result=\"\""), 1);
	CU_ASSERT_EQUAL(count(p, "ended before its findings"), 1);
	CU_ASSERT_EQUAL(count(p, "No hop's timeout was measured"), 1);
	CU_ASSERT_PTR_NULL(strstr(p, "id=\"path\""));
	CU_ASSERT_PTR_NULL(strstr(p, "<svg"));
	free(p);
	p = page_of(0, feed_interrupted);
	CU_ASSERT_EQUAL(count(p, "data-result=\"interrupted\""), 1);
	CU_ASSERT_PTR_NULL(strstr(p, "id=\"timeouts\""));
	free(p);
}

void suite_report_trace(void)
{
	UNIT_SUITE("report_trace", UNIT_TEST(test_path), UNIT_TEST(test_timeouts),
		   UNIT_TEST(test_no_close_up),
		   UNIT_TEST(test_unfinished));
}
