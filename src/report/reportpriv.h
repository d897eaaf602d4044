/* reportpriv.h - what report.c (the page and the file) shares with the
 * kind of report it draws (report_audit.c, report_trace.c,
 * report_replay.c); not an API. */
#ifndef KAPROBE_REPORTPRIV_H
#define KAPROBE_REPORTPRIV_H

#include <time.h>

#include "report/html.h"
#include "report/report.h"

struct report;

/* What a kind of report does with one kind of event: keep what it draws. */
typedef void report_on(struct report *r, const struct event *ev);

/* One kind of report, in the manner of zmap's probe modules: it keeps what
 * its events tell (its model) and draws it; it never writes a file. */
struct report_kind_ops {
	const char *name;               /* "audit": the page's heading */
	const char *style;              /* its CSS, after the page's own */
	void *(*model_new)(const struct report_meta *m);   /* NULL: out of memory */
	/* The page's <main>: everything the report shows. */
	void (*render)(struct page *p, const void *model, const struct report_meta *m);
	/* Whether the run reported anything to draw: a run that failed
	 * (exit 64 and up) gets a page only then. */
	bool (*has_content)(const void *model);
	void (*model_free)(void *model);
	/* By event kind: what it does with the kind, NULL for a kind it
	 * does not draw (the module does not take it then). */
	report_on *const *on;
};

extern const struct report_kind_ops report_audit_ops, report_trace_ops, report_replay_ops;

struct report {
	const struct report_kind_ops *ops;
	void *model;
	const struct report_meta *meta;
	int fd;                         /* the file, open since report_open */
	time_t started;                 /* wall clock, for the page's head */
	int status;                     /* the run's exit status */
	bool created;                   /* the file did not exist before */
};

/* r's model when r is a report of kind k, else NULL (an event of another
 * command's kind is not drawn). */
static inline void *report_model(struct report *r, enum report_kind k)
{
	return r->meta->kind == k ? r->model : NULL;
}

#endif
