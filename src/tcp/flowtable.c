/* flowtable.c - replay's flow table (see flowtable.h). */
#include "tcp/flowtable.h"

#include <stdlib.h>
#include <string.h>

#include "decode/segment.h"

#define INITIAL_SLOTS 1024u

/* One end (address and port) mixed into 64 bits, word by word, with the
 * murmur3 finalizer's multiply-shift steps.  The two ends' hashes are then
 * added: addition makes the flow's hash symmetric.  (A byte-wise FNV here
 * was a fifth of replay's time.) */
static uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

static uint64_t hash_end(const uint8_t *addr, uint16_t port)
{
	uint64_t w0, w1;

	memcpy(&w0, addr, 8);
	memcpy(&w1, addr + 8, 8);
	return mix64(w0 ^ mix64(w1 ^ port));
}

uint32_t ft_hash(int family, const uint8_t *a, uint16_t pa, const uint8_t *b, uint16_t pb)
{
	uint64_t h = hash_end(a, pa) + hash_end(b, pb) + (uint64_t)family;

	return (uint32_t)(h ^ (h >> 29));
}

static uint32_t hash_rec(const struct flowtable *ft, uint32_t idx)
{
	const struct rflow *r = &ft->pool[idx];

	return ft_hash_in(ft_hash(r->family, r->addr[0], r->port[0], r->addr[1], r->port[1]),
			  ft_tunnel(ft, idx));
}

/* Addresses are compared, and hashed, as 16 bytes: an IPv4 address is
 * zero-padded in a record as in a decoded segment, and fixed sizes let the
 * compiler do it in two words instead of a library call per lookup. */
static bool end_is(const struct rflow *r, int e, const uint8_t *addr, uint16_t port)
{
	return r->port[e] == port && memcmp(r->addr[e], addr, 16) == 0;
}

int ft_dir(const struct rflow *r, const uint8_t *src, uint16_t sport)
{
	return end_is(r, 0, src, sport) ? 0 : 1;
}

/* Inlined in both probe runs: with two callers the compiler made it a
 * call per probe, which was measurable. */
static inline __attribute__((always_inline)) bool
matches(const struct rflow *r, int family, const uint8_t *src, uint16_t sport,
	const uint8_t *dst, uint16_t dport)
{
	if (r->family != family)
		return false;
	return (end_is(r, 0, src, sport) && end_is(r, 1, dst, dport)) ||
	       (end_is(r, 1, src, sport) && end_is(r, 0, dst, dport));
}

int ft_init(struct flowtable *ft)
{
	*ft = (struct flowtable){ .free_head = FT_NONE, .nslots = INITIAL_SLOTS,
				  .pr_free = FT_NONE };
	ft->slot = calloc(ft->nslots, sizeof *ft->slot);
	return ft->slot ? 0 : -1;
}

void ft_free(struct flowtable *ft)
{
	free(ft->pool);
	free(ft->slot);
	free(ft->tunnel);
	free(ft->probers);
	*ft = (struct flowtable){ .free_head = FT_NONE, .pr_free = FT_NONE };
}

uint32_t ft_find_tunnel(const struct flowtable *ft, uint32_t h, int family,
			const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport,
			uint32_t tunnel)
{
	uint32_t mask = ft->nslots - 1;

	if (!ft->tunnel)
		return FT_NONE; /* no flow is in a tunnel yet */
	for (uint32_t i = h & mask; ft->slot[i]; i = (i + 1) & mask) {
		uint32_t idx = ft->slot[i] - 1;

		if (ft->tunnel[idx] == tunnel &&
		    matches(&ft->pool[idx], family, src, sport, dst, dport))
			return idx;
	}
	return FT_NONE;
}

uint32_t ft_find_plain(const struct flowtable *ft, uint32_t h, int family, const uint8_t *src,
		       uint16_t sport, const uint8_t *dst, uint16_t dport)
{
	uint32_t mask = ft->nslots - 1;

	for (uint32_t i = h & mask; ft->slot[i];
	     i = (i + 1) & mask) {
		uint32_t idx = ft->slot[i] - 1;

		if (matches(&ft->pool[idx], family, src, sport, dst, dport))
			return idx;
	}
	return FT_NONE;
}

static void place(struct flowtable *ft, uint32_t idx)
{
	uint32_t mask = ft->nslots - 1, i = hash_rec(ft, idx) & mask;

	while (ft->slot[i])
		i = (i + 1) & mask;
	ft->slot[i] = idx + 1;
}

/* Double the index and place every live record again. */
static int grow_index(struct flowtable *ft)
{
	uint32_t *old = ft->slot, n = ft->nslots;

	if (n > UINT32_MAX / 2)
		return -1;
	ft->slot = calloc((size_t)n * 2, sizeof *ft->slot);
	if (!ft->slot) {
		ft->slot = old;
		return -1;
	}
	ft->nslots = n * 2;
	for (uint32_t i = 0; i < n; i++)
		if (old[i])
			place(ft, old[i] - 1);
	free(old);
	return 0;
}

