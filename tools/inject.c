/* inject.c - forge TCP segments and ICMP errors for kaprobe's hostile-world
 * integration tests (an off-path attacker, a confused middlebox).
 *
 *   inject tcp  --src A --dst B --sport P --dport Q --seq S --ack K
 *               --flags A|R|RA [--win N] [--ts VAL,ECR] [COMMON]
 *   inject icmp --src A --dst B --type T --code C [--mtu N]
 *               --quote-src C --quote-dst S --quote-sport P --quote-dport Q
 *               --quote-seq S [--quote-ack K] [COMMON]
 *   inject frame --iface IF --dst-mac MAC [--form FORM] [--hbh] and the
 *               options of tcp
 *   COMMON: [--ttl N] [--count N] [--every DURATION]
 *
 * `frame` writes the TCP segment as a whole Ethernet frame through a packet
 * socket on IF, to MAC, with checksums and lengths computed here, then
 * broken as FORM says (the kernel's raw IP socket would mend them):
 * good, bad-tcp-csum, bad-ip-csum (IPv4), ip-len-long (IPv4 total length 20
 * past the frame), ip-len-zero, mf (IPv4 More Fragments, offset 0),
 * plen-zero, plen-long (IPv6 payload length 8 past the frame), other-mac
 * (a unicast destination that is not MAC).  --hbh puts an IPv6 Hop-by-Hop
 * header (a PadN option) before TCP.
 *
 * A, B, C, S are IPv4 or IPv6 literals (all of one family).  SEQ/ACK values
 * are decimal 0..4294967295 or "rand" (a new random value for every packet
 * sent).  --icmp quotes an IPv4/IPv6 header and a 20-byte TCP header (ACK,
 * the given seq and ack) as a router would; for IPv6 the types are ICMPv6's
 * (1 unreachable, 2 packet too big, 3 time exceeded, 4 parameter problem).
 * --mtu fills the next-hop MTU of IPv4 frag-needed (3/4) and of ICMPv6 PTB.
 * --count N sends N packets (default 1) --every DURATION apart (500ms, 1s,
 * 0.25; default 1s).  Packets go out through a raw socket (libnet
 * LIBNET_RAW4/RAW6): run it inside a test namespace, never in the host's.
 *
 * Exit status: 0 sent, 64 usage error, 1 could not send.  Errors are one
 * line on stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libnet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EX_USAGE 64

/* A seq/ack given on the command line: a fixed value or a fresh random one. */
struct num32 {
	uint32_t v;
	bool rand;
	bool set;
};

struct addr {
	int af;			/* AF_INET, AF_INET6, 0 when not given */
	uint8_t b[16];
};

struct opts {
	bool icmp;
	struct addr src, dst, qsrc, qdst;
	long sport, dport, qsport, qdport;	/* -1 when not given */
	struct num32 seq, ack, qseq, qack;
	const char *flags;
	long win, ttl, type, code, mtu, count;
	bool ts;
	uint32_t tsval, tsecr;
	double every;
	/* frame */
	bool frame, hbh;
	const char *iface, *form;
	uint8_t dmac[6];
	bool dmac_set;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: inject tcp  --src A --dst B --sport P --dport Q --seq S --ack K\n"
		"                   --flags A|R|RA [--win N] [--ts VAL,ECR] [COMMON]\n"
		"       inject icmp --src A --dst B --type T --code C [--mtu N]\n"
		"                   --quote-src C --quote-dst S --quote-sport P --quote-dport Q\n"
		"                   --quote-seq S [--quote-ack K] [COMMON]\n"
		"       inject frame --iface IF --dst-mac MAC [--form FORM] [--hbh] (and tcp's)\n"
		"COMMON: [--ttl N] [--count N] [--every DURATION]\n"
		"FORM: good bad-tcp-csum bad-ip-csum ip-len-long ip-len-zero mf plen-zero\n"
		"      plen-long other-mac\n"
		"S and K: 0..4294967295 or 'rand' (new for every packet).  IPv4 or IPv6\n"
		"literals; ICMPv6 types for IPv6.  Exit 0 sent, 64 usage, 1 send failed.\n");
}

