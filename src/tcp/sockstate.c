/* sockstate.c - what a socket record says (see sockrec.h): the names of
 * the kernel's TCP states and timers, as ss prints them, and the time since
 * the last data. */
#include <string.h>

#include "tcp/sockrec.h"

static const char *const states[SS_MAX] = {
	[SS_ESTABLISHED] = "established", [SS_SYN_SENT] = "syn-sent",
	[SS_SYN_RECV] = "syn-recv", [SS_FIN_WAIT1] = "fin-wait-1",
	[SS_FIN_WAIT2] = "fin-wait-2", [SS_TIME_WAIT] = "time-wait",
	[SS_CLOSE] = "closed", [SS_CLOSE_WAIT] = "close-wait",
	[SS_LAST_ACK] = "last-ack", [SS_LISTEN] = "listening", [SS_CLOSING] = "closing",
	[SS_NEW_SYN_RECV] = "new-syn-recv",
};

const char *sock_state_name(unsigned state)
{
	return state < SS_MAX ? states[state] : NULL;
}

int sock_state_find(const char *name)
{
	for (int s = 1; s < SS_MAX; s++)
		if (states[s] && strcmp(states[s], name) == 0)
			return s;
	return -1;
}

const char *sock_timer_name(unsigned timer)
{
	static const char *const names[] = { "none", "retransmit", "keepalive", "time-wait",
					      "zero-window-probe" };

	return timer < sizeof names / sizeof names[0] ? names[timer] : "unknown";
}

int64_t sock_since_data(const struct sock_rec *s)
{
	bool in = s->info && (!s->segs || s->data_segs_in);
	bool out = s->info && (!s->segs || s->data_segs_out);
	uint32_t ms;

	if (!in && !out)
		return -1;
	ms = !out || (in && s->last_data_recv_ms < s->last_data_sent_ms) ? s->last_data_recv_ms
	     : s->last_data_sent_ms;
	return ms * 1000LL;
}
