/* test_seq.c - sequence arithmetic across the 2^32 wrap. */
#include "tcp/seq.h"
#include "unit.h"

static void test_ordering_without_wrap(void)
{
	CU_ASSERT_TRUE(seq_lt(1, 2));
	CU_ASSERT_FALSE(seq_lt(2, 2));
	CU_ASSERT_TRUE(seq_leq(2, 2));
	CU_ASSERT_TRUE(seq_gt(3, 2));
	CU_ASSERT_TRUE(seq_geq(3, 3));
	CU_ASSERT_EQUAL(seq_diff(10, 3), 7);
	CU_ASSERT_EQUAL(seq_diff(3, 10), -7);
}

static void test_ordering_across_wrap(void)
{
	CU_ASSERT_TRUE(seq_lt(0xfffffff0u, 0x10));
	CU_ASSERT_TRUE(seq_gt(0x10, 0xfffffff0u));
	CU_ASSERT_EQUAL(seq_diff(0x10, 0xfffffff0u), 0x20);
	CU_ASSERT_EQUAL(seq_max(0xffffffffu, 0), 0);
	CU_ASSERT_EQUAL(seq_max(0, 0xffffffffu), 0);
	/* SND.NXT - 1 at zero is the top of the space. */
	CU_ASSERT_EQUAL((uint32_t)(0u - 1), 0xffffffffu);
	CU_ASSERT_TRUE(seq_lt((uint32_t)(0u - 1), 0));
}

static void test_half_space_boundary(void)
{
	/* 2^31 apart is "before" in one direction only by the sign rule. */
	CU_ASSERT_TRUE(seq_lt(0, 0x7fffffffu));
	CU_ASSERT_FALSE(seq_lt(0x7fffffffu, 0));
	CU_ASSERT_EQUAL(seq_diff(0x80000000u, 0), INT32_MIN);
}

static void test_window_membership(void)
{
	CU_ASSERT_TRUE(seq_in(5, 5, 10));
	CU_ASSERT_FALSE(seq_in(10, 5, 10));
	CU_ASSERT_FALSE(seq_in(4, 5, 10));
	CU_ASSERT_TRUE(seq_in(0xfffffffeu, 0xfffffff0u, 0x10));
	CU_ASSERT_TRUE(seq_in(0x5, 0xfffffff0u, 0x10));
	CU_ASSERT_FALSE(seq_in(0x10, 0xfffffff0u, 0x10));
	CU_ASSERT_FALSE(seq_in(7, 7, 7));
}

void suite_seq(void)
{
	UNIT_SUITE("seq",
		   UNIT_TEST(test_ordering_without_wrap),
		   UNIT_TEST(test_ordering_across_wrap),
		   UNIT_TEST(test_half_space_boundary),
		   UNIT_TEST(test_window_membership));
}
