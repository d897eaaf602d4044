/* command.h - a command of kaprobe's, and the option parsing they share.
 *
 * Each command is a struct in its own file (cmd_live.c, cmd_replay.c,
 * cmd_audit.c, cmd_trace.c, cmd_sockets.c): its name, its options, its
 * help, and what parses its options and runs it.  main.c finds the command in the table
 * (commands.c); the usage errors, the options every command shares and
 * the help around each command's own text are cmdline.c's and help.c's,
 * driven by the same table, so that adding a command adds one file and one
 * row.  Every value is checked before any socket or file is opened, with
 * one precise line on stderr and exit 64 for anything wrong.
 */
#ifndef KAPROBE_COMMAND_H
#define KAPROBE_COMMAND_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tcp/keepalive.h"
#include "tcp/middlebox.h"

/* Linux's own limits for the per-socket values (TCP_KEEPIDLE and
 * TCP_KEEPINTVL 1..32767 s, TCP_KEEPCNT 1..127); kaprobe also allows
 * sub-second idle and interval, which only a user-space prober can do. */
#define MIN_TIME_US 1000LL
#define MAX_TIME_US (32767LL * 1000000)
#define MAX_PROBES 127
/* What the commands that open connections share: --connect-timeout's
 * default; and the audit's and the trace's idle search: --max-idle at
 * most, --resolution's range and default. */
#define DEFAULT_CONNECT_TIMEOUT_US 5000000LL
#define MAX_MAX_IDLE_US (24LL * 3600 * 1000000)
#define MIN_RESOLUTION_US 10000LL
#define MAX_RESOLUTION_US (3600LL * 1000000)
#define DEFAULT_RESOLUTION_US 500000LL
/* ... or this many thousandths of the timeout when that is wider: a 2h
 * timeout to the half second would cost hours more (tcp/idlesched.h). */
#define DEFAULT_RESOLUTION_PERMILLE 10
/* The audit's connections open at once: the idle search's ladder and the
 * spares it answers later questions with (tcp/idlesched.h). */
#define DEFAULT_AUDIT_CONNS 64

/* One usage line: "kaprobe NAME ARGS", and what it does (the overview's
 * column). */
struct cmd_usage {
	const char *args;
	const char *summary;
};

struct command {
	const char *name;               /* "" for the prober, which has none */
	const char *operand;            /* "HOST:PORT", "FILE": what it takes */
	const char *shortopts;          /* getopt_long's, ':' first */
	const struct option *longopts;
	const struct cmd_usage *usage;  /* its usage lines, up to one with NULL args */
	void (*help)(FILE *f);          /* --help after the usage lines */
	int (*run)(int argc, char **argv);   /* parse the options, run; the status */
};

/* The table, the prober first (commands.c). */
extern const struct command *const commands[];
extern const unsigned ncommands;
extern const struct command cmd_live, cmd_replay, cmd_audit, cmd_trace, cmd_serve;
extern const struct command cmd_sockets, cmd_advise, cmd_watch;

/* The long options' values beyond a char. */
enum {
	OPT_IDLE = 256, OPT_INTVL, OPT_PROBES, OPT_PROFILE, OPT_JSON,
	OPT_GARBAGE, OPT_CONNECT_TIMEOUT, OPT_FLOW_TIMEOUT,
	OPT_MAX_IDLE, OPT_MAX_CONNS, OPT_RATE, OPT_RESOLUTION,
	OPT_CONNS, OPT_CONNECT_RATE, OPT_MAX_HOPS, OPT_VARIANT, OPT_TIMEOUTS,
	OPT_MAX_FLOWS, OPT_MIDDLEBOX, OPT_USER_TIMEOUT, OPT_REPORT,
	OPT_HEARTBEAT, OPT_HEARTBEAT_HEX,
	OPT_PATH_TIMEOUT, OPT_FROM, OPT_FAR_END,
	OPT_FOR, OPT_PEER_TIMEOUT, OPT_LOSS, OPT_BURST, OPT_RTT, OPT_BUDGET,
};

/* --heartbeat's data at most: one segment's worth on any path. */
#define HEARTBEAT_MAX 1024

