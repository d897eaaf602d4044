/* serveidle.c - IDLE IP PORT D (tcp/ctlproto.h): serve probes one flow
 * once, when it has been idle D, and remembers how that round went for
 * STATUS.  The audit's idle search from the server's side (auditside.c)
 * asks it of its idle connections, from connections of its own, so that
 * the flow asked about carries nothing but serve's probes: where a proxy
 * cuts the path in legs, they cross the server's leg only.
 */
#include "cmd/servepriv.h"

#include <string.h>

const char *sidle_ask(struct serve *sv, struct sconn *of, ka_time idle)
{
	struct ka_config cfg = { .idle = idle, .intvl = ENG_PROBE_GAP_US,
				 .probes = CTL_IDLE_TRIES };

	if (!of->c || of->c->state != EC_READY)
		return "that flow is not watched (closed, or its handshake was not captured)";
	if (of->round == CTL_ROUND_WAITING)
		return "that flow's round is still waiting";
	of->round = CTL_ROUND_WAITING;
	of->round_idle = 0;
	engine_configure(&sv->e, of->c, &cfg);
	return NULL;
}

/* The round's end: serve probes no more unless asked again. */
static void over(struct serve *sv, struct sconn *k, enum ctl_round how)
{
	struct ka_config cfg = serve_default_cfg();

	k->round = how;
	if (k->c && how == CTL_ROUND_ANSWERED)
		engine_configure(&sv->e, k->c, &cfg);
}

void sidle_event(struct serve *sv, struct sconn *k, const struct eng_event *ev)
{
	if (!k || k->round != CTL_ROUND_WAITING)
		return;
	if (ev->kind == ENG_PROBE && ev->c->ka.probes_out == 1 && !k->round_idle)
		k->round_idle = ev->t - ev->c->ka.last_rx;
	else if (ev->kind == ENG_REPLY && ev->cls == CL_RESET)
		over(sv, k, CTL_ROUND_RESET);
	else if (ev->kind == ENG_REPLY && ev->out.answered)
		over(sv, k, CTL_ROUND_ANSWERED);
	else if (ev->kind == ENG_VERDICT)
		over(sv, k, CTL_ROUND_DEAD);
}

size_t sidle_status(const struct sconn *k, char *buf, size_t len)
{
	return ctl_format_round(k->round, k->round_idle, buf, len);
}
