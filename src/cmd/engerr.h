/* engerr.h - the engine's errors on stderr.  The engine writes the reason
 * into e->err and prints nothing (engine.h); the planners print it here,
 * as the one line kaprobe says for it. */
#ifndef KAPROBE_ENGERR_H
#define KAPROBE_ENGERR_H

#include <errno.h>
#include <stdio.h>

#include "engine/engine.h"

/* Print e->err; returns status, for `return print_engine_error(e, rc)`. */
static inline int print_engine_error(const struct engine *e, int status)
{
	fprintf(stderr, "kaprobe: %s\n", e->err);
	return status;
}

/* After a run: its failure, if engine_fail stopped it. */
static inline void print_engine_failure(const struct engine *e)
{
	if (e->failed)
		print_engine_error(e, 0);
}

/* A connection's reason for no-connection, from connect(2)'s errno (live
 * and watch). */
static inline const char *connect_reason(int err)
{
	return err == ECONNREFUSED ? "refused" : err == ETIMEDOUT ? "timeout"
	       : err == ENETUNREACH || err == EHOSTUNREACH ? "unreachable"
	       : err == ECONNRESET ? "reset" : err == ENG_ERR_UNSEEN ? "unseen" : "error";
}

#endif
