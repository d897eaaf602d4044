/* shape.h - a probe's shape: what a planner changes in the kernel's own
 * probe (conn_probe_spec) before it leaves.  Apart from engine.h, so that
 * the probe kinds (variant.h) do not pull the whole engine in. */
#ifndef KAPROBE_SHAPE_H
#define KAPROBE_SHAPE_H

struct conn;
struct probe_spec;

/* Shapes a probe from the kernel's own (conn_probe_spec), or NULL. */
typedef void (*eng_shape_fn)(const struct conn *c, struct probe_spec *s);

#endif
