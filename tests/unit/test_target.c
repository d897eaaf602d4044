/* test_target.c - HOST:PORT syntax, resolving literals, and address text.
 * No DNS is needed: only literal addresses and the reserved .invalid TLD. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "net/target.h"
#include "unit.h"

static void parse_ok(const char *arg, const char *host, uint16_t port)
{
	struct target t;
	char err[256] = "";
	int rc = target_parse(arg, &t, err, sizeof err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0) {
		fprintf(stderr, "\n  '%s' rejected: %s\n", arg, err);
		return;
	}
	CU_ASSERT_STRING_EQUAL(t.host, host);
	CU_ASSERT_EQUAL(t.port, port);
}

static void parse_bad(const char *arg, const char *want)
{
	struct target t;
	char err[512] = "";
	CU_ASSERT_EQUAL(target_parse(arg, &t, err, sizeof err), -1);
	unit_check_err(err, arg);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (!strstr(err, want))
		fprintf(stderr, "\n  '%s': message '%s' lacks '%s'\n", arg, err, want);
}

static void test_parse_accepts(void)
{
	parse_ok("10.0.0.5:443", "10.0.0.5", 443);
	parse_ok("[2001:db8::5]:443", "2001:db8::5", 443);
	parse_ok("host.example:443", "host.example", 443);
	parse_ok("[::1]:1", "::1", 1);
	parse_ok("localhost:65535", "localhost", 65535);
	parse_ok("[fe80::1%eth0]:22", "fe80::1%eth0", 22);
	parse_ok("h:080", "h", 80);

	/* The longest host that fits. */
	char arg[TARGET_HOST_MAX + 8], host[TARGET_HOST_MAX];
	memset(host, 'a', TARGET_HOST_MAX - 1);
	host[TARGET_HOST_MAX - 1] = '\0';
	snprintf(arg, sizeof arg, "%s:80", host);
	parse_ok(arg, host, 80);
}

static void test_parse_rejects(void)
{
	parse_bad("host", "missing port in 'host'");
	parse_bad("host:", "missing port in 'host:'");
	parse_bad(":443", "missing host in ':443'");
	parse_bad(":", "missing host");
	parse_bad("", "missing port");
	parse_bad("host:0", "invalid port '0' in 'host:0': use 1 to 65535");
	parse_bad("host:65536", "invalid port '65536'");
	parse_bad("host:99999999999999999999", "use 1 to 65535");
	parse_bad("host:http", "invalid port 'http'");
	parse_bad("host:-1", "invalid port '-1'");
	parse_bad("host:+80", "invalid port '+80'");
	parse_bad("host: 80", "invalid port ' 80'");
	parse_bad("host:80 ", "invalid port '80 '");
	parse_bad("[::1", "unclosed '['");
	parse_bad("[::1:80", "unclosed '['");
	parse_bad("[]:80", "missing address between brackets");
	parse_bad("[::1]x:80", "unexpected text after ']'");
	parse_bad("[::1]", "missing port in '[::1]'");
	parse_bad("[::1]:", "missing port");
	parse_bad("[::1]:0", "invalid port '0'");
	parse_bad("::1:443", "[::1]:443");
	parse_bad("2001:db8::5:443", "[2001:db8::5]:443");
	parse_bad("::1", "brackets");
	parse_bad("a:b:c", "brackets");
}

static void test_parse_long_host(void)
{
	char arg[TARGET_HOST_MAX + 8], head[41];
	struct target t;
	char err[512] = "";

	memset(arg, 'a', TARGET_HOST_MAX);
	snprintf(arg + TARGET_HOST_MAX, sizeof arg - TARGET_HOST_MAX, ":80");
	CU_ASSERT_EQUAL(target_parse(arg, &t, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "too long: maximum 255 characters"));
	/* The argument is shown shortened; its start is named. */
	memcpy(head, arg, 40);
	head[40] = '\0';
	unit_check_err(err, head);
}

static void test_parse_one_line(void)
{
	struct target t;
	char err[256] = "";
	CU_ASSERT_EQUAL(target_parse("host\n", &t, err, sizeof err), -1);
	CU_ASSERT(err[0] != '\0');
	CU_ASSERT(strchr(err, '\n') == NULL);
}

