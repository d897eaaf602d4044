/* test_idlesearch.c - the idle-timeout search (tcp/idlesearch.h) on
 * scripted paths: each measurement's answer comes from a function of the
 * idle asked and of how many measurements came before it. */
#include <math.h>
#include <stdlib.h>

#include "tcp/idlesearch.h"
#include "unit.h"

#define MS 1000LL
#define SEC 1000000LL

/* The audit's defaults: proof after 300 ms, --max-idle 2h4m,
 * --resolution 500 ms, --max-conns 32. */
static const struct idles_bounds audit_bounds = { 300 * MS, 7440 * SEC, 500 * MS, 0 };

/* A path, as the driver sees it: the idle a measurement actually had (a
 * flow dead before the proof dies at the proof) and whether it answered.
 * n counts measurements from 0. */
struct path {
	ka_time forget;        /* idle flows die after this (0: never) */
	ka_time shortest;      /* the proof: a flow dead by then dies there */
	ka_time lose_at;       /* also dead at this idle (within 10 ms) ... */
	unsigned lose_times;   /* ... this many times (-1u: always) */
	unsigned lose_nth;     /* and the nth measurement, from 1, is lost (0: none) */
	ka_time late;          /* each measurement's idle this much over the asked */
};

struct run {
	struct idles_finding f;
	unsigned rounds, measured, remeasured;
	ka_time wall;          /* the sum of each round's longest idle */
	struct idles_ask round[IDLES_MAX_ROUNDS][66];
	unsigned nround[IDLES_MAX_ROUNDS];
	struct idles_meas meas[IDLES_MAX_MEAS];
};

static bool answer(struct path *p, ka_time *idle, unsigned n)
{
	if (p->forget && p->forget <= p->shortest) {
		*idle = p->shortest;
		return false;
	}
	*idle += p->late;
	if (n + 1 == p->lose_nth)
		return false;
	if (p->lose_times && llabs(*idle - p->lose_at) <= 10 * MS) {
		p->lose_times--;
		return false;
	}
	return !p->forget || *idle < p->forget;
}

/* Run the search to its end, as the audit and the trace drive it. */
static void drive(const struct idles_bounds *b, unsigned width, struct path p, struct run *r)
{
	static struct idlesearch s;
	struct idles_ask ask[66];

	*r = (struct run){ .rounds = 0 };
	idles_init(&s, b);
	do {
		unsigned n = idles_plan(&s, width, ask);
		ka_time longest = 0;

		CU_ASSERT_FATAL(n <= width + 1 && s.round <= IDLES_MAX_ROUNDS);
		for (unsigned i = 0; i < n; i++) {
			ka_time idle = ask[i].idle;
			bool ok = answer(&p, &idle, r->measured++);

			r->round[s.round - 1][i] = ask[i];
			r->remeasured += ask[i].remeasure;
			CU_ASSERT(idles_record(&s, idle, ok) >= 0);
			if (idle > longest)
				longest = idle;
		}
		r->nround[s.round - 1] = n;
		r->wall += longest;
	} while (!idles_fold(&s));
	r->rounds = s.round;
	for (unsigned i = 0; i < s.nmeas; i++)
		r->meas[i] = s.meas[i];
	idles_finding(&s, &r->f);
	CU_ASSERT_EQUAL(r->f.agree + r->f.disagree, r->measured);
}

/* The bracket holds the threshold, within the resolution, confirmed. */
static void bracket_is(const struct run *r, ka_time forget, ka_time resolution)
{
	CU_ASSERT(!r->f.inconsistent);
	CU_ASSERT(r->f.alive < forget);
	CU_ASSERT(r->f.dead >= forget);
	CU_ASSERT(r->f.dead - r->f.alive <= resolution);
	CU_ASSERT_FATAL(r->f.expired >= 0);
	CU_ASSERT(!r->meas[r->f.expired].answered);
	CU_ASSERT_EQUAL(r->meas[r->f.expired].idle, r->f.dead);
}

