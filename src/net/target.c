/* target.c - HOST:PORT parsing, resolving, and addresses as text. */
#include "net/target.h"

#include "util/errmsg.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>


/* Arguments are quoted at most this long, so that the advice after a huge
 * argument is not cut off by the caller's buffer. */
#define SHOW_MAX 80
#define SHOW(s) (int)(strlen(s) > SHOW_MAX ? SHOW_MAX : strlen(s)), (s), \
		(strlen(s) > SHOW_MAX ? "..." : "")

/* 1..65535, decimal digits only. */
static bool parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && v <= 65535; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (p == s || *p != '\0' || v < 1 || v > 65535)
		return false;
	*port = (uint16_t)v;
	return true;
}

int target_parse(const char *arg, struct target *t, char *err, size_t errlen)
{
	const char *host, *colon, *port;
	size_t hostlen;

	memset(t, 0, sizeof *t);
	if (arg[0] == '[') {
		/* [IPv6]:PORT, the URL form (RFC 3986 3.2.2). */
		const char *close = strchr(arg, ']');
		if (!close)
			return errmsg(err, errlen, "unclosed '[' in '%.*s%s': write "
				    "[ADDRESS]:PORT", SHOW(arg));
		host = arg + 1;
		hostlen = (size_t)(close - host);
		if (hostlen == 0)
			return errmsg(err, errlen, "missing address between brackets "
				    "in '%.*s%s'", SHOW(arg));
		if (close[1] == '\0')
			return errmsg(err, errlen, "missing port in '%.*s%s': write "
				    "[ADDRESS]:PORT", SHOW(arg));
		if (close[1] != ':')
			return errmsg(err, errlen, "unexpected text after ']' in "
				    "'%.*s%s': write [ADDRESS]:PORT", SHOW(arg));
		colon = close + 1;
	} else {
		colon = strrchr(arg, ':');
		if (!colon)
			return errmsg(err, errlen, "missing port in '%.*s%s': write "
				    "HOST:PORT", SHOW(arg));
		host = arg;
		hostlen = (size_t)(colon - host);
		if (memchr(arg, ':', hostlen)) {
			/* More than one colon: an IPv6 address without
			 * brackets.  "::1:443" could be ::1 port 443 or
			 * ::1:443 with no port, so refuse to guess; suggest
			 * the split at the last colon when it makes sense. */
			char a[INET6_ADDRSTRLEN];
			struct in6_addr a6;
			uint16_t p;
			if (hostlen < sizeof a && parse_port(colon + 1, &p)) {
				memcpy(a, host, hostlen);
				a[hostlen] = '\0';
				if (inet_pton(AF_INET6, a, &a6) == 1)
					return errmsg(err, errlen, "ambiguous target "
						    "'%s': put an IPv6 address in "
						    "brackets, as in [%s]:%s",
						    arg, a, colon + 1);
			}
			return errmsg(err, errlen, "ambiguous target '%.*s%s': put an "
				    "IPv6 address in brackets, as in [::1]:443",
				    SHOW(arg));
		}
		if (hostlen == 0)
			return errmsg(err, errlen, "missing host in '%.*s%s': write "
				    "HOST:PORT", SHOW(arg));
	}
	port = colon + 1;
	if (*port == '\0')
		return errmsg(err, errlen, "missing port in '%.*s%s': write %s",
			    SHOW(arg), arg[0] == '[' ? "[ADDRESS]:PORT" : "HOST:PORT");
	if (!parse_port(port, &t->port))
		return errmsg(err, errlen, "invalid port '%.*s%s' in '%.*s%s': use 1 "
			    "to 65535", SHOW(port), SHOW(arg));
	if (hostlen >= TARGET_HOST_MAX)
		return errmsg(err, errlen, "host in '%.*s%s' is too long: maximum %d "
			    "characters", SHOW(arg), TARGET_HOST_MAX - 1);
	memcpy(t->host, host, hostlen);
	t->host[hostlen] = '\0';
	return 0;
}

