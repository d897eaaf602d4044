/* test_ctlproto.c - kaprobe serve's control protocol: lines, requests,
 * the greeting, SEG records. */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/segment.h"
#include "tcp/ctlproto.h"
#include "unit.h"

/* Feed all of in; the kinds of the lines that came, and the last line. */
static unsigned feed_all(struct ctl_lines *l, const char *in, size_t n, enum ctl_line *kinds,
			 unsigned max, char *last)
{
	unsigned k = 0;
	size_t off = 0;

	while (off < n) {
		enum ctl_line kind;
		const char *line;
		size_t len;

		off += ctl_lines_feed(l, in + off, n - off, &kind, &line, &len);
		if (kind == CTL_LINE_NONE)
			break;
		if (k < max)
			kinds[k++] = kind;
		memcpy(last, line, len);
		last[len] = '\0';
	}
	return k;
}

static void test_lines(void)
{
	struct ctl_lines l = { 0 };
	enum ctl_line k[8];
	char last[CTL_LINE_MAX], big[600];

	CU_ASSERT_EQUAL(feed_all(&l, "RECEIVED\r\nSIL", 13, k, 8, last), 1);
	CU_ASSERT_EQUAL(k[0], CTL_LINE_OK);
	CU_ASSERT_STRING_EQUAL(last, "RECEIVED");
	/* A line split across reads comes whole. */
	CU_ASSERT_EQUAL(feed_all(&l, "ENT\n", 4, k, 8, last), 1);
	CU_ASSERT_STRING_EQUAL(last, "SILENT");
	/* Too long: one bad line, skipped to its LF; the next is fine. */
	memset(big, 'A', sizeof big);
	big[sizeof big - 1] = '\n';
	CU_ASSERT_EQUAL(feed_all(&l, big, sizeof big, k, 8, last), 1);
	CU_ASSERT_EQUAL(k[0], CTL_LINE_TOO_LONG);
	/* Not text, and a CR inside a line. */
	CU_ASSERT_EQUAL(feed_all(&l, "A\x01\nB\rC\nOK\n", 10, k, 8, last), 3);
	CU_ASSERT_EQUAL(k[0], CTL_LINE_BINARY);
	CU_ASSERT_EQUAL(k[1], CTL_LINE_BINARY);
	CU_ASSERT_EQUAL(k[2], CTL_LINE_OK);
	/* A line of exactly CTL_LINE_MAX - 1 characters is allowed. */
	memset(big, 'B', CTL_LINE_MAX - 1);
	big[CTL_LINE_MAX - 1] = '\n';
	CU_ASSERT_EQUAL(feed_all(&l, big, CTL_LINE_MAX, k, 8, last), 1);
	CU_ASSERT_EQUAL(k[0], CTL_LINE_OK);
	CU_ASSERT_EQUAL(strlen(last), CTL_LINE_MAX - 1);
}

static void test_requests(void)
{
	struct ctl_req r;
	char err[160], line[CTL_LINE_MAX];

	CU_ASSERT_EQUAL(ctl_parse_request("RECEIVED", 8, &r, err, sizeof err), 0);
	CU_ASSERT(r.verb == CTL_RECEIVED && !r.has_addr);
	CU_ASSERT_EQUAL(ctl_parse_request("RECEIVED 198.18.0.1 4000", 24, &r, err, sizeof err), 0);
	CU_ASSERT(r.has_addr && r.addr.family == AF_INET && r.addr.port == 4000);
	CU_ASSERT_EQUAL(ctl_parse_request("STATUS fd00::1 80", 17, &r, err, sizeof err), 0);
	CU_ASSERT(r.verb == CTL_STATUS && r.addr.family == AF_INET6);
	CU_ASSERT_EQUAL(ctl_parse_request("PROBE 30s 5", 11, &r, err, sizeof err), 0);
	CU_ASSERT(r.verb == CTL_PROBE && r.every == 30000000 && r.count == 5);
	CU_ASSERT_EQUAL(ctl_parse_request("HEARTBEAT 500ms", 15, &r, err, sizeof err), 0);
	CU_ASSERT(r.verb == CTL_HEARTBEAT && r.every == 500000);
	CU_ASSERT_EQUAL(ctl_parse_request("SILENT", 6, &r, err, sizeof err), 0);
	CU_ASSERT_EQUAL(ctl_parse_request("IDLE 198.18.0.2 40000 4.2s", 26, &r, err, sizeof err), 0);
	CU_ASSERT(r.verb == CTL_IDLE && r.has_addr && r.addr.port == 40000 && r.every == 4200000);
	/* Round trips. */
	r = (struct ctl_req){ .verb = CTL_PROBE, .every = 1500000, .count = 2 };
	CU_ASSERT_STRING_EQUAL((ctl_format_request(&r, line, sizeof line), line), "PROBE 1.5s 2\n");
	r = (struct ctl_req){ .verb = CTL_RECEIVED, .has_addr = true,
			      .addr = { .family = AF_INET6, .port = 9 } };
	inet_pton(AF_INET6, "fd00::2", r.addr.addr);
	CU_ASSERT_STRING_EQUAL((ctl_format_request(&r, line, sizeof line), line),
			       "RECEIVED fd00::2 9\n");
	r.verb = CTL_IDLE;
	r.every = 2500000;
	CU_ASSERT_STRING_EQUAL((ctl_format_request(&r, line, sizeof line), line),
			       "IDLE fd00::2 9 2.5s\n");
	CU_ASSERT_EQUAL(ctl_parse_request(line, strlen(line) - 1, &r, err, sizeof err), 0);
	CU_ASSERT(r.verb == CTL_IDLE && r.addr.family == AF_INET6 && r.every == 2500000);
}

