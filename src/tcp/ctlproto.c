/* ctlproto.c - kaprobe serve's control protocol, version 1 (ctlproto.h). */
#include "tcp/ctlproto.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "decode/segment.h"
#include "util/parse.h"

/* Words of a line at most: "SEG" and its eleven fields. */
#define MAX_WORDS 16

size_t ctl_lines_feed(struct ctl_lines *l, const char *in, size_t n, enum ctl_line *kind,
		      const char **line, size_t *len)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)in[i];

		if (ch == '\n') {
			*kind = l->overlong ? CTL_LINE_TOO_LONG : l->binary ? CTL_LINE_BINARY
				: CTL_LINE_OK;
			if (l->n && l->buf[l->n - 1] == '\r')
				l->n--;
			*line = l->buf;
			*len = l->n;
			l->n = 0;
			l->overlong = l->binary = false;
			return i + 1;
		}
		if (l->overlong)
			continue;
		/* A CR is only allowed before the LF: anything after it makes
		 * the line binary, which the check below sees. */
		if ((ch < 0x20 && ch != '\r') || ch > 0x7e || (l->n && l->buf[l->n - 1] == '\r'))
			l->binary = true;
		if (l->n + 1 >= CTL_LINE_MAX)
			l->overlong = true;
		else
			l->buf[l->n++] = (char)ch;
	}
	*kind = CTL_LINE_NONE;
	return n;
}

/* Split a copy of the line (NUL-terminated, in buf) at single spaces. */
static unsigned split(const char *line, size_t len, char *buf, char **w)
{
	unsigned n = 0;
	char *p;

	if (len >= CTL_LINE_MAX)
		return 0;
	memcpy(buf, line, len);
	buf[len] = '\0';
	for (p = strtok(buf, " "); p && n < MAX_WORDS; p = strtok(NULL, " "))
		w[n++] = p;
	return p ? 0 : n;   /* too many words: nothing */
}

const char *ctl_verb_name(enum ctl_verb v)
{
	static const char *const names[] = { "RECEIVED", "STATUS", "SILENT", "PROBE",
					     "HEARTBEAT", "IDLE" };

	return names[v];
}

static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* An address (its family and bytes) and a port, each from its word. */
static bool parse_ip(const char *ip, struct ctl_addr *a)
{
	memset(a->addr, 0, sizeof a->addr);
	a->family = 0;
	if (inet_pton(AF_INET, ip, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, ip, a->addr) == 1)
		a->family = AF_INET6;
	return a->family != 0;
}

static bool parse_port(const char *port, struct ctl_addr *a)
{
	uint32_t p;

	if (!parse_u32(port, 65535, &p) || p == 0)
		return false;
	a->port = (uint16_t)p;
	return true;
}

static bool parse_addr(const char *ip, const char *port, struct ctl_addr *a)
{
	memset(a, 0, sizeof *a);
	return parse_port(port, a) && parse_ip(ip, a);
}

static int req_error(char *err, size_t errlen, const char *what, const char *word)
{
	snprintf(err, errlen, "%s%s%s", what, word ? ": " : "", word ? word : "");
	return -1;
}

/* D and COUNT of PROBE and HEARTBEAT. */
static int parse_timing(char **w, unsigned n, struct ctl_req *r, char *err, size_t errlen)
{
	char why[128];
	long count = 0;
	int64_t us;

	if (n < 2 || n > (r->verb == CTL_PROBE ? 3u : 2u))
		return req_error(err, errlen, r->verb == CTL_PROBE ? "usage: PROBE D [COUNT]"
				 : "usage: HEARTBEAT D", NULL);
	if (parse_duration(w[1], CTL_MIN_EVERY_US, CTL_MAX_EVERY_US, &us, why, sizeof why) < 0)
		return req_error(err, errlen, why, NULL);
	if (n == 3 && parse_count(w[2], 1, CTL_MAX_COUNT, &count, why, sizeof why) < 0)
		return req_error(err, errlen, why, NULL);
	r->every = us;
	r->count = (unsigned)count;
	return 0;
}

