/* risk.c - the chance of a false death and the settings that bound it
 * (see risk.h for the model). */
#include "tcp/risk.h"

#include <math.h>

#include "tcp/profile.h"

#define DAY_S 86400.0
#define MAX_PROBES 127          /* TCP_KEEPCNT's */

const char *risk_check(const struct risk_path *p)
{
	if (!(p->loss >= 0 && p->loss < 1))
		return "the loss rate must be at least 0 and below 100%";
	if (!(p->burst >= 1 / (1 - p->loss) - 1e-9))
		return "the mean burst is shorter than independent losses give (1 / (1 - loss))";
	if (!(p->step_s > 0) || !(p->rtt_median_s > 0) || !(p->rtt_sigma >= 0))
		return "the step and the RTT must be positive";
	return NULL;
}

double risk_sigma_from_p99(double median_s, double p99_s)
{
	/* z of the 99th percentile of the standard normal */
	return p99_s > median_s ? log(p99_s / median_s) / 2.326347874 : 0;
}

/* The chance that an answer comes w seconds or more after its probe. */
static double late(const struct risk_path *p, double w)
{
	if (p->rtt_sigma == 0)
		return p->rtt_median_s >= w ? 1 : 0;
	return 0.5 * erfc(log(w / p->rtt_median_s) / (p->rtt_sigma * M_SQRT2));
}

double risk_round(const struct risk_path *p, const struct risk_settings *s)
{
	double r = 1 / p->burst, pb = p->loss;
	double lambda = 1 - r / (1 - pb);          /* the chain's second eigenvalue, >= 0 */
	double decay = pow(lambda, s->intvl_s / p->step_s);
	double stay_b = pb + decay * (1 - pb);     /* Bad, intvl later, from Bad */
	double enter_b = pb * (1 - decay);         /* ... from Good */
	double ab = pb, ag = 1 - pb;               /* in each state, every probe so far failed */

	for (unsigned j = 1; j <= s->probes; j++) {
		/* Bad loses the exchange; Good's answer may come too late: after
		 * the round's end, (probes - j + 1) intervals after probe j. */
		double fb = ab, fg = ag * late(p, (s->probes - j + 1) * s->intvl_s);

		if (j == s->probes)
			return fb + fg;
		ab = fb * stay_b + fg * enter_b;
		ag = fb * (1 - stay_b) + fg * (1 - enter_b);
	}
	return 1;   /* no probes: the first silence is a death */
}

double risk_day(const struct risk_path *p, const struct risk_settings *s)
{
	double pr = risk_round(p, s);

	return pr >= 1 ? 1 : -expm1(DAY_S / s->idle_s * log1p(-pr));
}

double risk_detect_s(const struct risk_settings *s)
{
	return s->idle_s + s->probes * s->intvl_s;
}

bool risk_pick(const struct risk_path *p, double idle_s, double timeout_s, double budget,
	       struct risk_settings *out)
{
	struct risk_settings best = { idle_s, RISK_MIN_INTVL_S, 1 };
	double best_round = 2;   /* while none is within budget: the least risky */
	bool found = false;

	/* Up to Linux's 75 s: longer only sees a death later. */
	for (double intvl = RISK_MIN_INTVL_S; intvl <= LINUX_KEEPALIVE_INTVL_S &&
	     (idle_s + intvl < timeout_s || intvl == RISK_MIN_INTVL_S); intvl += 1) {
		for (unsigned n = 1; n <= MAX_PROBES && (n == 1 || idle_s + (n - 1) * intvl < timeout_s);
		     n++) {
			struct risk_settings s = { idle_s, intvl, n };
			/* The day's chance rounds to 1 long before the
			 * round's does: the least risky by the round's. */
			double pr = risk_round(p, &s);
			bool ok = risk_day(p, &s) <= budget;

			if (ok && (!found || risk_detect_s(&s) < risk_detect_s(&best))) {
				best = s;
				found = true;
			} else if (!found && pr < best_round) {
				best = s;
				best_round = pr;
			}
			if (ok)
				break;   /* more probes only see a death later */
		}
	}
	*out = best;
	return found;
}
