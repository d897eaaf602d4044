/* test_flowtable.c - the replay flow table: lookups both ways, removal
 * inside probe runs, reuse of records, growth. */
#include <arpa/inet.h>
#include <string.h>

#include "tcp/flowtable.h"
#include "unit.h"

static void addr4(uint8_t out[16], uint32_t host)
{
	uint32_t n = htonl(host);

	memset(out, 0, 16);
	memcpy(out, &n, 4);
}

static void test_record_fits_128_bytes(void)
{
	CU_ASSERT(sizeof(struct rflow) <= 128);
}

/* Each end gets its own prober; a removed flow's probers are reused. */
static void test_probers(void)
{
	struct flowtable ft;
	uint8_t a[16], b[16];
	uint32_t f1, f2;
	struct rprober *p;

	CU_ASSERT_EQUAL_FATAL(ft_init(&ft), 0);
	addr4(a, 0xc6120102);
	addr4(b, 0xc6130102);
	f1 = ft_insert(&ft, AF_INET, a, 40000, b, 443, 0);
	CU_ASSERT_PTR_NULL(ft_prober(&ft, ft_get(&ft, f1), 0));
	p = ft_new_prober(&ft, f1, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p->probe_frame = 7;
	CU_ASSERT_PTR_NULL(ft_prober(&ft, ft_get(&ft, f1), 0));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ft_new_prober(&ft, f1, 0));
	CU_ASSERT_EQUAL(ft_prober(&ft, ft_get(&ft, f1), 1)->probe_frame, 7);
	CU_ASSERT_EQUAL(ft_prober(&ft, ft_get(&ft, f1), 0)->probe_frame, 0);
	CU_ASSERT_EQUAL(ft.pr_used, 2);
	ft_remove(&ft, f1);
	f2 = ft_insert(&ft, AF_INET, a, 40001, b, 443, 0);
	CU_ASSERT_PTR_NULL(ft_prober(&ft, ft_get(&ft, f2), 0));
	CU_ASSERT_PTR_NULL(ft_prober(&ft, ft_get(&ft, f2), 1));
	CU_ASSERT_PTR_NOT_NULL(ft_new_prober(&ft, f2, 0));
	CU_ASSERT_PTR_NOT_NULL(ft_new_prober(&ft, f2, 1));
	CU_ASSERT_EQUAL(ft.pr_used, 2);              /* both reused */
	ft_free(&ft);
}

/* Find a flow by its 4-tuple and tunnel, hashing as replay does. */
static uint32_t find_in(const struct flowtable *ft, int family, const uint8_t *src,
			uint16_t sport, const uint8_t *dst, uint16_t dport, uint32_t tunnel)
{
	return ft_find(ft, ft_hash_in(ft_hash(family, src, sport, dst, dport), tunnel), family,
		       src, sport, dst, dport, tunnel);
}

static uint32_t find(const struct flowtable *ft, int family, const uint8_t *src,
		     uint16_t sport, const uint8_t *dst, uint16_t dport)
{
	return find_in(ft, family, src, sport, dst, dport, 0);
}

static void test_find_both_directions(void)
{
	struct flowtable ft;
	uint8_t a[16], b[16];
	uint32_t idx;

	CU_ASSERT_EQUAL_FATAL(ft_init(&ft), 0);
	addr4(a, 0xc6120102);
	addr4(b, 0xc6130102);
	CU_ASSERT_EQUAL(find(&ft, AF_INET, a, 40000, b, 443), FT_NONE);
	idx = ft_insert(&ft, AF_INET, a, 40000, b, 443, 0);
	CU_ASSERT_NOT_EQUAL_FATAL(idx, FT_NONE);
	CU_ASSERT_EQUAL(find(&ft, AF_INET, a, 40000, b, 443), idx);
	CU_ASSERT_EQUAL(find(&ft, AF_INET, b, 443, a, 40000), idx);
	CU_ASSERT_EQUAL(ft_dir(ft_get(&ft, idx), a, 40000), 0);
	CU_ASSERT_EQUAL(ft_dir(ft_get(&ft, idx), b, 443), 1);
	/* Other ports, other family: other flows. */
	CU_ASSERT_EQUAL(find(&ft, AF_INET, a, 40001, b, 443), FT_NONE);
	CU_ASSERT_EQUAL(find(&ft, AF_INET6, a, 40000, b, 443), FT_NONE);
	CU_ASSERT_EQUAL(ft.live, 1);
	ft_free(&ft);
}

/* Many flows: every one found, then half removed (holes inside probe
 * runs), the rest still found, and records reused. */
