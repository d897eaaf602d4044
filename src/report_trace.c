/* report_trace.c - STUB: to be written. */
#include <stdlib.h>

#include "reportpriv.h"

static void *model_new(const struct report_meta *m)
{
	(void)m;
	return calloc(1, 1);
}

static void render(struct page *p, const void *model, const struct report_meta *m)
{
	(void)model; (void)m;
	page_raw(p, "<p>Not drawn yet.</p>\n");
}

const struct report_kind_ops report_trace_ops = { "trace", "", model_new, render, free };

void rep_trace_start(struct report *r, const char *dst, const char *src, const char *iface,
		     const char *variant, unsigned max_hops)
{
	(void)r; (void)dst; (void)src; (void)iface; (void)variant; (void)max_hops;
}

void rep_hop(struct report *r, ka_time t, int ttl, const struct tr_answer *a, unsigned tries)
{
	(void)r; (void)t; (void)ttl; (void)a; (void)tries;
}

void rep_fate(struct report *r, ka_time t, const char *variant, const struct tr_answer *a,
	      int last_hop, const uint8_t *last_from)
{
	(void)r; (void)t; (void)variant; (void)a; (void)last_hop; (void)last_from;
}

void rep_hop_timeout(struct report *r, ka_time t, const struct tr_timeout *h)
{
	(void)r; (void)t; (void)h;
}

void rep_trace_summary(struct report *r, ka_time t, bool ok, int forgets, bool interrupted,
		       uint32_t ignored)
{
	(void)r; (void)t; (void)ok; (void)forgets; (void)interrupted; (void)ignored;
}
