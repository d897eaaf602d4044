/* conntab.c - the engine's connections by 4-tuple (conntab.h): linear
 * probing, at most half full, and backward-shift deletion (no tombstones,
 * so a table that churns for days does not silt up). */
#include "engine/conntab.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#define FIRST_SLOTS 512

static uint32_t tuple_hash(const uint8_t *raddr, uint16_t lport, uint16_t rport)
{
	uint32_t h = 2166136261u;   /* FNV-1a */

	for (int i = 0; i < 16; i++)
		h = (h ^ raddr[i]) * 16777619u;
	h = (h ^ lport) * 16777619u;
	return (h ^ rport) * 16777619u;
}

static uint32_t hash_of(const struct econn *c)
{
	return tuple_hash(c->k.raddr, c->k.lport, c->k.rport);
}

static void place(struct ct_slot *slot, unsigned mask, uint32_t h, struct econn *c)
{
	unsigned i = h & mask;

	while (slot[i].c)
		i = (i + 1) & mask;
	slot[i] = (struct ct_slot){ h, c };
}

static int grow(struct conntab *t)
{
	unsigned n = t->slot ? (t->mask + 1) * 2 : FIRST_SLOTS;
	struct ct_slot *s = calloc(n, sizeof *s);

	if (!s)
		return -1;
	for (unsigned i = 0; t->slot && i <= t->mask; i++)
		if (t->slot[i].c)
			place(s, n - 1, t->slot[i].h, t->slot[i].c);
	free(t->slot);
	t->slot = s;
	t->mask = n - 1;
	return 0;
}

int conntab_reserve(struct conntab *t)
{
	if ((!t->slot || 2 * (t->n + 1) > t->mask + 1) && grow(t) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

static bool is_local(const struct conntab *t, const uint8_t *addr)
{
	for (unsigned i = 0; i < t->nlocal && i < CT_LOCALS; i++)
		if (memcmp(t->local[i], addr, 16) == 0)
			return true;
	return false;
}

void conntab_add(struct conntab *t, struct econn *c)
{
	place(t->slot, t->mask, hash_of(c), c);
	t->n++;
	if (t->nlocal <= CT_LOCALS && !is_local(t, c->k.laddr)) {
		if (t->nlocal < CT_LOCALS)
			memcpy(t->local[t->nlocal], c->k.laddr, 16);
		t->nlocal++;
	}
}

unsigned conntab_ways(const struct conntab *t, const uint8_t *src, const uint8_t *dst)
{
	bool from_us, to_us;

	if (t->nlocal > CT_LOCALS)
		return CT_OURS | CT_PEERS;
	from_us = is_local(t, src);
	to_us = is_local(t, dst);
	return (from_us ? CT_OURS : 0) | (to_us ? CT_PEERS : 0);
}

/* Close the gap: move up every later entry of the run that may sit in it. */
void conntab_del(struct conntab *t, struct econn *c)
{
	unsigned i = hash_of(c) & t->mask, j;

	if (!t->slot)
		return;
	while (t->slot[i].c && t->slot[i].c != c)
		i = (i + 1) & t->mask;
	if (!t->slot[i].c)
		return;
	t->slot[i].c = NULL;
	t->n--;
	for (j = (i + 1) & t->mask; t->slot[j].c; j = (j + 1) & t->mask) {
		unsigned home = t->slot[j].h & t->mask;

		/* Stays when its home lies cyclically in (i, j]. */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		t->slot[i] = t->slot[j];
		t->slot[j].c = NULL;
		i = j;
	}
}

struct econn *conntab_find(const struct conntab *t, const uint8_t *laddr, const uint8_t *raddr,
			   uint16_t lport, uint16_t rport)
{
	uint32_t h;

	if (!t->slot)   /* nothing filed yet: serve sees SYNs first */
		return NULL;
	h = tuple_hash(raddr, lport, rport);
	for (unsigned i = h & t->mask; t->slot[i].c; i = (i + 1) & t->mask) {
		const struct econn *c = t->slot[i].c;

		if (t->slot[i].h == h && c->k.lport == lport && c->k.rport == rport &&
		    memcmp(c->k.raddr, raddr, 16) == 0 && memcmp(c->k.laddr, laddr, 16) == 0)
			return t->slot[i].c;
	}
	return NULL;
}

void conntab_drain(struct conntab *t, void (*release)(struct econn *c, void *ctx), void *ctx)
{
	for (unsigned i = 0; t->slot && i <= t->mask; i++)
		while (t->slot[i].c)
			release(t->slot[i].c, ctx);
}

void conntab_free(struct conntab *t)
{
	free(t->slot);
	*t = (struct conntab){ 0 };
}
