/* route.h - which source address and interface a connection would use. */
#ifndef KAPROBE_ROUTE_H
#define KAPROBE_ROUTE_H

#include <net/if.h>
#include <stddef.h>
#include <sys/socket.h>

/* Ask the kernel's routing table for the source address toward dst by
 * connecting a UDP socket (which sends nothing), and find the interface
 * holding that address.  With iface set, the lookup is bound to it.
 * Returns 0, or -1 with err and *unreachable set when there is no route. */
int route_lookup(const struct sockaddr *dst, socklen_t dstlen, const char *iface,
		 struct sockaddr_storage *src, char ifname[IF_NAMESIZE],
		 int *unreachable, char *err, size_t errlen);

#endif
