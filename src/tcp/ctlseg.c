/* ctlseg.c - the control protocol's SEG and END lines (ctlproto.h): what
 * serve received, one segment a line, as it came. */
#include "tcp/ctlproto.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/segment.h"

static const char flag_letters[] = "FSRPAU";   /* TCPF_FIN up to TCPF_URG */

static void format_flags(uint8_t f, char *out)
{
	char *p = out;

	for (int i = 0; i < 6; i++)
		if (f & (1u << i))
			*p++ = flag_letters[i];
	if (p == out)
		*p++ = '-';
	*p = '\0';
}

static void format_opts(const struct ctl_seg *s, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
#define ADD(...) n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__)
	if (s->opts & CTL_OPT_MSS)
		ADD("%smss:%u", n ? "," : "", s->mss);
	if (s->opts & CTL_OPT_WS)
		ADD("%sws:%u", n ? "," : "", s->ws);
	if (s->opts & CTL_OPT_SACKOK)
		ADD("%ssackok", n ? "," : "");
	if (s->opts & CTL_OPT_TS)
		ADD("%sts:%" PRIu32 ":%" PRIu32, n ? "," : "", s->tsval, s->tsecr);
	if (s->opts & CTL_OPT_SACK)
		ADD("%ssack", n ? "," : "");
#undef ADD
	if (n == 0)
		snprintf(buf, len, "-");
}

size_t ctl_format_seg(const struct ctl_seg *s, char *buf, size_t len)
{
	char flags[8], opts[80];
	int n;

	format_flags(s->flags, flags);
	format_opts(s, opts, sizeof opts);
	n = snprintf(buf, len, "SEG t=%" PRId64 ".%06" PRId64 " seq=%" PRIu32 " ack=%" PRIu32
		     " flags=%s len=%" PRIu32 " win=%u ttl=%u ipid=%u dscp=%u ecn=%u optlen=%u"
		     " opts=%s\n", s->t / 1000000, s->t % 1000000, s->seq, s->ack, flags, s->len,
		     s->win, s->ttl, s->ipid, s->dscp, s->ecn, s->optlen, opts);
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

static bool num(const char *v, uint64_t max, uint64_t *out)
{
	char *end;

	if (*v < '0' || *v > '9')
		return false;
	*out = strtoull(v, &end, 10);
	return *end == '\0' && *out <= max;
}

static bool parse_flags(const char *v, uint8_t *f)
{
	*f = 0;
	if (strcmp(v, "-") == 0)
		return true;
	for (; *v; v++) {
		const char *p = strchr(flag_letters, *v);

		if (!p)
			return false;
		*f |= (uint8_t)(1u << (p - flag_letters));
	}
	return true;
}

/* One item of opts=. */
static bool parse_opt(char *item, struct ctl_seg *s)
{
	uint64_t a, b;
	char *c;

	if (strcmp(item, "sackok") == 0)
		s->opts |= CTL_OPT_SACKOK;
	else if (strcmp(item, "sack") == 0)
		s->opts |= CTL_OPT_SACK;
	else if (strncmp(item, "mss:", 4) == 0 && num(item + 4, 65535, &a))
		s->opts |= CTL_OPT_MSS, s->mss = (uint16_t)a;
	else if (strncmp(item, "ws:", 3) == 0 && num(item + 3, 255, &a))
		s->opts |= CTL_OPT_WS, s->ws = (uint8_t)a;
	else if (strncmp(item, "ts:", 3) == 0 && (c = strchr(item + 3, ':')) &&
		 (*c = '\0', num(item + 3, UINT32_MAX, &a)) && num(c + 1, UINT32_MAX, &b))
		s->opts |= CTL_OPT_TS, s->tsval = (uint32_t)a, s->tsecr = (uint32_t)b;
	else
		return false;
	return true;
}

static bool parse_opts(char *v, struct ctl_seg *s)
{
	char *save = NULL;

	if (strcmp(v, "-") == 0)
		return true;
	for (char *p = strtok_r(v, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (!parse_opt(p, s))
			return false;
	return true;
}

static bool parse_time(const char *v, ka_time *t)
{
	const char *dot = strchr(v, '.');
	uint64_t sec, us;
	char whole[24];

	if (!dot || dot - v >= (long)sizeof whole || strlen(dot + 1) != 6)
		return false;
	memcpy(whole, v, (size_t)(dot - v));
	whole[dot - v] = '\0';
	if (!num(whole, (uint64_t)1 << 40, &sec) || !num(dot + 1, 999999, &us))
		return false;
	*t = (ka_time)(sec * 1000000 + us);
	return true;
}

/* One key=value field into s. */
static bool parse_field(char *k, char *v, struct ctl_seg *s)
{
	static const struct { const char *k; uint64_t max; } nums[] = {
		{ "seq", UINT32_MAX }, { "ack", UINT32_MAX }, { "len", UINT32_MAX },
		{ "win", 65535 }, { "ttl", 255 }, { "ipid", 65535 }, { "dscp", 63 },
		{ "ecn", 3 }, { "optlen", 40 },
	};
	uint64_t x;

	if (strcmp(k, "t") == 0)
		return parse_time(v, &s->t);
	if (strcmp(k, "flags") == 0)
		return parse_flags(v, &s->flags);
	if (strcmp(k, "opts") == 0)
		return parse_opts(v, s);
	for (unsigned i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		if (strcmp(k, nums[i].k) != 0)
			continue;
		if (!num(v, nums[i].max, &x))
			return false;
		switch (i) {
		case 0: s->seq = (uint32_t)x; break;
		case 1: s->ack = (uint32_t)x; break;
		case 2: s->len = (uint32_t)x; break;
		case 3: s->win = (uint16_t)x; break;
		case 4: s->ttl = (uint8_t)x; break;
		case 5: s->ipid = (uint16_t)x; break;
		case 6: s->dscp = (uint8_t)x; break;
		case 7: s->ecn = (uint8_t)x; break;
		default: s->optlen = (uint8_t)x; break;
		}
		return true;
	}
	return true;   /* a field of a later version: skipped */
}

bool ctl_parse_seg(const char *line, size_t len, struct ctl_seg *s)
{
	char buf[CTL_LINE_MAX], *save = NULL;
	char *w;

	memset(s, 0, sizeof *s);
	if (len >= sizeof buf || len < 4 || memcmp(line, "SEG ", 4) != 0)
		return false;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (w = strtok_r(buf + 4, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');

		if (!eq)
			return false;
		*eq = '\0';
		if (!parse_field(w, eq + 1, s))
			return false;
	}
	return true;
}

bool ctl_parse_end(const char *line, size_t len, unsigned *n)
{
	char buf[16];
	uint64_t v;

	if (len < 5 || len >= sizeof buf || memcmp(line, "END ", 4) != 0)
		return false;
	memcpy(buf, line + 4, len - 4);
	buf[len - 4] = '\0';
	if (!num(buf, 1000000, &v))
		return false;
	*n = (unsigned)v;
	return true;
}
