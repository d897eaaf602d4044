/* keepalive.h - the keep-alive state machine, pure: no I/O, time passed in.
 *
 * It follows Linux's tcp_keepalive_timer (net/ipv4/tcp_timer.c): once
 * nothing has been received for `idle`, probe; probe again every `intvl`;
 * any answer (an ACK of SND.NXT, or new data) sets the probe counter back to
 * zero and the idle clock starts again from that receive; when the timer
 * fires with `probes` probes unanswered, the connection is dead.  An RST
 * whose seq is exactly RCV.NXT resets the connection (RFC 5961 3.2) when it
 * comes while probes are out (it answers them); with none out, nothing
 * prompted it and the peer closed the connection on its own ("closed"), as
 * a FIN from the peer always does: a FIN never answers a keep-alive probe
 * (RFC 9293 3.10.7.4: it closes the sender's side).  Other RSTs are the
 * driver's to report and do not reach here as resets.  ICMP
 * errors do not answer a probe; like Linux's soft errors they only change
 * how a death is reported (verdict "unreachable").
 *
 * Live mode drives it with the monotonic clock and really sends what it asks
 * for; replay drives it with capture timestamps and tells it of the probes
 * it saw.  Times are microseconds on the driver's clock.  The configuration
 * is passed to each call rather than kept, and the deadline is computed,
 * because replay keeps one machine per flow and every byte counts there.
 */
#ifndef KAPROBE_KEEPALIVE_H
#define KAPROBE_KEEPALIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/ktime.h"

struct ka_config {
	ka_time idle;     /* tcp_keepalive_time */
	ka_time intvl;    /* tcp_keepalive_intvl */
	unsigned probes;  /* tcp_keepalive_probes */
	/* TCP_USER_TIMEOUT, 0 for none.  As in tcp_keepalive_timer, it
	 * replaces the probe count: when the timer fires with probes
	 * unanswered and nothing received for this long, the peer is dead. */
	ka_time user_timeout;
};

enum ka_state {
	KA_IDLE,     /* waiting for `idle` to pass since the last receive */
	KA_PROBING,  /* probes out, waiting for an answer */
	KA_DONE,     /* a verdict was reached */
};

enum ka_verdict {
	KA_VERDICT_NONE,
	KA_VERDICT_ALIVE,        /* used by drivers for an answered last round */
	KA_VERDICT_DEAD,
	KA_VERDICT_RESET,
	KA_VERDICT_UNREACHABLE,  /* dead, with ICMP errors seen in the round */
	KA_VERDICT_CLOSED,       /* the peer closed on its own: a FIN, or an
				  * RST with no probe out */
};

enum ka_action {
	KA_ACT_NONE,
	KA_ACT_PROBE,    /* send probe number probes_out + 1 now */
	KA_ACT_VERDICT,  /* a verdict was just reached: see .verdict */
};

enum ka_input {
	KA_IN_ACK,   /* an ACK from the peer that acknowledges SND.NXT */
	KA_IN_DATA,  /* new data from the peer */
	KA_IN_RST,   /* an acceptable RST: seq == RCV.NXT */
	KA_IN_FIN,   /* the peer's first FIN, in an acceptable segment */
	KA_IN_ICMP,  /* an ICMP error quoting the flow */
};

/* What an input meant, for the driver to report. */
struct ka_outcome {
	bool answered;     /* it answered the probes out */
	unsigned n;        /* the probe it answered or followed (latest sent) */
	ka_time rtt;       /* time since probe n was sent, when n > 0 */
	bool verdict;      /* a verdict was reached (see machine.verdict) */
};

/* Counters over the machine's life.  One answer ends a round, so
 * `answered` also counts answered rounds.  RTTs in microseconds. */
struct ka_stats {
	uint64_t rtt_sum;
	uint32_t sent, answered;
	uint32_t rtt_min, rtt_max;
};

struct ka_machine {
	ka_time last_rx;       /* last receive that counts for the idle clock */
	ka_time last_probe;    /* when the latest probe was sent */
	struct ka_stats st;
	uint16_t probes_out;   /* unanswered probes this round */
	uint8_t state;         /* enum ka_state */
	uint8_t verdict;       /* enum ka_verdict */
	bool rst_answered;     /* the latest probe was answered by an RST */
	bool icmp_seen;        /* an ICMP error arrived this round */
	bool last_answered;    /* the most recent round was answered */
};

/* Probes that got no reply at all (an RST is a reply). */
static inline uint32_t ka_lost(const struct ka_machine *m)
{
	return m->st.sent - m->st.answered - m->rst_answered;
}

/* Start, the last receive having been at last_rx. */
void ka_init(struct ka_machine *m, ka_time last_rx);

/* When the driver should next call ka_timer (KA_NEVER once done). */
ka_time ka_deadline(const struct ka_machine *m, const struct ka_config *cfg);

/* The timer: call at or after ka_deadline.  Returns KA_ACT_PROBE when a
 * probe is due (the driver sends it and calls ka_sent), KA_ACT_VERDICT when
 * the probes are exhausted, else KA_ACT_NONE. */
enum ka_action ka_timer(struct ka_machine *m, const struct ka_config *cfg, ka_time now);

/* A probe was sent (live) or seen (replay) at time t. */
void ka_sent(struct ka_machine *m, ka_time t);

/* A better send time for the latest probe, e.g. its capture timestamp. */
void ka_restamp(struct ka_machine *m, ka_time t);

/* Something arrived from the peer at time t. */
struct ka_outcome ka_receive(struct ka_machine *m, ka_time t, enum ka_input in);

/* The prober gave up on its own (replay: it sent an RST or a FIN while
 * probes were unanswered): dead, or unreachable after ICMP errors.
 * Returns whether that reached a verdict. */
bool ka_abandon(struct ka_machine *m);

const char *ka_verdict_name(enum ka_verdict v);

#endif
