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

/* The client's next sequence number as serve's records show it. */
static uint32_t next_seq(const struct ctl_seg *r, unsigned nr)
{
	uint32_t nxt = 0;
	bool any = false;

	for (unsigned i = 0; i < nr; i++) {
		uint32_t end = r[i].seq + r[i].len + !!(r[i].flags & (TCPF_SYN | TCPF_FIN));

		if (r[i].flags & TCPF_RST)
			continue;
		if (!any || seq_gt(end, nxt))
			nxt = end;
		any = true;
	}
	return nxt;
}

/* The TTL the path takes off: from the client's last segment serve kept
 * that is no keep-alive (a request, the handshake), or -1. */
static int path_decrement(const struct arr_flow *f, const struct ctl_seg *r, unsigned nr,
			  uint32_t nxt)
{
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

void arrival_match(const struct arr_flow *f, const struct probe_spec *p, unsigned np,
		   const struct ctl_seg *r, unsigned nr, ka_time after, struct arr_result *out)
{
	int ka[ARR_MAX_RECORDS];
	bool used[ARR_MAX_RECORDS] = { false };
	unsigned nka = 0;
	uint32_t nxt = next_seq(r, nr);
	int decr = path_decrement(f, r, nr, nxt);

	for (unsigned i = 0; i < nr && nka < ARR_MAX_RECORDS; i++)
		if (r[i].t > after && is_keepalive(&r[i], nxt))
			ka[nka++] = (int)i;
	for (unsigned j = 0; j < np; j++) {
		int i = by_identity(&p[j], r, ka, nka, used);

		memset(&out[j], 0, sizeof out[j]);
		/* Identity rewritten on the way: the order, when nothing was lost. */
		if (i < 0 && nka == np && !used[j])
			i = (int)j;
		if (i < 0)
			continue;
		used[i] = true;
		compare(f, &p[j], &r[ka[i]], decr, &out[j]);
	}
}
