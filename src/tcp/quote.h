/* quote.h - what the boxes on the way changed in a probe, read from the
 * quote an ICMP error carries (RFC 792; RFC 1812 4.3.2.3 and RFC 4443 2.4
 * quote as much as fits), compared with the probe that was sent.
 *
 * Pure: bytes in, a set of changed fields out.  A field is compared only
 * when the quote reaches it.  TTL and the checksums change at every hop
 * and are not compared.
 */
#ifndef KAPROBE_QUOTE_H
#define KAPROBE_QUOTE_H

#include <stddef.h>
#include <stdint.h>

#include "tcp/probespec.h"
#include "decode/segment.h"

enum quote_field {
	QF_SRC, QF_DST, QF_SPORT, QF_DPORT,  /* NAT */
	QF_SEQ, QF_ACK, QF_FLAGS, QF_WINDOW,
	QF_TS_REMOVED, QF_TS_REWRITTEN, QF_OPTIONS_ADDED,
	QF_DSCP, QF_ECN, QF_DF, QF_IP_ID, QF_FLOWLABEL,
	QF_LENGTH,                           /* IP length, e.g. options removed */
	QF_COUNT
};

/* The word for a field in events ("dscp", "timestamps-removed", ...). */
const char *quote_field_name(enum quote_field f);

/* The quote inside a captured frame the decoder read as `s` (SEG_ICMP_ERR):
 * it ends where the datagram does, which is the frame's end when the frame
 * was captured whole and carries no link trailer.  Returns NULL when the
 * bytes there are not the quote s describes (cut, or a trailer). */
const uint8_t *quote_locate(const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
			    const struct segment *s, size_t *len);

/* The fields of `sent` that the quote q (len bytes from the quoted IP
 * header on) shows changed: a bit (1u << enum quote_field) each. */
uint32_t quote_compare(const struct probe_spec *sent, const uint8_t *q, size_t len);

#endif