/* RFC 6761 6.4: names under .invalid never resolve, and libraries should
 * say so at once rather than ask a DNS server that may not answer. */
static bool is_invalid_tld(const char *host)
{
	size_t n = strlen(host);

	if (n && host[n - 1] == '.') /* the absolute form "x.invalid." */
		n--;
	if (n == 7)
		return strncasecmp(host, "invalid", 7) == 0;
	return n > 7 && strncasecmp(host + n - 8, ".invalid", 8) == 0;
}

/* What kind of non-unicast address a is, or NULL for unicast.  Only what is
 * knowable without the routing table (subnet broadcasts are not). */
static const char *v4_refused(const uint8_t *a)
{
	if (a[0] == 0)
		return a[1] | a[2] | a[3] ? "reserved (0.0.0.0/8)" : "unspecified";
	if ((a[0] & 0xf0) == 224)
		return "multicast";
	if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
		return "broadcast";
	return NULL;
}

static const char *v6_refused(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_MULTICAST(a))
		return "multicast";
	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return "unspecified";
	if (IN6_IS_ADDR_V4MAPPED(a)) /* ::ffff:224.0.0.1 reaches 224.0.0.1 */
		return v4_refused(a->s6_addr + 12);
	return NULL;
}

/* -4 or -6 against a literal address of the other family is a mistake on
 * the command line, not a failed lookup: say so, naming both. */
static int family_contradicts(const char *host, int family, char *err, size_t errlen)
{
	struct in6_addr a;
	int other = family == AF_INET ? AF_INET6 : AF_INET;

	if (family == AF_UNSPEC || inet_pton(other, host, &a) != 1)
		return 0;
	return errmsg(err, errlen, "%s contradicts '%s', an %s address: drop %s or "
		    "give an %s address", family == AF_INET ? "-4" : "-6", host,
		    other == AF_INET ? "IPv4" : "IPv6", family == AF_INET ? "-4" : "-6",
		    family == AF_INET ? "IPv4" : "IPv6");
}

int target_resolve(struct target *t, int family, char *err, size_t errlen)
{
	/* No AI_ADDRCONFIG: it hides IPv6 (or IPv4) when the host has only
	 * loopback of that family, as in a fresh network namespace. */
	struct addrinfo hints = {
		.ai_family = family,
		.ai_socktype = SOCK_STREAM,
	};
	struct addrinfo *res;
	const char *why = NULL;
	uint8_t *raw;
	int rc;

	if (family_contradicts(t->host, family, err, errlen) < 0)
		return TARGET_REFUSED;
	if (is_invalid_tld(t->host))
		return errmsg(err, errlen, "cannot resolve '%s': %s", t->host,
			    gai_strerror(EAI_NONAME));
	rc = getaddrinfo(t->host, NULL, &hints, &res);
	if (rc != 0)
		return errmsg(err, errlen, "cannot resolve '%s': %s", t->host,
			    gai_strerror(rc));
	/* The first address, as ping and ssh use. */
	if (res->ai_addrlen > sizeof t->addr) {
		freeaddrinfo(res);
		return errmsg(err, errlen, "cannot resolve '%s': unexpected address "
			    "size", t->host);
	}
	memset(&t->addr, 0, sizeof t->addr);
	memcpy(&t->addr, res->ai_addr, res->ai_addrlen);
	t->addrlen = res->ai_addrlen;
	freeaddrinfo(res);

	if (t->addr.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&t->addr;
		sin->sin_port = htons(t->port);
		raw = (uint8_t *)&sin->sin_addr;
		why = v4_refused(raw);
	} else if (t->addr.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&t->addr;
		sin6->sin6_port = htons(t->port);
		raw = (uint8_t *)&sin6->sin6_addr;
		why = v6_refused(&sin6->sin6_addr);
	} else {
		return errmsg(err, errlen, "cannot resolve '%s': address family %d "
			    "is not IPv4 or IPv6", t->host, t->addr.ss_family);
	}
	if (why) {
		char text[INET6_ADDRSTRLEN];
		addr_format(t->addr.ss_family, raw, text, sizeof text);
		t->addrlen = 0; /* not usable */
		if (strcmp(text, t->host) == 0)
			errmsg(err, errlen, "refusing to probe %s address "
			       "'%s': a keep-alive needs one unicast peer", why, text);
		else
			errmsg(err, errlen, "refusing to probe %s address '%s' (from "
			       "'%s'): a keep-alive needs one unicast peer", why,
			       text, t->host);
		return TARGET_REFUSED;
	}
	return 0;
}

