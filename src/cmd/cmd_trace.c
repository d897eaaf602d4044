/* cmd_trace.c - `kaprobe trace [options] HOST:PORT`: its options, defaults
 * and help (the run is trace.c's). */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/command.h"
#include "cmd/trace.h"
#include "engine/variant.h"
#include "report/report.h"
#include "util/parse.h"

#define MAX_HOPS 255
#define MIN_MAX_IDLE_US 2000000LL

static const struct trace_opts defaults = {
	.family = AF_UNSPEC,
	.max_hops = 30,
	.connect_timeout = DEFAULT_CONNECT_TIMEOUT_US,
	.max_idle = RFC5382_IDLE_US,
	.resolution = DEFAULT_RESOLUTION_US,
	.res_permille = DEFAULT_RESOLUTION_PERMILLE,
};

static const struct option longopts[] = {
	CMD_OUTPUT_OPTIONS,
	{ "max-hops", required_argument, NULL, OPT_MAX_HOPS },
	{ "variant", required_argument, NULL, OPT_VARIANT },
	{ "timeouts", no_argument, NULL, OPT_TIMEOUTS },
	{ "max-idle", required_argument, NULL, OPT_MAX_IDLE },
	{ "resolution", required_argument, NULL, OPT_RESOLUTION },
	CMD_PATH_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_usage usage[] = {
	{ "[options] HOST:PORT", "where on the path a probe changes or dies" },
	{ NULL, NULL },
};

static void help(FILE *f)
{
	const struct trace_opts *d = &defaults;

	fprintf(f, "\n"
"The keep-alive probe's path, on one real connection: its probe sent with TTL\n"
"1, 2, ... until the peer answers, each hop's ICMP time exceeded and what its\n"
"quote shows changed (addresses, ports, seq, ack, window, TCP options, DSCP,\n"
"ECN, DF, IP ID); then where each probe kind dies: answered by the peer, by a\n"
"middlebox, or lost after the last hop that still quoted it.  Needs\n"
"CAP_NET_RAW.\n"
"\n"
"Options:\n"
"  --max-hops N           highest TTL tried, 1-%d (default %u)\n"
"  --variant NAME         a probe kind besides zero-length and one-byte:\n"
"                         no-timestamp, stale-timestamp, pure-ack, far-seq\n"
"                         (repeatable)\n"
"  --timeouts             also each stateful hop's idle timeout, hop by hop, as\n"
"                         the audit searches it: about 2 T + 30 s for a hop\n"
"                         whose timeout is T\n"
"  --max-idle DURATION    longest idle tried (default %s%s)\n"
"  --resolution DURATION  stop when a hop's bracket is this narrow (default\n"
"                         %s, or %u%% of the timeout when that is wider)\n",
		MAX_HOPS, d->max_hops, help_dur(d->max_idle).s,
		d->max_idle == RFC5382_IDLE_US ? ", RFC 5382" : "", help_dur(d->resolution).s,
		d->res_permille / 10);
	fputs(
"  --report FILE.html     also write the trace as a self-contained HTML page\n"
"  --json, -q, -i IF, -Z USER, -4, -6, --connect-timeout DURATION\n"
"                         as for kaprobe HOST:PORT (see kaprobe --help)\n"
"  -h, --help             this text;  -V, --version  the version\n"
"  DURATION is 500ms, 30s, 1.5s, 2m, 2h4m, 1m15s or a bare number of seconds.\n"
"\n"
"Exit status: 0 the standard probes get the peer's answer and (--timeouts) no\n"
"hop forgets an idle flow within --max-idle, 1 otherwise, 3 could not connect,\n"
"4 interrupted, 64 usage error, 70 internal error, 73/74 the --report file\n"
"cannot be created / written, 74 standard output cannot be written, 77\n"
"missing privilege (CAP_NET_RAW).\n", f);
}

/* --variant NAME: one of the kinds besides the standard two. */
static int add_variant(struct trace_opts *o, const char *name, char *err, size_t errlen)
{
	const struct variant *v = variant_find(name);

	if (!v || v->standard) {
		snprintf(err, errlen, "unknown probe kind '%s' (no-timestamp, stale-timestamp, "
			 "pure-ack, far-seq; zero-length and one-byte are always traced)", name);
		return -1;
	}
	for (unsigned i = 0; i < o->nvariants; i++)
		if (strcmp(o->variant[i], name) == 0)
			return 0;
	o->variant[o->nvariants++] = name;   /* at most the four others */
	return 0;
}

/* One of the trace's own options into o: 0, 1 when it is none, or -1 with
 * the message in err. */
static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct trace_opts *o = opts;
	const struct conn_opts co = { &o->iface, &o->user, &o->family, &o->connect_timeout };
	long n;
	int rc = 0;

	switch (c) {
	case OPT_MAX_HOPS:
		rc = parse_count(optarg, 1, MAX_HOPS, &n, err, errlen);
		o->max_hops = (unsigned)n;
		return rc;
	case OPT_VARIANT:
		return add_variant(o, optarg, err, errlen);
	case OPT_TIMEOUTS:
		o->timeouts = true;
		return 0;
	case OPT_MAX_IDLE:
		return parse_duration(optarg, MIN_MAX_IDLE_US, MAX_MAX_IDLE_US, &o->max_idle,
				      err, errlen);
	case OPT_RESOLUTION:
		o->res_permille = 0;   /* given: exactly that */
		return parse_duration(optarg, MIN_RESOLUTION_US, MAX_RESOLUTION_US,
				      &o->resolution, err, errlen);
	}
	return cmd_conn_opt(c, &co, &rc, err, errlen) ? rc : 1;
}

static int run(int argc, char **argv)
{
	struct trace_opts o = defaults;
	struct common cm = { 0 };
	struct report_meta rm = { .kind = REPORT_TRACE, .argc = argc, .argv = argv };
	int rc;

	if ((rc = cmd_parse(argc, argv, &cm, own_opt, &o)) != 0)
		return rc;
	if ((rc = cmd_operand(argc, argv, &o.target)) != 0)
		return rc;
	o.json = cm.json;
	o.quiet = cm.quiet;
	rm.path = cm.report;
	rm.subject = o.target;
	rm.max_idle = o.timeouts ? o.max_idle : 0;
	if ((rc = cmd_open_report(&rm, &o.report)) != 0)
		return rc;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);   /* flushed before each sleep */
	return cmd_close_report(o.report, trace_run(&o));
}

const struct command cmd_trace = {
	.name = "trace",
	.operand = "HOST:PORT",
	.shortopts = ":i:Z:q46hV",
	.longopts = longopts,
	.usage = usage,
	.help = help,
	.run = run,
};
