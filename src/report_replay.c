/* report_replay.c - STUB: to be written. */
#include <stdlib.h>

#include "reportpriv.h"

static void *model_new(const struct report_meta *m)
{
	(void)m;
	return calloc(1, 1);
}

static void render(struct page *p, const void *model, const struct report_meta *m)
{
	(void)model; (void)m;
	page_raw(p, "<p>Not drawn yet.</p>\n");
}

const struct report_kind_ops report_replay_ops = { "replay", "", model_new, render, free };
