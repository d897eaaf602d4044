/* probe.c - keep-alive probes built with libnet (see probe.h). */
#include "net/probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "decode/segment.h"

/* NOP, NOP, kind 8 length 10: the layout Linux writes (tcp_options_write),
 * which keeps TSval and TSecr 32-bit aligned. */
#define TS_OPTLEN 12

int prober_open(struct prober *p, int family, bool raw, const char *iface,
		bool *perm, char *err, size_t errlen)
{
	char lerr[LIBNET_ERRBUF_SIZE] = "";
	int type = raw ? (family == AF_INET6 ? LIBNET_RAW6 : LIBNET_RAW4) : LIBNET_NONE;

	*perm = false;
	p->family = family;
	p->nq = 0;
	if (raw) {
		/* libnet reports a failed socket(2) only as text, and its
		 * clean-up clobbers errno: ask the kernel first, so that a
		 * missing CAP_NET_RAW is told apart from other failures. */
		int fd = socket(family, SOCK_RAW, IPPROTO_RAW);

		if (fd < 0 && (errno == EPERM || errno == EACCES)) {
			*perm = true;
			snprintf(err, errlen, "cannot open raw socket: %s", strerror(errno));
			return -1;
		}
		if (fd >= 0)
			close(fd);
	}
	p->l = libnet_init(type, NULL, lerr);
	if (!p->l) {
		lerr[strcspn(lerr, "\n")] = '\0';
		snprintf(err, errlen, "cannot open raw socket: %s", lerr);
		return -1;
	}
	if (raw && iface &&
	    setsockopt(libnet_getfd(p->l), SOL_SOCKET, SO_BINDTODEVICE, iface,
		       (socklen_t)strlen(iface) + 1) < 0) {
		*perm = errno == EPERM;
		snprintf(err, errlen, "cannot bind raw socket to %s: %s", iface, strerror(errno));
		prober_close(p);
		return -1;
	}
	return 0;
}

static void put32(uint8_t *b, uint32_t v)
{
	b[0] = v >> 24; b[1] = v >> 16; b[2] = v >> 8; b[3] = v;
}

static int build_ip(struct prober *p, const struct probe_spec *s, uint32_t tcplen)
{
	if (s->family == AF_INET6) {
		struct libnet_in6_addr src, dst;
		libnet_pblock_t *pb;
		libnet_ptag_t tag;

		memcpy(&src, s->src, 16);
		memcpy(&dst, s->dst, 16);
		tag = libnet_build_ipv6(0, s->flowlabel & 0xfffff, tcplen, IPPROTO_TCP,
					s->ttl, src, dst, NULL, 0, p->l, 0);
		/* libnet 1.1.6 writes the label's middle byte as
		 * `fl & 0x0FF00 >> 8`, i.e. fl & 0xff (a precedence slip in
		 * libnet_build_ipv6.c): put the right byte in its place. */
		pb = tag == -1 ? NULL : libnet_pblock_find(p->l, tag);
		if (pb)
			pb->buf[2] = (uint8_t)(s->flowlabel >> 8);
		return tag;
	}
	uint32_t src, dst;

	memcpy(&src, s->src, 4);
	memcpy(&dst, s->dst, 4);
	return libnet_build_ipv4(LIBNET_IPV4_H + tcplen, 0, s->ip_id,
				 s->df ? IP_DF : 0, s->ttl, IPPROTO_TCP, 0,
				 src, dst, NULL, 0, p->l, 0);
}

