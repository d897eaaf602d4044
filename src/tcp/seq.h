/* seq.h - TCP sequence-number arithmetic that survives 2^32 wrap-around.
 *
 * Sequence numbers are compared modulo 2^32 (RFC 9293 3.4): a is "before" b
 * when the signed 32-bit distance from a to b is positive.  Every comparison
 * of sequence or acknowledgment numbers in kaprobe goes through these.
 */
#ifndef KAPROBE_SEQ_H
#define KAPROBE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* Signed distance b - a, in the range [-2^31, 2^31). */
static inline int32_t seq_diff(uint32_t b, uint32_t a) { return (int32_t)(b - a); }
static inline bool seq_lt(uint32_t a, uint32_t b) { return seq_diff(b, a) > 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return seq_diff(b, a) >= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return seq_lt(b, a); }
static inline bool seq_geq(uint32_t a, uint32_t b) { return seq_leq(b, a); }
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_lt(a, b) ? b : a; }
/* lo <= x < hi, modulo 2^32 (an empty window when lo == hi). */
static inline bool seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return (uint32_t)(x - lo) < (uint32_t)(hi - lo);
}

#endif
