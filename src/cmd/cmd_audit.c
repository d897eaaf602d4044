/* cmd_audit.c - `kaprobe audit [options] HOST:PORT`: its options, defaults
 * and help (the run is audit.c's). */
#include <stdio.h>
#include <sys/socket.h>

#include "cmd/audit.h"
#include "cmd/command.h"
#include "report/report.h"
#include "tcp/swsettings.h"
#include "util/parse.h"

#define MIN_MAX_IDLE_US 1000000LL
#define MIN_CONNS 6             /* the variant phase alone needs 6 at once */
#define MAX_CONNS 256
#define MAX_RATE 1000

static const struct audit_opts defaults = {
	.family = AF_UNSPEC,
	.max_idle = RFC5382_IDLE_US,
	.resolution = DEFAULT_RESOLUTION_US,
	.res_permille = DEFAULT_RESOLUTION_PERMILLE,
	.max_conns = DEFAULT_AUDIT_CONNS,
	.rate = 50,
	.connect_timeout = DEFAULT_CONNECT_TIMEOUT_US,
};

static const struct option longopts[] = {
	CMD_OUTPUT_OPTIONS,
	{ "intvl", required_argument, NULL, OPT_INTVL },
	{ "max-idle", required_argument, NULL, OPT_MAX_IDLE },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "resolution", required_argument, NULL, OPT_RESOLUTION },
	{ "for", required_argument, NULL, OPT_FOR },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ "far-end", no_argument, NULL, OPT_FAR_END },
	CMD_HEARTBEAT_OPTIONS,
	CMD_PATH_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_usage usage[] = {
	{ "[options] HOST:PORT", "what the path does to keep-alive" },
	{ NULL, NULL },
};

static void help(FILE *f)
{
	const struct audit_opts *d = &defaults;

	fprintf(f, "\n"
"How the path's peer and middleboxes treat keep-alive probes, how long they\n"
"keep an idle flow and who ends it, on real connections, all at once: six\n"
"probe kinds (zero-length, one-byte, no-timestamp, stale-timestamp, pure-ack,\n"
"far-seq) and who answers each (a TTL unlike the SYN-ACK's is a middlebox);\n"
"the idle timeout, from idle connections of many ages each probed once, or\n"
"the peer's own close of idle connections (a proxy's or server's timeout,\n"
"which keep-alive cannot refresh); whether probing every --intvl (and with\n"
"--heartbeat, sending that data) keeps a flow past it; and advice.  It takes\n"
"about 2 T + 30 s for a timeout T.  Needs CAP_NET_RAW.\n"
"\n"
"Options:\n"
"  --max-idle DURATION    longest idle tried (default %s%s)\n"
"  --resolution DURATION  stop when the bracket is this narrow (default %s,\n"
"                         or %u%% of the timeout when that is wider)\n"
"  --intvl DURATION       refresh interval (default: half the longest idle\n"
"                         answered so far)\n"
"  --heartbeat DATA, --heartbeat-hex HEX\n"
"                         also test application data (that the peer accepts)\n"
"                         sent every --intvl through the connection itself\n"
"  --far-end              the peer must be kaprobe serve (found by itself\n"
"                         otherwise): arrival per probe kind, refresh by side\n"
"  --max-conns N          connections open at once, %d-%d (default %u)\n"
"  --rate N               probes per second at most (default %u)\n"
"  --for LIST             the advice also for this software, comma-separated,\n"
"                         or all (see kaprobe advise --help, docs/settings.md)\n"
"  --budget X             pick the advice's interval and probes by the risk of\n"
"                         a false death under the loss measured: at most X per\n"
"                         connection-day (without it the risk is only shown)\n",
		help_dur(d->max_idle).s, d->max_idle == RFC5382_IDLE_US ? ", RFC 5382" : "",
		help_dur(d->resolution).s, d->res_permille / 10, MIN_CONNS, MAX_CONNS,
		d->max_conns, d->rate);
	fputs(
"  --report FILE.html     also write the audit as a self-contained HTML page\n"
"  --json, -q, -i IF, -Z USER, -4, -6, --connect-timeout DURATION\n"
"                         as for kaprobe HOST:PORT (see kaprobe --help)\n"
"  -h, --help             this text;  -V, --version  the version\n"
"  DURATION is 500ms, 30s, 1.5s, 2m, 2h4m, 1m15s or a bare number of seconds.\n"
"\n"
"Exit status: 0 the standard probes (zero-length, one-byte) got the peer's\n"
"answer and the path keeps idle flows as RFC 5382 asks (or was not tested\n"
"that long), 1 it does not (a timeout below 2h4m, the peer closes idle\n"
"connections, keep-alive did not keep a flow, or it was inconsistent), 3 could not connect or the\n"
"server took too few connections (or, with --far-end, the peer is not\n"
"kaprobe serve), 4 interrupted, 64 usage error, 70 internal\n"
"error, 73/74 the --report file cannot be created / written, 74 standard\n"
"output cannot be written, 77 missing privilege (CAP_NET_RAW).\n", f);
}

