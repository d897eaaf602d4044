/* servepriv.h - what serve.c (listening, the engine's events) and
 * servectl.c (each connection's control channel) share; not an API. */
#ifndef KAPROBE_SERVEPRIV_H
#define KAPROBE_SERVEPRIV_H

#include "cmd/runout.h"
#include "cmd/serve.h"
#include "emit/text.h"
#include "engine/engine.h"
#include "tcp/ctlproto.h"
#include "tcp/segring.h"

/* What one connection may have waiting to be written.  A request is read
 * only when its longest answer (RECEIVED: SEGRING_N lines and two more)
 * still fits, so every request gets its whole answer; a client that does
 * not read gets no more answers, and its requests wait in its socket. */
#define SERVE_OUT_MAX 32768
#define SERVE_ANSWER_MAX ((SEGRING_N + 2) * CTL_LINE_MAX)

/* One connection serve holds, or held (then in the history). */
struct sconn {
	struct serve *sv;
	struct econn *c;             /* while the engine watches it */
	int fd;                      /* while open, else -1 */
	unsigned id;
	struct ev_io io;
	struct ctl_lines in;
	char *out;                   /* malloc'd while something waits */
	size_t out_len;
	struct segring ring;
	struct ctl_addr you, me;
	char you_txt[64], me_txt[64];
	ka_time opened, closed;      /* closed 0: open */
	const char *by;              /* who closed it: "client", "reset", "dead", "serve" */
	bool silent;
	unsigned requests;
	unsigned long probes, answered;
	ka_time hb_every;            /* HEARTBEAT's D, 0: none */
	unsigned long beats;
	struct ev_timer hb;
	enum ctl_round round;        /* IDLE's round, how it went */
	ka_time round_idle;          /* the idle its first probe left at */
	struct sconn *prev, *next;   /* every connection, oldest first */
};

struct serve {
	const struct serve_opts *opt;
	struct engine e;
	struct emitter em;
	struct text text;
	struct runout out;
	struct listener {            /* a listening socket (io.fd -1: none) */
		struct ev_io io;
		struct serve *sv;
	} lis[2];
	char listen_txt[160];
	struct sconn *first, *last;
	unsigned nconns, nopen, nclosed;
	unsigned long requests, bad;
};

/* serveidle.c: IDLE's one round of probes, and how it went. */
/* Probe `of` once idle this long: NULL, or why not. */
const char *sidle_ask(struct serve *sv, struct sconn *of, ka_time idle);
/* Every engine event about k's connection, before anything else sees it. */
void sidle_event(struct serve *sv, struct sconn *k, const struct eng_event *ev);
/* STATUS's words for the round (" round=... round_idle=...ms"), or none. */
size_t sidle_status(const struct sconn *k, char *buf, size_t len);

/* servectl.c */
/* A connection accepted: greet it and watch its socket. */
void sconn_start(struct sconn *k);
/* Close it (by: who), keep its records in the history. */
void sconn_close(struct sconn *k, const char *by);
/* The timings of a connection no PROBE asked to probe: never. */
struct ka_config serve_default_cfg(void);
/* Emit ev about connection k. */
void serve_say(struct serve *sv, const struct sconn *k, struct event *ev);

#endif
