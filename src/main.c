/* main.c - kaprobe's command line: options in, a driver run, a status out.
 *
 * Every value is checked here, with one precise line on stderr and exit 64
 * for anything wrong, before any socket is opened. */
#include <getopt.h>
#include <libnet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "exitcode.h"
#include "live.h"
#include "parse.h"
#include "profile.h"

#define KAPROBE_VERSION "0.1.0"

/* Linux's own limits for the per-socket values (TCP_KEEPIDLE and
 * TCP_KEEPINTVL 1..32767 s, TCP_KEEPCNT 1..127); kaprobe also allows
 * sub-second idle and interval, which only a user-space prober can do. */
#define MIN_TIME_US 1000LL
#define MAX_TIME_US (32767LL * 1000000)
#define MAX_PROBES 127
/* A zero-length probe is out of window: Linux answers it at most once per
 * net.ipv4.tcp_invalid_ratelimit (500 ms) per socket. */
#define RATELIMIT_US 500000

static const char usage_text[] =
"usage: kaprobe [options] HOST:PORT\n"
"\n"
"Open a TCP connection to HOST:PORT and, once it is idle, send the keep-alive\n"
"probes Linux would send, reporting like ping whether and how the peer answers.\n"
"HOST is an IPv4 address, [an IPv6 address] or a name.  Needs CAP_NET_RAW.\n"
"\n"
"Keep-alive timing (as Linux's net.ipv4.tcp_keepalive_*):\n"
"  --idle DURATION     idle time before the first probe (default 1s)\n"
"  --intvl DURATION    time between unanswered probes (default 1s)\n"
"  --probes N          unanswered probes before the peer is dead, 1-127 (default 3)\n"
"  --profile NAME      timings of a real stack: linux (2h/75s/9), freebsd and macos\n"
"                      (2h/75s/8), windows (2h/1s/10), or system (this host's\n"
"                      /proc/sys/net/ipv4/tcp_keepalive_*); --idle, --intvl and\n"
"                      --probes given as well override it\n"
"  DURATION is 500ms, 30s, 2m, 2h or a bare number of seconds (1ms to 32767s).\n"
"\n"
"Probing:\n"
"  -c, --count N       stop after N answered rounds (default: until dead, reset\n"
"                      or interrupted)\n"
"  -i, --interface IF  capture and send on IF instead of the routed interface\n"
"      --garbage-byte  send one octet of data in each probe (RFC 1122 variant)\n"
"  -4, -6              use IPv4 or IPv6 only when HOST is a name\n"
"      --connect-timeout DURATION  give up connecting after this (default 5s)\n"
"\n"
"Output:\n"
"  -w, --write FILE    write every packet of the flow (handshake, probes,\n"
"                      replies, ICMP errors) to a pcap file\n"
"      --json          JSON lines: connect, probe, reply, verdict, summary\n"
"  -q, --quiet         only the verdict and the summary\n"
"  -h, --help          this text;  -V, --version  the version\n"
"\n"
"Signals: SIGINT/SIGTERM print the summary and stop; SIGQUIT prints statistics.\n"
"\n"
"Exit status: 0 alive (answered), 1 dead or unreachable (or interrupted with\n"
"the last round unanswered), 2 reset by the peer, 3 could not connect (name,\n"
"route, refused, timed out), 64 usage error, 70 internal error, 73 -w file\n"
"cannot be written, 77 missing privilege (CAP_NET_RAW).\n";

enum {
	OPT_IDLE = 256, OPT_INTVL, OPT_PROBES, OPT_PROFILE, OPT_JSON,
	OPT_GARBAGE, OPT_CONNECT_TIMEOUT,
};

static const struct option longopts[] = {
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "intvl", required_argument, NULL, OPT_INTVL },
	{ "probes", required_argument, NULL, OPT_PROBES },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "count", required_argument, NULL, 'c' },
	{ "interface", required_argument, NULL, 'i' },
	{ "write", required_argument, NULL, 'w' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, 'q' },
	{ "garbage-byte", no_argument, NULL, OPT_GARBAGE },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *msg)
{
	fprintf(stderr, "kaprobe: %s (see kaprobe --help)\n", msg);
	return EXIT_USAGE;
}

/* Explicit timing flags, kept apart so that they override --profile
 * whichever order they were given in. */
