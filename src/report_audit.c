/* report_audit.c - STUB. */
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

const struct report_kind_ops report_audit_ops = { "audit", "", model_new, render, free };

void rep_audit_start(struct report *r, const char *dst, const char *src, const char *iface)
{ (void)r; (void)dst; (void)src; (void)iface; }
void rep_variant(struct report *r, ka_time t, const char *name, const struct audit_reply *a,
		 int family, unsigned tries)
{ (void)r; (void)t; (void)name; (void)a; (void)family; (void)tries; }
void rep_measure(struct report *r, ka_time t, const struct out_measure *m)
{ (void)r; (void)t; (void)m; }
void rep_idle(struct report *r, ka_time t, const struct out_idle *i)
{ (void)r; (void)t; (void)i; }
void rep_refresh(struct report *r, ka_time t, int survived, double intvl_s, double duration_s,
		 const char *skipped)
{ (void)r; (void)t; (void)survived; (void)intvl_s; (void)duration_s; (void)skipped; }
void rep_advice(struct report *r, ka_time t, long time_s, long intvl_s, long probes,
		const char *note)
{ (void)r; (void)t; (void)time_s; (void)intvl_s; (void)probes; (void)note; }
void rep_audit_summary(struct report *r, ka_time t, const struct out_audit_total *tot)
{ (void)r; (void)t; (void)tot; }
