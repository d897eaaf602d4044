/* cmdline.c - option parsing every command shares (see command.h): the
 * shared options, and usage errors that name the command, the option as it
 * was typed, and, for an option or command misplaced, where it belongs. */
#include <libnet.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/command.h"
#include "net/target.h"
#include "report/report.h"
#include "tcp/profile.h"
#include "util/errmsg.h"
#include "util/exitcode.h"
#include "util/parse.h"
#include "util/suggest.h"
#include "util/version.h"

/* The command being parsed, and the option getopt_long returned last as it
 * was typed ("--idle" or "-c"), so that every usage error names both. */
static const struct command *cmd = &cmd_live;
static char optname[48];

void cmd_begin(const struct command *c)
{
	cmd = c;
}

/* "kaprobe audit" names the audit; the prober, without a name, is known by
 * its operand: "kaprobe HOST:PORT". */
static const char *known_as(const struct command *c)
{
	return c->name[0] ? c->name : c->operand;
}

int cmd_usage_error(const char *msg)
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
	return cmd_usage_error(err);
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
		return cmd_usage_error(err);
	}
	for (unsigned i = 0; i < ncommands; i++)
		if (commands[i] != cmd && find_long(commands[i]->longopts, name, len)) {
			snprintf(err, sizeof err, "unknown option '--%.*s': it is an option "
				 "of kaprobe %s", (int)len, name, known_as(commands[i]));
			return cmd_usage_error(err);
		}
	char word[64];
	snprintf(word, sizeof word, "%.*s", (int)len, name);
	const char *near = suggest(word, names, n);
	if (near)
		snprintf(err, sizeof err, "unknown option '--%s' (did you mean '--%s'?)",
			 word, near);
	else
		snprintf(err, sizeof err, "unknown option '--%s'", word);
	return cmd_usage_error(err);
}

/* An unknown short option, and the command that has it if one does. */
static int short_option_error(int c)
{
	char err[128];

	for (unsigned i = 0; i < ncommands; i++)
		for (const struct option *o = commands[i]->longopts; c && o->name; o++)
			if (o->val == c && commands[i] != cmd) {
				snprintf(err, sizeof err, "unknown option '-%c': it is an "
					 "option of kaprobe %s", c, known_as(commands[i]));
				return cmd_usage_error(err);
			}
	if (c > ' ' && c < 0x7f)
		snprintf(err, sizeof err, "unknown option '-%c'", c);
	else
		snprintf(err, sizeof err, "unknown option (byte 0x%02x)", (unsigned char)c);
	return cmd_usage_error(err);
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
	return cmd_usage_error(err);
}

/* --heartbeat DATA or --heartbeat-hex HEX, once: 0, or -1 with err. */
static int heartbeat_opt(int c, struct common *cm, char *err, size_t errlen)
{
	static uint8_t data[HEARTBEAT_MAX];   /* kept for the engine, by pointer */

	if (cm->heartbeat) {
		snprintf(err, errlen, "give one heartbeat: --heartbeat or --heartbeat-hex, once");
		return -1;
	}
	if ((c == OPT_HEARTBEAT ? parse_escaped : parse_hex)(optarg, data, sizeof data,
							    &cm->heartbeat_len, err, errlen) < 0)
		return -1;
	cm->heartbeat = data;
	return 0;
}

/* Handle one shared option: 1 when handled, 0 when not one of them, or
 * the exit status after a bad value. */
static int common_opt(int c, struct common *cm)
{
	char err[256];
	int rc = 0;

	switch (c) {
	case OPT_HEARTBEAT:
	case OPT_HEARTBEAT_HEX:
		rc = heartbeat_opt(c, cm, err, sizeof err);
		break;
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
	case 'h': help_print(cmd, stdout); exit(0);
	case 'V':
		printf("kaprobe %s (%s, %s)\n", KAPROBE_VERSION, pcap_lib_version(),
		       libnet_version());
		exit(0);
	default:
		return 0;
	}
	return rc < 0 ? value_error(err) : 1;
}

/* getopt_long over the command's options with the shared ones handled on
 * the way: the next option that is the command's own, -1 at the end, or -2
 * with *status set after a bad shared value. */
