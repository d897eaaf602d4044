/* cmd_live.c - the prober, `kaprobe [options] HOST:PORT...`: its options,
 * defaults and help (the run is live.c's).  It is the command without a
 * name, so its --help is the overview of every command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cmd/command.h"
#include "cmd/live.h"
#include "net/target.h"
#include "util/exitcode.h"
#include "util/parse.h"

/* A zero-length probe is out of window: Linux answers it at most once per
 * net.ipv4.tcp_invalid_ratelimit (500 ms) per socket. */
#define RATELIMIT_US 500000
#define MAX_COUNT 1000000000L
#define MAX_CONNECT_RATE 100000

static const struct live_opts defaults = {
	.cfg = { .idle = 1000000, .intvl = 1000000, .probes = 3 },
	.family = AF_UNSPEC,
	.connect_timeout = DEFAULT_CONNECT_TIMEOUT_US,
	.conns = 1,
	.connect_rate = 200,
};

static const struct option longopts[] = {
	CMD_TIMING_OPTIONS,
	{ "count", required_argument, NULL, 'c' },
	{ "interface", required_argument, NULL, 'i' },
	{ "write", required_argument, NULL, 'w' },
	{ "garbage-byte", no_argument, NULL, OPT_GARBAGE },
	CMD_HEARTBEAT_OPTIONS,
	{ "connect-timeout", required_argument, NULL, OPT_CONNECT_TIMEOUT },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ "file", required_argument, NULL, 'f' },
	{ "conns", required_argument, NULL, OPT_CONNS },
	{ "connect-rate", required_argument, NULL, OPT_CONNECT_RATE },
	{ "far-end", no_argument, NULL, OPT_FAR_END },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_usage usage[] = {
	{ "[options] HOST:PORT...", "probe connections, like ping" },
	{ "[options] -f FILE", "the same, with targets from FILE" },
	{ NULL, NULL },
};

static void help(FILE *f)
{
	const struct live_opts *d = &defaults;

	fprintf(f, "\n"
"Open a TCP connection to HOST:PORT and, once it is idle, send the keep-alive\n"
"probes Linux would send, reporting like ping whether and how the peer answers.\n"
"HOST is an IPv4 address, [an IPv6 address] or a name.  Needs CAP_NET_RAW.\n"
"\n"
"Keep-alive timing (as Linux's net.ipv4.tcp_keepalive_*):\n"
"  --idle DURATION     idle time before the first probe (default %s)\n"
"  --intvl DURATION    time between unanswered probes (default %s)\n"
"  --probes N          unanswered probes before the peer is dead, 1-%d (default %u)\n",
		help_dur(d->cfg.idle).s, help_dur(d->cfg.intvl).s, MAX_PROBES, d->cfg.probes);
	fprintf(f,
"  --profile NAME      timings of a real stack: linux (2h/75s/9), freebsd and macos\n"
"                      (2h/75s/8), windows (2h/1s/10), or system (this host's\n"
"                      /proc/sys/net/ipv4/tcp_keepalive_*); --idle, --intvl and\n"
"                      --probes given as well override it\n"
"  DURATION is 500ms, 30s, 1.5s, 2m, 2h4m, 1m15s or a bare number of seconds\n"
"  (%s to %llds).\n"
"\n"
"Many connections (one process, one capture, one raw socket):\n"
"  HOST:PORT...        several targets, each its own connection (a target named\n"
"                      twice is two connections)\n"
"  -f, --file FILE     targets from FILE too, one HOST:PORT a line (- reads\n"
"                      standard input; blank lines and # comments skipped)\n"
"      --conns N       N connections to each target (default %u)\n"
"      --connect-rate N  open at most N connections a second (default %u)\n",
		help_dur(MIN_TIME_US).s, MAX_TIME_US / 1000000, d->conns, d->connect_rate);
	fprintf(f,
"  With more than one connection, every line and JSON event names its\n"
"  connection (\"conn\", \"dst\"); each ends with a verdict, and a table\n"
"  (JSON: a summary counting verdicts) ends the run and answers SIGQUIT.\n"
"  Exit status then: the highest of the connections' (0 alive, 1 dead,\n"
"  unreachable, 2 reset, 3 no connection, 4 interrupted unanswered,\n"
"  5 closed).\n"
"\n"
"Probing:\n"
"  -c, --count N       stop after N answered rounds (default: until dead, reset,\n"
"                      closed or interrupted)\n"
"  -i, --interface IF  capture and send on IF instead of the routed interface\n"
"      --garbage-byte  send one octet of data in each probe (RFC 1122 variant)\n"
"      --heartbeat DATA  write DATA through the connection instead of each\n"
"                      probe: application bytes the peer accepts, at most %d\n"
"                      (C escapes: \\r \\n \\t \\\\ \\\" \\xHH \\0NNN); the ACK of them\n"
"                      answers.  Data refreshes a proxy's or a server's idle\n"
"                      timeout; probes, which carry none, cannot\n"
"      --heartbeat-hex HEX  the same, as hex pairs (spaces or colons allowed)\n"
"      --far-end       the peer is kaprobe serve: after each round, ask it on a\n"
"                      new connection what it received, and say per probe\n"
"                      whether it arrived, what changed on the way, and who\n"
"                      answered (an \"arrival\" event); a peer that sends no\n"
"                      greeting within 1s is not serve (exit 3)\n"
"  -4, -6              use IPv4 or IPv6 only when HOST is a name\n"
"      --connect-timeout DURATION  give up connecting after this (default %s)\n"
"  -Z, --relinquish-privileges USER  after opening the raw socket and the\n"
"                      capture, become USER (kaprobe drops every capability\n"
"                      then in any case)\n"
"\n"
"Output:\n"
"  -w, --write FILE    write every packet of the flow (handshake, probes,\n"
"                      replies, ICMP errors) to a pcap file\n"
"      --json          JSON lines: connect, probe, reply, verdict, summary\n"
"  -q, --quiet         only the verdict and the summary\n"
"  -D                  start each line with the Unix time, as ping -D\n"
"  -h, --help          this text;  -V, --version  the version\n"
"\n"
"Signals: SIGINT/SIGTERM/SIGHUP print the summary and stop (SIGHUP not under\n"
"nohup); SIGQUIT prints statistics.\n"
"\n"
"Exit status: 0 alive (answered), 1 dead or unreachable, 2 reset by the peer,\n"
"3 could not connect (name, route, refused, timed out; with --far-end, the peer\n"
"is not kaprobe serve), 4 interrupted before a\n"
"verdict (the last round unanswered), 5 closed: the peer (or a proxy) closed\n"
"the connection on its own, an idle timeout keep-alive cannot refresh (the\n"
"verdict says after how long without data), 64 usage error, 70 internal\n"
"error, 73 -w file cannot be written, 74 standard output cannot be written\n"
"(a full disk; a closed pipe, as | head, ends the run quietly), 77 missing\n"
"privilege (CAP_NET_RAW).  With several targets each connection has its own\n"
"verdict and the status is the highest.\n",
		HEARTBEAT_MAX, help_dur(d->connect_timeout).s);
}

