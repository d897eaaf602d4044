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
	arrival_match(&fl, f->sent, f->nsent, f->q.seg, f->q.nseg, f->after, res);
	for (unsigned j = 0; j < f->nsent; j++) {
		bool answered = f->answered == j + 1;
		struct event ev = { .kind = EV_ARRIVAL, .t = ev_now(), .u.arrival = {
			.probe = j + 1, .round = f->round, .arrived = res[j].arrived,
			.changed = res[j].changed, .nchanged = res[j].nchanged,
			.answered_by = !answered ? NULL : res[j].arrived ? "peer" : "middlebox" } };

		if (res[j].arrived && res[j].t > f->after)
			f->after = res[j].t;
		f->say(f->ctx, &ev);
	}
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
	f->then(f->ctx);
}

bool lfar_ask(struct lfar *f, struct engine *e, const struct econn *c)
{
	struct ctl_req req = { .verb = CTL_RECEIVED, .has_addr = true, .addr = f->greet.g.you };

	if (f->nsent == 0 || f->greet.state != 1 || farq_busy(&f->q))
		return false;
	f->c = c;
	f->dst = e->dest[c->dest].tgt.addr;
	return farq_ask(&f->q, &e->loop, &f->dst, &req, on_answer, f) == 0;
}
