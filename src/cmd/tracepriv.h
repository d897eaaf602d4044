/* tracepriv.h - the trace's state, which trace.c (fates, hops, last hops)
 * keeps and tracetmo.c (each hop's idle timeout, tracetmo.h) uses; not an
 * API. */
#ifndef KAPROBE_TRACEPRIV_H
#define KAPROBE_TRACEPRIV_H

#include "engine/engine.h"
#include "cmd/trace.h"
#include "cmd/runout.h"
#include "emit/text.h"
#include "tcp/idlesched.h"
#include "engine/variant.h"

#define WAIT_US 1000000        /* a probe unanswered this long is silent */
#define TRIES 3
#define HOP_GAP_US 1000000     /* icmp_ratelimit: one error a second */
/* Timings the machine never reaches by itself: probes are ours to send. */
#define NEVER_US (1000LL * 24 * 3600 * 1000000)
#define NEVER_PROBES 60000
#define TMO_CONNS 64           /* a hop's connections open at once, at most */

enum phase { P_FATE, P_HOPS, P_LAST, P_DONE };

struct kind {
	const struct variant *v;
	struct probe_reply a;        /* at full TTL */
	int last_hop;              /* lost: the highest hop quoting it (0: none) */
	uint8_t last_from[16];
};

/* One connection of the timeout phase, a slot of the hop's schedule
 * (tcp/idlesched.h): idle, hops 1..j-1 kept refreshed, until the schedule
 * asks it "is hop j's state for this flow, idle for `idle`, still there?". */
enum tk_state { TK_CONNECTING, TK_PROVING, TK_IDLE, TK_MEASURING, TK_EXPIRED, TK_DONE };

struct tmo_task {
	struct trace *t;
	struct econn *c;
	unsigned slot;
	enum tk_state st;
	ka_time idle;              /* the idle asked about (0: none yet, a spare) */
	ka_time t0;                /* the proof's answer: every hop refreshed */
	ka_time measured;          /* the idle the measuring probe left at */
	unsigned tries;
	bool waiting;
	struct probe_reply expired;  /* dead: what a full probe got */
	int meas;                  /* its measurement's index (-1: none) */
	struct ev_timer timer, refresh;
};

struct trace {
	const struct trace_opts *opt;
	struct engine e;
	struct emitter em;
	struct text text;
	struct runout out;       /* stdout, never blocking the loop */
	struct econn *c;
	bool ready, interrupted;
	ka_time not_before;        /* the connection has settled */
	/* The question being asked. */
	const struct variant *qv;
	uint8_t qttl;              /* 0: the kernel's TTL */
	unsigned tries;
	bool waiting;              /* a probe out, its WAIT_US running */
	struct probe_spec sent;    /* the latest probe, as built */
	struct ev_timer tick;
	ka_time last_send, ttl_sent[256];
	/* What was found. */
	enum phase phase;
	struct kind kind[TRACE_MAX_VARIANTS + 2];
	unsigned nkinds, ki;
	const struct variant *tracer;   /* the kind the hop phase sends */
	struct probe_reply hop[256];
	unsigned ttl, top;         /* the hop phase's TTL; the highest tried */
	unsigned peer_ttl;         /* the TTL the peer answered at, 0: none */
	/* The timeout phase. */
	unsigned tmo_hop;          /* the hop measured */
	struct isched q;           /* its search and schedule */
	struct probe_reply tmo_expired[IDLES_MAX_MEAS];   /* each dead measurement's */
	struct tmo_task task[ISCHED_MAX_SLOTS];   /* the schedule's slots */
	unsigned discarded, discards_row;
	ka_time meas_last;         /* when the latest first measuring probe went */
	struct ev_timer wake;      /* the schedule's next spare */
};

static inline struct ka_config trace_never_cfg(void)
{
	return (struct ka_config){ .idle = NEVER_US, .intvl = NEVER_US, .probes = NEVER_PROBES };
}

/* Whether an answer is ICMP's time exceeded. */
static inline bool trace_time_exceeded(const struct probe_reply *a)
{
	return a->kind == REPLY_ICMP && a->type == (a->family == AF_INET6 ? 3 : 11);
}

/* The answer an engine REPLY event describes (its quote compared with
 * sent, unless NULL); traceanswer.c. */
void trace_answer_of(const struct eng_event *ev, const struct probe_spec *sent,
		     struct probe_reply *a);

#endif
