/* errmsg.h - one-line error messages into a caller's buffer. */
#ifndef KAPROBE_ERRMSG_H
#define KAPROBE_ERRMSG_H

#include <stddef.h>

/* Write a message into err and return -1.  Control characters typed by the
 * user (a pasted newline, say) become '?' so the message stays one line.
 * A NULL or empty buffer is allowed: the message is then dropped. */
__attribute__((format(printf, 3, 4)))
int errmsg(char *err, size_t errlen, const char *fmt, ...);

#endif
