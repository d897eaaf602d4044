/* main.c - the CUnit runner: every suite, basic mode, non-zero exit on any
 * failure so that make stops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "unit.h"

#define SUITE(name) void suite_##name(void);
#include "suites.inc"
#undef SUITE

void unit_fail_setup(void)
{
	fprintf(stderr, "unit: cannot set up CUnit: %s\n", CU_get_error_msg());
	exit(70);
}

char *unit_take_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_FATAL(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	unlink(path);
	return buf;
}

void unit_check_err(const char *err, const char *input)
{
	CU_ASSERT(err[0] != '\0');
	CU_ASSERT(strchr(err, '\n') == NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, input));
	if (!strstr(err, input))
		fprintf(stderr, "\n  message '%s' does not name '%s'\n", err, input);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		unit_fail_setup();
#define SUITE(name) suite_##name();
#include "suites.inc"
#undef SUITE
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	unsigned run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	return failed || run == 0 ? 1 : 0;
}
