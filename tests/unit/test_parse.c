/* test_parse.c - durations and counts: every accepted and rejected form. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util/parse.h"
#include "unit.h"

#define MS 1000LL
#define SEC 1000000LL
#define ANY_MIN 0
#define ANY_MAX INT64_MAX

static int64_t dur_ok(const char *s)
{
	char err[256] = "";
	int64_t us = -1;
	int rc = parse_duration(s, ANY_MIN, ANY_MAX, &us, err, sizeof err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0)
		fprintf(stderr, "\n  '%s' rejected: %s\n", s, err);
	return us;
}

/* Rejected, with a good message containing want, and out untouched. */
static void dur_bad_range(const char *s, int64_t min, int64_t max, const char *want)
{
	char err[256] = "";
	int64_t us = 42;
	CU_ASSERT_EQUAL(parse_duration(s, min, max, &us, err, sizeof err), -1);
	CU_ASSERT_EQUAL(us, 42);
	unit_check_err(err, s);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (!strstr(err, want))
		fprintf(stderr, "\n  '%s': message '%s' lacks '%s'\n", s, err, want);
}

static void dur_bad(const char *s, const char *want)
{
	dur_bad_range(s, ANY_MIN, ANY_MAX, want);
}

static void test_duration_units(void)
{
	CU_ASSERT_EQUAL(dur_ok("500ms"), 500 * MS);
	CU_ASSERT_EQUAL(dur_ok("30s"), 30 * SEC);
	CU_ASSERT_EQUAL(dur_ok("2m"), 120 * SEC);
	CU_ASSERT_EQUAL(dur_ok("2h"), 7200 * SEC);
	CU_ASSERT_EQUAL(dur_ok("250us"), 250);
	CU_ASSERT_EQUAL(dur_ok("5"), 5 * SEC);      /* bare number: seconds */
	CU_ASSERT_EQUAL(dur_ok("0"), 0);
	CU_ASSERT_EQUAL(dur_ok("007s"), 7 * SEC);   /* leading zeros are decimal */
	CU_ASSERT_EQUAL(dur_ok("7200"), 7200 * SEC);
}

static void test_duration_decimals(void)
{
	CU_ASSERT_EQUAL(dur_ok("1.5"), 1500 * MS);
	CU_ASSERT_EQUAL(dur_ok("0.25s"), 250 * MS);
	CU_ASSERT_EQUAL(dur_ok("1.5m"), 90 * SEC);
	CU_ASSERT_EQUAL(dur_ok("0.1"), 100000);     /* exact, no float */
	CU_ASSERT_EQUAL(dur_ok("0.000001"), 1);
	CU_ASSERT_EQUAL(dur_ok("1.50000000000000000000"), 1500 * MS);
	CU_ASSERT_EQUAL(dur_ok("1.5ms"), 1500);
	CU_ASSERT_EQUAL(dur_ok("0.001ms"), 1);
	CU_ASSERT_EQUAL(dur_ok("0.5h"), 1800 * SEC);
	CU_ASSERT_EQUAL(dur_ok("0.0000000025h"), 9); /* finest exact hour fraction */
	CU_ASSERT_EQUAL(dur_ok("2.0us"), 2);
}

static void test_duration_limits(void)
{
	/* INT64_MAX us is 9223372036854775807: the largest accepted. */
	CU_ASSERT_EQUAL(dur_ok("9223372036854775807us"), INT64_MAX);
	CU_ASSERT_EQUAL(dur_ok("9223372036854.775807"), INT64_MAX);
	dur_bad("9223372036854775808us", "too large");
	dur_bad("9223372036854.775808", "too large");
	dur_bad("99999999999h", "too large");
	dur_bad("99999999999999999999999999999", "too large");

	int64_t us = 0;
	char err[256];
	CU_ASSERT_EQUAL(parse_duration("1ms", MS, 2 * 3600 * SEC, &us, err, sizeof err), 0);
	CU_ASSERT_EQUAL(us, MS);
	CU_ASSERT_EQUAL(parse_duration("2h", MS, 2 * 3600 * SEC, &us, err, sizeof err), 0);
	CU_ASSERT_EQUAL(us, 7200 * SEC);
	dur_bad_range("0s", MS, 7200 * SEC, "too short: minimum 1ms");
	dur_bad_range("999us", MS, 7200 * SEC, "minimum 1ms");
	dur_bad_range("2.001h", MS, 7200 * SEC, "too long: maximum 2h");
	dur_bad_range("99999999999h", MS, 7200 * SEC, "too large: maximum 2h");
}

