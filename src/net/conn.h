/* conn.h - one real TCP connection: opened by the kernel, seen through the
 * capture, probed as the kernel would probe it.
 *
 * The kernel owns the connection (connect(2), no SO_KEEPALIVE); this module
 * only binds its socket first, so that its port is known before the SYN
 * leaves, and learns everything else from the segments the capture shows:
 * the sequence state (flow.c), and what a probe copies from the kernel's
 * own segments (TTL, IP ID, flow label, TSval) and the peer's (TSecr).
 * The live prober drives one; the audit drives several.
 */
#ifndef KAPROBE_CONN_H
#define KAPROBE_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tcp/classify.h"
#include "tcp/flow.h"
#include "util/ktime.h"
#include "net/probe.h"
#include "decode/segment.h"

struct conn {
	int sock;
	int family;
	uint8_t laddr[16], raddr[16];  /* IPv4 zero-padded */
	uint16_t lport, rport;
	struct flow flow;              /* direction 0: us; 1: the peer */
	uint8_t ttl;                   /* the kernel's TTL / hop limit */
	uint8_t synack_ttl;            /* the SYN-ACK's, as it arrived */
	uint16_t ip_id;                /* the kernel's last IPv4 ID */
	uint32_t flowlabel;            /* the kernel's IPv6 flow label */
	uint32_t my_tsval;             /* the kernel's last TSval */
	uint32_t ts_delta;             /* its TS clock less CLOCK_MONOTONIC in ms */
	unsigned ts_reads;             /* TCP_TIMESTAMP readings of ts_delta */
	uint32_t peer_tsval;           /* TS.Recent: the peer's last accepted TSval, our TSecr */
	uint32_t max_snd_wnd;          /* the peer's largest window, scaled */
	int8_t wscale[2];              /* window scale each end's SYN offered, -1 none */
	ka_time last_rx;               /* when the peer's last accepted segment came */
	/* When each end last sent new data (0: us, 1: the peer), from the
	 * handshake's SYN-ACK on: what an idle timer that counts data (a
	 * proxy's, an application's) measures.  Probes carry none. */
	ka_time last_data[2];
	bool handshake_acked;          /* our ACK of the SYN-ACK was seen leaving */
	/* The probes kaprobe sent lately, for ICMP quotes and for telling its
	 * own probes from the kernel's segments in the capture. */
#define CONN_SENT 8
	struct cl_probe sent[CONN_SENT];
	uint32_t sent_len[CONN_SENT];
	unsigned nsent;                /* probes sent in all */
};

/* Make the socket for a connection from src to dst, bound to src's
 * address (on iface if given); the port comes with conn_connect.  Returns
 * 0, or -1 with errno set. */
int conn_open(struct conn *c, const struct sockaddr_storage *src,
	      const struct sockaddr_storage *dst, const char *iface);

/* Start a non-blocking connect to dst and learn the local port: the
 * 4-tuple is then known.  Returns 0 (in progress or done), or -1 with
 * errno set. */
int conn_connect(struct conn *c, const struct sockaddr *dst, socklen_t len);

/* Take a socket accept(2) returned: its two ends, as the kernel says
 * them.  Returns 0, or -1 with errno set (c->sock is fd either way). */
int conn_adopt(struct conn *c, int fd);

/* After the socket turned writable: 0 when connected, else the errno. */
int conn_connect_error(const struct conn *c);

/* Fold a segment the capture saw into the connection's state: one the
 * kernel sent, or one from the peer that the classifier accepted. */
void conn_seen_out(struct conn *c, const struct segment *s, ka_time t);
void conn_seen_in(struct conn *c, const struct segment *s, ka_time t);

/* When data last moved either way (the handshake when none did). */
static inline ka_time conn_last_data(const struct conn *c)
{
	return c->last_data[0] > c->last_data[1] ? c->last_data[0] : c->last_data[1];
}

/* Whether a SYN-ACK from the peer is the answer to our SYN (RFC 9293
 * 3.10.7.3: in SYN-SENT, its ack must be ISS + 1). */
bool conn_synack_ok(const struct conn *c, const struct segment *s);

/* Whether an outgoing segment is one of kaprobe's own probes. */
bool conn_is_own_probe(const struct conn *c, const struct segment *s);

/* Remember a probe sent (its seq, ack and length). */
void conn_probe_sent(struct conn *c, const struct probe_spec *s);

/* The classifier's view of the connection. */
void conn_view(const struct conn *c, struct cl_conn *v);

/* Both SYNs seen: the sequence state is known. */
bool conn_established(const struct conn *c);

/* The probe the kernel's keep-alive timer would send now
 * (tcp_xmit_probe_skb): ACK, seq = SND.NXT - 1, ack = RCV.NXT, the
 * kernel's window, TTL, next IP ID and flow label, DF, and NOP,NOP,TSopt
 * with the kernel's timestamp clock when timestamps were negotiated. */
void conn_probe_spec(struct conn *c, struct probe_spec *s);
/* The first reading of the socket's TS clock, taken as it becomes ready:
 * with thousands of connections, a system call at connect and not in the
 * probing. */
void conn_read_ts_clock(struct conn *c);

/* Read what the peer sent (a banner) into buf: the bytes read, 0 when
 * nothing waits, or -1 once the socket has nothing more to say (end of
 * stream or an error). */
ssize_t conn_read(const struct conn *c, void *buf, size_t len);

void conn_close(struct conn *c);

/* The raw address and port of a socket address. */
void conn_raw_addr(const struct sockaddr_storage *ss, uint8_t out[16], uint16_t *port);

#endif
