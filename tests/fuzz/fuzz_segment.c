/* fuzz_segment.c - libFuzzer harness for the frame decoder (src/decode/segment.c).
 *
 * Input: byte 0 picks the link type (modulo the table below, which ends
 * with one the decoder does not support); the rest is one captured frame.
 * The frame is copied into a malloc'd buffer of exactly its size, so
 * AddressSanitizer reports any read past the captured bytes.
 *
 * Every frame is decoded three ways -- seg_decode, seg_decode_ex(0) and
 * seg_decode_ex(SEG_NO_OPTIONS) -- plus once with its last byte cut off
 * (in its own exact-size buffer), and the invariants below are checked;
 * a broken one calls __builtin_trap().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <pcap/pcap.h>

#include "decode/segment.h"

#define LINKTYPE_RAW 101
#define UNSUPPORTED_LINKTYPE 147 /* DLT_USER0: never a decoder link type */

/* The first ten keep their numbers, so that old seeds mean what they did. */
static const int linktypes[] = {
	DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, LINKTYPE_RAW,
	DLT_IPV4,   DLT_IPV6,      DLT_NULL,       DLT_LOOP, UNSUPPORTED_LINKTYPE,
	DLT_PPP, DLT_PPP_SERIAL, DLT_C_HDLC, DLT_FDDI, DLT_ARCNET, DLT_ARCNET_LINUX,
	DLT_IEEE802_11, DLT_IEEE802_11_RADIO, DLT_PPI, 258 /* PKTAP */, DLT_NFLOG,
	DLT_IPOIB, DLT_JUNIPER_ETHER,
};
#define NLINK (sizeof linktypes / sizeof linktypes[0])

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Everything but .opt. */
static bool same_but_opt(const struct segment *a, const struct segment *b)
{
	return a->kind == b->kind && a->family == b->family &&
	       memcmp(a->src, b->src, 16) == 0 && memcmp(a->dst, b->dst, 16) == 0 &&
	       a->ttl == b->ttl && a->ip_id == b->ip_id && a->flowlabel == b->flowlabel &&
	       a->df == b->df && memcmp(a->qsrc, b->qsrc, 16) == 0 &&
	       memcmp(a->qdst, b->qdst, 16) == 0 && a->sport == b->sport &&
	       a->dport == b->dport && a->seq == b->seq && a->ack == b->ack &&
	       a->flags == b->flags && a->win == b->win && a->len == b->len &&
	       a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code;
}

static bool same_opt(const struct tcp_opts *a, const struct tcp_opts *b)
{
	return a->has_mss == b->has_mss && a->has_wscale == b->has_wscale &&
	       a->sack_perm == b->sack_perm && a->has_ts == b->has_ts &&
	       a->has_sack == b->has_sack && a->truncated == b->truncated &&
	       a->skipped == b->skipped && a->mss == b->mss && a->wscale == b->wscale &&
	       a->tsval == b->tsval && a->tsecr == b->tsecr && a->len == b->len;
}

/* What must hold of any SEG_OK result. */
static void check_ok(const struct segment *s, bool no_opts)
{
	size_t alen;

	CHECK(s->kind == SEG_TCP || s->kind == SEG_ICMP_ERR);
	CHECK(s->family == AF_INET || s->family == AF_INET6);
	alen = seg_addrlen(s->family);
	/* IPv4 addresses: the first 4 bytes, zeros after (flowtable relies
	 * on it for hashing and comparing fixed-size words). */
	CHECK(all_zero(s->src + alen, 16 - alen));
	CHECK(all_zero(s->dst + alen, 16 - alen));
	CHECK(all_zero(s->qsrc + alen, 16 - alen));
	CHECK(all_zero(s->qdst + alen, 16 - alen));
	CHECK(s->flowlabel <= 0xfffff);
	if (s->family == AF_INET6) {
		CHECK(s->ip_id == 0 && !s->df);
	} else {
		CHECK(s->flowlabel == 0);
	}
	/* The payload length comes from a 16-bit IP length field, or from
	 * the frame's length (IP length 0) or a 32-bit jumbo length. */
	CHECK(s->len <= 65535 || s->kind == SEG_TCP);
	/* A tunnel id exactly when a tunnel was crossed, and not too many. */
	CHECK(s->encap <= SEG_MAX_ENCAP);
	CHECK(s->tunnel == 0 || s->encap > 0);

	/* Options. */
	CHECK(s->opt.len <= 40);
	CHECK(s->opt.len % 4 == 0);
	CHECK(s->opt.skipped == no_opts);
	if (no_opts || s->kind == SEG_ICMP_ERR) {
		struct tcp_opts z;

		memset(&z, 0, sizeof z);
		z.skipped = no_opts;
		CHECK(same_opt(&s->opt, &z));
	} else {
		if (s->opt.has_mss || s->opt.has_wscale || s->opt.sack_perm ||
		    s->opt.has_ts || s->opt.has_sack)
			CHECK(s->opt.len > 0);
		if (s->opt.has_ts)
			CHECK(s->opt.len >= 10);
	}

	if (s->kind == SEG_TCP) {
		CHECK(s->icmp_type == 0 && s->icmp_code == 0);
		CHECK(all_zero(s->qsrc, 16) && all_zero(s->qdst, 16));
		/* opt.len is data offset*4 - 20, inside the declared length. */
		CHECK((uint64_t)s->opt.len + 20 + s->len <= 0xffffffffu || no_opts);
	} else {
		if (s->family == AF_INET)
			CHECK(s->icmp_type == 3 || s->icmp_type == 4 || s->icmp_type == 11 ||
			      s->icmp_type == 12);
		else
			CHECK(s->icmp_type >= 1 && s->icmp_type <= 4);
	}
}

