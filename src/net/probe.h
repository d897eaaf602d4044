/* probe.h - keep-alive probes built with libnet, field by field.
 *
 * What a probe holds is tcp/probespec.h's to say.  The caller fills a probe_spec from the flow it tracks; this module only turns
 * it into bytes and, for a raw prober, puts them on the wire.
 */
#ifndef KAPROBE_PROBE_H
#define KAPROBE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libnet.h>

#include "tcp/probespec.h"

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
