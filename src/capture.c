/* capture.c - libpcap live capture of one flow (see capture.h). */
#include "capture.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "target.h"

/* Immediate mode makes libpcap use TPACKET_V2, whose ring has one fixed
 * slot per packet sized by the snaplen: tcpdump's 262144 would leave room
 * for 8 packets in a 2 MB ring, and an audit's burst of handshakes was lost
 * that way.  A jumbo frame's 9216 bytes keep every header and most -w
 * payloads whole (lengths come from the IP header anyway), and an 8 MB
 * ring holds some 900 packets. */
#define SNAPLEN 9216
#define RING_BYTES (8 << 20)

int capture_open(struct capture *c, const char *iface, const char *filter,
		 bool *perm, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct bpf_program prog;
	int rc;

	*c = (struct capture){ .fd = -1 };
	*perm = false;
	c->p = pcap_create(iface, perr);
	if (!c->p) {
		snprintf(err, errlen, "cannot capture on %s: %s", iface, perr);
		return -1;
	}
	pcap_set_snaplen(c->p, SNAPLEN);
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
	if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(err, errlen, "bad capture filter: %s", pcap_geterr(c->p));
		goto fail;
	}
	rc = pcap_setfilter(c->p, &prog);
	pcap_freecode(&prog);
	if (rc < 0 || pcap_setnonblock(c->p, 1, perr) < 0) {
		snprintf(err, errlen, "cannot set up capture on %s: %s", iface,
			 pcap_geterr(c->p));
		goto fail;
	}
	c->fd = pcap_get_selectable_fd(c->p);
	c->linktype = pcap_datalink(c->p);
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
	 * /dev/full shows only when it is flushed. */
	if (pcap_dump_flush(c->dump) < 0) {
		write_error(err, errlen, path, strerror(errno));
		return -1;
	}
	return 0;
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

	if (r->c->dump && !r->dump_errno) {
		pcap_dump((u_char *)r->c->dump, h, bytes);
		/* Flushed per packet: probes are rare, and a run that is
		 * killed must leave every packet so far in the file. */
		if (pcap_dump_flush(r->c->dump) < 0)
			r->dump_errno = errno ? errno : EIO;
	}
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

void capture_close(struct capture *c)
{
	if (c->dump)
		pcap_dump_close(c->dump);
	if (c->p)
		pcap_close(c->p);
	c->dump = NULL;
	c->p = NULL;
}

void capture_filter(char *buf, size_t len, int family,
		    const uint8_t *laddr, uint16_t lport,
		    const uint8_t *raddr, uint16_t rport)
{
	char l[64], r[64], lp[32] = "", lpq[48] = "";

	addr_format(family, laddr, l, sizeof l);
	addr_format(family, raddr, r, sizeof r);
	/* Local port 0: every connection from laddr to the target (the audit
	 * runs many); the decoder and conn.c sort them out. */
	if (lport) {
		snprintf(lp, sizeof lp, " and port %u", lport);
		snprintf(lpq, sizeof lpq, " and icmp[28:2] = %u", lport);
	}
	if (family == AF_INET6) {
		/* ICMPv6 errors are types 1-4; the decoder checks the quote,
		 * which may sit behind extension headers BPF cannot walk. */
		snprintf(buf, len,
			 "(tcp and host %s and host %s and port %u%s) or "
			 "(icmp6 and dst host %s and ip6[40] >= 1 and ip6[40] <= 4)",
			 l, r, rport, lp, l);
		return;
	}
	/* Our probes carry no IP options, so the quoted header is 20 bytes:
	 * quoted destination at icmp[24], ports at icmp[28] and icmp[30]. */
	snprintf(buf, len,
		 "(tcp and host %s and host %s and port %u%s) or "
		 "(icmp and dst host %s and (icmp[0] = 3 or icmp[0] = 4 or icmp[0] = 11 or icmp[0] = 12)"
		 " and icmp[24:4] = 0x%02x%02x%02x%02x%s and icmp[30:2] = %u)",
		 l, r, rport, lp, l, raddr[0], raddr[1], raddr[2], raddr[3], lpq, rport);
}
