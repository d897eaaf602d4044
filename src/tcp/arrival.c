/* arrival.c - which probes the far end received, and how (arrival.h). */
#include "tcp/arrival.h"

#include <string.h>

#include "decode/segment.h"
#include "tcp/seq.h"

#define ARR_MAX_RECORDS 256

static bool is_keepalive(const struct ctl_seg *r, uint32_t nxt)
{
	return !(r->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) && r->len <= 1 &&
	       r->seq == nxt - 1;
}

/* The client's next sequence number as serve's records show it.  With
 * by_seq, from segments that take sequence space only (a far-seq probe is
 * an ACK far ahead), and as it was before a FIN: snd_nxt is ours from
 * before we closed. */
static uint32_t next_seq(const struct arr_flow *f, const struct ctl_seg *r, unsigned nr)
{
	uint32_t nxt = 0;
	bool any = false;

	for (unsigned i = 0; i < nr; i++) {
		bool syn = r[i].flags & TCPF_SYN, fin = r[i].flags & TCPF_FIN;
		uint32_t end = r[i].seq + r[i].len + syn + (fin && !f->by_seq);

		if ((r[i].flags & TCPF_RST) || (f->by_seq && !syn && !fin && r[i].len == 0))
			continue;
		if (!any || seq_gt(end, nxt))
			nxt = end;
		any = true;
	}
	return nxt;
}

/* The TTL the path takes off: from the client's SYN, or failing that its
 * last segment serve kept that is no keep-alive (a request), or -1. */
static int path_decrement(const struct arr_flow *f, const struct ctl_seg *r, unsigned nr,
			  uint32_t nxt)
{
	/* The handshake's SYN first: with by_seq a probe may look like any
	 * other ACK. */
	for (unsigned i = 0; i < nr; i++)
		if (r[i].flags & TCPF_SYN)
			return f->kernel_ttl - r[i].ttl;
	for (unsigned i = nr; i-- > 0;)
		if (!is_keepalive(&r[i], nxt) && !(r[i].flags & TCPF_RST))
			return f->kernel_ttl - r[i].ttl;
	return -1;
}

static void add(struct arr_result *o, const char *word)
{
	if (o->nchanged < ARR_MAX_CHANGED)
		o->changed[o->nchanged++] = word;
}

static bool same_ip(const struct ctl_addr *a, const struct ctl_addr *b)
{
	return a->family == b->family && memcmp(a->addr, b->addr, 16) == 0;
}

static void compare(const struct arr_flow *f, const struct probe_spec *p,
		    const struct ctl_seg *r, int decr, struct arr_result *o)
{
	bool r_ts = r->opts & CTL_OPT_TS;

	o->arrived = true;
	o->t = r->t;
	if (!same_ip(&f->g.you, &f->local))
		add(o, "saddr");
	if (f->g.you.port != f->local.port)
		add(o, "sport");
	if (!same_ip(&f->g.me, &f->remote))
		add(o, "daddr");
	if (f->g.me.port != f->remote.port)
		add(o, "dport");
	if (r->seq != p->seq)
		add(o, "seq");
	if (r->ack != p->ack)
		add(o, "ack");
	if (decr >= 0 && p->ttl - r->ttl != decr)
		add(o, "ttl");
	if (p->family == AF_INET && r->ipid != p->ip_id)
		add(o, "ipid");
	if (r->dscp)
		add(o, "dscp");
	if (r->ecn)
		add(o, "ecn");
	if (r_ts != p->ts || r->optlen != (p->ts ? 12 : 0))
		add(o, "opts");
	else if (p->ts && r->tsval != p->tsval)
		add(o, "tsval");
	if (r->len != p->paylen)
		add(o, "len");
	if (r->win != p->win)
		add(o, "win");
}

/* The record of probe p by its identity: IPv4 ID or TSval, or -1. */
static int by_identity(const struct probe_spec *p, const struct ctl_seg *r, const int *ka,
		       unsigned nka, const bool *used)
{
	for (unsigned i = 0; i < nka; i++) {
		const struct ctl_seg *x = &r[ka[i]];

		if (used[i])
			continue;
		if ((p->family == AF_INET && x->ipid == p->ip_id) ||
		    (p->ts && (x->opts & CTL_OPT_TS) && x->tsval == p->tsval))
			return (int)i;
	}
	return -1;
}

/* Where probe p is looked for in serve's sequence space. */
static uint32_t expected_seq(const struct arr_flow *f, const struct probe_spec *p, uint32_t nxt)
{
	return f->by_seq ? p->seq + (nxt - f->snd_nxt) : nxt - 1;
}

/* The records that can be probe j (of np): a keep-alive shape at its
 * expected seq, later than after; into ka, their count returned.  *same
 * is how many probes share that seq, *rank j's place among them. */
static unsigned candidates(const struct arr_flow *f, const struct probe_spec *p, unsigned np,
			   unsigned j, const struct ctl_seg *r, unsigned nr, ka_time after,
			   uint32_t nxt, int *ka, unsigned *same, unsigned *rank)
{
	uint32_t want = expected_seq(f, &p[j], nxt);
	unsigned n = 0;

	*same = *rank = 0;
	for (unsigned k = 0; k < np; k++)
		if (expected_seq(f, &p[k], nxt) == want) {
			*rank += k < j;
			(*same)++;
		}
	for (unsigned i = 0; i < nr && n < ARR_MAX_RECORDS; i++)
		if (r[i].t > after && !(r[i].flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)) &&
		    r[i].len <= 1 && r[i].seq == want)
			ka[n++] = (int)i;
	return n;
}

void arrival_match(const struct arr_flow *f, const struct probe_spec *p, unsigned np,
		   const struct ctl_seg *r, unsigned nr, ka_time after, struct arr_result *out)
{
	uint32_t nxt = next_seq(f, r, nr);
	int decr = path_decrement(f, r, nr, nxt);
	bool used[ARR_MAX_RECORDS] = { false };

	for (unsigned j = 0; j < np; j++) {
		int ka[ARR_MAX_RECORDS];
		bool taken[ARR_MAX_RECORDS];
		unsigned same, rank, nka = candidates(f, p, np, j, r, nr, after, nxt, ka, &same,
						      &rank);
		int i;

		for (unsigned k = 0; k < nka; k++)
			taken[k] = used[ka[k]];
		i = by_identity(&p[j], r, ka, nka, taken);
		memset(&out[j], 0, sizeof out[j]);
		/* Identity rewritten on the way: the order, when nothing was
		 * lost (by seq: the newest, the kernel's own ACKs being older). */
		if (i < 0 && (nka == same || (f->by_seq && nka > same)))
			i = (int)(nka - same + rank);
		if (i < 0 || taken[i])
			continue;
		used[ka[i]] = true;
		compare(f, &p[j], &r[ka[i]], decr, &out[j]);
	}
}
