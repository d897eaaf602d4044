/* sockowner.h - which process owns a socket, and its keep-alive settings
 * read from the socket itself.
 *
 * The owner is found as ss -p finds it: every /proc/PID/fd/N that links to
 * "socket:[INODE]".  The settings are read from a duplicate of that
 * descriptor (pidfd_open and pidfd_getfd, Linux 5.6): getsockopt only, and
 * the duplicate is closed at once, so the socket is never changed.  Seeing
 * another user's descriptors takes CAP_SYS_PTRACE (root has it). */
#ifndef KAPROBE_SOCKOWNER_H
#define KAPROBE_SOCKOWNER_H

#include <stddef.h>

#include "tcp/sockrec.h"

/* Fill the owner (pid, fd, comm) of every record in v[0..n-1] that has a
 * socket file, from /proc (procdir, "/proc" but for tests); the first
 * process found is the owner when several share a socket.  Records with
 * no owner keep pid 0 and settings_err ESRCH, or EACCES when some
 * process's descriptors could not be seen.  Returns how many processes'
 * descriptors could not be seen (no privilege). */
unsigned sockowner_find(const char *procdir, struct sock_rec *v, size_t n);

/* Read s's keep-alive settings into s->ka from a duplicate of its owner's
 * descriptor; s->settings_err is 0, or the errno why not (EPERM: no
 * privilege, ESRCH: the process or descriptor went away, ENOSYS: a kernel
 * before 5.6). */
void sockowner_settings(struct sock_rec *s);

/* The namespace's net.ipv4.tcp_keepalive_time, _intvl and _probes (what an
 * unset TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT reads as): 0, or -1 when
 * they cannot be read. */
int sockowner_sysctls(struct ka_settings *def);

#endif
