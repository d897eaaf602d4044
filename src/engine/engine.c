/* engine.c - connections, one capture, one raw socket, many timers (see
 * engine.h). */
#include "engine/engine.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/enginepriv.h"
#include "util/exitcode.h"
#include "net/privdrop.h"
#include "net/target.h"
#include "tcp/seq.h"

/* How long the capture may lag the kernel's connect() before kaprobe
 * concludes it is listening on the wrong interface. */
#define HANDSHAKE_WAIT_US 2000000
/* reopen_capture: the longest wait between two tries. */
#define REOPEN_MAX_US 60000000

static void emit(struct engine *e, struct eng_event ev)
{
	e->opt->ops->event(e, &ev, e->opt->ctx);
}

void engine_stop(struct engine *e, int status)
{
	e->status = status;
	evloop_stop(&e->loop);
}

void engine_resume(struct engine *e)
{
	if (e->status == 0)
		evloop_restart(&e->loop);
}

void engine_fail(struct engine *e, int status, const char *fmt, ...)
{
	char msg[sizeof e->err];
	va_list ap;

	if (e->failed)
		return;
	/* Apart from e->err: a caller may pass e->err itself as the text. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	memcpy(e->err, msg, sizeof e->err);
	e->failed = true;
	engine_stop(e, status);
}

void engine_fail_connect(struct engine *e, const struct econn *c, int err)
{
	if (err == ENG_ERR_UNSEEN)
		engine_fail(e, EXIT_SOFTWARE, "the capture on %s did not see the handshake: "
			    "name the interface the connection uses with -i", e->iface);
	else
		engine_fail(e, EXIT_NOCONNECT, "cannot connect to %s: %s",
			    e->dest[c->dest].dst_txt, strerror(err));
}

/* ---- events ------------------------------------------------------------------- */

void engine_arm(struct engine *e, struct ev_timer *t, ka_time when)
{
	if (evloop_arm(&e->loop, t, when) < 0)
		engine_fail(e, EXIT_SOFTWARE, "out of memory for timers");
}

static void arm(struct engine *e, struct econn *c, ka_time when)
{
	engine_arm(e, &c->timer, when);
}

static void ignore(struct engine *e, struct econn *c, enum cl_kind k,
		   const struct segment *s, ka_time t)
{
	c->ignored++;
	e->ignored++;
	emit(e, (struct eng_event){ .kind = ENG_IGNORED, .c = c, .t = t, .seg = s, .cls = k });
}

/* The handshake is complete for the kernel and seen whole by the capture
 * (both SYNs, and our ACK of the peer's): the machine starts, idle from
 * the peer's last segment, as Linux counts it. */
static void try_ready(struct engine *e, struct econn *c)
{
	if (c->state != EC_HANDSHAKE || !conn_established(&c->k) || !c->k.handshake_acked)
		return;
	c->state = EC_READY;
	conn_read_ts_clock(&c->k);
	ka_init(&c->ka, c->k.last_rx);
	emit(e, (struct eng_event){ .kind = ENG_READY, .c = c, .t = c->k.last_rx });
	if (c->state == EC_READY)
		arm(e, c, ka_deadline(&c->ka, &c->cfg));
}

static void reply(struct engine *e, struct econn *c, enum ka_input in, enum cl_kind k,
		  const struct segment *s, ka_time t, bool hard)
{
	struct eng_event ev = { .kind = ENG_REPLY, .c = c, .t = t, .seg = s, .cls = k,
				.hard = hard, .frame = e->frame, .caplen = e->caplen,
				.wirelen = e->wirelen };

	ev.out = ka_receive(&c->ka, t, in);
	ev.by_peer = classify_by_peer(c->k.synack_ttl, flow_ts_negotiated(&c->k.flow), c->k.raddr,
				      s, &ev.hops);
	if (ev.out.answered || in == KA_IN_RST || in == KA_IN_ICMP)
		emit(e, ev);
	if (c->state != EC_READY)
		return;
	if (ev.out.verdict)
		emit(e, (struct eng_event){ .kind = ENG_VERDICT, .c = c, .t = t });
	else
		arm(e, c, ka_deadline(&c->ka, &c->cfg));
}

/* The peer closed on its own, idle for `idle`: the machine's verdict is
 * "closed" (once: a finished machine takes nothing more). */
static void closed(struct engine *e, struct econn *c, const struct segment *s, ka_time t,
		   ka_time idle, bool rst)
{
	struct eng_event ev = { .kind = ENG_CLOSED, .c = c, .t = t, .seg = s, .idle = idle,
				.rst = rst, .frame = e->frame, .caplen = e->caplen,
				.wirelen = e->wirelen };

	ev.out = ka_receive(&c->ka, t, rst ? KA_IN_RST : KA_IN_FIN);
	if (!ev.out.verdict)
		return;
	ev.by_peer = classify_by_peer(c->k.synack_ttl, flow_ts_negotiated(&c->k.flow), c->k.raddr,
				      s, &ev.hops);
	emit(e, ev);
	if (c->state == EC_READY)
		emit(e, (struct eng_event){ .kind = ENG_VERDICT, .c = c, .t = t });
}

/* What the kernel drops before TCP or ICMP sees it (decode/gate.h) never
 * reaches the classifier: ignored with its reason once the connection
 * runs, dropped unseen before (the handshake is the kernel's to judge).
 * Returns whether s passed. */
static bool gate(struct engine *e, struct econn *c, const struct segment *s, ka_time t)
{
	const struct capture *cap = &e->ss.cap;
	struct gate_frame f = { cap->linktype, e->frame, e->caplen, e->wirelen,
				cap->has_mac ? cap->mac : NULL };
	enum gate_drop d = seg_gate(&f, s, GATE_RECEIVER);

	if (d == GATE_PASS)
		return true;
	if (c->state == EC_READY)
		ignore(e, c, classify_gate(d), s, t);
	return false;
}

/* A segment from the peer's address and port. */
static void on_inbound(struct engine *e, struct econn *c, const struct segment *s, ka_time t)
{
	struct cl_conn v;
	enum cl_kind k;
	ka_time idle;
	bool fin;

	if (!gate(e, c, s, t))
		return;
	if (c->ring) {
		struct ctl_seg r;

		ctl_seg_from(&r, s, t - c->created);
		segring_add(c->ring, &r);
	}
	if (!conn_established(&c->k)) {
		/* SYN-SENT: only the answer to our SYN counts; an RST or
		 * anything else is the kernel's to judge, and connect() says. */
		if (conn_synack_ok(&c->k, s))
			conn_seen_in(&c->k, s, t);
		return;
	}
	conn_view(&c->k, &v);
	k = classify_segment(&v, s);
	if (classify_ignored(k)) {
		ignore(e, c, k, s, t);
		return;
	}
	fin = (s->flags & TCPF_FIN) && !(c->k.flow.d[1].flags & FD_FIN);
	idle = t - conn_last_data(&c->k);   /* up to this segment, data in it aside */
	conn_seen_in(&c->k, s, t);
	if (c->state != EC_READY)
		return;
	/* An RST with no probe out answers nothing: the peer closed on its
	 * own.  A FIN always does, whatever it acknowledges or carries. */
	if (k == CL_RESET && c->ka.state == KA_IDLE)
		closed(e, c, s, t, idle, true);
	else if (k == CL_RESET)
		reply(e, c, KA_IN_RST, k, s, t, false);
	else if (fin)
		closed(e, c, s, t, idle, false);
	else if (k == CL_DATA)
		reply(e, c, KA_IN_DATA, k, s, t, false);
	else if (k == CL_ANSWER)
		reply(e, c, KA_IN_ACK, k, s, t, false);
}

/* An ICMP error quoting the connection. */
static void on_icmp(struct engine *e, struct econn *c, const struct segment *s, ka_time t)
{
	struct cl_conn v;
	enum cl_kind k;
	bool hard;

	if (c->state != EC_READY || !gate(e, c, s, t)) /* errors about the SYN are the kernel's */
		return;
	conn_view(&c->k, &v);
	k = classify_icmp(&v, s, &hard);
	if (classify_ignored(k))
		ignore(e, c, k, s, t);
	else
		reply(e, c, KA_IN_ICMP, k, s, t, hard);
}

/* A segment from us: the kernel's (its state), or one of our probes as it
 * left (its capture time makes RTTs one clock's). */
static void on_outbound(struct engine *e, struct econn *c, const struct segment *s, ka_time t)
{
	/* A heartbeat is the kernel's own segment: folded in, and its first
	 * sending is the probe's time. */
	if (!c->hb && conn_is_own_probe(&c->k, s)) {
		if (c->stamp_pending)
			ka_restamp(&c->ka, t);
		c->stamp_pending = false;
		c->k.ip_id = s->ip_id;   /* the socket's counter moves per packet */
		return;
	}
	if (c->hb && c->stamp_pending && s->len > 0 && s->seq == c->hb_seq) {
		ka_restamp(&c->ka, t);
		c->stamp_pending = false;
	}
	conn_seen_out(&c->k, s, t);
	try_ready(e, c);
}

static void on_packet(void *ctx, const struct pcap_pkthdr *h, const uint8_t *bytes)
{
	struct engine *e = ctx;
	struct segment s;
	struct econn *c;
	unsigned ways;
	ka_time t = session_time(&e->ss, &h->ts);

	/* The wire length: a TSO or BIG TCP super-segment has IP length 0. */
	if (evloop_stopped(&e->loop) ||
	    seg_decode_ex(e->ss.cap.linktype, bytes, h->caplen, h->len, &s, 0) != SEG_OK)
		return;
	e->frame = bytes;
	e->caplen = h->caplen;
	e->wirelen = h->len;
	ways = s.kind == SEG_ICMP_ERR ? 0 : conntab_ways(&e->tab, s.src, s.dst);
	if (s.kind == SEG_ICMP_ERR) {
		if ((c = conntab_find(&e->tab, s.qsrc, s.qdst, s.sport, s.dport)) && s.family == c->k.family)
			on_icmp(e, c, &s, t);
	} else if ((ways & CT_OURS) &&
		   (c = conntab_find(&e->tab, s.src, s.dst, s.sport, s.dport)) && s.family == c->k.family) {
		on_outbound(e, c, &s, t);
	} else if ((ways & CT_PEERS) &&
		   (c = conntab_find(&e->tab, s.dst, s.src, s.dport, s.sport)) && s.family == c->k.family) {
		on_inbound(e, c, &s, t);
	} else if (e->emb.e) {
		/* Listening: during a handshake only the SYN-ACK is ours.  (On
		 * loopback, "any" shows each packet once: af_packet drops the
		 * PACKET_LOOPBACK copy.) */
		bool out = (s.flags & (TCPF_SYN | TCPF_ACK)) == (TCPF_SYN | TCPF_ACK);

		embryos_note(&e->emb, &s, !out, t);
	}
	e->frame = NULL;
}

/* reopen_capture: the wait before the next try, 1 s doubled per failed
 * try, at most a minute. */
static ka_time reopen_delay(unsigned tries)
{
	ka_time d = 1000000;

	while (tries-- > 1 && d < REOPEN_MAX_US)
		d *= 2;
	return d < REOPEN_MAX_US ? d : REOPEN_MAX_US;
}

static void capture_down(struct engine *e, const char *why)
{
	char text[sizeof e->err + 64];
	ka_time d = reopen_delay(++e->reopen_tries);

	snprintf(text, sizeof text, "%s: reopening the capture in %llds", why,
		 (long long)(d / 1000000));
	engine_arm(e, &e->reopen, ev_now() + d);
	e->opt->ops->capture(e, false, text, e->opt->ctx);
}

/* Open the capture again (its interface came back), with the CAP_NET_RAW
 * kept for it. */
void engine_on_reopen(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	struct engine *e = (struct engine *)((char *)t - offsetof(struct engine, reopen));
	char err[sizeof e->err];
	int rc;

	(void)loop; (void)now;
	priv_raw(true);
	rc = session_capture(&e->ss, e->iface, e->dest, e->ndests, NULL, err, sizeof err);
	priv_raw(false);
	if (rc == 0) {
		e->cap_io.fd = e->ss.cap.fd;
		rc = evloop_add(&e->loop, &e->cap_io, EPOLLIN);
		if (rc < 0)
			capture_close(&e->ss.cap);
	}
	if (rc != 0) {
		capture_down(e, err);
		return;
	}
	e->reopen_tries = 0;
	e->opt->ops->capture(e, true, e->iface, e->opt->ctx);
}

void engine_on_capture(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct engine *e = (struct engine *)((char *)io - offsetof(struct engine, cap_io));
	/* Not into e->err: once a run has failed, its first failure stays. */
	char err[sizeof e->err];
	int rc;

	(void)loop; (void)events;
	if (!e->ss.cap.p)
		return;   /* failed, being reopened (reopen_capture) */
	rc = capture_read(&e->ss.cap, on_packet, e, err, sizeof err);
	if (rc == CAPTURE_EDUMP) {
		engine_fail(e, EXIT_CANTCREAT, "%s", err);
	} else if (rc < 0 && e->opt->reopen_capture) {
		evloop_remove(&e->loop, &e->cap_io);
		capture_close(&e->ss.cap);
		capture_down(e, err);
	} else if (rc < 0) {
		engine_fail(e, EXIT_SOFTWARE, "%s", err);
	}
}

void engine_read_capture(struct engine *e)
{
	engine_on_capture(&e->loop, &e->cap_io, EPOLLIN);
}

/* ---- probes and timers ---------------------------------------------------------- */

/* The raw probe the machine asks for, shaped, with this TTL (0: the
 * kernel's), queued for engine_flush_probes: its place in the batch, or -1
 * (after engine_fail, or when an event of the flush that made room
 * released the connection). */
static int queue_raw(struct engine *e, struct econn *c, struct probe_spec *s, uint8_t ttl,
		     ka_time now)
{
	struct prober *pr = session_prober_of(&e->ss, c->k.family);
	char err[sizeof e->err];    /* not e->err: a run's first failure stays */
	int q;

	conn_probe_spec(&c->k, s);
	if (c->shape)
		c->shape(&c->k, s);
	if (ttl)
		s->ttl = ttl;
	if (prober_full(pr))
		engine_flush_probes(e);
	if (c->state == EC_CLOSED)   /* released by an event of that flush */
		return -1;
	if (prober_build(pr, s, err, sizeof err) < 0 || (q = prober_queue(pr, err, sizeof err)) < 0) {
		engine_fail(e, EXIT_SOFTWARE, "%s", err);
		return -1;
	}
	e->sendq[pr - e->ss.pr][q] = (struct sent_probe){ .c = c, .s = *s, .t = now };
	c->queued++;
	return q;
}

/* A probe left, or could not (err): the capture will stamp its leaving. */
static void probe_left(struct engine *e, struct econn *c, const struct probe_spec *s,
		       ka_time t, int err)
{
	c->stamp_pending = err == 0;
	emit(e, (struct eng_event){ .kind = ENG_PROBE, .c = c, .t = t, .probe = s, .err = err });
}

/* A probe that cannot leave (no route for a moment, no buffer) is counted
 * as sent and lost, as tcp_keepalive_timer counts a failed
 * tcp_write_wakeup: the run goes on.  The batch is copied out before its
 * events, which may queue the next probes.  Returns how many were queued. */
unsigned engine_flush_probes(struct engine *e)
{
	unsigned sent = 0;

	for (unsigned f = 0; f < 2; f++) {
		struct sent_probe batch[PROBE_BATCH];
		int errs[PROBE_BATCH];
		unsigned n;

		if (!e->ss.pr[f].nq)
			continue;
		n = prober_flush(&e->ss.pr[f], errs);
		sent += n;
		memcpy(batch, e->sendq[f], n * sizeof *batch);
		for (unsigned i = 0; i < n; i++)
			if (batch[i].c)
				batch[i].c->queued--;
		for (unsigned i = 0; i < n; i++)
			if (batch[i].c && batch[i].c->state != EC_CLOSED)
				probe_left(e, batch[i].c, &batch[i].s, batch[i].t, errs[i]);
	}
	return sent;
}

/* Released before its probes left: they never will. */
static void cancel_queued(struct engine *e, struct econn *c)
{
	for (unsigned f = 0; f < 2 && c->queued; f++)
		for (unsigned i = 0; i < e->ss.pr[f].nq; i++)
			if (e->sendq[f][i].c == c) {
				prober_cancel(&e->ss.pr[f], i);
				e->sendq[f][i].c = NULL;
				c->queued--;
			}
}

/* A heartbeat: the data written through the socket, described as the
 * probe it stands for (its seq and length; the kernel builds the rest).
 * Its seq is where the kernel puts it: after what the capture saw sent
 * and after the heartbeat before it.  A part written is sent whole
 * enough: the peer's timer sees data either way. */
static int send_heartbeat(struct econn *c, struct probe_spec *s)
{
	unsigned last = (c->k.nsent + CONN_SENT - 1) % CONN_SENT;
	uint32_t end = c->k.sent[last].seq + c->k.sent_len[last];   /* the last one's */
	ssize_t n;

	conn_probe_spec(&c->k, s);
	s->seq = c->k.flow.d[0].snd;
	if (c->k.nsent && seq_gt(end, s->seq))
		s->seq = end;
	s->payload = c->hb;
	s->paylen = (uint32_t)c->hb_len;
	c->hb_seq = s->seq;
	n = send(c->k.sock, c->hb, c->hb_len, MSG_NOSIGNAL | MSG_DONTWAIT);
	return n > 0 ? 0 : n == 0 ? EAGAIN : errno;
}

/* Send what the machine asks for: a heartbeat at once through the
 * socket, a raw probe at the end of this turn of the loop. */
static int send_probe(struct engine *e, struct econn *c, ka_time now, uint8_t ttl)
{
	struct probe_spec s;
	int q = -1, err;

	if (c->state == EC_CLOSED)
		return EIO;
	err = c->hb ? send_heartbeat(c, &s) : (q = queue_raw(e, c, &s, ttl, now)) < 0 ? -1 : 0;
	if (err < 0)
		return EIO;
	if (c->ka.state == KA_IDLE)
		c->round++;
	ka_sent(&c->ka, now);
	conn_probe_sent(&c->k, &s);
	c->stamp_pending = false;
	if (e->opt->rate && !c->slot_reserved)
		e->next_send = now + 1000000 / e->opt->rate;
	c->slot_reserved = false;
	if (q < 0)
		probe_left(e, c, &s, now, err);
	return err;
}

int engine_probe_now(struct engine *e, struct econn *c, uint8_t ttl)
{
	return send_probe(e, c, ev_now(), ttl);
}

static void on_timer(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	struct econn *c = (struct econn *)((char *)t - offsetof(struct econn, timer));
	struct engine *e = c->e;

	(void)loop;
	if (c->state == EC_CONNECTING || c->state == EC_HANDSHAKE) {
		emit(e, (struct eng_event){ .kind = ENG_CONNECT_FAILED, .c = c, .t = now,
					    .err = c->state == EC_CONNECTING ? ETIMEDOUT
					    : ENG_ERR_UNSEEN });
		return;
	}
	if (c->state != EC_READY)
		return;
	if (c->slot_reserved && ka_timer(&c->ka, &c->cfg, now) != KA_ACT_PROBE)
		c->slot_reserved = false;   /* answered meanwhile: the slot goes unused */
	switch (ka_timer(&c->ka, &c->cfg, now)) {
	case KA_ACT_PROBE:
		/* Over the rate: a slot of its own, in the order probes fell
		 * due, rather than a herd at the next free one. */
		if (e->opt->rate && now < e->next_send && !c->slot_reserved) {
			c->slot_reserved = true;
			arm(e, c, e->next_send);
			e->next_send += 1000000 / e->opt->rate;
			return;
		}
		send_probe(e, c, now, 0);
		break;
	case KA_ACT_VERDICT:
		emit(e, (struct eng_event){ .kind = ENG_VERDICT, .c = c, .t = now });
		return;
	case KA_ACT_NONE:
		break;
	}
	if (c->state == EC_READY && !evloop_stopped(&e->loop))
		arm(e, c, ka_deadline(&c->ka, &c->cfg));
}

/* The connection's own socket: connect() finishing, then whatever the
 * server says (a banner), read and handed to the planner's `data`, if
 * any (kaprobe serve's greeting), else dropped. */
static void on_socket(struct evloop *loop, struct ev_io *io, uint32_t events)
{
	struct econn *c = (struct econn *)((char *)io - offsetof(struct econn, io));
	struct engine *e = c->e;

	if (c->state == EC_CONNECTING) {
		int err = conn_connect_error(&c->k);

		if (err) {
			emit(e, (struct eng_event){ .kind = ENG_CONNECT_FAILED, .c = c,
						    .t = ev_now(), .err = err });
			return;
		}
		evloop_modify(loop, io, EPOLLIN | EPOLLRDHUP);
		c->state = EC_HANDSHAKE;
		arm(e, c, ev_now() + HANDSHAKE_WAIT_US);
		/* The capture may already hold the whole handshake. */
		engine_on_capture(loop, &e->cap_io, EPOLLIN);
		try_ready(e, c);
		return;
	}
	/* At end of stream or on an error the socket has nothing more to
	 * say: stop watching it (level-triggered, it would wake us forever);
	 * the connection itself stays the kernel's. */
	{
		uint8_t buf[4096];
		ssize_t n = conn_read(&c->k, buf, sizeof buf);

		if (n > 0 && e->opt->data)
			e->opt->data(e, c, buf, (size_t)n, e->opt->ctx);
		if (n < 0 || (events & (EPOLLHUP | EPOLLERR)))
			evloop_remove(loop, io);
	}
}

/* ---- connections ---------------------------------------------------------------- */

struct econn *engine_connect(struct engine *e, unsigned dest, const struct ka_config *cfg,
			     eng_shape_fn shape, void *user)
{
	struct econn *c = calloc(1, sizeof *c);
	const struct dest *d = &e->dest[dest];

	if (!c || conntab_reserve(&e->tab) < 0) {
		free(c);
		if (!e->failed)
			snprintf(e->err, sizeof e->err, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	if (conn_open(&c->k, &d->src, &d->tgt.addr, e->opt->iface) < 0 ||
	    conn_connect(&c->k, (struct sockaddr *)&d->tgt.addr, d->tgt.addrlen) < 0) {
		int err = errno;

		if (!e->failed)     /* a run's first failure stays */
			snprintf(e->err, sizeof e->err, "cannot connect to %s: %s", d->dst_txt,
				 strerror(err));
		conn_close(&c->k);
		free(c);
		errno = err;
		return NULL;
	}
	c->e = e;
	c->dest = dest;
	c->cfg = *cfg;
	c->shape = shape;
	c->user = user;
	c->id = ++e->nconns;
	c->created = ev_now();
	c->io = (struct ev_io){ .fd = c->k.sock, .fn = on_socket };
	c->timer.fn = on_timer;
	conntab_add(&e->tab, c);
	evloop_add(&e->loop, &c->io, EPOLLOUT);
	arm(e, c, c->created + e->opt->connect_timeout);
	return c;
}

/* The handshake the capture saw before accept(2): the client's SYN, our
 * SYN-ACK and the client's ACK, as a connecting engine would have seen
 * them, and into the ring. */
static void take_embryo(struct engine *e, struct econn *c)
{
	struct embryo *m = embryos_find(&e->emb, c->k.family, c->k.laddr, c->k.raddr,
					c->k.lport, c->k.rport);

	if (!m || !m->has_synack)
		return;
	c->created = m->t_syn;
	conn_seen_in(&c->k, &m->syn, m->t_syn);
	conn_seen_out(&c->k, &m->synack, m->t_synack);
	if (m->has_ack)
		conn_seen_in(&c->k, &m->ack, m->t_ack);
	/* accept(2) returned: the kernel took the client's ACK. */
	c->k.handshake_acked = true;
	if (c->ring) {
		segring_add(c->ring, &m->syn_rec);
		if (m->has_ack)
			segring_add(c->ring, &m->ack_rec);
	}
	m->used = false;
}

struct econn *engine_adopt(struct engine *e, int fd, const struct ka_config *cfg,
			   struct segring *ring, void *user)
{
	struct econn *c = calloc(1, sizeof *c);

	if (!c || conntab_reserve(&e->tab) < 0 || conn_adopt(&c->k, fd) < 0) {
		snprintf(e->err, sizeof e->err, "cannot take a connection: %s",
			 c ? strerror(errno) : "out of memory");
		close(fd);
		free(c);
		return NULL;
	}
	*c = (struct econn){ .k = c->k, .e = e, .cfg = *cfg, .user = user, .ring = ring,
			     .id = ++e->nconns, .created = ev_now(), .adopted = true,
			     .state = EC_HANDSHAKE };
	c->io.fd = -1;   /* the socket is the planner's to read */
	c->timer.fn = on_timer;
	/* The handshake may still wait in the capture: read it first, while
	 * the flow is no connection's and goes to the embryos. */
	engine_on_capture(&e->loop, &e->cap_io, EPOLLIN);
	conntab_add(&e->tab, c);
	take_embryo(e, c);
	arm(e, c, ev_now() + HANDSHAKE_WAIT_US);
	try_ready(e, c);
	return c;
}

int engine_heartbeat(struct engine *e, struct econn *c, const uint8_t *data, size_t len)
{
	(void)e;
	if (!data || len == 0)
		return EINVAL;
	c->hb = data;
	c->hb_len = len;
	return 0;
}

void engine_configure(struct engine *e, struct econn *c, const struct ka_config *cfg)
{
	c->cfg = *cfg;
	if (c->state == EC_READY && c->ka.state != KA_DONE)
		arm(e, c, ka_deadline(&c->ka, &c->cfg));
}

int engine_send(struct engine *e, struct econn *c, const void *buf, size_t len)
{
	ssize_t n;

	(void)e;
	if (c->state != EC_READY)
		return ENOTCONN;
	n = send(c->k.sock, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	return n == (ssize_t)len ? 0 : n < 0 ? errno : EAGAIN;
}

/* Released connections are freed by a timer of their own, after the
 * callbacks of this turn: a planner may release a connection from inside
 * an event about it, and the engine still looks at it on the way out. */
void engine_reap(struct evloop *loop, struct ev_timer *t, ka_time now)
{
	struct engine *e = (struct engine *)((char *)t - offsetof(struct engine, reaper));

	(void)loop; (void)now;
	while (e->released) {
		struct econn *c = e->released;

		e->released = c->next_released;
		free(c);
	}
}

void engine_release(struct engine *e, struct econn *c)
{
	if (c->state == EC_CLOSED)
		return;
	if (!c->adopted)
		evloop_remove(&e->loop, &c->io);
	evloop_disarm(&e->loop, &c->timer);
	conntab_del(&e->tab, c);
	if (c->queued)
		cancel_queued(e, c);
	conn_close(&c->k);
	c->state = EC_CLOSED;
	c->next_released = e->released;
	e->released = c;
	if (!e->reaper.slot)
		engine_arm(e, &e->reaper, ev_now());
}

void engine_src_text(const struct econn *c, char *buf, size_t len)
{
	char a[64];

	addr_format(c->k.family, c->k.laddr, a, sizeof a);
	snprintf(buf, len, c->k.family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, c->k.lport);
}
