/* reasm.c - IP fragment reassembly (see reasm.h).
 *
 * A datagram in progress keeps its fragments in a list sorted by offset,
 * each with its bytes; the list is checked whole for overlaps on each
 * insertion, which the byte limit keeps short (at most a few thousand
 * 8-byte fragments).  Datagrams are found through a hash table and given
 * up oldest first: capture time never runs backwards in replay, so the
 * order of creation is the order of expiry.
 */
#include "decode/reasm.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode/gate.h"
#include "decode/segpriv.h"

#define NBUCKETS  1024u           /* a power of two */
#define V4_HDR    20
#define V6_HDR    40
#define V6_FRAGH  8
#define NH_FRAG   44
#define V4_MF     0x2000
#define V4_DF     0x4000
#define V4_OFFSET 0x1fff

struct frag {
	struct frag *next;
	uint32_t off, len;
	bool joins;           /* appended in order right after the one before */
	uint8_t data[];
};

struct reasm_dgram {
	struct reasm_dgram *hnext;          /* hash chain */
	struct reasm_dgram *older, *newer;  /* order of creation */
	struct frag *head, *tail;
	ka_time born;
	uint32_t ctx, id, hash;
	uint8_t family, proto;
	uint8_t src[16], dst[16];
	uint8_t *hdr;         /* the first fragment's header (IPv6: up to the
			       * Fragment header), once it came */
	uint16_t hlen, nh_at; /* its length; IPv6: where its next header is */
	uint8_t nh;           /* IPv6: the Fragment header's next header */
	bool first_in, last_in;
	uint32_t len;         /* payload: the end once the last fragment came */
	uint32_t meat;        /* payload bytes held */
	uint32_t frames;
	size_t bytes;         /* counted against the limit */
};

/* One fragment, as read from its header. */
struct fparse {
	int family;
	const uint8_t *src, *dst, *data, *hdr;
	uint32_t id, off, len;
	uint16_t hlen, nh_at;
	uint8_t proto, nh;
	bool more;
};

/* ---- reading a fragment --------------------------------------------------- */

static enum reasm_result parse_v4(const uint8_t *ip, size_t cap, size_t rep, struct fparse *f)
{
	size_t ihl, total;
	uint16_t fo;

	if (cap < V4_HDR)
		return REASM_TRUNC;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < V4_HDR)
		return REASM_BAD;
	if (cap < ihl)
		return REASM_TRUNC;
	/* ip_rcv_core checks each fragment's header before ip_defrag. */
	if (gate_csum_fold(gate_csum_add(0, ip, ihl)) != 0xffff)
		return REASM_BAD;
	total = rd16(ip + 2);
	fo = rd16(ip + 6);
	if (total < ihl || total > rep || !(fo & (V4_MF | V4_OFFSET)))
		return REASM_BAD;
	if (total > cap)
		return REASM_TRUNC;
	*f = (struct fparse){ .family = AF_INET, .src = ip + 12, .dst = ip + 16,
		.data = ip + ihl, .hdr = ip, .id = rd16(ip + 4), .off = (uint32_t)(fo & V4_OFFSET) * 8,
		.len = (uint32_t)(total - ihl), .hlen = (uint16_t)ihl, .proto = ip[9],
		.more = fo & V4_MF };
	if (f->more)
		f->len &= ~7u;  /* ip_frag_queue: "end &= ~7" */
	return REASM_HELD;
}

/* The unfragmentable part (RFC 8200 4.5): Hop-by-Hop, Destination
 * Options and Routing headers, up to the Fragment header. */
static enum reasm_result parse_v6(const uint8_t *ip, size_t cap, size_t rep, struct fparse *f)
{
	size_t plen, end, o = V6_HDR, nh_at = 6;
	uint8_t nh;
	uint16_t fo;

