/* conntab.h - the engine's connections by 4-tuple.
 *
 * Every captured segment is looked up, some both ways (ours, then the
 * peer's: on loopback, or with more local addresses than it keeps), so a
 * miss must be cheap: open addressing over (hash, connection) pairs, so
 * that a lookup that fails reads the table and never a connection.  With 10,000 connections
 * the chained table it replaces spent 6% of kaprobe's CPU in lookups,
 * mostly cache misses on connections that did not match.
 */
#ifndef KAPROBE_CONNTAB_H
#define KAPROBE_CONNTAB_H

#include <stdint.h>

struct econn;

/* The local addresses of the connections filed (a host has few): a
 * segment from one of them to an address not among them can only be
 * ours, and the other way round only the peer's, which spares an answer
 * the lookup as if it were ours.  More than CT_LOCALS: no such shortcut. */
#define CT_LOCALS 8

struct conntab {
	struct ct_slot { uint32_t h; struct econn *c; } *slot;   /* c NULL: empty */
	unsigned mask;   /* slots - 1, a power of two less one */
	unsigned n;      /* filed */
	uint8_t local[CT_LOCALS][16];
	unsigned nlocal;   /* CT_LOCALS + 1: too many to tell */
};

/* Which way a segment from src to dst can go, given the local addresses
 * filed: CT_OURS (from us), CT_PEERS (to us), or both. */
enum { CT_OURS = 1, CT_PEERS = 2 };

/* Room for one more (0), or -1 with errno ENOMEM: called before the
 * connection exists, so that filing it (its 4-tuple known only once it
 * is connected) cannot fail. */
int conntab_reserve(struct conntab *t);
void conntab_add(struct conntab *t, struct econn *c);
void conntab_del(struct conntab *t, struct econn *c);
struct econn *conntab_find(const struct conntab *t, const uint8_t *laddr, const uint8_t *raddr,
			   uint16_t lport, uint16_t rport);
unsigned conntab_ways(const struct conntab *t, const uint8_t *src, const uint8_t *dst);
/* Empty the table: release(c, ctx) for every connection filed, each of
 * which must conntab_del it.  One pass: a deletion only moves entries
 * into the slot it empties, which is looked at again. */
void conntab_drain(struct conntab *t, void (*release)(struct econn *c, void *ctx), void *ctx);
void conntab_free(struct conntab *t);

#endif
