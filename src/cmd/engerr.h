/* engerr.h - the engine's errors on stderr.  The engine writes the reason
 * into e->err and prints nothing (engine.h); the planners print it here,
 * as the one line kaprobe says for it. */
#ifndef KAPROBE_ENGERR_H
#define KAPROBE_ENGERR_H

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

#endif
