/* report.h - `--report FILE.html`: one self-contained page per run of
 * `audit`, `trace` or `replay`, drawn from the events the run reports.
 *
 * The output module (output.c, traceout.c) hands every event it reports
 * to the report as well, as the same structs the JSON and human forms are
 * written from, whatever -q and --json say; the report keeps what its page
 * draws and writes the page once the run is over.  So the page shows what
 * the JSON lines say, and a run's terminal and JSON output are the same
 * with or without --report.
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
#include "emit/output.h"
#include "emit/traceout.h"

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
 * -1 after one line on stderr naming the file and why (then the file
 * holds nothing). */
int report_close(struct report *r, int status);

/* ---- the events, as output.c and traceout.c report them ---- */

/* The audit. */
void rep_audit_start(struct report *r, const char *dst, const char *src, const char *iface);
void rep_variant(struct report *r, ka_time t, const char *name, const struct audit_reply *a,
		 int family, unsigned tries);
void rep_measure(struct report *r, ka_time t, const struct out_measure *m);
void rep_idle(struct report *r, ka_time t, const struct out_idle *i);
void rep_refresh(struct report *r, ka_time t, int survived, double intvl_s, double duration_s,
		 const char *skipped);
void rep_advice(struct report *r, ka_time t, long time_s, long intvl_s, long probes,
		const char *note);
void rep_audit_summary(struct report *r, ka_time t, const struct out_audit_total *tot);

/* The trace. */
void rep_trace_start(struct report *r, const char *dst, const char *src, const char *iface,
		     const char *variant, unsigned max_hops);
void rep_hop(struct report *r, ka_time t, int ttl, const struct tr_answer *a, unsigned tries);
void rep_fate(struct report *r, ka_time t, const char *variant, const struct tr_answer *a,
	      int last_hop, const uint8_t *last_from);
void rep_hop_timeout(struct report *r, ka_time t, const struct tr_timeout *h);
void rep_trace_summary(struct report *r, ka_time t, bool ok, int forgets, bool interrupted,
		       uint32_t ignored);

/* The replay.  A row is one prober (one end of a flow that sent
 * keep-alives), as replay's verdicts are.  rep_flow_row gives it one when
 * it starts probing: name "prober>peer"; start, the capture time of the
 * flow's last segment before its first keep-alive, where its timeline
 * begins (it ends at the flow's last segment or event); t0, the capture's first frame (the JSON's t = 0).  Returns the
 * row, or -1 past REPORT_MAX_FLOWS (then counted as left out) or when out
 * of memory.  Data segments are not events: rep_traffic draws each
 * segment of the row's flow that is neither a keep-alive nor its answer,
 * coalesced into spans, at the cost of a few comparisons.  The other hooks
 * take the row from struct output (row, set with flow); row -1 is ignored. */
int rep_flow_row(struct report *r, const char *name, ka_time start, ka_time t0);
void rep_traffic(struct report *r, int row, ka_time t);
void rep_probe(struct report *r, int row, ka_time t, const struct out_probe *p);
void rep_reply(struct report *r, int row, ka_time t, const struct out_reply *a);
void rep_flow_verdict(struct report *r, int row, ka_time t, const char *verdict,
		      const struct ka_machine *m);
void rep_would_die(struct report *r, int row, ka_time t, const char *verdict);
void rep_cut(struct report *r, int row, ka_time t, const char *box, ka_time timeout,
	     ka_time gap, bool refreshed);
void rep_replay_summary(struct report *r, ka_time t, const char *file,
			const struct replay_totals *tot);
/* What the capture says of itself (pcapng): its comment and the names of
 * its interfaces, at most REPORT_MAX_IFNAMES ("" for none). */
#define REPORT_MAX_IFNAMES 8
void rep_capture(struct report *r, const char *comment, const char *const *ifname,
		 unsigned n);

#endif
