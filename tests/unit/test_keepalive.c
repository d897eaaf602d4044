/* test_keepalive.c - the state machine over scripted timelines.
 * Times are in microseconds; S(x) is x seconds. */
#include "tcp/keepalive.h"
#include "unit.h"

#define S(x) ((ka_time)((x) * 1000000))

static const struct ka_config cfg = { .idle = S(10), .intvl = S(2), .probes = 3 };

static void test_no_probe_before_idle(void)
{
	struct ka_machine m;

	ka_init(&m, S(0));
	CU_ASSERT_EQUAL(ka_deadline(&m, &cfg), S(10));
	CU_ASSERT_EQUAL(ka_timer(&m, &cfg, S(9.999)), KA_ACT_NONE);
	CU_ASSERT_EQUAL(m.state, KA_IDLE);
	CU_ASSERT_EQUAL(ka_timer(&m, &cfg, S(10)), KA_ACT_PROBE);
}

/* Linux: probes at idle, idle+intvl, ...; death when the timer fires with
 * `probes` out, one interval after the last (tcp_keepalive_timer). */
static void test_dead_after_probes(void)
{
	struct ka_machine m;
	ka_time t = S(10);

	ka_init(&m, S(0));
	for (unsigned i = 1; i <= 3; i++) {
		CU_ASSERT_EQUAL_FATAL(ka_timer(&m, &cfg, t), KA_ACT_PROBE);
		ka_sent(&m, t);
		CU_ASSERT_EQUAL(m.probes_out, i);
		CU_ASSERT_EQUAL(ka_deadline(&m, &cfg), t + S(2));
		CU_ASSERT_EQUAL(ka_timer(&m, &cfg, t + S(1)), KA_ACT_NONE);
		t += S(2);
	}
	CU_ASSERT_EQUAL(t, S(16));
	CU_ASSERT_EQUAL(ka_timer(&m, &cfg, t), KA_ACT_VERDICT);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_DEAD);
	CU_ASSERT_EQUAL(m.state, KA_DONE);
	CU_ASSERT_FALSE(m.last_answered);
	CU_ASSERT_EQUAL(ka_deadline(&m, &cfg), KA_NEVER);
	CU_ASSERT_EQUAL(m.st.sent, 3);
	CU_ASSERT_EQUAL(m.st.answered, 0);
	/* Nothing moves a finished machine. */
	CU_ASSERT_EQUAL(ka_timer(&m, &cfg, t + S(100)), KA_ACT_NONE);
	CU_ASSERT_FALSE(ka_receive(&m, t, KA_IN_ACK).answered);
}

/* RFC 1122 4.2.3.6: one lost probe never means dead. */
static void test_answer_after_loss_resets_counter(void)
{
	struct ka_machine m;
	struct ka_outcome o;

	ka_init(&m, S(0));
	ka_timer(&m, &cfg, S(10));
	ka_sent(&m, S(10));
	ka_timer(&m, &cfg, S(12));
	ka_sent(&m, S(12));
	o = ka_receive(&m, S(12.004), KA_IN_ACK);
	CU_ASSERT_TRUE(o.answered);
	CU_ASSERT_EQUAL(o.n, 2);
	CU_ASSERT_EQUAL(o.rtt, 4000);
	CU_ASSERT_EQUAL(m.state, KA_IDLE);
	CU_ASSERT_EQUAL(m.probes_out, 0);
	/* The next round waits a full idle from the answer. */
	CU_ASSERT_EQUAL(ka_deadline(&m, &cfg), S(22.004));
	CU_ASSERT_EQUAL(m.st.sent, 2);
	CU_ASSERT_EQUAL(m.st.answered, 1);
	CU_ASSERT_EQUAL(m.st.answered, 1);
	CU_ASSERT_TRUE(m.last_answered);
}

/* "The last round was answered" holds between rounds, and stops holding
 * once the next round's first probe is out (the SIGINT exit status). */
static void test_last_answered_per_round(void)
{
	struct ka_machine m;

	ka_init(&m, 0);
	ka_sent(&m, S(10));
	ka_receive(&m, S(10.1), KA_IN_ACK);
	CU_ASSERT_TRUE(m.last_answered);
	ka_sent(&m, S(20.1));
	CU_ASSERT_FALSE(m.last_answered);
	ka_sent(&m, S(22.1));
	CU_ASSERT_FALSE(m.last_answered);
	ka_receive(&m, S(22.2), KA_IN_ACK);
	CU_ASSERT_TRUE(m.last_answered);
}

