/* embryo.c - handshakes of connections not accepted yet (embryo.h). */
#include "engine/embryo.h"

#include <stdlib.h>
#include <string.h>

#include "tcp/segring.h"

int embryos_init(struct embryos *t)
{
	t->e = calloc(EMBRYO_N, sizeof *t->e);
	return t->e ? 0 : -1;
}

void embryos_free(struct embryos *t)
{
	free(t->e);
	t->e = NULL;
}

static struct embryo *slot(struct embryos *t, const uint8_t *raddr, uint16_t lport,
			   uint16_t rport)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (int i = 0; i < 16; i++)
		h = (h ^ raddr[i]) * 16777619u;
	h = (h ^ lport) * 16777619u;
	h = (h ^ rport) * 16777619u;
	return &t->e[h % EMBRYO_N];
}

struct embryo *embryos_find(struct embryos *t, int family, const uint8_t *laddr,
			    const uint8_t *raddr, uint16_t lport, uint16_t rport)
{
	struct embryo *m;

	if (!t->e)
		return NULL;
	m = slot(t, raddr, lport, rport);
	if (!m->used || m->family != family || m->lport != lport || m->rport != rport ||
	    memcmp(m->laddr, laddr, 16) != 0 || memcmp(m->raddr, raddr, 16) != 0)
		return NULL;
	return m;
}

void embryos_note(struct embryos *t, const struct segment *s, bool inbound, ka_time now)
{
	const uint8_t *la = inbound ? s->dst : s->src, *ra = inbound ? s->src : s->dst;
	uint16_t lp = inbound ? s->dport : s->sport, rp = inbound ? s->sport : s->dport;
	uint8_t syn = s->flags & (TCPF_SYN | TCPF_ACK | TCPF_RST);
	struct embryo *m;

	if (!t->e || s->kind != SEG_TCP)
		return;
	if (inbound && syn == TCPF_SYN) {
		m = slot(t, ra, lp, rp);
		*m = (struct embryo){ .used = true, .family = s->family, .lport = lp, .rport = rp,
				      .syn = *s, .t_syn = now };
		memcpy(m->laddr, la, 16);
		memcpy(m->raddr, ra, 16);
		ctl_seg_from(&m->syn_rec, s, 0);
		return;
	}
	if (!(m = embryos_find(t, s->family, la, ra, lp, rp)))
		return;
	if (!inbound && syn == (TCPF_SYN | TCPF_ACK) && s->ack == m->syn.seq + 1) {
		m->synack = *s;
		m->t_synack = now;
		m->has_synack = true;
	} else if (inbound && syn == TCPF_ACK && m->has_synack && !m->has_ack &&
		   s->ack == m->synack.seq + 1) {
		m->ack = *s;
		m->t_ack = now;
		m->has_ack = true;
		ctl_seg_from(&m->ack_rec, s, now - m->t_syn);
	}
}
