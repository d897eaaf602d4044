/* kaclient.c - a TCP client that lets the KERNEL send keep-alive probes.
 *
 *   kaclient [-i IDLE] [-t INTVL] [-n COUNT] [-d HOLD] [-b LOCALADDR] ADDR PORT
 *
 * Connects to ADDR (IPv4 or IPv6 literal) PORT, turns on SO_KEEPALIVE with
 * TCP_KEEPIDLE IDLE (default 1 s), TCP_KEEPINTVL INTVL (default 1 s) and
 * TCP_KEEPCNT COUNT (default 3), then holds the connection for HOLD seconds
 * (default 3), reading and discarding anything that arrives.  Used to capture
 * Linux's own probe for comparison with kaprobe's.
 *
 * Exit: 0 held for HOLD seconds (or the peer closed normally), 1 connect
 * failed, 2 the connection died while held (the errno name is printed, e.g.
 * ETIMEDOUT after unanswered probes, ECONNRESET after an RST), 64 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e)
{
	switch (e) {
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECONNRESET: return "ECONNRESET";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENETUNREACH: return "ENETUNREACH";
	case EPIPE: return "EPIPE";
	case ECONNABORTED: return "ECONNABORTED";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EINPROGRESS: return "EINPROGRESS";
	default: return "errno";
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kaclient [-i IDLE] [-t INTVL] [-n COUNT] [-d HOLD] "
		   "[-b LOCALADDR] ADDR PORT\n");
}

static int parse_int(const char *s, long lo, long hi, const char *what, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno || v < lo || v > hi) {
		fprintf(stderr, "kaclient: bad %s '%s' (%ld..%ld)\n", what, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int fill_addr(const char *addr, unsigned port, struct sockaddr_storage *ss,
		     socklen_t *len)
{
	memset(ss, 0, sizeof *ss);
	if (strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			return -1;
		*len = sizeof *s6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			return -1;
		*len = sizeof *s4;
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int died(int fd, int e)
{
	int soerr = 0;
	socklen_t sl = sizeof soerr;

	if (e == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr)
		e = soerr;
	printf("kaclient: connection died: %s (%s)\n", errname(e), strerror(e));
	fflush(stdout);
	return 2;
}

int main(int argc, char **argv)
{
	long idle = 1, intvl = 1, cnt = 3, hold = 3, port;
	const char *local = NULL;
	struct sockaddr_storage dst, src;
	socklen_t dlen, slen;
	int c, fd, one = 1, v;
	double end;

	while ((c = getopt(argc, argv, "i:t:n:d:b:h")) != -1) {
		switch (c) {
		case 'i': if (parse_int(optarg, 1, 32767, "idle", &idle)) return 64; break;
		case 't': if (parse_int(optarg, 1, 32767, "interval", &intvl)) return 64; break;
		case 'n': if (parse_int(optarg, 1, 127, "count", &cnt)) return 64; break;
		case 'd': if (parse_int(optarg, 0, 86400, "hold time", &hold)) return 64; break;
		case 'b': local = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 64;
	}
	if (parse_int(argv[optind + 1], 1, 65535, "port", &port))
		return 64;
	if (fill_addr(argv[optind], (unsigned)port, &dst, &dlen) < 0) {
		fprintf(stderr, "kaclient: bad address '%s'\n", argv[optind]);
		return 64;
	}

	fd = socket(dst.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("kaclient: socket");
		return 1;
	}
	if (local) {
		if (fill_addr(local, 0, &src, &slen) < 0 || src.ss_family != dst.ss_family) {
			fprintf(stderr, "kaclient: bad local address '%s'\n", local);
			return 64;
		}
		if (bind(fd, (struct sockaddr *)&src, slen) < 0) {
			fprintf(stderr, "kaclient: bind %s: %s\n", local, strerror(errno));
			return 1;
		}
	}
	v = (int)idle;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v) < 0 ||
	    (v = (int)intvl, setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof v)) < 0 ||
	    (v = (int)cnt, setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof v)) < 0) {
		perror("kaclient: setsockopt");
		return 1;
	}
	/* A bounded connect: a cut path must not hang the test for the kernel's
	 * SYN retry time (about two minutes). */
	{
		struct timeval tv = { .tv_sec = 3, .tv_usec = 0 };
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	if (connect(fd, (struct sockaddr *)&dst, dlen) < 0) {
		int e = errno == EINPROGRESS || errno == EAGAIN ? ETIMEDOUT : errno;
		fprintf(stderr, "kaclient: connect %s port %ld: %s (%s)\n",
			argv[optind], port, errname(e), strerror(e));
		return 1;
	}
	printf("kaclient: connected to %s port %ld\n", argv[optind], port);
	fflush(stdout);

	end = now() + (double)hold;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double left = end - now();
		char buf[4096];
		ssize_t n;
		int r;

		if (left <= 0)
			break;
		r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("kaclient: poll");
			return 1;
		}
		if (r == 0)
			continue;
		if (p.revents & POLLERR)
			return died(fd, 0);
		n = recv(fd, buf, sizeof buf, 0);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return died(fd, errno);
		}
		if (n == 0) {
			printf("kaclient: peer closed the connection\n");
			close(fd);
			return 0;
		}
	}
	close(fd);
	return 0;
}
