/* capfile.c - a capture file, pcap or pcapng, read frame by frame.
 *
 * The first 24 bytes say which format it is (and, when it is neither, what
 * to tell the user).  The chosen reader then reads the stream from its
 * start again: a file is rewound, and a pipe is read through a small
 * stream (fopencookie) that gives those bytes back first.
 */
#include "capfile/capfile.h"

#include <byteswap.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HEAD 24                 /* a pcap file header; less than any SHB */
#define PCAPNG_MAGIC 0x0A0D0D0Au

/* ---- a pipe, read again from its start -------------------------------------- */

struct replayed {
	FILE *under;            /* the stream, closed with this one */
	uint8_t head[HEAD];
	size_t n, at;           /* head holds n bytes; at were given back */
	struct cap_waiter w;
};

static ssize_t replayed_read(void *cookie, char *buf, size_t size)
{
	struct replayed *r = cookie;
	int fd = fileno(r->under);
	ssize_t got;

	if (r->at < r->n) {
		size_t k = r->n - r->at < size ? r->n - r->at : size;

		memcpy(buf, r->head + r->at, k);
		r->at += k;
		return (ssize_t)k;
	}
	if (r->w.wait) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 0) == 0 && !r->w.wait(r->w.arg, fd))
			return 0;   /* told to stop: the end of the stream */
	}
	do
		got = read(fd, buf, size);
	while (got < 0 && errno == EINTR);
	return got;
}

static int replayed_close(void *cookie)
{
	struct replayed *r = cookie;
	int rc = fclose(r->under);

	free(r);
	return rc;
}

/* A stream that reads head's n bytes, then the rest of under (a pipe,
 * nothing of which was read through stdio: head came by read(2)). */
static FILE *replay_head(FILE *under, const uint8_t *head, size_t n,
			 const struct cap_waiter *w, struct replayed **rp)
{
	static const cookie_io_functions_t io = { .read = replayed_read, .close = replayed_close };
	struct replayed *r = calloc(1, sizeof *r);
	FILE *fp;

	if (!r)
		return NULL;
	*r = (struct replayed){ .under = under, .n = n };
	memcpy(r->head, head, n);
	if (w)
		r->w = *w;
	if (!(fp = fopencookie(r, "rb", io)))
		free(r);
	*rp = fp ? r : NULL;
	return fp;
}

/* ---- the first bytes ---------------------------------------------------------- */

/* Read up to HEAD bytes and leave a stream that starts at the first of
 * them in c->fp.  Returns the number read, or -1 with c->err. */
static ssize_t sniff(struct capfile *c, FILE *fp, const char *name, uint8_t *head,
		     const struct cap_waiter *w)
{
	off_t pos = ftello(fp);
	size_t n = 0;

	if (pos >= 0 && fseeko(fp, pos, SEEK_SET) == 0) {
		n = fread(head, 1, HEAD, fp);
		if (!ferror(fp) && fseeko(fp, pos, SEEK_SET) == 0) {
			c->fp = fp;
			return (ssize_t)n;
		}
	} else if (fileno(fp) >= 0) {
		ssize_t got = 1;

		while (n < HEAD && (got = read(fileno(fp), head + n, HEAD - n)) != 0) {
			if (got < 0 && errno != EINTR)
				break;
			n += got > 0 ? (size_t)got : 0;
		}
		if (got >= 0 && (c->fp = replay_head(fp, head, n, w, &c->pipe)))
			return (ssize_t)n;
	}
	snprintf(c->err, sizeof c->err, "cannot read %s: %s", name, strerror(errno));
	fclose(fp);
	return -1;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool is_pcap_magic(uint32_t m)
{
	static const uint32_t magic[] = {
		0xa1b2c3d4,     /* microseconds */
		0xa1b23c4d,     /* nanoseconds */
		0xa1b2cd34,     /* Alexey Kuznetzov's modified pcap */
	};

	for (size_t i = 0; i < sizeof magic / sizeof *magic; i++)
		if (m == magic[i] || m == bswap_32(magic[i]))
			return true;
	return false;
}

/* pcapfile.c's input: the pipe's bytes as they come, or the stream's. */
static ssize_t read_pipe(void *src, void *buf, size_t n)
{
	return replayed_read(src, buf, n);
}

static ssize_t read_stream(void *src, void *buf, size_t n)
{
	FILE *fp = src;
	size_t got = fread(buf, 1, n, fp);

	return got == 0 && ferror(fp) ? -1 : (ssize_t)got;
}

static int open_own_pcap(struct capfile *c, const char *name)
{
	c->format = CAP_PCAP;
	if ((c->pipe ? pf_open(&c->pf, read_pipe, c->pipe)
		     : pf_open(&c->pf, read_stream, c->fp)) == 0)
		return 0;
	snprintf(c->err, sizeof c->err, "%s is not a readable capture: %s", name, c->pf.err);
	return -1;
}

/* Hand a pcap file to libpcap; if it refuses, say what the header holds. */
static int open_pcap(struct capfile *c, const char *name, const uint8_t *head, size_t n)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	uint32_t m = le32(head);
	bool little = m == 0xa1b2c3d4 || m == 0xa1b23c4d || m == 0xa1b2cd34;
	unsigned major = little ? head[4] | head[5] << 8 : head[4] << 8 | head[5];
	unsigned minor = little ? head[6] | head[7] << 8 : head[6] << 8 | head[7];

	if (n < HEAD) {
		snprintf(c->err, sizeof c->err, "%s is cut short inside its pcap file header "
			 "(%zu of 24 bytes)", name, n);
		return -1;
	}
	c->format = CAP_LIBPCAP;
	c->pcap = pcap_fopen_offline_with_tstamp_precision(c->fp, PCAP_TSTAMP_PRECISION_MICRO,
							     perr);
	if (c->pcap) {
		c->linktype = pcap_datalink(c->pcap);
		return 0;
	}
	perr[strcspn(perr, "\n")] = '\0';
	snprintf(c->err, sizeof c->err, "%s is not a readable capture: libpcap refuses its "
		 "%s-endian pcap header, version %u.%u: %s", name, little ? "little" : "big",
		 major, minor, perr);
	return -1;
}

