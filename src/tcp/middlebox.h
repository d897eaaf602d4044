/* middlebox.h - the idle timeouts of NATs, load balancers and firewalls,
 * for replay's what-if (--middlebox): by name, with each product's
 * documented default (a hop's row of fingerprint.h's table; the sources
 * are in docs/fingerprints.md), or as a bare duration.
 */
#ifndef KAPROBE_MIDDLEBOX_H
#define KAPROBE_MIDDLEBOX_H

#include <stddef.h>

#include "util/ktime.h"

/* RFC 5382 REQ-5: a NAT keeps an established flow idle at least 2h4m. */
#define RFC5382_IDLE_S 7440
#define RFC5382_IDLE_US ((ka_time)RFC5382_IDLE_S * 1000000)

struct middlebox {
	char name[24];     /* a built-in name, or the duration as given */
	ka_time timeout;   /* drops a flow idle longer than this */
};

/* NAME or DURATION (1s to 30 days) into *box.  Returns 0, or -1 with a
 * one-line message in err naming the built-in names. */
int middlebox_parse(const char *s, struct middlebox *box, char *err, size_t errlen);

/* The built-in boxes (n of them): a report's reference lines. */
const struct middlebox *middlebox_builtins(size_t *n);

#endif
