/* cmd_advise.c - `kaprobe advise --path-timeout D [--for LIST]`: the
 * keep-alive settings for a path whose idle timeout is already known (from
 * an audit, a trace, or a vendor's documentation), for Linux and for the
 * software --for names, without sending anything.  The settings are the
 * audit's advice event, in the same human and JSON forms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/command.h"
#include "cmd/runout.h"
#include "emit/emit.h"
#include "emit/text.h"
#include "tcp/risk.h"
#include "tcp/swsettings.h"
#include "util/exitcode.h"
#include "util/parse.h"

#define MIN_TIMEOUT_US 2000000LL     /* the least with a first probe under it */
#define MAX_TIMEOUT_US (30LL * 86400 * 1000000)

struct advise_opts {
	ka_time path, peer;     /* --path-timeout, --peer-timeout (0: not given) */
	unsigned sw;            /* --for */
	bool risk;              /* --loss given: pick the values by their risk */
	struct risk_path rp;    /* --loss, --burst, --rtt */
	double budget;          /* --budget */
};

static const struct option longopts[] = {
	CMD_OUTPUT_OPTIONS,
	{ "path-timeout", required_argument, NULL, OPT_PATH_TIMEOUT },
	{ "peer-timeout", required_argument, NULL, OPT_PEER_TIMEOUT },
	{ "for", required_argument, NULL, OPT_FOR },
	{ "loss", required_argument, NULL, OPT_LOSS },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "rtt", required_argument, NULL, OPT_RTT },
	{ "budget", required_argument, NULL, OPT_BUDGET },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_usage usage[] = {
	{ "[options]", "settings for a known idle timeout" },
	{ NULL, NULL },
};

static void help(FILE *f)
{
	fputs("\n"
"The keep-alive settings that keep connections through a path whose idle\n"
"timeout is known: Linux's sysctl and setsockopt lines, and with --for the\n"
"settings of the software named (docs/settings.md gives the source of each).\n"
"Nothing is sent: it is the advice an audit ends with, for a timeout you give.\n"
"\n"
"Options:\n"
"  --path-timeout D  a box on the path forgets flows idle longer than D\n"
"                    (a NAT's, load balancer's or firewall's idle timeout)\n"
"  --peer-timeout D  the peer, or a proxy in front of it, closes connections\n"
"                    idle D itself: only data (a heartbeat) keeps them, and\n"
"                    keep-alive settings say that they cannot help\n"
"  --for LIST        also these, comma-separated, or all: ssh, postgres,\n"
"                    pgbouncer, mariadb, mysql, hikaricp, grpc, redis, nginx,\n"
"                    haproxy, envoy, kubernetes, go, java, python\n"
"  --loss P          the path loses this share of exchanges (1%, 0.01): pick\n"
"                    the interval and probe count that see a death soonest\n"
"                    while a live connection is declared dead at most\n"
"                    --budget times a connection-day (with --path-timeout)\n"
"  --burst B         losses come in bursts of B exchanges 1 s apart on\n"
"                    average (default: independent losses)\n"
"  --rtt D[,D99]     round-trip time: median, and 99th percentile (lognormal;\n"
"                    default 100ms, fixed)\n"
"  --budget X        false deaths per connection-day (default 1e-6)\n"
"  --json            the advice as a JSON line (the audit's \"advice\" event)\n"
"  -h, --help        this text;  -V, --version  the version\n"
"  D is 2s to 30 days: 350s, 4m, 2h4m or a bare number of seconds.\n"
"\n"
"Exit status: 0 done, 64 usage error, 74 standard output cannot be written.\n", f);
}

/* --rtt D[,D99]: the median, and sigma from the 99th percentile. */
static int rtt_opt(const char *s, struct risk_path *rp, char *err, size_t errlen)
{
	char med[64];
	const char *comma = strchr(s, ',');
	ka_time m, p99 = 0;

	snprintf(med, sizeof med, "%.*s", comma ? (int)(comma - s) : (int)strlen(s), s);
	if (parse_duration(med, 1000, MAX_TIMEOUT_US, &m, err, errlen) < 0 ||
	    (comma && parse_duration(comma + 1, m, MAX_TIMEOUT_US, &p99, err, errlen) < 0))
		return -1;
	rp->rtt_median_s = m / 1e6;
	rp->rtt_sigma = comma ? risk_sigma_from_p99(m / 1e6, p99 / 1e6) : 0;
	return 0;
}

