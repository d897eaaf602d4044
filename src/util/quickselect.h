/* quickselect.h - the k-th smallest of an array, in linear time on
 * average: replay picks the flows to evict with it (--max-flows). */
#ifndef KAPROBE_QUICKSELECT_H
#define KAPROBE_QUICKSELECT_H

#include <stdint.h>

/* The k-th smallest (from 0) of v[0..n), k < n; v is reordered. */
int64_t quickselect(int64_t *v, uint32_t n, uint32_t k);

#endif
