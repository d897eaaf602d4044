/* parse.c - command-line numbers with one precise message per mistake.
 *
 * Durations are parsed by hand in integers rather than with strtod: "0.1"
 * must be exactly 100000 us, and strtod would also accept signs, spaces,
 * hex, "inf" and "nan", all of which we want to reject by name. */
#include "parse.h"

#include "errmsg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Units and their size in microseconds.  A bare number means seconds, as in
 * ping -i and sleep(1). */
static const struct unit {
	const char *name;
	int64_t us;
} units[] = {
	{ "us", 1 },
	{ "ms", 1000 },
	{ "s", 1000000 },
	{ "", 1000000 },
	{ "m", 60 * 1000000LL },
	{ "h", 3600 * 1000000LL },
};

/* Fraction digits beyond this (after dropping trailing zeros) can never be
 * a whole number of microseconds: the finest exact case is "0.0000000025h"
 * (9 us, 10 digits).  The cap also keeps the arithmetic below in range. */
#define FRAC_DIGITS_MAX 15

int parse_duration(const char *s, int64_t min_us, int64_t max_us,
		   int64_t *out_us, char *err, size_t errlen)
{
	const char *p = s;
	int64_t whole = 0, frac = 0, frac_scale = 1;
	int frac_digits = 0;
	bool overflow = false;
	char lim[32];

	/* Anything not starting with a digit: "", " 5", "-1", "+1", ".5",
	 * "ms", "." all get the same hint. */
	if (!is_digit(*p))
		return errmsg(err, errlen, "invalid duration '%s': expected a number "
			    "with an optional unit, as in 30s, 1.5s or 500ms", s);
	for (; is_digit(*p); p++) {
		/* Keep scanning after an overflow, so that "99999999999x"
		 * is reported as a bad unit, not as too large. */
		if (whole > (INT64_MAX - (*p - '0')) / 10)
			overflow = true;
		else
			whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return errmsg(err, errlen, "invalid duration '%s': expected "
				    "digits after the decimal point", s);
		const char *f = p;
		while (is_digit(*p))
			p++;
		const char *end = p;
		while (end > f && end[-1] == '0') /* "1.50" is "1.5" */
			end--;
		frac_digits = (int)(end - f);
		if (frac_digits > FRAC_DIGITS_MAX)
			return errmsg(err, errlen, "invalid duration '%s': finer than "
				    "the 1us resolution", s);
		for (; f < end; f++) {
			frac = frac * 10 + (*f - '0');
			frac_scale *= 10;
		}
		if (*p == '.')
			return errmsg(err, errlen, "invalid duration '%s': more than "
				    "one decimal point", s);
	}

	const struct unit *u = NULL;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(p, units[i].name) == 0)
			u = &units[i];
	if (!u)
		return errmsg(err, errlen, "invalid duration '%s': unknown unit '%s' "
			    "(use ms, s, m or h)", s, p);

	/* frac / frac_scale of a unit, in us, exactly or not at all.  Every
	 * unit size is 1, 6 or 36 times a power of ten, so split off that
	 * factor: frac * unit.us stays in range (frac < 1e15, times 36). */
	int64_t ten = 1, small = u->us;
	while (small % 10 == 0) {
		small /= 10;
		ten *= 10;
	}
	int64_t frac_us;
	if (frac_scale <= ten) {
		frac_us = frac * small * (ten / frac_scale);
	} else {
		int64_t n = frac * small, d = frac_scale / ten;
		if (n % d != 0)
			return errmsg(err, errlen, "invalid duration '%s': finer than "
				    "the 1us resolution", s);
		frac_us = n / d;
	}

	format_duration(max_us, lim, sizeof lim);
	if (overflow || whole > (INT64_MAX - frac_us) / u->us)
		return errmsg(err, errlen, "duration '%s' is too large: maximum %s",
			    s, lim);
	int64_t us = whole * u->us + frac_us;
	if (us > max_us)
		return errmsg(err, errlen, "duration '%s' is too long: maximum %s",
			    s, lim);
	if (us < min_us) {
		format_duration(min_us, lim, sizeof lim);
		return errmsg(err, errlen, "duration '%s' is too short: minimum %s",
			    s, lim);
	}
	*out_us = us;
	return 0;
}

int parse_count(const char *s, long min, long max, long *out,
		char *err, size_t errlen)
{
	/* strtol alone would take " 5", "+5", "-5" and "0x5"; check the
	 * characters first and let strtol do only the arithmetic. */
	const char *p = s;
	while (is_digit(*p))
		p++;
	if (p == s || *p != '\0')
		return errmsg(err, errlen, "invalid count '%s': not a whole number", s);
	errno = 0;
	long v = strtol(s, NULL, 10);
	if (errno == ERANGE || v < min || v > max)
		return errmsg(err, errlen, "count '%s' is out of range: %ld to %ld",
			    s, min, max);
	*out = v;
	return 0;
}

/* Append "N" or "N.ddd" and a unit to buf at offset at: n whole units plus
 * rest thousandths (digits 3) or millionths (digits 6) of one, trailing
 * zeros trimmed so the text is exact ("1.000001s").  Returns the new
 * offset, clamped to the buffer. */
static size_t put(char *buf, size_t len, size_t at, uint64_t n,
		  uint64_t rest, int digits, const char *unit)
{
	char frac[8] = ""; /* "." and at most 6 digits */

	if (rest) {
		frac[0] = '.';
		for (int i = digits; i >= 1; i--, rest /= 10)
			frac[i] = (char)('0' + rest % 10);
		for (int i = digits; frac[i] == '0'; i--)
			frac[i] = '\0';
	}
	if (at + 1 >= len)
		return at;
	int w = snprintf(buf + at, len - at, "%llu%s%s",
			 (unsigned long long)n, frac, unit);
	return w < 0 || (size_t)w >= len - at ? len - 1 : at + (size_t)w;
}

/* Under 1 ms: "250us"; under 1 s: "500ms", "1.5ms"; beyond: hours, minutes
 * and seconds with zero parts left out ("1.5s", "2m", "2h4m", "1m15s",
 * "1h0.5s").  Nothing is rounded. */
void format_duration(int64_t us, char *buf, size_t len)
{
	size_t at = 0;
	uint64_t u = (uint64_t)us;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (us < 0) {
		snprintf(buf, len, "-");
		at = strlen(buf);
		u = (uint64_t)0 - (uint64_t)us; /* right for INT64_MIN too */
	}
	if (u == 0) {
		put(buf, len, at, 0, 0, 0, "s");
	} else if (u < 1000) {
		put(buf, len, at, u, 0, 0, "us");
	} else if (u < 1000000) {
		put(buf, len, at, u / 1000, u % 1000, 3, "ms");
	} else {
		uint64_t h = u / 3600000000u, m = u / 60000000u % 60;
		uint64_t s = u / 1000000u % 60, frac = u % 1000000u;
		if (h)
			at = put(buf, len, at, h, 0, 0, "h");
		if (m)
			at = put(buf, len, at, m, 0, 0, "m");
		if (s || frac)
			put(buf, len, at, s, frac, 6, "s");
	}
}
