/* swsettings.h - what to set, in the software people run, to keep a
 * connection alive through a path's idle timeout.
 *
 * A row is one piece of software (or a family: a client library and its
 * server) with its settings as lines to paste, the values filled in; each
 * row's names, units and limits are sourced in docs/settings.md.  Two
 * kinds: TCP keep-alive settings (the kernel sends probes without data:
 * they refresh a middlebox's state, never an endpoint's own idle timeout)
 * and heartbeats (the software sends data, such as SSH's alive messages or
 * HTTP/2 PINGs: these refresh both).  When the peer closes idle
 * connections itself, a keep-alive row says that it cannot help.
 */
#ifndef KAPROBE_SWSETTINGS_H
#define KAPROBE_SWSETTINGS_H

#include <stdbool.h>
#include <stddef.h>

enum sw_kind { SW_KEEPALIVE, SW_HEARTBEAT };

struct sw_setting {
	const char *name;       /* --for's word: "postgres" */
	const char *what;       /* the software, for people */
	enum sw_kind kind;
	double min_s;           /* the least heartbeat it accepts (0: none) */
	/* The lines, with %T (keep-alive idle, s), %I (interval, s), %N
	 * (probes), %H (heartbeat, s) and %h (heartbeat, ms) filled in. */
	const char *lines;
};

/* The values to fill in.  endpoint: the peer closes idle connections
 * itself (keep-alive cannot help; heartbeat_s is then what counts). */
struct sw_values {
	long time_s, intvl_s, probes;
	double heartbeat_s;
	bool endpoint;
};

/* A heartbeat every third of a close: two in a row can be lost. */
#define SW_HEARTBEAT_SHARE 3

/* The values for a path whose boxes keep a flow idle alive_s (the longest
 * idle still answered): the first probe by half of it, the next ones a
 * third of it apart (at most Linux's 75 s), Linux's 9 probes; a heartbeat
 * as often as the first probe. */
void sw_for_expiry(double alive_s, struct sw_values *v);
/* The values for a peer that closes connections idle close_s: a
 * heartbeat every third of it (the keep-alive values stay Linux's). */
void sw_for_close(double close_s, struct sw_values *v);

const struct sw_setting *sw_table(size_t *n);

/* --for's list, "postgres,grpc" or "all", into *mask (bit i: row i).
 * Returns 0, or -1 with a one-line message naming the unknown word and
 * the known ones. */
int sw_parse_for(const char *list, unsigned *mask, char *err, size_t errlen);

/* Row s's lines for v into buf (len bytes, always terminated), each
 * ending in a newline; a keep-alive row under an endpoint's close, and a
 * heartbeat below the row's least, say why they cannot help instead.
 * Returns false in those two cases. */
bool sw_render(const struct sw_setting *s, const struct sw_values *v, char *buf, size_t len);

#endif