/* IDLE IP PORT D: a flow and the idle its one round of probes waits for. */
/* w[0] IP, w[1] PORT of a request, each named when bad. */
static int flow_words(char **w, struct ctl_req *r, char *err, size_t errlen)
{
	if (!parse_ip(w[0], &r->addr))
		return req_error(err, errlen, "bad address", w[0]);
	if (!parse_port(w[1], &r->addr))
		return req_error(err, errlen, "bad port", w[1]);
	r->has_addr = true;
	return 0;
}

static int parse_idle(char **w, unsigned n, struct ctl_req *r, char *err, size_t errlen)
{
	char why[128];
	int64_t us;

	if (n != 4)
		return req_error(err, errlen, "usage: IDLE IP PORT D", NULL);
	if (flow_words(w + 1, r, err, errlen) < 0)
		return -1;
	if (parse_duration(w[3], CTL_MIN_EVERY_US, CTL_MAX_EVERY_US, &us, why, sizeof why) < 0)
		return req_error(err, errlen, why, NULL);
	r->every = us;
	return 0;
}

int ctl_parse_request(const char *line, size_t len, struct ctl_req *r, char *err,
		      size_t errlen)
{
	char buf[CTL_LINE_MAX], *w[MAX_WORDS];
	unsigned n = split(line, len, buf, w);
	static const enum ctl_verb verbs[] = { CTL_RECEIVED, CTL_STATUS, CTL_SILENT, CTL_PROBE,
					       CTL_HEARTBEAT, CTL_IDLE };
	unsigned i;

	memset(r, 0, sizeof *r);
	if (n == 0)
		return req_error(err, errlen, "empty request", NULL);
	for (i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (strcmp(w[0], ctl_verb_name(verbs[i])) == 0)
			break;
	if (i == sizeof verbs / sizeof verbs[0])
		return req_error(err, errlen, "unknown request", w[0]);
	r->verb = verbs[i];
	switch (r->verb) {
	case CTL_RECEIVED:
	case CTL_STATUS:
		if (n == 1 && r->verb == CTL_RECEIVED)
			return 0;
		if (n != 3)
			return req_error(err, errlen, r->verb == CTL_STATUS ? "usage: STATUS IP PORT"
					 : "usage: RECEIVED [IP PORT]", NULL);
		return flow_words(w + 1, r, err, errlen);
	case CTL_SILENT:
		return n == 1 ? 0 : req_error(err, errlen, "usage: SILENT", NULL);
	case CTL_PROBE:
	case CTL_HEARTBEAT:
		return parse_timing(w, n, r, err, errlen);
	case CTL_IDLE:
		return parse_idle(w, n, r, err, errlen);
	}
	return -1;
}

static void format_ip(const struct ctl_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->addr, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

size_t ctl_format_request(const struct ctl_req *r, char *buf, size_t len)
{
	char ip[64], d[32];
	int n;

	if (r->verb == CTL_PROBE || r->verb == CTL_HEARTBEAT) {
		format_duration(r->every, d, sizeof d);
		n = r->count ? snprintf(buf, len, "%s %s %u\n", ctl_verb_name(r->verb), d, r->count)
			     : snprintf(buf, len, "%s %s\n", ctl_verb_name(r->verb), d);
	} else if (r->verb == CTL_IDLE) {
		format_ip(&r->addr, ip, sizeof ip);
		format_duration(r->every, d, sizeof d);
		n = snprintf(buf, len, "IDLE %s %u %s\n", ip, r->addr.port, d);
	} else if (r->has_addr) {
		format_ip(&r->addr, ip, sizeof ip);
		n = snprintf(buf, len, "%s %s %u\n", ctl_verb_name(r->verb), ip, r->addr.port);
	} else {
		n = snprintf(buf, len, "%s\n", ctl_verb_name(r->verb));
	}
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

static const char *const round_names[] = {
	[CTL_ROUND_NONE] = "-", [CTL_ROUND_WAITING] = "waiting",
	[CTL_ROUND_ANSWERED] = "answered", [CTL_ROUND_DEAD] = "dead", [CTL_ROUND_RESET] = "reset",
};

size_t ctl_format_round(enum ctl_round r, ka_time idle, char *buf, size_t len)
{
	int n = 0;

	if (len)
		buf[0] = '\0';
	if (r != CTL_ROUND_NONE)
		n = snprintf(buf, len, " round=%s round_idle=%lldms", round_names[r],
			     (long long)(idle / 1000));
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

enum ctl_round ctl_parse_round(const char *line, size_t len, ka_time *idle)
{
	char buf[CTL_LINE_MAX], *w[MAX_WORDS];
	unsigned n = split(line, len, buf, w);
	enum ctl_round r = CTL_ROUND_NONE;
	uint32_t ms;

	*idle = 0;
	for (unsigned i = 0; i < n; i++) {
		size_t l = strlen(w[i]);

		if (strncmp(w[i], "round=", 6) == 0) {
			for (unsigned k = CTL_ROUND_WAITING; k <= CTL_ROUND_RESET; k++)
				if (strcmp(w[i] + 6, round_names[k]) == 0)
					r = (enum ctl_round)k;
		} else if (strncmp(w[i], "round_idle=", 11) == 0 && l > 13 &&
			   strcmp(w[i] + l - 2, "ms") == 0) {
			w[i][l - 2] = '\0';
			if (parse_u32(w[i] + 11, UINT32_MAX, &ms))
				*idle = (ka_time)ms * 1000;
		}
	}
	if (r == CTL_ROUND_NONE)
		*idle = 0;
	return r;
}

void ctl_format_endpoint(const struct ctl_addr *a, char *buf, size_t len)
{
	char ip[64];

	format_ip(a, ip, sizeof ip);
	snprintf(buf, len, a->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, a->port);
}

bool ctl_parse_endpoint(const char *s, size_t len, struct ctl_addr *a)
{
	char ip[64];
	const char *colon, *host = s, *end = s + len;

	if (len == 0 || len >= sizeof ip + 8)
		return false;
	if (*s == '[') {
		const char *rb = memchr(s, ']', len);

		if (!rb || rb + 1 >= end || rb[1] != ':')
			return false;
		host = s + 1;
		colon = rb + 1;
		len = (size_t)(rb - host);
	} else {
		colon = memrchr(s, ':', len);
		if (!colon)
			return false;
		len = (size_t)(colon - s);
	}
	if (len >= sizeof ip || (size_t)(end - colon - 1) >= 8)
		return false;
	memcpy(ip, host, len);
	ip[len] = '\0';
	{
		char port[8];

		memcpy(port, colon + 1, (size_t)(end - colon - 1));
		port[end - colon - 1] = '\0';
		return parse_addr(ip, port, a) && (*s == '[') == (a->family == AF_INET6);
	}
}

size_t ctl_format_greeting(const struct ctl_greeting *g, char *buf, size_t len)
{
	char you[80], me[80];
	int n;

	ctl_format_endpoint(&g->you, you, sizeof you);
	ctl_format_endpoint(&g->me, me, sizeof me);
	n = snprintf(buf, len, CTL_MAGIC " %u you=%s me=%s\n", g->version, you, me);
	return n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

bool ctl_parse_greeting(const char *line, size_t len, struct ctl_greeting *g)
{
	char buf[CTL_LINE_MAX], *w[MAX_WORDS];
	unsigned n = split(line, len, buf, w);
	uint32_t v;

	memset(g, 0, sizeof *g);
	if (n < 4 || strcmp(w[0], CTL_MAGIC) != 0 || !parse_u32(w[1], 1000000, &v) || v == 0)
		return false;
	g->version = v;
	return strncmp(w[2], "you=", 4) == 0 && strncmp(w[3], "me=", 3) == 0 &&
	       ctl_parse_endpoint(w[2] + 4, strlen(w[2] + 4), &g->you) &&
	       ctl_parse_endpoint(w[3] + 3, strlen(w[3] + 3), &g->me);
}
