/* idlesim.c - see idlesim.h.  The driver modelled as the audit is: a
 * connection proves itself ENG_SETTLE_US after its handshake; a probe
 * answered comes back an RTT after it left; a dead one's round ends
 * ROUND_US after its first probe (TRIES probes ENG_PROBE_GAP_US apart).
 * With a gap (the trace's rate limit), a measuring probe leaves no sooner
 * than the gap after the one before, and its idle is the one it left at,
 * as the trace's driver measures it. */
#include "idlesim.h"

#include <string.h>

#define SETTLE_US 300000
#define ROUND_US 3000000
#define WHOLE_SEC 1000000

struct simslot {
	ka_time opened;     /* the handshake (0: not open) */
	ka_time proven;     /* 0: not yet */
	ka_time probe;      /* when its probe is due (KA_NEVER: none asked) */
	ka_time left;       /* when it left (0: not yet) */
	bool late;          /* it waited for its slot */
	bool done;
};

static struct simslot sl[ISCHED_MAX_SLOTS];

static ka_time last_left;   /* the latest measuring probe (gap) */

static const char *const verb[] = { "open", "probe", "release" };

static void drain(struct isched *q, ka_time now, FILE *trace, struct idlesim_result *r)
{
	struct isched_order o;
	unsigned open = 0, asked = 0;

	while (isched_order(q, &o)) {
		struct simslot *s = &sl[o.slot];

		if (trace && (o.verb != IS_PROBE || o.idle != KA_NEVER))
			fprintf(trace, "%10.3f round %u: %s %u at idle %.3f\n", now / 1e6,
				q->s.round, verb[o.verb], o.slot, o.verb == IS_PROBE ? o.idle / 1e6 : 0);

		asked += o.verb == IS_PROBE && o.idle != KA_NEVER && q->s.round > 1;
		if (o.verb == IS_OPEN) {
			*s = (struct simslot){ .opened = now, .probe = KA_NEVER };
			r->opened++;
		} else if (o.verb == IS_PROBE) {
			s->probe = o.idle == KA_NEVER ? KA_NEVER : s->proven + o.idle;
		} else {
			s->done = true;
		}
	}
	for (unsigned i = 0; i < q->nslots; i++)
		open += sl[i].opened && !sl[i].done;
	if (open > r->max_open)
		r->max_open = open;
	if (asked > r->most_at_once)
		r->most_at_once = asked;
}

/* The next thing that happens to slot i, and when. */
enum what { W_NONE, W_PROVEN, W_LEAVE, W_RESULT, W_CLOSE };

static enum what next_of(unsigned i, const struct idlesim_path *p, ka_time *when, bool *ok)
{
	const struct simslot *s = &sl[i];
	ka_time close = p->close ? s->opened + p->close : KA_NEVER;
	ka_time t = KA_NEVER;
	enum what w = W_NONE;

	/* redis: unixtime - lastinteraction > timeout, both in whole
	 * seconds of a clock `phase` ahead of ours; the connections' own
	 * phases spread over the second, as the audit's open at its rate. */
	if (p->close && p->whole_seconds) {
		ka_time ph = (p->phase + i * 137000) % WHOLE_SEC;

		close = ((s->opened + ph) / WHOLE_SEC + p->close / WHOLE_SEC + 1) *
			WHOLE_SEC - ph;
	}

	if (!s->opened || s->done)
		return W_NONE;
	if (!s->proven) {
		t = s->opened + SETTLE_US;
		w = W_PROVEN;
		*ok = !p->forget || SETTLE_US < p->forget;
		if (!*ok)
			t += ROUND_US;
	} else if (s->probe != KA_NEVER && p->gap && !s->left) {
		t = s->probe;
		w = W_LEAVE;
	} else if (s->probe != KA_NEVER) {
		ka_time left = s->left ? s->left : s->probe;

		*ok = !p->forget || left - s->proven < p->forget;
		t = left + (*ok ? p->rtt : ROUND_US);
		w = W_RESULT;
	}
	if (close < t && (!s->proven || s->probe == KA_NEVER || close < s->probe + p->rtt)) {
		t = close;
		w = W_CLOSE;
	}
	*when = t;
	return w;
}

void idlesim_run(const struct isched_cfg *cfg, const struct idlesim_path *p,
		 struct idlesim_result *r)
{
	static struct isched q;
	ka_time now = 1;   /* 0 is "not open" above */

	memset(r, 0, sizeof *r);
	memset(sl, 0, sizeof sl);
	last_left = -p->gap;
	isched_init(&q, cfg, now);
	drain(&q, now, p->trace, r);
	while (!q.over) {
		ka_time t = isched_wakeup(&q), w;
		int who = -1;
		enum what what = W_NONE, x;
		bool ok = false, o = false;

		for (unsigned i = 0; i < q.nslots; i++)
			if ((x = next_of(i, p, &w, &o)) != W_NONE && w < t) {
				t = w, who = (int)i, what = x, ok = o;
			}
		if (t == KA_NEVER)
			break;   /* nothing left to happen: a stuck schedule */
		now = t;
		if (who < 0) {
			isched_tick(&q, now);
		} else if (what == W_CLOSE) {
			sl[who].done = true;
			isched_closed(&q, (unsigned)who, now - sl[who].opened, now);
		} else if (what == W_LEAVE) {
			/* Its slot: the gap after the latest one. */
			if (now < last_left + p->gap) {
				r->late += !sl[who].late;
				sl[who].late = true;
				sl[who].probe = last_left + p->gap;
			} else
				sl[who].left = last_left = now;
		} else if (what == W_PROVEN && ok) {
			sl[who].proven = now;
			isched_proven(&q, (unsigned)who, now);
		} else {
			bool lost = p->lose_nth && ++r->measured == p->lose_nth;
			ka_time idle = what == W_PROVEN ? SETTLE_US
				       : (sl[who].left ? sl[who].left : sl[who].probe) - sl[who].proven;

			if (!p->lose_nth)
				r->measured++;
			sl[who].done = true;
			if (idle > r->longest)
				r->longest = idle;
			if (p->trace)
				fprintf(p->trace, "%10.3f slot %u at idle %.3f: %s\n", now / 1e6,
					(unsigned)who, idle / 1e6, ok && !lost ? "answered" : "dead");
			isched_measured(&q, (unsigned)who, idle, ok && !lost, now);
		}
		drain(&q, now, p->trace, r);
	}
	r->wall = now - 1;
	r->rounds = q.s.round;
	isched_finding(&q, &r->f);
}
