/* embryo.h - handshakes of connections not accepted yet.
 *
 * A listening engine (kaprobe serve) sees a client's SYN, its own SYN-ACK
 * and the client's ACK in the capture before accept(2) hands it the
 * connection; the sequence state, the options each end offered and the
 * SYN's TTL come from them.  They wait here, keyed by 4-tuple, until
 * engine_adopt takes them.  The table is a fixed array: a flood of SYNs
 * that are never accepted overwrites older entries, it does not grow.
 */
#ifndef KAPROBE_EMBRYO_H
#define KAPROBE_EMBRYO_H

#include <stdbool.h>
#include <stdint.h>

#include "decode/segment.h"
#include "tcp/ctlproto.h"
#include "util/ktime.h"

/* Handshakes waiting at once: well above a listen backlog's usual size. */
#define EMBRYO_N 1024

struct embryo {
	bool used, has_synack, has_ack;
	int family;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	struct segment syn, synack, ack;   /* their ip pointers are stale */
	ka_time t_syn, t_synack, t_ack;
	struct ctl_seg syn_rec, ack_rec;   /* as serve reports them (t: 0) */
};

struct embryos {
	struct embryo *e;         /* EMBRYO_N of them, or NULL: not listening */
};

int embryos_init(struct embryos *t);
void embryos_free(struct embryos *t);

/* A segment no connection claimed: a client's SYN starts an entry, our
 * SYN-ACK and its ACK complete it (inbound: s->dst is ours). */
void embryos_note(struct embryos *t, const struct segment *s, bool inbound, ka_time now);

/* The entry of this 4-tuple (laddr, lport ours), or NULL. */
struct embryo *embryos_find(struct embryos *t, int family, const uint8_t *laddr,
			    const uint8_t *raddr, uint16_t lport, uint16_t rport);

#endif
