/* cmd_watch.c - `kaprobe watch`: its options, defaults and help (the run
 * is watch.c's). */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/command.h"
#include "cmd/live.h"
#include "cmd/watch.h"
#include "net/target.h"
#include "util/exitcode.h"
#include "util/parse.h"

#define MAX_CONNECT_RATE 100000
#define MAX_BACKOFF_US (24LL * 3600 * 1000000)

static const struct watch_opts defaults = {
	.family = AF_UNSPEC,
	.connect_timeout = DEFAULT_CONNECT_TIMEOUT_US,
	.conns = 1,
	.connect_rate = 200,
	.backoff_min = WATCH_BACKOFF_MIN_US,
	.backoff_max = WATCH_BACKOFF_MAX_US,
};

enum { OPT_LISTEN = 512, OPT_LADDER, OPT_BACKOFF, OPT_CHECK };

static const struct option longopts[] = {
	CMD_TIMING_OPTIONS,
	CMD_HEARTBEAT_OPTIONS,
	{ "interface", required_argument, NULL, 'i' },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ "file", required_argument, NULL, 'f' },
	{ "conns", required_argument, NULL, OPT_CONNS },
	{ "connect-rate", required_argument, NULL, OPT_CONNECT_RATE },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "idle-ladder", required_argument, NULL, OPT_LADDER },
	{ "backoff", required_argument, NULL, OPT_BACKOFF },
	{ "check", required_argument, NULL, OPT_CHECK },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_usage usage[] = {
	{ "[options] HOST:PORT", "hold idle connections for days, export metrics" },
	{ NULL, NULL },
};

static void help(FILE *f)
{
	const struct watch_opts *d = &defaults;

	fprintf(f, "\n"
"Also: kaprobe watch [options] -f FILE, and kaprobe watch --check FILE.\n"
"\n"
"Hold connections to each target open and idle for as long as kaprobe runs,\n"
"keep them alive as this host's kernel would (or as told), record each one\n"
"that dies (dead, reset, closed, unreachable) with how long it lived, and\n"
"replace it after a back-off.  Events go to stdout (--json: JSON lines);\n"
"with --listen, Prometheus metrics are served over HTTP.  Needs CAP_NET_RAW.\n"
"\n"
"Targets and connections:\n"
"  HOST:PORT...        targets (a target named twice is one)\n"
"  -f, --file FILE     targets from FILE too, one HOST:PORT a line; SIGHUP\n"
"                      re-reads it: kept targets keep their connections\n"
"      --conns N       keep-alive connections to each target (default %u)\n"
"      --connect-rate N  open at most N connections a second (default %u)\n"
"      --idle-ladder D1,D2,...  also one connection per idle D, without\n"
"                      keep-alive: left idle D, then probed (up to 3 probes a\n"
"                      second apart); the metrics bracket the path's idle\n"
"                      timeout with them (at most %d rungs)\n"
"      --backoff MIN[,MAX]  the wait before a dead connection is replaced:\n"
"                      MIN, doubled for each one in a row that ended before an\n"
"                      answer, at most MAX, each drawn between half and all of\n"
"                      it (default %s,%s)\n"
"      --check FILE    validate FILE as -f reads it, print its targets' count,\n"
"                      and exit (no privilege, no packet, no name looked up)\n",
		d->conns, d->connect_rate, WATCH_MAX_RUNGS, help_dur(d->backoff_min).s,
		help_dur(d->backoff_max).s);
	fprintf(f,
"\n"
"Keep-alive: --idle, --intvl, --probes, --profile as the prober's (default\n"
"--profile system: this host's net.ipv4.tcp_keepalive_*); --heartbeat DATA,\n"
"--heartbeat-hex HEX: data instead of probes, for peers that close idle\n"
"connections.  -i, -4, -6, --connect-timeout, -Z: as the prober's.\n"
"\n"
"Metrics:\n"
"  --listen [ADDR:]PORT  serve GET /metrics on ADDR (default 127.0.0.1):\n"
"                      Prometheus text format 0.0.4, OpenMetrics 1.0.0 when\n"
"                      the Accept header asks for it (docs/watch.md lists the\n"
"                      metrics).  Off by default; opened after privilege is\n"
"                      dropped, so the port must be one the user may bind\n"
"\n"
"Output: --json (JSON lines), -q (only verdicts and the final table), -D.\n"
"Signals: SIGHUP re-reads -f FILE; SIGINT and SIGTERM end the run with the\n"
"table (JSON: the summary); SIGQUIT prints the table on stderr.\n"
"\n"
"Exit status: 0 stopped by a signal, 3 a target cannot be resolved or\n"
"routed, 64 usage error (a bad --check FILE too), 66 FILE cannot be read,\n"
"69 --listen cannot listen, 70 internal error, 74 standard output cannot\n"
"be written, 77 missing privilege (CAP_NET_RAW).\n");
}

