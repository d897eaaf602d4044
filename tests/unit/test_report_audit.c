/* test_report_audit.c - the audit's report page names the documented
 * defaults its finding is consistent with, and gives --for's software
 * settings as blocks to copy (or says why one cannot help). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "report/report.h"
#include "tcp/swsettings.h"
#include "unit.h"

static void feed_event(struct report *r, struct event ev)
{
	CU_ASSERT_FATAL(report_module.wants(r, ev.kind));
	report_module.event(r, &ev);
}

/* The page an audit report writes after an idle finding and its advice,
 * and the server's leg's (NULL: none); the caller frees. */
static char *page_of2(const struct ev_idle *idle, const struct ev_advice *adv,
		      const struct ev_idle *sidle, const struct ev_advice *sadv)
{
	char path[] = "/tmp/kaprobe-test-report.XXXXXX", err[256];
	char *argv[] = { "kaprobe", "audit", "--report", path, "198.19.1.2:22" };
	struct report_meta m = { .kind = REPORT_AUDIT, .path = path, .subject = "198.19.1.2:22",
				 .argc = 5, .argv = argv, .max_idle = 7440000000LL };
	struct report *r;
	int fd = mkstemp(path);

	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	r = report_open(&m, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	feed_event(r, (struct event){ .kind = EV_AUDIT_START, .u.start = {
		.dst = "198.19.1.2:22", .src = "198.18.1.2", .iface = "veth0" } });
	feed_event(r, (struct event){ .kind = EV_IDLE, .u.idle = *idle });
	if (sidle)
		feed_event(r, (struct event){ .kind = EV_IDLE, .u.idle = *sidle });
	feed_event(r, (struct event){ .kind = EV_ADVICE, .u.advice = *adv });
	if (sadv)
		feed_event(r, (struct event){ .kind = EV_ADVICE, .u.advice = *sadv });
	CU_ASSERT_FATAL(report_close(r, 1, err, sizeof err) == 0);
	return unit_take_file(path);
}

static char *page_of(const struct ev_idle *idle, const struct ev_advice *adv)
{
	return page_of2(idle, adv, NULL, NULL);
}

static unsigned for_mask(const char *list)
{
	unsigned m = 0;
	char err[300];

	CU_ASSERT_FATAL(sw_parse_for(list, &m, err, sizeof err) == 0);
	return m;
}

static void test_expiry(void)
{
	struct probe_reply none = { .kind = REPLY_NONE, .family = AF_INET };
	struct ev_idle idle = { .probe = "zero-length", .kind = "state-expiry", .alive_s = 349.8,
				.dead_s = 350.3, .close_s = -1, .rfc5382 = 0, .expired = &none,
				.family = AF_INET, .agree = 9 };
	struct ev_advice adv = { .time_s = 174, .intvl_s = 75, .probes = 9,
				 .sw = for_mask("postgres,hikaricp") };
	char *page = page_of(&idle, &adv);

	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td id=\"consistent\"><code>aws-nfw</code> (AWS "
				      "Network Firewall), <code>aws-nitro6</code>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "data-for=\"for-postgres\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<pre id=\"for-postgres\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "tcp_keepalives_idle = 174"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "keepaliveTime=174000"));
	free(page);
}

static void test_close(void)
{
	struct probe_reply fin = { .kind = REPLY_FIN, .family = AF_INET, .by_peer = true };
	struct ev_idle idle = { .probe = "zero-length", .kind = "endpoint-close", .alive_s = 590,
				.dead_s = 600.1, .close_s = 600.1, .rfc5382 = -1, .expired = &fin,
				.family = AF_INET, .agree = 2 };
	struct ev_advice adv = { .time_s = 7200, .intvl_s = 75, .probes = 9, .heartbeat_s = 200,
				 .close_s = 600.1, .sw = for_mask("redis,ssh") };
	char *page = page_of(&idle, &adv);

	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<code>nginx-stream</code>"));
	CU_ASSERT_PTR_NULL(strstr(page, "<code>aws-"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<pre id=\"for-ssh\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "ServerAliveInterval 200"));
	/* Redis's keep-alive cannot help against a close: said, not given. */
	CU_ASSERT_PTR_NULL(strstr(page, "<pre id=\"for-redis\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "Redis server: TCP keep-alive carries no data"));
	free(page);
}

/* The sidecar case: the client's leg keeps idle flows, the server's
 * forgets them after 4.1 s; the server's finding and advice go in a
 * section of their own and leave the client's as they were. */
static void test_server_leg(void)
{
	struct probe_reply none = { .kind = REPLY_NONE, .family = AF_INET };
	struct ev_idle idle = { .probe = "zero-length", .alive_s = 8, .dead_s = -1, .close_s = -1,
				.rfc5382 = -1, .family = AF_INET, .agree = 30, .from = "client" };
	struct ev_idle sidle = { .probe = "zero-length", .kind = "state-expiry", .alive_s = 3.771,
				 .dead_s = 4.103, .close_s = -1, .rfc5382 = 0, .expired = &none,
				 .family = AF_INET, .agree = 33, .from = "server" };
	struct ev_advice adv = { .time_s = 7200, .intvl_s = 75, .probes = 9 };
	struct ev_advice sadv = { .time_s = 1, .intvl_s = 1, .probes = 9, .side = "server",
				  .leg_dead_s = 4.103 };
	char *page = page_of2(&idle, &adv, &sidle, &sadv);

	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<section id=\"server-leg\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<td id=\"leg-dead\">4.103"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<p id=\"leg-advice\" data-side=\"server\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "<code>tcp_keepalive_time=1</code>"));
	/* The client's finding and advice stay the client's. */
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "nothing, within --max-idle"));
	CU_ASSERT_PTR_NOT_NULL(strstr(page, "tcp_keepalive_time=7200"));
	free(page);
}

void suite_report_audit(void)
{
	UNIT_SUITE("report_audit", UNIT_TEST(test_expiry), UNIT_TEST(test_close),
		   UNIT_TEST(test_server_leg));
}