static int bad(const char *what, const char *val)
{
	fprintf(stderr, "inject: bad %s '%s' (see inject --help)\n", what, val);
	return EX_USAGE;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

static bool parse_num32(const char *s, struct num32 *n)
{
	char *end;
	unsigned long long v;

	n->set = true;
	if (strcmp(s, "rand") == 0) {
		n->rand = true;
		return true;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s == '\0' || *s == '-' || *end != '\0' || errno || v > UINT32_MAX)
		return false;
	n->v = (uint32_t)v;
	return true;
}

static bool parse_addr(const char *s, struct addr *a)
{
	if (inet_pton(AF_INET, s, a->b) == 1)
		a->af = AF_INET;
	else if (inet_pton(AF_INET6, s, a->b) == 1)
		a->af = AF_INET6;
	else
		return false;
	return true;
}

/* 500ms, 1s, 0.25 (seconds); at most an hour. */
static bool parse_duration(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s)
		return false;
	if (strcmp(end, "ms") == 0)
		v /= 1000;
	else if (*end != '\0' && strcmp(end, "s") != 0)
		return false;
	if (!(v >= 0 && v <= 3600))
		return false;
	*out = v;
	return true;
}

static bool parse_ts(const char *s, struct opts *o)
{
	struct num32 a = {0}, b = {0};
	char buf[64];
	char *comma;

	if (strlen(s) >= sizeof buf)
		return false;
	strcpy(buf, s);
	comma = strchr(buf, ',');
	if (!comma)
		return false;
	*comma = '\0';
	if (!parse_num32(buf, &a) || !parse_num32(comma + 1, &b) || a.rand || b.rand)
		return false;
	o->ts = true;
	o->tsval = a.v;
	o->tsecr = b.v;
	return true;
}

enum {
	O_SRC = 256, O_DST, O_SPORT, O_DPORT, O_SEQ, O_ACK, O_FLAGS, O_WIN, O_TS,
	O_TTL, O_COUNT, O_EVERY, O_TYPE, O_CODE, O_MTU, O_QSRC, O_QDST,
	O_QSPORT, O_QDPORT, O_QSEQ, O_QACK, O_IFACE, O_DMAC, O_FORM, O_HBH, O_HELP
};

static const struct option longopts[] = {
	{"src", 1, 0, O_SRC}, {"dst", 1, 0, O_DST}, {"sport", 1, 0, O_SPORT},
	{"dport", 1, 0, O_DPORT}, {"seq", 1, 0, O_SEQ}, {"ack", 1, 0, O_ACK},
	{"flags", 1, 0, O_FLAGS}, {"win", 1, 0, O_WIN}, {"ts", 1, 0, O_TS},
	{"ttl", 1, 0, O_TTL}, {"count", 1, 0, O_COUNT}, {"every", 1, 0, O_EVERY},
	{"type", 1, 0, O_TYPE}, {"code", 1, 0, O_CODE}, {"mtu", 1, 0, O_MTU},
	{"quote-src", 1, 0, O_QSRC}, {"quote-dst", 1, 0, O_QDST},
	{"quote-sport", 1, 0, O_QSPORT}, {"quote-dport", 1, 0, O_QDPORT},
	{"quote-seq", 1, 0, O_QSEQ}, {"quote-ack", 1, 0, O_QACK},
	{"iface", 1, 0, O_IFACE}, {"dst-mac", 1, 0, O_DMAC}, {"form", 1, 0, O_FORM},
	{"hbh", 0, 0, O_HBH}, {"help", 0, 0, O_HELP}, {0, 0, 0, 0}
};

