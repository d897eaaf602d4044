/* test_report_replay.c - the replay report's page from hand-made events:
 * a flow name with markup in it stays text, data segments coalesce into
 * at most 64 spans keeping the longest gaps, and probers past
 * REPORT_MAX_FLOWS are counted, not drawn. */
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
	char *page = NULL;
	size_t n = 0;

	CU_ASSERT_FATAL(report_close(r, 0) == 0);
	f = fopen(path, "r");
	CU_ASSERT_FATAL(f != NULL);
	CU_ASSERT_FATAL(getdelim(&page, &n, '\0', f) > 0);
	fclose(f);
	unlink(path);
	strcpy(path + strlen(path) - 6, "XXXXXX");
	return page;
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
	int row = rep_flow_row(r, "<script>x</script>\"'&>peer", 5 * S, S);
	char *page;

	CU_ASSERT_EQUAL(row, 0);
	rep_probe(r, row, 6 * S, &(struct out_probe){ .n = 1 });
	rep_flow_verdict(r, row, 7 * S, "open", &m);
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
	int row = rep_flow_row(r, "a>b", 0, 0);
	ka_time t = 0;
	char *page;

	for (int i = 0; i < 200; i++) {
		t += (i == 100 ? 1000 : 2 + i) * S;
		for (int j = 0; j < 5; j++)   /* < 1 s apart: one span */
			rep_traffic(r, row, t + j * S / 10);
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
	int row = 0;

	for (int i = 0; i < REPORT_MAX_FLOWS + 3; i++)
		row = rep_flow_row(r, "a>b", i * S, 0);
	CU_ASSERT_EQUAL(row, -1);
	rep_probe(r, row, S, &(struct out_probe){ .n = 1 });   /* ignored */
	page = close_page(r);
	CU_ASSERT_EQUAL(count(page, "data-kind=\"flow\""), REPORT_MAX_FLOWS);
	CU_ASSERT_EQUAL(count(page, "data-kind=\"probe\""), 0);
	snprintf(note, sizeof note, "id=\"left-out\" data-count=\"%d\"", 3);
	CU_ASSERT_EQUAL(count(page, note), 1);
	free(page);
}

void suite_report_replay(void)
{
	UNIT_SUITE("report_replay", UNIT_TEST(test_name_escaped), UNIT_TEST(test_spans),
		   UNIT_TEST(test_left_out));
}
