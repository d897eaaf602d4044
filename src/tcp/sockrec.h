/* sockrec.h - one TCP connection of this host as `kaprobe sockets` sees
 * it: the kernel's view (sock_diag), its owner (/proc) and its keep-alive
 * settings (read from the socket itself).  Plain data: net/ fills it,
 * tcp/sockfilter.c and tcp/sockjudge.c read it, emit/ shows it. */
#ifndef KAPROBE_SOCKREC_H
#define KAPROBE_SOCKREC_H

#include <stdbool.h>
#include <stdint.h>

/* The kernel's TCP states, as sock_diag numbers them (include/net/tcp_states.h). */
enum sock_state {
	SS_ESTABLISHED = 1, SS_SYN_SENT, SS_SYN_RECV, SS_FIN_WAIT1, SS_FIN_WAIT2,
	SS_TIME_WAIT, SS_CLOSE, SS_CLOSE_WAIT, SS_LAST_ACK, SS_LISTEN, SS_CLOSING,
	SS_NEW_SYN_RECV,
	SS_MAX
};

/* ss's name for a state ("established", "time-wait"), or NULL. */
const char *sock_state_name(unsigned state);
/* The state named so, or -1. */
int sock_state_find(const char *name);

/* The timer sock_diag reports (idiag_timer, net/ipv4/tcp_diag.c). */
enum sock_timer { ST_NONE, ST_RETRANS, ST_KEEPALIVE, ST_TIMEWAIT, ST_PROBE0 };
const char *sock_timer_name(unsigned timer);

/* The keep-alive settings as getsockopt gives them: the effective values
 * (an unset TCP_KEEPIDLE, TCP_KEEPINTVL or TCP_KEEPCNT reads as the
 * namespace's sysctl). */
struct ka_settings {
	bool keepalive;                 /* SO_KEEPALIVE */
	int64_t idle_us, intvl_us;      /* TCP_KEEPIDLE, TCP_KEEPINTVL */
	long probes;                    /* TCP_KEEPCNT */
	int64_t user_timeout_us;        /* TCP_USER_TIMEOUT, 0: none */
};

struct sock_rec {
	int family;                     /* AF_INET or AF_INET6 */
	unsigned state;                 /* enum sock_state */
	uint8_t src[16], dst[16];       /* AF_INET: the first 4 bytes */
	uint16_t sport, dport;
	unsigned timer;                 /* enum sock_timer */
	unsigned retrans;               /* keep-alive timer: probes out; else retransmits */
	uint32_t expires_ms;            /* the timer's, when one runs */
	uint32_t uid;
	uint64_t inode;                 /* 0: no socket file (time-wait, orphaned) */
	/* tcp_info's times since, in ms (info false: the kernel gave none) */
	bool info;
	uint32_t last_data_recv_ms, last_ack_recv_ms, last_data_sent_ms;
	/* ... and its segments with data either way (segs false: a kernel
	 * before 4.6 does not count them) */
	bool segs;
	uint32_t data_segs_in, data_segs_out;
	/* The owner: pid 0 when none was found. */
	int pid, fd;
	char comm[16];
	/* settings_err 0: ka holds what the socket said; else why not, an
	 * errno (EPERM: no privilege, ESRCH: no owner, ...). */
	int settings_err;
	struct ka_settings ka;
};

/* Since the last data either way, in us: -1 when the connection has
 * carried none yet (it is idle since its handshake) or tcp_info is
 * missing.  A kernel that does not count data segments: the times alone. */
int64_t sock_since_data(const struct sock_rec *s);

#endif
