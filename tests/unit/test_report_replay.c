/* test_report_replay.c - the replay report's page from hand-made events:
 * a flow name with markup in it stays text, data segments coalesce into
 * at most 64 spans keeping the longest gaps, probers past
 * REPORT_MAX_FLOWS are counted, not drawn, and a prober number replay
 * reuses finds the new prober's row, not the old one's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"
#include "unit.h"

#define S 1000000LL   /* a second, in ka_time */

static char path[] = "/tmp/test_report_replay.XXXXXX";
static char *argv0[] = { "kaprobe", "replay", NULL };

static struct report *open_page(void)
{
	static struct report_meta m = { .kind = REPORT_REPLAY, .subject = "t.pcap",
					 .argc = 2, .argv = argv0 };
	char err[256];
	int fd = mkstemp(path);
	struct report *r;

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	m.path = path;
	r = report_open(&m, err, sizeof err);
	CU_ASSERT_FATAL(r != NULL);
	return r;
}

/* Close the report and return the page (free it), the file removed. */
static char *close_page(struct report *r)
{
	FILE *f;
	char *page = NULL, err[256];
	size_t n = 0;

	CU_ASSERT_FATAL(report_close(r, 0, err, sizeof err) == 0);
	f = fopen(path, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_FATAL(getdelim(&page, &n, '\0', f) > 0);
	fclose(f);
	unlink(path);
	strcpy(path + strlen(path) - 6, "XXXXXX");
	return page;
}

/* Hand the report one event of prober `prober`, as emit() does. */
static void feed(struct report *r, uint32_t prober, struct event ev)
{
	ev.prober = prober;
	CU_ASSERT_FATAL(report_module.wants(r, ev.kind));
	report_module.event(r, &ev);
}

/* Prober `prober` of flow `name` starts probing. */
static void flow_start(struct report *r, uint32_t prober, const char *name, ka_time start,
		       ka_time t0)
{
	feed(r, prober, (struct event){ .kind = EV_FLOW_START, .t = start, .flow = name,
					.u.flow_start = { .start = start, .t0 = t0 } });
}

static void probe(struct report *r, uint32_t prober, ka_time t, unsigned n)
{
	feed(r, prober, (struct event){ .kind = EV_PROBE, .t = t, .u.probe = { .n = n } });
}

static unsigned count(const char *page, const char *s)
{
	unsigned n = 0;

	for (const char *p = page; (p = strstr(p, s)); p += strlen(s))
		n++;
	return n;
}

static void test_name_escaped(void)
{
	struct report *r = open_page();
	struct ka_machine m = { .st.sent = 1 };
	char *page;

	flow_start(r, 7, "<script>x</script>\"'&>peer", 5 * S, S);
	probe(r, 7, 6 * S, 1);
	feed(r, 7, (struct event){ .kind = EV_FLOW_VERDICT, .t = 7 * S,
				   .u.verdict = { .verdict = "open", .m = &m } });
	page = close_page(r);
	CU_ASSERT_PTR_NULL(strstr(page, "<script>x"));
	CU_ASSERT_PTR_NULL(strstr(page, "\"'&>peer"));
	CU_ASSERT_EQUAL(count(page, "data-flow=\"&lt;script&gt;x&lt;/script&gt;&quot;&#39;&amp;&gt;"
				   "peer\""), 1);
	CU_ASSERT_EQUAL(count(page, "data-verdict=\"open\""), 1);
	CU_ASSERT_EQUAL(count(page, "data-kind=\"probe\""), 1);
	free(page);
}

/* 200 bursts of data, each gap a second longer than the one before, and
 * one gap of 1000 s in the middle: 64 spans, and the longest gap shown. */
static void test_spans(void)
{
	struct report *r = open_page();
	ka_time t = 0;
	char *page;

	flow_start(r, 1, "a>b", 0, 0);
	for (int i = 0; i < 200; i++) {
		t += (i == 100 ? 1000 : 2 + i) * S;
		for (int j = 0; j < 5; j++)   /* < 1 s apart: one span */
			feed(r, 1, (struct event){ .kind = EV_TRAFFIC, .t = t + j * S / 10 });
	}
	page = close_page(r);
	CU_ASSERT_EQUAL(count(page, "data-kind=\"data\""), 64);
	CU_ASSERT_EQUAL(count(page, "longest gap 16m39.6s"), 1);
	free(page);
}

static void test_left_out(void)
{
	struct report *r = open_page();
	char *page, note[64];

	for (uint32_t i = 1; i <= REPORT_MAX_FLOWS + 3; i++)
		flow_start(r, i, "a>b", i * S, 0);
	probe(r, REPORT_MAX_FLOWS + 3, S, 1);   /* no row: ignored */
	page = close_page(r);
	CU_ASSERT_EQUAL(count(page, "data-kind=\"flow\""), REPORT_MAX_FLOWS);
	CU_ASSERT_EQUAL(count(page, "data-kind=\"probe\""), 0);
	snprintf(note, sizeof note, "id=\"left-out\" data-count=\"%d\"", 3);
	CU_ASSERT_EQUAL(count(page, note), 1);
	free(page);
}

/* Replay reuses a released prober's number: the new prober has a row of
 * its own, or none once the page is full, never the old one's. */
static void test_number_reused(void)
{
	struct report *r = open_page();
	char *page;

	flow_start(r, 1, "a>b", 0, 0);
	probe(r, 1, S, 1);
	flow_start(r, 1, "c>d", 2 * S, 0);
	probe(r, 1, 3 * S, 1);
	probe(r, 1, 4 * S, 2);
	for (uint32_t i = 2; i <= REPORT_MAX_FLOWS; i++)
		flow_start(r, i, "e>f", 5 * S, 0);
	flow_start(r, 1, "g>h", 6 * S, 0);      /* the page is full: no row */
	probe(r, 1, 7 * S, 1);                  /* ignored */
	page = close_page(r);
	CU_ASSERT_EQUAL(count(page, "data-kind=\"flow\""), REPORT_MAX_FLOWS);
	CU_ASSERT_EQUAL(count(page, "data-flow=\"a&gt;b\""), 1);
	CU_ASSERT_EQUAL(count(page, "data-flow=\"c&gt;d\""), 1);
	CU_ASSERT_EQUAL(count(page, "data-flow=\"g&gt;h\""), 0);
	CU_ASSERT_EQUAL(count(page, "data-kind=\"probe\""), 3);
	free(page);
}

void suite_report_replay(void)
{
	UNIT_SUITE("report_replay", UNIT_TEST(test_name_escaped), UNIT_TEST(test_spans),
		   UNIT_TEST(test_left_out), UNIT_TEST(test_number_reused));
}
