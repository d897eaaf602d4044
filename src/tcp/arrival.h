/* arrival.h - the far end's view of our probes: which of them kaprobe
 * serve received, and what changed on the way.
 *
 * Pure: the probes as sent (probe_spec), the flow's ends as we and as serve
 * saw them (its greeting), and serve's SEG records of the flow (RECEIVED)
 * in; per probe, arrived or not and the fields that differ, out.
 *
 * A probe is found among serve's records as a keep-alive there: no SYN,
 * FIN or RST, at most one byte, seq one below the next sequence number the
 * records show from the client (in serve's own sequence space, so a NAT
 * that shifts sequence numbers does not hide it).  Each is paired with the
 * probe of the same IPv4 ID or TSval; failing both (a box rewrote them), by
 * order when serve saw exactly as many as were sent (or, for a probe at
 * SND.NXT, which the kernel's own ACKs share, the newest as many).
 *
 * What counts as a change: the ports and addresses of the flow (serve's
 * greeting against our socket's), seq and ack (raw numbers), TTL beyond
 * the decrement the client's other segments took on the same path (the
 * normal decrement is no change), IPv4 ID, DSCP and ECN (sent 0), the
 * options (TSopt present or not, option bytes), TSval, payload length and
 * window.
 */
#ifndef KAPROBE_ARRIVAL_H
#define KAPROBE_ARRIVAL_H

#include <stdbool.h>

#include "tcp/ctlproto.h"
#include "tcp/probespec.h"

#define ARR_MAX_CHANGED 16

/* The flow: our socket's ends, serve's greeting, the kernel's TTL.  With
 * by_seq, the probes are not all keep-alives (the audit's pure-ack at
 * SND.NXT, far-seq outside the window): each is looked for at its own seq
 * moved into serve's sequence space, snd_nxt being ours when it was sent. */
struct arr_flow {
	struct ctl_addr local, remote;
	struct ctl_greeting g;
	uint8_t kernel_ttl;
	bool by_seq;
	uint32_t snd_nxt;
};

struct arr_result {
	bool arrived;
	const char *changed[ARR_MAX_CHANGED];   /* static words */
	unsigned nchanged;
	ka_time t;                 /* the record's time (serve's clock), when arrived */
};

/* Match np probes of one round (in the order sent) against serve's nr
 * records (oldest first); only records later than `after` (serve's time of
 * an earlier round's last probe, or -1) can be this round's. */
void arrival_match(const struct arr_flow *f, const struct probe_spec *p, unsigned np,
		   const struct ctl_seg *r, unsigned nr, ka_time after, struct arr_result *out);

#endif
