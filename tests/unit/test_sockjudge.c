/* test_sockjudge.c - keep-alive settings against a path's idle timeout,
 * and the path's timeout read from an audit's or a trace's JSON. */
#include <stddef.h>

#include "tcp/pathjson.h"
#include "tcp/sockjudge.h"
#include "unit.h"

#define S(x) ((int64_t)(x) * 1000000)

static const struct path_timeout five_min = { S(300), false };

/* The judgement of keep-alive on/off, idle and intvl (s), data since (s,
 * -1 unknown), against five minutes. */
static struct sock_judgement judge(bool on, int idle, int intvl, int since)
{
	struct ka_settings ka = { .keepalive = on, .idle_us = S(idle), .intvl_us = S(intvl),
				  .probes = 9 };

	return sock_judge(&ka, since < 0 ? -1 : S(since), &five_min);
}

static void is(struct sock_judgement j, enum sock_verdict v, enum sock_reason r)
{
	CU_ASSERT_EQUAL(j.verdict, v);
	CU_ASSERT_EQUAL(j.reason, r);
}

static void test_judge_table(void)
{
	is(judge(true, 60, 10, 600), SV_PROTECTED, SR_KEEPALIVE);
	is(judge(true, 299, 299, 600), SV_PROTECTED, SR_KEEPALIVE);
	/* The first probe at the very moment the box forgets is too late. */
	is(judge(true, 300, 10, 600), SV_AT_RISK, SR_IDLE);
	is(judge(true, 7200, 75, 600), SV_AT_RISK, SR_IDLE);
	/* A retry after a lost answer would find the box gone. */
	is(judge(true, 60, 300, 600), SV_AT_RISK, SR_INTVL);
	is(judge(false, 60, 10, 600), SV_AT_RISK, SR_OFF);
	/* Data within the timeout: the connection is busy, not idle. */
	is(judge(false, 60, 10, 299), SV_NOT_APPLICABLE, SR_DATA);
	is(judge(true, 7200, 75, 0), SV_NOT_APPLICABLE, SR_DATA);
	is(judge(false, 60, 10, 300), SV_AT_RISK, SR_OFF);
	/* Settings that protect win over recent data. */
	is(judge(true, 60, 10, 1), SV_PROTECTED, SR_KEEPALIVE);
	is(judge(false, 60, 10, -1), SV_AT_RISK, SR_OFF);
}

static void test_judge_unread_and_endpoint(void)
{
	struct ka_settings ka = { .keepalive = true, .idle_us = S(60), .intvl_us = S(10) };
	struct path_timeout closer = { S(300), true };

	is(sock_judge(NULL, S(600), &five_min), SV_UNKNOWN, SR_UNREAD);
	is(sock_judge(NULL, -1, &five_min), SV_UNKNOWN, SR_UNREAD);
	is(sock_judge(NULL, S(10), &five_min), SV_NOT_APPLICABLE, SR_DATA);
	/* Probes carry no data: a peer that closes idle connections itself
	 * is not kept by them. */
	is(sock_judge(&ka, S(600), &closer), SV_AT_RISK, SR_ENDPOINT);
	is(sock_judge(&ka, S(10), &closer), SV_NOT_APPLICABLE, SR_DATA);
	is(sock_judge(NULL, S(600), &closer), SV_AT_RISK, SR_ENDPOINT);
	CU_ASSERT_STRING_EQUAL(sock_verdict_name(SV_AT_RISK), "at-risk");
	CU_ASSERT_STRING_EQUAL(sock_reason_name(SR_OFF), "keepalive-off");
}

static void test_pathjson_audit(void)
{
	struct path_timeout p = { 0 };

	CU_ASSERT_EQUAL(path_json_line("{\"event\":\"idle-timeout\",\"t\":1.0,\"probe\":\"zero-length\","
		"\"kind\":\"state-expiry\",\"alive_s\":349.500,\"dead_s\":350.250,\"close_s\":null}",
		&p), 1);
	CU_ASSERT_EQUAL(p.timeout_us, 349500000);
	CU_ASSERT_FALSE(p.endpoint_close);
	CU_ASSERT_EQUAL(path_json_line("{\"event\": \"idle-timeout\", \"kind\": \"endpoint-close\", "
		"\"alive_s\": 60, \"dead_s\": 61.5}", &p), 1);
	CU_ASSERT_EQUAL(p.timeout_us, S(60));
	CU_ASSERT_TRUE(p.endpoint_close);
	/* No timeout within --max-idle, an inconsistent search, other events. */
	CU_ASSERT_EQUAL(path_json_line("{\"event\":\"idle-timeout\",\"kind\":null,"
		"\"alive_s\":7440.000,\"dead_s\":null}", &p), 0);
	CU_ASSERT_EQUAL(path_json_line("{\"event\":\"idle-timeout\",\"kind\":null,"
		"\"alive_s\":30.000,\"dead_s\":40.000,\"inconsistent\":true}", &p), 0);
	CU_ASSERT_EQUAL(path_json_line("{\"event\":\"measure\",\"idle_s\":3.0,\"alive_s\":1}", &p), 0);
	CU_ASSERT_EQUAL(path_json_line("", &p), 0);
	/* Dead at the shortest idle tried: no lower bound. */
	CU_ASSERT_EQUAL(path_json_line("{\"event\":\"idle-timeout\",\"kind\":\"state-expiry\","
		"\"alive_s\":null,\"dead_s\":2.000}", &p), -1);
}

static void test_pathjson_trace_fold(void)
{
	const char *hops[] = {
		"{\"event\":\"hop-timeout\",\"t\":9,\"hop\":1,\"from\":\"198.18.0.1\",\"masked\":false,"
		"\"alive_s\":null,\"dead_s\":null,\"expired_reply\":null}",
		"{\"event\":\"hop-timeout\",\"t\":9,\"hop\":2,\"masked\":false,"
		"\"alive_s\":900.000,\"dead_s\":901.000}",
		"{\"event\":\"hop-timeout\",\"t\":9,\"hop\":3,\"masked\":false,"
		"\"alive_s\":349.000,\"dead_s\":351.000}",
	};
	struct path_timeout acc = { 0 }, p;
	int found = 0;

	for (size_t i = 0; i < 3; i++)
		if (path_json_line(hops[i], &p) > 0) {
			path_json_fold(&acc, &p);
			found++;
		}
	CU_ASSERT_EQUAL(found, 2);
	CU_ASSERT_EQUAL(acc.timeout_us, S(349));
	CU_ASSERT_FALSE(acc.endpoint_close);
}

void suite_sockjudge(void)
{
	UNIT_SUITE("sockjudge",
		   UNIT_TEST(test_judge_table),
		   UNIT_TEST(test_judge_unread_and_endpoint),
		   UNIT_TEST(test_pathjson_audit),
		   UNIT_TEST(test_pathjson_trace_fold));
}
