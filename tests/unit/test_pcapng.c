/* test_pcapng.c - the pcapng reader on files built here block by block:
 * timestamp units and offsets per interface, link types per interface,
 * Simple and obsolete Packet Blocks, unknown blocks, a second section in the
 * other byte order, and damage named with its byte offset. */
#include <byteswap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capfile/capfile.h"
#include "capfile/pcapng.h"
#include "unit.h"

/* A file being built, in one byte order. */
struct file {
	uint8_t b[4096];
	size_t n;
	bool big;
};

static void put32(struct file *f, uint32_t v)
{
	v = f->big ? bswap_32(v) : v;
	memcpy(f->b + f->n, &v, 4);
	f->n += 4;
}

static void put16(struct file *f, uint16_t v)
{
	v = f->big ? bswap_16(v) : v;
	memcpy(f->b + f->n, &v, 2);
	f->n += 2;
}

static void put64(struct file *f, uint64_t v)
{
	v = f->big ? bswap_64(v) : v;
	memcpy(f->b + f->n, &v, 8);
	f->n += 8;
}

static void bytes(struct file *f, const void *p, size_t n)
{
	memcpy(f->b + f->n, p, n);
	f->n += n;
	while (f->n % 4)
		f->b[f->n++] = 0;
}

/* Start a block; end_block writes its length at both ends. */
static size_t block(struct file *f, uint32_t type)
{
	size_t at = f->n;

	put32(f, type);
	put32(f, 0);
	return at;
}

static void end_block(struct file *f, size_t at)
{
	uint32_t len = (uint32_t)(f->n + 4 - at);
	size_t end;

	put32(f, len);
	end = f->n;
	f->n = at + 4;
	put32(f, len);
	f->n = end;
}

/* A section header up to its options; end_block(f, returned) ends it. */
static size_t shb_start(struct file *f)
{
	size_t at = block(f, 0x0A0D0D0A);

	put32(f, 0x1A2B3C4D);
	put16(f, 1);
	put16(f, 0);
	put64(f, UINT64_MAX);
	return at;
}

static void shb(struct file *f)
{
	end_block(f, shb_start(f));
}

/* An interface; tsresol 0xff: none given (microseconds). */
static void idb(struct file *f, uint16_t linktype, uint32_t snaplen, uint8_t tsresol,
		int64_t tsoffset)
{
	size_t at = block(f, 1);

	put16(f, linktype);
	put16(f, 0);
	put32(f, snaplen);
	if (tsresol != 0xff) {
		put16(f, 9);
		put16(f, 1);
		bytes(f, &tsresol, 1);
	}
	if (tsoffset) {
		put16(f, 14);
		put16(f, 8);
		put64(f, (uint64_t)tsoffset);
	}
	put16(f, 0);
	put16(f, 0);
	end_block(f, at);
}

static void epb(struct file *f, uint32_t iface, uint64_t ts, const char *data)
{
	size_t at = block(f, 6);

	put32(f, iface);
	put32(f, (uint32_t)(ts >> 32));
	put32(f, (uint32_t)ts);
	put32(f, (uint32_t)strlen(data));
	put32(f, (uint32_t)strlen(data));
	bytes(f, data, strlen(data));
	end_block(f, at);
}

/* Read every frame of f into frames[] (at most max); returns the count,
 * or -1 after an error (message in err). */
static int read_all(const struct file *f, struct capframe *frames, char copies[][16], int max,
		    char *err, size_t errlen)
{
	FILE *fp = fmemopen((void *)f->b, f->n, "rb");
	struct pcapng ng;
	int n = 0, rc;

	CU_ASSERT_FATAL(fp != NULL);
	if (ng_open(&ng, fp) < 0) {
		snprintf(err, errlen, "%s", ng.err);
		ng_free(&ng);
		fclose(fp);
		return -1;
	}
	while (n < max && (rc = ng_next(&ng, &frames[n])) == 1) {
		snprintf(copies[n], 16, "%.*s", (int)frames[n].caplen,
			 frames[n].data ? (const char *)frames[n].data : "");
		frames[n].data = NULL;
		n++;
	}
	if (rc < 0)
		snprintf(err, errlen, "%s", ng.err);
	ng_free(&ng);
	fclose(fp);
	return rc < 0 ? -1 : n;
}