struct timing {
	int64_t idle, intvl;
	long probes;
	const char *profile;
};

static int parse_args(int argc, char **argv, struct live_opts *o, struct timing *tm)
{
	char err[256];
	int c;

	/* getopt's own messages would make a second line: report here. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:i:w:q46hV", longopts, NULL)) != -1) {
		int rc = 0;

		switch (c) {
		case OPT_IDLE:
			rc = parse_duration(optarg, MIN_TIME_US, MAX_TIME_US, &tm->idle, err, sizeof err);
			break;
		case OPT_INTVL:
			rc = parse_duration(optarg, MIN_TIME_US, MAX_TIME_US, &tm->intvl, err, sizeof err);
			break;
		case OPT_PROBES:
			rc = parse_count(optarg, 1, MAX_PROBES, &tm->probes, err, sizeof err);
			break;
		case OPT_CONNECT_TIMEOUT:
			rc = parse_duration(optarg, MIN_TIME_US, MAX_TIME_US, &o->connect_timeout,
					    err, sizeof err);
			break;
		case OPT_PROFILE: tm->profile = optarg; break;
		case 'c': rc = parse_count(optarg, 1, 1000000000L, &o->count, err, sizeof err); break;
		case 'i': o->iface = optarg; break;
		case 'w': o->wfile = optarg; break;
		case 'q': o->quiet = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_GARBAGE: o->garbage = true; break;
		case '4': o->family = AF_INET; break;
		case '6': o->family = AF_INET6; break;
		case 'h': fputs(usage_text, stdout); exit(0);
		case 'V':
			printf("kaprobe %s (%s, %s)\n", KAPROBE_VERSION, pcap_lib_version(),
			       libnet_version());
			exit(0);
		case ':':
			snprintf(err, sizeof err, "option '%s' needs a value", argv[optind - 1]);
			return usage_error(err);
		default:
			/* A known long option given a value it does not take
			 * sets optopt; an unknown one leaves it 0. */
			if (strncmp(argv[optind - 1], "--", 2) == 0)
				snprintf(err, sizeof err, optopt ? "option '%s' takes no value"
					 : "unknown option '%s'", argv[optind - 1]);
			else
				snprintf(err, sizeof err, "unknown option '-%c'", optopt);
			return usage_error(err);
		}
		if (rc < 0)
			return usage_error(err);
	}
	if (optind == argc)
		return usage_error("missing HOST:PORT");
	if (strcmp(argv[optind], "replay") == 0 || strcmp(argv[optind], "audit") == 0) {
		fprintf(stderr, "kaprobe: '%s' is not available in this version\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		snprintf(err, sizeof err, "unexpected argument '%s' after %s", argv[optind + 1],
			 argv[optind]);
		return usage_error(err);
	}
	o->target = argv[optind];
	return 0;
}

static int resolve_timing(struct live_opts *o, const struct timing *tm)
{
	char err[256];

	if (tm->profile && profile_apply(tm->profile, &o->cfg, err, sizeof err) < 0) {
		fprintf(stderr, "kaprobe: %s\n", err);
		return EXIT_USAGE;
	}
	if (tm->idle)
		o->cfg.idle = tm->idle;
	if (tm->intvl)
		o->cfg.intvl = tm->intvl;
	if (tm->probes)
		o->cfg.probes = (unsigned)tm->probes;
	if (o->cfg.intvl < RATELIMIT_US && o->cfg.probes > 1)
		fprintf(stderr, "kaprobe: warning: --intvl under 500ms: a Linux peer answers "
			"zero-length probes at most once per net.ipv4.tcp_invalid_ratelimit "
			"(500ms), so some probes will look lost when they are not\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct live_opts o = {
		.cfg = { .idle = 1000000, .intvl = 1000000, .probes = 3 },
		.family = AF_UNSPEC,
		.connect_timeout = 5000000,
	};
	struct timing tm = { 0 };
	int rc;

	/* Line-buffered even into a pipe: a reader sees each event as it
	 * happens, not when the run ends. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	rc = parse_args(argc, argv, &o, &tm);
	if (rc == 0)
		rc = resolve_timing(&o, &tm);
	if (rc == 0)
		rc = live_run(&o);
	return rc;
}
