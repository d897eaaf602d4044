/* tcpserver.c - a small ordinary TCP server for kaprobe's integration tests.
 *
 *   tcpserver [-l ADDR] [-p PORT] [-b BANNER] [-k IDLE] [-P PIDFILE] [-B BACKLOG] [-N]
 *             [-i SECONDS [-R]]
 *
 * Listens on ADDR (IPv4 or IPv6 literal, default ::, dual stack) port PORT
 * (default 7777), sends BANNER followed by "\r\n" to every new connection,
 * then reads and throws away whatever arrives.  With -k, every connection
 * uses the kernel's keep-alive too: SO_KEEPALIVE, TCP_KEEPIDLE and
 * TCP_KEEPINTVL IDLE seconds (so that both ends of a flow can probe).  The
 * pid is written to PIDFILE once the socket is listening, so a test can wait
 * for the file.
 *
 * A server that takes few connections (kaprobe audit must not read its
 * overflowing accept queue as the path's doing): -B sets the listen backlog
 * (default 128); -N never accepts, so connections wait in the accept queue
 * (the kernel completes their handshakes) until it is full, and the rest
 * overflow it.
 *
 * A server with its own idle timeout, as redis `timeout`, HAProxy `timeout
 * client` and the like have: -i closes every connection after SECONDS
 * (decimals allowed) without data received, with a FIN (close()); with -R,
 * with an RST (SO_LINGER {1,0}).  Keep-alive probes carry no data and do
 * not count; data does.
 *
 *   SIGUSR1  abort every open connection: SO_LINGER {1,0} then close(), which
 *            sends an RST.  A test that drops that RST makes the server forget
 *            its connections silently; the server keeps listening.
 *   SIGTERM, SIGINT  exit 0 (pidfile removed).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXCONN 1024

static volatile sig_atomic_t got_usr1;
static volatile sig_atomic_t got_term;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tcpserver [-l ADDR] [-p PORT] [-b BANNER] [-k IDLE] [-P PIDFILE] "
		"[-B BACKLOG] [-N] [-i SECONDS [-R]]\n");
}

static int make_listener(const char *addr, unsigned port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (addr && strchr(addr, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1) {
			fprintf(stderr, "tcpserver: bad IPv6 address '%s'\n", addr);
			return -1;
		}
		len = sizeof *s6;
	} else if (addr) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((unsigned short)port);
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1) {
			fprintf(stderr, "tcpserver: bad address '%s'\n", addr);
			return -1;
		}
		len = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((unsigned short)port);
		s6->sin6_addr = in6addr_any;
		len = sizeof *s6;
	}

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror("tcpserver: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (!addr) {
		int zero = 0;
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		fprintf(stderr, "tcpserver: bind %s port %u: %s\n",
			addr ? addr : "::", port, strerror(errno));
		close(fd);
		return -1;
	}
	if (listen(fd, backlog) < 0) {
		perror("tcpserver: listen");
		close(fd);
		return -1;
	}
	return fd;
}

static int write_pidfile(const char *path)
{
	char tmp[4096];
	FILE *f;

	/* Write then rename, so a waiting test never reads a half-written file. */
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The kernel's keep-alive on cfd: idle and interval `idle` seconds. */
static int keepalive_on(int cfd, int idle)
{
	int one = 1;

	return setsockopt(cfd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one) < 0 ||
	       setsockopt(cfd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle) < 0 ||
	       setsockopt(cfd, IPPROTO_TCP, TCP_KEEPINTVL, &idle, sizeof idle) < 0 ? -1 : 0;
}

