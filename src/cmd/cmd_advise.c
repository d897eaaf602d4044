/* cmd_advise.c - `kaprobe advise --path-timeout D [--for LIST]`: the
 * keep-alive settings for a path whose idle timeout is already known (from
 * an audit, a trace, or a vendor's documentation), for Linux and for the
 * software --for names, without sending anything.  The settings are the
 * audit's advice event, in the same human and JSON forms. */
#include <stdio.h>

#include "cmd/command.h"
#include "cmd/runout.h"
#include "emit/emit.h"
#include "emit/text.h"
#include "tcp/swsettings.h"
#include "util/exitcode.h"
#include "util/parse.h"

#define MIN_TIMEOUT_US 2000000LL     /* the least with a first probe under it */
#define MAX_TIMEOUT_US (30LL * 86400 * 1000000)

struct advise_opts {
	ka_time path, peer;     /* --path-timeout, --peer-timeout (0: not given) */
	unsigned sw;            /* --for */
};

static const struct option longopts[] = {
	CMD_OUTPUT_OPTIONS,
	{ "path-timeout", required_argument, NULL, OPT_PATH_TIMEOUT },
	{ "peer-timeout", required_argument, NULL, OPT_PEER_TIMEOUT },
	{ "for", required_argument, NULL, OPT_FOR },
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
"  --json            the advice as a JSON line (the audit's \"advice\" event)\n"
"  -h, --help        this text;  -V, --version  the version\n"
"  D is 2s to 30 days: 350s, 4m, 2h4m or a bare number of seconds.\n"
"\n"
"Exit status: 0 done, 64 usage error, 74 standard output cannot be written.\n", f);
}

static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct advise_opts *o = opts;

	switch (c) {
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
	return (struct ev_advice){ .time_s = v.time_s, .intvl_s = v.intvl_s, .probes = v.probes,
				   .sw = o->sw };
}

static int run(int argc, char **argv)
{
	struct advise_opts o = { 0 };
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