/* [ADDR:]PORT, ADDR an IPv4 or [IPv6] address, numeric: no name is looked up. */
static int parse_listen(const char *s, struct sockaddr_storage *out, char *err, size_t errlen)
{
	char host[64] = "127.0.0.1", port[8];
	const char *colon = strrchr(s, ':');
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM }, *ai;
	size_t hl = colon ? (size_t)(colon - s) : 0;

	if (colon && hl >= 2 && s[0] == '[' && s[hl - 1] == ']')
		s++, hl -= 2;
	if (hl >= sizeof host || strlen(colon ? colon + 1 : s) >= sizeof port ||
	    strspn(colon ? colon + 1 : s, "0123456789") != strlen(colon ? colon + 1 : s)) {
		snprintf(err, errlen, "'%s' is not [ADDR:]PORT", s);
		return -1;
	}
	if (hl)
		snprintf(host, sizeof host, "%.*s", (int)hl, s);
	snprintf(port, sizeof port, "%s", colon ? colon + 1 : s);
	if (atoi(port) < 1 || atoi(port) > 65535 || getaddrinfo(host, port, &hints, &ai) != 0) {
		snprintf(err, errlen, "'%s' is not an IP address and a port 1-65535", s);
		return -1;
	}
	memcpy(out, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

/* D1,D2,...: distinct idles, at most WATCH_MAX_RUNGS. */
static int parse_ladder(char *s, struct watch_opts *o, char *err, size_t errlen)
{
	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (o->nladder == WATCH_MAX_RUNGS) {
			snprintf(err, errlen, "at most %d rungs", WATCH_MAX_RUNGS);
			return -1;
		}
		if (parse_duration(tok, MIN_TIME_US, MAX_TIME_US, &o->ladder[o->nladder], err,
				   errlen) < 0)
			return -1;
		for (unsigned i = 0; i < o->nladder; i++)
			if (o->ladder[i] == o->ladder[o->nladder]) {
				snprintf(err, errlen, "'%s' is given twice", tok);
				return -1;
			}
		o->nladder++;
	}
	return 0;
}

static int parse_backoff(char *s, struct watch_opts *o, char *err, size_t errlen)
{
	char *comma = strchr(s, ',');

	if (comma)
		*comma = '\0';
	if (parse_duration(s, 10000, MAX_BACKOFF_US, &o->backoff_min, err, errlen) < 0 ||
	    (comma && parse_duration(comma + 1, 10000, MAX_BACKOFF_US, &o->backoff_max, err,
				     errlen) < 0))
		return -1;
	if (!comma && o->backoff_max < o->backoff_min)
		o->backoff_max = o->backoff_min;
	if (o->backoff_max < o->backoff_min) {
		snprintf(err, errlen, "MAX is below MIN");
		return -1;
	}
	return 0;
}

static const char *check_file;

static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct watch_opts *o = opts;
	const struct conn_opts co = { &o->iface, &o->user, &o->family, &o->connect_timeout };
	long n;
	int rc = 0;

	switch (c) {
	case 'f': o->file = optarg; return 0;
	case 'D': o->stamp = true; return 0;
	case OPT_CHECK: check_file = optarg; return 0;
	case OPT_LISTEN:
		o->listen = true;
		return parse_listen(optarg, &o->listen_addr, err, errlen);
	case OPT_LADDER: return parse_ladder(optarg, o, err, errlen);
	case OPT_BACKOFF: return parse_backoff(optarg, o, err, errlen);
	case OPT_CONNS:
		rc = parse_count(optarg, 1, LIVE_MAX_CONNS, &n, err, errlen);
		o->conns = (unsigned)n;
		return rc;
	case OPT_CONNECT_RATE:
		rc = parse_count(optarg, 1, MAX_CONNECT_RATE, &n, err, errlen);
		o->connect_rate = (unsigned)n;
		return rc;
	}
	return cmd_conn_opt(c, &co, &rc, err, errlen) ? rc : 1;
}

/* --check FILE: what -f would read, checked, without a socket. */
static int check(const char *file)
{
	struct target_list l = { 0 };
	char err[256];

	int rc = 0;

	if (target_list_read(file, &l, err, sizeof err) < 0) {
		fprintf(stderr, "kaprobe: %s\n", err);
		rc = l.usage ? EXIT_USAGE : EXIT_NOINPUT;
	} else if (l.n == 0) {
		rc = cmd_usage_error("no targets in the --check file");
	} else {
		printf("%s: %u target%s, valid\n", file, l.n, l.n == 1 ? "" : "s");
	}
	target_list_free(&l);
	return rc;
}

static int run(int argc, char **argv)
{
	struct watch_opts o = defaults;
	struct common cm = { .profile = "system" };
	int rc;

	if ((rc = cmd_parse(argc, argv, &cm, own_opt, &o)) != 0)
		return rc;
	if (check_file)
		return optind < argc ? cmd_usage_error("--check takes no HOST:PORT") : check(check_file);
	o.noperands = (unsigned)(argc - optind);
	if ((rc = cmd_targets(argc, argv, o.file, &o.targets, &o.ntargets)) != 0 ||
	    (rc = cmd_resolve_timing(&cm, &o.cfg)) != 0)
		return rc;
	o.heartbeat = cm.heartbeat;
	o.heartbeat_len = cm.heartbeat_len;
	o.json = cm.json;
	o.quiet = cm.quiet;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	return watch_run(&o);
}

const struct command cmd_watch = {
	.name = "watch",
	.operand = "HOST:PORT",
	.shortopts = ":f:i:Z:q46DhV",
	.longopts = longopts,
	.usage = usage,
	.help = help,
	.run = run,
};