static void test_bad_requests(void)
{
	static const char *const bad[] = {
		"", "FOO", "received", "RECEIVED 1.2.3.4", "RECEIVED 1.2.3.4 0",
		"RECEIVED 1.2.3.4 65536", "RECEIVED host 80", "STATUS", "SILENT now",
		"PROBE", "PROBE 10ms", "PROBE 2d", "PROBE 1s 0", "PROBE 1s 2 3",
		"HEARTBEAT 1s 2", "HEARTBEAT x", "RECEIVED  1.2.3.4 80 extra",
		"IDLE", "IDLE 1.2.3.4 80", "IDLE 1.2.3.4 80 1s 2", "IDLE host 80 1s",
		"IDLE 1.2.3.4 0 1s", "IDLE 1.2.3.4 80 10ms",
	};
	struct ctl_req r;
	char err[160];

	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = '\0';
		CU_ASSERT_EQUAL(ctl_parse_request(bad[i], strlen(bad[i]), &r, err, sizeof err), -1);
		CU_ASSERT(err[0] != '\0' && !strchr(err, '\n'));
	}
	CU_ASSERT_EQUAL(ctl_parse_request("FOO", 3, &r, err, sizeof err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "FOO"));
	/* The error names the word that was wrong: the port, not the address. */
	CU_ASSERT_EQUAL(ctl_parse_request("STATUS 1.2.3.4 0", 16, &r, err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "bad port: 0");
	CU_ASSERT_EQUAL(ctl_parse_request("STATUS 1.2.3 80", 15, &r, err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "bad address: 1.2.3");
	CU_ASSERT_EQUAL(ctl_parse_request("IDLE 1.2.3.4 0 1s", 17, &r, err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "bad port: 0");
	CU_ASSERT_EQUAL(ctl_parse_request("IDLE host 80 1s", 15, &r, err, sizeof err), -1);
	CU_ASSERT_STRING_EQUAL(err, "bad address: host");
}

static void test_round(void)
{
	char line[CTL_LINE_MAX];
	ka_time idle;
	size_t n;
	static const char *const odd[] = {
		"OK STATUS you=1.2.3.4:5 state=open", "OK STATUS round=maybe round_idle=5ms",
		"OK STATUS round= round_idle=ms",
	};

	n = ctl_format_round(CTL_ROUND_ANSWERED, 3771000, line, sizeof line);
	CU_ASSERT_STRING_EQUAL(line, " round=answered round_idle=3771ms");
	CU_ASSERT_EQUAL(n, strlen(line));
	CU_ASSERT_EQUAL(ctl_format_round(CTL_ROUND_NONE, 5, line, sizeof line), 0);
	CU_ASSERT_EQUAL(ctl_parse_round("OK STATUS you=1.2.3.4:5 state=closed by=dead idle=4s "
					"probes=5 answered=0 requests=0 round=dead round_idle=4103ms",
					112, &idle), CTL_ROUND_DEAD);
	CU_ASSERT_EQUAL(idle, 4103000);
	CU_ASSERT_EQUAL(ctl_parse_round("OK STATUS round=waiting round_idle=0ms", 38, &idle),
			CTL_ROUND_WAITING);
	for (unsigned i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		CU_ASSERT_EQUAL(ctl_parse_round(odd[i], strlen(odd[i]), &idle), CTL_ROUND_NONE);
		CU_ASSERT_EQUAL(idle, 0);
	}
}

static void test_greeting(void)
{
	struct ctl_greeting g = { .version = CTL_VERSION,
				  .you = { .family = AF_INET, .port = 40000 },
				  .me = { .family = AF_INET, .port = 4000 } }, back;
	char line[CTL_LINE_MAX];
	size_t n;

	inet_pton(AF_INET, "198.18.1.2", g.you.addr);
	inet_pton(AF_INET, "198.19.0.1", g.me.addr);
	n = ctl_format_greeting(&g, line, sizeof line);
	CU_ASSERT_STRING_EQUAL(line, "KAPROBE-SERVE 1 you=198.18.1.2:40000 me=198.19.0.1:4000\n");
	CU_ASSERT_TRUE(ctl_parse_greeting(line, n - 1, &back));
	CU_ASSERT(back.version == 1 && back.you.port == 40000 &&
		  memcmp(back.me.addr, g.me.addr, 16) == 0);
	CU_ASSERT_TRUE(ctl_parse_greeting("KAPROBE-SERVE 2 you=[fd00::1]:5 me=[fd00::2]:6 x=y", 50,
					  &back));
	CU_ASSERT(back.version == 2 && back.you.family == AF_INET6);
	CU_ASSERT_FALSE(ctl_parse_greeting("SSH-2.0-OpenSSH_9.2", 19, &back));
	CU_ASSERT_FALSE(ctl_parse_greeting("KAPROBE-SERVE 1 you=fd00::1:5 me=1.2.3.4:6", 42, &back));
	CU_ASSERT_FALSE(ctl_parse_greeting("KAPROBE-SERVE 0 you=1.2.3.4:5 me=1.2.3.4:6", 42, &back));
}

static void test_seg_roundtrip(void)
{
	struct ctl_seg s = { .t = 12345678, .seq = 4294967295u, .ack = 7, .len = 1, .win = 502,
			     .ipid = 65535, .flags = TCPF_ACK | TCPF_PSH, .ttl = 63, .dscp = 46,
			     .ecn = 2, .opts = CTL_OPT_TS | CTL_OPT_MSS, .optlen = 16,
			     .mss = 1460, .tsval = 1, .tsecr = 4000000000u }, back;
	char line[CTL_LINE_MAX];
	size_t n = ctl_format_seg(&s, line, sizeof line);
	unsigned end;

	CU_ASSERT_PTR_NOT_NULL(strstr(line, " flags=PA "));
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " opts=mss:1460,ts:1:4000000000\n"));
	CU_ASSERT_TRUE(ctl_parse_seg(line, n - 1, &back));
	CU_ASSERT_EQUAL(memcmp(&s, &back, sizeof s), 0);
	s = (struct ctl_seg){ 0 };
	n = ctl_format_seg(&s, line, sizeof line);
	CU_ASSERT_PTR_NOT_NULL(strstr(line, " flags=- "));
	CU_ASSERT_TRUE(ctl_parse_seg(line, n - 1, &back));
	CU_ASSERT_FALSE(ctl_parse_seg("SEG seq=x", 9, &back));
	CU_ASSERT_FALSE(ctl_parse_seg("SEG flags=Q", 11, &back));
	CU_ASSERT_TRUE(ctl_parse_end("END 64", 6, &end));
	CU_ASSERT_EQUAL(end, 64);
	CU_ASSERT_FALSE(ctl_parse_end("END", 3, &end));
	CU_ASSERT_FALSE(ctl_parse_end("END -1", 6, &end));
}

void suite_ctlproto(void)
{
	UNIT_SUITE("ctlproto", UNIT_TEST(test_lines), UNIT_TEST(test_requests),
		   UNIT_TEST(test_bad_requests), UNIT_TEST(test_round), UNIT_TEST(test_greeting),
		   UNIT_TEST(test_seg_roundtrip));
}
