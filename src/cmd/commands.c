/* commands.c - the table of kaprobe's commands (see command.h).  The
 * prober, which has no name, comes first: it is what `kaprobe HOST:PORT`
 * runs, and its --help is the overview of the others. */
#include "cmd/command.h"

const struct command *const commands[] = { &cmd_live, &cmd_replay, &cmd_audit, &cmd_trace,
					     &cmd_serve, &cmd_sockets, &cmd_advise, &cmd_watch };
const unsigned ncommands = sizeof commands / sizeof commands[0];
