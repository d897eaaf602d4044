/* pcapfile.c - plain pcap records, read in large chunks.
 *
 * libpcap reads a savefile record by record, two fread calls each, through
 * a 4 KB stdio buffer: the bare pcap_next_ex loop over a file in the page
 * cache takes about 2.5 times as long as reading the same records out of a
 * 512 KB buffer filled by large reads, where each record is used in place.
 * Replay is bounded by reading, so it reads the common format here: pcap
 * 2.4 (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/), micro- or
 * nanosecond timestamps, either byte order.  The rarer variants (Kuznetzov's
 * modified records, older versions, FCS bits in the link type) stay with
 * libpcap (capfile.c).
 *
 * Records are checked as libpcap checks them: a captured length over
 * 262144 bytes (libpcap's largest for these link types) is damage.
 */
#include "capfile/pcapfile.h"

#include <byteswap.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capfile/capframe.h"

#define PF_BUF (512u << 10)   /* two of the largest records, and L2-sized */
#define PF_MAX_CAPLEN 262144u   /* libpcap's MAXIMUM_SNAPLEN */
#define PF_HDR 24
#define PF_REC 16

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du

static uint32_t raw32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint32_t get32(const struct pcapfile *pf, const uint8_t *p)
{
	return pf->swap ? bswap_32(raw32(p)) : raw32(p);
}

static uint16_t get16(bool swap, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return swap ? bswap_16(v) : v;
}

static int fail(struct pcapfile *pf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct pcapfile *pf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pf->err, sizeof pf->err, fmt, ap);
	va_end(ap);
	return -1;
}

bool pf_takes(const uint8_t head[24])
{
	uint32_t m = raw32(head);
	bool swap = m == bswap_32(MAGIC_US) || m == bswap_32(MAGIC_NS);

	if (!swap && m != MAGIC_US && m != MAGIC_NS)
		return false;
	/* The link type's upper bits (FCS length, and so on) are libpcap's
	 * to interpret. */
	return get16(swap, head + 4) == 2 && get16(swap, head + 6) == 4 &&
	       ((swap ? bswap_32(raw32(head + 20)) : raw32(head + 20)) >> 16) == 0;
}

/* Move what is left to the front and read more after it.  Returns the
 * bytes read, 0 at the end, -1 on error. */
static ssize_t refill(struct pcapfile *pf)
{
	ssize_t got;

	memmove(pf->buf, pf->buf + pf->at, pf->len - pf->at);
	pf->len -= pf->at;
	pf->at = 0;
	got = pf->read(pf->src, pf->buf + pf->len, PF_BUF - pf->len);
	if (got < 0)
		return fail(pf, "read error: %s", strerror(errno));
	pf->len += (size_t)got;
	return got;
}

int pf_open(struct pcapfile *pf, pf_read_fn read, void *src)
{
	*pf = (struct pcapfile){ .read = read, .src = src };
	if (!(pf->buf = malloc(PF_BUF)))
		return fail(pf, "out of memory");
	while (pf->len < PF_HDR) {
		ssize_t got = refill(pf);

		if (got <= 0)
			return got < 0 ? -1 : fail(pf, "the file ends inside its header");
	}
	if (!pf_takes(pf->buf))
		return fail(pf, "not a pcap 2.4 header");
	pf->swap = raw32(pf->buf) != MAGIC_US && raw32(pf->buf) != MAGIC_NS;
	pf->nsec = get32(pf, pf->buf) == MAGIC_NS;
	pf->linktype = (int)get32(pf, pf->buf + 20);
	pf->at = PF_HDR;
	return 0;
}

int pf_next(struct pcapfile *pf, struct capframe *f)
{
	for (;;) {
		size_t avail = pf->len - pf->at;
		const uint8_t *h = pf->buf + pf->at;
		uint32_t caplen = avail >= PF_REC ? get32(pf, h + 8) : 0;
		ssize_t got;

		if (caplen > PF_MAX_CAPLEN)
			return fail(pf, "record %llu claims %u captured bytes, over the %u allowed",
				    (unsigned long long)pf->frames + 1, (unsigned)caplen,
				    PF_MAX_CAPLEN);
		if (avail >= PF_REC && avail - PF_REC >= caplen) {
			uint32_t sub = get32(pf, h + 4);

			f->t = cap_time(get32(pf, h), pf->nsec ? sub / 1000 : sub);
			f->data = h + PF_REC;
			f->caplen = caplen;
			f->wirelen = get32(pf, h + 12);
			f->linktype = pf->linktype;
			pf->at += PF_REC + caplen;
			pf->frames++;
			return 1;
		}
		if ((got = refill(pf)) < 0)
			return -1;
		if (got == 0 && avail == 0)
			return 0;
		if (got == 0)
			return fail(pf, "the file ends inside record %llu (%zu of %u bytes)",
				    (unsigned long long)pf->frames + 1, avail,
				    (unsigned)(avail < PF_REC ? PF_REC : PF_REC + caplen));
	}
}

void pf_free(struct pcapfile *pf)
{
	free(pf->buf);
	pf->buf = NULL;
}
