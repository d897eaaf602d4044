/* targetlist.c - targets from the command line and from -f FILE (see
 * target.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/errmsg.h"
#include "net/target.h"

/* A longer line is not a HOST:PORT. */
#define LINE_MAX_TARGET (TARGET_HOST_MAX + 16)

int target_list_add(struct target_list *l, const char *t)
{
	char *copy;

	if (l->n == l->cap) {
		unsigned cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof *v);

		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if (!(copy = strdup(t)))
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

/* The line without surrounding blanks (in place). */
static char *trim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static int read_lines(FILE *f, const char *name, struct target_list *l, char *err,
		      size_t errlen)
{
	char line[LINE_MAX_TARGET + 2];
	unsigned no = 0;

	while (fgets(line, sizeof line, f)) {
		struct target t;
		char why[256], *s;

		no++;
		if (!strchr(line, '\n') && !feof(f)) {
			l->usage = true;
			return errmsg(err, errlen, "%s:%u: line too long for a HOST:PORT", name, no);
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (target_parse(s, &t, why, sizeof why) < 0) {
			l->usage = true;
			return errmsg(err, errlen, "%s:%u: %s", name, no, why);
		}
		if (target_list_add(l, s) < 0)
			return errmsg(err, errlen, "%s: out of memory", name);
	}
	if (ferror(f))
		return errmsg(err, errlen, "cannot read %s: %s", name, strerror(errno));
	return 0;
}

int target_list_read(const char *path, struct target_list *l, char *err, size_t errlen)
{
	bool std = strcmp(path, "-") == 0;
	FILE *f = std ? stdin : fopen(path, "r");
	int rc;

	l->usage = false;
	if (!f)
		return errmsg(err, errlen, "cannot open %s: %s", path, strerror(errno));
	rc = read_lines(f, std ? "standard input" : path, l, err, errlen);
	if (!std)
		fclose(f);
	return rc;
}

void target_list_free(struct target_list *l)
{
	for (unsigned i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	*l = (struct target_list){ 0 };
}
