/* segring.h - the last segments a connection received, as `kaprobe serve`
 * reports them (ctlproto.h's SEG lines): a ring of SEGRING_N records, so
 * that a connection held for days costs the same memory as a fresh one. */
#ifndef KAPROBE_SEGRING_H
#define KAPROBE_SEGRING_H

#include "decode/segment.h"
#include "tcp/ctlproto.h"

/* Records kept per connection: the handshake, a few requests and several
 * rounds of probes fit; older ones are overwritten. */
#define SEGRING_N 64

struct segring {
	struct ctl_seg seg[SEGRING_N];
	unsigned n;               /* recorded in all */
};

/* A decoded segment (s->ip valid: DSCP and ECN come from its header) as a
 * record, t its time since the connection began. */
void ctl_seg_from(struct ctl_seg *r, const struct segment *s, ka_time t);

void segring_add(struct segring *r, const struct ctl_seg *s);
/* The records kept, and the i-th of them, oldest first. */
unsigned segring_count(const struct segring *r);
const struct ctl_seg *segring_get(const struct segring *r, unsigned i);

#endif
