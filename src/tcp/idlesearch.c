/* idlesearch.c - the idle-timeout search (see idlesearch.h). */
#include "tcp/idlesearch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void idles_init(struct idlesearch *s, const struct idles_bounds *b)
{
	memset(s, 0, sizeof *s);
	s->b = *b;
}

int idles_record(struct idlesearch *s, ka_time idle, bool answered)
{
	if (s->nmeas == IDLES_MAX_MEAS)
		return -1;
	s->meas[s->nmeas] = (struct idles_meas){ .idle = idle, .answered = answered };
	return (int)s->nmeas++;
}

void idles_votes(const struct idlesearch *s, ka_time idle, unsigned *alive, unsigned *dead)
{
	ka_time tol = idles_tol(&s->b, idle);

	*alive = *dead = 0;
	for (unsigned i = 0; i < s->nmeas; i++)
		if (llabs(s->meas[i].idle - idle) <= tol && !s->meas[i].superseded)
			(*(s->meas[i].answered ? alive : dead))++;
}

/* The round 1 ladder: n idles, geometric from IDLES_FIRST_US, the last one
 * the longest idle itself. */
static unsigned ladder(const struct idlesearch *s, unsigned n, struct idles_ask *ask)
{
	ka_time last = s->b.longest;
	double ratio;

	if (n == 1 || last <= IDLES_FIRST_US) {
		ask[0] = (struct idles_ask){ .idle = last };
		return 1;
	}
	ratio = pow((double)last / IDLES_FIRST_US, 1.0 / (n - 1));
	for (unsigned i = 0; i < n; i++)
		ask[i] = (struct idles_ask){ .idle = i + 1 == n ? last
					     : (ka_time)(IDLES_FIRST_US * pow(ratio, i)) };
	return n;
}

unsigned idles_plan(struct idlesearch *s, unsigned width, struct idles_ask *ask)
{
	ka_time lo = s->alive, hi = s->dead ? s->dead : s->b.longest;
	unsigned n = 0, yes, no;

	s->round++;
	s->round_first = s->nmeas;
	if (s->contested) {
		ask[0] = ask[1] = (struct idles_ask){ .idle = s->contested, .remeasure = true };
		return 2;
	}
	if (s->round == 1)
		return ladder(s, width, ask);
	/* The shortest death is confirmed once the bracket is narrow enough:
	 * a death is a loss far less often than it is true, so the narrowing
	 * does not wait for it. */
	idles_votes(s, s->dead, &yes, &no);
	if (s->dead && no < 2 && s->dead - s->alive <= idles_res(&s->b, s->dead)) {
		ask[n++] = (struct idles_ask){ .idle = s->dead, .confirm = true };
		return n;
	}
	for (unsigned i = 0; i < width; i++)
		ask[n++] = (struct idles_ask){
			.idle = lo + (hi - lo) * (ka_time)(i + 1) / (ka_time)(width + 1) };
	return n;
}

/* Fold the measurements into the bracket.  An answer proves the flow was
 * alive at that idle; a death can be a loss the retries did not cover, so
 * a death at or below a live idle is re-measured: overruled by answers
 * there, inconsistent if it dies again.  Sets the contested idle still to
 * re-measure, or 0. */
static void bracket(struct idlesearch *s)
{
	s->alive = s->dead = s->contested = 0;
	for (unsigned i = 0; i < s->nmeas; i++)
		if (s->meas[i].answered && s->meas[i].idle > s->alive)
			s->alive = s->meas[i].idle;
	for (unsigned i = 0; i < s->nmeas; i++) {
		struct idles_meas *m = &s->meas[i];
		unsigned yes, no;

		if (m->answered || m->superseded)
			continue;
		if (m->idle > s->alive) {
			if (!s->dead || m->idle < s->dead)
				s->dead = m->idle;
			continue;
		}
		idles_votes(s, m->idle, &yes, &no);
		if (no >= 2)
			s->inconsistent = true;   /* died twice, lived longer elsewhere */
		else if (yes >= 1)
			m->superseded = true;     /* a lone loss, answered there since */
		else
			s->contested = m->idle;
	}
}

/* Whether the bracket is the answer: nothing died up to the longest idle,
 * or it is narrow enough and its death confirmed. */
static bool settled(const struct idlesearch *s)
{
	unsigned yes, no;

	if (s->inconsistent)
		return true;
	if (s->contested)
		return false;
	if (!s->dead)
		return s->alive + idles_res(&s->b, s->b.longest) >= s->b.longest;
	idles_votes(s, s->dead, &yes, &no);
	/* Dead already at the shortest idle: nothing shorter can be measured. */
	if (!s->alive && no >= 2 && s->dead <= s->b.shortest + idles_tol(&s->b, s->dead))
		return true;
	return no >= 2 && s->dead - s->alive <= idles_res(&s->b, s->dead);
}

bool idles_fold(struct idlesearch *s)
{
	bool measured = s->nmeas > s->round_first;
	bool over;

	bracket(s);
	over = !measured || s->round >= IDLES_MAX_ROUNDS || settled(s);
	if (over && s->contested)
		s->inconsistent = true;   /* never re-measured to the end */
	return over;
}

void idles_finding(const struct idlesearch *s, struct idles_finding *f)
{
	*f = (struct idles_finding){ .alive = s->alive, .dead = s->dead, .expired = -1,
				     .inconsistent = s->inconsistent };
	for (unsigned i = 0; i < s->nmeas; i++) {
		const struct idles_meas *m = &s->meas[i];
		bool agrees = m->answered ? m->idle <= s->alive
					  : !m->superseded && s->dead && m->idle >= s->dead;

		(*(agrees ? &f->agree : &f->disagree))++;
		if (!m->answered && f->expired < 0 && m->idle == s->dead)
			f->expired = (int)i;
	}
}
