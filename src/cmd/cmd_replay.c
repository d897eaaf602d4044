/* cmd_replay.c - `kaprobe replay [options] FILE`: its options, defaults
 * and help (the run is replay.c's). */
#include <stdio.h>

#include "cmd/command.h"
#include "cmd/replay.h"
#include "report/report.h"
#include "tcp/profile.h"
#include "util/parse.h"

#define MIN_FLOW_TIMEOUT_US 1000000LL
#define MAX_FLOW_TIMEOUT_US (1000LL * 3600 * 1000000)
#define MAX_USER_TIMEOUT_DAYS 30LL
#define MAX_USER_TIMEOUT_US (MAX_USER_TIMEOUT_DAYS * 86400 * 1000000)
#define MAX_FLOWS 100000000L

/* Linux's defaults for what --probes alone leaves unset. */
static const struct replay_opts defaults = {
	.cfg = { .idle = LINUX_KEEPALIVE_TIME_S * 1000000LL,
		 .intvl = LINUX_KEEPALIVE_INTVL_S * 1000000LL, .probes = LINUX_KEEPALIVE_PROBES },
	.flow_timeout = 3LL * 3600 * 1000000,
	.max_flows = REPLAY_DEFAULT_MAX_FLOWS,
};

static const struct option longopts[] = {
	CMD_TIMING_OPTIONS,
	{ "flow-timeout", required_argument, NULL, OPT_FLOW_TIMEOUT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "middlebox", required_argument, NULL, OPT_MIDDLEBOX },
	{ "user-timeout", required_argument, NULL, OPT_USER_TIMEOUT },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_usage usage[] = {
	{ "[options] FILE", "the same state machine over a capture" },
	{ NULL, NULL },
};

static void help(FILE *f)
{
	const struct replay_opts *d = &defaults;

	fprintf(f, "\n"
"Find every flow's keep-alive probes in FILE (pcap or pcapng; - reads standard\n"
"input): the frames Wireshark labels \"TCP Keep-Alive\", and their answers.  Run\n"
"the live prober's state machine over them with the capture's timestamps; each\n"
"end that probes is a prober of its own, with its verdict: alive, dead (the\n"
"prober gave up), reset, or open (the capture ends with probes unanswered).\n"
"Needs no privilege.\n"
"\n"
"Options:\n"
"  --json              JSON lines: probe, reply, verdict, would-die, cut, summary\n"
"  -q, --quiet         only the summary\n"
"  --idle DURATION, --intvl DURATION, --probes N, --profile NAME\n"
"                      run a second state machine with these timings and report\n"
"                      when a stack so set would have declared the peer dead\n"
"                      (--probes alone: Linux's %s and %llds for the rest)\n"
"  --user-timeout DURATION  TCP_USER_TIMEOUT for that machine, as Linux applies\n"
"                      it (it replaces --probes once probes or data are\n"
"                      unanswered); %s to %lld days\n",
		help_dur(d->cfg.idle).s, (long long)(d->cfg.intvl / 1000000),
		help_dur(MIN_TIME_US).s, MAX_USER_TIMEOUT_DAYS);
	fprintf(f,
"  --middlebox NAME|DURATION  report every idle gap longer than the box's idle\n"
"                      timeout (cut), and whether keep-alive refreshed it:\n"
"                      aws-nlb, aws-nat (350s), azure-lb (4m), gcp-nat (1200s),\n"
"                      ipvs (900s), conntrack (5 days), rfc5382 (2h4m), any\n"
"                      box of docs/fingerprints.md, or a duration (1s to 30\n"
"                      days); up to %d\n"
"  --flow-timeout DURATION  forget a flow silent this long (default %s)\n"
"  --max-flows N       hold at most N flows, evicting closed ones, then the\n"
"                      longest silent (default %u)\n"
"  --report FILE.html  also write a self-contained HTML page: a timeline per\n"
"                      prober (data, probes, answers, cuts, verdict), sortable;\n"
"                      the first 500 probers\n"
"  -h, --help          this text;  -V, --version  the version\n"
"  DURATION is 500ms, 30s, 1.5s, 2m, 2h4m, 1m15s or a bare number of seconds.\n"
"\n"
"Reading or writing a pipe, events come out as frames are read.  SIGINT,\n"
"SIGTERM and SIGHUP stop it: the verdicts so far and the summary are printed.\n"
"\n"
"Exit status: 0 read through, 64 usage error, 65 not a readable capture (or\n"
"damaged part-way: what came before is reported), 66 cannot open the file (or\n"
"it is a directory), 70 out of memory, 73/74 the --report file cannot be\n"
"created/written, 74 standard output cannot be written (a closed pipe ends it\n"
"quietly), 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM.\n",
		REPLAY_MAX_BOXES, help_dur(d->flow_timeout).s, (unsigned)d->max_flows);
}

/* One of replay's own options into o: 0, 1 when it is none, or -1 with
 * the message in err. */
static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct replay_opts *o = opts;
	long n;

	switch (c) {
	case OPT_FLOW_TIMEOUT:
		return parse_duration(optarg, MIN_FLOW_TIMEOUT_US, MAX_FLOW_TIMEOUT_US,
				      &o->flow_timeout, err, errlen);
	case OPT_USER_TIMEOUT:
		return parse_duration(optarg, MIN_TIME_US, MAX_USER_TIMEOUT_US,
				      &o->cfg.user_timeout, err, errlen);
	case OPT_MAX_FLOWS:
		if (parse_count(optarg, 1, MAX_FLOWS, &n, err, errlen) < 0)
			return -1;
		o->max_flows = (uint32_t)n;
		return 0;
	case OPT_MIDDLEBOX:
		if (o->nboxes == REPLAY_MAX_BOXES) {
			snprintf(err, errlen, "at most %d may be given", REPLAY_MAX_BOXES);
			return -1;
		}
		return middlebox_parse(optarg, &o->box[o->nboxes++], err, errlen);
	}
	return 1;
}

static int run(int argc, char **argv)
{
	struct replay_opts o = defaults;
	struct common cm = { 0 };
	struct report_meta rm = { .kind = REPORT_REPLAY, .argc = argc, .argv = argv };
	ka_time user_timeout;
	int rc;

	if ((rc = cmd_parse(argc, argv, &cm, own_opt, &o)) != 0)
		return rc;
	/* --profile's values must not undo --user-timeout. */
	user_timeout = o.cfg.user_timeout;
	if ((rc = cmd_operand(argc, argv, &o.file)) != 0 ||
	    (rc = cmd_resolve_timing(&cm, &o.cfg)) != 0)
		return rc;
	o.cfg.user_timeout = user_timeout;
	o.timings = cm.profile || cm.idle || cm.intvl || cm.probes || user_timeout;
	o.json = cm.json;
	o.quiet = cm.quiet;
	rm.path = cm.report;
	rm.subject = o.file;
	rm.box = o.box;
	rm.nboxes = o.nboxes;
	if ((rc = cmd_open_report(&rm, &o.report)) != 0)
		return rc;
	return cmd_close_report(o.report, replay_run(&o));
}

const struct command cmd_replay = {
	.name = "replay",
	.operand = "FILE",
	.shortopts = ":qhV",
	.longopts = longopts,
	.usage = usage,
	.help = help,
	.run = run,
};
