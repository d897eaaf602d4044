/* sockjudge.c - keep-alive settings against a path's idle timeout (see
 * sockjudge.h for the rule and why). */
#include <stddef.h>

#include "tcp/sockjudge.h"

static struct sock_judgement verdict(enum sock_verdict v, enum sock_reason r)
{
	return (struct sock_judgement){ v, r };
}

struct sock_judgement sock_judge(const struct ka_settings *ka, int64_t since_data_us,
				 const struct path_timeout *p)
{
	int64_t t = p->timeout_us;

	if (ka && ka->keepalive && !p->endpoint_close && ka->idle_us < t && ka->intvl_us < t)
		return verdict(SV_PROTECTED, SR_KEEPALIVE);
	if (since_data_us >= 0 && since_data_us < t)
		return verdict(SV_NOT_APPLICABLE, SR_DATA);
	if (p->endpoint_close)
		return verdict(SV_AT_RISK, SR_ENDPOINT);
	if (!ka)
		return verdict(SV_UNKNOWN, SR_UNREAD);
	if (!ka->keepalive)
		return verdict(SV_AT_RISK, SR_OFF);
	return verdict(SV_AT_RISK, ka->idle_us >= t ? SR_IDLE : SR_INTVL);
}

const char *sock_verdict_name(enum sock_verdict v)
{
	static const char *const names[] = { "protected", "at-risk", "not-applicable",
					      "unknown" };

	return names[v];
}

const char *sock_reason_name(enum sock_reason r)
{
	static const char *const names[] = { "keepalive", "data", "keepalive-off", "idle",
					      "intvl", "endpoint-close", "unread" };

	return names[r];
}
