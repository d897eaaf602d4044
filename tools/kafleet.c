/* kafleet.c - many TCP connections whose keep-alive the KERNEL sends: the
 * baseline kaprobe's fleet is measured against (tools/bench-fleet.sh).
 *
 *   kafleet [-i IDLE] [-t INTVL] [-n COUNT] [-c CONNS] [-r RATE] [-d HOLD]
 *           ADDR:PORT...
 *
 * Opens CONNS connections (default 1) to each ADDR:PORT (an IPv4 literal),
 * at most RATE a second (default 2000), each with SO_KEEPALIVE,
 * TCP_KEEPIDLE IDLE, TCP_KEEPINTVL INTVL (seconds, default 2 and 1) and
 * TCP_KEEPCNT COUNT (default 3), the settings kaprobe's --idle, --intvl and
 * --probes stand for.  Each connection is held HOLD seconds (default 4.5,
 * fractions allowed) from its connect, reading and dropping anything the
 * peer sends, then closed; the program ends when the last is closed.  The
 * probes are counted by the kernel: TcpExtTCPKeepAlive in nstat.
 *
 * Prints one line: connections made, failed, and died while held.
 * Exit: 0 every connection held for HOLD, 1 some failed or died, 64 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
	int fd;
	double until;   /* when it is closed; 0 while connecting */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int number(const char *s, double lo, double hi, const char *what, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || errno || *out < lo || *out > hi) {
		fprintf(stderr, "kafleet: bad %s '%s' (%g..%g)\n", what, s, lo, hi);
		return -1;
	}
	return 0;
}

static int target(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	double port;

	if (!colon || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	*sa = (struct sockaddr_in){ .sin_family = AF_INET };
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1 ||
	    number(colon + 1, 1, 65535, "port", &port) < 0)
		return -1;
	sa->sin_port = htons((unsigned short)port);
	return 0;
}

/* A non-blocking connect with the kernel's keep-alive on. */
static int open_one(const struct sockaddr_in *sa, const int ka[3])
{
	int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &ka[0], sizeof ka[0]) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &ka[1], sizeof ka[1]) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &ka[2], sizeof ka[2]) < 0 ||
	    (connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0 && errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kafleet [-i IDLE] [-t INTVL] [-n COUNT] [-c CONNS] [-r RATE] "
		   "[-d HOLD] ADDR:PORT...\n");
}

int main(int argc, char **argv)
{
	double idle = 2, intvl = 1, cnt = 3, per = 1, rate = 2000, hold = 4.5, next;
	struct epoll_event evs[256];
	struct sockaddr_in *dst;
	struct conn *cs;
	unsigned n, opened = 0, done = 0, made = 0, failed = 0, died = 0, ntgt, head = 0;
	unsigned *order;   /* connections in the order they connected: their closing order */
	unsigned nordered = 0;
	int c, ep, ka[3];

	while ((c = getopt(argc, argv, "i:t:n:c:r:d:h")) != -1) {
		int rc = 0;

		switch (c) {
		case 'i': rc = number(optarg, 1, 32767, "idle", &idle); break;
		case 't': rc = number(optarg, 1, 32767, "interval", &intvl); break;
		case 'n': rc = number(optarg, 1, 127, "count", &cnt); break;
		case 'c': rc = number(optarg, 1, 1000000, "connections", &per); break;
		case 'r': rc = number(optarg, 1, 1000000, "rate", &rate); break;
		case 'd': rc = number(optarg, 0, 86400, "hold time", &hold); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 64;
		}
		if (rc)
			return 64;
	}
	ntgt = (unsigned)(argc - optind);
	if (ntgt == 0) {
		usage(stderr);
		return 64;
	}
	dst = calloc(ntgt, sizeof *dst);
	n = ntgt * (unsigned)per;
	cs = calloc(n, sizeof *cs);
	order = calloc(n, sizeof *order);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (!dst || !cs || !order || ep < 0) {
		perror("kafleet");
		return 1;
	}
	for (unsigned i = 0; i < ntgt; i++)
		if (target(argv[optind + i], &dst[i]) < 0) {
			fprintf(stderr, "kafleet: bad target '%s' (IPv4:PORT)\n", argv[optind + i]);
			return 64;
		}
	ka[0] = (int)idle; ka[1] = (int)intvl; ka[2] = (int)cnt;
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	next = now();
	while (done < n) {
		double t = now(), wake = opened < n ? next : 1e300;
		int k, ms;

		/* Open what the rate allows, close what has been held long enough. */
		while (opened < n && next <= t) {
			unsigned i = opened++;

			cs[i].fd = open_one(&dst[i % ntgt], ka);
			next += 1.0 / rate;
			if (cs[i].fd < 0) {
				failed++, done++;
				continue;
			}
			struct epoll_event e = { .events = EPOLLOUT, .data.u32 = i };

			epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &e);
		}
		while (head < nordered && cs[order[head]].until <= t) {
			close(cs[order[head]].fd);
			cs[order[head++]].fd = -1;
			done++;
		}
		if (head < nordered && cs[order[head]].until < wake)
			wake = cs[order[head]].until;
		if (done == n)
			break;
		ms = wake > 1e299 ? -1 : (int)((wake - t) * 1000) + 1;
		k = epoll_wait(ep, evs, 256, ms < 0 ? 1000 : ms);
		for (int j = 0; j < k; j++) {
			struct conn *x = &cs[evs[j].data.u32];
			int err = 0;
			socklen_t sl = sizeof err;
			char buf[512];

			if (x->fd < 0)
				continue;
			if (x->until == 0) {
				getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &sl);
				if (err) {
					failed++, done++;
					close(x->fd);
					x->fd = -1;
					continue;
				}
				made++;
				x->until = now() + hold;
				order[nordered++] = evs[j].data.u32;
				evs[j].events = EPOLLIN;
				epoll_ctl(ep, EPOLL_CTL_MOD, x->fd, &evs[j]);
				continue;
			}
			ssize_t got = recv(x->fd, buf, sizeof buf, MSG_DONTWAIT);

			if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR)) {
				/* Died or closed by the peer: it stays in the
				 * closing order, as a descriptor with nothing on it. */
				died++;
				epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
			}
		}
	}
	printf("kafleet: %u connected, %u failed, %u died while held\n", made, failed, died);
	return failed || died ? 1 : 0;
}