static void test_duration_rejects(void)
{
	const char *number = "expected a number";
	dur_bad("", number);
	dur_bad(" 5", number);
	dur_bad("-1", number);
	dur_bad("+1", number);
	dur_bad("-0.5s", number);
	dur_bad("ms", number);
	dur_bad("s", number);
	dur_bad(".", number);
	dur_bad(".5", number);
	dur_bad("5.", "digits after the decimal point");
	dur_bad("5.s", "digits after the decimal point");
	dur_bad("1.2.3", "more than one decimal point");
	dur_bad("1..2", "digits after the decimal point");
	dur_bad("5x", "unknown unit 'x' (use h, m, s, ms or us, as in 2h4m or 1.5s)");
	dur_bad("5 ", "unknown unit ' '");
	dur_bad("5 s", "unknown unit ' s'");
	dur_bad("5sec", "unknown unit 'sec'");
	dur_bad("5S", "unknown unit 'S'");
	dur_bad("5ms ", "unknown unit 'ms '");
	dur_bad("0x10", "unknown unit 'x10'");
	dur_bad("1e3", "unknown unit 'e3'");
	dur_bad("99999999999999999999x", "unknown unit 'x'"); /* syntax first */
	dur_bad("1.0000001", "1us resolution");
	dur_bad("1.5us", "1us resolution");
	dur_bad("0.0001ms", "1us resolution");
	dur_bad("0.00000000001h", "1us resolution");
	dur_bad("0.0000000000000000000001", "1us resolution");
	/* Compound forms: units from the largest down, each once, every
	 * number with its unit. */
	dur_bad("1h30", "the last number needs a unit");
	dur_bad("1s1s", "from the largest down");
	dur_bad("1s2m", "from the largest down");
	dur_bad("1ms1s", "from the largest down");
	dur_bad("2h4m ", "unknown unit 'm '");
	dur_bad("2h 4m", "unknown unit 'h 4m'");
	dur_bad("2h4x", "unknown unit 'x'");
	dur_bad("2h-4m", "unknown unit 'h-4m'");
	dur_bad("1m.5s", "unknown unit 'm.5s'");
	dur_bad("1m1.5us", "1us resolution");
	dur_bad("2562047788h54.775808s", "too large");
	dur_bad("99999999999h1s", "too large");
}

static void test_duration_compound(void)
{
	CU_ASSERT_EQUAL(dur_ok("2h4m"), 7440 * SEC);      /* audit's --max-idle default */
	CU_ASSERT_EQUAL(dur_ok("1m15s"), 75 * SEC);
	CU_ASSERT_EQUAL(dur_ok("9h6m7s"), (9 * 3600 + 6 * 60 + 7) * SEC);
	CU_ASSERT_EQUAL(dur_ok("1h0.5s"), 3600 * SEC + 500 * MS);
	CU_ASSERT_EQUAL(dur_ok("1m30.25s"), 90 * SEC + 250 * MS);
	CU_ASSERT_EQUAL(dur_ok("1s500ms"), 1500 * MS);
	CU_ASSERT_EQUAL(dur_ok("1ms250us"), 1250);
	CU_ASSERT_EQUAL(dur_ok("1.5h30m"), 2 * 3600 * SEC);
	CU_ASSERT_EQUAL(dur_ok("1m90s"), 150 * SEC);       /* order, not carry, is checked */
	CU_ASSERT_EQUAL(dur_ok("2562047788h54.775807s"), INT64_MAX);
}

