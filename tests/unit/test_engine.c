/* test_engine.c - engine_fail keeps its words: given e->err itself as the
 * text (as the call sites that pass on a lower layer's message do), and
 * the first failure of a run is the one kept. */
#include <string.h>

#include "engine/engine.h"
#include "unit.h"

static void test_fail_with_own_buffer(void)
{
	static struct engine e;

	memset(&e, 0, sizeof e);
	strcpy(e.err, "cannot write /full/x.pcap: No space left on device");
	engine_fail(&e, 73, "%s", e.err);
	CU_ASSERT_STRING_EQUAL(e.err, "cannot write /full/x.pcap: No space left on device");
	CU_ASSERT_TRUE(e.failed);
	CU_ASSERT_EQUAL(e.status, 73);
	CU_ASSERT_TRUE(engine_stopped(&e));
	/* Its own text around e->err, too. */
	memset(&e, 0, sizeof e);
	strcpy(e.err, "No route to host");
	engine_fail(&e, 3, "cannot connect: %s (%s)", e.err, e.err);
	CU_ASSERT_STRING_EQUAL(e.err, "cannot connect: No route to host (No route to host)");
}

static void test_first_failure_kept(void)
{
	static struct engine e;

	memset(&e, 0, sizeof e);
	engine_fail(&e, 73, "the first");
	engine_fail(&e, 70, "the second");
	CU_ASSERT_STRING_EQUAL(e.err, "the first");
	CU_ASSERT_EQUAL(e.status, 73);
}

void suite_engine(void)
{
	UNIT_SUITE("engine",
		   UNIT_TEST(test_fail_with_own_buffer),
		   UNIT_TEST(test_first_failure_kept));
}
