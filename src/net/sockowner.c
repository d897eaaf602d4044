/* sockowner.c - sockets' owners from /proc and their settings through
 * pidfd_getfd (see sockowner.h). */
#include "net/sockowner.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc before 2.36 has no wrappers: the numbers of the unified syscall
 * table (x86-64, arm64 and most others), since Linux 5.3 and 5.6. */
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

static int cmp_inode(const void *a, const void *b)
{
	uint64_t x = (*(struct sock_rec *const *)a)->inode;
	uint64_t y = (*(struct sock_rec *const *)b)->inode;

	return x < y ? -1 : x > y;
}

/* The record of inode in the sorted index, or NULL. */
static struct sock_rec *lookup(struct sock_rec **idx, size_t n, uint64_t inode)
{
	struct sock_rec key = { .inode = inode }, *kp = &key;
	struct sock_rec **r = bsearch(&kp, idx, n, sizeof *idx, cmp_inode);

	return r ? *r : NULL;
}

static void read_comm(const char *procdir, int pid, char *comm, size_t len)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof path, "%s/%d/comm", procdir, pid);
	comm[0] = '\0';
	if ((f = fopen(path, "r"))) {
		if (fgets(comm, (int)len, f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
}

/* Match process pid's descriptors against the index; false when they
 * cannot be seen for lack of privilege. */
static bool walk_fds(const char *procdir, int pid, struct sock_rec **idx, size_t n)
{
	char path[300], link[64];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof path, "%s/%d/fd", procdir, pid);
	if (!(d = opendir(path)))
		return errno != EACCES && errno != EPERM;
	while ((e = readdir(d))) {
		char lp[600];
		ssize_t k;
		uint64_t inode;
		struct sock_rec *s;

		snprintf(lp, sizeof lp, "%s/%s", path, e->d_name);
		if ((k = readlink(lp, link, sizeof link - 1)) <= 0)
			continue;
		link[k] = '\0';
		if (sscanf(link, "socket:[%" SCNu64 "]", &inode) != 1 ||
		    !(s = lookup(idx, n, inode)) || s->pid)
			continue;
		s->pid = pid;
		s->fd = atoi(e->d_name);
		read_comm(procdir, pid, s->comm, sizeof s->comm);
	}
	closedir(d);
	return true;
}

unsigned sockowner_find(const char *procdir, struct sock_rec *v, size_t n)
{
	struct sock_rec **idx = malloc((n ? n : 1) * sizeof *idx);
	size_t m = 0;
	unsigned hidden = 0;
	DIR *d;
	struct dirent *e;

	if (!idx)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].inode)
			idx[m++] = &v[i];
	qsort(idx, m, sizeof *idx, cmp_inode);
	if (m && (d = opendir(procdir))) {
		while ((e = readdir(d)))
			if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
			    !walk_fds(procdir, atoi(e->d_name), idx, m))
				hidden++;
		closedir(d);
	}
	for (size_t i = 0; i < m; i++)
		if (!idx[i]->pid)
			idx[i]->settings_err = hidden ? EACCES : ESRCH;
	free(idx);
	return hidden;
}

/* getsockopt of an int option, or -1. */
static int opt(int fd, int level, int name)
{
	int v;
	socklen_t len = sizeof v;

	return getsockopt(fd, level, name, &v, &len) < 0 ? -1 : v;
}

/* Read the settings from fd, a duplicate of s's socket: 0 or an errno. */
static int read_settings(int fd, const struct sock_rec *s, struct ka_settings *ka)
{
	struct stat st;
	int on, idle, intvl, cnt, uto;

	/* The descriptor may have been closed and its number reused since
	 * /proc was read: read only the socket asked for. */
	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode) || st.st_ino != s->inode)
		return ESRCH;
	on = opt(fd, SOL_SOCKET, SO_KEEPALIVE);
	idle = opt(fd, IPPROTO_TCP, TCP_KEEPIDLE);
	intvl = opt(fd, IPPROTO_TCP, TCP_KEEPINTVL);
	cnt = opt(fd, IPPROTO_TCP, TCP_KEEPCNT);
	uto = opt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT);
	if (on < 0 || idle < 0 || intvl < 0 || cnt < 0 || uto < 0)
		return errno;
	*ka = (struct ka_settings){ .keepalive = on != 0, .idle_us = idle * 1000000LL,
				    .intvl_us = intvl * 1000000LL, .probes = cnt,
				    .user_timeout_us = uto * 1000LL };
	return 0;
}

void sockowner_settings(struct sock_rec *s)
{
	int pidfd, fd;

	if (!s->pid)
		return;
	if ((pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0)) < 0) {
		s->settings_err = errno;
		return;
	}
	fd = (int)syscall(SYS_pidfd_getfd, pidfd, s->fd, 0);
	s->settings_err = fd < 0 ? errno : read_settings(fd, s, &s->ka);
	if (fd >= 0)
		close(fd);
	close(pidfd);
}

static long sysctl(const char *name)
{
	char path[128];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/sys/net/ipv4/%s", name);
	if ((f = fopen(path, "r"))) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int sockowner_sysctls(struct ka_settings *def)
{
	long t = sysctl("tcp_keepalive_time"), i = sysctl("tcp_keepalive_intvl");
	long p = sysctl("tcp_keepalive_probes");

	if (t < 0 || i < 0 || p < 0)
		return -1;
	*def = (struct ka_settings){ .keepalive = false, .idle_us = t * 1000000LL,
				     .intvl_us = i * 1000000LL, .probes = p };
	return 0;
}