	if (cap < V6_HDR)
		return REASM_TRUNC;
	plen = rd16(ip + 4);
	end = V6_HDR + plen;
	if (plen == 0 || end > rep)
		return REASM_BAD;   /* a jumbogram is never fragmented (RFC 2675) */
	if (end > cap)
		return REASM_TRUNC;
	nh = ip[6];
	while (nh == 0 || nh == 43 || nh == 60) {
		if (o + 2 > end)
			return REASM_BAD;
		nh_at = o;
		nh = ip[o];
		o += ((size_t)ip[o + 1] + 1) * 8;
	}
	if (nh != NH_FRAG || o + V6_FRAGH > end || o > UINT16_MAX)
		return REASM_BAD;
	fo = rd16(ip + o + 2);
	*f = (struct fparse){ .family = AF_INET6, .src = ip + 8, .dst = ip + 24,
		.data = ip + o + V6_FRAGH, .hdr = ip, .id = rd32(ip + o + 4),
		.off = fo & ~7u, .len = (uint32_t)(end - o - V6_FRAGH), .hlen = (uint16_t)o,
		.nh_at = (uint16_t)nh_at, .nh = ip[o], .more = fo & 1 };
	if (f->more && (f->len & 7))
		return REASM_BAD;   /* ip6_frag_queue: a parameter problem */
	return REASM_HELD;
}

/* ---- datagrams ---------------------------------------------------------------- */

static uint32_t key_hash(const struct fparse *f, uint32_t ctx)
{
	size_t al = f->family == AF_INET6 ? 16 : 4;
	uint32_t h = 2166136261u ^ f->id ^ ((uint32_t)f->proto << 24) ^ ctx;

	for (size_t i = 0; i < al; i++)
		h = (h ^ f->src[i] ^ (uint32_t)f->dst[i] << 8) * 16777619u;
	return h ^ h >> 15;
}

static bool same_key(const struct reasm_dgram *d, const struct fparse *f, uint32_t ctx,
		     uint32_t hash)
{
	size_t al = f->family == AF_INET6 ? 16 : 4;

	return d->hash == hash && d->family == f->family && d->id == f->id &&
	       d->proto == f->proto && d->ctx == ctx && memcmp(d->src, f->src, al) == 0 &&
	       memcmp(d->dst, f->dst, al) == 0;
}

static void unlink_dgram(struct reasm *r, struct reasm_dgram *d)
{
	struct reasm_dgram **pp = &r->bucket[d->hash & (NBUCKETS - 1)];

	while (*pp != d)
		pp = &(*pp)->hnext;
	*pp = d->hnext;
	if (d->older)
		d->older->newer = d->newer;
	else
		r->oldest = d->newer;
	if (d->newer)
		d->newer->older = d->older;
	else
		r->newest = d->older;
	for (struct frag *p = d->head, *next; p; p = next) {
		next = p->next;
		free(p);
	}
	r->bytes -= d->bytes;
	r->n--;
	free(d->hdr);
	free(d);
}

/* Give a datagram up: its frames so far are lost. */
static void kill_dgram(struct reasm *r, struct reasm_dgram *d)
{
	r->lost += d->frames;
	unlink_dgram(r, d);
}

void reasm_expire(struct reasm *r, ka_time t)
{
	while (r->oldest && (t < 0 || t - r->oldest->born > r->lim.timeout)) {
		r->timeouts++;
		kill_dgram(r, r->oldest);
	}
}

static struct reasm_dgram *new_dgram(struct reasm *r, ka_time t, uint32_t ctx,
				     const struct fparse *f, uint32_t hash)
{
	struct reasm_dgram *d;
	size_t al = f->family == AF_INET6 ? 16 : 4;

	if (r->n >= r->lim.max_dgrams || r->bytes + sizeof *d > r->lim.max_bytes ||
	    !(d = calloc(1, sizeof *d)))
		return NULL;
	d->born = t;
	d->ctx = ctx;
	d->id = f->id;
	d->hash = hash;
	d->family = (uint8_t)f->family;
	d->proto = f->proto;
	memcpy(d->src, f->src, al);
	memcpy(d->dst, f->dst, al);
	d->bytes = sizeof *d;
	r->bytes += d->bytes;
	d->hnext = r->bucket[hash & (NBUCKETS - 1)];
	r->bucket[hash & (NBUCKETS - 1)] = d;
	d->older = r->newest;
	if (r->newest)
		r->newest->newer = d;
	else
		r->oldest = d;
	r->newest = d;
	r->n++;
	return d;
}

/* ---- placing a fragment -------------------------------------------------------- */

