/* report.h - `--report FILE.html`: one self-contained page per run of
 * `audit`, `trace` or `replay`, drawn from the events the run reports.
 *
 * The report is an output module (emit.h) beside the text stream: it takes
 * the events of its command, the same values the JSON and human forms are
 * written from, whatever -q and --json say; it keeps what its page draws
 * and writes the page once the run is over.  So the page shows what the
 * JSON lines say, and a run's terminal and JSON output are the same with
 * or without --report.
 *
 * The page needs nothing but itself: no script, style, font or image is
 * loaded from anywhere (its Content-Security-Policy forbids it), charts are
 * inline SVG, a little inline script only copies text and sorts.  The file
 * is opened when the run starts (before privileges are dropped, so that a
 * path that cannot be written is an error before any probe goes out) and
 * written at the end, in one piece. */
#ifndef KAPROBE_REPORT_H
#define KAPROBE_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "tcp/keepalive.h"
#include "tcp/middlebox.h"
#include "emit/emit.h"

/* The most replayed flows (probers) a replay report draws: the first
 * REPORT_MAX_FLOWS to start probing, in capture order (first come, first
 * drawn); those after are counted, and the page says how many were left
 * out. */
#define REPORT_MAX_FLOWS 500

enum report_kind { REPORT_AUDIT, REPORT_TRACE, REPORT_REPLAY };

struct report_meta {
	enum report_kind kind;
	const char *path;             /* FILE.html */
	const char *subject;          /* HOST:PORT as typed, or the capture's name */
	int argc;                     /* the command line, for the page's head */
	char **argv;
	ka_time max_idle;             /* audit, trace --timeouts: the longest idle asked */
	const struct middlebox *box;  /* replay --middlebox */
	unsigned nboxes;
};

struct report;

/* Open m->path for writing.  NULL, with one line in err, when it cannot
 * be.  m and what it points to must outlive the report. */
struct report *report_open(const struct report_meta *m, char *err, size_t errlen);
/* Draw the page, write it and free the report; status: the run's exit
 * status, shown when the run did not end with a finding.  Returns 0, or
 * -1 with one line in err naming the file and why (then the file holds
 * nothing, or says that it may hold part of the page). */
int report_close(struct report *r, int status, char *err, size_t errlen);

/* The module: attach it with the report as self (emit_attach). */
extern const struct out_module report_module;

#endif
