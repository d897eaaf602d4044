/* help.c - --help around each command's own text (see command.h): its
 * usage lines, or for the prober, the command without a name, the overview
 * of every command's, from the table.  tests/cli/t_help.sh checks that
 * every option each help lists is one the command accepts, and that
 * kaprobe(8) lists the same options in that command's section. */
#include <string.h>

#include "cmd/command.h"
#include "util/parse.h"

#define USAGE_COLUMN 36   /* where the overview's summaries start */
#define WIDTH 80          /* a line is shorter than this */

/* Joins the words of one name ("kaprobe watch --help") that a line must
 * not break; printed as a space. */
#define NBSP '\001'

/* text, its words filled into lines shorter than WIDTH. */
static void fill(FILE *f, const char *text)
{
	size_t col = 0;

	while (*text) {
		size_t n = strcspn(text, " ");

		if (col && col + 1 + n >= WIDTH) {
			fputc('\n', f);
			col = 0;
		} else if (col) {
			fputc(' ', f);
			col++;
		}
		for (size_t i = 0; i < n; i++)
			fputc(text[i] == NBSP ? ' ' : text[i], f);
		col += n;
		text += n + strspn(text + n, " ");
	}
	fputc('\n', f);
}

/* "usage: " before the first line, as much space before the others. */
static void usage_line(FILE *f, bool first, const struct command *c, const struct cmd_usage *u,
		       bool summary)
{
	char syn[128];

	snprintf(syn, sizeof syn, "kaprobe%s%s %s", c->name[0] ? " " : "", c->name, u->args);
	if (summary)
		fprintf(f, "%s%-*s%s\n", first ? "usage: " : "       ", USAGE_COLUMN, syn,
			u->summary);
	else
		fprintf(f, "%s%s\n", first ? "usage: " : "       ", syn);
}

/* Every command's usage lines, and where to read the others' options. */
static void overview(const struct command *self, FILE *f)
{
	char ptr[512] = "";
	unsigned n = 0, k = 0;
	bool first = true;

	for (unsigned i = 0; i < ncommands; i++)
		for (const struct cmd_usage *u = commands[i]->usage; u->args; u++) {
			usage_line(f, first, commands[i], u, true);
			first = false;
		}
	for (unsigned i = 0; i < ncommands; i++)
		n += commands[i] != self;
	for (unsigned i = 0; i < ncommands; i++) {
		if (commands[i] == self)
			continue;
		k++;
		snprintf(ptr + strlen(ptr), sizeof ptr - strlen(ptr), "%skaprobe%c%s%c--help",
			 k == 1 ? "" : k == n ? " and " : ", ", NBSP, commands[i]->name, NBSP);
	}
	snprintf(ptr + strlen(ptr), sizeof ptr - strlen(ptr), " show those commands' options.");
	fputc('\n', f);
	fill(f, ptr);
}

struct help_dur help_dur(int64_t us)
{
	struct help_dur d;

	format_duration(us, d.s, sizeof d.s);
	return d;
}

void help_print(const struct command *c, FILE *f)
{
	if (!c->name[0]) {
		overview(c, f);
	} else {
		for (const struct cmd_usage *u = c->usage; u->args; u++)
			usage_line(f, u == c->usage, c, u, false);
	}
	c->help(f);
}