/* inet_frag_queue_insert's verdict on [off, end): REASM_HELD with *prev
 * the fragment to insert after (NULL: first), REASM_DUP when it lies
 * inside a run held, REASM_DROPPED on any other overlap. */
static enum reasm_result place(const struct reasm_dgram *d, uint32_t off, uint32_t end,
			       struct frag **prev)
{
	*prev = NULL;
	for (struct frag *n = d->head, *last; n; n = last->next) {
		uint32_t rs = n->off, re = n->off + n->len;

		for (last = n; last->next && last->next->joins; last = last->next)
			re = last->next->off + last->next->len;
		if (off < re && end > rs)
			return off >= rs && end <= re ? REASM_DUP : REASM_DROPPED;
		if (rs < off)
			*prev = last;
	}
	return REASM_HELD;
}

/* The end and length checks of ip_frag_queue and ip6_frag_queue: whether
 * the fragment's end agrees with the datagram's (else the datagram is
 * corrupt) and the whole stays under 65,535 bytes. */
static bool fits(struct reasm *r, struct reasm_dgram *d, const struct fparse *f)
{
	uint32_t end = f->off + f->len;
	uint32_t total = f->family == AF_INET6 ? f->hlen - V6_HDR + end : f->hlen + end;
	bool ok;

	if (total > REASM_MAX_LEN) {
		r->oversize++;
		return false;
	}
	if (!f->more) {
		ok = end >= d->len && (!d->last_in || end == d->len);
		d->last_in = true;
		d->len = end;
	} else {
		ok = end <= d->len || !d->last_in;
		d->len = end > d->len ? end : d->len;
	}
	ok = ok && f->len != 0;
	r->corrupt += !ok;
	return ok;
}

/* Keep the first fragment's header: the datagram's, once whole. */
static bool keep_header(struct reasm_dgram *d, const struct fparse *f)
{
	if (!(d->hdr = malloc(f->hlen)))
		return false;
	memcpy(d->hdr, f->hdr, f->hlen);
	d->hlen = f->hlen;
	d->nh_at = f->nh_at;
	d->nh = f->nh;
	d->first_in = true;
	return true;
}

static enum reasm_result insert(struct reasm *r, struct reasm_dgram *d, const struct fparse *f)
{
	size_t need = sizeof(struct frag) + f->len + (f->off == 0 ? f->hlen : 0);
	enum reasm_result v;
	struct frag *prev, *n;

	v = place(d, f->off, f->off + f->len, &prev);
	if (v != REASM_HELD)
		return v;
	if (r->bytes + need > r->lim.max_bytes || !(n = malloc(sizeof *n + f->len)))
		return REASM_FULL;
	if (f->off == 0 && !keep_header(d, f)) {
		free(n);
		return REASM_FULL;
	}
	n->off = f->off;
	n->len = f->len;
	memcpy(n->data, f->data, f->len);
	n->joins = prev && prev == d->tail && prev->off + prev->len == f->off;
	n->next = prev ? prev->next : d->head;
	if (prev)
		prev->next = n;
	else
		d->head = n;
	if (!n->next)
		d->tail = n;
	d->meat += f->len;
	d->bytes += need;
	r->bytes += need;
	return REASM_HELD;
}

/* ---- the whole datagram ------------------------------------------------------ */

/* ip_frag_reasm, ip6_frag_reasm: the first fragment's header without its
 * fragment fields, then the payload. */
static size_t assemble(const struct reasm_dgram *d, uint8_t *out)
{
	size_t at = d->hlen;

	memcpy(out, d->hdr, d->hlen);
	for (const struct frag *p = d->head; p; p = p->next)
		memcpy(out + d->hlen + p->off, p->data, p->len);
	at += d->len;
	if (d->family == AF_INET6) {
		out[d->nh_at] = d->nh;
		out[4] = (uint8_t)((at - V6_HDR) >> 8);
		out[5] = (uint8_t)(at - V6_HDR);
		return at;
	}
	out[2] = (uint8_t)(at >> 8);
	out[3] = (uint8_t)at;
	out[6] &= V4_DF >> 8;   /* DF stays; MF and the offset go */
	out[7] = 0;
	out[10] = out[11] = 0;
	uint16_t c = (uint16_t)~gate_csum_fold(gate_csum_add(0, out, d->hlen));
	out[10] = (uint8_t)(c >> 8);
	out[11] = (uint8_t)c;
	return at;
}

