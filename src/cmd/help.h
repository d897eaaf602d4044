/* help.h - each command's --help text.
 *
 * kaprobe --help is the overview (the three usage lines) and the prober's
 * options, since the prober is the command without a name; replay, audit
 * and trace each print only their own usage and options. */
#ifndef KAPROBE_HELP_H
#define KAPROBE_HELP_H

extern const char live_help[];
extern const char replay_help[];
extern const char audit_help[];
extern const char trace_help[];

#endif
