/* profile.h - keep-alive timings of real stacks (docs/KEEPALIVE-FACTS.md).
 *
 *   linux    7200 s / 75 s / 9   (tcp_keepalive_time/intvl/probes defaults)
 *   freebsd  7200 s / 75 s / 8   (net.inet.tcp.keepidle/keepintvl, TCPTV_KEEPCNT)
 *   macos    7200 s / 75 s / 8   (xnu, same as FreeBSD)
 *   windows  7200 s /  1 s / 10  (Vista and later; count fixed)
 *   system   this host's /proc/sys/net/ipv4/tcp_keepalive_{time,intvl,probes}
 */
#ifndef KAPROBE_PROFILE_H
#define KAPROBE_PROFILE_H

#include <stddef.h>

#include "tcp/keepalive.h"

/* Linux's defaults, net.ipv4.tcp_keepalive_time/intvl/probes
 * (include/net/tcp.h TCP_KEEPALIVE_TIME/INTVL/PROBES). */
#define LINUX_KEEPALIVE_TIME_S 7200
#define LINUX_KEEPALIVE_INTVL_S 75
#define LINUX_KEEPALIVE_PROBES 9

/* Fill cfg with the named profile.  Returns 0, or -1 with err. */
int profile_apply(const char *name, struct ka_config *cfg, char *err, size_t errlen);

/* The same, reading "system" values from a directory other than
 * /proc/sys/net/ipv4 (for tests). */
int profile_apply_from(const char *name, const char *procdir, struct ka_config *cfg,
		       char *err, size_t errlen);

#endif
