/* segring.c - the last segments a connection received (segring.h). */
#include "tcp/segring.h"

#include <string.h>

/* The traffic class octet: IPv4's second byte; IPv6's spans its first
 * two (after the version nibble). */
static uint8_t tos_of(const struct segment *s)
{
	if (!s->ip)
		return 0;
	if (s->family == AF_INET6)
		return (uint8_t)(((s->ip[0] & 0x0f) << 4) | (s->ip[1] >> 4));
	return s->ip[1];
}

void ctl_seg_from(struct ctl_seg *r, const struct segment *s, ka_time t)
{
	uint8_t tos = tos_of(s);

	*r = (struct ctl_seg){
		.t = t < 0 ? 0 : t, .seq = s->seq, .ack = s->ack, .len = s->len, .win = s->win,
		.ipid = s->ip_id, .flags = s->flags, .ttl = s->ttl, .dscp = tos >> 2,
		.ecn = tos & 3, .optlen = s->opt.len, .ws = s->opt.wscale, .mss = s->opt.mss,
		.tsval = s->opt.tsval, .tsecr = s->opt.tsecr,
	};
	r->opts = (uint8_t)((s->opt.has_mss ? CTL_OPT_MSS : 0) | (s->opt.has_wscale ? CTL_OPT_WS : 0) |
			    (s->opt.sack_perm ? CTL_OPT_SACKOK : 0) | (s->opt.has_ts ? CTL_OPT_TS : 0) |
			    (s->opt.has_sack ? CTL_OPT_SACK : 0));
}

void segring_add(struct segring *r, const struct ctl_seg *s)
{
	r->seg[r->n++ % SEGRING_N] = *s;
}

unsigned segring_count(const struct segring *r)
{
	return r->n < SEGRING_N ? r->n : SEGRING_N;
}

const struct ctl_seg *segring_get(const struct segring *r, unsigned i)
{
	unsigned first = r->n < SEGRING_N ? 0 : r->n % SEGRING_N;

	return &r->seg[(first + i) % SEGRING_N];
}