/* The options the keep-alive machine's commands share (live, replay). */
#define CMD_TIMING_OPTIONS \
	{ "idle", required_argument, NULL, OPT_IDLE }, \
	{ "intvl", required_argument, NULL, OPT_INTVL }, \
	{ "probes", required_argument, NULL, OPT_PROBES }, \
	{ "profile", required_argument, NULL, OPT_PROFILE }, \
	CMD_OUTPUT_OPTIONS
/* Output, help and the version: every command's. */
#define CMD_OUTPUT_OPTIONS \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }
/* Application data sent instead of keep-alive probes (live, audit). */
#define CMD_HEARTBEAT_OPTIONS \
	{ "heartbeat", required_argument, NULL, OPT_HEARTBEAT }, \
	{ "heartbeat-hex", required_argument, NULL, OPT_HEARTBEAT_HEX }
/* What the audit and the trace share: the connection's options and
 * --report. */
#define CMD_PATH_OPTIONS \
	{ "interface", required_argument, NULL, 'i' }, \
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT }, \
	{ "relinquish-privileges", required_argument, NULL, 'Z' }, \
	{ "report", required_argument, NULL, OPT_REPORT }

/* ---- cmdline.c: parsing, for every command -------------------------------------- */

/* The options every command shares, kept apart so that explicit timings
 * override --profile whichever order they were given in. */
struct common {
	int64_t idle, intvl;
	long probes;
	const char *profile;
	bool json, quiet;
	const char *report;     /* --report (replay, audit, trace) */
	/* --heartbeat or --heartbeat-hex, parsed (NULL: none).  The bytes
	 * live as long as the process. */
	const uint8_t *heartbeat;
	size_t heartbeat_len;
};

/* The command being run: usage errors name it. */
void cmd_begin(const struct command *c);

/* One of a command's own options, c as getopt_long returned it, into its
 * option struct o: 0, 1 when c is none of them, or -1 with the message in
 * err. */
typedef int (*cmd_opt_fn)(int c, void *o, char *err, size_t errlen);

/* Every option of the command: the shared ones into cm (--help and
 * --version exit), its own through own.  Returns 0 with optind at the
 * operands, or the exit status after a mistake (its line printed). */
int cmd_parse(int argc, char **argv, struct common *cm, cmd_opt_fn own, void *o);

/* The exit status after a usage error, its one line printed. */
int cmd_usage_error(const char *msg);

/* The options of every command that opens connections: -i, -Z, -4, -6
 * and --connect-timeout, kept in the command's own option struct. */
struct conn_opts {
	const char **iface, **user;
	int *family;
	int64_t *connect_timeout;
};

/* 1 when c is one of them (*rc < 0 with err for a bad value), else 0. */
int cmd_conn_opt(int c, const struct conn_opts *co, int *rc, char *err, size_t errlen);

/* Apply --profile, then the explicit timings, onto cfg: 0, or the exit
 * status after a bad profile. */
int cmd_resolve_timing(const struct common *cm, struct ka_config *cfg);

/* The targets of live and watch: the operands, then file's lines (-f,
 * or NULL), into *targets (kept as long as the process).  0, or the exit
 * status after saying what is wrong. */
int cmd_targets(int argc, char **argv, const char *file, const char ***targets, unsigned *n);

/* The single operand after the options, into *out: 0, or the exit status. */
int cmd_operand(int argc, char **argv, const char **out);

/* The prober's first operand when it is no HOST:PORT but looks like a
 * command ("kaprobe repaly x.pcap", "kaprobe -q replay x.pcap"): 0 when it
 * does not, else the exit status after saying what is wrong. */
int cmd_misplaced(int argc, char **argv);

struct report;
struct report_meta;

/* --report FILE: opened before the run, while kaprobe may still be root,
 * so that a path it cannot write stops it before any probe goes out.  0
 * (*rep NULL without --report), or the exit status. */
int cmd_open_report(const struct report_meta *m, struct report **rep);
/* Write the report once the run (status rc) is over: a report asked for
 * and not written is an error (74), whatever the run's verdict. */
int cmd_close_report(struct report *rep, int rc);

/* ---- help.c ---------------------------------------------------------------------- */

/* --help: the command's usage lines, or for the prober (the command
 * without a name) the overview of every command's, then its own text. */
void help_print(const struct command *c, FILE *f);

/* A duration as help text shows it ("500ms", "2h4m"), for a printf
 * argument: help_dur(us).s. */
struct help_dur {
	char s[24];
};
struct help_dur help_dur(int64_t us);

#endif
