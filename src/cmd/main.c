/* main.c - kaprobe's command line: options in, a command run, a status out.
 *
 * Two commands share the keep-alive timing options: the live prober
 * (kaprobe HOST:PORT) and replay (kaprobe replay FILE).  Every value is
 * checked here, with one precise line on stderr and exit 64 for anything
 * wrong, before any socket or file is opened. */
#include <getopt.h>
#include <libnet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/audit.h"
#include "util/errmsg.h"
#include "util/exitcode.h"
#include "cmd/help.h"
#include "cmd/live.h"
#include "util/parse.h"
#include "tcp/middlebox.h"
#include "tcp/profile.h"
#include "report/report.h"
#include "cmd/replay.h"
#include "util/suggest.h"
#include "net/target.h"
#include "cmd/trace.h"
#include "engine/variant.h"
#include "util/version.h"


/* Linux's own limits for the per-socket values (TCP_KEEPIDLE and
 * TCP_KEEPINTVL 1..32767 s, TCP_KEEPCNT 1..127); kaprobe also allows
 * sub-second idle and interval, which only a user-space prober can do. */
#define MIN_TIME_US 1000LL
#define MAX_TIME_US (32767LL * 1000000)
#define MAX_PROBES 127
/* A zero-length probe is out of window: Linux answers it at most once per
 * net.ipv4.tcp_invalid_ratelimit (500 ms) per socket. */
#define RATELIMIT_US 500000

enum {
	OPT_IDLE = 256, OPT_INTVL, OPT_PROBES, OPT_PROFILE, OPT_JSON,
	OPT_GARBAGE, OPT_CONNECT_TIMEOUT, OPT_FLOW_TIMEOUT,
	OPT_MAX_IDLE, OPT_MAX_CONNS, OPT_RATE, OPT_RESOLUTION,
	OPT_CONNS, OPT_CONNECT_RATE, OPT_MAX_HOPS, OPT_VARIANT, OPT_TIMEOUTS,
	OPT_MAX_FLOWS, OPT_MIDDLEBOX, OPT_USER_TIMEOUT, OPT_REPORT,
};

#define TIMING_OPTIONS \
	{ "idle", required_argument, NULL, OPT_IDLE }, \
	{ "intvl", required_argument, NULL, OPT_INTVL }, \
	{ "probes", required_argument, NULL, OPT_PROBES }, \
	{ "profile", required_argument, NULL, OPT_PROFILE }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

static const struct option live_longopts[] = {
	TIMING_OPTIONS,
	{ "count", required_argument, NULL, 'c' },
	{ "interface", required_argument, NULL, 'i' },
	{ "write", required_argument, NULL, 'w' },
	{ "garbage-byte", no_argument, NULL, OPT_GARBAGE },
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ "file", required_argument, NULL, 'f' },
	{ "conns", required_argument, NULL, OPT_CONNS },
	{ "connect-rate", required_argument, NULL, OPT_CONNECT_RATE },
	{ NULL, 0, NULL, 0 },
};

static const struct option replay_longopts[] = {
	TIMING_OPTIONS,
	{ "flow-timeout", required_argument, NULL, OPT_FLOW_TIMEOUT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "middlebox", required_argument, NULL, OPT_MIDDLEBOX },
	{ "user-timeout", required_argument, NULL, OPT_USER_TIMEOUT },
	{ "report", required_argument, NULL, OPT_REPORT },
	{ NULL, 0, NULL, 0 },
};

/* What the audit and the trace share: output, help, the connection's
 * options and --report. */
#define OUTPUT_OPTIONS \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }
#define PATH_OPTIONS \
	{ "interface", required_argument, NULL, 'i' }, \
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT }, \
	{ "relinquish-privileges", required_argument, NULL, 'Z' }, \
	{ "report", required_argument, NULL, OPT_REPORT }

static const struct option audit_longopts[] = {
	OUTPUT_OPTIONS,
	{ "intvl", required_argument, NULL, OPT_INTVL },
	{ "max-idle", required_argument, NULL, OPT_MAX_IDLE },
	{ "max-conns", required_argument, NULL, OPT_MAX_CONNS },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "resolution", required_argument, NULL, OPT_RESOLUTION },
	PATH_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

