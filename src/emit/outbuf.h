/* outbuf.h - a small formatter that appends to an output buffer.
 *
 * Every event kaprobe prints is made of a few kinds of pieces: fixed words,
 * decimal integers, fixed-point decimals, JSON strings.  Formatting them
 * with printf parsed a format string per event and went through
 * vfprintf's general machinery for every number: over 40% of replay's
 * instructions with --json.  Here each piece is appended directly to a
 * buffer, which goes to its stream when full and when flushed.
 *
 * A failed write (stdout closed: EPIPE; a full disk: ENOSPC) is remembered
 * in `failed`, with its errno in `err`; what was
 * buffered is then dropped and later appends are dropped too, so writers
 * need not check after every piece.
 *
 * Instead of a stream, the buffer may hand its bytes to an output queue
 * (outq.h), which writes them without blocking.
 */
#ifndef KAPROBE_OUTBUF_H
#define KAPROBE_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "emit/outq.h"

struct outbuf {
	FILE *f;
	struct outq *q;         /* or, instead of f, this queue */
	char *buf;
	size_t len, cap;
	bool failed;
	int err;                /* the failed write's errno (EIO when unknown;
				 * 0 for a string that did not fit) */
};

/* Append into buf (cap bytes) and write to f.  With f NULL, the buffer is
 * the result (a string being built) and what does not fit is dropped. */
void ob_init(struct outbuf *b, FILE *f, char *buf, size_t cap);
/* From now on, hand what is buffered to q instead of the stream. */
void ob_use_queue(struct outbuf *b, struct outq *q);
/* Hand what is buffered to the stream (stdio buffers it in turn) or the
 * queue. */
void ob_hand(struct outbuf *b);
/* Hand it over and flush the stream, or write what the queue's reader takes
 * now.  Returns false once any write has failed. */
bool ob_flush(struct outbuf *b);

void ob_mem_slow(struct outbuf *b, const char *p, size_t n);

static inline void ob_mem(struct outbuf *b, const char *p, size_t n)
{
	if (n <= b->cap - b->len) {
		memcpy(b->buf + b->len, p, n);
		b->len += n;
	} else {
		ob_mem_slow(b, p, n);
	}
}

static inline void ob_str(struct outbuf *b, const char *s)
{
	ob_mem(b, s, strlen(s));
}

static inline void ob_char(struct outbuf *b, char c)
{
	ob_mem(b, &c, 1);
}

void ob_u64(struct outbuf *b, uint64_t v);
void ob_i64(struct outbuf *b, int64_t v);
/* v / 10^places, with exactly `places` decimals (at most 9): exact, as
 * printf's "%.Nf" of the same value when it is held exactly. */
void ob_fixed(struct outbuf *b, int64_t v, unsigned places);
/* A double with `places` decimals, as printf's "%.*f": for values that are
 * not a whole number of some unit, on rare events only (it uses snprintf). */
void ob_double(struct outbuf *b, double v, int places);
/* printf into the buffer, for rare events whose lines are easier to read
 * as formats (the trace's, the sockets table): at most 511 characters. */
void ob_printf(struct outbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s, then spaces up to `width` characters in all (printf's "%-*s"). */
void ob_pad(struct outbuf *b, const char *s, size_t width);
/* Spaces, then s, `width` characters in all (printf's "%*s"). */
void ob_rpad(struct outbuf *b, const char *s, size_t width);
/* s as a JSON string, quotes included. */
void ob_json_str(struct outbuf *b, const char *s);

#endif
