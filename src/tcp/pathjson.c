/* pathjson.c - the idle timeout of an audit's or a trace's JSON (see
 * pathjson.h).  kaprobe writes each event as one flat JSON object per line,
 * so a member is found by its quoted key; whitespace that a reformatting
 * (jq -c) may leave is allowed around the colon. */
#include "tcp/pathjson.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The value of member key in line (just after the colon), or NULL. */
static const char *member(const char *line, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = strchr(line, '"'); p; p = strchr(p + 1, '"')) {
		if (strncmp(p + 1, key, klen) != 0 || p[1 + klen] != '"')
			continue;
		const char *v = p + 2 + klen;
		while (isspace((unsigned char)*v))
			v++;
		if (*v != ':')
			continue;
		v++;
		while (isspace((unsigned char)*v))
			v++;
		return v;
	}
	return NULL;
}

/* Whether member key is the string word. */
static bool is_str(const char *line, const char *key, const char *word)
{
	const char *v = member(line, key);
	size_t n = strlen(word);

	return v && v[0] == '"' && strncmp(v + 1, word, n) == 0 && v[1 + n] == '"';
}

/* Member key as seconds: >= 0, or -1 when null, missing or no number. */
static double secs(const char *line, const char *key)
{
	const char *v = member(line, key);
	char *end;

	if (!v || !(isdigit((unsigned char)*v)))
		return -1;
	double d = strtod(v, &end);
	return end == v || !isfinite(d) ? -1 : d;
}

int path_json_line(const char *line, struct path_timeout *p)
{
	bool audit = is_str(line, "event", "idle-timeout");

	if (!audit && !is_str(line, "event", "hop-timeout"))
		return 0;
	/* No timeout within --max-idle: the audit says no kind, the trace
	 * no dead_s. */
	if (secs(line, "dead_s") < 0 || (audit && !is_str(line, "kind", "state-expiry") &&
					 !is_str(line, "kind", "endpoint-close")))
		return 0;
	double alive = secs(line, "alive_s");
	if (alive <= 0)
		return -1;
	p->timeout_us = (int64_t)llround(alive * 1e6);
	p->endpoint_close = audit && is_str(line, "kind", "endpoint-close");
	return 1;
}

void path_json_fold(struct path_timeout *acc, const struct path_timeout *p)
{
	if (!acc->timeout_us || p->timeout_us < acc->timeout_us)
		acc->timeout_us = p->timeout_us;
	acc->endpoint_close = acc->endpoint_close || p->endpoint_close;
}
