/* test_risk.c - the false-death figure against a Monte-Carlo simulation of
 * the same loss model (a Gilbert-Elliott chain stepped one step at a time,
 * lognormal round trips, Linux's rounds), within 10%; the picked settings
 * within the budget and the path's timeout; the path's values checked. */
#include <math.h>
#include <stdint.h>

#include "tcp/risk.h"
#include "unit.h"

/* xorshift64*: a fixed sequence, so that the test is the same every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static double uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 0x2545f4914f6cdd1dULL) >> 11) / 9007199254740992.0;
}

static double normal(void)
{
	double u = uniform(), v = uniform();

	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

/* One step of the chain: Bad is true. */
static bool step(bool bad, double q, double r)
{
	return bad ? uniform() >= r : uniform() < q;
}

/* One round to a live peer, simulated: true when it ends in a death. */
static bool sim_round(const struct risk_path *p, const struct risk_settings *s, double q,
		      double r)
{
	bool bad = uniform() < p->loss;   /* idle long enough: stationary */
	unsigned steps = (unsigned)lround(s->intvl_s / p->step_s);

	for (unsigned j = 1; j <= s->probes; j++) {
		if (!bad) {
			double rtt = p->rtt_median_s * exp(p->rtt_sigma * normal());

			if (rtt < (s->probes - j + 1) * s->intvl_s)
				return false;
		}
		for (unsigned k = 0; k < steps; k++)
			bad = step(bad, q, r);
	}
	return true;
}

static double simulate(const struct risk_path *p, const struct risk_settings *s, unsigned n)
{
	double r = 1 / p->burst, q = p->loss * r / (1 - p->loss);
	unsigned dead = 0;

	for (unsigned i = 0; i < n; i++)
		dead += sim_round(p, s, q, r);
	return (double)dead / n;
}

static void within_10pct(double model, double sim)
{
	CU_ASSERT(sim > 0);
	CU_ASSERT(fabs(model - sim) <= 0.10 * sim);
	if (!(fabs(model - sim) <= 0.10 * sim))
		fprintf(stderr, "\n  model %.6g, simulation %.6g\n", model, sim);
}

static void test_bursty(void)
{
	/* 10% loss in bursts of 4, measured 0.5 s apart; RTTs of 200 ms
	 * median with a long tail (sigma 1: 1 in 20 above 1 s). */
	struct risk_path p = { 0.10, 4, 0.5, 0.2, 1.0 };
	struct risk_settings s = { 10, 1, 3 };

	CU_ASSERT_PTR_NULL(risk_check(&p));
	within_10pct(risk_round(&p, &s), simulate(&p, &s, 400000));
	/* Farther apart, the same probes are less correlated: less risk. */
	struct risk_settings wide = { 10, 5, 3 };
	CU_ASSERT(risk_round(&p, &wide) < risk_round(&p, &s));
	within_10pct(risk_round(&p, &wide), simulate(&p, &wide, 400000));
}

static void test_independent(void)
{
	/* Independent losses (b = 1/(1-p)), fixed RTT: p^probes exactly. */
	struct risk_path p = { 0.3, 1 / 0.7, 1, 0.05, 0 };
	struct risk_settings s = { 60, 2, 2 };

	CU_ASSERT_PTR_NULL(risk_check(&p));
	CU_ASSERT_DOUBLE_EQUAL(risk_round(&p, &s), 0.09, 1e-9);
	within_10pct(risk_round(&p, &s), simulate(&p, &s, 200000));
	/* RTTs longer than the last window are lost probes too. */
	struct risk_path slow = { 0.3, 1 / 0.7, 1, 3, 0 };
	CU_ASSERT_DOUBLE_EQUAL(risk_round(&slow, &s), 0.3, 1e-9);   /* only the first can be in time */
	within_10pct(risk_round(&slow, &s), simulate(&slow, &s, 200000));
}

static void test_day(void)
{
	struct risk_path p = { 0.3, 1 / 0.7, 1, 0.05, 0 };
	struct risk_settings s = { 600, 2, 2 };   /* 144 rounds a day */

	CU_ASSERT_DOUBLE_EQUAL(risk_day(&p, &s), 1 - pow(0.91, 144), 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(risk_detect_s(&s), 604, 1e-9);
}

static void test_pick(void)
{
	/* 1% loss in bursts of 3 probes 1 s apart, 50 ms RTTs; a 350 s path. */
	struct risk_path p = { 0.01, 3, 1, 0.05, 0.5 };
	struct risk_settings s;

	CU_ASSERT_TRUE_FATAL(risk_pick(&p, 175, 350, RISK_DEFAULT_BUDGET, &s));
	CU_ASSERT(risk_day(&p, &s) <= RISK_DEFAULT_BUDGET);
	CU_ASSERT(s.idle_s + (s.probes - 1) * s.intvl_s < 350);
	CU_ASSERT(s.intvl_s >= RISK_MIN_INTVL_S);
	/* Nothing sees a death sooner within the budget: one probe fewer is
	 * over it at any interval. */
	if (s.probes > 1) {
		struct risk_settings fewer = { 175, 75, s.probes - 1 };
		CU_ASSERT(risk_day(&p, &fewer) > RISK_DEFAULT_BUDGET ||
			  risk_detect_s(&fewer) >= risk_detect_s(&s));
	}
	/* Half the packets lost in long bursts: no setting is within budget. */
	struct risk_path awful = { 0.5, 50, 1, 0.05, 0 };
	CU_ASSERT_FALSE(risk_pick(&awful, 20, 40, RISK_DEFAULT_BUDGET, &s));
}

static void test_check(void)
{
	struct risk_path bad[] = {
		{ 1.0, 5, 1, 0.1, 0 },       /* everything lost */
		{ -0.1, 5, 1, 0.1, 0 },
		{ 0.5, 1.5, 1, 0.1, 0 },     /* burst below independent's 2 */
		{ 0.1, 2, 0, 0.1, 0 },
		{ 0.1, 2, 1, 0, 0 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CU_ASSERT_PTR_NOT_NULL(risk_check(&bad[i]));
	CU_ASSERT_DOUBLE_EQUAL(risk_sigma_from_p99(0.1, 0.1 * exp(2.326347874)), 1, 1e-9);
}

void suite_risk(void)
{
	UNIT_SUITE("risk", UNIT_TEST(test_bursty), UNIT_TEST(test_independent),
		   UNIT_TEST(test_day), UNIT_TEST(test_pick), UNIT_TEST(test_check));
}
