/* test_evloop.c - the timer heap: timers come out in time order however
 * they were armed, moved and disarmed, and a loop with only timers runs
 * them in order. */
#include <stdlib.h>

#include "engine/evloop.h"
#include "unit.h"

#define N 2000

static struct ev_timer timers[N];

/* Pop the heap by disarming its top: the times must not decrease. */
static unsigned drain_in_order(struct evloop *loop)
{
	ka_time last = -1;
	unsigned n = 0;

	while (loop->ntimers) {
		struct ev_timer *t = loop->heap[0].t;

		CU_ASSERT_EQUAL(loop->heap[0].when, t->when);

		CU_ASSERT(t->when >= last);
		CU_ASSERT_EQUAL(t->slot, 1);
		last = t->when;
		evloop_disarm(loop, t);
		CU_ASSERT_EQUAL(t->slot, 0);
		n++;
	}
	return n;
}

static void test_heap_order(void)
{
	struct evloop loop;
	unsigned armed = 0;

	CU_ASSERT_EQUAL_FATAL(evloop_init(&loop), 0);
	srand(7);
	for (int i = 0; i < N; i++)
		CU_ASSERT_EQUAL(evloop_arm(&loop, &timers[i], rand() % 100000), 0);
	/* Move some, disarm others, from anywhere in the heap. */
	for (int i = 0; i < N; i += 3)
		evloop_arm(&loop, &timers[i], rand() % 100000);
	for (int i = 1; i < N; i += 5)
		evloop_disarm(&loop, &timers[i]);
	evloop_disarm(&loop, &timers[1]);           /* twice: harmless */
	for (int i = 0; i < N; i++)
		armed += timers[i].slot != 0;
	CU_ASSERT_EQUAL(armed, N - N / 5);
	CU_ASSERT_EQUAL(drain_in_order(&loop), armed);
	/* KA_NEVER disarms. */
	evloop_arm(&loop, &timers[0], 5);
	evloop_arm(&loop, &timers[0], KA_NEVER);
	CU_ASSERT_EQUAL(loop.ntimers, 0);
	evloop_free(&loop);
}

static int fired[4], nfired;

static void on_fire(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	(void)now;
	fired[nfired++] = (int)(t - timers);
	if (nfired == 3)
		evloop_stop(loop);
}

static void test_loop_runs_timers(void)
{
	struct evloop loop;
	ka_time now = ev_now();

	CU_ASSERT_EQUAL_FATAL(evloop_init(&loop), 0);
	nfired = 0;
	for (int i = 0; i < 4; i++)
		timers[i] = (struct ev_timer){ .fn = on_fire };
	evloop_arm(&loop, &timers[0], now + 3000);
	evloop_arm(&loop, &timers[1], now + 1000);
	evloop_arm(&loop, &timers[2], now + 2000);
	evloop_arm(&loop, &timers[3], now + 60000000);   /* never reached */
	CU_ASSERT_EQUAL(evloop_run(&loop), 0);
	CU_ASSERT_EQUAL(nfired, 3);
	CU_ASSERT_EQUAL(fired[0], 1);
	CU_ASSERT_EQUAL(fired[1], 2);
	CU_ASSERT_EQUAL(fired[2], 0);
	CU_ASSERT_EQUAL(loop.ntimers, 1);
	evloop_free(&loop);
}

/* A loop stopped before it runs (a planner's failure while it set up)
 * returns at once; evloop_restart lets the next phase run. */
static void test_stopped_loop(void)
{
	struct evloop loop;

	CU_ASSERT_EQUAL_FATAL(evloop_init(&loop), 0);
	nfired = 0;
	for (int i = 0; i < 3; i++) {
		timers[i] = (struct ev_timer){ .fn = on_fire };
		evloop_arm(&loop, &timers[i], ev_now() + 1000);
	}
	evloop_stop(&loop);
	CU_ASSERT_TRUE(evloop_stopped(&loop));
	CU_ASSERT_EQUAL(evloop_run(&loop), 0);
	CU_ASSERT_EQUAL(nfired, 0);
	evloop_restart(&loop);
	CU_ASSERT_FALSE(evloop_stopped(&loop));
	CU_ASSERT_EQUAL(evloop_run(&loop), 0);
	CU_ASSERT_EQUAL(nfired, 3);
	CU_ASSERT_TRUE(evloop_stopped(&loop));
	evloop_free(&loop);
}

void suite_evloop(void)
{
	UNIT_SUITE("evloop",
		   UNIT_TEST(test_heap_order),
		   UNIT_TEST(test_loop_runs_timers),
		   UNIT_TEST(test_stopped_loop));
}