static int next_opt(int argc, char **argv, struct common *cm, int *status)
{
	const struct option *longopts = cmd->longopts;
	int c, rc = 0, li = -1;

	while ((c = getopt_long(argc, argv, cmd->shortopts, longopts, &li)) != -1) {
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

int cmd_parse(int argc, char **argv, struct common *cm, cmd_opt_fn own, void *o)
{
	char err[256];
	int c, rc = 0;

	while ((c = next_opt(argc, argv, cm, &rc)) >= 0) {
		rc = own(c, o, err, sizeof err);
		if (rc > 0)
			return option_error(c, argv);
		if (rc < 0)
			return value_error(err);
	}
	return c == -2 ? rc : 0;
}

int cmd_resolve_timing(const struct common *cm, struct ka_config *cfg)
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

/* "a, b and c": the names of the commands that have one. */
static void named_commands(char *buf, size_t len, const char **names, unsigned *n)
{
	*n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < ncommands; i++)
		if (commands[i]->name[0])
			names[(*n)++] = commands[i]->name;
	for (unsigned i = 0; i < *n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			 i == 0 ? "" : i + 1 == *n ? " and " : ", ", names[i]);
}

int cmd_misplaced(int argc, char **argv)
{
	const char *arg = argv[optind], *names[16], *near;
	char err[256], list[128];
	unsigned n;

	if (strchr(arg, ':') || strchr(arg, '['))
		return 0;
	named_commands(list, sizeof list, names, &n);
	for (unsigned i = 0; i < ncommands; i++)
		if (commands[i]->name[0] && strcmp(arg, commands[i]->name) == 0) {
			snprintf(err, sizeof err, "command '%s' must come first: kaprobe %s %s",
				 arg, arg, commands[i]->usage[0].args);
			return cmd_usage_error(err);
		}
	if ((near = suggest(arg, names, n)))
		snprintf(err, sizeof err, "unknown command '%.64s' (did you mean '%s'?)", arg,
			 near);
	else if (optind + 1 < argc)
		snprintf(err, sizeof err, "unknown command '%.64s': the commands are %s, or "
			 "give %s to probe", arg, list, cmd->operand);
	else
		return 0;
	return cmd_usage_error(err);
}

int cmd_operand(int argc, char **argv, const char **out)
{
	char err[256];

	if (optind == argc) {
		snprintf(err, sizeof err, "missing %s", cmd->operand);
		return cmd_usage_error(err);
	}
	if (optind + 1 < argc) {
		snprintf(err, sizeof err, "unexpected argument '%s' after %s", argv[optind + 1],
			 argv[optind]);
		return cmd_usage_error(err);
	}
	*out = argv[optind];
	return 0;
}

int cmd_conn_opt(int c, const struct conn_opts *co, int *rc, char *err, size_t errlen)
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

int cmd_open_report(const struct report_meta *m, struct report **rep)
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

int cmd_close_report(struct report *rep, int rc)
{
	char err[PATH_MAX + 200];

	if (!rep || report_close(rep, rc, err, sizeof err) == 0)
		return rc;
	fprintf(stderr, "kaprobe: %s\n", err);
	return rc < EXIT_USAGE ? EXIT_IOERR : rc;
}

int cmd_targets(int argc, char **argv, const char *file, const char ***out, unsigned *n)
{
	const char **t = (const char **)argv + optind;
	unsigned nt = (unsigned)(argc - optind);
	char err[256];
	int rc;

	if (optind < argc && (rc = cmd_misplaced(argc, argv)) != 0)
		return rc;
	if (file) {
		/* The operands first, in the order given, then the file's.
		 * The list lives as long as the run. */
		static struct target_list l;

		for (unsigned i = 0; i < nt; i++)
			if (target_list_add(&l, t[i]) < 0)
				return cmd_usage_error("out of memory");
		if (target_list_read(file, &l, err, sizeof err) < 0) {
			fprintf(stderr, "kaprobe: %s\n", err);
			return l.usage ? EXIT_USAGE : EXIT_NOINPUT;
		}
		t = (const char **)l.v;
		nt = l.n;
	}
	if (nt == 0)
		return cmd_usage_error(file ? "no targets in the -f file" : "missing HOST:PORT");
	*out = t;
	*n = nt;
	return 0;
}
