/* cmd_serve.c - `kaprobe serve [options] [ADDR:]PORT`: its options and
 * help (the run is serve.c's). */
#include <stdio.h>
#include <string.h>

#include "cmd/command.h"
#include "cmd/serve.h"
#include "tcp/segring.h"

static const struct option longopts[] = {
	CMD_OUTPUT_OPTIONS,
	{ "interface", required_argument, NULL, 'i' },
	{ "write", required_argument, NULL, 'w' },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ NULL, 0, NULL, 0 },
};

static const struct cmd_usage usage[] = {
	{ "[options] [ADDR:]PORT", "the far end: hold connections, say what arrived" },
	{ NULL, NULL },
};

static void help(FILE *f)
{
	fprintf(f, "\n"
"Listen on PORT (IPv4 and IPv6; ADDR:PORT or [ADDR6]:PORT for one address),\n"
"accept and hold every connection, and watch each one through one capture:\n"
"the far end for live mode's far-end reports.  Each connection is greeted\n"
"with one line (\"KAPROBE-SERVE 1 you=IP:PORT me=IP:PORT\"); a kaprobe client\n"
"that sees it may ask, on that connection or a new one, what serve received\n"
"(RECEIVED), its view of a flow (STATUS), or for probes or heartbeats from\n"
"serve (PROBE D, HEARTBEAT D); anything else is held like any server's\n"
"client.  The last %u segments of each connection are kept, and the records of\n"
"the last %u closed ones.  The protocol: kaprobe(8), docs/serve.md.  Needs\n"
"CAP_NET_RAW, as live mode.\n"
"\n"
"Options:\n"
"  -i, --interface IF  capture on IF (default: any, every interface, so that a\n"
"                      proxy on this host connecting over loopback is seen)\n"
"  -w, --write FILE    write every packet of the port to a pcap file\n"
"  -Z, --relinquish-privileges USER  after listening, become USER\n"
"      --json          JSON lines: listen, open, close, unseen, control, probe,\n"
"                      reply, summary\n"
"  -q, --quiet         only the summary\n"
"  -D                  start each line with the Unix time\n"
"  -h, --help          this text;  -V, --version  the version\n"
"\n"
"Signals: SIGINT, SIGTERM and SIGHUP print the summary and stop.\n"
"\n"
"Exit status: 0 stopped by a signal, 64 usage error (a bad [ADDR:]PORT, the\n"
"port in use), 70 internal error, 73 -w file cannot be written, 74 standard\n"
"output cannot be written, 77 missing privilege (CAP_NET_RAW, or a port below\n"
"1024 without CAP_NET_BIND_SERVICE).\n", SEGRING_N, SERVE_HISTORY);
}

static int own_opt(int c, void *opts, char *err, size_t errlen)
{
	struct serve_opts *o = opts;

	(void)err; (void)errlen;
	switch (c) {
	case 'i': o->iface = optarg; return 0;
	case 'w': o->wfile = optarg; return 0;
	case 'Z': o->user = optarg; return 0;
	case 'D': o->stamp = true; return 0;
	}
	return 1;
}

static int run(int argc, char **argv)
{
	struct serve_opts o = { 0 };
	struct common cm = { 0 };
	struct ctl_addr a[2];
	char err[256];
	unsigned n;
	int rc;

	if ((rc = cmd_parse(argc, argv, &cm, own_opt, &o)) != 0 ||
	    (rc = cmd_operand(argc, argv, &o.listen)) != 0)
		return rc;
	if (serve_parse_listen(o.listen, a, &n, err, sizeof err) < 0)
		return cmd_usage_error(err);
	o.json = cm.json;
	o.quiet = cm.quiet;
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);   /* flushed before each sleep */
	return serve_run(&o);
}

const struct command cmd_serve = {
	.name = "serve",
	.operand = "[ADDR:]PORT",
	.shortopts = ":i:w:Z:qDhV",
	.longopts = longopts,
	.usage = usage,
	.help = help,
	.run = run,
};
