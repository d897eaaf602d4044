/* sockdiag.h - this network namespace's TCP sockets, as the kernel lists
 * them to `ss`: sock_diag (NETLINK_SOCK_DIAG, inet_diag), with tcp_info.
 * Any user may ask; it changes nothing. */
#ifndef KAPROBE_SOCKDIAG_H
#define KAPROBE_SOCKDIAG_H

#include <stddef.h>

#include "tcp/sockrec.h"

/* A growing array of records. */
struct sock_list {
	struct sock_rec *v;
	size_t n, cap;
};

/* Append every TCP socket of family (AF_INET or AF_INET6) to l, its
 * kernel part filled (owner and settings zero).  0, or -1 with a one-line
 * message in err. */
int sockdiag_dump(int family, struct sock_list *l, char *err, size_t errlen);

void sock_list_free(struct sock_list *l);

#endif
