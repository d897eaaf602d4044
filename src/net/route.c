/* route.c - source address and interface toward a destination. */
#include "net/route.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/target.h"

static bool same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

/* The interface that holds addr.  A connection's packets leave by the
 * interface of its route, which on hosts and in the testbed is the one
 * holding the source address; -i covers the rest. */
static int iface_of(const struct sockaddr *addr, char ifname[IF_NAMESIZE])
{
	struct ifaddrs *ifs, *i;
	int rc = -1;

	if (getifaddrs(&ifs) < 0)
		return -1;
	for (i = ifs; i; i = i->ifa_next) {
		if (i->ifa_addr && same_addr(i->ifa_addr, addr)) {
			snprintf(ifname, IF_NAMESIZE, "%s", i->ifa_name);
			rc = 0;
			break;
		}
	}
	freeifaddrs(ifs);
	return rc;
}

int route_lookup(const struct sockaddr *dst, socklen_t dstlen, const char *iface,
		 struct sockaddr_storage *src, char ifname[IF_NAMESIZE],
		 int *unreachable, char *err, size_t errlen)
{
	socklen_t len = sizeof *src;
	char dtxt[80], stxt[80];
	int fd = socket(dst->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	*unreachable = 0;
	sockaddr_format(dst, dtxt, sizeof dtxt);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open a socket: %s", strerror(errno));
		return -1;
	}
	if (iface && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface,
				(socklen_t)strlen(iface) + 1) < 0) {
		snprintf(err, errlen, errno == ENODEV ? "no such interface '%s'"
			 : "cannot use interface '%s'", iface);
		close(fd);
		return -1;
	}
	if (connect(fd, dst, dstlen) < 0 || getsockname(fd, (struct sockaddr *)src, &len) < 0) {
		*unreachable = 1;
		snprintf(err, errlen, "cannot reach %s: %s", dtxt, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (iface) {
		snprintf(ifname, IF_NAMESIZE, "%s", iface);
		return 0;
	}
	if (iface_of((struct sockaddr *)src, ifname) < 0) {
		sockaddr_format((struct sockaddr *)src, stxt, sizeof stxt);
		snprintf(err, errlen, "no interface holds source address %s: name one with -i", stxt);
		return -1;
	}
	return 0;
}
