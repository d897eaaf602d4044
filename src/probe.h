/* probe.h - keep-alive probes built with libnet, field by field.
 *
 * A probe is what Linux's tcp_xmit_probe_skb sends for an idle connection:
 * an ACK with no data at seq = SND.UNA - 1 (= SND.NXT - 1 with nothing
 * outstanding), ack = RCV.NXT, the window the kernel advertises, DF set, and
 * NOP,NOP,TSopt when timestamps were negotiated (tcp_options_write).  The
 * caller fills a probe_spec from the flow it tracks; this module only turns
 * it into bytes and, for a raw prober, puts them on the wire.
 */
#ifndef KAPROBE_PROBE_H
#define KAPROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libnet.h>

struct probe_spec {
	int family;                /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;             /* TCPF_* (segment.h); a probe is TCPF_ACK */
	uint16_t win;              /* window field as sent (already scaled) */
	bool ts;                   /* append NOP,NOP,TSopt */
	uint32_t tsval, tsecr;
	uint8_t ttl;               /* TTL or hop limit */
	bool df;                   /* IPv4 Don't Fragment */
	uint16_t ip_id;            /* IPv4 identification */
	uint32_t flowlabel;        /* IPv6 flow label (20 bits) */
	const uint8_t *payload;    /* the RFC 1122 garbage octet, or NULL */
	uint32_t paylen;
};

struct prober {
	libnet_t *l;
	int family;
};

/* Open a prober.  raw=true opens a raw socket (needs CAP_NET_RAW), bound to
 * iface when iface is not NULL; raw=false only builds bytes (no privilege),
 * for tests.  Returns 0, or -1 with err; *perm is set when the failure was
 * a missing privilege. */
int prober_open(struct prober *p, int family, bool raw, const char *iface,
		bool *perm, char *err, size_t errlen);

/* Build the probe described by s, replacing any earlier one. */
int prober_build(struct prober *p, const struct probe_spec *s, char *err, size_t errlen);

/* Send the built probe.  Returns 0, or -1 with err. */
int prober_send(struct prober *p, char *err, size_t errlen);

/* The built probe's bytes, from the IP header on (raw=false probers only).
 * Free with prober_free_bytes. */
int prober_bytes(struct prober *p, uint8_t **buf, uint32_t *len, char *err, size_t errlen);
void prober_free_bytes(uint8_t *buf);

void prober_close(struct prober *p);

#endif
