/* risk.h - keep-alive's known weakness as a number: the chance that a live
 * but lossy or slow connection is declared dead, per connection-day, and
 * the time a real death takes to be seen; and the settings that keep the
 * first under a budget while staying below a path's idle timeout.
 *
 * The model.  Each probe and its answer is one exchange, lost or not.
 * Losses come in bursts: a Gilbert-Elliott chain of two states, Good (no
 * loss) and Bad (every exchange lost), stepping once per step_s seconds,
 * its parameters from the measured loss rate p (the chain's share of Bad)
 * and the mean burst length b (in exchanges step_s apart): leaving Bad has
 * probability r = 1/b a step, entering it q = p r / (1 - p); b is at least
 * 1 / (1 - p), what independent losses give.  Probes intvl apart are
 * intvl / step_s steps apart, so their losses are the less correlated the
 * farther apart they are; rounds, idle seconds apart, start from the
 * chain's stationary state.  An answer counts if it comes before the round
 * ends (intvl after its last probe: Linux declares the peer dead then), so
 * one slower than that is as bad as a loss; round-trip times are lognormal
 * (median, and sigma from a 99th percentile), or fixed.
 *
 * Linux's keep-alive: after idle seconds without data a probe, then up to
 * probes - 1 more intvl apart while none is answered; the peer is dead when
 * the last goes unanswered for intvl.  A round answered restarts the idle
 * wait, so a day holds about 86400 / idle rounds.  A real death is seen
 * idle + probes x intvl after the last data.  TCP_KEEPINTVL is at least
 * 1 s, above a Linux peer's tcp_invalid_ratelimit (500 ms): probes closer
 * than that would be answered no more often anyway.
 */
#ifndef KAPROBE_RISK_H
#define KAPROBE_RISK_H

#include <stdbool.h>
#include <stddef.h>

/* The least keep-alive interval: TCP_KEEPINTVL's 1 s (the peer's
 * tcp_invalid_ratelimit, 500 ms, lies below it). */
#define RISK_MIN_INTVL_S 1.0
/* The default budget: one false death per million connection-days. */
#define RISK_DEFAULT_BUDGET 1e-6

struct risk_path {
	double loss;            /* p, 0 <= p < 1 */
	double burst;           /* b, mean burst length in exchanges, >= 1/(1-p) */
	double step_s;          /* the spacing b was measured at, > 0 */
	double rtt_median_s;    /* > 0 */
	double rtt_sigma;       /* lognormal's sigma; 0: every RTT is the median */
};

struct risk_settings {
	double idle_s, intvl_s;
	unsigned probes;
};

/* The path's values checked: NULL, or why they cannot be a path. */
const char *risk_check(const struct risk_path *p);

/* sigma of a lognormal with this median and 99th percentile (p99 >= median). */
double risk_sigma_from_p99(double median_s, double p99_s);

/* The chance that one round of probes to a live peer ends in a death. */
double risk_round(const struct risk_path *p, const struct risk_settings *s);
/* ... in a day: 1 - (1 - risk_round) ^ (86400 / idle). */
double risk_day(const struct risk_path *p, const struct risk_settings *s);
/* How long after the last data a dead peer is declared dead. */
double risk_detect_s(const struct risk_settings *s);

/* The settings with idle idle_s that see a death soonest while keeping the
 * daily false-death chance at most budget, every probe leaving before the
 * path forgets the flow (idle + (probes - 1) intvl < timeout_s) and the
 * interval at least RISK_MIN_INTVL_S and at most Linux's 75 s, on a
 * whole-second grid.  Returns
 * false (and *out the settings with the least risk found) when none is
 * within the budget. */
bool risk_pick(const struct risk_path *p, double idle_s, double timeout_s, double budget,
	       struct risk_settings *out);

#endif
