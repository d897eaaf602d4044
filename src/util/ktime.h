/* ktime.h - kaprobe's one time type: microseconds on the driver's clock
 * (the monotonic clock live, capture timestamps in replay).  Apart from
 * the state machine so that a header needing only a time (a capture
 * reader, the event loop) does not pull the machine in. */
#ifndef KAPROBE_KTIME_H
#define KAPROBE_KTIME_H

#include <stdint.h>

typedef int64_t ka_time; /* microseconds */

#define KA_NEVER INT64_MAX

#endif
