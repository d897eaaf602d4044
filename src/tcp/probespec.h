/* probespec.h - a keep-alive probe described field by field: what the
 * prober (net/probe.c) turns into bytes, and what quote.c compares an ICMP
 * error's quote with.  Plain data, so that the comparison needs no libnet.
 *
 * A probe is what Linux's tcp_xmit_probe_skb sends for an idle connection:
 * an ACK with no data at seq = SND.UNA - 1 (= SND.NXT - 1 with nothing
 * outstanding), ack = RCV.NXT, the window the kernel advertises, DF set, and
 * NOP,NOP,TSopt when timestamps were negotiated (tcp_options_write). */
#ifndef KAPROBE_PROBESPEC_H
#define KAPROBE_PROBESPEC_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