static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct advise_opts *o = opts;

	switch (c) {
	case OPT_LOSS:
		o->risk = true;
		return parse_number(optarg, 0, 0.99, true, &o->rp.loss, err, errlen);
	case OPT_BURST:
		return parse_number(optarg, 1, 1e6, false, &o->rp.burst, err, errlen);
	case OPT_RTT:
		return rtt_opt(optarg, &o->rp, err, errlen);
	case OPT_BUDGET:
		return parse_number(optarg, 1e-12, 1, false, &o->budget, err, errlen);
	case OPT_PATH_TIMEOUT:
		return parse_duration(optarg, MIN_TIMEOUT_US, MAX_TIMEOUT_US, &o->path, err,
				      errlen);
	case OPT_PEER_TIMEOUT:
		return parse_duration(optarg, MIN_TIMEOUT_US, MAX_TIMEOUT_US, &o->peer, err,
				      errlen);
	case OPT_FOR:
		return sw_parse_for(optarg, &o->sw, err, errlen);
	}
	return 1;
}

/* The advice event for the timeout given. */
static struct ev_advice advice_for(const struct advise_opts *o)
{
	struct sw_values v;

	if (o->peer) {
		sw_for_close(o->peer / 1e6, &v);
		return (struct ev_advice){ .time_s = v.time_s, .intvl_s = v.intvl_s,
					   .probes = v.probes, .heartbeat_s = v.heartbeat_s,
					   .close_s = o->peer / 1e6, .sw = o->sw };
	}
	sw_for_expiry(o->path / 1e6, &v);
	if (o->risk) {
		struct risk_settings s;
		bool within = risk_pick(&o->rp, (double)v.time_s, o->path / 1e6, o->budget, &s);

		return (struct ev_advice){ .time_s = v.time_s, .intvl_s = (long)s.intvl_s,
					   .probes = s.probes, .sw = o->sw, .risk = {
			.on = true, .within = within, .picked = true, .day = risk_day(&o->rp, &s),
			.budget = o->budget, .detect_s = risk_detect_s(&s), .loss = o->rp.loss,
			.burst = o->rp.burst, .rtt_s = o->rp.rtt_median_s } };
	}
	return (struct ev_advice){ .time_s = v.time_s, .intvl_s = v.intvl_s, .probes = v.probes,
				   .sw = o->sw };
}

/* --loss's path, checked: 0, or the exit status after saying what is wrong. */
static int check_risk(struct advise_opts *o)
{
	const char *why;
	char err[200];

	if (!o->risk)
		return 0;
	if (o->peer)
		return cmd_usage_error("--loss is for --path-timeout: against a peer's close only "
				       "heartbeats help");
	if (o->rp.burst == 0)   /* not given: independent losses */
		o->rp.burst = 1 / (1 - o->rp.loss);
	if ((why = risk_check(&o->rp)) != NULL) {
		snprintf(err, sizeof err, "--loss %.4g, --burst %.4g: %s", o->rp.loss, o->rp.burst,
			 why);
		return cmd_usage_error(err);
	}
	return 0;
}

static int run(int argc, char **argv)
{
	struct advise_opts o = { .rp = { .step_s = 1, .rtt_median_s = 0.1 },
				 .budget = RISK_DEFAULT_BUDGET };
	struct common cm = { 0 };
	struct text tx;
	struct emitter em;
	int rc;

	if ((rc = cmd_parse(argc, argv, &cm, own_opt, &o)) != 0)
		return rc;
	if (optind < argc) {
		char err[160];

		snprintf(err, sizeof err, "unexpected argument '%s': advise takes no operand",
			 argv[optind]);
		return cmd_usage_error(err);
	}
	if (!o.path == !o.peer)
		return cmd_usage_error("give one of --path-timeout and --peer-timeout");
	if ((rc = check_risk(&o)) != 0)
		return rc;
	text_init(&tx, stdout, cm.json, false, 0);
	emit_init(&em);
	emit_attach(&em, &text_module, &tx);
	emit(&em, &(struct event){ .kind = EV_ADVICE, .u.advice = advice_for(&o) });
	if (!text_flush(&tx) && stdout_error(tx.ob.err))
		return stdout_failed(tx.ob.err);
	return EXIT_ALIVE;
}

const struct command cmd_advise = {
	.name = "advise",
	.operand = "",
	.shortopts = ":qhV",
	.longopts = longopts,
	.usage = usage,
	.help = help,
	.run = run,
};
