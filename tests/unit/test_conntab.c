/* test_conntab.c - the engine's 4-tuple table: every connection filed is
 * found by its 4-tuple and by no other, through growth and through
 * deletions that move entries back into the gaps they leave (the case
 * linear probing gets wrong: an entry stranded behind an empty slot). */
#include <stdlib.h>
#include <string.h>

#include "engine/conntab.h"
#include "engine/engine.h"
#include "unit.h"

#define N 6000

static struct econn conns[N];

static void key(struct econn *c, unsigned i)
{
	memset(c, 0, sizeof *c);
	c->k.laddr[15] = 2;
	c->k.raddr[12] = 198;
	c->k.raddr[13] = 18;
	c->k.raddr[15] = (uint8_t)(1 + i % 3);   /* few peers, many ports: collisions */
	c->k.lport = (uint16_t)(30000 + i);
	c->k.rport = (uint16_t)(7600 + i % 10);
}

static struct econn *find(const struct conntab *t, const struct econn *c)
{
	return conntab_find(t, c->k.laddr, c->k.raddr, c->k.lport, c->k.rport);
}

static void drop(struct econn *c, void *ctx)
{
	conntab_del(ctx, c);
}

static void check_all(const struct conntab *t, const bool *in)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < N; i++)
		bad += find(t, &conns[i]) != (in[i] ? &conns[i] : NULL);
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_add_find_delete(void)
{
	struct conntab t = { 0 };
	static bool in[N];
	unsigned seed = 7, n = 0;

	key(&conns[0], 0);
	CU_ASSERT_PTR_NULL(find(&t, &conns[0]));   /* never filed: no table yet */
	for (unsigned i = 0; i < N; i++) {
		key(&conns[i], i);
		CU_ASSERT_EQUAL_FATAL(conntab_reserve(&t), 0);
		conntab_add(&t, &conns[i]);
		in[i] = true;
	}
	CU_ASSERT_EQUAL(t.n, N);
	CU_ASSERT_TRUE(2 * t.n <= t.mask + 1);   /* at most half full */
	check_all(&t, in);
	/* One local address filed: which way a segment can go. */
	CU_ASSERT_EQUAL(conntab_ways(&t, conns[0].k.laddr, conns[0].k.raddr), CT_OURS);
	CU_ASSERT_EQUAL(conntab_ways(&t, conns[0].k.raddr, conns[0].k.laddr), CT_PEERS);
	CU_ASSERT_EQUAL(conntab_ways(&t, conns[0].k.laddr, conns[0].k.laddr), CT_OURS | CT_PEERS);
	CU_ASSERT_EQUAL(conntab_ways(&t, conns[0].k.raddr, conns[1].k.raddr), 0);
	/* A reversed tuple (an answer looked up as ours first) is no one's. */
	CU_ASSERT_PTR_NULL(conntab_find(&t, conns[5].k.raddr, conns[5].k.laddr,
					conns[5].k.rport, conns[5].k.lport));
	/* Delete two thirds in a scattered order, then file some again. */
	for (unsigned k = 0; k < 2 * N; k++) {
		unsigned i = (seed = seed * 1103515245u + 12345u) % N;

		if (in[i] && n < 2 * N / 3) {
			conntab_del(&t, &conns[i]);
			in[i] = false;
			n++;
		}
	}
	CU_ASSERT_EQUAL(t.n, N - n);
	check_all(&t, in);
	for (unsigned i = 0; i < N; i += 2)
		if (!in[i]) {
			conntab_add(&t, &conns[i]);   /* fewer than before: room reserved */
			in[i] = true;
		}
	check_all(&t, in);
	conntab_drain(&t, drop, &t);
	CU_ASSERT_EQUAL(t.n, 0);
	for (unsigned i = 0; i <= t.mask; i++)
		CU_ASSERT_PTR_NULL(t.slot[i].c);
	conntab_free(&t);
}

/* More local addresses than it keeps: every segment may go either way. */
static void test_many_locals(void)
{
	struct conntab t = { 0 };
	static struct econn c[CT_LOCALS + 1];

	for (unsigned i = 0; i <= CT_LOCALS; i++) {
		key(&c[i], i);
		c[i].k.laddr[14] = (uint8_t)i;
		CU_ASSERT_EQUAL_FATAL(conntab_reserve(&t), 0);
		conntab_add(&t, &c[i]);
		CU_ASSERT_EQUAL(conntab_ways(&t, c[0].k.raddr, c[1].k.raddr),
				i < CT_LOCALS ? 0 : CT_OURS | CT_PEERS);
	}
	CU_ASSERT_PTR_EQUAL(find(&t, &c[CT_LOCALS]), &c[CT_LOCALS]);
	conntab_free(&t);
}

void suite_conntab(void)
{
	UNIT_SUITE("conntab", UNIT_TEST(test_add_find_delete), UNIT_TEST(test_many_locals));
}