static void test_many_flows_and_removal(void)
{
	enum { N = 20000 };
	static uint32_t idx[N];
	struct flowtable ft;
	uint8_t a[16], b[16];

	CU_ASSERT_EQUAL_FATAL(ft_init(&ft), 0);
	addr4(b, 0xc6130102);
	for (uint32_t i = 0; i < N; i++) {
		addr4(a, 0xc6120000 + i / 100);
		idx[i] = ft_insert(&ft, AF_INET, a, (uint16_t)(1024 + i % 100), b, 443, 0);
		CU_ASSERT_NOT_EQUAL_FATAL(idx[i], FT_NONE);
	}
	CU_ASSERT_EQUAL(ft.live, N);
	CU_ASSERT(ft.nslots >= 2 * N);
	for (uint32_t i = 0; i < N; i += 2)
		ft_remove(&ft, idx[i]);
	CU_ASSERT_EQUAL(ft.live, N / 2);
	for (uint32_t i = 0; i < N; i++) {
		addr4(a, 0xc6120000 + i / 100);
		uint16_t port = (uint16_t)(1024 + i % 100);
		uint32_t got = find(&ft, AF_INET, b, 443, a, port);
		CU_ASSERT_EQUAL(got, i % 2 ? idx[i] : FT_NONE);
	}
	/* New flows take the freed records: the pool does not grow. */
	uint32_t used = ft.pool_used;
	for (uint32_t i = 0; i < N / 2; i++) {
		addr4(a, 0xc7000000 + i);
		CU_ASSERT_NOT_EQUAL(ft_insert(&ft, AF_INET, a, 1, b, 443, 0), FT_NONE);
	}
	CU_ASSERT_EQUAL(ft.pool_used, used);
	CU_ASSERT_EQUAL(ft.live, N);
	ft_free(&ft);
}

static void test_ipv6(void)
{
	struct flowtable ft;
	uint8_t a[16], b[16];
	uint32_t idx;

	CU_ASSERT_EQUAL_FATAL(ft_init(&ft), 0);
	inet_pton(AF_INET6, "fd00:ca5e:1::2", a);
	inet_pton(AF_INET6, "fd00:ca5e:2::2", b);
	idx = ft_insert(&ft, AF_INET6, a, 5, b, 6, 0);
	CU_ASSERT_EQUAL(find(&ft, AF_INET6, b, 6, a, 5), idx);
	b[15] ^= 1;
	CU_ASSERT_EQUAL(find(&ft, AF_INET6, a, 5, b, 6), FT_NONE);
	ft_free(&ft);
}

/* The same 4-tuple in no tunnel and in two tunnels: three flows, each
 * found both ways; the tunnel ids survive the pool's growth and removals
 * next to them. */
static void test_tunnels(void)
{
	enum { N = 3000 };
	static uint32_t idx[N][3];
	const uint32_t tun[3] = { 0, 0x1234, 0xfffffff0 };
	struct flowtable ft;
	uint8_t a[16], b[16];

	CU_ASSERT_EQUAL_FATAL(ft_init(&ft), 0);
	addr4(b, 0xc6130102);
	for (uint32_t i = 0; i < N; i++) {
		addr4(a, 0xc6120000 + i);
		for (int k = 0; k < 3; k++) {
			idx[i][k] = ft_insert(&ft, AF_INET, a, 40000, b, 443, tun[k]);
			CU_ASSERT_NOT_EQUAL_FATAL(idx[i][k], FT_NONE);
		}
	}
	CU_ASSERT_PTR_NOT_NULL(ft.tunnel);
	for (uint32_t i = 0; i < N; i += 2)
		ft_remove(&ft, idx[i][1]);
	for (uint32_t i = 0; i < N; i++) {
		addr4(a, 0xc6120000 + i);
		CU_ASSERT_EQUAL(find_in(&ft, AF_INET, b, 443, a, 40000, tun[0]), idx[i][0]);
		CU_ASSERT_EQUAL(find_in(&ft, AF_INET, a, 40000, b, 443, tun[1]),
				i % 2 ? idx[i][1] : FT_NONE);
		CU_ASSERT_EQUAL(find_in(&ft, AF_INET, b, 443, a, 40000, tun[2]), idx[i][2]);
		CU_ASSERT_EQUAL(ft_tunnel(&ft, idx[i][2]), tun[2]);
		CU_ASSERT_EQUAL(find_in(&ft, AF_INET, a, 40000, b, 443, 7), FT_NONE);
	}
	ft_free(&ft);
}

/* Without any tunnel the table never makes the tunnel array. */
static void test_no_tunnel_array(void)
{
	struct flowtable ft;
	uint8_t a[16], b[16];

	CU_ASSERT_EQUAL_FATAL(ft_init(&ft), 0);
	addr4(a, 1);
	addr4(b, 2);
	CU_ASSERT_NOT_EQUAL(ft_insert(&ft, AF_INET, a, 1, b, 2, 0), FT_NONE);
	CU_ASSERT_PTR_NULL(ft.tunnel);
	ft_free(&ft);
}

void suite_flowtable(void)
{
	UNIT_SUITE("flowtable",
		   UNIT_TEST(test_record_fits_128_bytes),
		   UNIT_TEST(test_probers),
		   UNIT_TEST(test_find_both_directions),
		   UNIT_TEST(test_many_flows_and_removal),
		   UNIT_TEST(test_ipv6),
		   UNIT_TEST(test_tunnels),
		   UNIT_TEST(test_no_tunnel_array));
}
