/* auditpriv.h - the audit's state, shared by audit.c (the planner: its
 * connections and what they tell) and auditfind.c (the finding, the
 * refresh tests and the advice, as events). */
#ifndef KAPROBE_AUDITPRIV_H
#define KAPROBE_AUDITPRIV_H

#include <stddef.h>

#include "cmd/audit.h"
#include "cmd/farend.h"
#include "cmd/runout.h"
#include "emit/emit.h"
#include "emit/text.h"
#include "engine/engine.h"
#include "engine/variant.h"
#include "tcp/arrival.h"
#include "tcp/idlesched.h"

/* Retries go ENG_PROBE_GAP_US apart, so TRIES probes span 2.4 s: a
 * variant is done within 2.7 s of its handshake, inside any idle timeout
 * of 3 s or more. */
#define TRIES 5
/* The client's search, the server's (auditside.c), the rest. */
#define MAX_TASKS (2 * ISCHED_MAX_SLOTS + 16)
#define DISCARDS_IN_ROW 3
/* Tasks that talk to kaprobe serve: the variants and its refresh tests. */
#define MAX_FAR 16

enum task_kind {
	T_VARIANT,   /* how a kind of probe is answered */
	T_SLOT,      /* one of the idle search's connections */
	T_REFRESH,   /* kept alive every intvl: does it outlive the timeout? */
	T_SSLOT,     /* one of the server's side search's connections */
};

/* A refresh test's side: the client probes (today's test), kaprobe serve
 * does (asked to on the connection while it is fresh), or both. */
enum refresh_from { RF_CLIENT, RF_SERVER, RF_BOTH };

/* A task's connection and kaprobe serve (auditfar.c): its greeting; for a
 * variant what it sent, to compare with what serve received; for a refresh
 * test serve's answer to its request. */
struct tfar {
	struct farend_greet greet;
	struct farq q;                  /* a question about it, on a connection of its own */
	struct probe_spec sent[TRIES];  /* a variant's probes */
	unsigned nsent, answered;       /* answered: the probe answered (1-based), 0 none */
	ka_time after;                  /* serve's records older than this are none of them */
	struct arr_flow fl;             /* the flow, taken before its connection closes */
	bool kept, told;                /* fl taken; its arrival said */
	bool arrived, by_box;           /* what it said: arrived; answered by a box */
	struct ctl_lines in;            /* serve's answer to the request */
	bool requested;                 /* the request went */
	int accepted;                   /* 0 waiting, 1 OK, -1 refused */
	char hb[CTL_LINE_MAX];          /* the client's heartbeat line to serve */
};

/* The idle search from serve's side (auditside.c): each slot's steps. */
enum sside_step {
	SS_NONE, SS_OPENING, SS_IDLE,   /* waiting for the greeting; proven */
	SS_ASK, SS_ASKING,              /* IDLE to send; sent */
	SS_WAIT, SS_POLLING,            /* STATUS due at `due`; asked */
	SS_DONE,
};

struct sside {
	struct farend_greet greet;      /* the flow's ends as serve sees them */
	unsigned char step;             /* enum sside_step */
	ka_time since, proven;          /* connecting since; greeted at */
	ka_time idle, due;              /* the idle asked; when to ask STATUS */
};

/* Questions to serve at once, each on a short connection of its own. */
#define SIDE_ASKERS 8

struct aside {
	struct isched q;
	struct sside slot[ISCHED_MAX_SLOTS];
	unsigned slot_task[ISCHED_MAX_SLOTS];
	struct farq ask[SIDE_ASKERS];
	unsigned asker_slot[SIDE_ASKERS];
	struct ev_timer wake;
	ka_time start;
	unsigned discarded;
	bool running, over, refused, told;
};

