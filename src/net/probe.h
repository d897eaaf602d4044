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

/* Probes due in the same turn of the event loop leave in one sendmmsg(2):
 * a system call per probe was the largest single cost of a fleet (on a
 * virtual machine a call costs over a microsecond).  PROBE_BATCH bounds a
 * batch; PROBE_MAX_LEN fits the largest raw probe (IPv6, TSopt, the
 * one-byte variant's octet). */
#define PROBE_BATCH 64
#define PROBE_MAX_LEN 128

struct prober {
	libnet_t *l;
	int family;
	unsigned nq;                               /* probes queued */
	uint16_t qlen[PROBE_BATCH];                /* 0: cancelled */
	uint8_t q[PROBE_BATCH][PROBE_MAX_LEN];
};

/* Open a prober.  raw=true opens a raw socket (needs CAP_NET_RAW), bound to
 * iface when iface is not NULL; raw=false only builds bytes (no privilege),
 * for tests.  Returns 0, or -1 with err; *perm is set when the failure was
 * a missing privilege. */
int prober_open(struct prober *p, int family, bool raw, const char *iface,
		bool *perm, char *err, size_t errlen);

/* Build the probe described by s, replacing any earlier one. */
int prober_build(struct prober *p, const struct probe_spec *s, char *err, size_t errlen);

/* Queue the built probe for prober_flush: its index in the batch, or -1
 * with err (the caller flushes first when prober_full). */
int prober_queue(struct prober *p, char *err, size_t errlen);
static inline bool prober_full(const struct prober *p) { return p->nq == PROBE_BATCH; }
/* Take a queued probe back: it will not be sent. */
void prober_cancel(struct prober *p, unsigned i);
/* Send the queued probes, in order, and empty the queue: errs[i] is 0 or
 * the errno of the i-th (a cancelled one: 0).  Returns how many were queued. */
unsigned prober_flush(struct prober *p, int errs[PROBE_BATCH]);

/* The built probe's bytes, from the IP header on.  Free with
 * prober_free_bytes. */
int prober_bytes(struct prober *p, uint8_t **buf, uint32_t *len, char *err, size_t errlen);
void prober_free_bytes(uint8_t *buf);

void prober_close(struct prober *p);

#endif