static const struct option trace_longopts[] = {
	OUTPUT_OPTIONS,
	{ "max-hops", required_argument, NULL, OPT_MAX_HOPS },
	{ "variant", required_argument, NULL, OPT_VARIANT },
	{ "timeouts", no_argument, NULL, OPT_TIMEOUTS },
	{ "max-idle", required_argument, NULL, OPT_MAX_IDLE },
	{ "resolution", required_argument, NULL, OPT_RESOLUTION },
	PATH_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/* The commands: the prober has no name. */
static const struct command {
	const char *name;
	const struct option *longopts;
	const char *help;
} commands[] = {
	{ "", live_longopts, live_help },
	{ "replay", replay_longopts, replay_help },
	{ "audit", audit_longopts, audit_help },
	{ "trace", trace_longopts, trace_help },
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* The command being parsed, and the option getopt_long returned last as it
 * was typed ("--idle" or "-c"), so that every usage error names both. */
static const struct command *cmd = &commands[0];
static char optname[48];

static int usage_error(const char *msg)
{
	const char *sp = cmd->name[0] ? " " : "";
	char line[400];

	/* errmsg turns control characters typed in an argument into '?', so
	 * that the message stays one line. */
	errmsg(line, sizeof line, "kaprobe%s%s: %s (see kaprobe%s%s --help)", sp, cmd->name,
	       msg, sp, cmd->name);
	fprintf(stderr, "%s\n", line);
	return EXIT_USAGE;
}

/* A bad value for the option just read. */
static int value_error(const char *msg)
{
	char err[320];

	snprintf(err, sizeof err, "%s: %s", optname, msg);
	return usage_error(err);
}

/* The option of longopts named by the len characters at name, or NULL. */
static const struct option *find_long(const struct option *longopts, const char *name,
				      size_t len)
{
	for (const struct option *o = longopts; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* An unknown or ambiguous long option: say which, and what was meant. */
static int long_option_error(const char *arg)
{
	const char *name = arg + 2, *names[64];
	size_t len = strcspn(name, "="), n = 0, prefixed = 0;
	char err[320], list[200] = "";

	for (const struct option *o = cmd->longopts; o->name && n < 64; o++) {
		names[n++] = o->name;
		if (len && strncmp(o->name, name, len) == 0 && prefixed++ < 4)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s--%s",
				 prefixed > 1 ? ", " : "", o->name);
	}
	if (prefixed > 1) {
		snprintf(err, sizeof err, "option '--%.*s' is ambiguous: %s%s", (int)len,
			 name, list, prefixed > 4 ? ", ..." : "");
		return usage_error(err);
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (&commands[i] != cmd && find_long(commands[i].longopts, name, len)) {
			snprintf(err, sizeof err, "unknown option '--%.*s': it is an option "
				 "of kaprobe %s", (int)len, name,
				 commands[i].name[0] ? commands[i].name : "HOST:PORT");
			return usage_error(err);
		}
	char word[64];
	snprintf(word, sizeof word, "%.*s", (int)len, name);
	const char *near = suggest(word, names, n);
	if (near)
		snprintf(err, sizeof err, "unknown option '--%s' (did you mean '--%s'?)",
			 word, near);
	else
		snprintf(err, sizeof err, "unknown option '--%s'", word);
	return usage_error(err);
}

/* An unknown short option, and the command that has it if one does. */
static int short_option_error(int c)
{
	char err[128];

	for (size_t i = 0; i < NCOMMANDS; i++)
		for (const struct option *o = commands[i].longopts; c && o->name; o++)
			if (o->val == c && &commands[i] != cmd) {
				snprintf(err, sizeof err, "unknown option '-%c': it is an "
					 "option of kaprobe %s", c,
					 commands[i].name[0] ? commands[i].name : "HOST:PORT");
				return usage_error(err);
			}
	if (c > ' ' && c < 0x7f)
		snprintf(err, sizeof err, "unknown option '-%c'", c);
	else
		snprintf(err, sizeof err, "unknown option (byte 0x%02x)", (unsigned char)c);
	return usage_error(err);
}

/* What getopt_long found wrong, as one line (its own messages are off). */
static int option_error(int c, char **argv)
{
	char err[256];
	const char *arg = argv[optind - 1];

	if (c == ':')
		snprintf(err, sizeof err, "option '%s' needs a value", arg);
	/* A known long option given a value it does not take sets optopt;
	 * an unknown one leaves it 0. */
	else if (strncmp(arg, "--", 2) == 0 && optopt)
		snprintf(err, sizeof err, "option '%s' takes no value", arg);
	else if (strncmp(arg, "--", 2) == 0)
		return long_option_error(arg);
	else
		return short_option_error(optopt);
	return usage_error(err);
}

/* The options both commands share, kept apart so that explicit timings
 * override --profile whichever order they were given in. */
struct common {
	int64_t idle, intvl;
	long probes;
	const char *profile;
	bool json, quiet;
	const char *report;     /* --report (replay, audit, trace) */
};

/* Handle one shared option: 1 when handled, 0 when not one of them, or
 * the exit status after a bad value. */
static int common_opt(int c, struct common *cm)
{
	char err[256];
	int rc = 0;

	switch (c) {
	case OPT_IDLE:
		rc = parse_duration(optarg, MIN_TIME_US, MAX_TIME_US, &cm->idle, err, sizeof err);
		break;
	case OPT_INTVL:
		rc = parse_duration(optarg, MIN_TIME_US, MAX_TIME_US, &cm->intvl, err, sizeof err);
		break;
	case OPT_PROBES:
		rc = parse_count(optarg, 1, MAX_PROBES, &cm->probes, err, sizeof err);
		break;
	case OPT_PROFILE: cm->profile = optarg; break;
	case OPT_JSON: cm->json = true; break;
	case OPT_REPORT: cm->report = optarg; break;
	case 'q': cm->quiet = true; break;
	case 'h': fputs(cmd->help, stdout); exit(0);
	case 'V':
		printf("kaprobe %s (%s, %s)\n", KAPROBE_VERSION, pcap_lib_version(),
		       libnet_version());
		exit(0);
	default:
		return 0;
	}
	return rc < 0 ? value_error(err) : 1;
}

/* getopt_long with the shared options handled on the way: the next option
 * that is the command's own, -1 at the end, or -2 with *status set after a
 * bad shared value. */
static int next_opt(int argc, char **argv, const char *shortopts,
		    const struct option *longopts, struct common *cm, int *status)
{
	int c, rc = 0, li = -1;

	while ((c = getopt_long(argc, argv, shortopts, longopts, &li)) != -1) {
		if (li >= 0)
			snprintf(optname, sizeof optname, "--%s", longopts[li].name);
		else
			snprintf(optname, sizeof optname, "-%c", c);
		li = -1;
		if ((rc = common_opt(c, cm)) == 0)
			return c;
		if (rc != 1) {
			*status = rc;
			return -2;
		}
	}
	return -1;
}

/* Apply --profile, then the explicit timings, onto cfg. */
static int resolve_timing(const struct common *cm, struct ka_config *cfg)
{
	char err[256];

	if (cm->profile && profile_apply(cm->profile, cfg, err, sizeof err) < 0) {
		snprintf(optname, sizeof optname, "--profile");
		return value_error(err);
	}
	if (cm->idle)
		cfg->idle = cm->idle;
	if (cm->intvl)
		cfg->intvl = cm->intvl;
	if (cm->probes)
		cfg->probes = (unsigned)cm->probes;
	return 0;
}

/* The prober's first operand when it is no HOST:PORT but looks like a command:
 * "kaprobe repaly x.pcap", or "kaprobe -q replay x.pcap".  0 when it does
 * not, else the exit status after saying what is wrong. */
static int command_error(int argc, char **argv)
{
	const char *arg = argv[optind], *names[NCOMMANDS - 1], *near;
	char err[256];

	if (strchr(arg, ':') || strchr(arg, '['))
		return 0;
	for (size_t i = 1; i < NCOMMANDS; i++) {
		names[i - 1] = commands[i].name;
		if (strcmp(arg, commands[i].name) == 0) {
			snprintf(err, sizeof err, "command '%s' must come first: kaprobe %s "
				 "[options] %s", arg, arg, i == 1 ? "FILE" : "HOST:PORT");
			return usage_error(err);
		}
	}
	if ((near = suggest(arg, names, NCOMMANDS - 1)))
		snprintf(err, sizeof err, "unknown command '%.64s' (did you mean '%s'?)", arg,
			 near);
	else if (optind + 1 < argc)
		snprintf(err, sizeof err, "unknown command '%.64s': the commands are "
			 "replay, audit and trace, or give HOST:PORT to probe", arg);
	else
		return 0;
	return usage_error(err);
}

/* The single operand after the options. */
static int operand(int argc, char **argv, const char *what, const char **out)
{
	char err[256];

	if (optind == argc) {
		snprintf(err, sizeof err, "missing %s", what);
		return usage_error(err);
	}
	if (optind + 1 < argc) {
		snprintf(err, sizeof err, "unexpected argument '%s' after %s", argv[optind + 1],
			 argv[optind]);
		return usage_error(err);
	}
	*out = argv[optind];
	return 0;
}

/* The options of every command that opens connections: -i, -Z, -4, -6
 * and --connect-timeout, kept in the command's own option struct. */
struct conn_opts {
	const char **iface, **user;
	int *family;
	int64_t *connect_timeout;
};

/* 1 when c is one of them (*rc < 0 with err for a bad value), else 0. */
static int conn_opt(int c, const struct conn_opts *co, int *rc, char *err, size_t errlen)
{
	switch (c) {
	case 'i': *co->iface = optarg; return 1;
	case 'Z': *co->user = optarg; return 1;
	case '4': *co->family = AF_INET; return 1;
	case '6': *co->family = AF_INET6; return 1;
	case OPT_CONNECT_TIMEOUT:
		*rc = parse_duration(optarg, MIN_TIME_US, MAX_TIME_US, co->connect_timeout,
				     err, errlen);
		return 1;
	}
	return 0;
}

/* The targets: the operands, then -f's lines. */
static int live_targets(int argc, char **argv, struct live_opts *o)
{
	char err[256];
	int rc;

	if (optind < argc && (rc = command_error(argc, argv)) != 0)
		return rc;
	o->targets = (const char **)argv + optind;
	o->ntargets = (unsigned)(argc - optind);
	if (o->file) {
		/* The operands first, in the order given, then the file's.
		 * The list lives as long as the run. */
		static struct target_list l;

		for (unsigned i = 0; i < o->ntargets; i++)
			if (target_list_add(&l, o->targets[i]) < 0)
				return usage_error("out of memory");
		if (target_list_read(o->file, &l, err, sizeof err) < 0) {
			fprintf(stderr, "kaprobe: %s\n", err);
			return l.usage ? EXIT_USAGE : EXIT_NOINPUT;
		}
		o->targets = (const char **)l.v;
		o->ntargets = l.n;
	}
	if (o->ntargets == 0)
		return usage_error(o->file ? "no targets in the -f file" : "missing HOST:PORT");
	return 0;
}

static int live_main(int argc, char **argv)
{
	struct live_opts o = {
		.cfg = { .idle = 1000000, .intvl = 1000000, .probes = 3 },
		.family = AF_UNSPEC,
		.connect_timeout = 5000000,
		.conns = 1,
		.connect_rate = 200,
	};
	struct common cm = { 0 };
	char err[256];
	long n;
	int c, rc = 0;
	struct conn_opts co = { &o.iface, &o.user, &o.family, &o.connect_timeout };

	while ((c = next_opt(argc, argv, ":c:f:i:w:Z:q46DhV", live_longopts, &cm, &rc)) >= 0) {
		rc = 0;
		switch (c) {
		case 'c': rc = parse_count(optarg, 1, 1000000000L, &o.count, err, sizeof err); break;
		case 'w': o.wfile = optarg; break;
		case OPT_GARBAGE: o.garbage = true; break;
		case 'f': o.file = optarg; break;
		case 'D': o.stamp = true; break;
		case OPT_CONNS:
			rc = parse_count(optarg, 1, LIVE_MAX_CONNS, &n, err, sizeof err);
			o.conns = (unsigned)n;
			break;
		case OPT_CONNECT_RATE:
			rc = parse_count(optarg, 1, 100000, &n, err, sizeof err);
			o.connect_rate = (unsigned)n;
			break;
		default:
			if (!conn_opt(c, &co, &rc, err, sizeof err))
				return option_error(c, argv);
		}
		if (rc < 0)
			return value_error(err);
	}
	if (c == -2)
		return rc;
	if ((rc = live_targets(argc, argv, &o)) != 0 || (rc = resolve_timing(&cm, &o.cfg)) != 0)
		return rc;
	if (o.cfg.intvl < RATELIMIT_US && o.cfg.probes > 1)
		fprintf(stderr, "kaprobe: warning: --intvl under 500ms: a Linux peer answers "
			"zero-length probes at most once per net.ipv4.tcp_invalid_ratelimit "
			"(500ms), so some probes will look lost when they are not\n");
	o.json = cm.json;
	o.quiet = cm.quiet;
	/* Fully buffered, flushed by the event loop before it sleeps: a
	 * reader of a pipe sees each event as it happens, in one write per
	 * turn rather than one per line. */
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	return live_run(&o);
}

/* --report FILE: opened before the run, while kaprobe may still be root,
 * so that a path it cannot write stops it before any probe goes out. */
static int open_report(const struct report_meta *m, struct report **rep)
{
	char err[320], line[400];

	*rep = NULL;
	if (!m->path)
		return 0;
	if (!(*rep = report_open(m, err, sizeof err))) {
		errmsg(line, sizeof line, "kaprobe %s: %s", cmd->name, err);
		fprintf(stderr, "%s\n", line);
		return EXIT_CANTCREAT;
	}
	return 0;
}

/* Write the report once the run is over: a report asked for and not
 * written is an error (74), whatever the run's verdict. */
static int close_report(struct report *rep, int rc)
{
	if (rep && report_close(rep, rc) < 0 && rc < EXIT_USAGE)
		return EXIT_IOERR;
	return rc;
}

/* One of replay's own options into o: 0, or -1 with the message in err. */
static int replay_opt(int c, struct replay_opts *o, char *err, size_t errlen)
{
	long n;

	switch (c) {
	case OPT_FLOW_TIMEOUT:
		return parse_duration(optarg, 1000000, 1000LL * 3600 * 1000000, &o->flow_timeout,
				      err, errlen);
	case OPT_USER_TIMEOUT:
		return parse_duration(optarg, MIN_TIME_US, 30LL * 86400 * 1000000,
				      &o->cfg.user_timeout, err, errlen);
	case OPT_MAX_FLOWS:
		if (parse_count(optarg, 1, 100000000L, &n, err, errlen) < 0)
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

static int replay_main(int argc, char **argv)
{
	/* Linux's defaults for what --probes alone leaves unset. */
	struct replay_opts o = {
		.cfg = { .idle = LINUX_KEEPALIVE_TIME_S * 1000000LL,
			 .intvl = LINUX_KEEPALIVE_INTVL_S * 1000000LL,
			 .probes = LINUX_KEEPALIVE_PROBES },
		.flow_timeout = 3LL * 3600 * 1000000,
		.max_flows = REPLAY_DEFAULT_MAX_FLOWS,
	};
	struct common cm = { 0 };
	struct report_meta rm = { .kind = REPORT_REPLAY, .argc = argc, .argv = argv };
	char err[256];
	ka_time user_timeout;
	int c, rc = 0;

	while ((c = next_opt(argc, argv, ":qhV", replay_longopts, &cm, &rc)) >= 0) {
		rc = replay_opt(c, &o, err, sizeof err);
		if (rc > 0)
			return option_error(c, argv);
		if (rc < 0)
			return value_error(err);
	}
	if (c == -2)
		return rc;
	/* --profile's values must not undo --user-timeout. */
	user_timeout = o.cfg.user_timeout;
	if ((rc = operand(argc, argv, "FILE", &o.file)) != 0 ||
	    (rc = resolve_timing(&cm, &o.cfg)) != 0)
		return rc;
	o.cfg.user_timeout = user_timeout;
	o.timings = cm.profile || cm.idle || cm.intvl || cm.probes || user_timeout;
	o.json = cm.json;
	o.quiet = cm.quiet;
	rm.path = cm.report;
	rm.subject = o.file;
	rm.box = o.box;
	rm.nboxes = o.nboxes;
	if ((rc = open_report(&rm, &o.report)) != 0)
		return rc;
	return close_report(o.report, replay_run(&o));
}

static int audit_main(int argc, char **argv)
{
	struct audit_opts o = {
		.family = AF_UNSPEC,
		.max_idle = RFC5382_IDLE_US,
		.resolution = 500000,
		.max_conns = 32,
		.rate = 50,
		.connect_timeout = 5000000,
	};
	struct common cm = { 0 };
	char err[256];
	long n;
	int c, rc = 0;
	struct conn_opts co = { &o.iface, &o.user, &o.family, &o.connect_timeout };
	struct report_meta rm = { .kind = REPORT_AUDIT, .argc = argc, .argv = argv };

	while ((c = next_opt(argc, argv, ":i:Z:q46hV", audit_longopts, &cm, &rc)) >= 0) {
		rc = 0;
		switch (c) {
		case OPT_MAX_IDLE:
			rc = parse_duration(optarg, 1000000, 24LL * 3600 * 1000000, &o.max_idle,
					    err, sizeof err);
			break;
		case OPT_RESOLUTION:
			rc = parse_duration(optarg, 10000, 3600LL * 1000000, &o.resolution,
					    err, sizeof err);
			break;
		case OPT_MAX_CONNS:
			/* The variant phase alone needs 6 at once. */
			rc = parse_count(optarg, 6, 64, &n, err, sizeof err);
			o.max_conns = (unsigned)n;
			break;
		case OPT_RATE:
			rc = parse_count(optarg, 1, 1000, &n, err, sizeof err);
			o.rate = (unsigned)n;
			break;
		default:
			if (!conn_opt(c, &co, &rc, err, sizeof err))
				return option_error(c, argv);
		}
		if (rc < 0)
			return value_error(err);
	}
	if (c == -2)
		return rc;
	if ((rc = operand(argc, argv, "HOST:PORT", &o.target)) != 0)
		return rc;
	/* --intvl is one of the shared options: for the audit it is the
	 * refresh interval. */
	o.intvl = cm.intvl;
	o.json = cm.json;
	o.quiet = cm.quiet;
	rm.path = cm.report;
	rm.subject = o.target;
	rm.max_idle = o.max_idle;
	if ((rc = open_report(&rm, &o.report)) != 0)
		return rc;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);   /* flushed before each sleep */
	return close_report(o.report, audit_run(&o));
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

static int trace_main(int argc, char **argv)
{
	struct trace_opts o = {
		.family = AF_UNSPEC,
		.max_hops = 30,
		.connect_timeout = 5000000,
		.max_idle = RFC5382_IDLE_US,
		.resolution = 500000,
	};
	struct common cm = { 0 };
	char err[256];
	long n;
	int c, rc = 0;
	struct conn_opts co = { &o.iface, &o.user, &o.family, &o.connect_timeout };
	struct report_meta rm = { .kind = REPORT_TRACE, .argc = argc, .argv = argv };

	while ((c = next_opt(argc, argv, ":i:Z:q46hV", trace_longopts, &cm, &rc)) >= 0) {
		rc = 0;
		switch (c) {
		case OPT_MAX_HOPS:
			rc = parse_count(optarg, 1, 255, &n, err, sizeof err);
			o.max_hops = (unsigned)n;
			break;
		case OPT_VARIANT:
			rc = add_variant(&o, optarg, err, sizeof err);
			break;
		case OPT_TIMEOUTS:
			o.timeouts = true;
			break;
		case OPT_MAX_IDLE:
			rc = parse_duration(optarg, 2000000, 24LL * 3600 * 1000000, &o.max_idle,
					    err, sizeof err);
			break;
		case OPT_RESOLUTION:
			rc = parse_duration(optarg, 10000, 3600LL * 1000000, &o.resolution,
					    err, sizeof err);
			break;
		default:
			if (!conn_opt(c, &co, &rc, err, sizeof err))
				return option_error(c, argv);
		}
		if (rc < 0)
			return value_error(err);
	}
	if (c == -2)
		return rc;
	if ((rc = operand(argc, argv, "HOST:PORT", &o.target)) != 0)
		return rc;
	o.json = cm.json;
	o.quiet = cm.quiet;
	rm.path = cm.report;
	rm.subject = o.target;
	rm.max_idle = o.timeouts ? o.max_idle : 0;
	if ((rc = open_report(&rm, &o.report)) != 0)
		return rc;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);   /* flushed before each sleep */
	return close_report(o.report, trace_run(&o));
}

int main(int argc, char **argv)
{
	/* getopt's own messages would make a second line: report here. */
	opterr = 0;
	for (size_t i = 1; argc > 1 && i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == &commands[1])
		return replay_main(argc - 1, argv + 1);
	if (cmd == &commands[2])
		return audit_main(argc - 1, argv + 1);
	if (cmd == &commands[3])
		return trace_main(argc - 1, argv + 1);
	return live_main(argc, argv);
}
