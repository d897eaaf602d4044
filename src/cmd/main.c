/* main.c - kaprobe's command line: the command named first (the prober
 * when none is), its options parsed and run by its own file (command.h),
 * and its exit status out. */
#include <getopt.h>
#include <string.h>

#include "cmd/command.h"
#include "util/exitcode.h"

int main(int argc, char **argv)
{
	/* getopt's own messages would make a second line: cmdline.c says
	 * what is wrong instead. */
	opterr = 0;
	for (unsigned i = 0; argc > 1 && i < ncommands; i++)
		if (commands[i]->name[0] && strcmp(argv[1], commands[i]->name) == 0) {
			cmd_begin(commands[i]);
			return commands[i]->run(argc - 1, argv + 1);
		}
	/* The command without a name: the prober, kaprobe HOST:PORT. */
	for (unsigned i = 0; i < ncommands; i++)
		if (!commands[i]->name[0]) {
			cmd_begin(commands[i]);
			return commands[i]->run(argc, argv);
		}
	return EXIT_SOFTWARE;
}