static void test_data_restarts_idle_clock(void)
{
	struct ka_machine m;
	struct ka_outcome o;

	ka_init(&m, S(0));
	o = ka_receive(&m, S(7), KA_IN_DATA);
	CU_ASSERT_FALSE(o.answered);
	CU_ASSERT_EQUAL(ka_timer(&m, &cfg, S(10)), KA_ACT_NONE);
	CU_ASSERT_EQUAL(ka_deadline(&m, &cfg), S(17));
	CU_ASSERT_EQUAL(m.st.answered, 0);
}

static void test_data_answers_probe(void)
{
	struct ka_machine m;

	ka_init(&m, S(0));
	ka_timer(&m, &cfg, S(10));
	ka_sent(&m, S(10));
	CU_ASSERT_TRUE(ka_receive(&m, S(10.5), KA_IN_DATA).answered);
	CU_ASSERT_EQUAL(m.st.rtt_min, S(0.5));
}

static void test_rst_resets(void)
{
	struct ka_machine m;
	struct ka_outcome o;

	ka_init(&m, S(0));
	ka_timer(&m, &cfg, S(10));
	ka_sent(&m, S(10));
	o = ka_receive(&m, S(10.001), KA_IN_RST);
	CU_ASSERT_TRUE(o.verdict);
	CU_ASSERT_FALSE(o.answered);
	CU_ASSERT_EQUAL(o.n, 1);
	CU_ASSERT_EQUAL(o.rtt, 1000);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_RESET);
	CU_ASSERT_TRUE(m.rst_answered);
	CU_ASSERT_EQUAL(ka_lost(&m), 0);
	CU_ASSERT_EQUAL(m.st.answered, 0);
	CU_ASSERT_EQUAL(ka_timer(&m, &cfg, S(100)), KA_ACT_NONE);
}

/* An RST while idle answers nothing: the peer closed on its own. */
static void test_rst_while_idle(void)
{
	struct ka_machine m;

	ka_init(&m, S(0));
	CU_ASSERT_TRUE(ka_receive(&m, S(3), KA_IN_RST).verdict);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_CLOSED);
	CU_ASSERT_EQUAL(m.state, KA_DONE);
	CU_ASSERT_FALSE(m.rst_answered);
	/* After an answered round the machine is idle again: the same. */
	ka_init(&m, S(0));
	ka_timer(&m, &cfg, S(10));
	ka_sent(&m, S(10));
	ka_receive(&m, S(10.001), KA_IN_ACK);
	CU_ASSERT_TRUE(ka_receive(&m, S(14), KA_IN_RST).verdict);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_CLOSED);
	CU_ASSERT_FALSE(m.rst_answered);
	CU_ASSERT_EQUAL(ka_lost(&m), 0);
}

/* A FIN closes whether probes are out or not, and never answers them. */
static void test_fin_closes(void)
{
	struct ka_machine m;
	struct ka_outcome o;

	ka_init(&m, S(0));
	o = ka_receive(&m, S(5), KA_IN_FIN);
	CU_ASSERT_TRUE(o.verdict);
	CU_ASSERT_FALSE(o.answered);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_CLOSED);
	CU_ASSERT_EQUAL(ka_deadline(&m, &cfg), KA_NEVER);
	ka_init(&m, S(0));
	ka_timer(&m, &cfg, S(10));
	ka_sent(&m, S(10));
	o = ka_receive(&m, S(10.002), KA_IN_FIN);
	CU_ASSERT_TRUE(o.verdict);
	CU_ASSERT_FALSE(o.answered);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_CLOSED);
	CU_ASSERT_EQUAL(m.st.answered, 0);
	CU_ASSERT_FALSE(m.rst_answered);
	CU_ASSERT_FALSE(m.last_answered);
	/* Nothing after it counts. */
	CU_ASSERT_FALSE(ka_receive(&m, S(10.003), KA_IN_RST).verdict);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_CLOSED);
}

