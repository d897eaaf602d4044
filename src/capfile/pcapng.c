/* pcapng.c - a small, bounded reader of pcapng files.
 *
 * The format (https://github.com/IETF-OPSAWG-WG/draft-ietf-opsawg-pcap,
 * draft-ietf-opsawg-pcapng) is a sequence of blocks: type, total length,
 * body, total length again.  A Section Header Block starts each section and
 * fixes its byte order; Interface Description Blocks give each interface's
 * link type, snap length and timestamp units (if_tsresol, if_tsoffset);
 * Enhanced, Simple and (obsolete) Packet Blocks carry the packets.  Other
 * blocks are skipped by their length.
 *
 * Frames are numbered as Wireshark numbers them: every packet block is a
 * frame, and so is a systemd Journal Export Block (wiretap/pcapng.c returns
 * it as a record), which is passed on with link type -1.
 *
 * Every length read from the file is checked against the block that holds
 * it before use, and no block may exceed NG_MAX_BLOCK, so a hostile file
 * costs at most that much memory.
 */
#include "capfile/pcapng.h"

#include <byteswap.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "capfile/capframe.h"

#define NG_MAX_BLOCK (16u << 20)    /* as libpcap's MAX_BLOCKSIZE */

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 1u
#define BT_PB  2u
#define BT_SPB 3u
#define BT_EPB 6u
#define BT_SJE 9u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_END       0
#define OPT_COMMENT   1    /* any block: UTF-8 text, as the user wrote it */
#define OPT_IF_NAME   2    /* interface description: "eth0" */
#define OPT_TSRESOL   9
#define OPT_TSOFFSET 14