/* One option into o; returns 0 or EX_USAGE (after saying why). */
static int set_opt(struct opts *o, int c, const char *a)
{
	bool ok = true;

	switch (c) {
	case O_SRC: ok = parse_addr(a, &o->src); break;
	case O_DST: ok = parse_addr(a, &o->dst); break;
	case O_QSRC: ok = parse_addr(a, &o->qsrc); break;
	case O_QDST: ok = parse_addr(a, &o->qdst); break;
	case O_SPORT: ok = parse_long(a, 0, 65535, &o->sport); break;
	case O_DPORT: ok = parse_long(a, 0, 65535, &o->dport); break;
	case O_QSPORT: ok = parse_long(a, 0, 65535, &o->qsport); break;
	case O_QDPORT: ok = parse_long(a, 0, 65535, &o->qdport); break;
	case O_SEQ: ok = parse_num32(a, &o->seq); break;
	case O_ACK: ok = parse_num32(a, &o->ack); break;
	case O_QSEQ: ok = parse_num32(a, &o->qseq); break;
	case O_QACK: ok = parse_num32(a, &o->qack); break;
	case O_FLAGS: o->flags = a; break;
	case O_WIN: ok = parse_long(a, 0, 65535, &o->win); break;
	case O_TS: ok = parse_ts(a, o); break;
	case O_TTL: ok = parse_long(a, 1, 255, &o->ttl); break;
	case O_COUNT: ok = parse_long(a, 1, 1000000, &o->count); break;
	case O_EVERY: ok = parse_duration(a, &o->every); break;
	case O_TYPE: ok = parse_long(a, 0, 255, &o->type); break;
	case O_CODE: ok = parse_long(a, 0, 255, &o->code); break;
	case O_MTU: ok = parse_long(a, 0, 65535, &o->mtu); break;
	case O_IFACE: o->iface = a; break;
	case O_FORM: o->form = a; break;
	case O_HBH: o->hbh = true; break;
	case O_DMAC:
		ok = sscanf(a, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &o->dmac[0], &o->dmac[1],
			    &o->dmac[2], &o->dmac[3], &o->dmac[4], &o->dmac[5]) == 6;
		o->dmac_set = ok;
		break;
	default: return EX_USAGE;
	}
	if (!ok) {
		for (const struct option *p = longopts; p->name; p++)
			if (p->val == c) {
				fprintf(stderr, "inject: bad --%s '%s' (see inject --help)\n",
					p->name, a);
				return EX_USAGE;
			}
	}
	return 0;
}

static const char *missing(const struct opts *o)
{
	if (!o->src.af) return "--src";
	if (!o->dst.af) return "--dst";
	if (o->icmp) {
		if (o->type < 0) return "--type";
		if (o->code < 0) return "--code";
		if (!o->qsrc.af) return "--quote-src";
		if (!o->qdst.af) return "--quote-dst";
		if (o->qsport < 0) return "--quote-sport";
		if (o->qdport < 0) return "--quote-dport";
		if (!o->qseq.set) return "--quote-seq";
		return NULL;
	}
	if (o->frame && !o->iface) return "--iface";
	if (o->frame && !o->dmac_set) return "--dst-mac";
	if (o->sport < 0) return "--sport";
	if (o->dport < 0) return "--dport";
	if (!o->seq.set) return "--seq";
	if (!o->ack.set) return "--ack";
	if (!o->flags) return "--flags";
	return NULL;
}

/* TCP flags from "A", "R", "RA", "S", "F", "P" letters in any order. */
static int tcp_flags(const char *s)
{
	int f = 0;

	for (; *s; s++) {
		switch (*s) {
		case 'A': f |= TH_ACK; break;
		case 'R': f |= TH_RST; break;
		case 'S': f |= TH_SYN; break;
		case 'F': f |= TH_FIN; break;
		case 'P': f |= TH_PUSH; break;
		default: return -1;
		}
	}
	return f ? f : -1;
}

static const char *const FORMS[] = {
	"good", "bad-tcp-csum", "bad-ip-csum", "ip-len-long", "ip-len-zero", "mf",
	"plen-zero", "plen-long", "other-mac", NULL
};

static bool form_known(const char *f)
{
	for (const char *const *p = FORMS; *p; p++)
		if (strcmp(*p, f) == 0)
			return true;
	return false;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	const char *m;
	int c, rc;

	if (argc < 2) {
		usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		exit(0);
	}
	if (strcmp(argv[1], "icmp") == 0)
		o->icmp = true;
	else if (strcmp(argv[1], "frame") == 0)
		o->frame = true;
	else if (strcmp(argv[1], "tcp") != 0)
		return bad("command (tcp, icmp or frame)", argv[1]);
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == O_HELP) {
			usage(stdout);
			exit(0);
		}
		if (c == '?')
			return EX_USAGE;	/* getopt said which */
		if ((rc = set_opt(o, c, optarg)) != 0)
			return rc;
	}
	if (optind != argc)
		return bad("argument", argv[optind]);
	if ((m = missing(o)) != NULL) {
		fprintf(stderr, "inject: %s %s is required (see inject --help)\n", argv[1], m);
		return EX_USAGE;
	}
	if (o->dst.af != o->src.af ||
	    (o->icmp && (o->qsrc.af != o->src.af || o->qdst.af != o->src.af))) {
		fprintf(stderr, "inject: addresses of different families\n");
		return EX_USAGE;
	}
	if (!o->icmp && tcp_flags(o->flags) < 0)
		return bad("--flags (letters of ARSFP)", o->flags);
	if (o->frame && o->form && !form_known(o->form))
		return bad("--form (see inject --help)", o->form);
	return 0;
}

