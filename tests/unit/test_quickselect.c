/* test_quickselect.c - the k-th smallest against a sorted copy, on many
 * small random arrays full of ties (the eviction keys of a capture whose
 * clock stands still are all equal). */
#include <stdlib.h>
#include <string.h>

#include "util/quickselect.h"
#include "unit.h"

static int cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_against_sort(void)
{
	int64_t v[64], w[64];
	uint64_t seed = 1;
	unsigned bad = 0;

	for (int it = 0; it < 100000; it++) {
		uint32_t n, k, range;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		n = 1 + (uint32_t)(seed >> 33) % 64;
		range = 1 + (uint32_t)(seed >> 45) % 12;
		k = (uint32_t)(seed >> 20) % n;
		for (uint32_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			v[i] = w[i] = (int64_t)((seed >> 40) % range) - 3;
		}
		qsort(w, n, sizeof *w, cmp);
		bad += quickselect(v, n, k) != w[k];
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_edges(void)
{
	int64_t one[1] = { 7 }, same[5] = { 4, 4, 4, 4, 4 };
	int64_t desc[6] = { 60, 50, 40, 30, 20, 10 };

	CU_ASSERT_EQUAL(quickselect(one, 1, 0), 7);
	CU_ASSERT_EQUAL(quickselect(same, 5, 0), 4);
	CU_ASSERT_EQUAL(quickselect(same, 5, 4), 4);
	CU_ASSERT_EQUAL(quickselect(desc, 6, 0), 10);
	CU_ASSERT_EQUAL(quickselect(desc, 6, 5), 60);
	CU_ASSERT_EQUAL(quickselect(desc, 6, 2), 30);
}

void suite_quickselect(void)
{
	UNIT_SUITE("quickselect",
		   UNIT_TEST(test_against_sort),
		   UNIT_TEST(test_edges));
}
