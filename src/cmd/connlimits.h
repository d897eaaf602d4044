/* connlimits.h - live's and watch's many connections each need a
 * descriptor and a local port: say so before the first one opens, not
 * halfway through. */
#ifndef KAPROBE_CONNLIMITS_H
#define KAPROBE_CONNLIMITS_H

/* n connections, at most `most` of them to one destination: raise the
 * descriptors' soft limit as far as needed (and allowed), and check the
 * local port range.  0, or EXIT_USAGE after one line on stderr. */
int conn_limits(unsigned n, unsigned most);

#endif
