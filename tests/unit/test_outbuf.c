/* test_outbuf.c - the formatter: the same text printf gave, through any
 * buffer size, and write failures remembered. */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emit/outbuf.h"
#include "unit.h"

/* A string builder: ob over buf, no stream. */
static void string_ob(struct outbuf *b, char *buf, size_t cap)
{
	ob_init(b, NULL, buf, cap - 1);
}

static const char *done(struct outbuf *b)
{
	b->buf[b->len] = '\0';
	return b->buf;
}

static void test_integers_as_printf(void)
{
	static const int64_t vals[] = {
		0, 1, -1, 9, 10, 99, 100, 4294967295LL, -4294967296LL, INT64_MAX, INT64_MIN,
	};
	char buf[64], want[64];
	struct outbuf b;

	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		string_ob(&b, buf, sizeof buf);
		ob_i64(&b, vals[i]);
		snprintf(want, sizeof want, "%" PRId64, vals[i]);
		CU_ASSERT_STRING_EQUAL(done(&b), want);
		string_ob(&b, buf, sizeof buf);
		ob_u64(&b, (uint64_t)vals[i]);
		snprintf(want, sizeof want, "%" PRIu64, (uint64_t)vals[i]);
		CU_ASSERT_STRING_EQUAL(done(&b), want);
	}
	/* Every digit count's edges: powers of ten and of two, and their
	 * neighbours, through the in-place path and the short-buffer one. */
	for (int shift = 0; shift < 64; shift++) {
		for (int d = -3; d <= 3; d++) {
			uint64_t v = ((uint64_t)1 << shift) + (uint64_t)(int64_t)d;
			uint64_t p10 = 1;

			for (int k = 0; k < shift % 20; k++)
				p10 *= 10;
			for (int which = 0; which < 2; which++) {
				uint64_t x = which ? p10 + (uint64_t)(int64_t)d : v;
				char small[12];

				string_ob(&b, buf, sizeof buf);
				ob_u64(&b, x);
				snprintf(want, sizeof want, "%" PRIu64, x);
				CU_ASSERT_STRING_EQUAL(done(&b), want);
				ob_init(&b, NULL, small, sizeof small - 1);
				ob_char(&b, '#');   /* under 20 bytes left: via a copy */
				ob_u64(&b, x % 1000000000);
				snprintf(want, sizeof want, "#%" PRIu64, x % 1000000000);
				CU_ASSERT_STRING_EQUAL(done(&b), want);
			}
		}
	}
}

/* ob_fixed(v, 6) and (v, 3) against printf's "%.6f" of v / 1e6 (and
 * "%.3f" of v / 1e3), which replay printed before: the same for every v
 * whose quotient the double holds to better than half the last digit. */
static void test_fixed_as_printf(void)
{
	char buf[64], want[64];
	struct outbuf b;
	uint64_t x = 88172645463325252ull;
	int bad = 0;

	for (int i = 0; i < 200000; i++) {
		int64_t v;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v = (int64_t)(x % 4000000000000000ull) >> (x % 50);   /* many magnitudes */
		if (i & 1)
			v = -v;
		string_ob(&b, buf, sizeof buf);
		ob_fixed(&b, v, 6);
		snprintf(want, sizeof want, "%.6f", (double)v / 1e6);
		if (strcmp(done(&b), want) != 0 && bad++ < 3)
			fprintf(stderr, "ob_fixed %s, printf %s\n", buf, want);
		string_ob(&b, buf, sizeof buf);
		ob_fixed(&b, v, 3);
		snprintf(want, sizeof want, "%.3f", (double)v / 1e3);
		if (strcmp(done(&b), want) != 0 && bad++ < 3)
			fprintf(stderr, "ob_fixed %s, printf %s\n", buf, want);
	}
	CU_ASSERT_EQUAL(bad, 0);
	string_ob(&b, buf, sizeof buf);
	ob_fixed(&b, 42, 0);
	CU_ASSERT_STRING_EQUAL(done(&b), "42");
}

