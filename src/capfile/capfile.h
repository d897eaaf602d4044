/* capfile.h - a capture file, pcap or pcapng, read frame by frame.
 *
 * Plain pcap 2.4 is read by pcapfile.c, several times faster than libpcap
 * reads it; rarer pcap variants by libpcap.  pcapng is read by pcapng.c:
 * libpcap 1.10 refuses files whose interfaces differ in link type or snap
 * length, and each frame then needs its own interface's link type anyway.
 */
#ifndef KAPROBE_CAPFILE_H
#define KAPROBE_CAPFILE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capfile/capframe.h"
#include "capfile/pcapfile.h"
#include "capfile/pcapng.h"

struct capfile {
	enum { CAP_PCAP, CAP_LIBPCAP, CAP_PCAPNG } format;
	struct pcapfile pf;     /* CAP_PCAP: pcap 2.4, read by pcapfile.c */
	pcap_t *pcap;           /* CAP_LIBPCAP: other pcap variants */
	int linktype;           /* CAP_LIBPCAP's */
	struct pcapng ng;       /* CAP_PCAPNG */
	FILE *fp;               /* the stream read */
	struct replayed *pipe;  /* a pipe: fp reads through this */
	char err[256];
};

/* A stream that may have nothing to read yet (a pipe from tcpdump) calls
 * wait(arg, fd) before each read that would block.  wait may itself wait
 * for fd to have input; it returns false to end the stream there (replay,
 * on SIGINT or SIGTERM). */
struct cap_waiter {
	bool (*wait)(void *arg, int fd);
	void *arg;
};

struct replayed;

/* Open fp (which the capfile takes over and closes), named `name` in
 * messages.  Returns 0, or -1 with the whole message in c->err, e.g.
 * "NAME is empty, not a capture". */
int cap_open(struct capfile *c, FILE *fp, const char *name, const struct cap_waiter *w);
/* The next frame: 1, 0 at the end, -1 with the reason in c->err. */
int cap_next(struct capfile *c, struct capframe *f);
/* Plain pcap: the file's link type.  pcapng: -1, as each frame has its own. */
int cap_linktype(const struct capfile *c);
void cap_close(struct capfile *c);
/* pcapng: the first section's comment, and the name of the last section's
 * interface i (NULL past the last); "" when the file gives none, and for
 * pcap.  The file's bytes: escape them before showing them. */
const char *cap_comment(const struct capfile *c);
const char *cap_ifname(const struct capfile *c, unsigned i);

#endif