/* One connection's job, and what it found. */
struct task {
	enum task_kind kind;
	const struct variant *variant;  /* the kind of probe it sends */
	unsigned slot;                  /* T_SLOT: the schedule's */
	bool heartbeat;                 /* T_REFRESH: with data (heartbeats) */
	enum refresh_from from;         /* T_REFRESH: whose */
	bool late;                      /* T_REFRESH against serve: started once searched */
	bool ending;                    /* its last check is on (a probe, then STATUS) */
	struct tfar *far;               /* kaprobe serve's side, or NULL */
	struct econn *c;                /* the connection working on it */
	bool proven;                    /* its connection proved itself */
	bool done;
	ka_time measured;               /* the idle the latest round's first probe left at */
	struct probe_reply rep;         /* what the (last) measuring probe got */
	unsigned tries;                 /* probes sent in the measuring round */
	/* T_REFRESH */
	ka_time proven_at, intvl;       /* probing since; every (the longest used) */
	ka_time rtt;                    /* the handshake's round trip (at most 5 s) */
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
	/* kaprobe serve at the far end: 0 not known yet, 1 yes, -1 no. */
	int serve;
	struct ev_timer greet_wait;     /* the first greeting's deadline */
	ka_time greet_waited;           /* ... that far after its handshake */
	struct tfar far[MAX_FAR];
	unsigned nfar;
	bool late_started;
	bool final;                     /* the loop is over: nothing more will come */
	struct aside side;
};

/* The audit a timer, an io or its loop is a member of. */
#define AUDIT_OF(m, field) ((struct audit *)((char *)(m) - offsetof(struct audit, field)))

/* audit.c, for auditfar.c */
struct task *audit_new_task(struct audit *a, enum task_kind kind);
void audit_start_tasks(struct audit *a);
void audit_refresh_over(struct audit *a, struct task *t, bool survived);
void audit_refresh_check(struct audit *a);
void audit_done_check(struct audit *a);
void audit_configure(struct audit *a, struct task *t, ka_time idle);

/* auditfar.c: kaprobe serve at the far end. */
void audit_far_attach(struct audit *a, struct task *t);
void audit_far_connected(struct task *t);
/* A task's connection is READY: the greeting's deadline, the request. */
void audit_far_ready(struct audit *a, struct task *t, ka_time now);
void audit_far_data(struct engine *e, struct econn *c, const uint8_t *buf, size_t n,
		    void *ctx);
void audit_far_probe(struct task *t, const struct eng_event *ev);
void audit_far_keep(struct task *t);
/* Once the variants' events are out: what serve received of each. */
void audit_far_arrivals(struct audit *a);
/* Once the search is over: the refresh tests by side. */
void audit_far_late(struct audit *a);
/* A refresh test where the client stayed silent has lasted long enough:
 * the client probes once, and asks serve whether it still holds the flow. */
void audit_far_end(struct audit *a, struct task *t);
/* The end's probe was answered: ask STATUS. */
void audit_far_status(struct audit *a, struct task *t);
/* Something is still to come from the far end. */
bool audit_far_busy(const struct audit *a);

/* The idle-timeout events, the client's then the server's, once each is known. */
void audit_idle_check(struct audit *a);

/* auditside.c: the idle search from serve's side, where the path is cut. */
/* Once every arrival is told: start it if a probe was answered by a box
 * and none arrived. */
void audit_side_start(struct audit *a);
/* Whether it is known yet if it runs (the arrivals are all in). */
bool audit_side_decided(const struct audit *a);
bool audit_side_busy(const struct audit *a);
void audit_side_connected(struct task *t, struct audit *a);
void audit_side_data(struct audit *a, struct task *t, const uint8_t *buf, size_t n);
void audit_side_event(struct audit *a, struct task *t, const struct eng_event *ev);
void audit_side_emit_idle(struct audit *a);
/* The longest idle the server's leg answered, where it has a timeout of
 * its own (0: none, or no finding). */
ka_time audit_side_bound(const struct audit *a);

/* auditfind.c: events for what was found. */
/* What a search found, as an idle-timeout event's fields: RFC 5382's
 * verdict (1 met, 0 not, -1 unknown) returned. */
int audit_idle_fields(const struct audit *a, const struct isched *q, struct ev_idle *r);
void audit_emit_idle(struct audit *a);
void audit_emit_refresh(struct audit *a);
void audit_emit_advice(struct audit *a);
/* Once the search is over: when a refresh test has lasted long enough
 * (0: it cannot tell, the search found no timeout); and whether it did
 * outlive the timeout, answered all along. */
ka_time audit_refresh_until(const struct audit *a, const struct task *t);
bool audit_refresh_outlived(const struct audit *a, const struct task *t);
/* Where the refresh tests' interval starts: half the longest idle
 * answered, at least a probe gap (or --intvl). */
ka_time audit_refresh_intvl(const struct audit *a);

#endif
