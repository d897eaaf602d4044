/* text.h - the output module for people and for scripts: one line (or a
 * few) per event, human or JSON lines (--json), to a stream.
 *
 * JSON events are one object per line, each with "event" and "t" (seconds
 * since the start: of the run, or of the capture in replay); "connect" and
 * "summary" also carry "ts", the wall-clock time (Unix seconds).  Replay's
 * events carry "flow" and "frame", many connections' "conn" and "dst", from
 * the event's context.  Quiet mode (-q) keeps only verdicts and summaries,
 * and in JSON the audit's findings and the trace's hops.
 *
 * Events are formatted by outbuf.c into a buffer.  By default it is small
 * and each event is handed to the stream (stdio) as it ends; replay hands
 * it a large buffer with text_use_buffer and writes it out itself
 * (text_flush).
 *
 * Live mode, the audit and the trace hand the events to an output queue
 * instead (text_use_queue, outq.h), which never blocks their loop: when the
 * reader falls OUTQ_BOUND behind, the events -q would not keep are dropped
 * and counted (lines_dropped, in the summary); verdicts, summaries, errors
 * and the findings -q keeps are always queued.
 */
#ifndef KAPROBE_TEXT_H
#define KAPROBE_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "emit/emit.h"
#include "emit/outbuf.h"

struct text {
	struct outbuf ob;
	bool json, quiet;
	bool stamp;             /* -D: human lines start with [unix-time.micro] */
	bool each;              /* hand each event to the stream as it ends */
	ka_time t0;             /* the start: "t" counts from here */
	ka_time wall_off;       /* live: CLOCK_REALTIME - the events' clock, for
				 * "ts" and -D; replay's times are wall-clock */
	const char *target;     /* for live mode's summary heading */
	uint64_t lines_dropped; /* events not written: the queue was full */
	char line[1024];        /* the buffer until text_use_buffer: one event */
};

extern const struct out_module text_module;   /* self: a struct text */

void text_init(struct text *tx, FILE *f, bool json, bool quiet, ka_time t0);
/* From now on, collect events in buf (cap bytes) and write them when it is
 * full or at text_flush, not after every event.  buf must outlive tx's use. */
void text_use_buffer(struct text *tx, char *buf, size_t cap);
/* From now on, hand each event to q, and drop those that can be dropped
 * while it is over its bound. */
void text_use_queue(struct text *tx, struct outq *q);
/* Write out the buffered events (with a queue: what the reader takes now).
 * Returns false once a write has failed. */
bool text_flush(struct text *tx);
/* Write out everything, with a queue waiting for the reader.  Returns false
 * once a write has failed. */
bool text_drain(struct text *tx);

/* SIGQUIT's answers: always human, to f (stderr), whatever --json says, and
 * not events: they report a state on demand, not something that happened,
 * and no other module takes them.  The running statistics in one line: */
void text_status(FILE *f, const struct ka_machine *m);
/* ... and, with many connections, their table. */
void text_conn_status(FILE *f, const struct ev_conn_row *rows, unsigned n);

#endif
