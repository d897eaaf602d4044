/* sockdiag.c - TCP sockets through sock_diag (see sockdiag.h): one dump
 * request per family for every state, with INET_DIAG_INFO for tcp_info
 * (net/ipv4/inet_diag.c answers it for any user). */
#include "net/sockdiag.h"

#include <errno.h>
#include <stddef.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/errmsg.h"

static int request(int fd, int family)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req = {
		.nh = { .nlmsg_len = sizeof req, .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = (uint8_t)family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_states = ~0u, .idiag_ext = 1 << (INET_DIAG_INFO - 1) },
	};
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };

	return sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&nl, sizeof nl) < 0 ? -1 : 0;
}

static struct sock_rec *grow(struct sock_list *l)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct sock_rec *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	return memset(&l->v[l->n++], 0, sizeof *l->v);
}

/* tcp_info's times, when the kernel attached it (a time-wait socket has
 * none); a shorter struct from an older kernel leaves the rest zero. */
static void take_info(struct sock_rec *s, const struct inet_diag_msg *m, size_t len)
{
	const struct rtattr *a = (const struct rtattr *)(m + 1);
	size_t left = len - NLMSG_LENGTH(sizeof *m);

	for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
		struct tcp_info ti = { 0 };
		size_t n = RTA_PAYLOAD(a);

		if (a->rta_type != INET_DIAG_INFO)
			continue;
		memcpy(&ti, RTA_DATA(a), n < sizeof ti ? n : sizeof ti);
		s->info = true;
		s->last_data_recv_ms = ti.tcpi_last_data_recv;
		s->last_ack_recv_ms = ti.tcpi_last_ack_recv;
		s->last_data_sent_ms = ti.tcpi_last_data_sent;
		s->segs = n >= offsetof(struct tcp_info, tcpi_data_segs_out) +
			       sizeof ti.tcpi_data_segs_out;
		s->data_segs_in = ti.tcpi_data_segs_in;
		s->data_segs_out = ti.tcpi_data_segs_out;
	}
}

static void take(struct sock_rec *s, const struct nlmsghdr *h)
{
	const struct inet_diag_msg *m = NLMSG_DATA(h);

	s->family = m->idiag_family;
	s->state = m->idiag_state;
	memcpy(s->src, m->id.idiag_src, 16);
	memcpy(s->dst, m->id.idiag_dst, 16);
	s->sport = ntohs(m->id.idiag_sport);
	s->dport = ntohs(m->id.idiag_dport);
	s->timer = m->idiag_timer;
	s->retrans = m->idiag_retrans;
	s->expires_ms = m->idiag_expires;
	s->uid = m->idiag_uid;
	s->inode = m->idiag_inode;
	s->settings_err = ESRCH;
	take_info(s, m, h->nlmsg_len);
}

/* Read the answers until NLMSG_DONE: 0, or an errno. */
static int collect(int fd, struct sock_list *l)
{
	static char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EPROTO;
		size_t left = (size_t)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left);
		     h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				return e->error ? -e->error : EPROTO;
			}
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			struct sock_rec *s = grow(l);
			if (!s)
				return ENOMEM;
			take(s, h);
		}
	}
}

int sockdiag_dump(int family, struct sock_list *l, char *err, size_t errlen)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int e;

	if (fd < 0)
		return errmsg(err, errlen, "cannot open a sock_diag socket: %s", strerror(errno));
	e = request(fd, family) < 0 ? errno : collect(fd, l);
	close(fd);
	/* A kernel without IPv6 has no such sockets to list. */
	if (e == ENOENT)
		return 0;
	if (e)
		return errmsg(err, errlen, "cannot list the IPv%c TCP sockets (sock_diag): %s",
			      family == AF_INET ? '4' : '6', strerror(e));
	return 0;
}

void sock_list_free(struct sock_list *l)
{
	free(l->v);
	*l = (struct sock_list){ 0 };
}
