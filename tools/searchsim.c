/* searchsim.c - what the audit's idle search (tcp/idlesched.h) costs for a
 * path that forgets idle flows after T, or whose peer closes them after T:
 * wall time against the goal of 2 T + 30 s (issue 22), connections, and
 * the bracket, on a simulated clock (tests/lib/idlesim.c).  For
 * `make bench`, for the timeouts no test waits for.
 *
 *   searchsim [-cv] [-a AT_ONCE] [-g GAP_S] [-m MAX_IDLE_S] [-n CONNS] [-p PERMILLE]
 *             [-r RESOLUTION_S] T_S...
 *
 * -c: the peer closes (an endpoint timeout) instead of a box forgetting;
 * -a: questions asked at once after round 1 (isched_cfg.at_once);
 * -g: measuring probes leave at least GAP_S apart (a hop's ICMP rate limit:
 *     `-g 1 -a 2 -p 0` is `trace --timeouts`, see src/cmd/tracetmo.c);
 * -v: every order and measurement as it happens.
 * Defaults are the audit's: --max-idle 7440, --max-conns and
 * --resolution as kaprobe audit --help says. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd/command.h"
#include "idlesim.h"

int main(int argc, char **argv)
{
	struct isched_cfg cfg = { .b = { 300000, RFC5382_IDLE_US, DEFAULT_RESOLUTION_US, 10 },
				  .cap = DEFAULT_AUDIT_CONNS };
	bool close = false, verbose = false;
	ka_time gap = 0;
	int c;

	while ((c = getopt(argc, argv, "a:cg:m:n:p:r:v")) != -1) {
		switch (c) {
		case 'a': cfg.at_once = (unsigned)atoi(optarg); break;
		case 'c': close = true; break;
		case 'g': gap = cfg.gap = (ka_time)(atof(optarg) * 1e6); break;
		case 'm': cfg.b.longest = (ka_time)(atof(optarg) * 1e6); break;
		case 'n': cfg.cap = (unsigned)atoi(optarg); break;
		case 'p': cfg.b.permille = (unsigned)atoi(optarg); break;
		case 'v': verbose = true; break;
		case 'r': cfg.b.resolution = (ka_time)(atof(optarg) * 1e6); break;
		default:
			fprintf(stderr, "usage: searchsim [-cv] [-a AT_ONCE] [-g GAP_S] [-m MAX_IDLE_S] "
				"[-n CONNS] [-p PERMILLE] [-r RESOLUTION_S] T_S...\n");
			return 64;
		}
	}
	printf("%10s %10s %10s %8s %10s %10s %6s %6s %6s %6s %6s\n", "T_s", "wall_s", "goal_s",
	       "ratio", "alive_s", "dead_s", "conns", "open", "rounds", "meas", "late");
	for (int i = optind; i < argc; i++) {
		ka_time t = (ka_time)(atof(argv[i]) * 1e6);
		struct idlesim_path p = { .rtt = 1000, .gap = gap, .trace = verbose ? stdout : NULL };
		struct idlesim_result r;
		double goal = 2 * t / 1e6 + 30;

		*(close ? &p.close : &p.forget) = t;
		idlesim_run(&cfg, &p, &r);
		printf("%10.1f %10.1f %10.1f %8.2f %10.3f %10.3f %6u %6u %6u %6u %6u\n", t / 1e6,
		       r.wall / 1e6, goal, r.wall / 1e6 / goal, r.f.f.alive / 1e6,
		       (r.f.close ? r.f.close : r.f.f.dead) / 1e6, r.opened, r.max_open, r.rounds,
		       r.measured, r.late);
	}
	return 0;
}
