/* pathjson.h - a path's idle timeout from an audit's or a trace's --json
 * output, for `kaprobe sockets --from FILE`.
 *
 * The audit's "idle-timeout" event brackets the timeout (alive_s, dead_s]:
 * a connection idle alive_s survived, one idle dead_s did not.  The trace's
 * "hop-timeout" events do the same hop by hop.  The timeout used is the
 * bracket's lower bound, the longest idle known to survive (the shortest
 * over every finding): every idle below it is known safe, and one above
 * may not be.  An audit whose kind is "endpoint-close" says the peer
 * closes idle connections itself, which keep-alive cannot prevent. */
#ifndef KAPROBE_PATHJSON_H
#define KAPROBE_PATHJSON_H

#include "tcp/sockjudge.h"

/* One line of such output: 1 when it is a finding with a lower bound (*p
 * set from it), 0 when it is no finding (another event, no timeout within
 * --max-idle, a masked hop), -1 when it is a finding without a lower
 * bound (the shortest idle tried was already too long). */
int path_json_line(const char *line, struct path_timeout *p);

/* Fold finding p into the shortest so far, *acc (timeout_us 0: none
 * yet). */
void path_json_fold(struct path_timeout *acc, const struct path_timeout *p);

#endif
