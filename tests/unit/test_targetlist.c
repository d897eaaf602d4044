/* test_targetlist.c - targets from -f FILE: comments, blanks, order,
 * duplicates, and one clear line for a bad one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/target.h"
#include "unit.h"

static char path[64];

static void write_file(const char *text)
{
	FILE *f;

	snprintf(path, sizeof path, "/tmp/kaprobe-unit-targets.%d", (int)getpid());
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void free_list(struct target_list *l)
{
	for (unsigned i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static void test_reads_in_order(void)
{
	struct target_list l = { 0 };
	char err[256] = "";

	CU_ASSERT_EQUAL(target_list_add(&l, "10.9.9.9:1"), 0);
	write_file("# backends\n\n  198.19.1.2:7001  \n\t[fd00::2]:22\r\n"
		   "# a comment\n198.19.1.2:7001\nhost.example:443");
	CU_ASSERT_EQUAL_FATAL(target_list_read(path, &l, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(l.n, 5);
	CU_ASSERT_STRING_EQUAL(l.v[0], "10.9.9.9:1");
	CU_ASSERT_STRING_EQUAL(l.v[1], "198.19.1.2:7001");
	CU_ASSERT_STRING_EQUAL(l.v[2], "[fd00::2]:22");
	CU_ASSERT_STRING_EQUAL(l.v[3], "198.19.1.2:7001");   /* twice: two connections */
	CU_ASSERT_STRING_EQUAL(l.v[4], "host.example:443");  /* no final newline */
	free_list(&l);
	unlink(path);
}

static void test_bad_line(void)
{
	struct target_list l = { 0 };
	char err[256] = "";

	write_file("198.19.1.2:7001\n198.19.1.2\n");
	CU_ASSERT_EQUAL(target_list_read(path, &l, err, sizeof err), -1);
	CU_ASSERT_TRUE(l.usage);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: "));
	unit_check_err(err, path);
	free_list(&l);
	write_file("198.19.1.2:99999\n");
	CU_ASSERT_EQUAL(target_list_read(path, &l, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: "));
	free_list(&l);
	unlink(path);
}

static void test_missing_file(void)
{
	struct target_list l = { 0 };
	char err[256] = "";

	CU_ASSERT_EQUAL(target_list_read("/nonexistent/kaprobe-targets", &l, err, sizeof err), -1);
	CU_ASSERT_FALSE(l.usage);
	unit_check_err(err, "/nonexistent/kaprobe-targets");
	CU_ASSERT_EQUAL(l.n, 0);
}

void suite_targetlist(void)
{
	UNIT_SUITE("targetlist",
		   UNIT_TEST(test_reads_in_order),
		   UNIT_TEST(test_bad_line),
		   UNIT_TEST(test_missing_file));
}
