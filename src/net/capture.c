/* capture.c - libpcap live capture of one flow (see capture.h). */
#include "net/capture.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "net/target.h"

/* Immediate mode makes libpcap use TPACKET_V2, whose ring has one fixed
 * slot per packet sized by the snaplen: tcpdump's 262144 would leave room
 * for 8 packets in a 2 MB ring, and an audit's burst of handshakes was lost
 * that way.  Without -w, 256 bytes keep every header (lengths come from the
 * IP header anyway) and an 8 MB ring holds some 25,000 packets: thousands
 * of connections' handshakes at once.  With -w, a jumbo frame's 9216 bytes
 * keep most payloads whole in the file, for some 900 packets. */
#define RING_BYTES (8 << 20)

/* The interface's Ethernet address (SIOCGIFHWADDR, netdevice(7)). */
static void read_mac(struct capture *c, const char *iface)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
		memcpy(c->mac, ifr.ifr_hwaddr.sa_data, 6);
		c->has_mac = true;
	}
	close(fd);
}

int capture_setfilter(struct capture *c, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;
	int rc;

	if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bad capture filter: %s", pcap_geterr(c->p));
		return -1;
	}
	rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc < 0)
		snprintf(err, errlen, "cannot set the capture filter: %s", pcap_geterr(c->p));
	return rc < 0 ? -1 : 0;
}

int capture_open(struct capture *c, const char *iface, const char *filter, bool whole,
		 bool *perm, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	int rc;

	*c = (struct capture){ .fd = -1 };
	*perm = false;
	c->p = pcap_create(iface, perr);
	if (!c->p) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface, perr);
		return -1;
	}
	pcap_set_snaplen(c->p, whole ? CAPTURE_SNAPLEN_WHOLE : CAPTURE_SNAPLEN_HEADERS);
	pcap_set_promisc(c->p, 0);
	pcap_set_immediate_mode(c->p, 1);
	pcap_set_buffer_size(c->p, RING_BYTES);
	rc = pcap_activate(c->p);
	if (rc < 0) {
		*perm = rc == PCAP_ERROR_PERM_DENIED;
		if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
			snprintf(err, errlen, "no such interface '%s'", iface);
		else
			snprintf(err, errlen, "cannot capture on %s: %s", iface,
				 pcap_geterr(c->p));
		goto fail;
	}
	if (capture_setfilter(c, filter, err, errlen) < 0)
		goto fail;
	if (pcap_setnonblock(c->p, 1, perr) < 0) {
		snprintf(err, errlen, "cannot set up capture on %s: %s", iface,
			 pcap_geterr(c->p));
		goto fail;
	}
	c->fd = pcap_get_selectable_fd(c->p);
	c->linktype = pcap_datalink(c->p);
	if (c->linktype == DLT_EN10MB)
		read_mac(c, iface);
	if (c->fd < 0) {
		snprintf(err, errlen, "capture on %s cannot be polled", iface);
		goto fail;
	}
	return 0;
fail:
	pcap_close(c->p);
	c->p = NULL;
	return -1;
}

/* "cannot write PATH: REASON" in one line that always ends with the
 * reason: a path too long for the line loses its middle. */
static void write_error(char *err, size_t errlen, const char *path, const char *reason)
{
	size_t room = errlen > 64 + strlen(reason) ? errlen - 64 - strlen(reason) : 16;
	size_t len = strlen(path);

	if (len <= room)
		snprintf(err, errlen, "cannot write %s: %s", path, reason);
	else
		snprintf(err, errlen, "cannot write %.*s...%s: %s", (int)(room / 2), path,
			 path + len - room / 2, reason);
}

int capture_dump_open(struct capture *c, const char *path, char *err, size_t errlen)
{
	errno = 0;
	c->dump = pcap_dump_open(c->p, path);
	c->dump_path = path;
	if (!c->dump) {
		/* libpcap's message repeats the path: give errno's alone. */
		write_error(err, errlen, path, errno ? strerror(errno) : pcap_geterr(c->p));
		return -1;
	}
	/* The file header is still in stdio's buffer: a full disk or
	 * /dev/full shows only when it is flushed.  From then on stdio holds
	 * nothing: records go straight to the descriptor (dump_record). */
	if (pcap_dump_flush(c->dump) < 0) {
		write_error(err, errlen, path, strerror(errno));
		return -1;
	}
	c->dump_fd = fileno(pcap_dump_file(c->dump));
	return 0;
}

