/* fuzz_ctl.c - libFuzzer harness for kaprobe serve's control protocol
 * (src/tcp/ctlproto.c, ctlseg.c): what a client sends serve, and what
 * serve's answers give a client, come from the network.
 *
 * Input: byte 0 picks the chunk size (1 + data[0] % 64) the rest is fed to
 * the line assembler in, as reads of a socket would; every line that comes
 * out is parsed as a request, a greeting, a SEG and an END line.
 * Invariants (a broken one is __builtin_trap()):
 *   - the assembler takes at least one byte per call while bytes remain,
 *     never more than given, and a line is shorter than CTL_LINE_MAX and
 *     printable (CTL_LINE_OK);
 *   - a request that parses formats back to a line that parses to the same
 *     request; one that does not leaves a one-line printable reason;
 *   - a greeting or a SEG line that parses formats back to one that parses
 *     to the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tcp/ctlproto.h"

#define CHECK(c) do { if (!(c)) __builtin_trap(); } while (0)

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static bool same_req(const struct ctl_req *a, const struct ctl_req *b)
{
	return a->verb == b->verb && a->has_addr == b->has_addr && a->every == b->every &&
	       a->count == b->count && (!a->has_addr || (a->addr.family == b->addr.family &&
	       a->addr.port == b->addr.port && memcmp(a->addr.addr, b->addr.addr, 16) == 0));
}

static void check_line(const char *line, size_t len)
{
	char err[160], out[CTL_LINE_MAX];
	struct ctl_req r, r2;
	struct ctl_greeting g, g2;
	struct ctl_seg s, s2;
	unsigned n;
	enum ctl_round rd;
	ka_time idle, idle2;
	size_t m;

	err[0] = '\0';
	if (ctl_parse_request(line, len, &r, err, sizeof err) == 0) {
		m = ctl_format_request(&r, out, sizeof out);
		CHECK(m > 0 && m < CTL_LINE_MAX && out[m - 1] == '\n');
		CHECK(ctl_parse_request(out, m - 1, &r2, err, sizeof err) == 0);
		CHECK(same_req(&r, &r2));
	} else {
		CHECK(err[0] && printable(err, strlen(err)));
	}
	if (ctl_parse_greeting(line, len, &g)) {
		m = ctl_format_greeting(&g, out, sizeof out);
		CHECK(m > 0 && out[m - 1] == '\n');
		CHECK(ctl_parse_greeting(out, m - 1, &g2));
		CHECK(g.version == g2.version && memcmp(&g.you, &g2.you, sizeof g.you) == 0 &&
		      memcmp(&g.me, &g2.me, sizeof g.me) == 0);
	}
	if (ctl_parse_seg(line, len, &s)) {
		m = ctl_format_seg(&s, out, sizeof out);
		CHECK(m > 0 && m < CTL_LINE_MAX && out[m - 1] == '\n');
		CHECK(ctl_parse_seg(out, m - 1, &s2));
		CHECK(memcmp(&s, &s2, sizeof s) == 0);
	}
	(void)ctl_parse_end(line, len, &n);
	rd = ctl_parse_round(line, len, &idle);
	CHECK(rd <= CTL_ROUND_RESET && idle >= 0);
	if (rd != CTL_ROUND_NONE) {
		m = ctl_format_round(rd, idle, out, sizeof out);
		CHECK(ctl_parse_round(out, m, &idle2) == rd && idle2 == idle);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_lines l;
	size_t chunk, off = 1;
	char *buf;

	if (size < 1)
		return 0;
	chunk = 1 + data[0] % 64;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(&l, 0, sizeof l);
	while (off < size) {
		size_t give = size - off < chunk ? size - off : chunk, took = 0;

		while (took < give) {
			enum ctl_line kind;
			const char *line;
			size_t len, t = ctl_lines_feed(&l, buf + off + took, give - took, &kind,
						       &line, &len);

			CHECK(t >= 1 && t <= give - took);
			took += t;
			if (kind == CTL_LINE_NONE) {
				CHECK(took == give);
				break;
			}
			CHECK(len < CTL_LINE_MAX);
			if (kind == CTL_LINE_OK) {
				CHECK(printable(line, len));
				check_line(line, len);
			}
		}
		off += give;
	}
	free(buf);
	return 0;
}
