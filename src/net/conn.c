/* conn.c - one kernel-owned TCP connection, seen through the capture. */
#include "net/conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tcp/seq.h"

void conn_raw_addr(const struct sockaddr_storage *ss, uint8_t out[16], uint16_t *port)
{
	memset(out, 0, 16);
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		memcpy(out, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		memcpy(out, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
	}
}

int conn_open(struct conn *c, const struct sockaddr_storage *src,
	      const struct sockaddr_storage *dst, const char *iface)
{
	struct sockaddr_storage local = *src;
	int one = 1;

	memset(c, 0, sizeof *c);
	c->wscale[0] = c->wscale[1] = -1;
	c->family = src->ss_family;
	conn_raw_addr(dst, c->raddr, &c->rport);
	c->sock = socket(c->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->sock < 0)
		return -1;
	if (iface && setsockopt(c->sock, SOL_SOCKET, SO_BINDTODEVICE, iface,
				(socklen_t)strlen(iface) + 1) < 0)
		return -1;
	if (local.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&local)->sin6_port = 0;
	else
		((struct sockaddr_in *)&local)->sin_port = 0;
	/* The source address is fixed now, the port at connect(), where the
	 * kernel needs it unique per 4-tuple only: a bind(port 0) would want
	 * it unused by every socket, TIME_WAIT ones included, and with
	 * thousands of connections that search is most of the system time. */
	setsockopt(c->sock, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	if (bind(c->sock, (struct sockaddr *)&local,
		 local.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					     : sizeof(struct sockaddr_in)) < 0)
		return -1;
	conn_raw_addr(&local, c->laddr, &c->lport);
	return 0;
}

int conn_connect(struct conn *c, const struct sockaddr *dst, socklen_t len)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof local;

	if (connect(c->sock, dst, len) < 0 && errno != EINPROGRESS)
		return -1;
	/* The port, chosen by connect().  The SYN has left, but the capture
	 * is read only once the caller has filed the connection under it. */
	if (getsockname(c->sock, (struct sockaddr *)&local, &llen) < 0)
		return -1;
	conn_raw_addr(&local, c->laddr, &c->lport);
	return 0;
}

int conn_adopt(struct conn *c, int fd)
{
	struct sockaddr_storage l, r;
	socklen_t ll = sizeof l, rl = sizeof r;

	memset(c, 0, sizeof *c);
	c->sock = fd;
	c->wscale[0] = c->wscale[1] = -1;
	if (getsockname(fd, (struct sockaddr *)&l, &ll) < 0 ||
	    getpeername(fd, (struct sockaddr *)&r, &rl) < 0)
		return -1;
	c->family = l.ss_family;
	conn_raw_addr(&l, c->laddr, &c->lport);
	conn_raw_addr(&r, c->raddr, &c->rport);
	return 0;
}

int conn_connect_error(const struct conn *c)
{
	int e = 0;
	socklen_t len = sizeof e;

	if (getsockopt(c->sock, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		return errno;
	return e;
}

/* The window scale an end offered in its SYN (RFC 7323 2.3: at most 14),
 * or -1 for none. */
static int8_t syn_wscale(const struct segment *s)
{
	return s->opt.has_wscale ? (int8_t)(s->opt.wscale > 14 ? 14 : s->opt.wscale) : -1;
}

/* A window field as bytes: scaled once both SYNs offered scaling (RFC 7323
 * 2.2); a SYN's own window is never scaled, and callers pass no SYN. */
static uint32_t scaled(const struct conn *c, int dir, uint16_t win)
{
	bool ok = c->wscale[0] >= 0 && c->wscale[1] >= 0;

	return (uint32_t)win << (ok ? c->wscale[dir] : 0);
}

void conn_seen_out(struct conn *c, const struct segment *s, ka_time t)
{
	c->ip_id = s->ip_id;
	c->flowlabel = s->flowlabel;
	c->ttl = s->ttl;
	if (s->opt.has_ts)
		c->my_tsval = s->opt.tsval;
	if (s->flags & TCPF_SYN)
		c->wscale[0] = syn_wscale(s);
	else if ((s->flags & TCPF_ACK) && conn_established(c))
		c->handshake_acked = true;
	if (flow_is_new_payload(&c->flow, 0, s))
		c->last_data[0] = t;
	flow_update(&c->flow, 0, s);
	/* The kernel's ack field is its RCV.NXT (tcp_transmit_skb): what it
	 * took, reassembled fragments included, which the capture never sees
	 * as TCP (a first fragment is the kernel's to reassemble, gate.h).
	 * RCV.NXT, and the next probe's ack, follow it. */
	if ((s->flags & TCPF_ACK) && conn_established(c) && seq_gt(s->ack, c->flow.d[1].snd))
		c->flow.d[1].snd = s->ack;
}

void conn_seen_in(struct conn *c, const struct segment *s, ka_time t)
{
	if (s->flags & TCPF_SYN) {
		c->synack_ttl = s->ttl;
		c->wscale[1] = syn_wscale(s);
		c->last_data[0] = c->last_data[1] = t;
	} else if (scaled(c, 1, s->win) > c->max_snd_wnd) {
		c->max_snd_wnd = scaled(c, 1, s->win);
	}
	/* TS.Recent follows the accepted segments (RFC 7323 4.3); an RST's
	 * TSval is not taken. */
	if (s->opt.has_ts && !(s->flags & TCPF_RST))
		c->peer_tsval = s->opt.tsval;
	if (flow_is_new_payload(&c->flow, 1, s))
		c->last_data[1] = t;
	c->last_rx = t;
	flow_update(&c->flow, 1, s);
}

bool conn_synack_ok(const struct conn *c, const struct segment *s)
{
	return (s->flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK) &&
	       !(s->flags & TCPF_RST) && (c->flow.d[0].flags & FD_SYN) &&
	       s->ack == c->flow.d[0].snd;
}

bool conn_is_own_probe(const struct conn *c, const struct segment *s)
{
	for (unsigned i = 0; i < CONN_SENT && i < c->nsent; i++)
		if (s->seq == c->sent[i].seq && s->ack == c->sent[i].ack &&
		    s->len == c->sent_len[i] && !(s->flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)))
			return true;
	return false;
}

void conn_probe_sent(struct conn *c, const struct probe_spec *s)
{
	unsigned i = c->nsent++ % CONN_SENT;

	c->sent[i] = (struct cl_probe){ .seq = s->seq, .ack = s->ack };
	c->sent_len[i] = s->paylen;
}

void conn_view(const struct conn *c, struct cl_conn *v)
{
	*v = (struct cl_conn){
		.flow = &c->flow,
		.rcv_wnd = scaled(c, 0, c->flow.d[0].win),
		.max_snd_wnd = c->max_snd_wnd,
		.ts = flow_ts_negotiated(&c->flow),
		.ts_recent = c->peer_tsval,
		.sent = c->sent,
		.nsent = c->nsent < CONN_SENT ? c->nsent : CONN_SENT,
	};
}

bool conn_established(const struct conn *c)
{
	return (c->flow.d[0].flags & FD_SYN) && (c->flow.d[1].flags & FD_SYN);
}

static uint32_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

/* The kernel's TCP timestamp clock for this connection (tcp_time_stamp +
 * tsoffset), as getsockopt(TCP_TIMESTAMP) reports it.  Kernels with
 * microsecond timestamps use the low bit as a flag, so it can read one
 * below the last TSval sent: never go backwards (RFC 7323 5.4).
 * A millisecond clock is CLOCK_MONOTONIC plus the socket's fixed offset:
 * after TS_READS readings (each a lower bound of that offset, the clock
 * read after the socket's) it is computed, which spares a system call per
 * probe (an eighth of kaprobe's CPU with 10,000 connections). */
#define TS_READS 2

static uint32_t kernel_tsval(struct conn *c)
{
	uint32_t v = 0;
	socklen_t len = sizeof v;

	if (c->ts_reads >= TS_READS) {
		v = monotonic_ms() + c->ts_delta;
	} else if (getsockopt(c->sock, IPPROTO_TCP, TCP_TIMESTAMP, &v, &len) == 0 && !(v & 1)) {
		uint32_t d = v - monotonic_ms();

		if (c->ts_reads++ == 0 || seq_gt(d, c->ts_delta))
			c->ts_delta = d;
	}
	if (seq_lt(v, c->my_tsval))
		v = c->my_tsval;
	return v;
}

void conn_probe_spec(struct conn *c, struct probe_spec *s)
{
	const struct flow_dir *me = &c->flow.d[0], *peer = &c->flow.d[1];

	*s = (struct probe_spec){
		.family = c->family,
		.sport = c->lport,
		.dport = c->rport,
		/* Nothing is outstanding (kaprobe never writes), so SND.UNA-1
		 * as Linux uses it equals SND.NXT-1. */
		.seq = me->snd - 1,
		.ack = peer->snd,
		.flags = TCPF_ACK,
		.win = me->win,
		.ts = flow_ts_negotiated(&c->flow),
		.tsecr = c->peer_tsval,
		.ttl = c->ttl,
		.df = true,
		/* Continue the socket's IP ID counter and keep its flow label,
		 * so that ECMP hashing sends the probe the connection's way. */
		.ip_id = (uint16_t)(c->ip_id + 1),
		.flowlabel = c->flowlabel,
	};
	memcpy(s->src, c->laddr, 16);
	memcpy(s->dst, c->raddr, 16);
	if (s->ts)
		s->tsval = kernel_tsval(c);
}

void conn_read_ts_clock(struct conn *c)
{
	if (c->ts_reads == 0 && flow_ts_negotiated(&c->flow))
		(void)kernel_tsval(c);
}

ssize_t conn_read(const struct conn *c, void *buf, size_t len)
{
	ssize_t n = read(c->sock, buf, len);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return n > 0 ? n : -1;
}

void conn_close(struct conn *c)
{
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
}
