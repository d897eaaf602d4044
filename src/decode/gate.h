/* gate.h - what the kernel checks before TCP or ICMP sees a packet.
 *
 * The classifier (tcp/classify.c) applies TCP's acceptance rules; a packet
 * that the kernel drops before them must not reach them in kaprobe either.
 * seg_gate says whether a decoded packet passes the checks of
 *
 *   ip_rcv_core (net/ipv4/ip_input.c): PACKET_OTHERHOST dropped, header
 *     checksum (IpInCsumErrors, IpInHdrErrors), total length longer than
 *     the frame (IpExtInTruncatedPkts) or shorter than the header (0);
 *   ip_local_deliver: a fragment waits for the rest (ip_defrag, IpReasmReqds);
 *   ip6_rcv_core (net/ipv6/ip6_input.c): PACKET_OTHERHOST, payload length
 *     longer than the frame (Ip6InTruncatedPkts), 0 without a Jumbo Payload
 *     option (RFC 2675); a Fragment header waits for reassembly (ipv6_frag_rcv);
 *   tcp_v4_rcv, tcp_v6_rcv (net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c): only
 *     PACKET_HOST, and the checksum (skb_checksum_init; TcpInCsumErrors);
 *   icmp_rcv, icmpv6_rcv: the checksum (IcmpInCsumErrors).
 *
 * and if not, why.  Pure: the frame and its decoded segment in, a verdict
 * out.
 *
 * Checksums the sender left to the NIC.  A segment built for checksum
 * offload (CHECKSUM_PARTIAL) carries in its checksum field the folded sum
 * of its pseudo-header only (tcp_v4_send_check, tcp_v6_send_check: ~
 * tcp_v4_check(len, saddr, daddr, 0)).  It is captured that way on the
 * sender before the NIC fills it in, on both ends of a veth pair and on
 * loopback (the skb crosses with CHECKSUM_PARTIAL and the receiver trusts
 * it), and after GRO merged several received segments into one
 * (tcp4_gro_complete, tcp6_gro_complete write the same pseudo-header sum,
 * since the NIC verified each segment and the merged payload is covered by
 * none).  libpcap does not hand over the socket's TP_STATUS_CSUMNOTREADY,
 * so the gate tells such a segment by its field: a TCP checksum is good
 * when the whole sum verifies or when the field is exactly that partial
 * sum.  A packet whose checksum is simply wrong matches neither (1 chance
 * in 65,536 for a random error; a forger who writes the partial sum on
 * purpose passes the gate where a real NIC's receiver drops it).
 *
 * A checksum is checked only over bytes captured: a segment longer than the
 * capture's snaplen passes unchecked.
 */
#ifndef KAPROBE_GATE_H
#define KAPROBE_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/segment.h"

enum gate_drop {
	GATE_PASS = 0,
	GATE_CSUM,       /* IPv4 header, TCP or ICMP checksum wrong */
	GATE_LEN,        /* IP length 0 or longer than the frame */
	GATE_FRAG,       /* a fragment: the kernel acts on it once reassembled */
	GATE_OTHERHOST,  /* not addressed to this host's link address */
};

/* The frame the segment was decoded from, as the capture gave it. */
struct gate_frame {
	int linktype;
	const uint8_t *frame;
	size_t caplen, wirelen;
	/* The capturing interface's Ethernet address, or NULL: an Ethernet
	 * destination is then not checked. */
	const uint8_t *mac;
};

/* seg_gate's flags. */
/* Judge as the receiving host: the packet came in on the capturing
 * interface for this host (live mode's inbound packets).  Without it, the
 * packet is a copy seen anywhere on its path (replay): only what is wrong
 * wherever it was captured counts, so neither the link address nor an IP
 * length of 0 (a TSO super-segment captured on its sender) is judged. */
#define GATE_RECEIVER 0x1
/* Check the TCP checksum of segments with at most one byte of data only
 * (keep-alives, their answers, RSTs, bare FINs: what verdicts rest on).
 * Summing every payload made replay a third slower, in memory bandwidth
 * for bytes it otherwise never reads. */
#define GATE_BARE_CSUM 0x2

/* Whether the decoded segment s (SEG_OK from f's frame) passes: GATE_PASS,
 * or the first check it fails, in the kernel's order. */
enum gate_drop seg_gate(const struct gate_frame *f, const struct segment *s, unsigned flags);

/* The one's-complement sum (RFC 1071) of n bytes added to sum, unfolded. */
uint64_t gate_csum_add(uint64_t sum, const uint8_t *p, size_t n);
/* Folded to 16 bits. */
uint16_t gate_csum_fold(uint64_t sum);

#endif
