/* outq.h - output that never blocks the event loop: a bounded queue in
 * front of a descriptor, written as the reader takes it.
 *
 * A reader slower than kaprobe's output (a terminal over SSH, `| less`
 * left alone, a pager) used to block the write, and with it the loop: a
 * probe due at 2 s went out at 35 s.  Here lines are queued, written with
 * non-blocking writes before the loop sleeps, and the rest waits for the
 * descriptor to be writable again (EPOLLOUT on the loop), as Redis's ae.c
 * keeps a client's output buffer.
 *
 * How the writes are kept from blocking depends on what stdout is, since
 * O_NONBLOCK belongs to the open file description, which a terminal or a
 * pipe shares with the shell and the other commands of a pipeline:
 *   - a pipe, a FIFO, a terminal (any character device): the descriptor is
 *     opened anew through /proc/self/fd, a description of kaprobe's own,
 *     made non-blocking; the shell's stays as it was;
 *   - a socket: send(2) with MSG_DONTWAIT, per call;
 *   - a regular file (or a reopening that failed): plain writes, which a
 *     disk finishes without waiting for anyone.
 *
 * The queue is bounded: past OUTQ_BOUND bytes waiting, the caller drops
 * whatever it can do without (outq_over) and counts it; what it must keep
 * (verdicts, summaries) is queued anyway.  At the end of a run outq_drain
 * waits for the reader to take everything.
 */
#ifndef KAPROBE_OUTQ_H
#define KAPROBE_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/evloop.h"

/* Bytes waiting before lines that can be dropped are: at 1 MB/s, a minute
 * of a reader's lag; at some 150 bytes a line, 400,000 lines. */
#define OUTQ_BOUND (64u << 20)

enum outq_mode {
	OUTQ_PLAIN,     /* write(2), which may block (a regular file) */
	OUTQ_OWN_FD,    /* a non-blocking description of our own */
	OUTQ_SEND,      /* send(2) with MSG_DONTWAIT */
};

struct outq {
	int fd;                 /* what is written to */
	enum outq_mode mode;
	char *buf;              /* waiting: buf[head .. head + len) */
	size_t head, len, cap;
	size_t bound;           /* outq_over past this many bytes */
	int err;                /* errno of the write that failed (EPIPE), or 0 */
	bool nomem;             /* some output could not be queued */
	/* The loop that wakes us when fd is writable (NULL: none); io is
	 * watched only while something waits. */
	struct evloop *loop;
	struct ev_io io;
	bool watched;
};

/* Queue output for fd (not taken over: fd stays open after outq_free),
 * bounded at bound bytes (0: OUTQ_BOUND). */
void outq_init(struct outq *q, int fd, size_t bound);
void outq_free(struct outq *q);
/* Wake loop when fd becomes writable while output waits. */
void outq_watch(struct outq *q, struct evloop *loop);

/* Queue n bytes.  False when out of memory (they are lost; q->nomem). */
bool outq_push(struct outq *q, const void *p, size_t n);
/* Whether lines that can be dropped should be. */
static inline bool outq_over(const struct outq *q)
{
	return q->len >= q->bound;
}
static inline size_t outq_pending(const struct outq *q)
{
	return q->len;
}

/* Write what the descriptor takes now, without waiting; watch for
 * writability while something is left.  Returns 0 when all is written, 1
 * when some waits, -1 when a write failed (q->err; what waits is dropped). */
int outq_write(struct outq *q);
/* Write everything, waiting for the reader as long as it takes.  Returns 0
 * or -1 (q->err). */
int outq_drain(struct outq *q);

#endif
