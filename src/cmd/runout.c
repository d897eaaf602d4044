/* runout.c - a run's output and losses (see runout.h). */
#include "cmd/runout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/exitcode.h"

void runout_init(struct runout *o)
{
	*o = (struct runout){ .tx = NULL };
	outq_init(&o->q, STDOUT_FILENO, 0);
}

void runout_open(struct runout *o, struct text *tx, struct engine *e)
{
	o->tx = tx;
	o->e = e;
	fflush(stdout);         /* nothing may overtake what stdio holds */
	outq_watch(&o->q, &e->loop);
	text_use_queue(tx, &o->q);
}

/* One line each, the first time: the counts go on growing, the summary
 * has the last. */
static void warn(struct runout *o)
{
	const char *w = o->e->opt->wfile;

	if (!o->cap_warned && o->e->cap_dropped) {
		o->cap_warned = true;
		fprintf(stderr, "kaprobe: warning: the kernel dropped %" PRIu64 " packets before "
			"kaprobe read them (the capture's buffer was full): the ignored counts%s%s "
			"are incomplete\n", o->e->cap_dropped, w ? " and the -w file " : "",
			w ? w : "");
	}
	if (!o->out_warned && (o->tx->lines_dropped || o->q.nomem)) {
		o->out_warned = true;
		fprintf(stderr, "kaprobe: warning: stdout is read too slowly (%u MiB wait): lines "
			"other than verdicts, summaries, errors and findings are dropped, and "
			"counted in the summary\n", (unsigned)(o->q.bound >> 20));
	}
}

bool runout_flush(struct runout *o)
{
	bool ok = text_flush(o->tx);

	warn(o);
	return ok;
}

struct ev_drops runout_drops(struct runout *o)
{
	if (!o->e)              /* not open: nothing was captured */
		return (struct ev_drops){ 0 };
	engine_read_drops(o->e);
	return (struct ev_drops){ .dropped = o->e->cap_dropped,
				  .if_dropped = o->e->cap_if_dropped };
}

void runout_close(struct runout *o)
{
	if (o->e) {
		engine_read_drops(o->e);
		warn(o);
		text_drain(o->tx);
		text_use_queue(o->tx, NULL);
		o->e = NULL;
	}
	outq_free(&o->q);
}

int stdout_error(int err)
{
	return err == EPIPE || err == ECONNRESET ? 0 : err;
}

int stdout_failed(int err)
{
	fprintf(stderr, "kaprobe: cannot write standard output: %s\n", strerror(err));
	return EXIT_IOERR;
}

int runout_error(const struct runout *o)
{
	return stdout_error(o->q.err);
}

int runout_status(const struct runout *o, const struct engine *e, int rc)
{
	int err = runout_error(o);

	if (!err || (e->failed && e->status == EXIT_IOERR))
		return rc;      /* none, or said already by engine_fail */
	rc = e->failed ? rc : EXIT_IOERR;
	stdout_failed(err);
	return rc;
}
