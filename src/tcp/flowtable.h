/* flowtable.h - replay's flows: every TCP flow of a capture, by 4-tuple
 * and tunnel (segment.h: the same 4-tuple in two tunnels is two flows).
 *
 * Records live in one pool and are found through an open-addressing index
 * of 32-bit record numbers (linear probing, at most half full), so a flow
 * costs its record plus about 8 bytes of index.  The hash is symmetric: a
 * segment finds its flow whichever way it travels.  Records are handed out
 * as numbers, not pointers, because the pool moves when it grows.  Freed
 * records are reused, so memory follows the flows open at once, not the
 * flows seen.
 *
 * A flow's tunnel id is kept beside its record, in an array made only once
 * a capture shows a tunnel: the record stays 128 bytes, and a capture with
 * no tunnels never reads the array.
 */
#ifndef KAPROBE_FLOWTABLE_H
#define KAPROBE_FLOWTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/flow.h"
#include "tcp/keepalive.h"

#define FT_NONE UINT32_MAX

enum {
	RF_LIVE = 0x01,      /* the record holds a flow */
	RF_CLOSED = 0x04,    /* an RST, or a FIN each way, was seen */
};

enum {
	PF_VERDICT = 0x01,   /* its verdict has been reported */
	PF_WOULD_DIE = 0x02, /* the --idle/--intvl/--probes machine gave up */
};

/* One end of a flow that sent keep-alives: each such end is a prober of its
 * own, with its own machine, answers and verdict.  Probers live apart from
 * the flows, in a pool of their own, because few flows have any. */
struct rprober {
	struct ka_machine ka;     /* the probes seen and their answers */
	struct ka_machine would;  /* on its timer with the given timings */
	ka_time data_since;       /* first unacknowledged data, for --user-timeout; 0: none */
	uint32_t probe_frame;     /* frame of the latest probe (or the free list) */
	uint32_t gap_answered;    /* its probes answered since the flow's last data */
	uint8_t pflags;           /* PF_* */
};

/* One flow.  End 0 is the end that sent the first segment seen.  Every
 * field earns its place: at most 128 bytes a flow (test_flowtable checks). */
struct rflow {
	uint8_t addr[2][16];    /* IPv4 in the first 4 bytes */
	uint16_t port[2];
	uint8_t family;         /* AF_INET or AF_INET6 */
	uint8_t rflags;         /* RF_* */
	/* Each end's TTL (hop limit) on its first segment, 0: none seen: a
	 * close with another came from a box on the way. */
	uint8_t ttl[2];
	struct flow fl;         /* sequence state, Wireshark's way */
	ka_time last_us;        /* capture time of its latest segment */
	/* Its latest new data either way (its first segment when none): what
	 * an idle timer that counts data, and a close by it, is timed from. */
	ka_time data_us;
	/* For --middlebox: when its latest segment other than a keep-alive
	 * probe or answer was seen, and the longest silence since then. */
	ka_time traffic_us, max_quiet;
	/* Each end's prober number + 1, 0 while that end has not probed;
	 * prober[0] links the free list of a released record. */
	uint32_t prober[2];
	/* Frame number (mod 2^32) of its latest segment: the order of
	 * silence for --max-flows, even when capture time stands still. */
	uint32_t last_frame;
};

struct flowtable {
	struct rflow *pool;
	uint32_t pool_cap, pool_used;  /* allocated, and ever handed out */
	uint32_t free_head;            /* first reusable record, or FT_NONE */
	uint32_t live;                 /* flows held now */
	uint32_t *slot;                /* record number + 1; 0 is empty */
	uint32_t nslots;               /* a power of two */
	uint32_t *tunnel;              /* per record, or NULL: all 0 */
	struct rprober *probers;        /* the probers' pool, the same way */
	uint32_t pr_cap, pr_used, pr_free;
};

/* Returns 0, or -1 when out of memory. */
int ft_init(struct flowtable *ft);
void ft_free(struct flowtable *ft);

