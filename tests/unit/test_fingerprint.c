/* test_fingerprint.c - which documented idle timeouts a finding is
 * consistent with: a bracket inside, across and outside a row, expiry
 * behaviour agreeing or not, hops against endpoints; the built-in table's
 * AWS rows for a 350 s finding; replay's --middlebox names from the table. */
#include <string.h>

#include "tcp/fingerprint.h"
#include "tcp/middlebox.h"
#include "unit.h"

/* A short table, so that the test needs no six-minute timeout. */
static const struct fingerprint shortt[] = {
	{ "rst-20", "", 20, FP_RST, FP_HOP },
	{ "silent-20", "", 20, FP_SILENT, FP_HOP },
	{ "any-30", "", 30, FP_ANY, FP_HOP },
	{ "proxy-20", "", 20, FP_FIN | FP_RST, FP_ENDPOINT },
	{ "any-60", "", 60, FP_ANY, FP_HOP },
};
#define NSHORT (sizeof shortt / sizeof shortt[0])

/* The names f matches in the short table, "a,b,c". */
static const char *matches(double alive, double dead, unsigned expiry, enum fp_who who)
{
	static char buf[200];
	const struct fingerprint *out[NSHORT];
	struct fp_finding f = { alive, dead, expiry, who };
	size_t n = fp_match_in(shortt, NSHORT, &f, out, NSHORT);

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, out[i]->name);
	}
	return buf;
}

static void test_inside(void)
{
	CU_ASSERT_STRING_EQUAL(matches(19.8, 20.3, FP_RST, FP_HOP), "rst-20");
	CU_ASSERT_STRING_EQUAL(matches(19.8, 20.3, FP_SILENT, FP_HOP), "silent-20");
	/* Not knowing what an expired flow got rules nothing out. */
	CU_ASSERT_STRING_EQUAL(matches(19.8, 20.3, 0, FP_HOP), "rst-20,silent-20");
}

static void test_across(void)
{
	/* A wide bracket holds every row in it. */
	CU_ASSERT_STRING_EQUAL(matches(15, 45, FP_SILENT, FP_HOP), "silent-20,any-30");
	/* Nothing answered: anything up to the first death. */
	CU_ASSERT_STRING_EQUAL(matches(0, 35, FP_RST, FP_HOP), "rst-20,any-30");
}

static void test_outside(void)
{
	CU_ASSERT_STRING_EQUAL(matches(40, 50, FP_SILENT, FP_HOP), "");
	CU_ASSERT_STRING_EQUAL(matches(5, 10, FP_SILENT, FP_HOP), "");
	/* Within the tolerance (1 s + 2%) on either side, not beyond it. */
	CU_ASSERT_STRING_EQUAL(matches(20.9, 25, FP_SILENT, FP_HOP), "silent-20");
	CU_ASSERT_STRING_EQUAL(matches(21.5, 25, FP_SILENT, FP_HOP), "");
	CU_ASSERT_STRING_EQUAL(matches(10, 18.7, FP_SILENT, FP_HOP), "silent-20");
	CU_ASSERT_STRING_EQUAL(matches(10, 18.5, FP_SILENT, FP_HOP), "");
	/* No death, no finding: the timeout may lie anywhere above. */
	CU_ASSERT_STRING_EQUAL(matches(100, -1, 0, FP_HOP), "");
}

static void test_behaviour(void)
{
	/* A FIN is an endpoint's close: no box's. */
	CU_ASSERT_STRING_EQUAL(matches(19.8, 20.3, FP_FIN, FP_HOP), "");
	CU_ASSERT_STRING_EQUAL(matches(19.8, 20.3, FP_FIN, FP_ENDPOINT), "proxy-20");
	CU_ASSERT_STRING_EQUAL(matches(19.8, 20.3, FP_SILENT, FP_ENDPOINT), "");
	CU_ASSERT_STRING_EQUAL(matches(29.5, 30.5, FP_RST, FP_HOP), "any-30");
}

static void test_truncated(void)
{
	const struct fingerprint *out[1];
	struct fp_finding f = { 1, 100, 0, FP_HOP };

	/* The count says how many matched, out holds what fits. */
	CU_ASSERT_EQUAL(fp_match_in(shortt, NSHORT, &f, out, 1), 4);
	CU_ASSERT_STRING_EQUAL(out[0]->name, "rst-20");
}

/* The built-in table: the audit against a conntrack router at 350 s
 * (silent) names AWS's silent rows; against one that resets, AWS's RST
 * rows; Azure's 240 s and IPVS's 900 s are out either way. */
static void test_builtin_350(void)
{
	const struct fingerprint *out[FP_MAX_MATCH];
	struct fp_finding silent = { 349.9, 350.4, FP_SILENT, FP_HOP };
	struct fp_finding rst = { 349.9, 350.4, FP_RST, FP_HOP };
	size_t n = fp_match(&silent, out, FP_MAX_MATCH);

	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(out[0]->name, "aws-nfw");
	CU_ASSERT_STRING_EQUAL(out[1]->name, "aws-nitro6");
	n = fp_match(&rst, out, FP_MAX_MATCH);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_STRING_EQUAL(out[0]->name, "aws-nlb");
	CU_ASSERT_STRING_EQUAL(out[1]->name, "aws-nat");
}

static void test_builtin_rows(void)
{
	size_t n;
	const struct fingerprint *t = fp_table(&n);

	CU_ASSERT(n > 0 && n <= FP_MAX_MATCH);
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT(t[i].timeout_s > 0);
		CU_ASSERT(t[i].expiry != 0 && (t[i].expiry & ~(unsigned)FP_ANY) == 0);
		CU_ASSERT_PTR_EQUAL(fp_find(t[i].name), &t[i]);
		/* A name is a JSON string and a --middlebox word. */
		CU_ASSERT(strspn(t[i].name, "abcdefghijklmnopqrstuvwxyz0123456789-") ==
			  strlen(t[i].name));
	}
	CU_ASSERT_PTR_NULL(fp_find("nope"));
}

static void test_middlebox_names(void)
{
	struct middlebox b;
	char err[400] = "";

	CU_ASSERT_EQUAL_FATAL(middlebox_parse("aws-nlb", &b, err, sizeof err), 0);
	CU_ASSERT_EQUAL(b.timeout, 350 * 1000000LL);
	CU_ASSERT_EQUAL_FATAL(middlebox_parse("cisco-asa", &b, err, sizeof err), 0);
	CU_ASSERT_EQUAL(b.timeout, 3600 * 1000000LL);
	CU_ASSERT_EQUAL_FATAL(middlebox_parse("rfc5382", &b, err, sizeof err), 0);
	CU_ASSERT_EQUAL(b.timeout, RFC5382_IDLE_US);
	/* A proxy's close is no box's cut. */
	CU_ASSERT_EQUAL(middlebox_parse("nginx-stream", &b, err, sizeof err), -1);
	unit_check_err(err, "nginx-stream");
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "juniper-srx"));
	CU_ASSERT_PTR_NULL(strstr(err, "envoy"));
}

void suite_fingerprint(void)
{
	UNIT_SUITE("fingerprint", UNIT_TEST(test_inside), UNIT_TEST(test_across),
		   UNIT_TEST(test_outside), UNIT_TEST(test_behaviour), UNIT_TEST(test_truncated),
		   UNIT_TEST(test_builtin_350), UNIT_TEST(test_builtin_rows),
		   UNIT_TEST(test_middlebox_names));
}