static void abort_conn(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* -i: how long ppoll may sleep before the next connection's idle timeout
 * (NULL: no timeout, or none open). */
static struct timespec *idle_wait(const int64_t *last, int nconn, int64_t idle_ns,
				  struct timespec *ts)
{
	int64_t next = INT64_MAX, now = now_ns();

	if (!idle_ns || nconn == 0)
		return NULL;
	for (int i = 1; i <= nconn; i++)
		if (last[i] + idle_ns < next)
			next = last[i] + idle_ns;
	next = next > now ? next - now : 0;
	ts->tv_sec = next / 1000000000;
	ts->tv_nsec = next % 1000000000;
	return ts;
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *banner = NULL, *pidfile = NULL;
	unsigned port = 7777;
	int ka_idle = 0;
	struct pollfd pfd[MAXCONN + 1];
	int nconn = 0, lfd, c, i;
	struct sigaction sa;
	sigset_t blocked, orig;
	char buf[4096];
	char *bannerline = NULL;
	size_t bannerlen = 0;
	int backlog = 128;
	bool accepting = true, idle_rst = false;
	int64_t idle_ns = 0, last[MAXCONN + 1];   /* last[i]: pfd[i]'s last data */
	struct timespec ts;

	while ((c = getopt(argc, argv, "l:p:b:k:P:B:Ni:Rh")) != -1) {
		switch (c) {
		case 'l': addr = optarg; break;
		case 'p': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v > 65535) {
				fprintf(stderr, "tcpserver: bad port '%s'\n", optarg);
				return 64;
			}
			port = (unsigned)v;
			break;
		}
		case 'b': banner = optarg; break;
		case 'k':
			ka_idle = atoi(optarg);
			if (ka_idle < 1 || ka_idle > 32767) {
				fprintf(stderr, "tcpserver: bad keep-alive idle '%s' (1-32767 s)\n", optarg);
				return 64;
			}
			break;
		case 'P': pidfile = optarg; break;
		case 'B': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 0 || v > 65535) {
				fprintf(stderr, "tcpserver: bad backlog '%s'\n", optarg);
				return 64;
			}
			backlog = (int)v;
			break;
		}
		case 'N': accepting = false; break;
		case 'i': {
			char *end;
			double v = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' || !(v >= 0.001 && v <= 86400)) {
				fprintf(stderr, "tcpserver: bad idle timeout '%s' (0.001-86400 s)\n",
					optarg);
				return 64;
			}
			idle_ns = (int64_t)(v * 1e9);
			break;
		}
		case 'R': idle_rst = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 64;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 64;
	}
	if (banner) {
		bannerlen = strlen(banner) + 2;
		bannerline = malloc(bannerlen + 1);
		if (!bannerline)
			return 70;
		snprintf(bannerline, bannerlen + 1, "%s\r\n", banner);
	}

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Signals are only delivered inside ppoll(), so none is missed between
	 * checking the flags and sleeping. */
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR1);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	sigprocmask(SIG_BLOCK, &blocked, &orig);

	lfd = make_listener(addr, port, backlog);
	if (lfd < 0)
		return 1;
	if (pidfile && write_pidfile(pidfile) < 0) {
		fprintf(stderr, "tcpserver: cannot write %s: %s\n", pidfile, strerror(errno));
		return 1;
	}

	pfd[0].fd = lfd;
	pfd[0].events = POLLIN;
	for (;;) {
		if (got_term)
			break;
		if (got_usr1) {
			got_usr1 = 0;
			for (i = 1; i <= nconn; i++)
				abort_conn(pfd[i].fd);
			nconn = 0;
		}
		/* Stop accepting while full (or with -N); keep serving the
		 * open ones. */
		pfd[0].events = accepting && nconn < MAXCONN ? POLLIN : 0;
		if (ppoll(pfd, (nfds_t)nconn + 1, idle_wait(last, nconn, idle_ns, &ts),
			  &orig) < 0) {
			if (errno == EINTR)
				continue;
			perror("tcpserver: poll");
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int cfd;
			while (nconn < MAXCONN &&
			       (cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				if ((ka_idle && keepalive_on(cfd, ka_idle) < 0) ||
				    (bannerline && send(cfd, bannerline, bannerlen, MSG_NOSIGNAL) < 0)) {
					close(cfd);
					continue;
				}
				nconn++;
				last[nconn] = now_ns();
				pfd[nconn].fd = cfd;
				pfd[nconn].events = POLLIN;
				pfd[nconn].revents = 0;
			}
		}
		for (i = 1; i <= nconn; i++) {
			bool gone = false, idle;

			if (pfd[i].revents) {
				ssize_t n = recv(pfd[i].fd, buf, sizeof buf, 0);

				if (n > 0)
					last[i] = now_ns();
				else if (!(n < 0 && (errno == EAGAIN || errno == EINTR)))
					gone = true;   /* EOF or an error */
			}
			idle = !gone && idle_ns && now_ns() - last[i] >= idle_ns;
			if (!gone && !idle)
				continue;
			/* Close it and move the last entry here. */
			if (idle && idle_rst)
				abort_conn(pfd[i].fd);
			else
				close(pfd[i].fd);
			pfd[i] = pfd[nconn];
			last[i] = last[nconn];
			nconn--;
			i--;
		}
	}

	for (i = 1; i <= nconn; i++)
		close(pfd[i].fd);
	close(lfd);
	if (pidfile)
		unlink(pidfile);
	free(bannerline);
	return 0;
}
