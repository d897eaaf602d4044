/* capture.h - the libpcap side: one live handle for one flow.
 *
 * Opened with pcap_create + immediate mode before activation, because
 * TPACKET_V3 otherwise holds packets until a block fills (docs/KEEPALIVE-FACTS.md,
 * "libpcap and libnet");
 * non-blocking, polled through pcap_get_selectable_fd by the event loop.
 * An optional dumper writes every packet the filter passes (handshake,
 * probes, replies, ICMP errors) to a pcap file as it arrives, each record
 * whole or not at all: a disk that fills leaves a file readable to its
 * last record.
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
	int dump_fd;                 /* its descriptor: records are written here */
	const char *dump_path;
	int linktype;
	int fd;
	/* The interface's own Ethernet address (linktype DLT_EN10MB), for
	 * telling frames sent to another host (decode/gate.h); has_mac false
	 * when it could not be read. */
	uint8_t mac[6];
	bool has_mac;
};

typedef void (*capture_fn)(void *ctx, const struct pcap_pkthdr *h, const uint8_t *bytes);

#define CAPTURE_SNAPLEN_HEADERS 256
#define CAPTURE_SNAPLEN_WHOLE 9216

/* Open iface live with the BPF filter text; whole: keep payloads (for
 * -w), else headers only.  Returns 0, or -1 with err;
 * *perm is set when the failure was a missing privilege. */
/* Replace the open capture's filter (no privilege needed).  0, or -1 with
 * err. */
int capture_setfilter(struct capture *c, const char *filter, char *err, size_t errlen);

int capture_open(struct capture *c, const char *iface, const char *filter, bool whole,
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

/* What the kernel dropped since the capture opened (pcap_stats): dropped,
 * packets that passed the filter but found the ring full; if_dropped, the
 * interface's own drops over the same time, of any traffic (Linux counts
 * frames of protocols nobody takes there too).  Returns 0, or -1 when the
 * handle cannot say. */
int capture_stats(struct capture *c, uint64_t *dropped, uint64_t *if_dropped);

/* Flush and close the dump file and the handle. */
void capture_close(struct capture *c);

/* One destination of the capture: our address toward it, its address and
 * port (raw addresses, IPv4 in the first 4 bytes). */
struct capture_peer {
	int family;
	uint8_t laddr[16], raddr[16];
	uint16_t rport;
};

/* The BPF filter for every TCP flow from our address to the peers (any
 * local port) and the ICMP/ICMPv6 errors about them: precise for a few
 * peers, by local address (and remote ports) for many.  A malloc'd
 * string, or NULL when out of memory. */
char *capture_filter(const struct capture_peer *peers, unsigned n);

#endif
