/* trace_chart.h - what the trace's report keeps of the trace's events
 * (report_trace.c fills it and draws the path), and the chart of the hops'
 * idle timeouts (trace_chart.c draws it). */
#ifndef KAPROBE_TRACE_CHART_H
#define KAPROBE_TRACE_CHART_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "report/html.h"
#include "emit/event.h"

#define TM_MAX_HOPS 255                     /* TTLs 1..255 */
#define TM_MAX_FATES (TRACE_MAX_VARIANTS + 2)  /* the standard two, the --variant ones */

struct tm_hop {
	int ttl;
	struct probe_reply a;
	unsigned tries;
};

struct tm_fate {
	char variant[24];
	struct probe_reply a;
	int last_hop;                       /* as EV_FATE's */
	uint8_t last_from[16];
};

struct trace_model {
	ka_time max_idle;                   /* --timeouts' --max-idle; 0: not asked */
	bool started;
	char dst[80], src[64], iface[IF_NAMESIZE], tracer[24];
	unsigned max_hops;
	struct tm_hop hop[TM_MAX_HOPS];
	unsigned nhops;
	struct tm_fate fate[TM_MAX_FATES];
	unsigned nfates;
	struct tr_timeout tmo[TM_MAX_HOPS];
	unsigned ntmo;
	bool has_summary, ok, interrupted;
	int forgets;                        /* as EV_TRACE_SUMMARY's */
	uint32_t ignored;
};

/* The chart's CSS, for the page's style sheet (a literal, to be joined
 * with the page's own). */
#define TRACE_CHART_STYLE \
	".b-kept{fill:var(--ok);opacity:.55}.b-bracket{fill:var(--warn)}" \
	".b-dropped{fill:var(--bad);opacity:.3}.z-untested{fill:var(--shade-na)}\n" \
	".lane{stroke:var(--grid);stroke-width:1}" \
	".maxidle{stroke:var(--fg);stroke-width:1.2;stroke-dasharray:5 3}\n" \
	".ref line{stroke:var(--info);stroke-width:1.2;stroke-dasharray:2 3}" \
	".ref text{fill:var(--info);font-size:12px}\n" \
	"svg .zone-label,svg .lane-note{fill:var(--muted);font-size:12px}" \
	"svg .bracket-label{font-size:12px}svg .inconsistent .bracket-label{fill:var(--bad)}\n"

/* One lane per hop-timeout event on one log time axis: what the hop kept,
 * its bracket, what it dropped, --max-idle, and the idle timeouts of
 * well-known middleboxes as reference lines. */
void trace_chart(struct page *p, const struct trace_model *m);

#endif
