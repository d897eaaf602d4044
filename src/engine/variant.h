/* variant.h - the kinds of keep-alive probe kaprobe can send, each a change
 * to the kernel's own probe (conn_probe_spec), in the manner of zmap's
 * probe modules.  The audit sends each (its variant phase, in the table's
 * order); `kaprobe trace` follows the ones asked for. */
#ifndef KAPROBE_VARIANT_H
#define KAPROBE_VARIANT_H

#include <stdbool.h>

#include "engine/shape.h"

struct variant {
	const char *name;
	bool standard;          /* a kind standard stacks send */
	eng_shape_fn shape;     /* from the kernel's own probe; NULL: as it is */
};

extern const struct variant variant_table[];
extern const unsigned variant_count;

/* The kind with this name, or NULL. */
const struct variant *variant_find(const char *name);

#endif
