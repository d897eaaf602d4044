/* replay_chart.h - what the replay's report keeps of replay's events
 * (report_replay.c fills it) and the page that draws it (replay_chart.c):
 * a row per prober.  Private to the two. */
#ifndef KAPROBE_REPLAY_CHART_H
#define KAPROBE_REPLAY_CHART_H

#include <stdbool.h>
#include <stdint.h>

#include "report/reportpriv.h"
/* Data segments closer than this are one span of data. */
#define SPAN_JOIN_US 1000000
/* Spans kept per row; when full, the two closest are merged (the longest
 * gaps, which the page is about, stay). */
#define SPAN_MAX 64


/* Verdicts, worst first: the order "by verdict" sorts in; answer kinds. */
#define NVERDICTS 7
#define NANSWERS 4
extern const char *const replay_verdicts[NVERDICTS];
extern const char *const replay_answer_kinds[NANSWERS];

struct span {
	ka_time from, to;
};

struct probe {
	ka_time t;
	uint32_t n;             /* its number in the round, from 1 */
};

struct answer {
	ka_time t, rtt;
	uint32_t n;             /* the probe it answers, 0: none out */
	uint8_t kind;           /* replay_answer_kinds */
};

struct cut {
	ka_time t, timeout, gap;
	uint8_t box;            /* index in meta->box */
	bool refreshed;
};

/* A growing array of n elements in cap. */
struct vec {
	void *v;
	unsigned n, cap;
};

struct row {
	char *name;             /* "prober>peer" */
	/* The timeline: the flow's last segment before the first keep-alive,
	 * and its latest segment or event but the verdict (which replay may
	 * give long after, when it lets the flow go or the capture ends). */
	ka_time start, last;
	ka_time verdict_t, would_t;
	int verdict, would;     /* replay_verdicts[]; -1: none (yet) */
	/* "closed": the gap without data before the close, how, who. */
	bool closed;
	struct ev_close close;
	uint32_t sent, answered, rst_answered, lost;
	struct span span[SPAN_MAX];
	unsigned nspans;
	struct vec probes;      /* struct probe */
	struct vec answers;     /* struct answer */
	struct vec cuts;        /* struct cut */
};

struct replay_model {
	struct row *row;
	unsigned nrows, cap;
	int16_t *row_of;        /* by the events' prober number: its row, -1 none */
	uint32_t nrow_of;
	uint64_t left_out;      /* probers past REPORT_MAX_FLOWS */
	uint64_t cuts_undrawn;  /* cuts of flows without a row */
	ka_time t0;             /* the capture's first frame */
	bool summary;           /* tot and end are known */
	ka_time end;
	struct replay_totals tot;
	bool short_of_memory;   /* some marks could not be kept */
	const struct report_meta *meta;
	char comment[256];      /* the capture's own (pcapng), "" for none */
	char ifname[EV_MAX_IFNAMES][48];
	unsigned nifnames;
};

/* The page's <main>, and its style sheet. */
void replay_page(struct page *p, const void *model, const struct report_meta *meta);
extern const char replay_page_style[];

#endif
