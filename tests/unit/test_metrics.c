/* test_metrics.c - the metrics module, handed events as the watch planner
 * emits them: held connections, verdicts, lifetimes and RTTs in their
 * buckets, lost probes, the ladder's bracket, the cap on targets ("other"),
 * and both exposition formats (the 0.0.4 names with _total, OpenMetrics'
 * families, units and # EOF). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/metrics.h"
#include "unit.h"

static struct metrics m;

static void send(const struct event *ev)
{
	metrics_module.event(&m, ev);
}

static void connect_ev(const char *dst, int64_t rung)
{
	send(&(struct event){ .kind = EV_CONNECT, .dst = dst, .rung = rung });
}

static void verdict_ev(const char *dst, const char *v, int64_t lived, int64_t rung,
		       const struct ev_close *close, unsigned probes_out)
{
	struct ka_machine k = { .probes_out = (uint16_t)probes_out };

	send(&(struct event){ .kind = EV_CONN_VERDICT, .dst = dst, .rung = rung, .t = 5000000,
			      .u.verdict = { .verdict = v, .m = &k, .lived = lived,
					     .close = close } });
}

static void reply_ev(const char *dst, unsigned n, int64_t rtt, int64_t rung)
{
	send(&(struct event){ .kind = EV_REPLY, .dst = dst, .rung = rung, .u.reply = {
		.kind = "ack", .n = n, .rtt = rtt, .icmp_type = -1 } });
}

/* The scrape, in a buffer to free. */
static char *scrape(bool om)
{
	size_t len;
	char *s = metrics_render(&m, om, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(strlen(s), len);
	return s;
}

static bool has(const char *text, const char *line)
{
	char want[256];

	snprintf(want, sizeof want, "\n%s\n", line);
	return strstr(text, want) != NULL;
}

static void setup(void)
{
	CU_ASSERT_EQUAL_FATAL(metrics_init(&m, "9.9"), 0);
	m.wall_off = 1000000;
}

static void test_counts(void)
{
	char *s;

	setup();
	connect_ev("a:1", 0);
	connect_ev("a:1", 0);
	send(&(struct event){ .kind = EV_PROBE, .dst = "a:1" });
	send(&(struct event){ .kind = EV_PROBE, .dst = "a:1", .u.probe.error = "down" });
	reply_ev("a:1", 2, 1500, 0);            /* the second probe of a round: 1 lost */
	send(&(struct event){ .kind = EV_IGNORED, .dst = "a:1" });
	verdict_ev("a:1", "dead", 90 * 1000000LL, 0, NULL, 3);   /* 3 more lost */
	verdict_ev("a:1", "no-connection", 0, 0, NULL, 0);
	s = scrape(false);
	CU_ASSERT(has(s, "kaprobe_build_info{version=\"9.9\"} 1"));
	CU_ASSERT(has(s, "kaprobe_connections_held{target=\"a:1\"} 1"));
	CU_ASSERT(has(s, "kaprobe_connections_opened_total{target=\"a:1\"} 2"));
	CU_ASSERT(has(s, "kaprobe_probes_sent_total{target=\"a:1\"} 1"));
	CU_ASSERT(has(s, "kaprobe_probes_answered_total{target=\"a:1\"} 1"));
	CU_ASSERT(has(s, "kaprobe_probes_lost_total{target=\"a:1\"} 4"));
	CU_ASSERT(has(s, "kaprobe_ignored_segments_total{target=\"a:1\"} 1"));
	CU_ASSERT(has(s, "kaprobe_verdicts_total{target=\"a:1\",verdict=\"dead\"} 1"));
	CU_ASSERT(has(s, "kaprobe_verdicts_total{target=\"a:1\",verdict=\"no-connection\"} 1"));
	CU_ASSERT(has(s, "kaprobe_verdicts_total{target=\"a:1\",verdict=\"reset\"} 0"));
	/* 90 s: above the 60 s bucket, within 300 s; never-held ones not observed. */
	CU_ASSERT(has(s, "kaprobe_connection_lifetime_seconds_bucket{target=\"a:1\",le=\"60.0\"} 0"));
	CU_ASSERT(has(s, "kaprobe_connection_lifetime_seconds_bucket{target=\"a:1\",le=\"300.0\"} 1"));
	CU_ASSERT(has(s, "kaprobe_connection_lifetime_seconds_bucket{target=\"a:1\",le=\"+Inf\"} 1"));
	CU_ASSERT(has(s, "kaprobe_connection_lifetime_seconds_count{target=\"a:1\"} 1"));
	CU_ASSERT(has(s, "kaprobe_connection_lifetime_seconds_sum{target=\"a:1\"} 90.0"));
	CU_ASSERT(has(s, "kaprobe_probe_rtt_seconds_bucket{target=\"a:1\",le=\"0.001\"} 0"));
	CU_ASSERT(has(s, "kaprobe_probe_rtt_seconds_bucket{target=\"a:1\",le=\"0.0025\"} 1"));
	CU_ASSERT(has(s, "kaprobe_last_verdict_timestamp_seconds{target=\"a:1\"} 6.0"));
	CU_ASSERT(has(s, "# TYPE kaprobe_verdicts_total counter"));
	CU_ASSERT_PTR_NULL(strstr(s, "# EOF"));
	free(s);
	metrics_free(&m);
}

static void test_ladder(void)
{
	struct ev_close late = { .idle = 2000000 };
	char *s;

	setup();
	connect_ev("p:1", 1000000);
	connect_ev("p:1", 3000000);
	reply_ev("p:1", 1, 100, 1000000);               /* 1 s answered */
	verdict_ev("p:1", "closed", 2000000, 1000000, &late, 0);   /* closed later: still 1 s */
	verdict_ev("p:1", "closed", 2000000, 3000000, &late, 0);   /* before 3 s: not */
	s = scrape(false);
	CU_ASSERT(has(s, "kaprobe_ladder_answered_max_idle_seconds{target=\"p:1\"} 1.0"));
	CU_ASSERT(has(s, "kaprobe_ladder_unanswered_min_idle_seconds{target=\"p:1\"} 3.0"));
	/* Rungs are meant to die: no verdicts, no lifetimes. */
	CU_ASSERT(has(s, "kaprobe_verdicts_total{target=\"p:1\",verdict=\"closed\"} 0"));
	CU_ASSERT(has(s, "kaprobe_connection_lifetime_seconds_count{target=\"p:1\"} 0"));
	CU_ASSERT(has(s, "kaprobe_connections_held{target=\"p:1\"} 0"));
	free(s);
	metrics_free(&m);
}

static void test_other(void)
{
	char name[32], *s;

	setup();
	for (unsigned i = 0; i < METRICS_MAX_TARGETS + 5; i++) {
		snprintf(name, sizeof name, "t%u:1", i);
		connect_ev(name, 0);
	}
	s = scrape(false);
	CU_ASSERT(has(s, "kaprobe_connections_held{target=\"t1023:1\"} 1"));
	CU_ASSERT_PTR_NULL(strstr(s, "target=\"t1024:1\""));
	CU_ASSERT(has(s, "kaprobe_connections_held{target=\"other\"} 5"));
	free(s);
	metrics_free(&m);
}

static void test_openmetrics(void)
{
	char *s;

	setup();
	connect_ev("a\"b:1", 0);
	s = scrape(true);
	CU_ASSERT(has(s, "# TYPE kaprobe_verdicts counter"));
	CU_ASSERT(has(s, "# TYPE kaprobe_build info"));
	CU_ASSERT(has(s, "# UNIT kaprobe_connection_lifetime_seconds seconds"));
	CU_ASSERT(has(s, "kaprobe_connections_opened_total{target=\"a\\\"b:1\"} 1"));
	CU_ASSERT_PTR_NULL(strstr(s, "# TYPE kaprobe_verdicts_total"));
	CU_ASSERT(strlen(s) > 6 && strcmp(s + strlen(s) - 6, "# EOF\n") == 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(metrics_content_type(true), "openmetrics-text; version=1.0.0"));
	CU_ASSERT_PTR_NOT_NULL(strstr(metrics_content_type(false), "version=0.0.4"));
	free(s);
	metrics_free(&m);
}

void suite_metrics(void)
{
	UNIT_SUITE("metrics",
		   UNIT_TEST(test_counts),
		   UNIT_TEST(test_ladder),
		   UNIT_TEST(test_other),
		   UNIT_TEST(test_openmetrics));
}
