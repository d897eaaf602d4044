/* intake.h - from a captured frame to what replay acts on: the frame
 * decoded (segment.h) with its IP fragments reassembled (reasm.h) and the
 * result put through the kernel's checks (gate.h), as a copy seen anywhere
 * on the path is judged (no GATE_RECEIVER), with TCP checksums summed on
 * segments of at most one byte only (GATE_BARE_CSUM).
 *
 * A fragment is held; the frame that completes its datagram yields the
 * datagram's segment, as Wireshark shows it on that frame.  The
 * reassembler counts the frames it holds (reasm.h: merged, lost).
 */
#ifndef KAPROBE_INTAKE_H
#define KAPROBE_INTAKE_H

#include "decode/gate.h"
#include "decode/reasm.h"
#include "decode/segment.h"

enum intake_result {
	INTAKE_OK,       /* *s is a TCP segment or an ICMP error */
	INTAKE_TRUNC,    /* cut short (snaplen) */
	INTAKE_SKIP,     /* not TCP */
	INTAKE_BAD,      /* malformed, or what the kernel drops (gate.h) */
	INTAKE_FRAG,     /* a fragment, held or dropped by the reassembler */
	INTAKE_LINK,     /* link type not supported */
};

#define INTAKE_FLAGS (SEG_NO_OPTIONS | SEG_REASM)  /* replay parses no TCP options */

/* intake_frame's work past a plain frame: fragments, and the results of
 * frames not decoded. */
enum intake_result intake_more(struct reasm *r, enum seg_result sr, int linktype,
			       const uint8_t *data, size_t caplen, size_t wirelen, ka_time t,
			       struct segment *s);

/* Frame `data` of link type `linktype`, caplen bytes captured of wirelen,
 * captured at time t.  s->ip points into the frame or into the
 * reassembler's buffer, valid until the next call.  Inline: a call of its
 * own cost replay 3% in instructions, and a frame that is no fragment
 * takes only the decoder and the gate. */
static inline enum intake_result intake_frame(struct reasm *r, int linktype, const uint8_t *data,
					      size_t caplen, size_t wirelen, ka_time t,
					      struct segment *s)
{
	enum seg_result sr = seg_decode_ex(linktype, data, caplen, wirelen, s, INTAKE_FLAGS);
	struct gate_frame g = { linktype, data, caplen, wirelen < caplen ? caplen : wirelen, NULL };

	if (sr != SEG_OK)
		return intake_more(r, sr, linktype, data, caplen, wirelen, t, s);
	return seg_gate(&g, s, GATE_BARE_CSUM) == GATE_PASS ? INTAKE_OK : INTAKE_BAD;
}

#endif