/* One record, as pcap_dump lays it out (the header's fields in host order,
 * as the file header's magic says), written whole or not at all: a write
 * that stops part-way (the disk is full) is cut back to where the record
 * began, so that the file stays readable to its last record.  Written at
 * once, not through stdio's buffer: a run that is killed leaves every
 * packet so far in the file.  Returns 0 or the errno. */
static int dump_record(int fd, const struct pcap_pkthdr *h, const u_char *bytes)
{
	uint32_t rh[4] = { (uint32_t)h->ts.tv_sec, (uint32_t)h->ts.tv_usec, h->caplen, h->len };
	struct iovec iov[2] = { { rh, sizeof rh }, { (void *)bytes, h->caplen } };
	size_t left = sizeof rh + h->caplen;
	off_t at = lseek(fd, 0, SEEK_CUR);   /* -1 on a pipe: nothing to cut */
	int err = 0;

	while (left > 0 && !err) {
		ssize_t n = writev(fd, iov, 2);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		left -= (size_t)n;
		for (int i = 0; i < 2 && n > 0; i++) {
			size_t k = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;

			iov[i].iov_base = (char *)iov[i].iov_base + k;
			iov[i].iov_len -= k;
			n -= (ssize_t)k;
		}
	}
	if (err && at >= 0 && ftruncate(fd, at) == 0)
		lseek(fd, at, SEEK_SET);
	return err;
}

struct reader {
	struct capture *c;
	capture_fn fn;
	void *ctx;
	int dump_errno;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct reader *r = (struct reader *)user;

	if (r->c->dump && !r->dump_errno)
		r->dump_errno = dump_record(r->c->dump_fd, h, bytes);
	r->fn(r->ctx, h, bytes);
}

int capture_read(struct capture *c, capture_fn fn, void *ctx, char *err, size_t errlen)
{
	struct reader r = { c, fn, ctx, 0 };
	int n = pcap_dispatch(c->p, -1, on_packet, (u_char *)&r);

	if (r.dump_errno) {
		write_error(err, errlen, c->dump_path, strerror(r.dump_errno));
		return CAPTURE_EDUMP;
	}
	if (n == PCAP_ERROR) {
		snprintf(err, errlen, "capture failed: %s", pcap_geterr(c->p));
		return -1;
	}
	return n < 0 ? 0 : n;
}

/* libpcap adds the kernel's counts (which reading resets) to its own
 * totals, so that calling it often loses nothing. */
int capture_stats(struct capture *c, uint64_t *dropped, uint64_t *if_dropped)
{
	struct pcap_stat st;

	if (!c->p || pcap_stats(c->p, &st) < 0)
		return -1;
	*dropped = st.ps_drop;
	*if_dropped = st.ps_ifdrop;
	return 0;
}

void capture_close(struct capture *c)
{
	if (c->dump)
		pcap_dump_close(c->dump);
	if (c->p)
		pcap_close(c->p);
	c->dump = NULL;
	c->p = NULL;
}

/* Up to this many peers get a clause each; beyond, the filter keeps what
 * they share (our addresses, their ports) and the engine's demultiplexer
 * does the rest. */
#define PRECISE_PEERS 16
#define PORTS_MAX 8

struct filter_buf {
	char *s;
	size_t len, cap;
};

static void add(struct filter_buf *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct filter_buf *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!f->s)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(f->s + f->len, f->cap - f->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < f->cap - f->len)
			break;
		char *grown = n < 0 ? NULL : realloc(f->s, f->cap * 2 + (size_t)n);

		if (!grown) {
			free(f->s);
			f->s = NULL;
			return;
		}
		f->s = grown;
		f->cap = f->cap * 2 + (size_t)n;
	}
	f->len += (size_t)n;
}

/* Our probes carry no IP options, so an ICMPv4 error's quoted header is 20
 * bytes: quoted destination at icmp[24], ports at icmp[28] and icmp[30].
 * ICMPv6 errors are types 1-4; the decoder checks the quote, which may sit
 * behind extension headers BPF cannot walk (and an ICMPv6 message behind
 * extension headers passes add_ipv6_ext's clause). */