static void resolve_ok(const char *arg, int family, const char *want)
{
	struct target t;
	char err[256] = "", buf[128];
	CU_ASSERT_EQUAL_FATAL(target_parse(arg, &t, err, sizeof err), 0);
	int rc = target_resolve(&t, family, err, sizeof err);
	CU_ASSERT_EQUAL(rc, 0);
	if (rc != 0) {
		fprintf(stderr, "\n  '%s' not resolved: %s\n", arg, err);
		return;
	}
	sockaddr_format((struct sockaddr *)&t.addr, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_resolve_literals(void)
{
	struct target t;
	char err[256];

	resolve_ok("127.0.0.1:80", AF_UNSPEC, "127.0.0.1:80");
	resolve_ok("127.0.0.1:80", AF_INET, "127.0.0.1:80");
	resolve_ok("[::1]:443", AF_UNSPEC, "[::1]:443");
	resolve_ok("[::1]:443", AF_INET6, "[::1]:443");
	resolve_ok("[2001:db8::5]:65535", AF_UNSPEC, "[2001:db8::5]:65535");
	resolve_ok("10.0.0.255:1", AF_UNSPEC, "10.0.0.255:1"); /* may be a host */
	resolve_ok("223.255.255.255:1", AF_UNSPEC, "223.255.255.255:1");

	CU_ASSERT_EQUAL_FATAL(target_parse("127.0.0.1:8080", &t, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(target_resolve(&t, AF_INET, err, sizeof err), 0);
	const struct sockaddr_in *sin = (const struct sockaddr_in *)&t.addr;
	CU_ASSERT_EQUAL(t.addrlen, sizeof *sin);
	CU_ASSERT_EQUAL(sin->sin_family, AF_INET);
	CU_ASSERT_EQUAL(ntohs(sin->sin_port), 8080);
	CU_ASSERT_EQUAL(ntohl(sin->sin_addr.s_addr), 0x7f000001);

	CU_ASSERT_EQUAL_FATAL(target_parse("[::1]:22", &t, err, sizeof err), 0);
	CU_ASSERT_EQUAL_FATAL(target_resolve(&t, AF_INET6, err, sizeof err), 0);
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&t.addr;
	CU_ASSERT_EQUAL(t.addrlen, sizeof *sin6);
	CU_ASSERT_EQUAL(sin6->sin6_family, AF_INET6);
	CU_ASSERT_EQUAL(ntohs(sin6->sin6_port), 22);
	CU_ASSERT(IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
}

static void resolve_bad(const char *arg, int family, const char *name, const char *want)
{
	struct target t;
	char err[256] = "";
	/* A refused address is told apart from a name that did not resolve. */
	int rc = strstr(want, "cannot resolve") ? -1 : TARGET_REFUSED;

	CU_ASSERT_EQUAL_FATAL(target_parse(arg, &t, err, sizeof err), 0);
	CU_ASSERT_EQUAL(target_resolve(&t, family, err, sizeof err), rc);
	unit_check_err(err, name);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (!strstr(err, want))
		fprintf(stderr, "\n  '%s': message '%s' lacks '%s'\n", arg, err, want);
}

static void test_resolve_refuses(void)
{
	const char *r = "refusing to probe";
	resolve_bad("224.0.0.1:80", AF_UNSPEC, "'224.0.0.1'", "multicast");
	resolve_bad("239.255.255.250:80", AF_UNSPEC, "239.255.255.250", r);
	resolve_bad("255.255.255.255:80", AF_UNSPEC, "'255.255.255.255'", "broadcast");
	resolve_bad("0.0.0.0:80", AF_UNSPEC, "'0.0.0.0'", "unspecified");
	resolve_bad("0.1.2.3:80", AF_UNSPEC, "0.1.2.3", r);
	resolve_bad("[ff02::1]:80", AF_UNSPEC, "'ff02::1'", "multicast");
	resolve_bad("[ff0e::1]:80", AF_INET6, "ff0e::1", r);
	resolve_bad("[::]:80", AF_UNSPEC, "'::'", "unspecified");
	/* IPv4-mapped forms reach the same IPv4 addresses. */
	resolve_bad("[::ffff:224.0.0.1]:80", AF_UNSPEC, "::ffff:224.0.0.1", "multicast");
	resolve_bad("[::ffff:255.255.255.255]:80", AF_UNSPEC, "::ffff:255.255.255.255",
		    "broadcast");
	resolve_bad("[::ffff:0.0.0.0]:80", AF_UNSPEC, "::ffff:0.0.0.0", "unspecified");
	resolve_ok("[::ffff:127.0.0.1]:80", AF_UNSPEC, "[::ffff:127.0.0.1]:80");
}

static void test_resolve_fails(void)
{
	/* RFC 6761: .invalid never resolves; answered without DNS. */
	resolve_bad("nonexistent.invalid:80", AF_UNSPEC, "nonexistent.invalid",
		    "cannot resolve 'nonexistent.invalid': ");
	resolve_bad("x.INVALID.:80", AF_UNSPEC, "x.INVALID.", "cannot resolve");
}

/* -4/-6 against a literal of the other family: a usage error, named. */
static void test_resolve_family_contradicts(void)
{
	resolve_bad("10.77.1.2:8080", AF_INET6, "'10.77.1.2'",
		    "-6 contradicts '10.77.1.2', an IPv4 address");
	resolve_bad("[::1]:80", AF_INET, "'::1'", "-4 contradicts '::1', an IPv6 address");
	resolve_bad("[::ffff:127.0.0.1]:80", AF_INET, "::ffff:127.0.0.1", "-4 contradicts");
	resolve_ok("127.0.0.1:80", AF_INET, "127.0.0.1:80");
	resolve_ok("[::1]:80", AF_INET6, "[::1]:80");
}

static void test_format(void)
{
	char buf[128];
	uint8_t a4[4] = { 192, 0, 2, 1 };
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

	addr_format(AF_INET, a4, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "192.0.2.1");
	addr_format(AF_INET6, a6, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "2001:db8::1");
	addr_format(AF_UNIX, a4, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "?");
	addr_format(AF_INET, a4, buf, 4);
	CU_ASSERT_STRING_EQUAL(buf, "192");

	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(80) };
	memcpy(&sin.sin_addr, a4, 4);
	sockaddr_format((struct sockaddr *)&sin, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "192.0.2.1:80");

	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	memcpy(&sin6.sin6_addr, a6, 16);
	sockaddr_format((struct sockaddr *)&sin6, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "[2001:db8::1]:443");

	/* Link-local with an interface index that exists nowhere. */
	uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
	memcpy(&sin6.sin6_addr, ll, 16);
	sin6.sin6_scope_id = 999999;
	sockaddr_format((struct sockaddr *)&sin6, buf, sizeof buf);
	CU_ASSERT_STRING_EQUAL(buf, "[fe80::1%999999]:443");
}

/* addr_format builds inet_ntop's text itself: the two must agree on every
 * shape of address.  IPv6: every pattern of zero and non-zero words (2^8),
 * with non-zero words of 1 to 4 hex digits, and with words 4 and 5 also
 * set as IPv4-mapped (ffff) and -compatible addresses need them; IPv4: a
 * spread of byte values. */
static void test_addr_format_matches_inet_ntop(void)
{
	static const uint16_t vals[] = { 1, 0xab, 0xf00, 0xffff, 0x1234 };
	char got[INET6_ADDRSTRLEN], want[INET6_ADDRSTRLEN];
	int bad = 0;

	for (unsigned mask = 0; mask < 256; mask++) {
		for (unsigned v = 0; v < sizeof vals / sizeof *vals; v++) {
			uint8_t a[16];

			for (int i = 0; i < 8; i++) {
				uint16_t w = (mask >> i & 1) ? vals[(v + (unsigned)i) % 5] : 0;

				a[2 * i] = (uint8_t)(w >> 8);
				a[2 * i + 1] = (uint8_t)w;
			}
			for (int mapped = 0; mapped < 2; mapped++) {
				if (mapped)
					a[10] = a[11] = 0xff;
				addr_format(AF_INET6, a, got, sizeof got);
				inet_ntop(AF_INET6, a, want, sizeof want);
				if (strcmp(got, want) != 0 && bad++ < 5)
					fprintf(stderr, "addr_format %s, inet_ntop %s\n", got, want);
			}
		}
	}
	for (unsigned i = 0; i < 256; i++) {
		uint8_t a[4] = { (uint8_t)i, (uint8_t)(i * 7), (uint8_t)(255 - i), (uint8_t)(i / 3) };

		addr_format(AF_INET, a, got, sizeof got);
		inet_ntop(AF_INET, a, want, sizeof want);
		if (strcmp(got, want) != 0 && bad++ < 5)
			fprintf(stderr, "addr_format %s, inet_ntop %s\n", got, want);
	}
	CU_ASSERT_EQUAL(bad, 0);
}

void suite_target(void)
{
	UNIT_SUITE("target",
		   UNIT_TEST(test_parse_accepts),
		   UNIT_TEST(test_parse_rejects),
		   UNIT_TEST(test_parse_long_host),
		   UNIT_TEST(test_parse_one_line),
		   UNIT_TEST(test_resolve_literals),
		   UNIT_TEST(test_resolve_refuses),
		   UNIT_TEST(test_resolve_fails),
		   UNIT_TEST(test_resolve_family_contradicts),
		   UNIT_TEST(test_format),
		   UNIT_TEST(test_addr_format_matches_inet_ntop));
}