static void test_interfaces_and_times(void)
{
	static struct file f, g;
	struct capframe fr[8];
	char data[8][16], err[200] = "";
	size_t at;
	int n;

	shb(&f);
	idb(&f, 1, 0, 0x80 | 10, 100);      /* Ethernet, 2^-10 s, +100 s */
	idb(&f, 276, 0, 9, 0);              /* SLL2, nanoseconds */
	epb(&f, 0, 5 * 1024 + 512, "abc");  /* 5.5 s + 100 */
	at = block(&f, 0x0bad);             /* a custom block: skipped */
	bytes(&f, "xyz", 3);
	end_block(&f, at);
	epb(&f, 1, 7000001999ull, "defg");  /* 7.000001999 s */
	at = block(&f, 3);                  /* simple: interface 0, no time */
	put32(&f, 5);
	bytes(&f, "hello", 5);
	end_block(&f, at);
	at = block(&f, 2);                  /* obsolete packet block, interface 1 */
	put16(&f, 1);
	put16(&f, 0);
	put32(&f, 0);
	put32(&f, 2000000000);
	put32(&f, 2);
	put32(&f, 2);
	bytes(&f, "pb", 2);
	end_block(&f, at);
	at = block(&f, 9);                  /* systemd journal entry: a frame */
	end_block(&f, at);
	/* A second section, big-endian, with its own (one) interface. */
	g.big = true;
	shb(&g);
	idb(&g, 101, 0, 0xff, 0);
	epb(&g, 0, 3000000, "be");
	memcpy(f.b + f.n, g.b, g.n);
	f.n += g.n;

	n = read_all(&f, fr, data, 8, err, sizeof err);
	CU_ASSERT_EQUAL_FATAL(n, 6);
	CU_ASSERT_EQUAL(fr[0].linktype, 1);
	CU_ASSERT_EQUAL(fr[0].t, 105500000);
	CU_ASSERT_STRING_EQUAL(data[0], "abc");
	CU_ASSERT_EQUAL(fr[1].linktype, 276);
	CU_ASSERT_EQUAL(fr[1].t, 7000001);
	CU_ASSERT_STRING_EQUAL(data[1], "defg");
	CU_ASSERT_EQUAL(fr[2].linktype, 1);
	CU_ASSERT_EQUAL(fr[2].t, 0);
	CU_ASSERT_EQUAL(fr[2].caplen, 5);
	CU_ASSERT_STRING_EQUAL(data[2], "hello");
	CU_ASSERT_EQUAL(fr[3].linktype, 276);
	CU_ASSERT_EQUAL(fr[3].t, 2000000);
	CU_ASSERT_STRING_EQUAL(data[3], "pb");
	CU_ASSERT_EQUAL(fr[4].linktype, -1);
	CU_ASSERT_EQUAL(fr[5].linktype, 101);
	CU_ASSERT_EQUAL(fr[5].t, 3000000);
	CU_ASSERT_STRING_EQUAL(data[5], "be");
}

