/* ctlproto.h - the control protocol between kaprobe and `kaprobe serve`,
 * version 1 (docs/serve.md, kaprobe(8)).
 *
 * Line-based ASCII: every line ends with LF (a CR before it is allowed),
 * holds printable characters only, and is at most CTL_LINE_MAX bytes with
 * its LF.  At accept, before anything, serve writes its greeting
 *
 *   KAPROBE-SERVE 1 you=IP:PORT me=IP:PORT
 *
 * (the 4-tuple as serve sees it, IPv6 in brackets); only a client that saw
 * it sends requests, so a stranger is never sent a control line.  Requests
 * (client to serve) and answers (serve to client):
 *
 *   RECEIVED [IP PORT]  OK RECEIVED you=IP:PORT, a SEG line per segment
 *                       serve received on that flow (this connection's by
 *                       default), then END n
 *   STATUS IP PORT      OK STATUS state=... (one line)
 *   SILENT              OK SILENT, then nothing more on this connection
 *   PROBE D [COUNT]     OK PROBE: serve probes this client every D once idle
 *   HEARTBEAT D         OK HEARTBEAT: serve writes a short line every D
 *   IDLE IP PORT D      OK IDLE: serve probes that flow once, when idle D
 *                       (one round: a lost answer retried), and STATUS
 *                       says how it went (round=, round_idle=): the audit's
 *                       idle search from the server's side
 *
 * and ERR <what> for anything it cannot do.  Everything here is pure (bytes
 * in, values out) and reads from the network: it is fuzzed
 * (tests/fuzz/fuzz_ctl.c).
 */
#ifndef KAPROBE_CTLPROTO_H
#define KAPROBE_CTLPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/ktime.h"

#define CTL_VERSION 1
#define CTL_MAGIC "KAPROBE-SERVE"
/* The longest line, its LF included. */
#define CTL_LINE_MAX 256
/* PROBE's and HEARTBEAT's D: from 100 ms to a day; PROBE's COUNT at most. */
#define CTL_MIN_EVERY_US 100000LL
#define CTL_MAX_EVERY_US (24LL * 3600 * 1000000)
#define CTL_MAX_COUNT 1000000L
/* IDLE's round: probes at most before the flow counts as dead. */
#define CTL_IDLE_TRIES 5

/* One end of a flow: raw address (IPv4 in the first 4 bytes) and port. */
struct ctl_addr {
	int family;               /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

/* ---- lines off the wire ---- */

enum ctl_line {
	CTL_LINE_NONE,            /* no whole line yet: everything was taken */
	CTL_LINE_OK,              /* a line (without its CR LF) */
	CTL_LINE_TOO_LONG,        /* a line over CTL_LINE_MAX, skipped to its LF */
	CTL_LINE_BINARY,          /* a line with a byte that is not printable */
};

/* A line being assembled from what a socket gives. */
struct ctl_lines {
	char buf[CTL_LINE_MAX];
	size_t n;
	bool overlong;            /* past CTL_LINE_MAX: skipping to the LF */
	bool binary;
};

/* Take bytes from in (n of them) up to and including the first LF: returns
 * how many were taken, and in *kind what ended (CTL_LINE_NONE: all taken,
 * no line yet).  For CTL_LINE_OK, *line and *len are the line, valid until
 * the next call. */
size_t ctl_lines_feed(struct ctl_lines *l, const char *in, size_t n, enum ctl_line *kind,
		      const char **line, size_t *len);

/* ---- requests ---- */

enum ctl_verb { CTL_RECEIVED, CTL_STATUS, CTL_SILENT, CTL_PROBE, CTL_HEARTBEAT, CTL_IDLE };

struct ctl_req {
	enum ctl_verb verb;
	bool has_addr;            /* RECEIVED with IP PORT; STATUS, IDLE always */
	struct ctl_addr addr;
	ka_time every;            /* PROBE, HEARTBEAT; IDLE's D */
	unsigned count;           /* PROBE: unanswered probes before dead, 0: 3 */
};

/* Parse one request line (no LF): 0, or -1 with the reason (one line,
 * printable: it goes back in ERR) in err. */
int ctl_parse_request(const char *line, size_t len, struct ctl_req *r, char *err,
		      size_t errlen);
/* The request as a line with its LF; returns its length (< CTL_LINE_MAX). */
size_t ctl_format_request(const struct ctl_req *r, char *buf, size_t len);
/* The verb's word. */
const char *ctl_verb_name(enum ctl_verb v);

/* ---- IDLE's round, as STATUS tells it ---- */

enum ctl_round { CTL_ROUND_NONE, CTL_ROUND_WAITING, CTL_ROUND_ANSWERED, CTL_ROUND_DEAD,
		 CTL_ROUND_RESET };

/* " round=WORD round_idle=Nms" (with its leading space; nothing for
 * CTL_ROUND_NONE), to end a STATUS line; returns its length. */
size_t ctl_format_round(enum ctl_round r, ka_time idle, char *buf, size_t len);
/* A STATUS line's round (CTL_ROUND_NONE: none, or not well formed) and
 * the idle its first probe left at (0 when not said). */
enum ctl_round ctl_parse_round(const char *line, size_t len, ka_time *idle);

/* ---- the greeting ---- */

struct ctl_greeting {
	unsigned version;
	struct ctl_addr you, me;
};

size_t ctl_format_greeting(const struct ctl_greeting *g, char *buf, size_t len);
/* Whether the line is a greeting (a later version too: its first words
 * are the same); fills *g. */
bool ctl_parse_greeting(const char *line, size_t len, struct ctl_greeting *g);

/* "IP:PORT", or "[IPv6]:PORT", and back. */
void ctl_format_endpoint(const struct ctl_addr *a, char *buf, size_t len);
bool ctl_parse_endpoint(const char *s, size_t len, struct ctl_addr *a);

/* ---- what serve received: one SEG line per segment ---- */

enum {
	CTL_OPT_MSS = 0x01, CTL_OPT_WS = 0x02, CTL_OPT_SACKOK = 0x04, CTL_OPT_TS = 0x08,
	CTL_OPT_SACK = 0x10,
};

struct ctl_seg {
	ka_time t;                /* since the connection was accepted */
	uint32_t seq, ack, len;
	uint16_t win, ipid;
	uint8_t flags;            /* TCPF_* */
	uint8_t ttl, dscp, ecn;
	uint8_t opts;             /* CTL_OPT_* found */
	uint8_t optlen;           /* bytes of options */
	uint8_t ws;
	uint16_t mss;
	uint32_t tsval, tsecr;
};

/* "SEG t=... seq=... ack=... flags=... len=... win=... ttl=... ipid=...
 * dscp=... ecn=... opts=..." with its LF.  flags: letters of FSRPAU, "-"
 * for none; opts: "-" or a comma list of mss:N, ws:N, sackok, ts:V:E,
 * sack. */
size_t ctl_format_seg(const struct ctl_seg *s, char *buf, size_t len);
bool ctl_parse_seg(const char *line, size_t len, struct ctl_seg *s);

/* "END n": the end of a multi-line answer; *n its line count. */
bool ctl_parse_end(const char *line, size_t len, unsigned *n);

#endif
