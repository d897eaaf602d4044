/* pcapng.h - a small, bounded reader of pcapng files (see pcapng.c).
 *
 * libpcap 1.10 refuses pcapng files whose interfaces differ in link type or
 * snap length, which mergecap and Wireshark write every day; this reader
 * takes each packet with its own interface's link type and timestamp
 * resolution.
 */
#ifndef KAPROBE_PCAPNG_H
#define KAPROBE_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct capframe;

struct ng_iface {
	int linktype;
	uint32_t snaplen;       /* 0: none */
	uint64_t hz;            /* timestamp units per second (if_tsresol) */
	int64_t offset_s;       /* added to every timestamp (if_tsoffset) */
	char name[48];          /* if_name, as the file says it ("": none) */
};

struct pcapng {
	FILE *fp;
	uint8_t *blk;           /* the current block, header and trailer included */
	size_t blkcap;
	uint64_t off;           /* file offset of the current block */
	bool swap;              /* this section's byte order is not ours */
	struct ng_iface *ifs;   /* this section's interfaces */
	uint32_t nifs, ifcap;
	char comment[256];      /* the first section's comment ("": none) */
	char err[160];
};

/* Start reading fp: a Section Header Block must begin there.  Returns 0, or
 * -1 with the reason in ng->err. */
int ng_open(struct pcapng *ng, FILE *fp);
/* The next frame: 1, 0 at the end of the file, -1 with ng->err.  The bytes
 * stay valid until the next call.  A frame that holds no packet (a systemd
 * journal entry, which Wireshark numbers as a frame) has linktype -1. */
int ng_next(struct pcapng *ng, struct capframe *f);
/* Frees what ng holds; fp is the caller's. */
void ng_free(struct pcapng *ng);

#endif
