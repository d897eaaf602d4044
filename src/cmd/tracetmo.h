/* tracetmo.h - `kaprobe trace --timeouts`: each stateful hop's idle timeout
 * (see tracetmo.c).  trace.c calls it once the hops are known; it uses the
 * trace's state (tracepriv.h) and calls nothing of trace.c. */
#ifndef KAPROBE_TRACETMO_H
#define KAPROBE_TRACETMO_H

#include "cmd/tracepriv.h"

/* The timeout phase: each stateful hop's idle timeout.  Returns 0, 1 when a
 * hop forgets an idle flow within --max-idle, or -1 when the run was
 * stopped (e->status, t->interrupted). */
int trace_timeouts(struct trace *t);

/* An event about one of the timeout phase's connections. */
void trace_tmo_event(struct trace *t, struct tmo_task *k, const struct eng_event *ev);

#endif
