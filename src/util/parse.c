/* parse.c - command-line numbers with one precise message per mistake.
 *
 * Durations are parsed by hand in integers rather than with strtod: "0.1"
 * must be exactly 100000 us, and strtod would also accept signs, spaces,
 * hex, "inf" and "nan", all of which we want to reject by name. */
#include "util/parse.h"

#include "util/errmsg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Units and their size in microseconds, largest first: a compound duration
 * ("2h4m", "1m30.5s", as format_duration prints them) names its units in
 * this order, each at most once. */
static const struct unit {
	const char *name;
	int64_t us;
} units[] = {
	{ "h", 3600 * 1000000LL },
	{ "m", 60 * 1000000LL },
	{ "s", 1000000 },
	{ "ms", 1000 },
	{ "us", 1 },
};
#define NUNITS (sizeof units / sizeof units[0])
#define SEC_UNIT 2 /* a bare number means seconds, as in ping -i and sleep(1) */

/* Fraction digits beyond this (after dropping trailing zeros) can never be
 * a whole number of microseconds: the finest exact case is "0.0000000025h"
 * (9 us, 10 digits).  The cap also keeps the arithmetic below in range. */
#define FRAC_DIGITS_MAX 15

/* One number of a duration: whole part (overflow noted, not fatal, so that
 * a bad unit after it is reported first) and fraction frac / frac_scale. */
struct number {
	int64_t whole, frac, frac_scale;
	bool overflow;
};

static const char hint[] = "expected a number with an optional unit, as in 30s, "
			   "1.5s, 500ms or 2h4m";

/* Read digits[.digits] at *pp into n; advance *pp past them. */
static int read_number(const char **pp, const char *s, struct number *n,
		       char *err, size_t errlen)
{
	const char *p = *pp;

	*n = (struct number){ .frac_scale = 1 };
	for (; is_digit(*p); p++) {
		if (n->whole > (INT64_MAX - (*p - '0')) / 10)
			n->overflow = true;
		else
			n->whole = n->whole * 10 + (*p - '0');
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
		if (end - f > FRAC_DIGITS_MAX)
			return errmsg(err, errlen, "invalid duration '%s': finer than "
				    "the 1us resolution", s);
		for (; f < end; f++) {
			n->frac = n->frac * 10 + (*f - '0');
			n->frac_scale *= 10;
		}
		if (*p == '.')
			return errmsg(err, errlen, "invalid duration '%s': more than "
				    "one decimal point", s);
	}
	*pp = p;
	return 0;
}

/* The unit whose name is exactly the n characters at p, or NULL. */
static const struct unit *find_unit(const char *p, size_t n)
{
	for (size_t i = 0; i < NUNITS; i++)
		if (strlen(units[i].name) == n && strncmp(p, units[i].name, n) == 0)
			return &units[i];
	return NULL;
}

/* frac / frac_scale of unit u, in us, exactly or not at all.  Every unit
 * size is 1, 6 or 36 times a power of ten, so split off that factor:
 * frac * small stays in range (frac < 1e15, times 36). */
static int frac_us(const struct number *n, const struct unit *u, int64_t *out)
{
	int64_t ten = 1, small = u->us;

	while (small % 10 == 0) {
		small /= 10;
		ten *= 10;
	}
	if (n->frac_scale <= ten) {
		*out = n->frac * small * (ten / n->frac_scale);
		return 0;
	}
	int64_t num = n->frac * small, d = n->frac_scale / ten;
	if (num % d != 0)
		return -1;
	*out = num / d;
	return 0;
}

/* Read one term, NUMBER[UNIT], at *pp and add it to *total (overflow
 * noted in *overflow).  *next is the first unit index still allowed. */
static int read_term(const char **pp, const char *s, size_t *next, int64_t *total,
		     bool *overflow, char *err, size_t errlen)
{
	const char *p = *pp;
	struct number n;
	size_t len = 0;
	int64_t f;

	if (!is_digit(*p))
		return errmsg(err, errlen, "invalid duration '%s': %s", s, hint);
	if (read_number(&p, s, &n, err, errlen) < 0)
		return -1;
	while ((p[len] >= 'a' && p[len] <= 'z') || (p[len] >= 'A' && p[len] <= 'Z'))
		len++;
	const struct unit *u = find_unit(p, len);
	if (len == 0 && *p == '\0' && *pp == s) {
		u = &units[SEC_UNIT];
	} else if (len == 0 && *p == '\0') {
		return errmsg(err, errlen, "invalid duration '%s': the last number "
			    "needs a unit, as in 1m30s", s);
	} else if (!u || (p[len] != '\0' && !is_digit(p[len]))) {
		return errmsg(err, errlen, "invalid duration '%s': unknown unit '%s' "
			    "(use h, m, s, ms or us, as in 2h4m or 1.5s)", s, p);
	}
	if ((size_t)(u - units) < *next)
		return errmsg(err, errlen, "invalid duration '%s': units must go from "
			    "the largest down, each once, as in 1h2m3s", s);
	*next = (size_t)(u - units) + 1;
	if (frac_us(&n, u, &f) < 0)
		return errmsg(err, errlen, "invalid duration '%s': finer than "
			    "the 1us resolution", s);
	if (n.overflow || n.whole > (INT64_MAX - f) / u->us ||
	    n.whole * u->us + f > INT64_MAX - *total)
		*overflow = true;
	else
		*total += n.whole * u->us + f;
	*pp = p + len;
	return 0;
}

