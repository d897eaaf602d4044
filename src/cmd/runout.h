/* runout.h - the output and the losses of a run over the engine (live
 * mode, the audit, the trace).
 *
 * stdout goes through a queue that never blocks the engine's loop
 * (emit/outq.h): a slow reader must not hold a probe back.  The first time
 * the queue is so far behind that lines are dropped, and the first time the
 * capture drops packets, kaprobe says so in one line on stderr; the
 * summaries count both (runout_drops, and the text module's
 * lines_dropped).
 */
#ifndef KAPROBE_RUNOUT_H
#define KAPROBE_RUNOUT_H

#include <stdbool.h>

#include "emit/event.h"
#include "emit/outq.h"
#include "emit/text.h"
#include "engine/engine.h"

struct runout {
	struct outq q;
	struct text *tx;
	struct engine *e;
	bool cap_warned, out_warned;
};

/* Set the queue up on stdout.  Before the engine gives privilege up: a
 * pipe's or a terminal's own description is opened through /proc/self/fd,
 * which a process that changed its user may not open. */
void runout_init(struct runout *o);
/* From now on, send tx's events to stdout through the queue, woken by e's
 * loop (which engine_init has set up). */
void runout_open(struct runout *o, struct text *tx, struct engine *e);
/* Once per turn of the loop: write what the reader takes now, and warn of
 * losses once.  Returns false once writing has failed (stdout closed). */
bool runout_flush(struct runout *o);
/* The capture's drops as they are now, for a summary. */
struct ev_drops runout_drops(struct runout *o);
/* At the end, before engine_close: the last warnings, then wait for the
 * reader to take everything, and free the queue. */
void runout_close(struct runout *o);

/* The errno of a write to stdout that failed, if it is an error: not its
 * reader going away (EPIPE: `kaprobe ... | head`, which ends a run
 * quietly, as ping's), but ENOSPC (/dev/full, a full disk) or the like;
 * else 0. */
int stdout_error(int err);
/* Say that stdout could not be written, in one line on stderr; returns
 * the status for it, 74 (EXIT_IOERR). */
int stdout_failed(int err);
/* stdout_error of the run's queue. */
int runout_error(const struct runout *o);
/* After runout_close, the run's exit status rc made final: a failed stdout
 * (runout_error) is said in one line on stderr, unless engine_fail said it
 * already, and makes the status 74 (EXIT_IOERR) unless the run had failed
 * for another reason first (that failure's status stays). */
int runout_status(const struct runout *o, const struct engine *e, int rc);

#endif