/* Neither pcap nor pcapng: say what it is, as far as the first bytes tell. */
static void not_a_capture(struct capfile *c, const char *name, const uint8_t *head, size_t n)
{
	char hex[3 * 4 + 1] = "";

	if (n == 0) {
		snprintf(c->err, sizeof c->err, "%s is empty, not a capture", name);
		return;
	}
	if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
		snprintf(c->err, sizeof c->err, "%s is gzip-compressed: uncompress it first",
			 name);
		return;
	}
	for (size_t i = 0; i < n && i < 4; i++)
		snprintf(hex + strlen(hex), sizeof hex - strlen(hex), "%s%02x", i ? " " : "",
			 head[i]);
	snprintf(c->err, sizeof c->err, "%s is not a pcap or pcapng capture (it starts with "
		 "bytes %s)", name, hex);
}

int cap_open(struct capfile *c, FILE *fp, const char *name, const struct cap_waiter *w)
{
	uint8_t head[HEAD];
	ssize_t n;

	*c = (struct capfile){ 0 };
	if ((n = sniff(c, fp, name, head, w)) < 0)
		return -1;
	if (n == HEAD && pf_takes(head)) {
		if (open_own_pcap(c, name) == 0)
			return 0;
	} else if (n >= 4 && le32(head) == PCAPNG_MAGIC) {
		c->format = CAP_PCAPNG;
		if (ng_open(&c->ng, c->fp) == 0)
			return 0;
		snprintf(c->err, sizeof c->err, "%s is not a readable capture: %s", name,
			 c->ng.err);
	} else if (n >= 4 && is_pcap_magic(le32(head))) {
		if (open_pcap(c, name, head, (size_t)n) == 0)
			return 0;
	} else {
		not_a_capture(c, name, head, (size_t)n);
	}
	cap_close(c);
	return -1;
}

int cap_next(struct capfile *c, struct capframe *f)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	int rc;

	if (c->format == CAP_PCAP) {
		rc = pf_next(&c->pf, f);
		if (rc < 0)
			snprintf(c->err, sizeof c->err, "%s", c->pf.err);
		return rc;
	}
	if (c->format == CAP_PCAPNG) {
		rc = ng_next(&c->ng, f);
		if (rc < 0)
			snprintf(c->err, sizeof c->err, "%s", c->ng.err);
		return rc;
	}
	rc = pcap_next_ex(c->pcap, &h, &bytes);
	if (rc == 1) {
		f->t = cap_time(h->ts.tv_sec, h->ts.tv_usec);
		f->data = bytes;
		f->caplen = h->caplen;
		f->wirelen = h->len;
		f->linktype = c->linktype;
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	snprintf(c->err, sizeof c->err, "%s", pcap_geterr(c->pcap));
	return -1;
}

const char *cap_comment(const struct capfile *c)
{
	return c->format == CAP_PCAPNG ? c->ng.comment : "";
}

const char *cap_ifname(const struct capfile *c, unsigned i)
{
	if (c->format != CAP_PCAPNG)
		return i == 0 ? "" : NULL;
	return i < c->ng.nifs ? c->ng.ifs[i].name : NULL;
}

int cap_linktype(const struct capfile *c)
{
	switch (c->format) {
	case CAP_PCAP: return c->pf.linktype;
	case CAP_LIBPCAP: return c->linktype;
	default: return -1;
	}
}

void cap_close(struct capfile *c)
{
	if (c->pcap)
		pcap_close(c->pcap);   /* closes c->fp */
	else if (c->fp)
		fclose(c->fp);
	ng_free(&c->ng);
	pf_free(&c->pf);
	c->pcap = NULL;
	c->fp = NULL;
	c->pipe = NULL;
}
