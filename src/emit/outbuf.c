/* outbuf.c - appending text pieces to an output buffer (see outbuf.h). */
#include "emit/outbuf.h"

#include <errno.h>
#include <stdarg.h>

/* The first failure is the one kept. */
static void fail(struct outbuf *b, int err)
{
	if (!b->failed)
		b->err = err ? err : EIO;
	b->failed = true;
}

void ob_init(struct outbuf *b, FILE *f, char *buf, size_t cap)
{
	*b = (struct outbuf){ .f = f, .buf = buf, .cap = cap };
}

void ob_use_queue(struct outbuf *b, struct outq *q)
{
	if (b->len)
		ob_hand(b);
	b->q = q;
}

void ob_hand(struct outbuf *b)
{
	if (b->q) {
		/* Out of memory: the bytes are lost, the queue says so (nomem). */
		if (b->len)
			outq_push(b->q, b->buf, b->len);
		b->len = 0;
		return;
	}
	if (!b->f)              /* formatting into memory: what does not fit is lost */
		b->failed = true;
	errno = 0;
	if (b->len && !b->failed && fwrite(b->buf, 1, b->len, b->f) != b->len)
		fail(b, errno);
	b->len = 0;
}

bool ob_flush(struct outbuf *b)
{
	ob_hand(b);
	if (b->q) {
		if (outq_write(b->q) < 0)
			fail(b, b->q->err);
		return !b->failed;
	}
	errno = 0;
	if (!b->failed && fflush(b->f) == EOF)
		fail(b, errno);
	return !b->failed;
}

/* Too big for what is left: flush, then take it in buffer-sized pieces. */
void ob_mem_slow(struct outbuf *b, const char *p, size_t n)
{
	if (!b->f && !b->q) {   /* a string being built: keep what fits */
		memcpy(b->buf + b->len, p, b->cap - b->len);
		b->len = b->cap;
		return;
	}
	while (n > 0) {
		size_t room;

		if (b->len == b->cap)
			ob_hand(b);
		room = b->cap - b->len;
		if (room > n)
			room = n;
		memcpy(b->buf + b->len, p, room);
		b->len += room;
		p += room;
		n -= room;
	}
}

/* The digits of v, right-aligned in the 20 bytes before end, two at a
 * time. */
static char *digits(uint64_t v, char *end)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";

	while (v >= 100) {
		unsigned d = (unsigned)(v % 100) * 2;

		v /= 100;
		*--end = pairs[d + 1];
		*--end = pairs[d];
	}
	if (v >= 10) {
		*--end = pairs[v * 2 + 1];
		*--end = pairs[v * 2];
	} else {
		*--end = (char)('0' + v);
	}
	return end;
}

/* From the bit length: log10(2) ~ 1233 / 4096, then one comparison. */
static unsigned digit_count(uint64_t v)
{
	static const uint64_t pow10[20] = {
		1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
		100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
		1000000000000ull, 10000000000000ull, 100000000000000ull,
		1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
		1000000000000000000ull, 10000000000000000000ull,
	};
	unsigned t;

	if (v < 10)
		return 1;
	t = (unsigned)((64 - __builtin_clzll(v)) * 1233) >> 12;
	return t + 1 - (v < pow10[t]);
}

void ob_u64(struct outbuf *b, uint64_t v)
{
	char tmp[20], *p;

	if (b->cap - b->len >= 20) {  /* straight into the buffer */
		unsigned n = digit_count(v);

		digits(v, b->buf + b->len + n);
		b->len += n;
		return;
	}
	p = digits(v, tmp + sizeof tmp);
	ob_mem(b, p, (size_t)(tmp + sizeof tmp - p));
}

/* |v| as unsigned, INT64_MIN included. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

void ob_i64(struct outbuf *b, int64_t v)
{
	if (v < 0)
		ob_char(b, '-');
	ob_u64(b, magnitude(v));
}

void ob_fixed(struct outbuf *b, int64_t v, unsigned places)
{
	static const uint32_t pow10[] = {
		1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
	};
	uint64_t m = magnitude(v), unit;
	char tmp[16], *end = tmp + sizeof tmp, *p;

	if (places > 9)
		places = 9;
	unit = pow10[places];
	if (v < 0)
		ob_char(b, '-');
	ob_u64(b, m / unit);
	if (!places)
		return;
	/* The fraction with its leading zeros: digits of unit + fraction,
	 * less the leading 1. */
	p = digits(unit + m % unit, end);
	*p = '.';
	ob_mem(b, p, (size_t)(end - p));
}

void ob_double(struct outbuf *b, double v, int places)
{
	char tmp[352];   /* the widest double, %.9f: 309 digits and change */
	int n = snprintf(tmp, sizeof tmp, "%.*f", places, v);

	if (n > 0)
		ob_mem(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void ob_printf(struct outbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		ob_mem(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void ob_pad(struct outbuf *b, const char *s, size_t width)
{
	size_t n = strlen(s);

	ob_mem(b, s, n);
	for (; n < width; n++)
		ob_char(b, ' ');
}

void ob_rpad(struct outbuf *b, const char *s, size_t width)
{
	for (size_t n = strlen(s); n < width; n++)
		ob_char(b, ' ');
	ob_str(b, s);
}

/* Everything kaprobe prints is ASCII it made itself (addresses, fixed
 * words), but strings are escaped anyway: a notice's text may quote an
 * interface or file name, which is the user's. */
void ob_json_str(struct outbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	ob_char(b, '"');
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c != '"' && c != '\\' && c >= 0x20)
			continue;
		ob_mem(b, run, (size_t)(p - run));
		if (c >= 0x20) {
			char esc[2] = { '\\', (char)c };

			ob_mem(b, esc, 2);
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			ob_mem(b, esc, 6);
		}
		run = p + 1;
	}
	ob_str(b, run);
	ob_char(b, '"');
}
