/* test_suggest.c - "did you mean" for commands and options. */
#include <stddef.h>

#include "util/suggest.h"
#include "unit.h"

static const char *const commands[] = { "replay", "audit" };
static const char *const options[] = { "idle", "intvl", "probes", "profile", "json",
				       "interface", "max-idle", "max-conns" };
#define N(a) (sizeof a / sizeof a[0])

/* suggest() gave want (a NULL result fails the test, not the runner). */
static void gives(const char *got, const char *want)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void test_suggest_close(void)
{
	gives(suggest("repaly", commands, 2), "replay"); /* a swap */
	gives(suggest("replya", commands, 2), "replay");
	gives(suggest("replay", commands, 2), "replay");
	gives(suggest("audt", commands, 2), "audit");
	gives(suggest("adit", commands, 2), "audit");
	CU_ASSERT_STRING_EQUAL(suggest("idel", options, N(options)), "idle");
	CU_ASSERT_STRING_EQUAL(suggest("intval", options, N(options)), "intvl");
	CU_ASSERT_STRING_EQUAL(suggest("max-con", options, N(options)), "max-conns");
	CU_ASSERT_STRING_EQUAL(suggest("jsn", options, N(options)), "json");
}

static void test_suggest_none(void)
{
	CU_ASSERT_PTR_NULL(suggest("bogus", options, N(options)));
	CU_ASSERT_PTR_NULL(suggest("10.0.0.5", commands, 2));
	CU_ASSERT_PTR_NULL(suggest("", commands, 2));
	static const char *const twins[] = { "max-idle", "min-idle" };
	CU_ASSERT_PTR_NULL(suggest("mix-idle", twins, 2)); /* a tie: no guess */
	gives(suggest("max-idl", twins, 2), "max-idle");
	CU_ASSERT_PTR_NULL(suggest("repl", commands, 0));
	char longword[100];
	for (size_t i = 0; i < sizeof longword - 1; i++)
		longword[i] = 'a';
	longword[sizeof longword - 1] = '\0';
	CU_ASSERT_PTR_NULL(suggest(longword, commands, 2));
}

void suite_suggest(void)
{
	UNIT_SUITE("suggest",
		   UNIT_TEST(test_suggest_close),
		   UNIT_TEST(test_suggest_none));
}
