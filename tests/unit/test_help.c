/* test_help.c - --help from the table of commands: the overview names every
 * command's usage lines and points to each other command's --help, in
 * lines shorter than 80 columns; a named command's help starts with its own
 * usage line; and the defaults shown are the ones parsing starts from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "unit.h"

/* c's --help, in a buffer to free. */
static char *help_of(const struct command *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	help_print(c, f);
	fclose(f);
	return buf;
}

/* The lines of the pointer to the other commands' help are filled. */
static void check_pointer(const char *h)
{
	const char *end = strstr(h, "show those");
	const char *l = end;

	CU_ASSERT_PTR_NOT_NULL_FATAL(end);
	while (l > h && l[-1] != '\n')
		l--;
	CU_ASSERT(strcspn(l, "\n") < 80);
	l += strcspn(l, "\n") + 1;
	CU_ASSERT(strcspn(l, "\n") < 80);
}

static void test_overview(void)
{
	char *h = help_of(&cmd_live), line[128];

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_EQUAL(strncmp(h, "usage: kaprobe [options] HOST:PORT...", 37), 0);
	for (unsigned i = 0; i < ncommands; i++) {
		if (!commands[i]->name[0])
			continue;
		snprintf(line, sizeof line, "kaprobe %s %s", commands[i]->name,
			 commands[i]->usage[0].args);
		CU_ASSERT_PTR_NOT_NULL(strstr(h, line));
		snprintf(line, sizeof line, "kaprobe %s --help", commands[i]->name);
		CU_ASSERT_PTR_NOT_NULL(strstr(h, line));
	}
	/* The defaults shown are the parser's. */
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "--idle DURATION     idle time before the first probe "
				      "(default 1s)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "(default 5s)"));
	check_pointer(h);
	free(h);
}

static void test_commands(void)
{
	char want[128];

	for (unsigned i = 0; i < ncommands; i++) {
		char *h = help_of(commands[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(h);
		if (commands[i]->name[0]) {
			snprintf(want, sizeof want, "usage: kaprobe %s %s\n\n", commands[i]->name,
				 commands[i]->usage[0].args);
			CU_ASSERT_EQUAL(strncmp(h, want, strlen(want)), 0);
			/* Only the overview lists the others. */
			CU_ASSERT_PTR_NULL(strstr(h, "show those commands' options"));
		}
		free(h);
	}
}

static void test_defaults(void)
{
	char *h = help_of(&cmd_audit);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "longest idle tried (default 2h4m, RFC 5382)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(h, "connections open at once, 6-256 (default 64)"));
	free(h);
}

void suite_help(void)
{
	UNIT_SUITE("help",
		   UNIT_TEST(test_overview),
		   UNIT_TEST(test_commands),
		   UNIT_TEST(test_defaults));
}
