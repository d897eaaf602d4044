/* test_idlesched.c - the idle search against the clock (tcp/idlesched.h),
 * run on a simulated clock against modelled paths (tests/lib/idlesim.c):
 * the bracket it finds, the idles it asks, the connections it holds and
 * the wall time it needs (issue 22's bound: 2 T + 30 s). */
#include <math.h>

#include "idlesim.h"
#include "unit.h"

#define SEC 1000000LL
#define MS 1000LL

/* The audit's defaults: proof after 300 ms, --max-idle 2h4m, resolution
 * 500 ms or 1%, 64 connections. */
static const struct isched_cfg audit_cfg = { .b = { 300 * MS, 7440 * SEC, 500 * MS, 10 },
					     .cap = 64 };

static ka_time goal(ka_time t)
{
	return 2 * t + 30 * SEC;
}

static void holds(const struct idlesim_result *r, ka_time t, const struct idles_bounds *b)
{
	CU_ASSERT(!r->f.f.inconsistent);
	CU_ASSERT(r->f.f.alive < t);
	CU_ASSERT(r->f.f.dead >= t);
	CU_ASSERT(r->f.f.dead - r->f.f.alive <= idles_res(b, r->f.f.dead));
	CU_ASSERT(r->f.close == 0);
}

/* Every timeout from 5 s to 2h4m, 80 of them spread evenly on a log scale:
 * the bracket holds it, within 2 T + 30 s, never above the cap. */
static void test_sweep(void)
{
	for (unsigned i = 0; i < 80; i++) {
		ka_time t = (ka_time)(5e6 * pow(7440.0 / 5, i / 79.0)) - 1;
		struct idlesim_result r;

		idlesim_run(&audit_cfg, &(struct idlesim_path){ .forget = t, .rtt = MS }, &r);
		holds(&r, t, &audit_cfg.b);
		CU_ASSERT(r.wall <= goal(t));
		CU_ASSERT(r.max_open <= audit_cfg.cap);
	}
}

/* Round 1 stops climbing: nothing is asked above the first death (the
 * ladder's rung just above T, 1.36 T at most), and a 20 s timeout takes
 * well under a minute, not the hours of a ladder up to 2h4m. */
static void test_stops_climbing(void)
{
	struct idlesim_result r;

	idlesim_run(&audit_cfg, &(struct idlesim_path){ .forget = 20 * SEC, .rtt = MS }, &r);
	holds(&r, 20 * SEC, &audit_cfg.b);
	CU_ASSERT(r.longest <= 20 * SEC * 136 / 100);
	CU_ASSERT(r.wall <= 60 * SEC);
	idlesim_run(&audit_cfg, &(struct idlesim_path){ .forget = 350 * SEC, .rtt = MS }, &r);
	holds(&r, 350 * SEC, &audit_cfg.b);
	CU_ASSERT(r.longest <= 350 * SEC * 136 / 100);
	CU_ASSERT(r.wall <= goal(350 * SEC));
}

/* --resolution given: the bracket is that narrow whatever T. */
static void test_absolute(void)
{
	struct isched_cfg c = audit_cfg;
	struct idlesim_result r;

	c.b.permille = 0;
	for (ka_time t = 5 * SEC; t <= 350 * SEC; t = t * 3 + 7 * SEC) {
		idlesim_run(&c, &(struct idlesim_path){ .forget = t, .rtt = MS }, &r);
		holds(&r, t, &c.b);
		CU_ASSERT(r.f.f.dead - r.f.f.alive <= 500 * MS);
		CU_ASSERT(r.wall <= goal(t));
	}
}

/* A peer that closes idle connections: the first two closes end it, at
 * about T, with the close as the finding. */
static void test_close(void)
{
	struct idlesim_result r;

	idlesim_run(&audit_cfg, &(struct idlesim_path){ .close = 5 * SEC, .rtt = MS }, &r);
	CU_ASSERT_EQUAL(r.f.close, 5 * SEC);
	CU_ASSERT(r.f.closes >= 2);
	CU_ASSERT(r.f.f.alive > 0 && r.f.f.alive < 5 * SEC);
	CU_ASSERT(r.wall <= 5 * SEC + 400 * MS);
	/* A peer counting whole seconds closes between 5 and 6 s, and answers
	 * some probes past another connection's close: not inconsistent. */
	for (ka_time start = 0; start < SEC; start += 100 * MS) {
		idlesim_run(&audit_cfg, &(struct idlesim_path){ .close = 5 * SEC, .rtt = MS,
			    .whole_seconds = true, .phase = start }, &r);
		CU_ASSERT(r.f.close >= 5 * SEC && r.f.close <= 6 * SEC);
		CU_ASSERT(!r.f.f.inconsistent);
	}
	/* A box that forgets sooner is found, and closes never come. */
	idlesim_run(&audit_cfg, &(struct idlesim_path){ .close = 60 * SEC, .forget = 6 * SEC,
							.rtt = MS }, &r);
	holds(&r, 6 * SEC, &audit_cfg.b);
}

/* A lost measurement: the search still gets the bracket. */
static void test_loss(void)
{
	for (unsigned n = 1; n < 40; n += 3) {
		struct idlesim_result r;

		idlesim_run(&audit_cfg, &(struct idlesim_path){ .forget = 20 * SEC, .rtt = MS,
								.lose_nth = n }, &r);
		holds(&r, 20 * SEC, &audit_cfg.b);
		CU_ASSERT(r.wall <= goal(20 * SEC));
	}
}

