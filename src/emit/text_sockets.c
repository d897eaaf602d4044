/* text_sockets.c - kaprobe sockets' events in their two forms: a table row
 * per connection and the counts (see text.c's table). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "emit/textpriv.h"
#include "net/target.h"
#include "util/parse.h"

/* Column widths of the human table. */
enum { W_STATE = 12, W_ADDR = 24, W_PROC = 24, W_KA = 22, W_UTO = 9, W_DATA = 13,
       W_TIMER = 20 };

/* The module's events are few: printf's formats are kept, into the
 * module's buffer. */
#define put(tx, ...) ob_printf(&(tx)->ob, __VA_ARGS__)

/* "a.b.c.d:port" or "[v6]:port". */
static void endpoint(char *buf, size_t len, int family, const uint8_t *a, unsigned port)
{
	char ip[64];

	addr_format(family, a, ip, sizeof ip);
	snprintf(buf, len, family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
}

static const char *dur(char *buf, size_t len, int64_t us)
{
	format_duration(us, buf, len);
	return buf;
}

/* Whether data went that way (a kernel that does not count: assume so). */
static bool had_data(const struct sock_rec *s, bool in)
{
	return s->info && (!s->segs || (in ? s->data_segs_in : s->data_segs_out));
}

/* The time since data was last received (in) or sent, "-" for never. */
static const char *since(char *buf, size_t len, const struct sock_rec *s, bool in)
{
	if (!had_data(s, in))
		return "-";
	return dur(buf, len, (in ? s->last_data_recv_ms : s->last_data_sent_ms) * 1000LL);
}

/* Why a connection's settings are not shown, in a word. */
static const char *unread_word(int err)
{
	return err == ESRCH ? "no-owner" : err == EPERM || err == EACCES ? "no-privilege"
	       : err == ENOSYS ? "unsupported" : "unreadable";
}

/* "on 60s/10s/5", a '*' after each value equal to the namespace's sysctl. */
static void keepalive_cell(char *buf, size_t len, const struct ev_socket *e)
{
	const struct ka_settings *k = &e->s->ka, *d = e->sysctl;
	char a[24], b[24];

	if (e->s->settings_err) {
		snprintf(buf, len, "? (%s)", unread_word(e->s->settings_err));
		return;
	}
	snprintf(buf, len, "%s %s%s/%s%s/%ld%s", k->keepalive ? "on" : "off",
		 dur(a, sizeof a, k->idle_us), d && d->idle_us == k->idle_us ? "*" : "",
		 dur(b, sizeof b, k->intvl_us), d && d->intvl_us == k->intvl_us ? "*" : "",
		 k->probes, d && d->probes == k->probes ? "*" : "");
}

static void heading(struct text *tx)
{
	ob_pad(&tx->ob, "state", W_STATE);
	ob_pad(&tx->ob, "local", W_ADDR);
	ob_pad(&tx->ob, "peer", W_ADDR);
	ob_pad(&tx->ob, "process[pid]:fd", W_PROC);
	ob_pad(&tx->ob, "keep-alive idle/intvl/cnt", W_KA + 4);
	ob_pad(&tx->ob, "user-to", W_UTO);
	ob_pad(&tx->ob, "recv/sent", W_DATA);
	ob_pad(&tx->ob, "timer", W_TIMER);
	ob_str(&tx->ob, "judgement\n");
}

/* A cell, and at least one space after it however long it is. */
static void cell(struct text *tx, const char *s, size_t width)
{
	ob_pad(&tx->ob, s, width);
	if (strlen(s) >= width)
		ob_char(&tx->ob, ' ');
}

/* "protected", or "at-risk (idle 2h not below 5m)". */
static void judgement(struct text *tx, const struct ev_socket *e)
{
	const struct sock_judgement *j = e->j;

	if (!j) {
		ob_str(&tx->ob, "-\n");
		return;
	}
	ob_str(&tx->ob, sock_verdict_name(j->verdict));
	if (j->verdict == SV_AT_RISK || j->verdict == SV_UNKNOWN)
		put(tx, " (%s)", sock_reason_name(j->reason));
	ob_char(&tx->ob, '\n');
}

void socket_human(struct text *tx, const struct event *ev)
{
	const struct ev_socket *e = &ev->u.socket;
	const struct sock_rec *s = e->s;
	char buf[80], a[24], b[24];

	if (e->first)
		heading(tx);
	cell(tx, sock_state_name(s->state) ? sock_state_name(s->state) : "?", W_STATE);
	endpoint(buf, sizeof buf, s->family, s->src, s->sport);
	cell(tx, buf, W_ADDR);
	endpoint(buf, sizeof buf, s->family, s->dst, s->dport);
	cell(tx, buf, W_ADDR);
	if (s->pid)
		snprintf(buf, sizeof buf, "%s[%d]:%d", s->comm, s->pid, s->fd);
	cell(tx, s->pid ? buf : "-", W_PROC);
	keepalive_cell(buf, sizeof buf, e);
	cell(tx, buf, W_KA + 4);
	cell(tx, s->settings_err || !s->ka.user_timeout_us ? "-"
	     : dur(a, sizeof a, s->ka.user_timeout_us), W_UTO);
	if (s->info)
		snprintf(buf, sizeof buf, "%s/%s", since(a, sizeof a, s, true),
			 since(b, sizeof b, s, false));
	cell(tx, s->info ? buf : "-", W_DATA);
	/* People read the timer to the second past 10 s (JSON has the ms). */
	if (s->timer != ST_NONE)
		snprintf(buf, sizeof buf, "%s %s", sock_timer_name(s->timer),
			 dur(a, sizeof a, s->expires_ms < 10000 ? s->expires_ms * 1000LL
			     : (s->expires_ms + 500) / 1000 * 1000000LL));
	cell(tx, s->timer != ST_NONE ? buf : "-", W_TIMER);
	judgement(tx, e);
}

static void json_ms(struct text *tx, const char *k, size_t kn, bool known, uint32_t ms)
{
	ob_mem(&tx->ob, k, kn);
	if (known)
		ob_fixed(&tx->ob, ms, 3);
	else
		ob_str(&tx->ob, "null");
}

/* The settings, or nulls with why they are not known. */
static void json_settings(struct text *tx, const struct ev_socket *e)
{
	const struct ka_settings *k = &e->s->ka, *d = e->sysctl;

	if (e->s->settings_err) {
		ob_str(&tx->ob, ",\"settings\":\"");
		ob_str(&tx->ob, unread_word(e->s->settings_err));
		ob_str(&tx->ob, "\",\"keepalive\":null,\"idle_s\":null,\"intvl_s\":null,"
		       "\"probes\":null,\"user_timeout_s\":null,\"idle_is_sysctl\":null,"
		       "\"intvl_is_sysctl\":null,\"probes_is_sysctl\":null");
		return;
	}
	json_own_str(tx, KEY("settings"), "read");
	json_bool(tx, KEY("keepalive"), k->keepalive);
	ob_mem(&tx->ob, KEY("idle_s"));
	ob_fixed(&tx->ob, k->idle_us, 6);
	ob_mem(&tx->ob, KEY("intvl_s"));
	ob_fixed(&tx->ob, k->intvl_us, 6);
	json_int(tx, KEY("probes"), k->probes);
	ob_mem(&tx->ob, KEY("user_timeout_s"));
	ob_fixed(&tx->ob, k->user_timeout_us, 6);
	if (!d) {
		ob_str(&tx->ob, ",\"idle_is_sysctl\":null,\"intvl_is_sysctl\":null,"
		       "\"probes_is_sysctl\":null");
		return;
	}
	json_bool(tx, KEY("idle_is_sysctl"), d->idle_us == k->idle_us);
	json_bool(tx, KEY("intvl_is_sysctl"), d->intvl_us == k->intvl_us);
	json_bool(tx, KEY("probes_is_sysctl"), d->probes == k->probes);
}

void socket_json(struct text *tx, const struct event *ev)
{
	const struct ev_socket *e = &ev->u.socket;
	const struct sock_rec *s = e->s;
	char ip[64];

	json_head(tx, "socket", ev);
	json_int(tx, KEY("family"), s->family == AF_INET6 ? 6 : 4);
	json_own_str(tx, KEY("state"), sock_state_name(s->state) ? sock_state_name(s->state) : "?");
	addr_format(s->family, s->src, ip, sizeof ip);
	json_own_str(tx, KEY("src"), ip);
	json_int(tx, KEY("sport"), s->sport);
	addr_format(s->family, s->dst, ip, sizeof ip);
	json_own_str(tx, KEY("dst"), ip);
	json_int(tx, KEY("dport"), s->dport);
	json_u64(tx, KEY("inode"), s->inode);
	json_u64(tx, KEY("uid"), s->uid);
	if (s->pid) {
		json_int(tx, KEY("pid"), s->pid);
		json_str(tx, KEY("comm"), s->comm);
		json_int(tx, KEY("fd"), s->fd);
	} else {
		ob_str(&tx->ob, ",\"pid\":null,\"comm\":null,\"fd\":null");
	}
	json_own_str(tx, KEY("timer"), sock_timer_name(s->timer));
	json_ms(tx, KEY("timer_expires_s"), s->timer != ST_NONE, s->expires_ms);
	json_int(tx, KEY("retrans"), s->retrans);
	json_ms(tx, KEY("last_data_recv_s"), had_data(s, true), s->last_data_recv_ms);
	json_ms(tx, KEY("last_ack_recv_s"), s->info, s->last_ack_recv_ms);
	json_ms(tx, KEY("last_data_sent_s"), had_data(s, false), s->last_data_sent_ms);
	json_settings(tx, e);
	if (e->j) {
		json_own_str(tx, KEY("judgement"), sock_verdict_name(e->j->verdict));
		json_own_str(tx, KEY("why"), sock_reason_name(e->j->reason));
	} else {
		ob_str(&tx->ob, ",\"judgement\":null,\"why\":null");
	}
	json_end(tx);
}

void sockets_summary_human(struct text *tx, const struct event *ev)
{
	const struct ev_sockets_total *t = &ev->u.sockets;
	char a[24], b[24];

	put(tx, "%u connection%s", t->shown, t->shown == 1 ? "" : "s");
	if (t->path)
		put(tx, "; against a path timeout of %s%s: %u protected, %u at risk, %u not "
		    "applicable, %u unknown", dur(a, sizeof a, t->path->timeout_us),
		    t->path->endpoint_close ? " (the peer's own close)" : "",
		    t->verdicts[SV_PROTECTED], t->verdicts[SV_AT_RISK],
		    t->verdicts[SV_NOT_APPLICABLE], t->verdicts[SV_UNKNOWN]);
	if (t->unread)
		put(tx, "; %u without settings (no privilege)", t->unread);
	ob_char(&tx->ob, '\n');
	if (t->sysctl && t->shown && !tx->quiet)
		put(tx, "* equals this namespace's sysctl (tcp_keepalive_time %s, _intvl %s, "
		    "_probes %ld): the default, or set to the same value\n",
		    dur(a, sizeof a, t->sysctl->idle_us), dur(b, sizeof b, t->sysctl->intvl_us),
		    t->sysctl->probes);
}

void sockets_summary_json(struct text *tx, const struct event *ev)
{
	const struct ev_sockets_total *t = &ev->u.sockets;

	json_head(tx, "sockets-summary", ev);
	json_u64(tx, KEY("connections"), t->shown);
	json_u64(tx, KEY("unread"), t->unread);
	if (t->path) {
		ob_mem(&tx->ob, KEY("path_timeout_s"));
		ob_fixed(&tx->ob, t->path->timeout_us, 6);
		json_bool(tx, KEY("endpoint_close"), t->path->endpoint_close);
		for (enum sock_verdict v = SV_PROTECTED; v <= SV_UNKNOWN; v++) {
			ob_str(&tx->ob, ",\"");
			ob_str(&tx->ob, sock_verdict_name(v));
			ob_str(&tx->ob, "\":");
			ob_u64(&tx->ob, t->verdicts[v]);
		}
	} else {
		ob_str(&tx->ob, ",\"path_timeout_s\":null,\"endpoint_close\":null");
	}
	if (t->sysctl) {
		ob_mem(&tx->ob, KEY("sysctl_keepalive_time_s"));
		ob_fixed(&tx->ob, t->sysctl->idle_us, 6);
		ob_mem(&tx->ob, KEY("sysctl_keepalive_intvl_s"));
		ob_fixed(&tx->ob, t->sysctl->intvl_us, 6);
		json_int(tx, KEY("sysctl_keepalive_probes"), t->sysctl->probes);
	}
	json_end(tx);
}
