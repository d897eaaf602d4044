/* pcapfile.h - plain pcap records, read in large chunks (see pcapfile.c). */
#ifndef KAPROBE_PCAPFILE_H
#define KAPROBE_PCAPFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct capframe;

/* Where the bytes come from: up to n of them into buf; the count, 0 at the
 * end, -1 on error (errno set). */
typedef ssize_t (*pf_read_fn)(void *src, void *buf, size_t n);

struct pcapfile {
	pf_read_fn read;
	void *src;
	uint8_t *buf;
	size_t len, at;         /* bytes in buf; where the next record starts */
	bool swap;              /* the file's byte order is not ours */
	bool nsec;              /* nanosecond timestamps */
	int linktype;
	uint64_t frames;        /* records read */
	char err[160];
};

/* Whether pcapfile.c reads a file that starts with these 24 bytes: pcap
 * 2.4, micro- or nanosecond magic, either byte order, a plain link type.
 * Other variants are left to libpcap. */
bool pf_takes(const uint8_t head[24]);
/* Start reading from src, which is at the file header.  Returns 0, or -1
 * with pf->err. */
int pf_open(struct pcapfile *pf, pf_read_fn read, void *src);
/* The next frame: 1, 0 at the end, -1 with pf->err.  Its bytes stay valid
 * until the next call. */
int pf_next(struct pcapfile *pf, struct capframe *f);
void pf_free(struct pcapfile *pf);

#endif
