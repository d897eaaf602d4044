/* livefar.c - live mode's --far-end (livefar.h). */
#include "cmd/livefar.h"

#include <stdio.h>
#include <string.h>

void lfar_probe(struct lfar *f, const struct econn *c, const struct probe_spec *p)
{
	if (c->round != f->round) {
		f->round = c->round;
		f->nsent = 0;
		f->answered = 0;
	}
	if (f->nsent < LFAR_MAX_PROBES)
		f->sent[f->nsent++] = *p;
}

static void flow_of(const struct lfar *f, struct arr_flow *fl)
{
	const struct conn *k = &f->c->k;

	*fl = (struct arr_flow){ .g = f->greet.g, .kernel_ttl = k->ttl };
	fl->local = (struct ctl_addr){ .family = k->family, .port = k->lport };
	fl->remote = (struct ctl_addr){ .family = k->family, .port = k->rport };
	memcpy(fl->local.addr, k->laddr, 16);
	memcpy(fl->remote.addr, k->raddr, 16);
}

static void report(struct lfar *f)
{
	struct arr_result res[LFAR_MAX_PROBES];
	struct arr_flow fl;

	flow_of(f, &fl);
	arrival_match(&fl, f->asked, f->nasked, f->q.seg, f->q.nseg, f->after, res);
	for (unsigned j = 0; j < f->nasked; j++) {
		bool answered = f->asked_answered == j + 1;
		struct event ev = { .kind = EV_ARRIVAL, .t = ev_now(), .u.arrival = {
			.probe = j + 1, .round = f->asked_round, .arrived = res[j].arrived,
			.changed = res[j].changed, .nchanged = res[j].nchanged,
			.answered_by = !answered ? NULL : res[j].arrived ? "peer" : "middlebox" } };

		if (res[j].arrived && res[j].t > f->after)
			f->after = res[j].t;
		f->say(f->ctx, &ev);
	}
}

static void on_answer(struct farq *q, const char *err, void *ctx);

/* The question about the round as it is now. */
static bool ask(struct lfar *f)
{
	struct ctl_req req = { .verb = CTL_RECEIVED, .has_addr = true, .addr = f->greet.g.you };

	memcpy(f->asked, f->sent, f->nsent * sizeof f->sent[0]);
	f->nasked = f->nsent;
	f->asked_round = f->round;
	f->asked_answered = f->answered;
	f->again = false;
	return farq_ask(&f->q, f->loop, &f->dst, &req, on_answer, f) == 0;
}

static void on_answer(struct farq *q, const char *err, void *ctx)
{
	struct lfar *f = ctx;
	char text[CTL_LINE_MAX + 64];

	(void)q;
	if (err) {
		snprintf(text, sizeof text, "cannot ask the far end what it received: %s", err);
		f->say(f->ctx, &(struct event){ .kind = EV_NOTICE, .t = ev_now(),
						.u.notice = { "far-end", text } });
	} else {
		report(f);
	}
	if (f->again && ask(f))
		return;
	f->then(f->ctx);
}

bool lfar_ask(struct lfar *f, struct engine *e, const struct econn *c)
{
	if (f->nsent == 0 || f->greet.state != 1)
		return false;
	f->c = c;
	if (farq_busy(&f->q)) {
		/* Asked when the answer in flight is in: serve's records
		 * then hold this round too. */
		f->again = true;
		return true;
	}
	f->loop = &e->loop;
	f->dst = e->dest[c->dest].tgt.addr;
	return ask(f);
}
