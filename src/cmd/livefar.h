/* livefar.h - live mode's --far-end: after each probing round, ask kaprobe
 * serve at the far end, on a new connection, what it received of the
 * round's probes, and say it (EV_ARRIVAL, one per probe). */
#ifndef KAPROBE_LIVEFAR_H
#define KAPROBE_LIVEFAR_H

#include "cmd/farend.h"
#include "emit/event.h"
#include "engine/engine.h"
#include "tcp/arrival.h"

/* Probes of one round followed: more are sent but not reported. */
#define LFAR_MAX_PROBES 16

struct lfar {
	struct farend_greet greet;
	struct farq q;
	struct probe_spec sent[LFAR_MAX_PROBES];
	unsigned nsent, round;
	unsigned answered;          /* the probe of the round that was answered, 0: none */
	ka_time after;              /* serve's time of the last probe matched */
	struct ev_timer wait;       /* the greeting's deadline */
	ka_time greet_wait;         /* ... that far after the handshake */
	/* The round asked about: its probes as they were when the question
	 * left (the next round may begin before the answer is in), and
	 * whether a later round waits for its own question. */
	struct probe_spec asked[LFAR_MAX_PROBES];
	unsigned nasked, asked_round, asked_answered;
	bool again;
	/* Where the round's report goes, and what follows it. */
	void (*say)(void *ctx, struct event *ev);
	void (*then)(void *ctx);
	void *ctx;
	const struct econn *c;
	struct evloop *loop;
	struct sockaddr_storage dst;
};

/* A probe of the connection was sent. */
void lfar_probe(struct lfar *f, const struct econn *c, const struct probe_spec *p);
/* The round's probe n was answered. */
static inline void lfar_answered(struct lfar *f, unsigned n) { f->answered = n; }
/* Ask serve about the round now, or once the question in flight (an
 * earlier round's, on a slow path) is answered; then() follows the last
 * report (or a failure, said as a notice).  Returns false when nothing was
 * asked (no probe sent, or the connection is not known to serve): then()
 * is not called. */
bool lfar_ask(struct lfar *f, struct engine *e, const struct econn *c);

#endif
