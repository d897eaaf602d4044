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