/* A server that takes six connections at once: slower, still right. */
static void test_few_connections(void)
{
	struct isched_cfg c = audit_cfg;
	struct idlesim_result r;

	c.cap = 6;
	idlesim_run(&c, &(struct idlesim_path){ .forget = 20 * SEC, .rtt = MS }, &r);
	holds(&r, 20 * SEC, &c.b);
	CU_ASSERT(r.max_open <= 6);
}

/* The trace's schedule (src/cmd/tracetmo.c): the audit's bounds, but the
 * answers come from a hop whose ICMP rate limit allows one a second, so
 * round 1's rungs are a gap apart and later rounds ask two at a time. */
static const struct isched_cfg trace_cfg = { .b = { 300 * MS, 7440 * SEC, 500 * MS, 10 },
					     .cap = 64, .gap = 1100 * MS, .at_once = 2 };

/* Round 1's rungs no closer than the gap, the longest still asked; without
 * a gap the ladder is the audit's, unchanged. */
static void test_gap_thins_ladder(void)
{
	static struct isched q;
	struct isched_cfg c = trace_cfg;
	ka_time prev = 0;
	unsigned n = 0;

	c.b.longest = 10 * SEC;
	isched_init(&q, &c, 1);
	for (unsigned i = 0; i < q.nslots; i++) {
		CU_ASSERT(!i || q.slot[i].ask.idle >= prev + c.gap);
		prev = q.slot[i].ask.idle;
		n++;
	}
	CU_ASSERT_EQUAL(prev, 10 * SEC);
	CU_ASSERT(n >= 5 && n <= 9);
	c.gap = 0;
	isched_init(&q, &c, 1);
	CU_ASSERT_EQUAL(q.nslots, ISCHED_LADDER);
}

/* Behind a rate limit of one answer a second, the trace's schedule finds
 * every timeout from 5 s to 2h4m within 2 T + 30 s, after round 1 asks at
 * most two questions at a time (and a confirmation), and gives questions
 * to spares whose probes come due a gap apart, so that hardly any waits
 * for its slot and is measured late; the audit's would ask a whole
 * bracket of spares at once, their probes queueing up. */
static void test_rate_limited(void)
{
	unsigned most = 0, late = 0, late_audit = 0;

	for (unsigned i = 0; i < 40; i++) {
		ka_time t = (ka_time)(5e6 * pow(7440.0 / 5, i / 39.0)) - 1;
		struct idlesim_result r;

		idlesim_run(&trace_cfg, &(struct idlesim_path){ .forget = t, .rtt = MS,
								 .gap = SEC }, &r);
		holds(&r, t, &trace_cfg.b);
		CU_ASSERT(r.wall <= goal(t));
		CU_ASSERT(r.most_at_once <= trace_cfg.at_once + 1);
		CU_ASSERT(r.late <= 2);
		late += r.late;
		idlesim_run(&audit_cfg, &(struct idlesim_path){ .forget = t, .rtt = MS,
								 .gap = SEC }, &r);
		if (r.most_at_once > most)
			most = r.most_at_once;
		late_audit += r.late;
	}
	CU_ASSERT(most > trace_cfg.at_once + 1);
	CU_ASSERT(late_audit > 4 * late);
}

/* A short --max-idle behind the rate limit: the ladder does not queue up
 * past it, and short timeouts cost well under a minute. */
static void test_rate_limited_short(void)
{
	struct isched_cfg c = trace_cfg;

	c.b.longest = 10 * SEC;
	for (ka_time t = 2 * SEC; t <= 9 * SEC; t += 250 * MS) {
		struct idlesim_result r;

		idlesim_run(&c, &(struct idlesim_path){ .forget = t, .rtt = MS, .gap = SEC }, &r);
		holds(&r, t, &c.b);
		CU_ASSERT(r.late <= 2);
		CU_ASSERT(r.longest <= 12 * SEC);
		CU_ASSERT(r.wall <= 40 * SEC);
	}
}

/* No timeout within --max-idle, and dead at the proof. */
static void test_edges(void)
{
	struct idlesim_result r;

	idlesim_run(&audit_cfg, &(struct idlesim_path){ .rtt = MS }, &r);
	CU_ASSERT_EQUAL(r.f.f.alive, 7440 * SEC);
	CU_ASSERT_EQUAL(r.f.f.dead, 0);
	CU_ASSERT(r.wall <= goal(7440 * SEC));
	idlesim_run(&audit_cfg, &(struct idlesim_path){ .forget = 100 * MS, .rtt = MS }, &r);
	CU_ASSERT_EQUAL(r.f.f.alive, 0);
	CU_ASSERT_EQUAL(r.f.f.dead, 300 * MS);
	CU_ASSERT(r.wall <= 30 * SEC);
}

void suite_idlesched(void)
{
	UNIT_SUITE("idlesched",
		   UNIT_TEST(test_sweep), UNIT_TEST(test_stops_climbing), UNIT_TEST(test_absolute),
		   UNIT_TEST(test_close), UNIT_TEST(test_loss), UNIT_TEST(test_few_connections),
		   UNIT_TEST(test_edges), UNIT_TEST(test_gap_thins_ladder),
		   UNIT_TEST(test_rate_limited), UNIT_TEST(test_rate_limited_short));
}
