/* sockfilter.h - `kaprobe sockets`'s filters, as ss's:
 *
 *   dst ADDR[/LEN]   src ADDR[/LEN]   dport N   sport N
 *   pid N            comm NAME        state STATE
 *
 * ADDR is an IPv4 or IPv6 literal (an IPv4 one also matches its
 * IPv4-mapped IPv6 form); STATE an ss state name (established, time-wait,
 * listening, ...).  Terms of different kinds must all hold; the same kind
 * repeated is any of them ("dport 80 dport 443").  Without a state term,
 * every state but listening is shown. */
#ifndef KAPROBE_SOCKFILTER_H
#define KAPROBE_SOCKFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp/sockrec.h"

enum sf_kind { SF_DST, SF_SRC, SF_DPORT, SF_SPORT, SF_PID, SF_COMM, SF_STATE, SF_KINDS };

#define SF_MAX_TERMS 32

struct sf_term {
	enum sf_kind kind;
	int family;             /* SF_DST, SF_SRC */
	uint8_t addr[16];
	unsigned len;           /* prefix length */
	long n;                 /* ports, pid, state */
	char comm[16];
};

struct sock_filter {
	unsigned n;
	struct sf_term t[SF_MAX_TERMS];
};

/* The filter words argv[0..argc-1] into f: 0, or -1 with a one-line
 * message naming the word in err. */
int sock_filter_parse(int argc, char **argv, struct sock_filter *f, char *err, size_t errlen);

/* Whether f has a term of kind k. */
bool sock_filter_has(const struct sock_filter *f, enum sf_kind k);

/* Whether s passes the terms of the kinds in mask (bit 1 << enum sf_kind):
 * the kernel's view is known before the owner, so the two are asked
 * apart. */
bool sock_filter_match(const struct sock_filter *f, const struct sock_rec *s, unsigned mask);

#define SF_KERNEL_KINDS (1u << SF_DST | 1u << SF_SRC | 1u << SF_DPORT | 1u << SF_SPORT | \
			 1u << SF_STATE)
#define SF_OWNER_KINDS (1u << SF_PID | 1u << SF_COMM)

#endif