/* Damage: each case one error naming the block's byte offset. */
static void test_damage(void)
{
	static struct file f;
	struct capframe fr[4];
	char data[4][16], err[200];
	size_t second;

	/* A packet on an interface the section does not describe. */
	memset(&f, 0, sizeof f);
	shb(&f);
	idb(&f, 1, 0, 0xff, 0);
	second = f.n;
	epb(&f, 3, 0, "x");
	CU_ASSERT_EQUAL(read_all(&f, fr, data, 4, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "interface 3"));
	{
		char at[32];

		snprintf(at, sizeof at, "byte %zu", second);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, at));
	}
	/* A captured length past its block. */
	memset(&f, 0, sizeof f);
	shb(&f);
	idb(&f, 1, 0, 0xff, 0);
	epb(&f, 0, 0, "abcd");
	f.b[second + 20] = 200;    /* caplen (little-endian low byte) */
	CU_ASSERT_EQUAL(read_all(&f, fr, data, 4, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "packet of 200 bytes"));
	/* A simple packet longer than its block (no snap length to cut it). */
	memset(&f, 0, sizeof f);
	shb(&f);
	idb(&f, 1, 0, 0xff, 0);
	{
		size_t at = block(&f, 3);

		put32(&f, 9);
		bytes(&f, "hello", 5);
		end_block(&f, at);
	}
	CU_ASSERT_EQUAL(read_all(&f, fr, data, 4, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "packet of 9 bytes in 8 bytes"));
	/* Cut inside the last block. */
	memset(&f, 0, sizeof f);
	shb(&f);
	idb(&f, 1, 0, 0xff, 0);
	epb(&f, 0, 0, "abcd");
	f.n -= 3;
	CU_ASSERT_EQUAL(read_all(&f, fr, data, 4, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "ends inside the block"));
	/* A bad byte-order magic, and a version 2 section. */
	memset(&f, 0, sizeof f);
	shb(&f);
	f.b[8] = 0x55;
	CU_ASSERT_EQUAL(read_all(&f, fr, data, 4, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "byte-order magic"));
	memset(&f, 0, sizeof f);
	shb(&f);
	f.b[12] = 2;
	CU_ASSERT_EQUAL(read_all(&f, fr, data, 4, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "version 2.0"));
	/* Timestamp units past what 64 bits hold. */
	memset(&f, 0, sizeof f);
	shb(&f);
	idb(&f, 1, 0, 20, 0);
	CU_ASSERT_EQUAL(read_all(&f, fr, data, 4, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "10^-20"));
}

/* An option: code, length, value padded to 4. */
static void option(struct file *f, uint16_t code, const char *val)
{
	put16(f, code);
	put16(f, (uint16_t)strlen(val));
	bytes(f, val, strlen(val));
}

/* Open f and read its first frame, which must be there: the stream to
 * close after ng_free. */
static FILE *first_frame(struct file *f, struct pcapng *ng)
{
	FILE *fp = fmemopen(f->b, f->n, "rb");
	struct capframe fr;

	CU_ASSERT_FATAL(fp != NULL);
	CU_ASSERT_EQUAL_FATAL(ng_open(ng, fp), 0);
	CU_ASSERT_EQUAL(ng_next(ng, &fr), 1);
	return fp;
}

/* The capture's own words: the first section's first comment and each
 * interface's if_name, kept as bytes (escaping is the page's); a section
 * option that runs past its block does not cost the file. */
static void test_comment_and_names(void)
{
	static struct file f, g;
	FILE *fp;
	struct pcapng ng;
	size_t at = shb_start(&f);

	option(&f, 1, "<b>lab</b> & \"capture\"");
	option(&f, 1, "a second comment");
	put32(&f, 0);
	end_block(&f, at);
	at = block(&f, 1);
	put16(&f, 1);
	put16(&f, 0);
	put32(&f, 0);
	option(&f, 2, "eth0\"><img src=x>");
	put32(&f, 0);
	end_block(&f, at);
	epb(&f, 0, 1, "abc");
	fp = first_frame(&f, &ng);
	CU_ASSERT_STRING_EQUAL(ng.comment, "<b>lab</b> & \"capture\"");
	CU_ASSERT_EQUAL_FATAL(ng.nifs, 1);
	CU_ASSERT_STRING_EQUAL(ng.ifs[0].name, "eth0\"><img src=x>");
	ng_free(&ng);
	fclose(fp);

	/* A comment whose length runs past the section header. */
	at = shb_start(&g);
	put16(&g, 1);
	put16(&g, 200);
	end_block(&g, at);
	idb(&g, 1, 0, 0xff, 0);
	epb(&g, 0, 1, "abc");
	fp = first_frame(&g, &ng);
	CU_ASSERT_STRING_EQUAL(ng.comment, "");
	CU_ASSERT_STRING_EQUAL(ng.ifs[0].name, "");
	ng_free(&ng);
	fclose(fp);
}

void suite_pcapng(void)
{
	UNIT_SUITE("pcapng",
		   UNIT_TEST(test_interfaces_and_times),
		   UNIT_TEST(test_damage),
		   UNIT_TEST(test_comment_and_names));
}
