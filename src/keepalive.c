/* keepalive.c - the keep-alive state machine (see keepalive.h). */
#include "keepalive.h"

void ka_init(struct ka_machine *m, const struct ka_config *cfg, ka_time last_rx)
{
	*m = (struct ka_machine){
		.cfg = *cfg,
		.state = KA_IDLE,
		.last_rx = last_rx,
		.deadline = last_rx + cfg->idle,
	};
}

enum ka_action ka_timer(struct ka_machine *m, ka_time now)
{
	if (m->state == KA_DONE || now < m->deadline)
		return KA_ACT_NONE;
	/* As tcp_keepalive_timer: the count is checked when the timer fires
	 * after the last probe, so death comes one interval after it. */
	if (m->state == KA_PROBING && m->probes_out >= m->cfg.probes) {
		m->state = KA_DONE;
		m->verdict = m->icmp_seen ? KA_VERDICT_UNREACHABLE : KA_VERDICT_DEAD;
		m->deadline = KA_NEVER;
		m->last_answered = false;
		return KA_ACT_VERDICT;
	}
	return KA_ACT_PROBE;
}

void ka_sent(struct ka_machine *m, ka_time t)
{
	if (m->state == KA_DONE)
		return;
	m->state = KA_PROBING;
	m->probes_out++;
	m->last_probe = t;
	m->deadline = t + m->cfg.intvl;
	m->st.sent++;
}

void ka_restamp(struct ka_machine *m, ka_time t)
{
	if (m->state == KA_PROBING)
		m->last_probe = t;
}

static void count_answer(struct ka_machine *m, ka_time rtt)
{
	struct ka_stats *st = &m->st;

	if (st->answered == 0 || rtt < st->rtt_min)
		st->rtt_min = rtt;
	if (st->answered == 0 || rtt > st->rtt_max)
		st->rtt_max = rtt;
	st->rtt_sum += rtt;
	st->answered++;
	st->rounds_answered++;
}

struct ka_outcome ka_receive(struct ka_machine *m, ka_time t, enum ka_input in)
{
	struct ka_outcome o = { .n = m->probes_out };

	if (m->state == KA_DONE)
		return o;
	if (m->state == KA_PROBING)
		o.rtt = t - m->last_probe;

	switch (in) {
	case KA_IN_RST:
		if (m->state == KA_PROBING)
			m->st.reset++;
		m->state = KA_DONE;
		m->verdict = KA_VERDICT_RESET;
		m->deadline = KA_NEVER;
		m->last_answered = false;
		o.verdict = true;
		break;
	case KA_IN_ICMP:
		/* A soft error (tcp_v4_err on an established socket): it neither
		 * answers the probe nor restarts the idle clock. */
		m->icmp_seen = true;
		break;
	case KA_IN_ACK:
	case KA_IN_DATA:
		/* Any acceptable ACK zeroes icsk_probes_out and refreshes
		 * rcv_tstamp (tcp_ack), so the next probe waits a full idle. */
		if (m->state == KA_PROBING) {
			o.answered = true;
			count_answer(m, o.rtt);
			m->last_answered = true;
		}
		m->state = KA_IDLE;
		m->probes_out = 0;
		m->icmp_seen = false;
		m->last_rx = t;
		m->deadline = t + m->cfg.idle;
		break;
	}
	return o;
}

const char *ka_verdict_name(enum ka_verdict v)
{
	switch (v) {
	case KA_VERDICT_ALIVE: return "alive";
	case KA_VERDICT_DEAD: return "dead";
	case KA_VERDICT_RESET: return "reset";
	case KA_VERDICT_UNREACHABLE: return "unreachable";
	case KA_VERDICT_NONE: break;
	}
	return "none";
}