/* The tunnel array to `cap` records, the new ones 0 (none). */
static int grow_tunnels(struct flowtable *ft, uint32_t cap)
{
	uint32_t *t = realloc(ft->tunnel, (size_t)cap * sizeof *t);

	if (!t)
		return -1;
	memset(t + ft->pool_cap, 0, (size_t)(cap - ft->pool_cap) * sizeof *t);
	ft->tunnel = t;
	return 0;
}

static uint32_t new_record(struct flowtable *ft)
{
	uint32_t idx;

	if (ft->free_head != FT_NONE) {
		idx = ft->free_head;
		ft->free_head = ft->pool[idx].prober[0];
		return idx;
	}
	if (ft->pool_used == ft->pool_cap) {
		uint32_t cap = ft->pool_cap ? ft->pool_cap * 2 : 1024;
		struct rflow *p;

		if (ft->pool_cap >= FT_NONE / 2 ||
		    !(p = realloc(ft->pool, (size_t)cap * sizeof *p)))
			return FT_NONE;
		ft->pool = p;
		if (ft->tunnel && grow_tunnels(ft, cap) < 0)
			return FT_NONE;
		ft->pool_cap = cap;
	}
	return ft->pool_used++;
}

uint32_t ft_insert(struct flowtable *ft, int family, const uint8_t *src, uint16_t sport,
		   const uint8_t *dst, uint16_t dport, uint32_t tunnel)
{
	size_t n = seg_addrlen(family);
	struct rflow *r;
	uint32_t idx;

	/* At most half full, so that linear probing stays short. */
	if ((uint64_t)(ft->live + 1) * 2 > ft->nslots && grow_index(ft) < 0)
		return FT_NONE;
	/* The first tunnel seen: from now on every record has an id (and
	 * new_record grows the array with the pool). */
	if (tunnel && !ft->tunnel) {
		ft->tunnel = calloc(ft->pool_cap ? ft->pool_cap : 1, sizeof *ft->tunnel);
		if (!ft->tunnel)
			return FT_NONE;
	}
	idx = new_record(ft);
	if (idx == FT_NONE)
		return FT_NONE;
	r = &ft->pool[idx];
	memset(r, 0, sizeof *r);
	memcpy(r->addr[0], src, n);
	memcpy(r->addr[1], dst, n);
	r->port[0] = sport;
	r->port[1] = dport;
	r->family = (uint8_t)family;
	r->rflags = RF_LIVE;
	if (ft->tunnel)
		ft->tunnel[idx] = tunnel;
	place(ft, idx);
	ft->live++;
	return idx;
}

void ft_remove(struct flowtable *ft, uint32_t idx)
{
	uint32_t mask = ft->nslots - 1, i = hash_rec(ft, idx) & mask, j;

	while (ft->slot[i] != idx + 1)
		i = (i + 1) & mask;
	/* Backward-shift deletion: pull later members of the probe run into
	 * the hole when their home slot does not lie between hole and them,
	 * so that no tombstones are needed. */
	for (j = (i + 1) & mask; ft->slot[j]; j = (j + 1) & mask) {
		uint32_t home = hash_rec(ft, ft->slot[j] - 1) & mask;

		if (((j - home) & mask) >= ((j - i) & mask)) {
			ft->slot[i] = ft->slot[j];
			i = j;
		}
	}
	ft->slot[i] = 0;
	for (int e = 0; e < 2; e++) {
		uint32_t p = ft->pool[idx].prober[e];

		if (p) {
			ft->probers[p - 1].probe_frame = ft->pr_free;
			ft->pr_free = p - 1;
		}
	}
	ft->pool[idx].rflags = 0;
	ft->pool[idx].prober[0] = ft->free_head;
	ft->free_head = idx;
	ft->live--;
}

struct rprober *ft_new_prober(struct flowtable *ft, uint32_t idx, int end)
{
	uint32_t p;

	if (ft->pr_free != FT_NONE) {
		p = ft->pr_free;
		ft->pr_free = ft->probers[p].probe_frame;
	} else {
		if (ft->pr_used == ft->pr_cap) {
			uint32_t cap = ft->pr_cap ? ft->pr_cap * 2 : 64;
			struct rprober *n;

			if (ft->pr_cap >= FT_NONE / 2 ||
			    !(n = realloc(ft->probers, (size_t)cap * sizeof *n)))
				return NULL;
			ft->probers = n;
			ft->pr_cap = cap;
		}
		p = ft->pr_used++;
	}
	ft->pool[idx].prober[end] = p + 1;
	memset(&ft->probers[p], 0, sizeof ft->probers[p]);
	return &ft->probers[p];
}