/* A frame cut shorter (the same length on the wire) decodes to the same
 * TCP header fields if it decodes at all: payload length comes from the IP
 * header or the wire, not the capture. */
static void check_prefix(int lt, const uint8_t *data, size_t n, size_t wire,
			 const struct segment *full)
{
	struct segment s;
	enum seg_result r;
	uint8_t *buf = malloc(n ? n : 1);

	if (!buf)
		return;
	if (n)
		memcpy(buf, data, n);
	r = seg_decode_ex(lt, n ? buf : NULL, n, wire, &s, SEG_NO_OPTIONS);
	CHECK(r <= SEG_LINK);
	if (r == SEG_OK) {
		check_ok(&s, true);
		CHECK(s.kind == full->kind && s.family == full->family);
		CHECK(memcmp(s.src, full->src, 16) == 0 && memcmp(s.dst, full->dst, 16) == 0);
		CHECK(s.sport == full->sport && s.dport == full->dport && s.seq == full->seq);
		if (s.kind == SEG_TCP)
			CHECK(same_but_opt(&s, full));
		else
			CHECK(memcmp(s.qsrc, full->qsrc, 16) == 0 &&
			      memcmp(s.qdst, full->qdst, 16) == 0);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct segment a, b, c;
	enum seg_result ra, rb, rc;
	uint8_t *frame;
	size_t n;
	int lt;

	if (size < 1)
		return 0;
	lt = linktypes[data[0] % NLINK];
	n = size - 1;
	frame = malloc(n ? n : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 1, n);

	ra = seg_decode(lt, frame, n, &a);
	rb = seg_decode_ex(lt, frame, n, n, &b, 0);
	rc = seg_decode_ex(lt, frame, n, n, &c, SEG_NO_OPTIONS);

	CHECK(ra <= SEG_LINK);
	CHECK(seg_result_name(ra) != NULL);
	/* seg_decode is seg_decode_ex with no flags, and deterministic. */
	CHECK(ra == rb);
	if (ra == SEG_OK)
		CHECK(same_but_opt(&a, &b) && same_opt(&a.opt, &b.opt));
	/* Skipping options changes nothing but .opt. */
	CHECK(ra == rc);
	if (ra == SEG_OK) {
		check_ok(&a, false);
		check_ok(&c, true);
		CHECK(same_but_opt(&a, &c));
	}
	/* SEG_LINK exactly for the link types the decoder does not know. */
	CHECK((ra == SEG_LINK) == !seg_linktype_supported(lt));
	CHECK(seg_linktype_supported(lt) == (lt != UNSUPPORTED_LINKTYPE));

	if (ra == SEG_OK && n > 0)
		check_prefix(lt, frame, n - 1, n, &a);

	/* No frame at all: never a decoded segment. */
	if (data[0] == 0) {
		struct segment z;
		enum seg_result rz = seg_decode(lt, NULL, n, &z);

		CHECK(rz == SEG_TRUNC || rz == SEG_BAD);
	}
	free(frame);
	return 0;
}
