/* variant.c - the probe kinds (see variant.h). */
#include "engine/variant.h"

#include <string.h>

#include "net/conn.h"
#include "tcp/probespec.h"

static const uint8_t garbage;

/* RFC 1122 4.2.3.6: one octet of garbage, as some stacks send. */
static void shape_one_byte(const struct conn *c, struct probe_spec *s)
{
	(void)c;
	s->payload = &garbage;
	s->paylen = 1;
}

static void shape_no_ts(const struct conn *c, struct probe_spec *s)
{
	(void)c;
	s->ts = false;
}

/* PAWS (RFC 7323 5): a TSval older than TS.Recent; half the clock's range
 * back is as old as it gets. */
static void shape_stale_ts(const struct conn *c, struct probe_spec *s)
{
	(void)c;
	s->tsval -= 0x40000000u;
}

/* Not a probe: an ACK at SND.NXT, which a correct peer accepts silently. */
static void shape_pure_ack(const struct conn *c, struct probe_spec *s)
{
	s->seq = c->flow.d[0].snd;
}

/* Far outside the window: RFC 5961 4 answers it with a challenge ACK. */
static void shape_far_seq(const struct conn *c, struct probe_spec *s)
{
	s->seq = c->flow.d[0].snd + 0x40000000u;
}

const struct variant variant_table[] = {
	{ "zero-length", true, NULL },
	{ "one-byte", true, shape_one_byte },
	{ "no-timestamp", false, shape_no_ts },
	{ "stale-timestamp", false, shape_stale_ts },
	{ "pure-ack", false, shape_pure_ack },
	{ "far-seq", false, shape_far_seq },
};
const unsigned variant_count = sizeof variant_table / sizeof variant_table[0];

const struct variant *variant_find(const char *name)
{
	for (unsigned i = 0; i < variant_count; i++)
		if (strcmp(variant_table[i].name, name) == 0)
			return &variant_table[i];
	return NULL;
}