static void test_ladder(void)
{
	struct run r;
	const struct idles_ask *a = r.round[0];

	/* Round 1: geometric from 600 ms, its last rung --max-idle itself,
	 * even after a death far below (the climb issue 22 stops). */
	drive(&audit_bounds, 32, (struct path){ .forget = 20 * SEC }, &r);
	CU_ASSERT_EQUAL_FATAL(r.nround[0], 32);
	CU_ASSERT_EQUAL(a[0].idle, IDLES_FIRST_US);
	CU_ASSERT_EQUAL(a[31].idle, 7440 * SEC);
	for (unsigned i = 1; i < 31; i++) {
		CU_ASSERT(a[i].idle > a[i - 1].idle);
		CU_ASSERT(fabs((double)a[i].idle / a[i - 1].idle - (double)a[1].idle / a[0].idle)
			  < 1e-3);
		CU_ASSERT(!a[i].remeasure);
	}
	/* One connection: the longest idle only. */
	drive(&audit_bounds, 1, (struct path){ 0 }, &r);
	CU_ASSERT_EQUAL(r.nround[0], 1);
	CU_ASSERT_EQUAL(a[0].idle, 7440 * SEC);
	/* A longest idle below the first rung: that idle only. */
	drive(&(struct idles_bounds){ 300 * MS, 500 * MS, 10 * MS, 0 }, 6,
	      (struct path){ 0 }, &r);
	CU_ASSERT_EQUAL(r.nround[0], 1);
	CU_ASSERT_EQUAL(a[0].idle, 500 * MS);
}

/* A conntrack that forgets after 20 s, as the audit and as a trace hop
 * (6 questions a round, --max-idle 10s) search it. */
static void test_sharp(void)
{
	struct run r;

	drive(&audit_bounds, 32, (struct path){ .forget = 20 * SEC }, &r);
	bracket_is(&r, 20 * SEC, 500 * MS);
	CU_ASSERT_EQUAL(r.f.disagree, 0);
	CU_ASSERT_EQUAL(r.remeasured, 0);
	CU_ASSERT(r.rounds <= 4);
	/* After round 1, the bracket is narrowed; the shortest death is
	 * asked again once the bracket is narrow, and alone. */
	CU_ASSERT_EQUAL(r.nround[1], 32);
	CU_ASSERT(!r.round[1][0].confirm);
	CU_ASSERT_EQUAL(r.nround[r.rounds - 1], 1);
	CU_ASSERT(r.round[r.rounds - 1][0].confirm);
	drive(&(struct idles_bounds){ 300 * MS, 10 * SEC, 500 * MS, 0 }, 6,
	      (struct path){ .forget = 6 * SEC }, &r);
	bracket_is(&r, 6 * SEC, 500 * MS);
	CU_ASSERT(r.rounds <= 5);
	/* A finer resolution takes longer, and gets it. */
	drive(&(struct idles_bounds){ 300 * MS, 7440 * SEC, 10 * MS, 0 }, 32,
	      (struct path){ .forget = 350 * SEC }, &r);
	bracket_is(&r, 350 * SEC, 10 * MS);
	/* Each measurement a little late: the bracket is in the idles measured. */
	drive(&audit_bounds, 32, (struct path){ .forget = 20 * SEC, .late = 40 * MS }, &r);
	bracket_is(&r, 20 * SEC, 500 * MS);
}

static void test_all_answered(void)
{
	struct run r;

	drive(&audit_bounds, 32, (struct path){ 0 }, &r);
	CU_ASSERT_EQUAL(r.rounds, 1);
	CU_ASSERT_EQUAL(r.f.alive, 7440 * SEC);
	CU_ASSERT_EQUAL(r.f.dead, 0);
	CU_ASSERT_EQUAL(r.f.expired, -1);
	CU_ASSERT_EQUAL(r.f.agree, 32);
	CU_ASSERT(!r.f.inconsistent);
	/* Just answered at the longest idle: the same. */
	drive(&audit_bounds, 32, (struct path){ .forget = 7440 * SEC + 1 }, &r);
	CU_ASSERT_EQUAL(r.rounds, 1);
	CU_ASSERT_EQUAL(r.f.dead, 0);
}