static uint32_t value(const struct num32 *n)
{
	return n->rand ? libnet_get_prand(LIBNET_PRu32) : n->v;
}

/* --- ICMP errors, built by hand: libnet 1.1.6 has no builder that sets the
 * MTU field of frag-needed / packet too big, so the message is the IP
 * payload and its checksum is computed here. --------------------------------*/

static uint32_t sum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	return sum;
}

static uint16_t sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

/* The offending packet as the victim sent it: IP header + 20 bytes of TCP. */
static size_t build_quote(const struct opts *o, uint8_t *q)
{
	size_t ipl = o->src.af == AF_INET ? 20 : 40;
	uint8_t *t = q + ipl;

	memset(q, 0, ipl + 20);
	if (o->src.af == AF_INET) {
		q[0] = 0x45;
		put16(q + 2, 40);
		q[6] = 0x40;		/* DF, as Linux sends */
		q[8] = 64;
		q[9] = IPPROTO_TCP;
		memcpy(q + 12, o->qsrc.b, 4);
		memcpy(q + 16, o->qdst.b, 4);
		put16(q + 10, sum_fold(sum_add(0, q, 20)));
	} else {
		q[0] = 0x60;
		put16(q + 4, 20);
		q[6] = IPPROTO_TCP;
		q[7] = 64;
		memcpy(q + 8, o->qsrc.b, 16);
		memcpy(q + 24, o->qdst.b, 16);
	}
	put16(t, (uint32_t)o->qsport);
	put16(t + 2, (uint32_t)o->qdport);
	put32(t + 4, value(&o->qseq));
	put32(t + 8, o->qack.set ? value(&o->qack) : 0);
	t[12] = 0x50;
	t[13] = TH_ACK;
	put16(t + 14, 502);	/* any window: the TCP checksum is not checked */
	return ipl + 20;
}

/* ICMP header + quote into m; returns its length. */
static size_t build_icmp(const struct opts *o, uint8_t *m)
{
	size_t n = 8 + build_quote(o, m + 8);
	uint32_t sum;

	m[0] = (uint8_t)o->type;
	m[1] = (uint8_t)o->code;
	m[2] = m[3] = 0;
	/* Next-hop MTU: the low 16 bits for IPv4 (RFC 1191), all 32 for
	 * ICMPv6 Packet Too Big (RFC 4443 3.2); 0 (unused) otherwise. */
	put32(m + 4, o->mtu > 0 ? (uint32_t)o->mtu : 0);
	if (o->src.af == AF_INET) {
		sum = sum_add(0, m, n);
	} else {
		uint8_t ph[8] = {0};	/* RFC 8200 8.1 pseudo-header tail */

		put32(ph, (uint32_t)n);
		ph[7] = IPPROTO_ICMPV6;
		sum = sum_add(0, o->src.b, 16);
		sum = sum_add(sum, o->dst.b, 16);
		sum = sum_add(sum, ph, 8);
		sum = sum_add(sum, m, n);
	}
	put16(m + 2, sum_fold(sum));
	return n;
}

/* --- libnet ------------------------------------------------------------------*/

/* One line: libnet's messages sometimes end with a newline, sometimes not. */
static int fail(const char *what, const char *why)
{
	int n = (int)strcspn(why, "\n");

	fprintf(stderr, "inject: %s: %.*s\n", what, n, why);
	return 1;
}

