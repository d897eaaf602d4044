/* parse.h - command-line values parsed with precise errors.
 *
 * Every number a user types goes through here, so that "2x", "-1", "" and
 * "99999999999999999999" each get one clear message naming the value and
 * what was expected (the habit of OpenBSD's ping).  Functions return 0 on
 * success, or -1 with a one-line message (no trailing newline) in err.
 */
#ifndef KAPROBE_PARSE_H
#define KAPROBE_PARSE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* A duration: "500ms", "30s", "2m", "2h", a bare number of seconds, or
 * several of them from the largest unit down ("2h4m", "1m15s", "1h0.5s"),
 * which is everything format_duration prints.  Decimals are allowed ("1.5",
 * "0.25s") when exact to 1us.  The result, in microseconds, must lie in
 * [min_us, max_us]. */
int parse_duration(const char *s, int64_t min_us, int64_t max_us,
		   int64_t *out_us, char *err, size_t errlen);

/* A decimal number in [lo, hi] ("0.01", "1e-6"); with pct, a trailing %
 * divides it by 100 ("1%"). */
int parse_number(const char *s, double lo, double hi, bool pct, double *out,
		 char *err, size_t errlen);

/* A whole number in [min, max], decimal only. */
int parse_count(const char *s, long min, long max, long *out,
		char *err, size_t errlen);

/* Bytes typed on the command line (--heartbeat), at most max, into out
 * with their number in *len: C escapes (\r \n \t \\ \" \xHH, \0NNN in
 * octal) and every other character as itself.  Empty is refused: zero bytes
 * are no data. */
int parse_escaped(const char *s, uint8_t *out, size_t max, size_t *len,
		  char *err, size_t errlen);

/* The same as pairs of hex digits (--heartbeat-hex), optionally separated
 * by spaces or colons ("50494e470d0a", "50:49:4e:47"). */
int parse_hex(const char *s, uint8_t *out, size_t max, size_t *len,
	      char *err, size_t errlen);

/* Format a duration for people: "500ms", "1s", "1.5s", "2m", "2h4m". */
void format_duration(int64_t us, char *buf, size_t len);

#endif
