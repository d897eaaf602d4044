/* audit.c - `kaprobe audit HOST:PORT`: what the path between here and a
 * peer does to keep-alive probes, and how long it keeps an idle flow.
 *
 * Everything is measured on real connections the kernel opens (conn.c),
 * watched through one capture of every connection to the target, probed
 * with libnet.  Four phases run one after another on one event loop:
 *
 *   variants      one connection per probe kind (the table below, in the
 *                 manner of zmap's probe modules), each probed once when
 *                 idle: answered by an ACK, an RST, an ICMP error, or not;
 *                 and by whom: a reply whose TTL differs from the SYN-ACK's
 *                 came from a box closer than the peer;
 *   idle timeout  connections left idle for different times and probed
 *                 once each (a probe refreshes a middlebox's state, so a
 *                 connection tells one thing only); the bracket between the
 *                 longest idle still answered and the shortest not is
 *                 narrowed round by round, up to --max-idle;
 *   refresh       a connection probed every --intvl, below the timeout,
 *                 must outlive it;
 *   advice        tcp_keepalive_* values for hosts behind this path.
 *
 * At most --max-conns connections are open at once and at most --rate
 * probes leave per second.
 */
#include "audit.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "conn.h"
#include "evloop.h"
#include "exitcode.h"
#include "output.h"
#include "parse.h"
#include "segment.h"
#include "session.h"
#include "target.h"

#define MAX_JOBS 64
/* How long a probe's answer is waited for.  Answers come in well under a
 * second on any path worth auditing; a lost one gets a second probe. */
#define REPLY_WAIT_US 1000000
#define TRIES 2
/* Quiet time after the handshake (and any banner) before a variant's
 * probe: the peer's delayed ACKs and window updates are over by then. */
#define SETTLE_US 300000
/* RFC 5382 REQ-5: an established flow's idle timeout is at least 2h4m. */
#define RFC5382_US (7440LL * 1000000)

/* ---- probe kinds -------------------------------------------------------- */

struct variant {
	const char *name;
	bool standard;          /* a kind standard stacks send */
	/* Turn the kernel's own probe (conn_probe_spec) into this kind. */
	void (*shape)(const struct conn *c, struct probe_spec *s);
};

static const uint8_t garbage;

static void shape_zero(const struct conn *c, struct probe_spec *s)
{
	(void)c; (void)s;
}

static void shape_one_byte(const struct conn *c, struct probe_spec *s)
{
	(void)c;
	s->payload = &garbage;
	s->paylen = 1;
}

static void shape_no_ts(const struct conn *c, struct probe_spec *s)
{
	(void)c;
	s->ts = false;
}

/* PAWS (RFC 7323 5): a TSval older than TS.Recent; half the clock's range
 * back is as old as it gets. */
static void shape_stale_ts(const struct conn *c, struct probe_spec *s)
{
	(void)c;
	s->tsval -= 0x40000000u;
}

/* Not a probe: an ACK at SND.NXT, which a correct peer accepts silently. */
static void shape_pure_ack(const struct conn *c, struct probe_spec *s)
{
	s->seq = c->flow.d[0].snd;
}

/* Far outside the window: RFC 5961 4 answers it with a challenge ACK. */
static void shape_far_seq(const struct conn *c, struct probe_spec *s)
{
	s->seq = c->flow.d[0].snd + 0x40000000u;
}