/* Addresses passed to these functions are 16 bytes, an IPv4 address in the
 * first 4 and zeros after it, as segment.c leaves them. */

/* The flow's hash: the same whichever way the segment travels. */
uint32_t ft_hash(int family, const uint8_t *src, uint16_t sport, const uint8_t *dst,
		 uint16_t dport);

/* That hash for the flow inside `tunnel`: a capture with no tunnels pays
 * one test for them. */
static inline uint32_t ft_hash_in(uint32_t h, uint32_t tunnel)
{
	return tunnel ? h ^ (uint32_t)(((uint64_t)tunnel * 0x9e3779b97f4a7c15ull) >> 32) : h;
}

/* ft_find's two probe runs: in a table that has had no tunnel, for a flow
 * in none; and otherwise, comparing the tunnel too. */
uint32_t ft_find_plain(const struct flowtable *ft, uint32_t h, int family, const uint8_t *src,
		       uint16_t sport, const uint8_t *dst, uint16_t dport);
uint32_t ft_find_tunnel(const struct flowtable *ft, uint32_t h, int family,
			const uint8_t *src, uint16_t sport, const uint8_t *dst, uint16_t dport,
			uint32_t tunnel);

/* The flow holding (src,sport)-(dst,dport) in either direction inside
 * `tunnel` (0: none), or FT_NONE; h is ft_hash_in(ft_hash(), tunnel) of
 * the same.  Inline, so that a capture without tunnels runs the probe run
 * it ran before there were tunnels, after one test at the caller. */
static inline uint32_t ft_find(const struct flowtable *ft, uint32_t h, int family,
			       const uint8_t *src, uint16_t sport, const uint8_t *dst,
			       uint16_t dport, uint32_t tunnel)
{
	if (tunnel || ft->tunnel)
		return ft_find_tunnel(ft, h, family, src, sport, dst, dport, tunnel);
	return ft_find_plain(ft, h, family, src, sport, dst, dport);
}

/* Hints for a lookup to come, so that its two cache misses (index slot,
 * then record) overlap other work: first the slot, later the record the
 * slot names.  They only prefetch; the table may change in between. */
static inline void ft_prefetch_slot(const struct flowtable *ft, uint32_t h)
{
	__builtin_prefetch(&ft->slot[h & (ft->nslots - 1)]);
}

static inline void ft_prefetch_record(const struct flowtable *ft, uint32_t h)
{
	uint32_t v = ft->slot[h & (ft->nslots - 1)];

	if (v && v - 1 < ft->pool_used)
		__builtin_prefetch(&ft->pool[v - 1]);
}

/* A new flow with end 0 = (src,sport), zeroed otherwise; FT_NONE when out of
 * memory.  Moves the pool: re-fetch record pointers after it. */
uint32_t ft_insert(struct flowtable *ft, int family, const uint8_t *src, uint16_t sport,
		   const uint8_t *dst, uint16_t dport, uint32_t tunnel);

/* The tunnel id of flow idx (0: none). */
static inline uint32_t ft_tunnel(const struct flowtable *ft, uint32_t idx)
{
	return ft->tunnel ? ft->tunnel[idx] : 0;
}

void ft_remove(struct flowtable *ft, uint32_t idx);  /* its probers too */

static inline struct rflow *ft_get(const struct flowtable *ft, uint32_t idx)
{
	return &ft->pool[idx];
}

/* A new prober for end `end` of flow idx, zeroed; NULL when out of memory.
 * Moves the probers' pool: re-fetch prober pointers after it. */
struct rprober *ft_new_prober(struct flowtable *ft, uint32_t idx, int end);

/* End `end`'s prober, or NULL when that end has not probed. */
static inline struct rprober *ft_prober(const struct flowtable *ft, const struct rflow *r, int end)
{
	return r->prober[end] ? &ft->probers[r->prober[end] - 1] : NULL;
}

/* Which end of the flow sent a segment from (src,sport): 0 or 1. */
int ft_dir(const struct rflow *r, const uint8_t *src, uint16_t sport);

#endif
