/* test_swsettings.c - the software settings: the values for a box's expiry
 * and for a peer's close, --for's list, the lines filled in, and the rows
 * that cannot help (keep-alive against a close, a heartbeat below a
 * software's least). */
#include <string.h>

#include "tcp/swsettings.h"
#include "unit.h"

static const struct sw_setting *row(const char *name)
{
	size_t n;
	const struct sw_setting *t = sw_table(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	CU_FAIL_FATAL("no such row");
	return NULL;
}

static void test_values(void)
{
	struct sw_values v;

	/* AWS NLB's 350 s: the first probe by half, the next ones a third
	 * apart but at most Linux's 75 s; a heartbeat as often as the first. */
	sw_for_expiry(350, &v);
	CU_ASSERT_EQUAL(v.time_s, 175);
	CU_ASSERT_EQUAL(v.intvl_s, 75);
	CU_ASSERT_EQUAL(v.probes, 9);
	CU_ASSERT_DOUBLE_EQUAL(v.heartbeat_s, 175, 1e-9);
	CU_ASSERT_FALSE(v.endpoint);
	sw_for_expiry(60, &v);
	CU_ASSERT_EQUAL(v.time_s, 30);
	CU_ASSERT_EQUAL(v.intvl_s, 20);
	/* Never below Linux's 1 s. */
	sw_for_expiry(1.5, &v);
	CU_ASSERT_EQUAL(v.time_s, 1);
	CU_ASSERT_EQUAL(v.intvl_s, 1);
	sw_for_close(600, &v);
	CU_ASSERT_DOUBLE_EQUAL(v.heartbeat_s, 200, 1e-9);
	CU_ASSERT_TRUE(v.endpoint);
}

static void test_parse_for(void)
{
	unsigned m = 0;
	size_t n;
	char err[400] = "";

	sw_table(&n);
	CU_ASSERT_EQUAL(sw_parse_for("postgres", &m, err, sizeof err), 0);
	CU_ASSERT_EQUAL(m, 1u << (row("postgres") - sw_table(&n)));
	CU_ASSERT_EQUAL(sw_parse_for("ssh,grpc", &m, err, sizeof err), 0);
	CU_ASSERT_EQUAL(m, 1u << (row("ssh") - sw_table(&n)) | 1u << (row("grpc") - sw_table(&n)));
	CU_ASSERT_EQUAL(sw_parse_for("all", &m, err, sizeof err), 0);
	CU_ASSERT_EQUAL(m, (1u << n) - 1);
	static const char *bad[] = { "postgre", "ssh,,grpc", "ssh,", "", "ALL" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CU_ASSERT_EQUAL(sw_parse_for(bad[i], &m, err, sizeof err), -1);
		CU_ASSERT(strchr(err, '\n') == NULL && strstr(err, "postgres") != NULL);
	}
	CU_ASSERT_EQUAL(sw_parse_for("postgre", &m, err, sizeof err), -1);
	unit_check_err(err, "postgre");
}

static void test_render(void)
{
	struct sw_values v;
	char buf[1024];

	sw_for_expiry(350, &v);
	CU_ASSERT_TRUE(sw_render(row("postgres"), &v, buf, sizeof buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "keepalives=1 keepalives_idle=175 keepalives_interval=75 "
				      "keepalives_count=9\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "tcp_keepalives_idle = 175\n"));
	CU_ASSERT_TRUE(sw_render(row("hikaricp"), &v, buf, sizeof buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "keepaliveTime=175000\n"));
	CU_ASSERT_TRUE(sw_render(row("haproxy"), &v, buf, sizeof buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "clitcpka-idle 175s\nclitcpka-intvl 75s\nclitcpka-cnt 9\n"));
	/* Every line of every row ends in a newline, and no placeholder is left. */
	size_t n;
	const struct sw_setting *t = sw_table(&n);
	for (size_t i = 0; i < n; i++) {
		sw_render(&t[i], &v, buf, sizeof buf);
		CU_ASSERT(buf[0] != '\0' && buf[strlen(buf) - 1] == '\n');
		CU_ASSERT_PTR_NULL(strchr(buf, '%'));
	}
}

static void test_cannot_help(void)
{
	struct sw_values v;
	char buf[1024];

	/* A peer that closes idle connections: keep-alive cannot help, and
	 * says which ones can; heartbeats go every third of the close. */
	sw_for_close(600, &v);
	CU_ASSERT_FALSE(sw_render(row("postgres"), &v, buf, sizeof buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "cannot"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "ssh, hikaricp, grpc"));
	CU_ASSERT_TRUE(sw_render(row("ssh"), &v, buf, sizeof buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "ServerAliveInterval 200\n"));
	/* HikariCP pings no more often than every 30 s. */
	sw_for_expiry(40, &v);
	CU_ASSERT_FALSE(sw_render(row("hikaricp"), &v, buf, sizeof buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "30 s"));
	CU_ASSERT_TRUE(sw_render(row("grpc"), &v, buf, sizeof buf));
}

void suite_swsettings(void)
{
	UNIT_SUITE("swsettings", UNIT_TEST(test_values), UNIT_TEST(test_parse_for),
		   UNIT_TEST(test_render), UNIT_TEST(test_cannot_help));
}