static const struct variant variants[] = {
	{ "zero-length", true, shape_zero },
	{ "one-byte", true, shape_one_byte },
	{ "no-timestamp", false, shape_no_ts },
	{ "stale-timestamp", false, shape_stale_ts },
	{ "pure-ack", false, shape_pure_ack },
	{ "far-seq", false, shape_far_seq },
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

/* ---- state ---------------------------------------------------------------- */

enum job_state {
	J_CONNECTING,
	J_WAITING,     /* connected; its probe is not due yet */
	J_PROBED,      /* a probe is out, its answer awaited */
	J_DONE,
};

/* One connection and what it is for. */
struct job {
	struct conn c;
	enum job_state state;
	const struct variant *variant;  /* the variant phase, else NULL */
	const struct variant *shape;    /* the kind of probe it sends */
	ka_time idle;                   /* search: idle before its probe;
					 * refresh: the interval */
	ka_time created;                /* when its connect() began */
	ka_time started;                /* refresh: when it was established */
	ka_time sent_at;
	unsigned tries;
	unsigned sent, answered;        /* refresh */
	uint32_t probe_seq, probe_len;  /* to know our own probe in the capture */
	struct audit_reply rep;         /* the answer to its latest probe */
};

struct audit {
	const struct audit_opts *opt;
	struct session ss;              /* target, route, raw socket, capture */
	char src_txt[80];
	struct evloop loop;
	struct output out;
	int sigfd;
	struct job job[MAX_JOBS];
	unsigned njobs;
	ka_time refresh_for;            /* refresh: keep probing this long */
	ka_time next_send;              /* the rate limit's next free slot */
	ka_time progress_at;
	const char *phase;
	bool interrupted;
	bool progress;                  /* show progress: stderr is a terminal */
	int status;
	char err[256];
	/* The idle-timeout search: the longest idle answered by the peer and
	 * the shortest not (0: none yet), and what the first expiry got. */
	ka_time alive, dead;
	struct audit_reply expired;
	unsigned round;
	/* The probe kind the search and the refresh use: the standard one the
	 * peer answered, so that a path dropping only zero-length probes is
	 * not taken for a path that drops idle flows at once. */
	const struct variant *search;
};

/* ---- small helpers ---------------------------------------------------------- */

static void fail(struct audit *a, int status)
{
	fprintf(stderr, "kaprobe: %s\n", a->err);
	a->status = status;
	evloop_stop(&a->loop);
}

static unsigned initial_ttl(unsigned ttl)
{
	return ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
}

/* Who sent a reply: the peer answers with the SYN-ACK's TTL (and, on a
 * connection with timestamps, with TSopt on its ACKs); anything else came
 * from a box on the way that speaks for it. */
static void judge(const struct job *j, struct audit_reply *r)
{
	bool ts_missing = r->kind == AR_ACK && flow_ts_negotiated(&j->c.flow) && !r->ts;

	r->hops = (int)(initial_ttl((unsigned)r->ttl) - (unsigned)r->ttl);
	r->by_peer = r->ttl == j->c.synack_ttl && !ts_missing &&
		     memcmp(r->from, j->c.raddr, 16) == 0;
}

static bool all_done(const struct audit *a)
{
	for (unsigned i = 0; i < a->njobs; i++)
		if (a->job[i].state != J_DONE)
			return false;
	return true;
}

/* ---- connections ------------------------------------------------------------ */

static void on_job_socket(struct evloop *loop, int fd, short revents, void *ctx);

static struct job *new_job(struct audit *a)
{
	struct job *j;

	if (a->njobs == MAX_JOBS)
		return NULL;
	j = &a->job[a->njobs];
	memset(j, 0, sizeof *j);
	if (conn_open(&j->c, &a->ss.src, &a->ss.tgt.addr, a->opt->iface) < 0 ||
	    conn_connect(&j->c, (struct sockaddr *)&a->ss.tgt.addr, a->ss.tgt.addrlen) < 0 ||
	    evloop_add(&a->loop, j->c.sock, POLLOUT, on_job_socket, a) < 0) {
		snprintf(a->err, sizeof a->err, "cannot connect to %s: %s", a->ss.dst_txt,
			 strerror(errno));
		conn_close(&j->c);
		return NULL;
	}
	j->created = ev_now();
	a->njobs++;
	return j;
}

static struct job *job_of_fd(struct audit *a, int fd)
{
	for (unsigned i = 0; i < a->njobs; i++)
		if (a->job[i].c.sock == fd)
			return &a->job[i];
	return NULL;
}

static void close_jobs(struct audit *a)
{
	for (unsigned i = 0; i < a->njobs; i++) {
		evloop_remove(&a->loop, a->job[i].c.sock);
		conn_close(&a->job[i].c);
	}
	a->njobs = 0;
}

static void on_job_socket(struct evloop *loop, int fd, short revents, void *ctx)
{
	struct audit *a = ctx;
	struct job *j = job_of_fd(a, fd);

	(void)revents;
	if (!j)
		return;
	if (j->state == J_CONNECTING) {
		int e = conn_connect_error(&j->c);

		if (e) {
			snprintf(a->err, sizeof a->err, "cannot connect to %s: %s", a->ss.dst_txt,
				 strerror(e));
			fail(a, EXIT_NOCONNECT);
			return;
		}
		evloop_modify(loop, fd, POLLIN);
		return;
	}
	if (!conn_drain(&j->c))
		evloop_remove(loop, fd);
}

/* ---- probes and replies ----------------------------------------------------- */

/* The rate limit: may a probe leave now?  (a->next_send says when.) */
static bool may_send(struct audit *a, ka_time now)
{
	return now >= a->next_send;
}

static void send_probe(struct audit *a, struct job *j, ka_time now)
{
	struct probe_spec s;

	conn_probe_spec(&j->c, &s);
	j->shape->shape(&j->c, &s);
	if (prober_build(&a->ss.pr, &s, a->err, sizeof a->err) < 0 ||
	    prober_send(&a->ss.pr, a->err, sizeof a->err) < 0) {
		fail(a, EXIT_SOFTWARE);
		return;
	}
	a->next_send = now + 1000000 / a->opt->rate;
	j->probe_seq = s.seq;
	j->probe_len = s.paylen;
	j->sent_at = now;
	j->tries++;
	j->sent++;
	j->rep = (struct audit_reply){ .kind = AR_PENDING };
	j->state = J_PROBED;
}

static void on_reply(struct job *j, const struct segment *s)
{
	struct audit_reply *r = &j->rep;

	if (j->state != J_PROBED || r->kind != AR_PENDING)
		return;
	r->kind = s->kind == SEG_ICMP_ERR ? AR_ICMP : (s->flags & TCPF_RST) ? AR_RST : AR_ACK;
	r->ttl = s->ttl;
	r->ts = s->opt.has_ts;
	memcpy(r->from, s->src, 16);
	judge(j, r);
}

static void on_packet(void *ctx, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct audit *a = ctx;
	struct segment s;
	ka_time t = session_time(&a->ss, &h->ts);

	if (seg_decode(a->ss.cap.linktype, bytes, h->caplen, &s) != SEG_OK)
		return;
	for (unsigned i = 0; i < a->njobs; i++) {
		struct job *j = &a->job[i];

		switch (conn_classify(&j->c, &s)) {
		case CONN_OUT:
			/* Our own probes are not the kernel's state: a far-seq
			 * or stale-timestamp probe would corrupt it. */
			if (j->state == J_PROBED && s.seq == j->probe_seq &&
			    s.len == j->probe_len && !(s.flags & (TCPF_SYN | TCPF_FIN | TCPF_RST)))
				return;
			conn_seen_out(&j->c, &s);
			return;
		case CONN_IN:
			on_reply(j, &s);
			conn_seen_in(&j->c, &s, t);
			if (j->state == J_CONNECTING && conn_established(&j->c))
				j->state = J_WAITING;
			return;
		case CONN_ICMP:
			on_reply(j, &s);
			return;
		case CONN_NONE:
			break;
		}
	}
}

static void on_capture(struct evloop *loop, int fd, short revents, void *ctx)
{
	struct audit *a = ctx;

	(void)loop; (void)fd; (void)revents;
	if (capture_read(&a->ss.cap, on_packet, a, a->err, sizeof a->err) < 0)
		fail(a, EXIT_SOFTWARE);
}

/* ---- the scheduler ---------------------------------------------------------- */

/* When a waiting job's probe is due: a variant's once the connection has
 * settled, the others after their idle time (a refresh job's interval)
 * since the peer's last segment, an answer included. */
static ka_time due(const struct job *j)
{
	return j->c.last_rx + (j->variant ? SETTLE_US : j->idle);
}

static void show_progress(struct audit *a, ka_time now);

/* Advance every job as far as time allows; return when to look again. */
static ka_time step(struct audit *a, ka_time now)
{
	ka_time next = now + 1000000;

	for (unsigned i = 0; i < a->njobs && !a->loop.stop; i++) {
		struct job *j = &a->job[i];
		ka_time when;

		switch (j->state) {
		case J_WAITING:
			if (!j->started)
				j->started = j->c.last_rx;
			if (a->refresh_for && now - j->started >= a->refresh_for) {
				j->state = J_DONE;
				break;
			}
			when = due(j);
			if (now >= when && may_send(a, now))
				send_probe(a, j, now);
			else if (now >= when)
				next = next < a->next_send ? next : a->next_send;
			else
				next = next < when ? next : when;
			break;
		case J_PROBED:
			if (j->rep.kind != AR_PENDING) {
				/* Refresh: answered by the peer, wait the
				 * interval again from that answer. */
				if (a->refresh_for && j->rep.kind == AR_ACK && j->rep.by_peer) {
					j->answered++;
					j->tries = 0;
					j->state = J_WAITING;
					i--;   /* look at it again now */
				} else {
					j->state = J_DONE;
				}
				break;
			}
			when = j->sent_at + REPLY_WAIT_US;
			if (now < when) {
				next = next < when ? next : when;
			} else if (j->tries < TRIES && !j->variant) {
				/* A lost answer is not a dead flow: ask again. */
				if (may_send(a, now))
					send_probe(a, j, now);
				else
					next = next < a->next_send ? next : a->next_send;
			} else {
				j->rep.kind = AR_NONE;
				j->state = J_DONE;
			}
			break;
		case J_CONNECTING:
			/* Connected by the kernel and seen by the capture, or
			 * neither, within --connect-timeout. */
			when = j->created + a->opt->connect_timeout;
			if (now >= when) {
				snprintf(a->err, sizeof a->err, "cannot connect to %s: no handshake "
					 "seen within --connect-timeout", a->ss.dst_txt);
				fail(a, EXIT_NOCONNECT);
			} else {
				next = next < when ? next : when;
			}
			break;
		case J_DONE:
			break;
		}
	}
	if (all_done(a))
		evloop_stop(&a->loop);
	show_progress(a, now);
	return next;
}

static void on_timer(struct evloop *loop, ka_time now, void *ctx)
{
	struct audit *a = ctx;
	ka_time next = step(a, now);

	if (!loop->stop)
		evloop_timer(loop, next, on_timer, a);
}

/* Run the loop until every job is done (or a failure or a signal). */
static int run_phase(struct audit *a, const char *phase)
{
	a->phase = phase;
	a->loop.stop = false;
	evloop_timer(&a->loop, ev_now(), on_timer, a);
	if (evloop_run(&a->loop) < 0) {
		snprintf(a->err, sizeof a->err, "event loop failed: %s", strerror(errno));
		fail(a, EXIT_SOFTWARE);
	}
	if (a->progress)
		fputs("\r\033[K", stderr);
	return a->status || a->interrupted ? -1 : 0;
}

/* On a terminal, one line that says what is being waited for. */
static void show_progress(struct audit *a, ka_time now)
{
	ka_time left = 0;
	char l[32], al[32], de[32];

	if (!a->progress || now < a->progress_at)
		return;
	a->progress_at = now + 1000000;
	for (unsigned i = 0; i < a->njobs; i++) {
		const struct job *j = &a->job[i];
		ka_time end = j->state == J_WAITING ? due(j) : j->state == J_PROBED
			      ? j->sent_at + REPLY_WAIT_US : 0;

		if (end - now > left)
			left = end - now;
	}
	format_duration(left > 0 ? left : 0, l, sizeof l);
	format_duration(a->alive, al, sizeof al);
	if (a->dead)
		format_duration(a->dead, de, sizeof de);
	else
		snprintf(de, sizeof de, "-");
	fprintf(stderr, "\r\033[K%s: %s left", a->phase, l);
	if (a->round)
		fprintf(stderr, "; round %u, alive at %s, dead at %s", a->round, al, de);
}

/* ---- the phases ----------------------------------------------------------- */

static int phase_variants(struct audit *a, bool *standard_ok)
{
	for (unsigned v = 0; v < NVARIANTS; v++) {
		struct job *j = new_job(a);

		if (!j) {
			fail(a, EXIT_NOCONNECT);
			return -1;
		}
		j->variant = j->shape = &variants[v];
	}
	if (run_phase(a, "probe variants") < 0)
		return -1;
	*standard_ok = true;
	a->search = NULL;
	for (unsigned i = 0; i < a->njobs; i++) {
		const struct job *j = &a->job[i];
		bool answered = j->rep.kind == AR_ACK && j->rep.by_peer;

		out_variant(&a->out, ev_now(), j->variant->name, &j->rep, j->c.family);
		if (j->variant->standard && !answered)
			*standard_ok = false;
		if (j->variant->standard && answered && !a->search)
			a->search = j->variant;
	}
	if (!a->search)
		a->search = &variants[0];
	close_jobs(a);
	return 0;
}

/* The n idle times a round tries: spread geometrically over the whole
 * range first, evenly across the bracket after. */
static void round_idles(const struct audit *a, ka_time *idle, unsigned n)
{
	ka_time lo = a->alive, hi = a->dead ? a->dead : a->opt->max_idle;

	if (a->round == 1) {
		double first = 0.5e6, ratio = pow((double)a->opt->max_idle / first, 1.0 / (n - 1));

		for (unsigned i = 0; i < n; i++)
			idle[i] = (ka_time)(first * pow(ratio, i));
		idle[n - 1] = a->opt->max_idle;
		return;
	}
	for (unsigned i = 0; i < n; i++)
		idle[i] = lo + (hi - lo) * (ka_time)(i + 1) / (ka_time)(n + 1);
}

static int phase_idle_timeout(struct audit *a, int *rfc_out)
{
	/* main.c keeps --max-conns in 6..64: at least the variants' six. */
	unsigned n = a->opt->max_conns < MAX_JOBS ? a->opt->max_conns : MAX_JOBS;
	ka_time idle[MAX_JOBS];

	a->alive = a->dead = 0;
	for (a->round = 1;; a->round++) {
		round_idles(a, idle, n);
		for (unsigned i = 0; i < n; i++) {
			struct job *j = new_job(a);

			if (!j) {
				fail(a, EXIT_NOCONNECT);
				return -1;
			}
			j->idle = idle[i];
			j->shape = a->search;
		}
		if (run_phase(a, "idle timeout") < 0)
			return -1;
		for (unsigned i = 0; i < a->njobs; i++) {
			const struct job *j = &a->job[i];

			if (j->rep.kind == AR_ACK && j->rep.by_peer) {
				if (j->idle > a->alive)
					a->alive = j->idle;
			} else if (!a->dead || j->idle < a->dead) {
				a->dead = j->idle;
				a->expired = j->rep;
			}
		}
		close_jobs(a);
		/* Nothing died up to --max-idle, or the bracket is narrow
		 * enough: done.  A path that answers at some idle after one
		 * that died is inconsistent; the shortest death is kept. */
		if (!a->dead || a->dead - a->alive <= a->opt->resolution || a->dead < a->alive)
			break;
	}
	double dead_s = a->dead ? a->dead / 1e6 : -1;
	int rfc = a->alive >= RFC5382_US ? 1 : a->dead && a->dead < RFC5382_US ? 0
		  : a->opt->max_idle >= RFC5382_US ? 1 : -1;

	out_idle_timeout(&a->out, ev_now(), a->search->name, a->alive ? a->alive / 1e6 : -1, dead_s,
			 rfc, a->dead ? &a->expired : NULL, a->ss.tgt.addr.ss_family);
	*rfc_out = rfc;
	return 0;
}

/* A connection probed every intvl, below the timeout, must outlive it. */
static int phase_refresh(struct audit *a)
{
	ka_time intvl = a->opt->intvl ? a->opt->intvl : a->alive / 2;
	struct job *j;

	if (!a->dead) {
		out_refresh(&a->out, ev_now(), -1, 0, 0, "no idle timeout within --max-idle");
		return -1;
	}
	if (intvl <= 0 || intvl >= a->alive) {
		out_refresh(&a->out, ev_now(), -1, 0, 0, "no interval below the longest live idle");
		return -1;
	}
	a->refresh_for = a->dead + a->dead / 2 + intvl;
	j = new_job(a);
	if (!j) {
		fail(a, EXIT_NOCONNECT);
		return -1;
	}
	j->idle = intvl;
	j->shape = a->search;
	if (run_phase(a, "refresh") < 0)
		return -1;
	bool survived = j->sent > 0 && j->answered == j->sent;

	out_refresh(&a->out, ev_now(), survived, intvl / 1e6, a->refresh_for / 1e6, NULL);
	a->refresh_for = 0;
	close_jobs(a);
	return survived;
}

/* tcp_keepalive_* for hosts behind this path.  With a timeout found, the
 * first probe and every next one must come before the flow expires, so
 * time and interval stay under the longest idle still answered; Linux's
 * defaults otherwise, which RFC 5382 paths keep. */
static void advise(struct audit *a)
{
	long time_s = 7200, intvl_s = 75, probes = 9;

	if (a->dead && !a->alive) {
		out_advice(&a->out, ev_now(), time_s, intvl_s, probes,
			   "no idle connection was answered at all: no keep-alive setting "
			   "keeps flows on this path");
		return;
	}
	if (a->dead) {
		long alive = (long)(a->alive / 1000000);

		time_s = alive / 2 > 0 ? alive / 2 : 1;
		intvl_s = alive / 3 > 0 ? (alive / 3 < 75 ? alive / 3 : 75) : 1;
	}
	out_advice(&a->out, ev_now(), time_s, intvl_s, probes, NULL);
}

/* ---- setting up -------------------------------------------------------- */

static void on_signal(struct evloop *loop, int fd, short revents, void *ctx)
{
	struct audit *a = ctx;
	struct signalfd_siginfo si;

	(void)revents;
	if (read(fd, &si, sizeof si) != (ssize_t)sizeof si)
		return;
	a->interrupted = true;
	evloop_stop(loop);
}

static int setup(struct audit *a)
{
	const struct audit_opts *o = a->opt;
	int rc;

	if ((rc = session_target(&a->ss, o->target, o->family, o->iface)) != 0 ||
	    (rc = session_prober(&a->ss, o->iface)) != 0 ||
	    (rc = session_capture(&a->ss, 0, NULL)) != 0)
		return rc;
	if ((a->sigfd = session_signals(false)) < 0) {
		snprintf(a->err, sizeof a->err, "cannot set up signals: %s", strerror(errno));
		return session_error(a->err, false);
	}
	if ((rc = session_drop(o->user)) != 0)
		return rc;
	evloop_add(&a->loop, a->ss.cap.fd, POLLIN, on_capture, a);
	evloop_add(&a->loop, a->sigfd, POLLIN, on_signal, a);
	sockaddr_format((struct sockaddr *)&a->ss.src, a->src_txt, sizeof a->src_txt);
	return 0;
}

int audit_run(const struct audit_opts *opt)
{
	static struct audit a;   /* 64 jobs: too big for the stack */
	bool standard_ok = false;
	int rfc = -1, refreshed = -1, rc;

	memset(&a, 0, sizeof a);
	a.opt = opt;
	a.sigfd = -1;
	evloop_init(&a.loop);
	out_init(&a.out, stdout, opt->json, opt->quiet, ev_now());
	a.progress = !opt->json && !opt->quiet && isatty(STDERR_FILENO);
	rc = setup(&a);
	if (rc == 0) {
		out_audit_start(&a.out, a.ss.dst_txt, a.src_txt, a.ss.iface);
		if (phase_variants(&a, &standard_ok) == 0 &&
		    phase_idle_timeout(&a, &rfc) == 0) {
			refreshed = phase_refresh(&a);
			if (!a.status && !a.interrupted)
				advise(&a);
		}
		rc = a.status;
		if (!rc) {
			bool ok = standard_ok && rfc != 0 && refreshed != 0 && !a.interrupted;

			out_audit_summary(&a.out, ev_now(), ok, a.interrupted);
			rc = ok ? 0 : 1;
		}
	}
	close_jobs(&a);
	session_close(&a.ss);
	if (a.sigfd >= 0)
		close(a.sigfd);
	fflush(stdout);
	return rc;
}
