/* flow.c - per-flow TCP sequence state, as Wireshark's analysis keeps it. */
#include "tcp/flow.h"

#include "tcp/seq.h"

#define NOT_PROBE_FLAGS (TCPF_SYN | TCPF_FIN | TCPF_RST)

bool flow_is_probe(const struct flow *f, int dir, const struct segment *s)
{
	/* No "next seq known" test: Wireshark has none either, so with an
	 * unknown (0) next seq a first segment at 0xffffffff qualifies. */
	return s->kind == SEG_TCP && s->len <= 1 && !(s->flags & NOT_PROBE_FLAGS) &&
	       s->seq == f->d[dir].nxt - 1;
}

bool flow_is_probe_ack(const struct flow *f, int dir, const struct segment *s)
{
	const struct flow_dir *d = &f->d[dir];

	return s->kind == SEG_TCP && s->len == 0 && !(s->flags & NOT_PROBE_FLAGS) &&
	       s->win != 0 && s->win == d->win && s->seq == d->nxt && s->ack == d->ack &&
	       (f->d[!dir].flags & FD_KEEPALIVE);
}

bool flow_acks_all(const struct flow *f, int dir, const struct segment *s)
{
	const struct flow_dir *other = &f->d[!dir];

	return s->kind == SEG_TCP && (s->flags & TCPF_ACK) && (other->flags & FD_SEEN) &&
	       s->ack == other->snd;
}

bool flow_is_new_data(const struct flow *f, int dir, const struct segment *s)
{
	const struct flow_dir *d = &f->d[dir];

	if ((s->flags & TCPF_FIN) && !(d->flags & FD_FIN))
		return true;
	return s->len > 0 && seq_gt(s->seq + s->len, d->snd);
}

bool flow_is_new_payload(const struct flow *f, int dir, const struct segment *s)
{
	const struct flow_dir *d = &f->d[dir];

	return s->len > 0 && (!(d->flags & FD_SEEN) || seq_gt(s->seq + s->len, d->snd));
}

/* Wireshark's zero-window probe: one byte at next seq while the other
 * side's window is 0.  It does not advance next seq. */
static bool is_zero_window_probe(const struct flow *f, int dir, const struct segment *s)
{
	return s->len == 1 && s->seq == f->d[dir].nxt && f->d[!dir].win == 0 &&
	       (f->d[!dir].flags & FD_SEEN);
}

/* Wireshark's list of the other end's unacked segments loses the entries
 * this ack field covers (it uses the field whatever the ACK flag says).
 * Only the list's length is kept: see FLOW_MAX_UNACKED. */
static void trim_unacked(struct flow *f, int dir, const struct segment *s)
{
	const struct flow_dir *other = &f->d[!dir];
	uint32_t high = other->nxt, low = f->d[dir].ack;
	uint16_t *n = &f->unacked[!dir];

	if (*n == 0)
		return;
	if (!seq_gt(high, s->ack)) {
		*n = 0;
	} else if ((f->d[dir].flags & FD_SEEN) && seq_gt(s->ack, low) && seq_lt(low, high)) {
		uint64_t gone = (uint64_t)*n * (s->ack - low) / (high - low);

		*n = (uint16_t)(*n - gone);
	}
}

void flow_update(struct flow *f, int dir, const struct segment *s)
{
	struct flow_dir *d = &f->d[dir];
	bool keepalive = flow_is_probe(f, dir, s);
	bool synfin = s->flags & (TCPF_SYN | TCPF_FIN);
	uint32_t end;

	if (s->kind != SEG_TCP)
		return;
	if (s->flags & TCPF_SYN) {
		d->flags |= FD_SYN;
		d->flags = (uint8_t)((d->flags & ~FD_TS) | (s->opt.has_ts ? FD_TS : 0));
	}
	if (s->flags & TCPF_FIN)
		d->flags |= FD_FIN;
	if (s->flags & TCPF_RST)
		d->flags |= FD_RST;

	/* SYN and FIN each take one sequence number; Wireshark counts it only
	 * while its unacked list has room (FLOW_MAX_UNACKED).  Like Wireshark,
	 * every segment may move next seq forward, RSTs included, and a 0
	 * (unknown) next seq takes whatever comes. */
	end = s->seq + s->len;
	if ((s->len || synfin) && f->unacked[dir] < FLOW_MAX_UNACKED) {
		f->unacked[dir]++;
		end += synfin;
	}
	if ((seq_gt(end, d->nxt) || d->nxt == 0) && !is_zero_window_probe(f, dir, s))
		d->nxt = end;
	end = s->seq + s->len + synfin;
	if (!(s->flags & TCPF_RST) && (!(d->flags & FD_SEEN) || seq_gt(end, d->snd)))
		d->snd = end;
	trim_unacked(f, dir, s);
	d->ack = s->ack;
	d->win = s->win;
	d->flags = (uint8_t)((d->flags & ~FD_KEEPALIVE) | (keepalive ? FD_KEEPALIVE : 0));
	d->flags |= FD_SEEN;
}

bool flow_ts_negotiated(const struct flow *f)
{
	return (f->d[0].flags & FD_TS) && (f->d[1].flags & FD_TS);
}
