/* keepalive.c - the keep-alive state machine (see keepalive.h). */
#include "tcp/keepalive.h"

void ka_init(struct ka_machine *m, ka_time last_rx)
{
	*m = (struct ka_machine){ .state = KA_IDLE, .last_rx = last_rx };
}

ka_time ka_deadline(const struct ka_machine *m, const struct ka_config *cfg)
{
	switch (m->state) {
	case KA_IDLE: return m->last_rx + cfg->idle;
	case KA_PROBING: return m->last_probe + cfg->intvl;
	default: return KA_NEVER;
	}
}

static void conclude(struct ka_machine *m, enum ka_verdict v)
{
	m->state = KA_DONE;
	m->verdict = v;
	m->last_answered = false;
}

enum ka_action ka_timer(struct ka_machine *m, const struct ka_config *cfg, ka_time now)
{
	if (m->state == KA_DONE || now < ka_deadline(m, cfg))
		return KA_ACT_NONE;
	/* As tcp_keepalive_timer: the count is checked when the timer fires
	 * after the last probe, so death comes one interval after it.  With
	 * a user timeout, the time since the last receive decides instead,
	 * once a probe is out (net/ipv4/tcp_timer.c: icsk_user_timeout). */
	if (m->state == KA_PROBING &&
	    (cfg->user_timeout ? now - m->last_rx >= cfg->user_timeout
			       : m->probes_out >= cfg->probes)) {
		conclude(m, m->icmp_seen ? KA_VERDICT_UNREACHABLE : KA_VERDICT_DEAD);
		return KA_ACT_VERDICT;
	}
	return KA_ACT_PROBE;
}

void ka_sent(struct ka_machine *m, ka_time t)
{
	if (m->state == KA_DONE)
		return;
	/* A new round's first probe: the round before it no longer counts
	 * as the last one answered. */
	if (m->state == KA_IDLE)
		m->last_answered = false;
	m->state = KA_PROBING;
	if (m->probes_out < UINT16_MAX)
		m->probes_out++;
	m->last_probe = t;
	m->st.sent++;
}

void ka_restamp(struct ka_machine *m, ka_time t)
{
	if (m->state == KA_PROBING)
		m->last_probe = t;
}

static void count_answer(struct ka_stats *st, ka_time rtt)
{
	/* RTTs are kept in 32 bits of microseconds (71 minutes): a longer
	 * one is a capture's oddity, clamped rather than wrapped. */
	uint32_t r = rtt < 0 ? 0 : rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;

	if (st->answered == 0 || r < st->rtt_min)
		st->rtt_min = r;
	if (st->answered == 0 || r > st->rtt_max)
		st->rtt_max = r;
	st->rtt_sum += r;
	st->answered++;
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
		/* With no probe out nothing asked for it: the peer closed on
		 * its own (an application's or a proxy's idle timeout), which
		 * no probe could have prevented. */
		m->rst_answered = m->state == KA_PROBING;
		conclude(m, m->rst_answered ? KA_VERDICT_RESET : KA_VERDICT_CLOSED);
		o.verdict = true;
		break;
	case KA_IN_FIN:
		conclude(m, KA_VERDICT_CLOSED);
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
			count_answer(&m->st, o.rtt);
			m->last_answered = true;
		}
		m->state = KA_IDLE;
		m->probes_out = 0;
		m->icmp_seen = false;
		m->last_rx = t;
		break;
	}
	return o;
}

bool ka_abandon(struct ka_machine *m)
{
	if (m->state != KA_PROBING)
		return false;
	conclude(m, m->icmp_seen ? KA_VERDICT_UNREACHABLE : KA_VERDICT_DEAD);
	return true;
}

const char *ka_verdict_name(enum ka_verdict v)
{
	switch (v) {
	case KA_VERDICT_ALIVE: return "alive";
	case KA_VERDICT_DEAD: return "dead";
	case KA_VERDICT_RESET: return "reset";
	case KA_VERDICT_UNREACHABLE: return "unreachable";
	case KA_VERDICT_CLOSED: return "closed";
	case KA_VERDICT_NONE: break;
	}
	return "none";
}
