/* traceanswer.c - what a trace's probe got, from the engine's event (see
 * tracepriv.h): used by the hops and fates (trace.c) and by the timeout
 * phase (tracetmo.c), so that neither calls into the other for it. */
#include <string.h>

#include "tcp/quote.h"
#include "cmd/tracepriv.h"

void trace_answer_of(const struct eng_event *ev, const struct probe_spec *sent,
		     struct probe_reply *a)
{
	const struct segment *s = ev->seg;
	const uint8_t *q;
	size_t qlen;

	*a = (struct probe_reply){
		.kind = ev->cls == CL_ICMP_ERROR ? REPLY_ICMP : ev->cls == CL_RESET ? REPLY_RST : REPLY_ACK,
		.family = s->family, .rtt = ev->out.rtt, .hops = ev->hops, .by_peer = ev->by_peer,
	};
	memcpy(a->from, s->src, 16);
	if (a->kind != REPLY_ICMP)
		return;
	a->type = s->icmp_type;
	a->code = s->icmp_code;
	a->quoted = s->qlen;
	q = quote_locate(ev->frame, ev->caplen, ev->wirelen, s, &qlen);
	if ((a->compared = q != NULL && sent != NULL))
		a->changed = quote_compare(sent, q, qlen);
}