void sockaddr_format(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], scope[IF_NAMESIZE + 12] = "";

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
		addr_format(AF_INET, (const uint8_t *)&sin->sin_addr, a, sizeof a);
		snprintf(buf, len, "%s:%u", a, ntohs(sin->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
		addr_format(AF_INET6, (const uint8_t *)&sin6->sin6_addr, a, sizeof a);
		/* Link-local addresses mean nothing without their interface. */
		if (sin6->sin6_scope_id) {
			char name[IF_NAMESIZE];
			if (if_indextoname(sin6->sin6_scope_id, name))
				snprintf(scope, sizeof scope, "%%%s", name);
			else
				snprintf(scope, sizeof scope, "%%%u",
					 sin6->sin6_scope_id);
		}
		snprintf(buf, len, "[%s%s]:%u", a, scope, ntohs(sin6->sin6_port));
	} else {
		snprintf(buf, len, "(address family %d)", sa->sa_family);
	}
}

/* inet_ntop's text, built here: glibc's inet_ntop formats with sprintf,
 * which was most of what replay spent naming the flows of its events.
 * test_addr_format_matches_inet_ntop holds the two to the same output. */
static char *ipv4_text(char *p, const uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	return p;
}

/* The longest run of two or more zero words (the first of equals), as
 * RFC 5952 and inet_ntop compress it; *len 0 when there is none. */
static int zero_run(const uint16_t w[8], int *len)
{
	int best = -1, blen = 0, cur = -1;

	for (int i = 0; i <= 8; i++) {
		if (i < 8 && w[i] == 0) {
			if (cur < 0)
				cur = i;
			continue;
		}
		if (cur >= 0 && i - cur > blen) {
			best = cur;
			blen = i - cur;
		}
		cur = -1;
	}
	*len = blen >= 2 ? blen : 0;
	return blen >= 2 ? best : -1;
}

static char *ipv6_text(char *p, const uint8_t *a)
{
	static const char hex[] = "0123456789abcdef";
	uint16_t w[8];
	int len, run;

	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	run = zero_run(w, &len);
	for (int i = 0; i < 8; i++) {
		if (run >= 0 && i >= run && i < run + len) {
			if (i == run)
				*p++ = ':';
			continue;
		}
		if (i)
			*p++ = ':';
		/* IPv4-compatible and IPv4-mapped addresses end in dotted
		 * quad, as inet_ntop writes them. */
		if (i == 6 && run == 0 && (len == 6 || (len == 5 && w[5] == 0xffff)))
			return ipv4_text(p, a + 12);
		for (int sh = 12, lead = 1; sh >= 0; sh -= 4) {
			unsigned d = (w[i] >> sh) & 15;

			if (d || !lead || sh == 0) {
				*p++ = hex[d];
				lead = 0;
			}
		}
	}
	if (run >= 0 && run + len == 8)
		*p++ = ':';
	return p;
}

void addr_format(int family, const uint8_t *addr, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], *end = a;
	size_t n;

	if (family == AF_INET)
		end = ipv4_text(a, addr);
	else if (family == AF_INET6)
		end = ipv6_text(a, addr);
	else
		*end++ = '?';
	if (!len)
		return;
	n = (size_t)(end - a) < len - 1 ? (size_t)(end - a) : len - 1;
	memcpy(buf, a, n);
	buf[n] = '\0';
}
