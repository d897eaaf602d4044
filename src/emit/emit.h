/* emit.h - one stream of events (event.h), many output modules.
 *
 * An output module is a struct of callbacks, as zmap's output modules are:
 * which kinds of event it takes, and what it does with one.  The planners
 * attach the modules a run asks for (the text/JSON stream always, the HTML
 * report with --report) and call emit() for every event; emit() hands it to
 * each module that takes its kind.  Modules never print to stderr: the
 * stream writes stdout, the report its file.
 *
 * emit_wants() says whether any module takes a kind, so that a planner
 * skips preparing an event nobody takes (replay's hot path: formatting an
 * address for a reply that -q hides was a sixth of its time).  A module
 * says what it wants once, when attached, so the answer is one bit test
 * (64 kinds at most: event.h).
 */
#ifndef KAPROBE_EMIT_H
#define KAPROBE_EMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "emit/event.h"

struct out_module {
	const char *name;
	/* Whether it takes events of kind k; asked once per kind at attach. */
	bool (*wants)(const void *self, enum ev_kind k);
	void (*event)(void *self, const struct event *ev);
};

/* The stream and the report, and room for what comes next (metrics). */
#define EMIT_MAX_MODULES 4

struct emitter {
	uint64_t wants;         /* bit k: some module takes kind k */
	unsigned n;
	struct {
		const struct out_module *m;
		void *self;
		uint64_t wants;
	} mod[EMIT_MAX_MODULES];
};

void emit_init(struct emitter *em);
/* Attach module m, its state self.  Returns false when full. */
bool emit_attach(struct emitter *em, const struct out_module *m, void *self);
/* Hand ev to every module that takes its kind. */
void emit(const struct emitter *em, const struct event *ev);

static inline bool emit_wants(const struct emitter *em, enum ev_kind k)
{
	return em->wants >> k & 1;
}

#endif
