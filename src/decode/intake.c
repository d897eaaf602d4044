/* intake.c - decode, reassemble, gate (see intake.h): the frames that
 * are not a plain TCP segment. */
#include "decode/intake.h"

#include <pcap/pcap.h>


static enum intake_result from_seg(enum seg_result r)
{
	switch (r) {
	case SEG_OK: return INTAKE_OK;
	case SEG_TRUNC: return INTAKE_TRUNC;
	case SEG_SKIP: return INTAKE_SKIP;
	case SEG_LINK: return INTAKE_LINK;
	case SEG_FRAG: return INTAKE_FRAG;
	default: return INTAKE_BAD;
	}
}

enum intake_result intake_more(struct reasm *r, enum seg_result sr, int linktype,
			       const uint8_t *data, size_t caplen, size_t wirelen, ka_time t,
			       struct segment *s)
{
	struct gate_frame g = { linktype, data, caplen, wirelen < caplen ? caplen : wirelen, NULL };

	/* A datagram reassembled may hold fragments of one inside it (a
	 * tunnel's): each round goes one tunnel deeper, so SEG_MAX_ENCAP
	 * bounds the loop. */
	while (sr == SEG_FRAG) {
		size_t at = (size_t)(s->ip - g.frame), n;
		const uint8_t *dg;

		switch (reasm_add(r, t, s->tunnel, s->ip, g.caplen - at, g.wirelen - at, &dg, &n)) {
		case REASM_DONE:
			break;
		case REASM_TRUNC:
			return INTAKE_TRUNC;
		case REASM_BAD:
			return INTAKE_BAD;
		default:
			return INTAKE_FRAG;
		}
		g = (struct gate_frame){ DLT_RAW, dg, n, n, NULL };
		sr = seg_decode_ip(dg, n, s->tunnel, s->encap, s, INTAKE_FLAGS);
	}
	if (sr != SEG_OK)
		return from_seg(sr);
	return seg_gate(&g, s, GATE_BARE_CSUM) == GATE_PASS ? INTAKE_OK : INTAKE_BAD;
}
