/* metrics.c - the metrics module's counting: events in, counts out (see
 * metrics.h; the text is metrics_render.c's). */
#include "emit/metrics.h"

#include <stdlib.h>
#include <string.h>

#include "emit/metricspriv.h"

const double met_lifetime_le[METRICS_LIFETIME_BUCKETS] = {
	1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400, 172800, 604800,
};
const double met_rtt_le[METRICS_RTT_BUCKETS] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
};
const char *const met_verdict_name[MV_COUNT] = {
	[MV_DEAD] = "dead", [MV_RESET] = "reset", [MV_CLOSED] = "closed",
	[MV_UNREACHABLE] = "unreachable", [MV_NOCONN] = "no-connection",
	[MV_REMOVED] = "removed",
};

int metrics_init(struct metrics *m, const char *version)
{
	*m = (struct metrics){ .version = version };
	m->t = calloc(METRICS_MAX_TARGETS + 1, sizeof *m->t);
	if (!m->t || pthread_mutex_init(&m->lock, NULL) != 0) {
		free(m->t);
		return -1;
	}
	snprintf(m->t[METRICS_MAX_TARGETS].name, sizeof m->t->name, "other");
	return 0;
}

void metrics_free(struct metrics *m)
{
	if (!m->t)
		return;
	pthread_mutex_destroy(&m->lock);
	free(m->t);
	m->t = NULL;
}

void metrics_capture_restarted(struct metrics *m)
{
	pthread_mutex_lock(&m->lock);
	m->capture_restarts++;
	pthread_mutex_unlock(&m->lock);
}

/* The target's counts: its own while there is room, else "other".  A
 * linear search: the events that come often (probes, replies) come a few
 * times per idle period per connection, and METRICS_MAX_TARGETS is small. */
static struct met_target *target(struct metrics *m, const char *name)
{
	if (!name)
		return NULL;
	for (unsigned i = 0; i < m->n; i++)
		if (strcmp(m->t[i].name, name) == 0)
			return &m->t[i];
	if (m->n == METRICS_MAX_TARGETS || strlen(name) >= sizeof m->t->name)
		return &m->t[METRICS_MAX_TARGETS];
	snprintf(m->t[m->n].name, sizeof m->t->name, "%s", name);
	return &m->t[m->n++];
}

static void observe(struct met_hist *h, const double *le, unsigned n, double v)
{
	for (unsigned i = 0; i < n; i++)
		if (v <= le[i])
			h->bucket[i]++;
	h->count++;
	h->sum += v;
}

/* The rung of that idle, taken when new; NULL when all are in use. */
static struct met_rung *rung(struct met_target *t, int64_t idle)
{
	for (unsigned i = 0; i < METRICS_MAX_RUNGS; i++) {
		if (t->rung[i].idle == idle)
			return &t->rung[i];
		if (t->rung[i].idle == 0) {
			t->rung[i] = (struct met_rung){ .idle = idle, .answered = -1 };
			return &t->rung[i];
		}
	}
	return NULL;
}

static enum met_verdict verdict_of(const char *v)
{
	for (unsigned i = 0; i < MV_COUNT; i++)
		if (strcmp(v, met_verdict_name[i]) == 0)
			return (enum met_verdict)i;
	return MV_DEAD;
}

/* A rung's connection ended: its idle was not survived when it died, or
 * when the peer closed it before that idle (a close after a longer idle
 * says nothing about this rung). */
static void rung_ended(struct met_target *t, const struct event *ev, enum met_verdict k)
{
	const struct ev_verdict *v = &ev->u.verdict;
	struct met_rung *r;

	if (k == MV_REMOVED || k == MV_NOCONN || !(r = rung(t, ev->rung)))
		return;
	if (!v->close || v->close->idle < ev->rung)
		r->answered = 0;
}

/* A connection ended: its lifetime (when it was ever held: lived > 0), its verdict,
 * and the probes of its last round that went unanswered.  A ladder rung's
 * connection ends on purpose, so it moves the ladder's gauges only. */
static void ended(struct metrics *m, struct met_target *t, const struct event *ev)
{
	const struct ev_verdict *v = &ev->u.verdict;
	enum met_verdict k = verdict_of(v->verdict);

	if (v->lived > 0 && t->held > 0)
		t->held--;
	if (k == MV_DEAD || k == MV_UNREACHABLE)
		t->lost += v->m->probes_out;
	if (ev->rung) {
		rung_ended(t, ev, k);
		return;
	}
	t->verdicts[k]++;
	t->last_verdict = (double)(ev->t + m->wall_off) / 1e6;
	if (v->lived > 0)
		observe(&t->lifetime, met_lifetime_le, METRICS_LIFETIME_BUCKETS, v->lived / 1e6);
}

static void replied(struct met_target *t, const struct event *ev)
{
	const struct ev_reply *r = &ev->u.reply;
	struct met_rung *g;

	if (r->n == 0)
		return;
	/* The round's earlier probes went unanswered. */
	t->lost += r->n - 1;
	if (r->icmp_type >= 0)
		return;
	t->answered++;
	observe(&t->rtt, met_rtt_le, METRICS_RTT_BUCKETS, r->rtt / 1e6);
	if (ev->rung && strcmp(r->kind, "rst") != 0 && (g = rung(t, ev->rung)))
		g->answered = 1;
}

static void metrics_event(void *self, const struct event *ev)
{
	struct metrics *m = self;
	struct met_target *t;

	pthread_mutex_lock(&m->lock);
	if ((t = target(m, ev->dst))) {
		switch (ev->kind) {
		case EV_CONNECT: t->held++; t->opened++; break;
		case EV_PROBE: t->sent += ev->u.probe.error == NULL; break;
		case EV_REPLY: replied(t, ev); break;
		case EV_IGNORED: t->ignored++; break;
		case EV_CONN_VERDICT: ended(m, t, ev); break;
		default: break;
		}
	}
	pthread_mutex_unlock(&m->lock);
}

static bool metrics_wants(const void *self, enum ev_kind k)
{
	(void)self;
	return k == EV_CONNECT || k == EV_PROBE || k == EV_REPLY || k == EV_IGNORED ||
	       k == EV_CONN_VERDICT;
}

const struct out_module metrics_module = { "metrics", metrics_wants, metrics_event };
