/* flow.c - per-flow TCP sequence state from observed segments. */
#include "flow.h"

#include "seq.h"

bool flow_is_probe(const struct flow *f, int dir, const struct segment *s)
{
	const struct flow_dir *d = &f->d[dir];

	/* Wireshark's rule (packet-tcp.c, "TCP Keep-Alive"): 0 or 1 byte at
	 * next seq - 1, no SYN/FIN/RST; the ACK flag is not checked. */
	if (s->kind != SEG_TCP || !d->seen)
		return false;
	if (s->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST))
		return false;
	return s->len <= 1 && s->seq == d->nxt - 1;
}

bool flow_acks_all(const struct flow *f, int dir, const struct segment *s)
{
	const struct flow_dir *other = &f->d[!dir];

	return s->kind == SEG_TCP && (s->flags & TCPF_ACK) && other->seen &&
	       s->ack == other->nxt;
}

static void learn_syn_options(struct flow_dir *d, const struct segment *s)
{
	d->syn_seen = true;
	d->isn = s->seq;
	d->has_ts = s->opt.has_ts;
	d->has_wscale = s->opt.has_wscale;
	d->wscale = s->opt.has_wscale ? s->opt.wscale : 0;
}

void flow_update(struct flow *f, int dir, const struct segment *s)
{
	struct flow_dir *d = &f->d[dir];
	uint32_t end;

	if (s->kind != SEG_TCP)
		return;
	d->ttl = s->ttl;
	/* An RST's seq need not be in any window (that is the point of
	 * RFC 5961): it must not move the tracked state. */
	if (s->flags & TCPF_RST) {
		d->seen = true;
		return;
	}
	if (s->flags & TCPF_SYN)
		learn_syn_options(d, s);

	/* SYN and FIN each take one sequence number. */
	end = s->seq + s->len + !!(s->flags & TCPF_SYN) + !!(s->flags & TCPF_FIN);
	if (!d->seen || seq_gt(end, d->nxt))
		d->nxt = end;
	if (s->flags & TCPF_FIN)
		d->fin_seen = true;
	if (s->flags & TCPF_ACK) {
		if (!d->ack_seen || seq_gt(s->ack, d->ack))
			d->ack = s->ack;
		d->ack_seen = true;
	}
	d->win = s->win;
	if (s->opt.has_ts) {
		/* TSval is a clock modulo 2^32 too (RFC 7323 5.2). */
		if (!d->seen || seq_geq(s->opt.tsval, d->tsval))
			d->tsval = s->opt.tsval;
		d->tsecr = s->opt.tsecr;
	}
	d->seen = true;
}

bool flow_ts_negotiated(const struct flow *f)
{
	return f->d[0].syn_seen && f->d[1].syn_seen && f->d[0].has_ts && f->d[1].has_ts;
}
