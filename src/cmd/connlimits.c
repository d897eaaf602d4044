/* connlimits.c - what many connections need from the system (see
 * connlimits.h). */
#include "cmd/connlimits.h"

#include <stdio.h>
#include <sys/resource.h>

#include "util/exitcode.h"

int conn_limits(unsigned n, unsigned most)
{
	struct rlimit rl;
	unsigned need = n + 32, lo = 32768, hi = 60999;
	FILE *f;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need) {
		rl.rlim_cur = rl.rlim_max < need ? rl.rlim_max : need;
		setrlimit(RLIMIT_NOFILE, &rl);
		if (rl.rlim_cur < need) {
			fprintf(stderr, "kaprobe: %u connections need %u descriptors, but the hard "
				"limit is %lu (ulimit -Hn): fewer connections, or a higher limit\n",
				n, need, (unsigned long)rl.rlim_max);
			return EXIT_USAGE;
		}
	}
	if ((f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r"))) {
		if (fscanf(f, "%u %u", &lo, &hi) != 2)
			lo = 32768, hi = 60999;
		fclose(f);
	}
	if (hi >= lo && most > hi - lo + 1) {
		fprintf(stderr, "kaprobe: %u connections to one destination need as many local "
			"ports, but net.ipv4.ip_local_port_range gives %u (%u-%u): fewer "
			"connections, a wider range, or several kaprobes with their own source "
			"addresses\n", most, hi - lo + 1, lo, hi);
		return EXIT_USAGE;
	}
	return 0;
}
