/* sockfilter.c - ss-like filters over this host's sockets (see
 * sockfilter.h). */
#include "tcp/sockfilter.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/errmsg.h"
#include "util/parse.h"

static const char *const kind_names[SF_KINDS] = {
	"dst", "src", "dport", "sport", "pid", "comm", "state",
};

/* ADDR[/LEN] into t. */
static int parse_prefix(const char *word, struct sf_term *t, char *err, size_t errlen)
{
	char addr[64];
	const char *slash = strchr(word, '/');
	size_t alen = slash ? (size_t)(slash - word) : strlen(word);

	if (alen >= sizeof addr)
		return errmsg(err, errlen, "'%s' is no IPv4 or IPv6 address", word);
	memcpy(addr, word, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET, addr, t->addr) == 1)
		t->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, t->addr) == 1)
		t->family = AF_INET6;
	else
		return errmsg(err, errlen, "'%s' is no IPv4 or IPv6 address", word);
	unsigned max = t->family == AF_INET ? 32 : 128;
	t->len = max;
	if (slash) {
		long n;
		if (parse_count(slash + 1, 0, max, &n, err, errlen) < 0)
			return errmsg(err, errlen, "'%s': the prefix length must be 0-%u", word,
				      max);
		t->len = (unsigned)n;
	}
	return 0;
}

/* The value word of a term of kind t->kind. */
static int parse_value(const char *word, struct sf_term *t, char *err, size_t errlen)
{
	char e[160];

	switch (t->kind) {
	case SF_DST:
	case SF_SRC:
		return parse_prefix(word, t, err, errlen);
	case SF_DPORT:
	case SF_SPORT:
		if (parse_count(word[0] == ':' ? word + 1 : word, 0, 65535, &t->n, e, sizeof e) < 0)
			return errmsg(err, errlen, "%s '%s': a port is 0-65535",
				      kind_names[t->kind], word);
		return 0;
	case SF_PID:
		if (parse_count(word, 1, 0x3fffffff, &t->n, e, sizeof e) < 0)
			return errmsg(err, errlen, "pid '%s': a process id is a positive number",
				      word);
		return 0;
	case SF_COMM:
		/* The kernel keeps the first 15 bytes of a process's name. */
		snprintf(t->comm, sizeof t->comm, "%s", word);
		return 0;
	case SF_STATE:
		if ((t->n = sock_state_find(word)) < 0)
			return errmsg(err, errlen, "unknown state '%s' (established, syn-sent, "
				      "syn-recv, fin-wait-1, fin-wait-2, time-wait, closed, "
				      "close-wait, last-ack, listening, closing)", word);
		return 0;
	default:
		return errmsg(err, errlen, "internal: filter kind %d", t->kind);
	}
}

int sock_filter_parse(int argc, char **argv, struct sock_filter *f, char *err, size_t errlen)
{
	*f = (struct sock_filter){ .n = 0 };
	for (int i = 0; i < argc; i += 2) {
		int k = 0;

		while (k < SF_KINDS && strcmp(argv[i], kind_names[k]) != 0)
			k++;
		if (k == SF_KINDS)
			return errmsg(err, errlen, "unknown filter '%s' (dst, src, dport, sport, "
				      "pid, comm, state)", argv[i]);
		if (i + 1 >= argc)
			return errmsg(err, errlen, "filter '%s' needs a value", argv[i]);
		if (f->n == SF_MAX_TERMS)
			return errmsg(err, errlen, "more than %d filter terms", SF_MAX_TERMS);
		struct sf_term *t = &f->t[f->n];
		*t = (struct sf_term){ .kind = (enum sf_kind)k };
		if (parse_value(argv[i + 1], t, err, errlen) < 0)
			return -1;
		f->n++;
	}
	return 0;
}

bool sock_filter_has(const struct sock_filter *f, enum sf_kind k)
{
	for (unsigned i = 0; i < f->n; i++)
		if (f->t[i].kind == k)
			return true;
	return false;
}

/* The first len bits of a and b agree. */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	return !rest || ((a[whole] ^ b[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

static bool addr_match(const struct sf_term *t, int family, const uint8_t *addr)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (t->family == family)
		return prefix_eq(t->addr, addr, t->len);
	/* An IPv4 term also matches a dual-stack socket's ::ffff:a.b.c.d. */
	return t->family == AF_INET && family == AF_INET6 && memcmp(addr, mapped, 12) == 0 &&
	       prefix_eq(t->addr, addr + 12, t->len);
}

static bool term_match(const struct sf_term *t, const struct sock_rec *s)
{
	switch (t->kind) {
	case SF_DST: return addr_match(t, s->family, s->dst);
	case SF_SRC: return addr_match(t, s->family, s->src);
	case SF_DPORT: return s->dport == t->n;
	case SF_SPORT: return s->sport == t->n;
	case SF_PID: return s->pid == t->n;
	case SF_COMM: return strcmp(s->comm, t->comm) == 0;
	case SF_STATE: return s->state == (unsigned)t->n;
	default: return false;
	}
}

bool sock_filter_match(const struct sock_filter *f, const struct sock_rec *s, unsigned mask)
{
	for (unsigned k = 0; k < SF_KINDS; k++) {
		bool any = false, hit = false;

		if (!(mask >> k & 1))
			continue;
		for (unsigned i = 0; i < f->n; i++)
			if (f->t[i].kind == k) {
				any = true;
				hit = hit || term_match(&f->t[i], s);
			}
		if (any && !hit)
			return false;
	}
	/* Listening sockets are no connections: only asked for by name. */
	return !(mask >> SF_STATE & 1) || sock_filter_has(f, SF_STATE) || s->state != SS_LISTEN;
}