static void test_none_answered(void)
{
	struct run r;

	/* Dead at the proof: every connection dies at 300 ms, and that ends
	 * it, nothing shorter being measurable. */
	drive(&audit_bounds, 32, (struct path){ .forget = 100 * MS,
						.shortest = 300 * MS }, &r);
	CU_ASSERT_EQUAL(r.rounds, 1);
	CU_ASSERT_EQUAL(r.f.alive, 0);
	CU_ASSERT_EQUAL(r.f.dead, 300 * MS);
	CU_ASSERT_EQUAL(r.f.expired, 0);
	CU_ASSERT_EQUAL(r.f.agree, 32);
	CU_ASSERT(!r.f.inconsistent);
	/* Alive at the proof, dead at the first rung: searched below it. */
	drive(&(struct idles_bounds){ 300 * MS, 7440 * SEC, 100 * MS, 0 }, 32,
	      (struct path){ .forget = 450 * MS, .shortest = 300 * MS }, &r);
	bracket_is(&r, 450 * MS, 100 * MS);
	CU_ASSERT(r.f.alive > 0);
}

/* A loss the retries did not cover: one death below an idle answered. */
static void test_contested_resolved(void)
{
	struct run r;

	/* Round 1's eleventh rung (12.5 s) is lost. */
	drive(&audit_bounds, 32, (struct path){ .forget = 20 * SEC, .lose_nth = 11 }, &r);
	bracket_is(&r, 20 * SEC, 500 * MS);
	/* Round 2 asks that idle again, twice, and nothing else. */
	CU_ASSERT_EQUAL_FATAL(r.nround[1], 2);
	CU_ASSERT_EQUAL(r.round[1][0].idle, r.round[0][10].idle);
	CU_ASSERT_EQUAL(r.round[1][1].idle, r.round[0][10].idle);
	CU_ASSERT(r.round[1][0].remeasure && r.round[1][1].remeasure);
	CU_ASSERT_EQUAL(r.remeasured, 2);
	CU_ASSERT(r.meas[10].superseded);
	CU_ASSERT_EQUAL(r.f.disagree, 1);
}

static void test_contested_inconsistent(void)
{
	struct run r;
	ka_time rung;

	drive(&audit_bounds, 32, (struct path){ 0 }, &r);
	rung = r.round[0][10].idle;
	/* Dead there every time, alive above: inconsistent after re-measuring. */
	drive(&audit_bounds, 32, (struct path){ .forget = 20 * SEC, .lose_at = rung,
						.lose_times = -1u }, &r);
	CU_ASSERT(r.f.inconsistent);
	CU_ASSERT_EQUAL(r.rounds, 2);
	CU_ASSERT_EQUAL(r.remeasured, 2);
	CU_ASSERT_EQUAL(r.f.disagree, 3);
	/* Once more dead in the two re-measurements is enough. */
	drive(&audit_bounds, 32, (struct path){ .forget = 20 * SEC, .lose_at = rung,
						.lose_times = 2 }, &r);
	CU_ASSERT(r.f.inconsistent);
	CU_ASSERT_EQUAL(r.rounds, 2);
	/* A loss above the threshold is a death like the others. */
	drive(&audit_bounds, 32, (struct path){ .forget = 20 * SEC, .lose_nth = 21 }, &r);
	bracket_is(&r, 20 * SEC, 500 * MS);
	CU_ASSERT_EQUAL(r.remeasured, 0);
}

/* Losses that need re-measuring later in the search, below the threshold
 * of a trace hop: each overruled, the bracket found. */
