/* middlebox.c - middlebox idle timeouts by name or duration (see
 * middlebox.h); the names and timeouts are fingerprint.c's. */
#include "tcp/middlebox.h"

#include <stdio.h>
#include <string.h>

#include "tcp/fingerprint.h"
#include "util/parse.h"

#define S 1000000LL

/* The boxes a report draws as reference lines: one of each timeout people
 * meet most, so that the lines stay readable. */
static const char *const reference[] = {
	"aws-nlb", "aws-nat", "azure-lb", "gcp-nat", "ipvs", "conntrack", "rfc5382",
};
#define NREF (sizeof reference / sizeof reference[0])

static void from_row(const struct fingerprint *f, struct middlebox *box)
{
	snprintf(box->name, sizeof box->name, "%s", f->name);
	box->timeout = (ka_time)(f->timeout_s * S);
}

const struct middlebox *middlebox_builtins(size_t *n)
{
	static struct middlebox ref[NREF];

	if (!ref[0].timeout)
		for (size_t i = 0; i < NREF; i++)
			from_row(fp_find(reference[i]), &ref[i]);
	*n = NREF;
	return ref;
}

/* "a, b, c" of the boxes' names (not the proxies'), for the error message. */
static void names(char *buf, size_t len)
{
	size_t n, at = 0;
	const struct fingerprint *t = fp_table(&n);

	buf[0] = '\0';
	for (size_t i = 0; i < n && at < len; i++)
		if (t[i].who == FP_HOP)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
					       t[i].name);
}

int middlebox_parse(const char *s, struct middlebox *box, char *err, size_t errlen)
{
	const struct fingerprint *f = fp_find(s);
	char why[200], all[400];

	if (f && f->who == FP_HOP) {
		from_row(f, box);
		return 0;
	}
	if (strlen(s) < sizeof box->name &&
	    parse_duration(s, S, 30 * 86400 * S, &box->timeout, why, sizeof why) == 0) {
		snprintf(box->name, sizeof box->name, "%s", s);
		return 0;
	}
	names(all, sizeof all);
	snprintf(err, errlen, "'%s' is neither a duration (1s to 30 days) nor one of %s", s, all);
	return -1;
}
