/* capframe.h - one frame of a capture file, as every reader hands it out.
 *
 * The readers (pcapfile.c, pcapng.c) fill it and capfile.c, which chooses
 * the reader, passes it on: kept apart from capfile.h so that the readers
 * depend on this and not on the file that depends on them. */
#ifndef KAPROBE_CAPFRAME_H
#define KAPROBE_CAPFRAME_H

#include <stdint.h>

#include "util/ktime.h"

struct capframe {
	ka_time t;              /* capture time, microseconds (cap_time) */
	const uint8_t *data;    /* valid until the next cap_next */
	uint32_t caplen;
	uint32_t wirelen;       /* the frame's length on the wire */
	int linktype;           /* -1: a frame that holds no packet */
};

/* Seconds and microseconds as a capture time.  A file may say anything:
 * times are clamped to a quarter of what 63 bits of microseconds hold (year
 * 73,000), leaving room for the timers added to them, and a negative time
 * is taken as 0. */
ka_time cap_time(int64_t sec, int64_t usec);

#endif