static void test_loss(void)
{
	struct run r;

	unsigned consistent = 0;

	for (unsigned n = 1; n <= 12; n++) {
		drive(&(struct idles_bounds){ 300 * MS, 10 * SEC, 500 * MS, 0 }, 6,
		      (struct path){ .forget = 6 * SEC, .lose_nth = n }, &r);
		if (r.f.inconsistent)
			continue;   /* lost where a second death made it so */
		consistent++;
		bracket_is(&r, 6 * SEC, 500 * MS);
		CU_ASSERT(r.f.disagree <= 1);
	}
	CU_ASSERT(consistent >= 10);
	/* The first rung lost, on a path that keeps flows: the only death,
	 * re-measured, overruled, and nothing died up to --max-idle. */
	drive(&audit_bounds, 32, (struct path){ .lose_nth = 1 }, &r);
	CU_ASSERT_EQUAL(r.rounds, 2);
	CU_ASSERT_EQUAL(r.f.dead, 0);
	CU_ASSERT_EQUAL(r.f.alive, 7440 * SEC);
	CU_ASSERT_EQUAL(r.f.disagree, 1);
	CU_ASSERT(!r.f.inconsistent);
}

static void test_edges(void)
{
	static struct idlesearch s;
	struct idles_ask ask[8];
	struct idles_finding f;
	struct run r;

	/* A round that measured nothing (no connection could) ends it. */
	idles_init(&s, &audit_bounds);
	CU_ASSERT_EQUAL(idles_plan(&s, 6, ask), 6);
	CU_ASSERT(idles_fold(&s));
	idles_finding(&s, &f);
	CU_ASSERT(f.alive == 0 && f.dead == 0 && f.expired == -1 && !f.inconsistent);
	/* So does one that could not re-measure a contradiction: inconsistent. */
	idles_init(&s, &audit_bounds);
	idles_plan(&s, 2, ask);
	idles_record(&s, 1 * SEC, false);
	idles_record(&s, 7440 * SEC, true);
	CU_ASSERT(!idles_fold(&s));
	CU_ASSERT_EQUAL(idles_plan(&s, 2, ask), 2);
	CU_ASSERT(idles_fold(&s));
	CU_ASSERT(s.inconsistent);
	/* A resolution no bracket reaches: IDLES_MAX_ROUNDS, then a finding. */
	drive(&(struct idles_bounds){ 300 * MS, 7440 * SEC, 0, 0 }, 6,
	      (struct path){ .forget = 20 * SEC }, &r);
	CU_ASSERT_EQUAL(r.rounds, IDLES_MAX_ROUNDS);
	CU_ASSERT(!r.f.inconsistent && r.f.alive < 20 * SEC && r.f.dead >= 20 * SEC);
	/* A resolution wider than the range: over once a death is confirmed. */
	drive(&(struct idles_bounds){ 300 * MS, 60 * SEC, 120 * SEC, 0 }, 6,
	      (struct path){ .forget = 20 * SEC }, &r);
	CU_ASSERT_EQUAL(r.rounds, 2);
	CU_ASSERT(r.f.alive < 20 * SEC && r.f.dead >= 20 * SEC);
	/* The table holds IDLES_MAX_MEAS measurements. */
	idles_init(&s, &audit_bounds);
	for (unsigned i = 0; i < IDLES_MAX_MEAS; i++)
		CU_ASSERT_EQUAL(idles_record(&s, SEC, true), (int)i);
	CU_ASSERT_EQUAL(idles_record(&s, SEC, true), -1);
}

void suite_idlesearch(void)
{
	UNIT_SUITE("idlesearch",
		   UNIT_TEST(test_ladder), UNIT_TEST(test_sharp), UNIT_TEST(test_all_answered),
		   UNIT_TEST(test_none_answered), UNIT_TEST(test_contested_resolved),
		   UNIT_TEST(test_contested_inconsistent), UNIT_TEST(test_loss),
		   UNIT_TEST(test_edges));
}