/* An IPv6 atomic fragment (offset 0, no more): ipv6_frag_rcv passes it on
 * at once, without a queue (RFC 6946). */
static size_t atomic(const struct fparse *f, uint8_t *out)
{
	size_t at = f->hlen + f->len;

	/* The fragment may lie in `out` itself (a datagram just reassembled
	 * held it): the bytes move down, and memmove allows that. */
	memmove(out, f->hdr, f->hlen);
	memmove(out + f->hlen, f->data, f->len);
	out[f->nh_at] = f->nh;
	out[4] = (uint8_t)((at - V6_HDR) >> 8);
	out[5] = (uint8_t)(at - V6_HDR);
	return at;
}

static bool ready(struct reasm *r)
{
	if (!r->bucket && !(r->bucket = calloc(NBUCKETS, sizeof *r->bucket)))
		return false;
	/* The longest datagram: an IPv6 payload of 65,535 bytes after its
	 * 40-byte header (an IPv4 one is shorter). */
	return r->out || (r->out = malloc(V6_HDR + REASM_MAX_LEN));
}

void reasm_init(struct reasm *r, const struct reasm_limits *lim)
{
	*r = (struct reasm){ .lim = { REASM_MAX_BYTES, REASM_MAX_DGRAMS, REASM_TIMEOUT_US } };
	if (lim)
		r->lim = *lim;
}

void reasm_free(struct reasm *r)
{
	while (r->oldest)
		unlink_dgram(r, r->oldest);
	free(r->bucket);
	free(r->out);
	r->bucket = NULL;
	r->out = NULL;
}

/* Find or start the fragment's datagram; NULL when there is no room. */
static struct reasm_dgram *find(struct reasm *r, ka_time t, uint32_t ctx, const struct fparse *f)
{
	uint32_t h = key_hash(f, ctx);
	struct reasm_dgram *d = r->bucket[h & (NBUCKETS - 1)];

	while (d && !same_key(d, f, ctx, h))
		d = d->hnext;
	return d ? d : new_dgram(r, t, ctx, f, h);
}

/* A fragment with no room: dropped, and its frame lost. */
static enum reasm_result no_room(struct reasm *r)
{
	r->full++;
	r->lost++;
	return REASM_FULL;
}

enum reasm_result reasm_add(struct reasm *r, ka_time t, uint32_t ctx, const uint8_t *ip,
			    size_t cap, size_t rep, const uint8_t **out, size_t *outlen)
{
	struct fparse f;
	struct reasm_dgram *d;
	enum reasm_result v;

	v = cap >= 1 && ip[0] >> 4 == 6 ? parse_v6(ip, cap, rep, &f) : parse_v4(ip, cap, rep, &f);
	if (v != REASM_HELD)
		return v;
	if (!ready(r))
		return no_room(r);
	if (f.family == AF_INET6 && f.off == 0 && !f.more) {
		*outlen = atomic(&f, r->out);
		*out = r->out;
		return REASM_DONE;
	}
	reasm_expire(r, t);
	if (!(d = find(r, t, ctx, &f)))
		return no_room(r);
	d->frames++;
	if (!fits(r, d, &f) || (v = insert(r, d, &f)) == REASM_DROPPED) {
		r->corrupt += v == REASM_DROPPED;
		kill_dgram(r, d);
		return REASM_DROPPED;
	}
	if (v == REASM_FULL) {
		d->frames--;
		return no_room(r);
	}
	if (v == REASM_DUP || !d->first_in || !d->last_in || d->meat != d->len)
		return v;
	/* fits() judged each fragment with its own header; the datagram
	 * takes the first one's, which may be longer (ip_frag_reasm's check). */
	if ((d->family == AF_INET6 ? d->hlen - V6_HDR : d->hlen) + d->len > REASM_MAX_LEN) {
		r->oversize++;
		kill_dgram(r, d);
		return REASM_DROPPED;
	}
	*outlen = assemble(d, r->out);
	*out = r->out;
	r->merged += d->frames - 1;
	unlink_dgram(r, d);
	return REASM_DONE;
}