static libnet_ptag_t build_ip(libnet_t *l, const struct opts *o, uint8_t proto,
			      const uint8_t *payload, uint32_t plen, uint32_t l4len)
{
	uint8_t ttl = (uint8_t)(o->ttl > 0 ? o->ttl : 64);

	if (o->src.af == AF_INET) {
		uint32_t s, d;

		memcpy(&s, o->src.b, 4);
		memcpy(&d, o->dst.b, 4);
		return libnet_build_ipv4((uint16_t)(LIBNET_IPV4_H + l4len), 0,
					 (uint16_t)libnet_get_prand(LIBNET_PRu16), 0, ttl,
					 proto, 0, s, d, payload, plen, l, 0);
	}
	struct libnet_in6_addr s6, d6;

	memcpy(&s6, o->src.b, 16);
	memcpy(&d6, o->dst.b, 16);
	return libnet_build_ipv6(0, 0, (uint16_t)l4len, proto, ttl, s6, d6,
				 payload, plen, l, 0);
}

static libnet_ptag_t build_tcp(libnet_t *l, const struct opts *o)
{
	uint8_t opt[12] = {1, 1, 8, 10};	/* NOP NOP TS, as Linux lays it out */
	uint32_t optlen = 0;

	if (o->ts) {
		put32(opt + 4, o->tsval);
		put32(opt + 8, o->tsecr);
		optlen = sizeof opt;
		if (libnet_build_tcp_options(opt, optlen, l, 0) < 0)
			return -1;
	}
	if (libnet_build_tcp((uint16_t)o->sport, (uint16_t)o->dport, value(&o->seq),
			     value(&o->ack), (uint8_t)tcp_flags(o->flags),
			     (uint16_t)(o->win >= 0 ? o->win : 502), 0, 0,
			     (uint16_t)(LIBNET_TCP_H + optlen), NULL, 0, l, 0) < 0)
		return -1;
	return build_ip(l, o, IPPROTO_TCP, NULL, 0, LIBNET_TCP_H + optlen);
}

static int send_one(libnet_t *l, const struct opts *o)
{
	uint8_t msg[8 + 40 + 20];
	libnet_ptag_t t;

	libnet_clear_packet(l);
	if (o->icmp) {
		size_t n = build_icmp(o, msg);

		t = build_ip(l, o, o->src.af == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6,
			     msg, (uint32_t)n, (uint32_t)n);
	} else {
		t = build_tcp(l, o);
	}
	if (t < 0)
		return fail("cannot build the packet", libnet_geterror(l));
	if (libnet_write(l) < 0)
		return fail("cannot send", libnet_geterror(l));
	return 0;
}

/* --- frame: Ethernet through a packet socket, broken on purpose ----------*/

static void pause_for(double secs);

static bool is_form(const struct opts *o, const char *f)
{
	return o->form && strcmp(o->form, f) == 0;
}

/* The TCP header (with TS when asked) at t, checksum over the pseudo-header
 * of src and dst; returns its length. */
static size_t frame_tcp(const struct opts *o, uint8_t *t)
{
	size_t n = o->ts ? 32 : 20, al = o->src.af == AF_INET ? 4 : 16;
	uint32_t sum;

	memset(t, 0, n);
	put16(t, (uint32_t)o->sport);
	put16(t + 2, (uint32_t)o->dport);
	put32(t + 4, value(&o->seq));
	put32(t + 8, value(&o->ack));
	t[12] = (uint8_t)(n / 4 << 4);
	t[13] = (uint8_t)tcp_flags(o->flags);
	put16(t + 14, (uint32_t)(o->win >= 0 ? o->win : 502));
	if (o->ts) {
		t[20] = t[21] = 1;
		t[22] = 8;
		t[23] = 10;
		put32(t + 24, o->tsval);
		put32(t + 28, o->tsecr);
	}
	sum = sum_add(sum_add(0, o->src.b, al), o->dst.b, al) + IPPROTO_TCP + (uint32_t)n;
	put16(t + 16, sum_fold(sum_add(sum, t, n)));
	if (is_form(o, "bad-tcp-csum"))
		t[17] ^= 0x5a;
	return n;
}

