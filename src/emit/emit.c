/* emit.c - hand each event to the modules that take it (see emit.h). */
#include "emit/emit.h"

void emit_init(struct emitter *em)
{
	*em = (struct emitter){ .n = 0 };
}

bool emit_attach(struct emitter *em, const struct out_module *m, void *self)
{
	uint64_t wants = 0;

	if (em->n == EMIT_MAX_MODULES)
		return false;
	for (int k = 0; k < EV_COUNT; k++)
		if (m->wants(self, (enum ev_kind)k))
			wants |= UINT64_C(1) << k;
	em->mod[em->n].m = m;
	em->mod[em->n].self = self;
	em->mod[em->n].wants = wants;
	em->n++;
	em->wants |= wants;
	return true;
}

void emit(const struct emitter *em, const struct event *ev)
{
	uint64_t bit = UINT64_C(1) << ev->kind;

	for (unsigned i = 0; i < em->n; i++)
		if (em->mod[i].wants & bit)
			em->mod[i].m->event(em->mod[i].self, ev);
}
