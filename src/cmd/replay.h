/* replay.h - `kaprobe replay FILE`: keep-alive over a capture (see replay.c). */
#ifndef KAPROBE_REPLAY_H
#define KAPROBE_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "tcp/keepalive.h"

struct report;
#include "tcp/middlebox.h"

#define REPLAY_MAX_BOXES 8
/* --max-flows: about 270 MiB (records, index, and the eviction scratch). */
#define REPLAY_DEFAULT_MAX_FLOWS 2000000

struct replay_opts {
	const char *file;         /* a pcap or pcapng file, or "-" */
	bool json, quiet;
	bool timings;             /* --idle/--intvl/--probes/--profile/--user-timeout given */
	struct ka_config cfg;     /* those timings */
	ka_time flow_timeout;     /* release a flow silent this long */
	uint32_t max_flows;       /* hold at most this many: evict the longest silent */
	struct middlebox box[REPLAY_MAX_BOXES];   /* --middlebox */
	unsigned nboxes;
	struct report *report;    /* --report, or NULL */
};

/* Read the whole capture.  Returns the exit status: 0 read through, 65 not
 * a capture (or damaged part-way, after reporting what came before), 66
 * cannot open, 70 out of memory, 74 stdout could not be written (a full
 * disk), 128 + the signal when SIGINT, SIGTERM or SIGHUP stopped it (after
 * reporting what was read). */
int replay_run(const struct replay_opts *opt);

/* The same over an open stream (closed when done), named opt->file in
 * messages: for standard input and for the fuzzer's in-memory captures. */
int replay_stream(FILE *fp, const struct replay_opts *opt);

#endif
