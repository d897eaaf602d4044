/* finding.h - what an event's finding means, for every output module
 * alike: the documented idle timeouts (tcp/fingerprint.h) it is consistent
 * with (the audit's idle timeout, a trace hop's, a replay --middlebox
 * box's), and the values the advice's software settings take
 * (tcp/swsettings.h).  Text, JSON and the report ask here, so that they
 * name the same rows and the same numbers. */
#ifndef KAPROBE_FINDING_H
#define KAPROBE_FINDING_H

#include <stddef.h>

#include "emit/event.h"
#include "tcp/fingerprint.h"
#include "tcp/swsettings.h"

/* The rows, into out (FP_MAX_MATCH of them); returns how many.  None for
 * an inconsistent finding or one without a death. */
size_t consistent_idle(const struct ev_idle *r, const struct fingerprint **out);
size_t consistent_hop(const struct tr_timeout *r, const struct fingerprint **out);
/* The boxes whose default is this timeout, give or take the tolerance. */
size_t consistent_box(ka_time timeout, const struct fingerprint **out);

/* The advice's values for software settings: a peer's close asks for
 * heartbeats, a box's expiry for the advice's keep-alive timings (and
 * heartbeats as often as its first probe). */
void advice_values(const struct ev_advice *a, struct sw_values *v);

#endif
