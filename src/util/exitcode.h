/* exitcode.h - kaprobe's exit statuses, documented in --help and README.
 * The usage, software and privilege codes are sysexits(3)'s. */
#ifndef KAPROBE_EXITCODE_H
#define KAPROBE_EXITCODE_H

#include <sysexits.h>

enum {
	EXIT_ALIVE = 0,        /* answered (or, for -c, every round answered) */
	EXIT_DEAD = 1,         /* --probes probes unanswered (or unreachable) */
	EXIT_RESET = 2,        /* the peer reset the connection */
	EXIT_NOCONNECT = 3,    /* name, route, refused or timed out */
	EXIT_INTERRUPTED = 4,  /* a signal came before any verdict */
	/* The peer closed the connection on its own: an endpoint's or a
	 * proxy's idle timeout, which keep-alive cannot refresh. */
	EXIT_CLOSED = 5,
	EXIT_USAGE = EX_USAGE,        /* 64 */
	EXIT_DATAERR = EX_DATAERR,    /* 65: replay: not a readable capture */
	EXIT_NOINPUT = EX_NOINPUT,    /* 66: replay: the file cannot be opened */
	EXIT_CANTCREAT = EX_CANTCREAT, /* 73: -w file cannot be written */
	EXIT_UNAVAILABLE = EX_UNAVAILABLE, /* 69: watch --listen cannot listen */
	EXIT_SOFTWARE = EX_SOFTWARE,  /* 70 */
	/* 74: --report, or standard output (not a reader gone away, as
	 * `| head`: that ends a run quietly), could not be written */
	EXIT_IOERR = EX_IOERR,
	EXIT_NOPERM = EX_NOPERM,      /* 77 */
};

#endif
