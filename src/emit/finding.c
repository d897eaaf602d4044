/* finding.c - an event's finding as a fingerprint finding, and the
 * advice as software settings' values (see finding.h). */
#include "emit/finding.h"

/* What a probe on an expired flow got, as a row's behaviour; 0 when it is
 * not known. */
static unsigned expiry_of(const struct probe_reply *r)
{
	if (!r)
		return 0;
	switch (r->kind) {
	case REPLY_NONE: return FP_SILENT;
	case REPLY_RST: return FP_RST;
	case REPLY_FIN: return FP_FIN;
	case REPLY_ICMP: return FP_ICMP;
	default: return 0;
	}
}

size_t consistent_idle(const struct ev_idle *r, const struct fingerprint **out)
{
	struct fp_finding f = { r->alive_s, r->dead_s, expiry_of(r->expired), FP_HOP };

	if (r->inconsistent || r->dead_s < 0)
		return 0;
	if (r->close_s >= 0) {
		/* An endpoint's close is timed from the last data: its
		 * timeout is the close itself. */
		f.who = FP_ENDPOINT;
		f.alive_s = f.dead_s = r->close_s;
	}
	return fp_match(&f, out, FP_MAX_MATCH);
}

size_t consistent_hop(const struct tr_timeout *r, const struct fingerprint **out)
{
	struct fp_finding f = { r->alive / 1e6, r->dead / 1e6, expiry_of(&r->expired), FP_HOP };

	if (r->masked || !r->dead)
		return 0;
	return fp_match(&f, out, FP_MAX_MATCH);
}

size_t consistent_box(ka_time timeout, const struct fingerprint **out)
{
	struct fp_finding f = { timeout / 1e6, timeout / 1e6, 0, FP_HOP };

	return fp_match(&f, out, FP_MAX_MATCH);
}

void advice_values(const struct ev_advice *a, struct sw_values *v)
{
	if (a->heartbeat_s > 0) {
		sw_for_close(a->close_s, v);
		return;
	}
	*v = (struct sw_values){ a->time_s, a->intvl_s, a->probes, (double)a->time_s, false };
}