/* The IP header and TCP at p; returns the bytes. */
static size_t frame_ip(const struct opts *o, uint8_t *p)
{
	uint8_t ttl = (uint8_t)(o->ttl > 0 ? o->ttl : 64);

	if (o->src.af == AF_INET) {
		size_t n = 20 + frame_tcp(o, p + 20);

		memset(p, 0, 20);
		p[0] = 0x45;
		put16(p + 2, is_form(o, "ip-len-zero") ? 0 :
		      (uint32_t)n + (is_form(o, "ip-len-long") ? 20 : 0));
		put16(p + 4, libnet_get_prand(LIBNET_PRu16));
		p[6] = is_form(o, "mf") ? 0x20 : 0x40;
		p[8] = ttl;
		p[9] = IPPROTO_TCP;
		memcpy(p + 12, o->src.b, 4);
		memcpy(p + 16, o->dst.b, 4);
		put16(p + 10, sum_fold(sum_add(0, p, 20)));
		if (is_form(o, "bad-ip-csum"))
			p[11] ^= 0x5a;
		return n;
	}
	size_t ext = o->hbh ? 8 : 0, n = 40 + ext + frame_tcp(o, p + 40 + ext);

	memset(p, 0, 40 + ext);
	p[0] = 0x60;
	put16(p + 4, is_form(o, "plen-zero") ? 0 :
	      (uint32_t)(n - 40) + (is_form(o, "plen-long") ? 8 : 0));
	p[6] = o->hbh ? 0 : IPPROTO_TCP;
	p[7] = ttl;
	memcpy(p + 8, o->src.b, 16);
	memcpy(p + 24, o->dst.b, 16);
	if (o->hbh) {   /* next header TCP, 8 bytes, PadN of 4 */
		p[40] = IPPROTO_TCP;
		p[42] = 1;
		p[43] = 4;
	}
	return n;
}

struct link {
	int fd;
	struct sockaddr_ll to;
	uint8_t smac[6];
};

static int link_open(const struct opts *o, struct link *k)
{
	struct ifreq ifr = {0};

	k->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (k->fd < 0)
		return fail("cannot open a packet socket", strerror(errno));
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", o->iface);
	if (ioctl(k->fd, SIOCGIFHWADDR, &ifr) < 0)
		return fail(o->iface, strerror(errno));
	memcpy(k->smac, ifr.ifr_hwaddr.sa_data, 6);
	k->to = (struct sockaddr_ll){ .sll_family = AF_PACKET, .sll_halen = 6,
				      .sll_ifindex = (int)if_nametoindex(o->iface) };
	memcpy(k->to.sll_addr, o->dmac, 6);
	return 0;
}

static int send_frame(const struct link *k, const struct opts *o)
{
	uint8_t f[14 + 40 + 8 + 32];
	size_t n;

	memcpy(f, o->dmac, 6);
	if (is_form(o, "other-mac"))
		f[5] ^= 0x01;   /* still unicast: the low bit of byte 0 is kept */
	memcpy(f + 6, k->smac, 6);
	put16(f + 12, o->src.af == AF_INET ? 0x0800 : 0x86dd);
	n = 14 + frame_ip(o, f + 14);
	if (sendto(k->fd, f, n, 0, (const struct sockaddr *)&k->to, sizeof k->to) < 0)
		return fail("cannot send", strerror(errno));
	return 0;
}

static int frames(const struct opts *o)
{
	struct link k;
	int rc = link_open(o, &k);

	/* libnet_get_prand draws from random() (ids, "rand" seq/ack). */
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	for (long i = 0; i < o->count && rc == 0; i++) {
		if (i > 0)
			pause_for(o->every);
		rc = send_frame(&k, o);
	}
	close(k.fd);
	return rc;
}

static void pause_for(double secs)
{
	struct timespec ts = { (time_t)secs, (long)((secs - (time_t)secs) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.sport = -1, .dport = -1, .qsport = -1, .qdport = -1, .win = -1,
		.ttl = -1, .type = -1, .code = -1, .mtu = -1, .count = 1, .every = 1,
	};
	char err[LIBNET_ERRBUF_SIZE];
	libnet_t *l;
	int rc = parse_args(argc, argv, &o);

	if (rc)
		return rc;
	if (o.frame)
		return frames(&o);
	l = libnet_init(o.src.af == AF_INET ? LIBNET_RAW4 : LIBNET_RAW6, NULL, err);
	if (!l)
		return fail("cannot open a raw socket", err);
	libnet_seed_prand(l);
	for (long i = 0; i < o.count && rc == 0; i++) {
		if (i > 0)
			pause_for(o.every);
		rc = send_one(l, &o);
	}
	libnet_destroy(l);
	return rc;
}
