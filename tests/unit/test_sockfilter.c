/* test_sockfilter.c - kaprobe sockets' ss-like filters: parsing, with
 * one-line errors, and matching. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp/sockfilter.h"
#include "unit.h"

#define N(a) (int)(sizeof a / sizeof a[0])

static struct sock_rec rec(int family, const char *src, unsigned sport, const char *dst,
			   unsigned dport, unsigned state)
{
	struct sock_rec s = { .family = family, .sport = (uint16_t)sport,
			      .dport = (uint16_t)dport, .state = state, .pid = 42 };

	inet_pton(family, src, s.src);
	inet_pton(family, dst, s.dst);
	strcpy(s.comm, "psql");
	return s;
}

/* Parse words; must succeed. */
static struct sock_filter parse(int argc, char **argv)
{
	struct sock_filter f;
	char err[256] = "";

	CU_ASSERT_EQUAL(sock_filter_parse(argc, argv, &f, err, sizeof err), 0);
	if (err[0])
		fprintf(stderr, "\n  unexpected error: %s\n", err);
	return f;
}

static void bad(int argc, char **argv, const char *names)
{
	struct sock_filter f;
	char err[256] = "";

	CU_ASSERT_EQUAL(sock_filter_parse(argc, argv, &f, err, sizeof err), -1);
	unit_check_err(err, names);
}

static void test_filter_parse_errors(void)
{
	char *a[] = { "dest", "1.2.3.4" }, *b[] = { "dst" }, *c[] = { "dst", "1.2.3.999" };
	char *d[] = { "dst", "198.18.0.0/33" }, *e[] = { "dport", "70000" };
	char *g[] = { "state", "estab" }, *h[] = { "pid", "0" }, *i[] = { "dst", "fd00::/129" };

	bad(N(a), a, "dest");
	bad(N(b), b, "dst");
	bad(N(c), c, "1.2.3.999");
	bad(N(d), d, "198.18.0.0/33");
	bad(N(e), e, "70000");
	bad(N(g), g, "estab");
	bad(N(h), h, "0");
	bad(N(i), i, "fd00::/129");
}

static void test_filter_match_addr(void)
{
	char *a[] = { "dst", "198.18.1.0/24", "dport", "5432" };
	struct sock_filter f = parse(N(a), a);
	struct sock_rec in = rec(AF_INET, "198.18.0.1", 40000, "198.18.1.7", 5432, SS_ESTABLISHED);
	struct sock_rec out = rec(AF_INET, "198.18.0.1", 40000, "198.18.2.7", 5432, SS_ESTABLISHED);
	struct sock_rec port = rec(AF_INET, "198.18.0.1", 40000, "198.18.1.7", 5433, SS_ESTABLISHED);
	struct sock_rec mapped = rec(AF_INET6, "::ffff:198.18.0.1", 40000, "::ffff:198.18.1.9",
				     5432, SS_ESTABLISHED);
	struct sock_rec v6 = rec(AF_INET6, "fd00::1", 40000, "fd00::2", 5432, SS_ESTABLISHED);

	CU_ASSERT_TRUE(sock_filter_match(&f, &in, ~0u));
	CU_ASSERT_FALSE(sock_filter_match(&f, &out, ~0u));
	CU_ASSERT_FALSE(sock_filter_match(&f, &port, ~0u));
	CU_ASSERT_TRUE(sock_filter_match(&f, &mapped, ~0u));
	CU_ASSERT_FALSE(sock_filter_match(&f, &v6, ~0u));

	char *b[] = { "dst", "fd00::/8", "sport", ":40000" };
	struct sock_filter g = parse(N(b), b);
	CU_ASSERT_TRUE(sock_filter_match(&g, &v6, ~0u));
	CU_ASSERT_FALSE(sock_filter_match(&g, &in, ~0u));
	/* A prefix that ends inside a byte. */
	char *c[] = { "src", "198.18.0.0/15" };
	struct sock_filter h = parse(N(c), c);
	struct sock_rec near = rec(AF_INET, "198.19.255.1", 1, "1.1.1.1", 2, SS_ESTABLISHED);
	struct sock_rec far = rec(AF_INET, "198.20.0.1", 1, "1.1.1.1", 2, SS_ESTABLISHED);
	CU_ASSERT_TRUE(sock_filter_match(&h, &near, ~0u));
	CU_ASSERT_FALSE(sock_filter_match(&h, &far, ~0u));
}

static void test_filter_any_all_state(void)
{
	char *a[] = { "dport", "80", "dport", "443", "comm", "psql" };
	struct sock_filter f = parse(N(a), a);
	struct sock_rec web = rec(AF_INET, "198.18.0.1", 1, "198.18.0.2", 443, SS_ESTABLISHED);
	struct sock_rec other = rec(AF_INET, "198.18.0.1", 1, "198.18.0.2", 22, SS_ESTABLISHED);

	CU_ASSERT_TRUE(sock_filter_match(&f, &web, ~0u));
	CU_ASSERT_FALSE(sock_filter_match(&f, &other, ~0u));
	/* The owner's terms are asked apart, once the owner is known. */
	CU_ASSERT_TRUE(sock_filter_match(&f, &other, SF_OWNER_KINDS));
	web.pid = 0;
	web.comm[0] = '\0';
	CU_ASSERT_TRUE(sock_filter_match(&f, &web, SF_KERNEL_KINDS));
	CU_ASSERT_FALSE(sock_filter_match(&f, &web, SF_OWNER_KINDS));

	/* Listening sockets only when a state term asks for them. */
	struct sock_filter none = parse(0, NULL);
	struct sock_rec lis = rec(AF_INET, "0.0.0.0", 80, "0.0.0.0", 0, SS_LISTEN);
	struct sock_rec tw = rec(AF_INET, "198.18.0.1", 1, "198.18.0.2", 80, SS_TIME_WAIT);
	CU_ASSERT_FALSE(sock_filter_match(&none, &lis, SF_KERNEL_KINDS));
	CU_ASSERT_TRUE(sock_filter_match(&none, &tw, SF_KERNEL_KINDS));
	char *b[] = { "state", "listening" };
	struct sock_filter g = parse(N(b), b);
	CU_ASSERT_TRUE(sock_filter_match(&g, &lis, SF_KERNEL_KINDS));
	CU_ASSERT_FALSE(sock_filter_match(&g, &tw, SF_KERNEL_KINDS));
	CU_ASSERT_EQUAL(sock_state_find("time-wait"), SS_TIME_WAIT);
	CU_ASSERT_STRING_EQUAL(sock_state_name(SS_CLOSE_WAIT), "close-wait");
}

void suite_sockfilter(void)
{
	UNIT_SUITE("sockfilter",
		   UNIT_TEST(test_filter_parse_errors),
		   UNIT_TEST(test_filter_match_addr),
		   UNIT_TEST(test_filter_any_all_state));
}
