/* consistent.h - the documented idle timeouts (tcp/fingerprint.h) an
 * event's finding is consistent with: the audit's idle timeout, a trace
 * hop's, a replay --middlebox box's.  Every output module asks here, so
 * that text, JSON and the report name the same rows. */
#ifndef KAPROBE_CONSISTENT_H
#define KAPROBE_CONSISTENT_H

#include <stddef.h>

#include "emit/event.h"
#include "tcp/fingerprint.h"

/* The rows, into out (FP_MAX_MATCH of them); returns how many.  None for
 * an inconsistent finding or one without a death. */
size_t consistent_idle(const struct ev_idle *r, const struct fingerprint **out);
size_t consistent_hop(const struct tr_timeout *r, const struct fingerprint **out);
/* The boxes whose default is this timeout, give or take the tolerance. */
size_t consistent_box(ka_time timeout, const struct fingerprint **out);

#endif