static int fail(struct pcapng *ng, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct pcapng *ng, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(ng->err, sizeof ng->err, "pcapng block at byte %llu: ",
			 (unsigned long long)ng->off);

	va_start(ap, fmt);
	vsnprintf(ng->err + n, sizeof ng->err - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static uint16_t get16(const struct pcapng *ng, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return ng->swap ? bswap_16(v) : v;
}

static uint32_t get32(const struct pcapng *ng, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ng->swap ? bswap_32(v) : v;
}

static uint64_t get64(const struct pcapng *ng, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return ng->swap ? bswap_64(v) : v;
}

/* Make ng->blk hold `want` bytes, `have` of them already there.  Returns 1,
 * 0 at a clean end of file (nothing of a new block read), -1 on error. */
static int fill(struct pcapng *ng, size_t have, size_t want)
{
	size_t got;

	if (want > ng->blkcap) {
		size_t cap = ng->blkcap ? ng->blkcap : 4096;
		uint8_t *b;

		while (cap < want)
			cap *= 2;
		if (!(b = realloc(ng->blk, cap)))
			return fail(ng, "out of memory for a block of %zu bytes", want);
		ng->blk = b;
		ng->blkcap = cap;
	}
	got = fread(ng->blk + have, 1, want - have, ng->fp);
	if (got == want - have)
		return 1;
	if (ferror(ng->fp))
		return fail(ng, "read error: %s", strerror(errno));
	if (have == 0 && got == 0)
		return 0;
	return fail(ng, "the file ends inside the block (%zu of %zu bytes)", have + got, want);
}

/* Read the block at ng->off into ng->blk.  A Section Header Block sets
 * the byte order its own length is written in.  Returns 1 with *type and
 * *len, 0 at the end of the file, or -1. */
static int read_block(struct pcapng *ng, uint32_t *type, uint32_t *len)
{
	size_t have = 8;
	int rc = fill(ng, 0, 8);

	if (rc <= 0)
		return rc;
	memcpy(type, ng->blk, 4);      /* the SHB's type reads the same either way */
	if (*type == BT_SHB) {
		uint32_t magic;

		if (fill(ng, 8, 12) < 0)
			return -1;
		memcpy(&magic, ng->blk + 8, 4);
		if (magic != BYTE_ORDER_MAGIC && bswap_32(magic) != BYTE_ORDER_MAGIC)
			return fail(ng, "section header with a bad byte-order magic 0x%08x",
				    (unsigned)magic);
		ng->swap = magic != BYTE_ORDER_MAGIC;
		have = 12;
	}
	*type = get32(ng, ng->blk);
	*len = get32(ng, ng->blk + 4);
	if (*len < 12 || *len % 4 != 0)
		return fail(ng, "block length %u is not a multiple of 4 of at least 12",
			    (unsigned)*len);
	if (*len > NG_MAX_BLOCK)
		return fail(ng, "block length %u is over the %u bytes allowed",
			    (unsigned)*len, NG_MAX_BLOCK);
	return fill(ng, have, *len) < 0 ? -1 : 1;
}

/* if_tsresol: 10^-v seconds, or 2^-(v & 0x7f) with the high bit set. */
static int tsresol(struct pcapng *ng, uint8_t v, uint64_t *hz)
{
	unsigned e = v & 0x7f;

	if (v & 0x80) {
		if (e > 63)
			return fail(ng, "timestamp resolution 2^-%u is not supported", e);
		*hz = 1ull << e;
		return 0;
	}
	if (e > 19)
		return fail(ng, "timestamp resolution 10^-%u is not supported", e);
	for (*hz = 1; e > 0; e--)
		*hz *= 10;
	return 0;
}

typedef int option_fn(struct pcapng *ng, unsigned code, const uint8_t *val, unsigned len,
		      void *ctx);

/* Each option of a block's options, p to end, until opt_endofopt: each()
 * gets its code and value, bounds checked.  what names the block in
 * messages. */
static int options(struct pcapng *ng, const uint8_t *p, const uint8_t *end, const char *what,
		   option_fn *each, void *ctx)
{
	while (end - p >= 4) {
		unsigned code = get16(ng, p), olen = get16(ng, p + 2);
		const uint8_t *val = p + 4;

		if (code == OPT_END)
			break;
		if ((size_t)(end - val) < olen)
			return fail(ng, "%s option %u runs past its block", what, code);
		if (each(ng, code, val, olen, ctx) < 0)
			return -1;
		if ((size_t)(end - val) <= ((olen + 3u) & ~3u))
			break;  /* the last option (its padding may be left out) */
		p = val + ((olen + 3u) & ~3u);
	}
	return 0;
}

/* A text option into dst: at most cap - 1 bytes, up to a NUL in it.  The
 * bytes are the file's: whoever shows them escapes them. */
static void option_text(char *dst, size_t cap, const uint8_t *val, unsigned len)
{
	size_t n = len < cap - 1 ? len : cap - 1;

	memcpy(dst, val, n);
	dst[n] = '\0';
}

static int iface_option(struct pcapng *ng, unsigned code, const uint8_t *val, unsigned len,
			void *ctx)
{
	struct ng_iface *ifc = ctx;

	if (code == OPT_TSRESOL && len >= 1 && tsresol(ng, val[0], &ifc->hz) < 0)
		return -1;
	if (code == OPT_TSOFFSET && len >= 8)
		ifc->offset_s = (int64_t)get64(ng, val);
	if (code == OPT_IF_NAME)
		option_text(ifc->name, sizeof ifc->name, val, len);
	return 0;
}

/* The first section's first comment is the capture's. */
static int section_option(struct pcapng *ng, unsigned code, const uint8_t *val, unsigned len,
			  void *ctx)
{
	(void)ctx;
	if (code == OPT_COMMENT && !ng->comment[0])
		option_text(ng->comment, sizeof ng->comment, val, len);
	return 0;
}

static int section(struct pcapng *ng, const uint8_t *b, uint32_t n)
{
	unsigned major, minor;

	if (n < 16)
		return fail(ng, "section header of %u bytes, under the 28 required",
			    (unsigned)n + 12);
	major = get16(ng, b + 4);
	minor = get16(ng, b + 6);
	if (major != 1)
		return fail(ng, "pcapng version %u.%u is not supported (1.x is)", major, minor);
	/* Its options only describe the capture: one that runs past the
	 * block is not worth refusing the file for (ng->err is not read). */
	options(ng, b + 16, b + n, "section header", section_option, NULL);
	ng->nifs = 0;   /* interfaces belong to their section */
	return 0;
}

static int interface(struct pcapng *ng, const uint8_t *b, uint32_t n)
{
	struct ng_iface ifc = { .hz = 1000000 };

	if (n < 8)
		return fail(ng, "interface description of %u bytes, under the 20 required",
			    (unsigned)n + 12);
	ifc.linktype = get16(ng, b);
	ifc.snaplen = get32(ng, b + 4);
	if (options(ng, b + 8, b + n, "interface", iface_option, &ifc) < 0)
		return -1;
	if (ng->nifs == ng->ifcap) {
		uint32_t cap = ng->ifcap ? ng->ifcap * 2 : 4;
		struct ng_iface *ifs = cap > ng->ifcap ? realloc(ng->ifs, cap * sizeof *ifs) : NULL;

		if (!ifs)
			return fail(ng, "out of memory for %u interfaces", (unsigned)cap);
		ng->ifs = ifs;
		ng->ifcap = cap;
	}
	ng->ifs[ng->nifs++] = ifc;
	return 0;
}

/* A timestamp of `units` in interface ifc's resolution, as capture time. */
static void frame_time(const struct ng_iface *ifc, uint64_t units, struct capframe *f)
{
	uint64_t sec = units / ifc->hz;
	uint64_t usec = (uint64_t)((unsigned __int128)(units % ifc->hz) * 1000000 / ifc->hz);
	int64_t s = sec > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)sec;

	if (__builtin_add_overflow(s, ifc->offset_s, &s))
		s = ifc->offset_s < 0 ? INT64_MIN : INT64_MAX;
	f->t = cap_time(s, (int64_t)usec);
}

/* A packet of `caplen` bytes at data, with at most `room` bytes in its
 * block, on interface `id`. */
static int packet(struct pcapng *ng, uint32_t id, uint64_t ts, const uint8_t *data,
		  uint32_t caplen, uint32_t room, struct capframe *f)
{
	if (id >= ng->nifs)
		return fail(ng, "packet on interface %u, but its section describes %u",
			    (unsigned)id, (unsigned)ng->nifs);
	if (caplen > room)
		return fail(ng, "packet of %u bytes in %u bytes of block", (unsigned)caplen,
			    (unsigned)room);
	frame_time(&ng->ifs[id], ts, f);
	f->data = data;
	f->caplen = caplen;
	f->linktype = ng->ifs[id].linktype;
	return 1;
}

/* The frame in block `type` (body b, n bytes): 1, 0 for a block that holds
 * none, -1 on error. */
static int frame(struct pcapng *ng, uint32_t type, const uint8_t *b, uint32_t n,
		 struct capframe *f)
{
	uint32_t caplen, snap;

	switch (type) {
	case BT_EPB:
		if (n < 20)
			return fail(ng, "enhanced packet block of %u bytes", (unsigned)n + 12);
		f->wirelen = get32(ng, b + 16);
		return packet(ng, get32(ng, b), (uint64_t)get32(ng, b + 4) << 32 | get32(ng, b + 8),
			      b + 20, get32(ng, b + 12), n - 20, f);
	case BT_PB:
		if (n < 20)
			return fail(ng, "packet block of %u bytes", (unsigned)n + 12);
		f->wirelen = get32(ng, b + 16);
		return packet(ng, get16(ng, b), (uint64_t)get32(ng, b + 4) << 32 | get32(ng, b + 8),
			      b + 20, get32(ng, b + 12), n - 20, f);
	case BT_SPB:
		/* No interface number and no time: interface 0, and the
		 * captured length is what the snap length left of the
		 * packet's. */
		if (n < 4 || ng->nifs == 0)
			return fail(ng, "simple packet block %s", n < 4 ? "too short"
				    : "before any interface description");
		caplen = f->wirelen = get32(ng, b);
		snap = ng->ifs[0].snaplen;
		if (snap && caplen > snap)
			caplen = snap;
		if (packet(ng, 0, 0, b + 4, caplen, n - 4, f) < 0)
			return -1;
		f->t = 0;   /* no time at all, not the interface's offset */
		return 1;
	case BT_SJE:
		*f = (struct capframe){ .linktype = -1 };
		return 1;
	default:
		return 0;
	}
}

int ng_next(struct pcapng *ng, struct capframe *f)
{
	uint32_t type, len;
	int rc;

	for (;;) {
		if ((rc = read_block(ng, &type, &len)) <= 0)
			return rc;
		const uint8_t *body = ng->blk + 8;
		uint32_t n = len - 12;

		if (type == BT_SHB)
			rc = section(ng, body, n);
		else if (type == BT_IDB)
			rc = interface(ng, body, n);
		else
			rc = frame(ng, type, body, n, f);
		ng->off += len;
		if (rc != 0)
			return rc;
	}
}

int ng_open(struct pcapng *ng, FILE *fp)
{
	uint32_t type, len;
	int rc;

	*ng = (struct pcapng){ .fp = fp };
	rc = read_block(ng, &type, &len);
	if (rc == 0 || (rc > 0 && type != BT_SHB))
		return fail(ng, "the file does not start with a section header");
	if (rc < 0 || section(ng, ng->blk + 8, len - 12) < 0)
		return -1;
	ng->off += len;
	return 0;
}

void ng_free(struct pcapng *ng)
{
	free(ng->blk);
	free(ng->ifs);
	*ng = (struct pcapng){ 0 };
}
