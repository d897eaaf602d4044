/* profile.c - keep-alive timings of real stacks, and of this host.
 * The numbers and their sources are in docs/KEEPALIVE-FACTS.md. */
#include "tcp/profile.h"

#include "util/errmsg.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define SEC 1000000LL /* ka_time is in microseconds */

static const struct profile {
	const char *name;
	struct ka_config cfg;
} profiles[] = {
	{ "linux", { LINUX_KEEPALIVE_TIME_S * SEC, LINUX_KEEPALIVE_INTVL_S * SEC,
		     LINUX_KEEPALIVE_PROBES, 0 } },
	/* FreeBSD: net.inet.tcp.keepidle/keepintvl, TCPTV_KEEPCNT
	 * (sys/netinet/tcp_timer.h). */
	{ "freebsd", { 7200 * SEC, 75 * SEC, 8, 0 } },
	/* macOS: xnu bsd/netinet/tcp_timer.h, same as FreeBSD. */
	{ "macos", { 7200 * SEC, 75 * SEC, 8, 0 } },
	/* Windows Vista and later: KeepAliveTime 2 h, KeepAliveInterval 1 s,
	 * 10 probes fixed (Microsoft docs, SIO_KEEPALIVE_VALS). */
	{ "windows", { 7200 * SEC, 1 * SEC, 10, 0 } },
};

/* Read one sysctl file of procdir holding a decimal number in [1, INT_MAX]
 * (the kernel keeps these as int or u8), followed by a newline. */
static int read_sysctl(const char *procdir, const char *name, long *out,
		       char *err, size_t errlen)
{
	char path[4096], buf[64];
	size_t n;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", procdir, name);
	f = fopen(path, "r");
	if (!f)
		return errmsg(err, errlen, "cannot read %s: %s", path, strerror(errno));
	n = fread(buf, 1, sizeof buf - 1, f);
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		return errmsg(err, errlen, "cannot read %s: %s", path, strerror(e));
	}
	fclose(f);
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';

	long v = 0;
	size_t i;
	for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9' && v <= INT_MAX; i++)
		v = v * 10 + (buf[i] - '0');
	if (n == 0 || i != n || v < 1 || v > INT_MAX)
		return errmsg(err, errlen, "bad value in %s: '%s' (expected a whole "
			    "number, at least 1)", path, buf);
	*out = v;
	return 0;
}

int profile_apply_from(const char *name, const char *procdir, struct ka_config *cfg,
		       char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
		if (strcmp(name, profiles[i].name) == 0) {
			*cfg = profiles[i].cfg;
			return 0;
		}
	}
	if (strcmp(name, "system") == 0) {
		/* Linux keeps these per network namespace, in seconds
		 * (time, intvl) and a count (probes).  Read all three
		 * before touching cfg, so a failure leaves it unchanged. */
		long idle, intvl, probes;
		if (read_sysctl(procdir, "tcp_keepalive_time", &idle, err, errlen) ||
		    read_sysctl(procdir, "tcp_keepalive_intvl", &intvl, err, errlen) ||
		    read_sysctl(procdir, "tcp_keepalive_probes", &probes, err, errlen))
			return -1;
		cfg->idle = idle * SEC;
		cfg->intvl = intvl * SEC;
		cfg->probes = (unsigned)probes;
		return 0;
	}
	return errmsg(err, errlen, "unknown profile '%s': use linux, freebsd, macos, "
		    "windows or system", name);
}

int profile_apply(const char *name, struct ka_config *cfg, char *err, size_t errlen)
{
	return profile_apply_from(name, "/proc/sys/net/ipv4", cfg, err, errlen);
}
