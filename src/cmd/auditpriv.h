/* auditpriv.h - the audit's state, shared by audit.c (the planner: its
 * connections and what they tell) and auditfind.c (the finding, the
 * refresh tests and the advice, as events). */
#ifndef KAPROBE_AUDITPRIV_H
#define KAPROBE_AUDITPRIV_H

#include "cmd/audit.h"
#include "cmd/runout.h"
#include "emit/emit.h"
#include "emit/text.h"
#include "engine/engine.h"
#include "engine/variant.h"
#include "tcp/idlesched.h"

/* Retries go ENG_PROBE_GAP_US apart, so TRIES probes span 2.4 s: a
 * variant is done within 2.7 s of its handshake, inside any idle timeout
 * of 3 s or more. */
#define TRIES 5
#define MAX_TASKS (ISCHED_MAX_SLOTS + 16)
#define DISCARDS_IN_ROW 3

enum task_kind {
	T_VARIANT,   /* how a kind of probe is answered */
	T_SLOT,      /* one of the idle search's connections */
	T_REFRESH,   /* kept alive every intvl: does it outlive the timeout? */
};

/* One connection's job, and what it found. */
struct task {
	enum task_kind kind;
	const struct variant *variant;  /* the kind of probe it sends */
	unsigned slot;                  /* T_SLOT: the schedule's */
	bool heartbeat;                 /* T_REFRESH: with --heartbeat's data */
	struct econn *c;                /* the connection working on it */
	bool proven;                    /* its connection proved itself */
	bool done;
	ka_time measured;               /* the idle the latest round's first probe left at */
	struct probe_reply rep;         /* what the (last) measuring probe got */
	unsigned tries;                 /* probes sent in the measuring round */
	/* T_REFRESH */
	ka_time proven_at, intvl;       /* probing since; every (the longest used) */
	ka_time ended_at;               /* it died (or lasted) until then */
	ka_time last_ok;                /* its latest round answered by the peer */
	bool survived;
};

struct audit {
	const struct audit_opts *opt;
	struct engine e;
	struct emitter em;
	struct text text;
	struct runout out;              /* stdout, never blocking the loop */
	struct task task[MAX_TASKS];
	unsigned ntasks;
	unsigned slot_task[ISCHED_MAX_SLOTS];   /* the task of each slot */
	unsigned queue[MAX_TASKS];      /* tasks waiting for a connection */
	unsigned qhead, qlen;
	unsigned cap;                   /* the search's connections at once */
	unsigned discarded, taken;      /* connections discarded / that proved */
	unsigned discards_row, disc_since, ok_since;
	unsigned answered_tries, answered_rounds;   /* for the loss rate */
	struct isched q;                /* the idle search and its schedule */
	struct probe_reply reply[IDLES_MAX_MEAS];   /* what each measurement's probes got */
	const struct variant *search;   /* the kind the search and refresh use */
	bool searched, variants_done, idle_told, interrupted, progress;
	int rfc;                        /* the finding against RFC 5382 (-1: n/a) */
	struct ev_timer tick;           /* the progress line */
	struct ev_timer pace;           /* the next connection may open */
	struct ev_timer wake;           /* the schedule's next spare */
	struct ev_timer refresh_end;    /* the refresh tests have lasted long enough */
	struct ev_pace pacer;           /* ... at --rate */
	ka_time start;
};

/* auditfind.c: events for what was found. */
void audit_emit_idle(struct audit *a);
void audit_emit_refresh(struct audit *a);
void audit_emit_advice(struct audit *a);
/* Once the search is over: when a refresh test has lasted long enough
 * (0: it cannot tell, the search found no timeout); and whether it did
 * outlive the timeout, answered all along. */
ka_time audit_refresh_until(const struct audit *a, const struct task *t);
bool audit_refresh_outlived(const struct audit *a, const struct task *t);

#endif