/* The targets: the operands, then -f's lines. */
static int targets(int argc, char **argv, struct live_opts *o)
{
	return cmd_targets(argc, argv, o->file, &o->targets, &o->ntargets);
}

/* One of the prober's own options into o: 0, 1 when it is none, or -1
 * with the message in err. */
static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct live_opts *o = opts;
	const struct conn_opts co = { &o->iface, &o->user, &o->family, &o->connect_timeout };
	long n;
	int rc = 0;

	switch (c) {
	case 'c': return parse_count(optarg, 1, MAX_COUNT, &o->count, err, errlen);
	case 'w': o->wfile = optarg; return 0;
	case OPT_GARBAGE: o->garbage = true; return 0;
	case 'f': o->file = optarg; return 0;
	case 'D': o->stamp = true; return 0;
	case OPT_FAR_END: o->far_end = true; return 0;
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

static int run(int argc, char **argv)
{
	struct live_opts o = defaults;
	struct common cm = { 0 };
	int rc;

	if ((rc = cmd_parse(argc, argv, &cm, own_opt, &o)) != 0)
		return rc;
	if ((rc = targets(argc, argv, &o)) != 0 || (rc = cmd_resolve_timing(&cm, &o.cfg)) != 0)
		return rc;
	if (o.far_end && cm.heartbeat)
		return cmd_usage_error("--far-end reports keep-alive probes and --heartbeat sends "
				       "data instead of them: give one");
	if (cm.heartbeat && o.garbage)
		return cmd_usage_error("--garbage-byte shapes keep-alive probes and --heartbeat "
				       "sends data instead of them: give one");
	o.heartbeat = cm.heartbeat;
	o.heartbeat_len = cm.heartbeat_len;
	/* Data is always answered; only a zero-length probe is rate limited. */
	if (o.cfg.intvl < RATELIMIT_US && o.cfg.probes > 1 && !o.heartbeat)
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

const struct command cmd_live = {
	.name = "",
	.operand = "HOST:PORT",
	.shortopts = ":c:f:i:w:Z:q46DhV",
	.longopts = longopts,
	.usage = usage,
	.help = help,
	.run = run,
};