/* ICMP errors are soft: they do not answer, do not restart the idle clock,
 * and turn "dead" into "unreachable". */
static void test_icmp_is_soft_error(void)
{
	struct ka_machine m;
	ka_time t = S(10);

	ka_init(&m, S(0));
	for (int i = 0; i < 3; i++, t += S(2)) {
		CU_ASSERT_EQUAL_FATAL(ka_timer(&m, &cfg, t), KA_ACT_PROBE);
		ka_sent(&m, t);
		struct ka_outcome o = ka_receive(&m, t + 100, KA_IN_ICMP);
		CU_ASSERT_FALSE(o.answered);
		CU_ASSERT_EQUAL(o.rtt, 100);
		CU_ASSERT_EQUAL(ka_deadline(&m, &cfg), t + S(2));
	}
	CU_ASSERT_EQUAL(ka_timer(&m, &cfg, t), KA_ACT_VERDICT);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_UNREACHABLE);
}

/* An ICMP error in an earlier, answered round does not taint a later one. */
static void test_icmp_forgotten_after_answer(void)
{
	struct ka_machine m;
	ka_time t;

	const struct ka_config c1 = { .idle = S(1), .intvl = S(1), .probes = 1 };

	ka_init(&m, 0);
	ka_timer(&m, &c1, S(1));
	ka_sent(&m, S(1));
	ka_receive(&m, S(1.1), KA_IN_ICMP);
	ka_receive(&m, S(1.2), KA_IN_ACK);
	t = ka_deadline(&m, &c1);
	CU_ASSERT_EQUAL(ka_timer(&m, &c1, t), KA_ACT_PROBE);
	ka_sent(&m, t);
	CU_ASSERT_EQUAL(ka_timer(&m, &c1, t + S(1)), KA_ACT_VERDICT);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_DEAD);
}

static void test_restamp_changes_rtt(void)
{
	struct ka_machine m;

	ka_init(&m, 0);
	ka_timer(&m, &cfg, S(10));
	ka_sent(&m, S(10));
	ka_restamp(&m, S(10) + 30);
	CU_ASSERT_EQUAL(ka_receive(&m, S(10) + 130, KA_IN_ACK).rtt, 100);
}

static void test_rtt_statistics(void)
{
	struct ka_machine m;
	const ka_time rtts[] = { 300, 100, 200 };
	ka_time t = 0;

	const struct ka_config c2 = { .idle = S(1), .intvl = S(1), .probes = 2 };

	ka_init(&m, 0);
	for (int i = 0; i < 3; i++) {
		t = ka_deadline(&m, &c2);
		CU_ASSERT_EQUAL_FATAL(ka_timer(&m, &c2, t), KA_ACT_PROBE);
		ka_sent(&m, t);
		ka_receive(&m, t + rtts[i], KA_IN_ACK);
	}
	CU_ASSERT_EQUAL(m.st.rtt_min, 100);
	CU_ASSERT_EQUAL(m.st.rtt_max, 300);
	CU_ASSERT_EQUAL(m.st.rtt_sum, 600);
	CU_ASSERT_EQUAL(m.st.answered, 3);
	CU_ASSERT_EQUAL(m.st.answered, 3);
}

/* An ACK while idle is not an answer (nothing was asked) but, as in
 * tcp_ack, restarts the idle clock. */
static void test_ack_while_idle(void)
{
	struct ka_machine m;

	ka_init(&m, 0);
	CU_ASSERT_FALSE(ka_receive(&m, S(5), KA_IN_ACK).answered);
	CU_ASSERT_EQUAL(ka_deadline(&m, &cfg), S(15));
	CU_ASSERT_EQUAL(m.st.answered, 0);
}

/* Replay: the prober gives up (its RST after unanswered probes). */
static void test_abandon(void)
{
	struct ka_machine m;

	ka_init(&m, 0);
	CU_ASSERT_FALSE(ka_abandon(&m));          /* nothing out: no verdict */
	CU_ASSERT_EQUAL(m.state, KA_IDLE);
	ka_sent(&m, S(10));
	ka_sent(&m, S(11));
	CU_ASSERT_TRUE(ka_abandon(&m));
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_DEAD);
	ka_init(&m, 0);
	ka_sent(&m, S(10));
	ka_receive(&m, S(10.1), KA_IN_ICMP);
	CU_ASSERT_TRUE(ka_abandon(&m));
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_UNREACHABLE);
}