static void test_json_and_padding(void)
{
	char buf[128];
	struct outbuf b;

	string_ob(&b, buf, sizeof buf);
	ob_json_str(&b, "a\"b\\c\x01\x1f" "d");
	CU_ASSERT_STRING_EQUAL(done(&b), "\"a\\\"b\\\\c\\u0001\\u001fd\"");
	string_ob(&b, buf, sizeof buf);
	ob_pad(&b, "ack", 6);
	ob_pad(&b, "toolongword", 4);
	CU_ASSERT_STRING_EQUAL(done(&b), "ack   toolongword");
	/* No stream: what does not fit is dropped, nothing is overrun. */
	string_ob(&b, buf, 9);
	ob_str(&b, "0123456789abcdef");
	CU_ASSERT_STRING_EQUAL(done(&b), "01234567");
}

/* A buffer of 7 bytes, through which pieces longer and shorter than it
 * go to a file: the file holds exactly what was appended. */
static void test_small_buffer_to_file(void)
{
	char small[7], want[4096] = "", got[4096];
	FILE *f = tmpfile();
	struct outbuf b;
	size_t n;

	CU_ASSERT_FATAL(f != NULL);
	ob_init(&b, f, small, sizeof small);
	for (int i = 0; i < 100; i++) {
		char piece[32];

		snprintf(piece, sizeof piece, "%d:%s,", i * 7919, i % 3 ? "x" : "a longer piece");
		strcat(want, piece);
		ob_u64(&b, (uint64_t)i * 7919);
		ob_char(&b, ':');
		ob_str(&b, i % 3 ? "x" : "a longer piece");
		ob_char(&b, ',');
	}
	CU_ASSERT(ob_flush(&b));
	rewind(f);
	n = fread(got, 1, sizeof got - 1, f);
	got[n] = '\0';
	CU_ASSERT_STRING_EQUAL(got, want);
	fclose(f);
}

/* A closed reader (EPIPE): the flush fails, and stays failed. */
static void test_write_failure_remembered(void)
{
	char buf[64];
	int fds[2];
	FILE *f;
	struct outbuf b;
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);

	CU_ASSERT_FATAL(pipe(fds) == 0);
	close(fds[0]);
	f = fdopen(fds[1], "w");
	CU_ASSERT_FATAL(f != NULL);
	ob_init(&b, f, buf, sizeof buf);
	ob_str(&b, "event\n");
	CU_ASSERT(!ob_flush(&b));
	CU_ASSERT(b.failed);
	CU_ASSERT_EQUAL(b.err, EPIPE);
	ob_str(&b, "another\n");
	CU_ASSERT(!ob_flush(&b));
	CU_ASSERT_EQUAL(b.len, 0);
	fclose(f);
	signal(SIGPIPE, old);
}

/* A full disk is told from a closed reader by its errno: replay's exit
 * status (74, not a quiet end) depends on it. */
static void test_write_failure_errno(void)
{
	char buf[64];
	FILE *f = fopen("/dev/full", "w");
	struct outbuf b;

	CU_ASSERT_FATAL(f != NULL);
	ob_init(&b, f, buf, sizeof buf);
	ob_str(&b, "event\n");
	CU_ASSERT(!ob_flush(&b));
	CU_ASSERT(b.failed);
	CU_ASSERT_EQUAL(b.err, ENOSPC);
	fclose(f);
}

void suite_outbuf(void)
{
	UNIT_SUITE("outbuf",
		   UNIT_TEST(test_integers_as_printf),
		   UNIT_TEST(test_fixed_as_printf),
		   UNIT_TEST(test_json_and_padding),
		   UNIT_TEST(test_small_buffer_to_file),
		   UNIT_TEST(test_write_failure_remembered),
		   UNIT_TEST(test_write_failure_errno));
}