int prober_build(struct prober *p, const struct probe_spec *s, char *err, size_t errlen)
{
	uint8_t opts[TS_OPTLEN] = { 1, 1, 8, 10 };
	uint32_t optlen = s->ts ? TS_OPTLEN : 0;
	uint32_t tcplen = LIBNET_TCP_H + optlen + s->paylen;

	/* Probes are rare, and the options' length varies between them (an
	 * audit sends some without TSopt): rebuilding every header from
	 * scratch is simpler than resizing libnet's pblocks in place. */
	libnet_clear_packet(p->l);
	if (s->ts) {
		put32(opts + 4, s->tsval);
		put32(opts + 8, s->tsecr);
		if (libnet_build_tcp_options(opts, optlen, p->l, 0) == -1)
			goto fail;
	}
	if (libnet_build_tcp(s->sport, s->dport, s->seq, s->ack, s->flags, s->win,
			     0, 0, tcplen, s->payload, s->paylen, p->l, 0) == -1)
		goto fail;
	if (build_ip(p, s, tcplen) == -1)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot build probe: %s", libnet_geterror(p->l));
	return -1;
}

int prober_queue(struct prober *p, char *err, size_t errlen)
{
	uint8_t *buf;
	uint32_t len;

	if (p->nq == PROBE_BATCH) {
		snprintf(err, errlen, "cannot send probe: %u already waiting", PROBE_BATCH);
		return -1;
	}
	if (prober_bytes(p, &buf, &len, err, errlen) < 0)
		return -1;
	if (len > PROBE_MAX_LEN) {
		snprintf(err, errlen, "cannot send probe: %u bytes, more than %u", len,
			 PROBE_MAX_LEN);
		prober_free_bytes(buf);
		return -1;
	}
	memcpy(p->q[p->nq], buf, len);
	prober_free_bytes(buf);
	p->qlen[p->nq] = (uint16_t)len;
	return (int)p->nq++;
}

void prober_cancel(struct prober *p, unsigned i)
{
	if (i < p->nq)
		p->qlen[i] = 0;
}

/* Where the raw socket sends a probe: its IP destination, as libnet's
 * libnet_write_raw_ipv4/ipv6 do. */
static socklen_t dest_of(const struct prober *p, const uint8_t *pkt, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (p->family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		memcpy(&a->sin6_addr, pkt + 24, 16);
		return sizeof *a;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	memcpy(&a->sin_addr, pkt + 16, 4);
	return sizeof *a;
}

unsigned prober_flush(struct prober *p, int errs[PROBE_BATCH])
{
	struct mmsghdr m[PROBE_BATCH];
	struct iovec iov[PROBE_BATCH];
	struct sockaddr_storage to[PROBE_BATCH];
	unsigned idx[PROBE_BATCH], n = 0, queued = p->nq;

	for (unsigned i = 0; i < queued; i++) {
		errs[i] = 0;
		if (!p->qlen[i])
			continue;
		iov[n] = (struct iovec){ p->q[i], p->qlen[i] };
		m[n] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[n], .msg_iovlen = 1 } };
		m[n].msg_hdr.msg_namelen = dest_of(p, p->q[i], &to[n]);
		m[n].msg_hdr.msg_name = &to[n];
		idx[n++] = i;
	}
	/* sendmmsg stops at the first message that fails: -1 with its errno
	 * when it is the first, else the count sent (the failure comes back
	 * on the next call). */
	for (unsigned k = 0; k < n;) {
		int r = sendmmsg(libnet_getfd(p->l), m + k, n - k, 0);

		if (r > 0) {
			k += (unsigned)r;
		} else {
			errs[idx[k++]] = r < 0 && errno ? errno : EIO;
		}
	}
	p->nq = 0;
	return queued;
}

int prober_bytes(struct prober *p, uint8_t **buf, uint32_t *len, char *err, size_t errlen)
{
	/* libnet_adv_cull_packet refuses LIBNET_NONE contexts; the coalescing
	 * it wraps (checksums included) works on any. */
	if (libnet_pblock_coalesce(p->l, buf, len) == -1) {
		snprintf(err, errlen, "cannot assemble probe: %s", libnet_geterror(p->l));
		return -1;
	}
	return 0;
}

void prober_free_bytes(uint8_t *buf)
{
	free(buf);
}

void prober_close(struct prober *p)
{
	if (p->l)
		libnet_destroy(p->l);
	p->l = NULL;
}