/* The machine is kept per flow in replay: it must stay small. */
static void test_machine_is_small(void)
{
	CU_ASSERT(sizeof(struct ka_machine) <= 48);
}

/* Run the timer, sending every probe it asks for, until a verdict; the
 * time of the verdict, or -1 if none came by `until`. */
static ka_time run_to_verdict(struct ka_machine *m, const struct ka_config *c, ka_time until)
{
	ka_time d;

	while ((d = ka_deadline(m, c)) <= until) {
		enum ka_action a = ka_timer(m, c, d);

		if (a == KA_ACT_VERDICT)
			return d;
		if (a == KA_ACT_PROBE)
			ka_sent(m, d);
	}
	return -1;
}

/* TCP_USER_TIMEOUT replaces the count (tcp_keepalive_timer): dead when the
 * timer fires with a probe out and nothing received for the timeout. */
static void test_user_timeout(void)
{
	struct ka_config c = cfg;
	struct ka_machine m;

	/* 10 s idle, probes every 2 s: the firings at 12 to 18 s are under
	 * 19 s since the last receive, 20 s is not.  5 probes, more than
	 * --probes 3 allows. */
	c.user_timeout = S(19);
	ka_init(&m, S(0));
	CU_ASSERT_EQUAL(run_to_verdict(&m, &c, S(100)), S(20));
	CU_ASSERT_EQUAL(m.st.sent, 5);
	CU_ASSERT_EQUAL(m.verdict, KA_VERDICT_DEAD);
	/* Shorter than the idle time: one probe goes out all the same, as
	 * the check needs a probe out; death comes one interval later. */
	c.user_timeout = S(3);
	ka_init(&m, S(0));
	CU_ASSERT_EQUAL(run_to_verdict(&m, &c, S(100)), S(12));
	CU_ASSERT_EQUAL(m.st.sent, 1);
	/* An answer restarts the clock it measures. */
	c.user_timeout = S(19);
	ka_init(&m, S(0));
	CU_ASSERT_EQUAL(run_to_verdict(&m, &c, S(13)), -1);
	ka_receive(&m, S(13), KA_IN_ACK);
	CU_ASSERT_EQUAL(run_to_verdict(&m, &c, S(100)), S(13 + 20));
}

static void test_verdict_names(void)
{
	CU_ASSERT_STRING_EQUAL(ka_verdict_name(KA_VERDICT_ALIVE), "alive");
	CU_ASSERT_STRING_EQUAL(ka_verdict_name(KA_VERDICT_DEAD), "dead");
	CU_ASSERT_STRING_EQUAL(ka_verdict_name(KA_VERDICT_RESET), "reset");
	CU_ASSERT_STRING_EQUAL(ka_verdict_name(KA_VERDICT_UNREACHABLE), "unreachable");
	CU_ASSERT_STRING_EQUAL(ka_verdict_name(KA_VERDICT_CLOSED), "closed");
}

void suite_keepalive(void)
{
	UNIT_SUITE("keepalive",
		   UNIT_TEST(test_no_probe_before_idle),
		   UNIT_TEST(test_dead_after_probes),
		   UNIT_TEST(test_answer_after_loss_resets_counter),
		   UNIT_TEST(test_last_answered_per_round),
		   UNIT_TEST(test_data_restarts_idle_clock),
		   UNIT_TEST(test_data_answers_probe),
		   UNIT_TEST(test_rst_resets),
		   UNIT_TEST(test_rst_while_idle),
		   UNIT_TEST(test_fin_closes),
		   UNIT_TEST(test_icmp_is_soft_error),
		   UNIT_TEST(test_icmp_forgotten_after_answer),
		   UNIT_TEST(test_restamp_changes_rtt),
		   UNIT_TEST(test_rtt_statistics),
		   UNIT_TEST(test_ack_while_idle),
		   UNIT_TEST(test_abandon),
		   UNIT_TEST(test_machine_is_small),
		   UNIT_TEST(test_user_timeout),
		   UNIT_TEST(test_verdict_names));
}