static void test_duration_message_one_line(void)
{
	char err[256];
	int64_t us;
	CU_ASSERT_EQUAL(parse_duration("5\n", 0, ANY_MAX, &us, err, sizeof err), -1);
	CU_ASSERT(err[0] != '\0');
	CU_ASSERT(strchr(err, '\n') == NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'5?'"));
	/* A small buffer truncates but stays terminated. */
	char small[8];
	CU_ASSERT_EQUAL(parse_duration("5x", 0, ANY_MAX, &us, small, sizeof small), -1);
	CU_ASSERT_EQUAL(strlen(small), sizeof small - 1);
}

static void count_bad(const char *s, long min, long max, const char *want)
{
	char err[256] = "";
	long v = 42;
	CU_ASSERT_EQUAL(parse_count(s, min, max, &v, err, sizeof err), -1);
	CU_ASSERT_EQUAL(v, 42);
	unit_check_err(err, s);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (!strstr(err, want))
		fprintf(stderr, "\n  '%s': message '%s' lacks '%s'\n", s, err, want);
}

static void test_count(void)
{
	char err[256];
	long v = 0;
	CU_ASSERT_EQUAL(parse_count("1", 1, 127, &v, err, sizeof err), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(parse_count("127", 1, 127, &v, err, sizeof err), 0);
	CU_ASSERT_EQUAL(v, 127);
	CU_ASSERT_EQUAL(parse_count("009", 1, 127, &v, err, sizeof err), 0);
	CU_ASSERT_EQUAL(v, 9);
	CU_ASSERT_EQUAL(parse_count("0", 0, 10, &v, err, sizeof err), 0);
	CU_ASSERT_EQUAL(v, 0);

	const char *whole = "not a whole number";
	count_bad("abc", 1, 127, "invalid count 'abc': not a whole number");
	count_bad("", 1, 127, whole);
	count_bad(" 5", 1, 127, whole);
	count_bad("5 ", 1, 127, whole);
	count_bad("-1", 1, 127, whole);
	count_bad("+1", 1, 127, whole);
	count_bad("5x", 1, 127, whole);
	count_bad("0x5", 1, 127, whole);
	count_bad("1.5", 1, 127, whole);
	count_bad("1e3", 1, 127, whole);
	count_bad("0", 1, 127, "count '0' is out of range: 1 to 127");
	count_bad("128", 1, 127, "out of range: 1 to 127");
	count_bad("99999999999999999999999", 1, 127, "out of range");
	count_bad("9223372036854775808", 1, 127, "out of range");
}

static void fmt_is(int64_t us, const char *want)
{
	char buf[64];
	format_duration(us, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, want);
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "\n  format_duration(%lld) = '%s', want '%s'\n",
			(long long)us, buf, want);
}

static void test_format(void)
{
	fmt_is(0, "0s");
	fmt_is(1, "1us");
	fmt_is(250, "250us");
	fmt_is(999, "999us");
	fmt_is(MS, "1ms");
	fmt_is(500 * MS, "500ms");
	fmt_is(1500, "1.5ms");
	fmt_is(999999, "999.999ms");
	fmt_is(SEC, "1s");
	fmt_is(1500 * MS, "1.5s");
	fmt_is(SEC + 1, "1.000001s");
	fmt_is(59 * SEC, "59s");
	fmt_is(60 * SEC, "1m");
	fmt_is(75 * SEC, "1m15s");
	fmt_is(90 * SEC + 250 * MS, "1m30.25s");
	fmt_is(120 * SEC, "2m");
	fmt_is(3600 * SEC, "1h");
	fmt_is(7200 * SEC, "2h");
	fmt_is(7440 * SEC, "2h4m");       /* RFC 5382 REQ-5 NAT timeout */
	fmt_is(7201 * SEC, "2h1s");
	fmt_is(3600 * SEC + 500 * MS, "1h0.5s");
	fmt_is(432000 * SEC, "120h");     /* conntrack established timeout */
	fmt_is(-1500 * MS, "-1.5s");
	fmt_is(INT64_MAX, "2562047788h54.775807s");
	fmt_is(INT64_MIN, "-2562047788h54.775808s");

	/* A short buffer is truncated, still terminated. */
	char buf[4];
	format_duration(7440 * SEC, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "2h4");
	format_duration(7440 * SEC, buf, 1);
	CU_ASSERT_STRING_EQUAL(buf, "");
}

/* Everything format_duration prints parses back to the same value: fixed
 * points, every power of two and its neighbours, and a million values
 * spread over the whole range (each magnitude equally likely). */
static void round_trip(int64_t v, unsigned *failures)
{
	char buf[64], err[256] = "";
	int64_t got = -1;

	format_duration(v, buf, sizeof buf);
	if (parse_duration(buf, 0, INT64_MAX, &got, err, sizeof err) == 0 && got == v)
		return;
	if ((*failures)++ < 5)
		fprintf(stderr, "\n  %lld -> '%s' -> %lld (%s)\n", (long long)v, buf,
			(long long)got, err);
}

static void test_format_round_trip(void)
{
	static const int64_t v[] = { 0, 1, 250, MS, 1500, 999999, SEC, 1500 * MS,
				     SEC + 1, 59 * SEC, 60 * SEC, 75 * SEC, 120 * SEC,
				     3600 * SEC, 7200 * SEC, 7440 * SEC,
				     3600 * SEC + 500 * MS, 432000 * SEC, INT64_MAX };
	unsigned failures = 0;
	uint64_t x = 0x9e3779b97f4a7c15u;

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		round_trip(v[i], &failures);
	for (int b = 0; b < 63; b++)
		for (int64_t d = -1; d <= 1; d++)
			round_trip((INT64_C(1) << b) + d, &failures);
	for (int i = 0; i < 1000000; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17; /* xorshift64 */
		int bits = (int)(x % 63) + 1;
		round_trip((int64_t)((x >> 1) >> (63 - bits)), &failures);
	}
	CU_ASSERT_EQUAL(failures, 0);
}

/* --heartbeat's bytes: every escape, and what is refused. */
static void test_escaped(void)
{
	uint8_t b[8];
	size_t n = 0;
	char err[256] = "";

	CU_ASSERT_EQUAL(parse_escaped("PING\\r\\n", b, sizeof b, &n, err, sizeof err), 0);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(memcmp(b, "PING\r\n", 6), 0);
	CU_ASSERT_EQUAL(parse_escaped("\\t\\\\\\\"\\x41\\xf\\0\\0101\\0377", b, sizeof b, &n,
				      err, sizeof err), 0);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(memcmp(b, "\t\\\"A\x0f\0A\377", 8), 0);
	/* \x takes two digits at most, \0 three octal ones. */
	CU_ASSERT_EQUAL(parse_escaped("\\x414\\08", b, sizeof b, &n, err, sizeof err), 0);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(memcmp(b, "A4\0" "8", 4), 0);
	CU_ASSERT_EQUAL(parse_escaped("12345678", b, sizeof b, &n, err, sizeof err), 0);
	CU_ASSERT_EQUAL(n, 8);
	n = 99;
	CU_ASSERT_EQUAL(parse_escaped("", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty"));
	CU_ASSERT_EQUAL(n, 99);
	CU_ASSERT_EQUAL(parse_escaped("123456789", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "longer than 8 bytes"));
	CU_ASSERT_EQUAL(parse_escaped("a\\q", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown escape '\\q' (at byte 2)"));
	CU_ASSERT_EQUAL(parse_escaped("a\\", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ends in a backslash"));
	CU_ASSERT_EQUAL(parse_escaped("\\xg", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "hex digits"));
	CU_ASSERT_EQUAL(parse_escaped("\\0400", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "over 255"));
	CU_ASSERT_EQUAL(n, 99);
	parse_escaped("x\\q", b, sizeof b, &n, err, sizeof err);
	unit_check_err(err, "x\\q");
}

static void test_hex(void)
{
	uint8_t b[4];
	size_t n = 0;
	char err[256] = "";

	CU_ASSERT_EQUAL(parse_hex("0d0A", b, sizeof b, &n, err, sizeof err), 0);
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(memcmp(b, "\r\n", 2), 0);
	CU_ASSERT_EQUAL(parse_hex(" 50:49 4e:47 ", b, sizeof b, &n, err, sizeof err), 0);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(memcmp(b, "PING", 4), 0);
	n = 99;
	CU_ASSERT_EQUAL(parse_hex("", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty"));
	CU_ASSERT_EQUAL(parse_hex(" : ", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "empty"));
	CU_ASSERT_EQUAL(parse_hex("0d0", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not pairs of hex digits (at byte 4)"));
	CU_ASSERT_EQUAL(parse_hex("0g", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "(at byte 2)"));
	CU_ASSERT_EQUAL(parse_hex("0 d", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_EQUAL(parse_hex("0102030405", b, sizeof b, &n, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "longer than 4 bytes"));
	CU_ASSERT_EQUAL(n, 99);
}

void suite_parse(void)
{
	UNIT_SUITE("parse",
		   UNIT_TEST(test_duration_units),
		   UNIT_TEST(test_duration_decimals),
		   UNIT_TEST(test_duration_limits),
		   UNIT_TEST(test_duration_rejects),
		   UNIT_TEST(test_duration_compound),
		   UNIT_TEST(test_duration_message_one_line),
		   UNIT_TEST(test_count),
		   UNIT_TEST(test_format),
		   UNIT_TEST(test_format_round_trip),
		   UNIT_TEST(test_escaped),
		   UNIT_TEST(test_hex));
}
