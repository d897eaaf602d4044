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

/* Frame `data` of link type `linktype`, caplen bytes captured of wirelen,
 * captured at time t.  s->ip points into the frame or into the
 * reassembler's buffer, valid until the next call. */
enum intake_result intake_frame(struct reasm *r, int linktype, const uint8_t *data,
				size_t caplen, size_t wirelen, ka_time t, struct segment *s);

#endif
