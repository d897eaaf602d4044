/* audit_chart.h - what the audit's report keeps of the audit's events
 * (report_audit.c fills it), and the chart of its idle-timeout search
 * (audit_chart.c draws it). */
#ifndef KAPROBE_AUDIT_CHART_H
#define KAPROBE_AUDIT_CHART_H

#include <net/if.h>
#include <stdbool.h>

#include "report/html.h"
#include "emit/event.h"

#define AM_MAX_VARIANTS 16
#define AM_MAX_MEAS 1024     /* as many as the audit keeps */

struct am_variant {
	char name[24];
	struct probe_reply r;
	unsigned tries;
};

/* What kaprobe serve received of a probe kind (an audit against serve). */
struct am_arrival {
	char name[24];
	bool arrived;
	char changed[128];                  /* "sport, dscp", "" for none */
	char answered_by[16];               /* "peer", "middlebox", "" none */
};

/* A refresh test: whose, and whether the flow outlived the timeout. */
struct am_refresh {
	bool heartbeat;                     /* data, not probes */
	char from[8];                       /* client, server, both */
	int survived;
	double intvl_s, for_s;
	char skipped[128];
};
#define AM_MAX_REFRESH 8

struct am_measure {
	double idle_s;
	struct probe_reply r;
	unsigned round;
	bool remeasure;
};

struct audit_model {
	ka_time max_idle;                   /* --max-idle: nothing longer was tried */
	char dst[80], src[64], iface[IF_NAMESIZE];
	int family;
	struct am_variant variant[AM_MAX_VARIANTS];
	unsigned nvariants;
	struct am_measure meas[AM_MAX_MEAS];
	unsigned nmeas;
	bool has_idle, has_expired;
	struct ev_idle idle;               /* its pointers cleared: */
	char probe[24];                     /* ... idle.probe */
	struct probe_reply expired;         /* ... *idle.expired */
	struct am_arrival arrival[AM_MAX_VARIANTS];
	unsigned narrivals;
	struct am_refresh refresh[AM_MAX_REFRESH];   /* in the events' order */
	unsigned nrefresh;
	bool by_side;                       /* tests from the server ran (serve) */
	char side[8];                       /* the advice's side, "" none */
	bool has_advice;
	long advice[3];                     /* tcp_keepalive_time, _intvl, _probes */
	double heartbeat_s, close_s;        /* a heartbeat's advice (0: keep-alive's) */
	unsigned sw;                        /* --for's software (tcp/swsettings.h) */
	char advice_note[256];
	bool has_summary;
	struct ev_audit_total total;
	/* The server's leg, searched from serve's side (a path a proxy cuts). */
	bool has_leg, has_leg_advice;
	double leg_alive_s, leg_dead_s;     /* < 0: none */
	long leg_advice[3];
};

/* The chart's CSS, for the page's style sheet. */
extern const char audit_chart_style[];

/* Every measurement as a mark at its idle time, a lane per round of the
 * search, the bracket and what lies beyond --max-idle shaded, and the
 * idle timeouts of well-known middleboxes as reference lines. */
void audit_chart(struct page *p, const struct audit_model *a);

#endif