static void add_icmp(struct filter_buf *f, const struct capture_peer *p, bool precise)
{
	char l[64];

	addr_format(p->family, p->laddr, l, sizeof l);
	if (p->family == AF_INET6) {
		add(f, "(icmp6 and dst host %s and ip6[40] >= 1 and ip6[40] <= 4)", l);
		return;
	}
	add(f, "(icmp and dst host %s and (icmp[0] = 3 or icmp[0] = 4 or icmp[0] = 11 or "
	    "icmp[0] = 12)", l);
	if (precise)
		add(f, " and icmp[24:4] = 0x%02x%02x%02x%02x and icmp[30:2] = %u", p->raddr[0],
		    p->raddr[1], p->raddr[2], p->raddr[3], p->rport);
	add(f, ")");
}

static bool same_local(const struct capture_peer *a, const struct capture_peer *b)
{
	return a->family == b->family && memcmp(a->laddr, b->laddr, 16) == 0;
}

/* IPv6 packets to us whose first header is an extension header
 * (Hop-by-Hop 0, Routing 43, Fragment 44, AH 51, Destination Options
 * 60): libpcap's `tcp` and `icmp6` look only at the fixed header's Next
 * Header (and one Fragment header), and BPF cannot walk a chain of any
 * length.  These are rare, so all of them to our address pass and the
 * decoder walks the chain (segment.c) to TCP or ICMPv6, or drops them.
 * One clause per local address: the first peer of each adds it. */
static void add_ipv6_ext(struct filter_buf *f, const struct capture_peer *p, unsigned i)
{
	char l[64];

	if (p[i].family != AF_INET6)
		return;
	for (unsigned j = 0; j < i; j++)
		if (same_local(&p[j], &p[i]))
			return;
	addr_format(AF_INET6, p[i].laddr, l, sizeof l);
	add(f, " or (ip6 dst host %s and (ip6[6] = 0 or ip6[6] = 43 or ip6[6] = 44 or "
	    "ip6[6] = 51 or ip6[6] = 60))", l);
}

/* Many peers: every TCP segment of our addresses to their ports. */
static void add_by_local(struct filter_buf *f, const struct capture_peer *p, unsigned n)
{
	uint16_t ports[PORTS_MAX];
	unsigned nports = 0;
	bool first = true;

	for (unsigned i = 0; i < n && nports <= PORTS_MAX; i++) {
		unsigned j = 0;

		while (j < nports && ports[j] != p[i].rport)
			j++;
		if (j == nports && nports++ < PORTS_MAX)
			ports[j] = p[i].rport;
	}
	for (unsigned i = 0; i < n; i++) {
		char l[64];
		unsigned j = 0;

		while (j < i && !same_local(&p[j], &p[i]))
			j++;
		if (j < i)
			continue;
		addr_format(p[i].family, p[i].laddr, l, sizeof l);
		add(f, "%s(tcp and host %s", first ? "" : " or ", l);
		for (unsigned k = 0; nports <= PORTS_MAX && k < nports; k++)
			add(f, "%s port %u%s", k ? " or" : " and (", ports[k], k + 1 == nports ? ")" : "");
		add(f, ") or ");
		add_icmp(f, &p[i], false);
		add_ipv6_ext(f, p, i);
		first = false;
	}
}

char *capture_filter(const struct capture_peer *p, unsigned n)
{
	struct filter_buf f = { .s = malloc(1024), .cap = 1024 };

	if (f.s)
		f.s[0] = '\0';
	if (n > PRECISE_PEERS) {
		add_by_local(&f, p, n);
		return f.s;
	}
	for (unsigned i = 0; i < n; i++) {
		char l[64], r[64];

		addr_format(p[i].family, p[i].laddr, l, sizeof l);
		addr_format(p[i].family, p[i].raddr, r, sizeof r);
		add(&f, "%s(tcp and host %s and host %s and port %u) or ", i ? " or " : "", l, r,
		    p[i].rport);
		add_icmp(&f, &p[i], true);
		add_ipv6_ext(&f, p, i);
	}
	return f.s;
}
