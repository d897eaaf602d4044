/* unit.h - shared helpers for kaprobe's CUnit tests.
 *
 * Each tests/unit/test_NAME.c defines `void suite_NAME(void)`, which adds
 * one CUnit suite with its tests; the Makefile finds the files and
 * tests/unit/main.c calls every suite_NAME. */
#ifndef KAPROBE_UNIT_H
#define KAPROBE_UNIT_H

#include <CUnit/CUnit.h>

/* Add a suite and its tests; aborts the run if CUnit cannot allocate. */
#define UNIT_SUITE(name, ...)                                                  \
	do {                                                                   \
		CU_pSuite s_ = CU_add_suite(name, NULL, NULL);                 \
		struct { const char *n; CU_TestFunc f; } t_[] = { __VA_ARGS__ }; \
		if (!s_) unit_fail_setup();                                    \
		for (size_t i_ = 0; i_ < sizeof t_ / sizeof t_[0]; i_++)       \
			if (!CU_add_test(s_, t_[i_].n, t_[i_].f))              \
				unit_fail_setup();                             \
	} while (0)
#define UNIT_TEST(f) { #f, f }

void unit_fail_setup(void);

/* The whole file at path, NUL-terminated (the caller frees), and the file
 * removed; the test stops when it cannot be read. */
char *unit_take_file(const char *path);

/* A good error message: non-empty, one line, naming the input. */
void unit_check_err(const char *err, const char *input);

#endif
