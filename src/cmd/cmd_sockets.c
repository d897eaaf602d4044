/* cmd_sockets.c - `kaprobe sockets [options] [FILTER...]`: its options and
 * help (the run is sockets.c's). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/command.h"
#include "cmd/sockets.h"
#include "util/parse.h"

/* --path-timeout's range: a second to conntrack's five days and more. */
#define MIN_PATH_TIMEOUT_US 1000000LL
#define MAX_PATH_TIMEOUT_US (30LL * 24 * 3600 * 1000000)

static const struct option longopts[] = {
	CMD_OUTPUT_OPTIONS,
	{ "path-timeout", required_argument, NULL, OPT_PATH_TIMEOUT },
	{ "from", required_argument, NULL, OPT_FROM },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_usage usage[] = {
	{ "[options] [FILTER]", "this host's connections' keep-alive" },
	{ NULL, NULL },
};

static void help(FILE *f)
{
	fputs("\n"
"This network namespace's TCP connections (sock_diag, as ss lists them), the\n"
"process that owns each, and its keep-alive settings read from the socket\n"
"itself (pidfd_getfd, then getsockopt SO_KEEPALIVE, TCP_KEEPIDLE,\n"
"TCP_KEEPINTVL, TCP_KEEPCNT, TCP_USER_TIMEOUT; the duplicate is only read and\n"
"closed at once).  A value marked * equals the namespace's sysctl (the\n"
"kernel does not say whether it was set).  With a path's idle timeout each\n"
"established connection is judged: protected (keep-alive on, idle and\n"
"interval below the timeout), at-risk, not-applicable (data went either\n"
"way within the timeout) or unknown (settings not readable).  Reading other\n"
"users' settings needs CAP_SYS_PTRACE (root); listing needs nothing.\n"
"\n"
"FILTER is any of these (as ss's; kinds all hold, a kind repeated is any\n"
"of them):\n"
"  dst ADDR[/LEN]  src ADDR[/LEN]  dport N  sport N  pid N  comm NAME\n"
"  state STATE     (established, time-wait, listening, ...; default: every\n"
"                  state but listening)\n"
"\n"
"Options:\n"
"  --path-timeout DURATION\n"
"                         judge against a path that forgets idle flows after\n"
"                         DURATION (for instance 350s, 5m)\n"
"  --from FILE            the same from an audit's or a trace's JSON (--json,\n"
"                         with its timeouts): the shortest bracket's low end\n"
"  -4, -6                 IPv4 or IPv6 connections only\n"
"  --json                 one JSON object per connection, then a summary\n"
"  -q, --quiet            the summary only\n"
"  -h, --help             this text;  -V, --version  the version\n"
"  DURATION is 500ms, 30s, 1.5s, 2m, 2h4m, 1m15s or a bare number of seconds.\n"
"\n"
"Exit status: 0 listed (and none at risk), 1 a connection is at risk, 64\n"
"usage error, 65 the --from file has no idle timeout, 66 it cannot be\n"
"opened, 70 the sockets cannot be listed, 74 standard output cannot be\n"
"written, 77 some settings could not be read without CAP_SYS_PTRACE (the\n"
"rest is shown).\n", f);
}

static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct sockets_opts *o = opts;

	switch (c) {
	case OPT_PATH_TIMEOUT:
		o->path.endpoint_close = false;
		return parse_duration(optarg, MIN_PATH_TIMEOUT_US, MAX_PATH_TIMEOUT_US,
				      &o->path.timeout_us, err, errlen);
	case OPT_FROM:
		o->from = optarg;
		return 0;
	case '4':
		o->family = AF_INET;
		return 0;
	case '6':
		o->family = AF_INET6;
		return 0;
	}
	return 1;
}

static int run(int argc, char **argv)
{
	struct sockets_opts o = { .family = AF_UNSPEC };
	struct common cm = { 0 };
	char err[256];
	int rc;

	if ((rc = cmd_parse(argc, argv, &cm, own_opt, &o)) != 0)
		return rc;
	if (o.from && o.path.timeout_us)
		return cmd_usage_error("give --path-timeout or --from, not both");
	if (sock_filter_parse(argc - optind, argv + optind, &o.filter, err, sizeof err) < 0)
		return cmd_usage_error(err);
	o.json = cm.json;
	o.quiet = cm.quiet;
	return sockets_run(&o);
}

const struct command cmd_sockets = {
	.name = "sockets",
	.operand = "FILTER",
	.shortopts = ":q46hV",
	.longopts = longopts,
	.usage = usage,
	.help = help,
	.run = run,
};
