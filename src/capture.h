/* capture.h - the libpcap side: one live handle for one flow.
 *
 * Opened with pcap_create + immediate mode before activation, because
 * TPACKET_V3 otherwise holds packets until a block fills (KEEPALIVE.md);
 * non-blocking, polled through pcap_get_selectable_fd by the event loop.
 * An optional dumper writes every packet the filter passes (handshake,
 * probes, replies, ICMP errors) to a pcap file as it arrives.
 */
#ifndef KAPROBE_CAPTURE_H
#define KAPROBE_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcap/pcap.h>

struct capture {
	pcap_t *p;
	pcap_dumper_t *dump;
	const char *dump_path;
	int linktype;
	int fd;
};

typedef void (*capture_fn)(void *ctx, const struct pcap_pkthdr *h, const uint8_t *bytes);

/* Open iface live with the BPF filter text.  Returns 0, or -1 with err;
 * *perm is set when the failure was a missing privilege. */
int capture_open(struct capture *c, const char *iface, const char *filter,
		 bool *perm, char *err, size_t errlen);

/* Write every packet read from now on to path (pcap format). */
int capture_dump_open(struct capture *c, const char *path, char *err, size_t errlen);

/* capture_read's status when the dump file could not be written. */
#define CAPTURE_EDUMP (-2)

/* Read what is waiting, calling fn for each packet.  Returns the count,
 * -1 with err when the capture failed, or CAPTURE_EDUMP with err when the
 * dump file could not be written (a full disk): the packets were still
 * handed to fn. */
int capture_read(struct capture *c, capture_fn fn, void *ctx, char *err, size_t errlen);

/* Flush and close the dump file and the handle. */
void capture_close(struct capture *c);

/* The BPF filter for one TCP flow (local end first) and the ICMP/ICMPv6
 * errors that quote it; local port 0 takes every local port.  Addresses
 * are raw, 4 or 16 bytes. */
void capture_filter(char *buf, size_t len, int family,
		    const uint8_t *laddr, uint16_t lport,
		    const uint8_t *raddr, uint16_t rport);

#endif
