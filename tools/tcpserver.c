/* tcpserver.c - a small ordinary TCP server for kaprobe's integration tests.
 *
 *   tcpserver [-l ADDR] [-p PORT] [-b BANNER] [-P PIDFILE] [-B BACKLOG]
 *             [-N | -S SECONDS]
 *
 * Listens on ADDR (IPv4 or IPv6 literal, default ::, dual stack) port PORT
 * (default 7777), sends BANNER followed by "\r\n" to every new connection,
 * then reads and throws away whatever arrives.  The pid is written to PIDFILE
 * once the socket is listening, so a test can wait for the file.
 *
 * A server that takes few connections (kaprobe audit must not read its
 * overflowing accept queue as the path's doing): -B sets the listen backlog
 * (default 128); -N never accepts (connections wait in the accept queue, the
 * rest overflow it); -S accepts one connection every SECONDS (1-3600).
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
#include <poll.h>
#include <signal.h>
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
	fprintf(f, "usage: tcpserver [-l ADDR] [-p PORT] [-b BANNER] [-P PIDFILE] [-B BACKLOG]\n"
		   "                 [-N | -S SECONDS]\n");
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

/* A number in [lo, hi] from an option argument, or -1. */
static long parse_num(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < lo || v > hi)
		return -1;
	return v;
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

static void abort_conn(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

/* -S: how long until the next accept is due, in *wait (returned), or NULL
 * when it is due now (or -S is not in use; -N never accepts: NULL too, the
 * caller leaves the listener out of the poll). */
static struct timespec *accept_wait(long every, const struct timespec *next,
				    struct timespec *wait)
{
	struct timespec now;

	if (every <= 0)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec > next->tv_sec ||
	    (now.tv_sec == next->tv_sec && now.tv_nsec >= next->tv_nsec))
		return NULL;
	wait->tv_sec = next->tv_sec - now.tv_sec;
	wait->tv_nsec = next->tv_nsec - now.tv_nsec;
	if (wait->tv_nsec < 0) {
		wait->tv_sec--;
		wait->tv_nsec += 1000000000L;
	}
	return wait;
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *banner = NULL, *pidfile = NULL;
	unsigned port = 7777;
	struct pollfd pfd[MAXCONN + 1];
	int nconn = 0, lfd, c, i;
	struct sigaction sa;
	sigset_t blocked, orig;
	char buf[4096];
	char *bannerline = NULL;
	size_t bannerlen = 0;
	long backlog = 128, every = 0;	/* every: -S seconds, -1 for -N */
	struct timespec next = {0, 0};	/* -S: no accept before this */

	while ((c = getopt(argc, argv, "l:p:b:P:B:NS:h")) != -1) {
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
		case 'P': pidfile = optarg; break;
		case 'B':
			if ((backlog = parse_num(optarg, 0, 65535)) < 0) {
				fprintf(stderr, "tcpserver: bad backlog '%s'\n", optarg);
				return 64;
			}
			break;
		case 'N': every = -1; break;
		case 'S':
			if ((every = parse_num(optarg, 1, 3600)) < 0) {
				fprintf(stderr, "tcpserver: bad -S seconds '%s'\n", optarg);
				return 64;
			}
			break;
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

	lfd = make_listener(addr, port, (int)backlog);
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
		/* Stop accepting while full (or as -N / -S say); keep serving
		 * the open ones. */
		struct timespec wait, *tmo = accept_wait(every, &next, &wait);

		pfd[0].events = nconn < MAXCONN && !tmo && every >= 0 ? POLLIN : 0;
		if (ppoll(pfd, (nfds_t)nconn + 1, tmo, &orig) < 0) {
			if (errno == EINTR)
				continue;
			perror("tcpserver: poll");
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int cfd;
			while (nconn < MAXCONN && !accept_wait(every, &next, &wait) &&
			       (cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				if (every > 0) {
					clock_gettime(CLOCK_MONOTONIC, &next);
					next.tv_sec += every;
				}
				if (bannerline && send(cfd, bannerline, bannerlen, MSG_NOSIGNAL) < 0) {
					close(cfd);
					continue;
				}
				nconn++;
				pfd[nconn].fd = cfd;
				pfd[nconn].events = POLLIN;
				pfd[nconn].revents = 0;
			}
		}
		for (i = 1; i <= nconn; i++) {
			ssize_t n;
			if (!pfd[i].revents)
				continue;
			n = recv(pfd[i].fd, buf, sizeof buf, 0);
			if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
				continue;
			/* EOF or error: close and move the last entry here. */
			close(pfd[i].fd);
			pfd[i] = pfd[nconn];
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
