/* main.c - the CUnit runner: every suite, basic mode, non-zero exit on any
 * failure so that make stops. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