/* One of the audit's own options into o: 0, 1 when it is none, or -1 with
 * the message in err. */
static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct audit_opts *o = opts;
	const struct conn_opts co = { &o->iface, &o->user, &o->family, &o->connect_timeout };
	long n;
	int rc = 0;

	switch (c) {
	case OPT_MAX_IDLE:
		return parse_duration(optarg, MIN_MAX_IDLE_US, MAX_MAX_IDLE_US, &o->max_idle,
				      err, errlen);
	case OPT_RESOLUTION:
		o->res_permille = 0;   /* given: exactly that */
		return parse_duration(optarg, MIN_RESOLUTION_US, MAX_RESOLUTION_US,
				      &o->resolution, err, errlen);
	case OPT_MAX_CONNS:
		rc = parse_count(optarg, MIN_CONNS, MAX_CONNS, &n, err, errlen);
		o->max_conns = (unsigned)n;
		return rc;
	case OPT_FAR_END:
		o->far_end = true;
		return 0;
	case OPT_RATE:
		rc = parse_count(optarg, 1, MAX_RATE, &n, err, errlen);
		o->rate = (unsigned)n;
		return rc;
	case OPT_FOR:
		return sw_parse_for(optarg, &o->sw, err, errlen);
	case OPT_BUDGET:
		return parse_number(optarg, 1e-12, 1, false, &o->budget, err, errlen);
	}
	return cmd_conn_opt(c, &co, &rc, err, errlen) ? rc : 1;
}

static int run(int argc, char **argv)
{
	struct audit_opts o = defaults;
	struct common cm = { 0 };
	struct report_meta rm = { .kind = REPORT_AUDIT, .argc = argc, .argv = argv };
	int rc;

	if ((rc = cmd_parse(argc, argv, &cm, own_opt, &o)) != 0)
		return rc;
	if ((rc = cmd_operand(argc, argv, &o.target)) != 0)
		return rc;
	/* --intvl is one of the shared options: for the audit it is the
	 * refresh interval. */
	o.intvl = cm.intvl;
	o.json = cm.json;
	o.quiet = cm.quiet;
	o.heartbeat = cm.heartbeat;
	o.heartbeat_len = cm.heartbeat_len;
	rm.path = cm.report;
	rm.subject = o.target;
	rm.max_idle = o.max_idle;
	if ((rc = cmd_open_report(&rm, &o.report)) != 0)
		return rc;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);   /* flushed before each sleep */
	return cmd_close_report(o.report, audit_run(&o));
}

const struct command cmd_audit = {
	.name = "audit",
	.operand = "HOST:PORT",
	.shortopts = ":i:Z:q46hV",
	.longopts = longopts,
	.usage = usage,
	.help = help,
	.run = run,
};