int parse_duration(const char *s, int64_t min_us, int64_t max_us,
		   int64_t *out_us, char *err, size_t errlen)
{
	const char *p = s;
	int64_t us = 0;
	size_t next = 0;
	bool overflow = false;
	char lim[32];

	/* Anything not starting with a digit: "", " 5", "-1", "+1", ".5",
	 * "ms", "." all get the same hint. */
	do {
		if (read_term(&p, s, &next, &us, &overflow, err, errlen) < 0)
			return -1;
	} while (*p);

	format_duration(max_us, lim, sizeof lim);
	if (overflow)
		return errmsg(err, errlen, "duration '%s' is too large: maximum %s",
			    s, lim);
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

int parse_number(const char *s, double lo, double hi, bool pct, double *out,
		 char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (pct && end != s && *end == '%') {
		v /= 100;
		end++;
	}
	if (end == s || *end || errno || !(v >= lo && v <= hi)) {
		snprintf(err, errlen, "'%s' is not a number from %g to %g%s", s, lo, hi,
			 pct ? " (or a percentage)" : "");
		return -1;
	}
	*out = v;
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

static int hex_value(char c)
{
	return is_digit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The escape at *pp (just after the backslash) into *b, *pp moved past
 * it: 0, or -1 with the message. */
static int read_escape(const char **pp, const char *s, uint8_t *b, char *err, size_t errlen)
{
	static const char simple[] = "r\rn\nt\t\\\\\"\"";   /* pairs: letter, byte */
	const char *p = *pp;
	unsigned v = 0, n = 0;

	if (*p == 'x') {
		while (n < 2 && hex_value(p[1 + n]) >= 0)
			v = v * 16 + (unsigned)hex_value(p[1 + n++]);
		if (n == 0)
			return errmsg(err, errlen, "'%s': \\x needs one or two hex digits "
				      "(at byte %zu)", s, (size_t)(p - s));
		*pp = p + 1 + n;
	} else if (*p == '0') {
		while (n < 3 && p[1 + n] >= '0' && p[1 + n] <= '7')
			v = v * 8 + (unsigned)(p[1 + n++] - '0');
		if (v > 255)
			return errmsg(err, errlen, "'%s': octal escape \\0%.3s is over 255 "
				      "(at byte %zu)", s, p + 1, (size_t)(p - s));
		*pp = p + 1 + n;
	} else {
		for (n = 0; simple[n] && simple[n] != *p; n += 2)
			;
		if (!*p)
			return errmsg(err, errlen, "'%s' ends in a backslash: write \\\\ for one",
				      s);
		if (!simple[n])
			return errmsg(err, errlen, "'%s': unknown escape '\\%.1s' (at byte "
				      "%zu): use \\r \\n \\t \\\\ \\\" \\xHH or \\0NNN", s,
				      p, (size_t)(p - s));
		v = (unsigned char)simple[n + 1];
		*pp = p + 1;
	}
	*b = (uint8_t)v;
	return 0;
}

int parse_escaped(const char *s, uint8_t *out, size_t max, size_t *len,
		  char *err, size_t errlen)
{
	const char *p = s;
	size_t n = 0;

	if (!*s)
		return errmsg(err, errlen, "empty: give at least one byte");
	while (*p) {
		uint8_t b = (uint8_t)*p++;

		if (b == '\\' && read_escape(&p, s, &b, err, errlen) < 0)
			return -1;
		if (n == max)
			return errmsg(err, errlen, "longer than %zu bytes", max);
		out[n++] = b;
	}
	*len = n;
	return 0;
}

int parse_hex(const char *s, uint8_t *out, size_t max, size_t *len,
	      char *err, size_t errlen)
{
	const char *p = s;
	size_t n = 0;

	for (;;) {
		while (*p == ' ' || *p == ':')
			p++;
		if (!*p)
			break;
		if (hex_value(p[0]) < 0 || hex_value(p[1]) < 0)
			return errmsg(err, errlen, "'%s': not pairs of hex digits (at byte %zu)",
				      s, (size_t)(p - s) + 1 + (hex_value(p[0]) >= 0));
		if (n == max)
			return errmsg(err, errlen, "longer than %zu bytes", max);
		out[n++] = (uint8_t)(hex_value(p[0]) * 16 + hex_value(p[1]));
		p += 2;
	}
	if (n == 0)
		return errmsg(err, errlen, "empty: give at least one byte");
	*len = n;
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
