/* fingerprint.h - documented idle-timeout defaults of NATs, load balancers,
 * firewalls and proxies, and which of them a finding is consistent with.
 *
 * A row is a product's default idle timeout and what a packet sent on an
 * expired flow gets from it, as its documentation says; docs/fingerprints.md
 * gives the source of every row.  A finding (an audit's or a trace hop's
 * bracket, or a bare timeout) is "consistent with" every row whose timeout
 * lies in the bracket, give or take FP_TOL_S plus FP_TOL_PCT percent, and
 * whose documented behaviour includes what was seen.  Several rows can
 * match, or none: a match says "it could be this", never "it is this"
 * (defaults are changed, and unknown products share the same numbers).
 */
#ifndef KAPROBE_FINGERPRINT_H
#define KAPROBE_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>

/* The slack on each side of a bracket: a box's timer runs on its own
 * clock, starts at the last packet it saw (up to a one-way delay from
 * ours) and is checked at its own granularity. */
#define FP_TOL_S 1.0
#define FP_TOL_PCT 2.0

/* What a packet on an expired flow gets (a bit each; a row's set is every
 * behaviour its documentation allows, FP_ANY when it says nothing). */
enum fp_expiry {
	FP_SILENT = 1,   /* dropped, nothing comes back */
	FP_RST = 2,      /* an RST */
	FP_FIN = 4,      /* the endpoint (a proxy) closes with a FIN */
	FP_ICMP = 8,     /* an ICMP error */
	FP_ANY = FP_SILENT | FP_RST | FP_FIN | FP_ICMP,
};

/* Who ends an idle flow: a box on the way that forgets it (state expiry),
 * or the endpoint, often a proxy, closing the connection itself. */
enum fp_who { FP_HOP, FP_ENDPOINT };

struct fingerprint {
	const char *name;       /* short, for JSON and --middlebox: "aws-nlb" */
	const char *product;    /* what it is, for people */
	double timeout_s;       /* the documented default */
	unsigned expiry;        /* enum fp_expiry bits */
	enum fp_who who;
};

/* A finding: alive_s the longest idle still answered (0: none), dead_s the
 * shortest that was not (< 0: none, and nothing can match); expiry one
 * fp_expiry bit, or 0 when the kind of answer is not known. */
struct fp_finding {
	double alive_s, dead_s;
	unsigned expiry;
	enum fp_who who;
};

/* The built-in table (n rows). */
const struct fingerprint *fp_table(size_t *n);

/* The rows of tab (n of them) that f is consistent with, in table order,
 * into out (at most max); returns how many matched (which may exceed max). */
size_t fp_match_in(const struct fingerprint *tab, size_t n, const struct fp_finding *f,
		   const struct fingerprint **out, size_t max);

/* The same against the built-in table. */
size_t fp_match(const struct fp_finding *f, const struct fingerprint **out, size_t max);

/* The row named name, or NULL. */
const struct fingerprint *fp_find(const char *name);

/* The most rows any finding can match (the built-in table's size bound). */
#define FP_MAX_MATCH 24

#endif
