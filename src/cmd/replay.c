/* replay.c - `kaprobe replay FILE`: the keep-alive state machine over a
 * capture.
 *
 * Every frame goes through the decoder (segment.c) into its flow (flowtable,
 * flow.c).  A segment Wireshark would label "TCP Keep-Alive" is a probe.
 * Each end of a flow that probes is a prober of its own (both ends of a
 * flow may probe): its probes and the other end's answers drive the same
 * state machine live mode uses (keepalive.c), with the capture's timestamps
 * for time.  Verdicts, one per prober: reset (the peer's RST at RCV.NXT
 * answering probes), closed (the peer closed on its own: its FIN, or an RST
 * at RCV.NXT with no probe out, before the prober's own FIN; with the gap
 * since the flow's last data and the probes answered in it), dead (the
 * prober gave up: its RST or FIN after unanswered probes), alive (the last
 * round was answered), open (the capture ends with probes unanswered).
 *
 * With --idle/--intvl/--probes/--user-timeout given, a second machine per
 * prober runs on the timer with those settings, fed only by what the peer
 * sent, to say when a stack so configured would have declared the peer
 * dead.  With --middlebox, every idle gap of a flow longer than a box's
 * idle timeout is reported, and whether keep-alives refreshed the box.
 * Events go to emit() (emit.h): the text stream's, and with --report the
 * page's, which also takes when each prober starts probing (EV_FLOW_START)
 * and the times of its flow's segments that are not keep-alives
 * (EV_TRAFFIC); each event carries its prober's number for that.  Every
 * event is prepared only when a module takes its kind (emit_wants).
 *
 * Memory follows the flows open at once: a flow is released once it has
 * been closed (RST, or FIN each way) and quiet for FT_LINGER_US, or silent
 * for --flow-timeout; and at most --max-flows are held, the longest silent
 * evicted first, so that memory stays bounded even when capture time
 * stands still.
 */
#include "cmd/replay.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capfile/capfile.h"
#include "util/exitcode.h"
#include "tcp/flowtable.h"
#include "emit/text.h"
#include "util/quickselect.h"
#include "report/report.h"
#include "decode/intake.h"
#include "decode/segment.h"
#include "engine/session.h"
#include "cmd/runout.h"
#include "net/target.h"

/* A closed flow is kept this long (capture time) for stray segments: a
 * retransmitted FIN or a late ACK then finds the flow, as in Wireshark,
 * instead of starting a new one mid-stream. */
#define FT_LINGER_US (10 * 1000000LL)

/* Events collect in a buffer this big, written when it is full.  When
 * someone watches (stdout a pipe or a terminal), it is also written every
 * FLUSH_BATCH frames, and whenever a streamed capture has nothing more to
 * read yet, so that events come out as they happen. */
#define OUT_BUFSIZE (256 * 1024)
#define FLUSH_BATCH 1024

/* SIGINT, SIGTERM or SIGHUP: stop reading, report what is known. */
static volatile sig_atomic_t stop_signal;

struct replay {
	const struct replay_opts *opt;
	struct emitter em;
	struct text text;
	struct flowtable ft;
	struct reasm reasm;         /* IP fragments (decode/reasm.h) */
	struct replay_totals tot;
	ka_time t_first, t_last;    /* capture time of the first and last frame read */
	uint64_t frame;             /* the frame being processed */
	uint64_t since_sweep;
	int lt_checked;             /* the link type last checked, and its verdict */
	bool lt_ok;
	bool any_lt_ok;             /* a frame came on a link type kaprobe decodes */
	struct {                    /* link types refused (pcapng), and their frames */
		int lt;
		uint64_t frames;
	} refused[8];
	unsigned nrefused;
	bool watched;               /* stdout is a pipe or a terminal */
	ka_time *evict_buf;         /* scratch for choosing whom to evict */
	char flowtxt[112];          /* "prober>peer" of the event being reported */
};

/* ---- flow names ---------------------------------------------------------- */

/* "addr:port", or "[addr]:port" for IPv6: end e of the flow. */
static void end_text(struct outbuf *b, const struct rflow *r, int e)
{
	char a[64];

	addr_format(r->family, r->addr[e], a, sizeof a);
	if (r->family == AF_INET6)
		ob_char(b, '[');
	ob_str(b, a);
	if (r->family == AF_INET6)
		ob_char(b, ']');
	ob_char(b, ':');
	ob_u64(b, r->port[e]);
}

/* An event of the flow, named from end `from`'s side, of that end's
 * prober, at frame `frame` (0: none).  The name is formatted into flowtxt,
 * which holds the longest (two bracketed IPv6 ends). */
static struct event flow_event(struct replay *rp, enum ev_kind kind, ka_time t,
			       const struct rflow *r, int from, uint64_t frame)
{
	struct outbuf b;

	ob_init(&b, NULL, rp->flowtxt, sizeof rp->flowtxt - 1);
	end_text(&b, r, from);
	ob_char(&b, '>');
	end_text(&b, r, !from);
	rp->flowtxt[b.len] = '\0';
	return (struct event){ .kind = kind, .t = t, .flow = rp->flowtxt, .frame = frame,
			       .prober = r->prober[from] };
}

/* ---- verdicts -------------------------------------------------------------- */

static const char *final_verdict(const struct rprober *p)
{
	if (p->ka.state == KA_DONE)
		return ka_verdict_name(p->ka.verdict);
	return p->ka.state == KA_PROBING ? "open" : "alive";
}

/* The verdict of end `end`'s probing, once; close says how the peer closed
 * the flow for "closed", else NULL. */
static void report_verdict(struct replay *rp, const struct rflow *r, int end, ka_time t,
			   const struct ev_close *close)
{
	struct rprober *p = ft_prober(&rp->ft, r, end);

	if (!p || (p->pflags & PF_VERDICT))
		return;
	p->pflags |= PF_VERDICT;
	if (!emit_wants(&rp->em, EV_FLOW_VERDICT))
		return;
	struct event ev = flow_event(rp, EV_FLOW_VERDICT, t, r, end, 0);

	ev.u.verdict = (struct ev_verdict){ .verdict = final_verdict(p), .m = &p->ka,
					    .close = close };
	emit(&rp->em, &ev);
}

/* When the would-be machine of prober p next acts, and whether that is a
 * death by --user-timeout on unacknowledged data (Linux's retransmission
 * timer gives up user_timeout after the oldest unacked send). */
static ka_time would_deadline(const struct rprober *p, const struct ka_config *cfg, bool *data)
{
	ka_time d = ka_deadline(&p->would, cfg);

	*data = cfg->user_timeout && p->data_since &&
		p->data_since + cfg->user_timeout < d;
	return *data ? p->data_since + cfg->user_timeout : d;
}

static void would_die(struct replay *rp, const struct rflow *r, int end, struct rprober *p,
		      ka_time t, const char *verdict)
{
	p->pflags |= PF_WOULD_DIE;
	if (!emit_wants(&rp->em, EV_WOULD_DIE))
		return;
	struct event ev = flow_event(rp, EV_WOULD_DIE, t, r, end, 0);

	ev.u.would_die = verdict;
	emit(&rp->em, &ev);
}

/* Run end `end`'s would-be machine up to time t; it only ever probes into
 * silence, so its probes count and its verdict is a death. */
static void run_would(struct replay *rp, const struct rflow *r, int end, ka_time t)
{
	struct rprober *p = ft_prober(&rp->ft, r, end);
	const struct ka_config *cfg = &rp->opt->cfg;
	bool data;
	ka_time d;

	if (!p || (p->pflags & PF_WOULD_DIE))
		return;
	while ((d = would_deadline(p, cfg, &data)) <= t) {
		enum ka_action a = data ? KA_ACT_VERDICT : ka_timer(&p->would, cfg, d);

		if (a == KA_ACT_PROBE) {
			ka_sent(&p->would, d);
		} else if (a == KA_ACT_VERDICT) {
			would_die(rp, r, end, p, d, data ? "dead" : ka_verdict_name(p->would.verdict));
			return;
		} else {
			return;
		}
	}
}

static void run_woulds(struct replay *rp, const struct rflow *r, ka_time t)
{
	if (!rp->opt->timings)
		return;
	run_would(rp, r, 0, t);
	run_would(rp, r, 1, t);
}

/* ---- what-if: middleboxes ------------------------------------------------ */

/* The flow's traffic paused from traffic_us to `end` (frame: the segment
 * that ended the pause, 0 when it runs to the end): one `cut` per box whose
 * idle timeout the pause outlasted. */
static void report_gaps(struct replay *rp, const struct rflow *r, ka_time end, uint64_t frame)
{
	ka_time gap = end - r->traffic_us;

	for (unsigned i = 0; i < rp->opt->nboxes; i++) {
		const struct middlebox *b = &rp->opt->box[i];

		if (gap <= b->timeout || !emit_wants(&rp->em, EV_CUT))
			continue;
		/* Named from the end that probed, if one did. */
		struct event ev = flow_event(rp, EV_CUT, r->traffic_us + b->timeout, r,
					     r->prober[1] && !r->prober[0], frame);

		ev.u.cut = (struct ev_cut){ .box = b->name, .timeout = b->timeout, .gap = gap,
					    .refreshed = r->max_quiet <= b->timeout };
		emit(&rp->em, &ev);
	}
}

/* A segment at time t: keep-alives (probes and their answers) only
 * refresh a middlebox; anything else is traffic and ends a pause. */
static void watch_gap(struct replay *rp, struct rflow *r, ka_time t, bool keepalive)
{
	if (t - r->last_us > r->max_quiet)
		r->max_quiet = t - r->last_us;
	if (keepalive)
		return;
	report_gaps(rp, r, t, rp->frame);
	r->traffic_us = t;
	r->max_quiet = 0;
}

/* Traffic, for each of the flow's probers (the report draws it).  No
 * name: this runs for every segment. */
static void report_traffic(const struct replay *rp, const struct rflow *r, ka_time t)
{
	for (int end = 0; end < 2; end++)
		if (r->prober[end])
			emit(&rp->em, &(struct event){ .kind = EV_TRAFFIC, .t = t,
						       .prober = r->prober[end] });
}

/* A segment at time t, for --middlebox and EV_TRAFFIC: keep-alives (probes
 * and their answers) are not traffic. */
static void watch_traffic(struct replay *rp, struct rflow *r, ka_time t, bool keepalive)
{
	if (rp->opt->nboxes)
		watch_gap(rp, r, t, keepalive);
	if (!keepalive && emit_wants(&rp->em, EV_TRAFFIC))
		report_traffic(rp, r, t);
}

/* ---- releasing flows ------------------------------------------------------ */

static void release(struct replay *rp, uint32_t idx)
{
	struct rflow *r = ft_get(&rp->ft, idx);

	run_woulds(rp, r, rp->t_last);
	report_verdict(rp, r, 0, rp->t_last, NULL);
	report_verdict(rp, r, 1, rp->t_last, NULL);
	/* An open flow's pause up to now counts too: the box dropped it
	 * whether or not anyone came back to find out. */
	if (rp->opt->nboxes && !(r->rflags & RF_CLOSED)) {
		r->max_quiet = rp->t_last - r->last_us > r->max_quiet ? rp->t_last - r->last_us
								       : r->max_quiet;
		report_gaps(rp, r, rp->t_last, 0);
	}
	ft_remove(&rp->ft, idx);
}

/* Release closed flows gone quiet and flows silent too long.  Called once
 * per `live` frames, so its cost per frame stays constant. */
static void sweep(struct replay *rp)
{
	for (uint32_t i = 0; i < rp->ft.pool_used; i++) {
		const struct rflow *r = ft_get(&rp->ft, i);
		ka_time quiet = rp->t_last - r->last_us;

		if ((r->rflags & RF_LIVE) && (quiet >= rp->opt->flow_timeout ||
					      ((r->rflags & RF_CLOSED) && quiet >= FT_LINGER_US)))
			release(rp, i);
	}
	rp->since_sweep = 0;
}

/* Replay holds only what the open flows need: running out means a capture
 * with more flows open at once than memory holds, not one to recover from. */
static void out_of_memory(const struct replay *rp)
{
	fprintf(stderr, "kaprobe: out of memory at frame %llu\n", (unsigned long long)rp->frame);
	exit(EXIT_SOFTWARE);
}

/* Eviction order, smallest first: closed flows (they only wait for stray
 * segments), then the longest silent.  Silence is counted in frames:
 * capture time never runs backwards here, so that is its order too, and
 * it still tells flows apart when the capture's clock stands still. */
static ka_time evict_key(const struct replay *rp, const struct rflow *r)
{
	ka_time age = (uint32_t)(rp->frame - r->last_frame);

	return (r->rflags & RF_CLOSED) ? -age - ((ka_time)1 << 33) : -age;
}

/* The table is full (--max-flows): release the flows first in eviction
 * order, a 64th of the table at once, so that the scan costs little per
 * flow. */
static void evict(struct replay *rp)
{
	uint32_t n = 0, k = rp->opt->max_flows / 64, gone = 0;
	ka_time limit;

	if (!rp->evict_buf && !(rp->evict_buf = malloc((size_t)rp->opt->max_flows *
						       sizeof *rp->evict_buf)))
		out_of_memory(rp);
	for (uint32_t i = 0; i < rp->ft.pool_used && n < rp->opt->max_flows; i++)
		if (ft_get(&rp->ft, i)->rflags & RF_LIVE)
			rp->evict_buf[n++] = evict_key(rp, ft_get(&rp->ft, i));
	if (n == 0)
		return;
	k = k ? (k < n ? k : n) : 1;
	limit = quickselect(rp->evict_buf, n, k - 1);
	/* Those before the k-th first, then its ties. */
	for (int tie = 0; tie < 2; tie++)
		for (uint32_t i = 0; i < rp->ft.pool_used && gone < k; i++) {
			const struct rflow *r = ft_get(&rp->ft, i);

			if ((r->rflags & RF_LIVE) &&
			    (evict_key(rp, r) < limit || (tie && evict_key(rp, r) == limit))) {
				release(rp, i);
				gone++;
			}
		}
	rp->tot.evicted += gone;
}

/* ---- segments ------------------------------------------------------------- */

static void report_reply(struct replay *rp, const struct rflow *r, int prober, ka_time t,
			 const char *kind, const struct ka_outcome *o, const struct segment *s)
{
	const struct rprober *p = ft_prober(&rp->ft, r, prober);
	char from[64];

	if (o->answered)
		rp->tot.answered++;
	/* Quiet runs print no replies: formatting addresses for nothing
	 * was a sixth of replay's time. */
	if (!emit_wants(&rp->em, EV_REPLY))
		return;
	struct ev_reply rep = {
		.kind = kind, .n = o->n, .rtt = o->rtt, .ttl = s->ttl, .from = from,
		.seq = s->seq, .ack = s->ack, .len = s->len, .icmp_type = -1,
		.probe_frame = p->probe_frame,
	};

	addr_format(s->family, s->src, from, sizeof from);
	if (s->kind == SEG_ICMP_ERR) {
		rep.icmp_type = s->icmp_type;
		rep.icmp_code = s->icmp_code;
	}
	struct event ev = flow_event(rp, EV_REPLY, t, r, prober, rp->frame);

	ev.u.reply = rep;
	emit(&rp->em, &ev);
}

/* The first keep-alive from an end makes it a prober. */
static void start_probing(struct replay *rp, uint32_t idx, int end)
{
	struct rflow *r = ft_get(&rp->ft, idx);
	bool first = !r->prober[0] && !r->prober[1];
	struct rprober *p = ft_new_prober(&rp->ft, idx, end);

	if (!p)
		out_of_memory(rp);
	/* Idle since the flow's last segment, whichever end sent it. */
	ka_init(&p->ka, r->last_us);
	p->would = p->ka;
	rp->tot.flows_probed += first;
	if (emit_wants(&rp->em, EV_FLOW_START)) {
		struct event ev = flow_event(rp, EV_FLOW_START, r->last_us, r, end, 0);

		ev.u.flow_start = (struct ev_flow_start){ .start = r->last_us, .t0 = rp->t_first };
		emit(&rp->em, &ev);
	}
}

static void on_probe(struct replay *rp, uint32_t idx, int end, ka_time t,
		     const struct segment *s)
{
	struct rflow *r = ft_get(&rp->ft, idx);
	struct rprober *p;

	if (!r->prober[end])
		start_probing(rp, idx, end);
	p = ft_prober(&rp->ft, r, end);
	rp->tot.probes++;
	ka_sent(&p->ka, t);
	p->probe_frame = (uint32_t)rp->frame;
	if (!emit_wants(&rp->em, EV_PROBE))
		return;
	struct event ev = flow_event(rp, EV_PROBE, t, r, end, rp->frame);

	ev.u.probe = (struct ev_probe){ .n = p->ka.probes_out, .seq = s->seq, .ack = s->ack,
					.len = s->len };
	emit(&rp->em, &ev);
}

/* A segment from a prober that is not a probe: an RST or FIN while probes
 * are unanswered means it gave up.  New data starts the --user-timeout
 * clock for data. */
static void on_prober(struct replay *rp, const struct rflow *r, int end, ka_time t,
		      const struct segment *s)
{
	struct rprober *p = ft_prober(&rp->ft, r, end);

	if ((s->flags & (TCPF_RST | TCPF_FIN)) && ka_abandon(&p->ka))
		report_verdict(rp, r, end, t, NULL);
	if (!p->data_since && flow_is_new_data(&r->fl, end, s))
		p->data_since = t;
}

/* The peer of prober `end` closed the flow on its own with s: the verdict
 * "closed", timed from the flow's last data. */
static void report_closed(struct replay *rp, const struct rflow *r, int end, ka_time t,
			  const struct segment *s)
{
	const struct rprober *p = ft_prober(&rp->ft, r, end);
	uint8_t ttl = r->ttl[!end];
	struct ev_close c = { .idle = t - r->data_us, .rst = s->flags & TCPF_RST,
			      .by = ttl ? s->ttl == ttl : -1, .answered_in_gap = (int)p->gap_answered };

	report_verdict(rp, r, end, t, &c);
}

/* A segment from the peer of prober `end`, classified against the state
 * before it.  Returns whether it was an ACK answering probes. */
static bool on_peer(struct replay *rp, const struct rflow *r, int end, ka_time t,
		    const struct segment *s)
{
	struct rprober *p = ft_prober(&rp->ft, r, end);
	int peer = !end;
	bool acks = flow_acks_all(&r->fl, peer, s);
	struct ka_outcome o;
	enum ka_input in;

	/* After the prober's own FIN the flow ends as it chose: the peer's
	 * FIN or RST then is no close of the peer's own. */
	if ((s->flags & (TCPF_RST | TCPF_FIN)) && (r->fl.d[end].flags & FD_FIN))
		return false;
	if (s->flags & TCPF_RST) {
		if (s->seq != r->fl.d[peer].snd)
			return false;  /* RFC 5961: not at RCV.NXT, not trusted */
		in = KA_IN_RST;
	} else if ((s->flags & TCPF_FIN) && !(r->fl.d[peer].flags & FD_FIN)) {
		in = KA_IN_FIN;    /* closed, whatever it carries or acknowledges */
	} else if (flow_is_new_data(&r->fl, peer, s)) {
		in = KA_IN_DATA;
	} else if (acks) {
		in = KA_IN_ACK;
	} else {
		return false;
	}
	if (acks && in != KA_IN_RST)
		p->data_since = 0;
	if (rp->opt->timings)
		ka_receive(&p->would, t, in);
	o = ka_receive(&p->ka, t, in);
	if (o.verdict && p->ka.verdict == KA_VERDICT_CLOSED) {
		report_closed(rp, r, end, t, s);
	} else if (in == KA_IN_RST && o.verdict) {
		report_reply(rp, r, end, t, "rst", &o, s);
		report_verdict(rp, r, end, t, NULL);
	} else if (o.answered) {
		p->gap_answered++;
		report_reply(rp, r, end, t, in == KA_IN_DATA ? "data" : "ack", &o, s);
	}
	return o.answered && in == KA_IN_ACK;
}

/* Data on the flow at t: its probers' gaps start again. */
static void new_data(struct replay *rp, struct rflow *r, ka_time t)
{
	r->data_us = t;
	for (int end = 0; end < 2; end++)
		if (r->prober[end])
			ft_prober(&rp->ft, r, end)->gap_answered = 0;
}

/* A new flow, evicting first when the table is full. */
static uint32_t new_flow(struct replay *rp, ka_time t, const struct segment *s)
{
	uint32_t idx;
	struct rflow *r;

	if (rp->opt->max_flows && rp->ft.live >= rp->opt->max_flows)
		evict(rp);
	idx = ft_insert(&rp->ft, s->family, s->src, s->sport, s->dst, s->dport, s->tunnel);
	if (idx == FT_NONE)
		out_of_memory(rp);
	rp->tot.flows++;
	r = ft_get(&rp->ft, idx);
	r->last_us = r->traffic_us = r->data_us = t;
	return idx;
}

static void on_tcp(struct replay *rp, ka_time t, const struct segment *s, uint32_t h)
{
	uint32_t idx = ft_find(&rp->ft, h, s->family, s->src, s->sport, s->dst, s->dport,
			       s->tunnel);
	struct rflow *r;
	bool keepalive;
	int dir;

	rp->tot.tcp++;
	if (idx == FT_NONE)
		idx = new_flow(rp, t, s);
	r = ft_get(&rp->ft, idx);
	/* Whatever the would-be machines decided before this segment is
	 * reported before it. */
	run_woulds(rp, r, t);
	dir = ft_dir(r, s->src, s->sport);
	keepalive = flow_is_probe(&r->fl, dir, s);
	if (keepalive) {
		on_probe(rp, idx, dir, t, s);
	} else {
		/* A segment is its sender's own, and its peer's answer. */
		if (r->prober[dir])
			on_prober(rp, r, dir, t, s);
		if (r->prober[!dir])
			keepalive = on_peer(rp, r, !dir, t, s);
	}
	/* One test when neither --middlebox nor --report asks for traffic. */
	if (rp->opt->nboxes || emit_wants(&rp->em, EV_TRAFFIC))
		watch_traffic(rp, r, t, keepalive || flow_is_probe_ack(&r->fl, dir, s));
	if (!r->ttl[dir])
		r->ttl[dir] = s->ttl;
	if (flow_is_new_payload(&r->fl, dir, s))
		new_data(rp, r, t);
	flow_update(&r->fl, dir, s);
	r->last_us = t;
	r->last_frame = (uint32_t)rp->frame;
	if ((s->flags & TCPF_RST) ||
	    ((r->fl.d[0].flags & FD_FIN) && (r->fl.d[1].flags & FD_FIN)))
		r->rflags |= RF_CLOSED;
}

/* An ICMP error quoting a flow's segment from one of its probers. */
static void on_icmp(struct replay *rp, ka_time t, const struct segment *s, uint32_t h)
{
	uint32_t idx = ft_find(&rp->ft, h, s->family, s->qsrc, s->sport, s->qdst, s->dport,
			       s->tunnel);
	struct rflow *r;
	struct rprober *p;
	struct ka_outcome o;
	int end;

	if (idx == FT_NONE)
		return;
	r = ft_get(&rp->ft, idx);
	end = ft_dir(r, s->qsrc, s->sport);
	if (!(p = ft_prober(&rp->ft, r, end)))
		return;
	run_woulds(rp, r, t);
	if (rp->opt->timings)
		ka_receive(&p->would, t, KA_IN_ICMP);
	o = ka_receive(&p->ka, t, KA_IN_ICMP);
	report_reply(rp, r, end, t, "icmp", &o, s);
}

/* Frames are decoded two ahead of the one being processed (see
 * replay_stream): a decoded frame waits here with its flow's hash. */
struct pending {
	struct segment s;
	ka_time t;
	uint64_t frame;
	uint32_t hash;
	bool ok;                /* decoded: a TCP segment or ICMP error */
};

/* The pipeline: frames decoded and processed so far, and the frames in
 * between. */
struct pipeline {
	struct pending ring[3];
	uint64_t decoded, processed;
};

/* Whether kaprobe decodes frames of link type lt.  In a pcapng file each
 * interface has its own: frames on one it cannot decode are counted as not
 * TCP, and by link type for the end (report_refused). */
static bool linktype_ok(struct replay *rp, int lt)
{
	unsigned i;

	if (lt != rp->lt_checked) {
		rp->lt_checked = lt;
		rp->lt_ok = lt >= 0 && seg_linktype_supported(lt);
		rp->any_lt_ok |= rp->lt_ok;
	}
	if (rp->lt_ok || lt < 0)
		return rp->lt_ok;
	for (i = 0; i < rp->nrefused && rp->refused[i].lt != lt; i++)
		continue;
	if (i == rp->nrefused && i < sizeof rp->refused / sizeof *rp->refused)
		rp->refused[rp->nrefused++].lt = lt;
	if (i < rp->nrefused)
		rp->refused[i].frames++;
	return false;
}

static const char *linktype_name(int lt)
{
	const char *name = pcap_datalink_val_to_name(lt);

	return name ? name : "unknown";
}

/* What the file says of itself, for the report: its comment and its
 * interfaces' names (pcapng). */
static void report_capture(const struct replay *rp, const struct capfile *cf)
{
	const char *name[EV_MAX_IFNAMES];
	unsigned n = 0;

	while (n < EV_MAX_IFNAMES && (name[n] = cap_ifname(cf, n)) != NULL)
		n++;
	emit(&rp->em, &(struct event){ .kind = EV_CAPTURE, .t = rp->t_last,
		.u.capture = { .comment = cap_comment(cf), .ifname = name, .n = n } });
}

/* One line per link type refused.  Returns whether every frame was on
 * one: then the file is refused as a pcap of that link type would be. */
static bool report_refused(const struct replay *rp)
{
	if (!rp->any_lt_ok && rp->nrefused > 0) {
		fprintf(stderr, "kaprobe: %s: link type %d (%s) is not supported\n", rp->opt->file,
			rp->refused[0].lt, linktype_name(rp->refused[0].lt));
		return true;
	}
	for (unsigned i = 0; i < rp->nrefused; i++)
		fprintf(stderr, "kaprobe: %s: link type %d (%s) is not supported: its %llu "
			"frames are counted as not TCP\n", rp->opt->file, rp->refused[i].lt,
			linktype_name(rp->refused[i].lt), (unsigned long long)rp->refused[i].frames);
	return false;
}

/* Stage 1: decode a frame and start fetching its flow's index slot. */
static void decode_frame(struct replay *rp, const struct capframe *f, struct pending *pd)
{
	ka_time t = f->t;
	const struct segment *s = &pd->s;

	pd->frame = ++rp->tot.frames;
	if (pd->frame == 1)
		rp->t_first = rp->text.t0 = t;
	/* Capture time never runs backwards for the state machines, even in
	 * a file whose clock did. */
	if (t < rp->t_last)
		t = rp->t_last;
	rp->t_last = pd->t = t;
	pd->ok = false;
	if (!linktype_ok(rp, f->linktype)) {
		rp->tot.not_tcp++;
		return;
	}
	switch (intake_frame(&rp->reasm, f->linktype, f->data, f->caplen, f->wirelen, t,
			     &pd->s)) {
	case INTAKE_OK:
		pd->ok = true;
		pd->hash = s->kind == SEG_TCP
			? ft_hash(s->family, s->src, s->sport, s->dst, s->dport)
			: ft_hash(s->family, s->qsrc, s->sport, s->qdst, s->dport);
		pd->hash = ft_hash_in(pd->hash, s->tunnel);
		ft_prefetch_slot(&rp->ft, pd->hash);
		break;
	case INTAKE_TRUNC: rp->tot.truncated++; break;
	case INTAKE_SKIP: rp->tot.not_tcp++; break;
	case INTAKE_FRAG: break;   /* counted by the reassembler */
	default: rp->tot.malformed++; break;
	}
}

/* Stage 3: run the frame through its flow. */
static void process_frame(struct replay *rp, const struct pending *pd)
{
	rp->frame = pd->frame;
	if (pd->ok) {
		if (pd->s.kind == SEG_TCP)
			on_tcp(rp, pd->t, &pd->s, pd->hash);
		else
			on_icmp(rp, pd->t, &pd->s, pd->hash);
	}
	if (++rp->since_sweep >= rp->ft.live + 1024)
		sweep(rp);
}

/* A three-stage pipeline: frame i is decoded and its index slot fetched,
 * frame i-1's record is fetched, frame i-2 is processed.  The two cache
 * misses of a lookup then overlap the work on other frames; order is kept,
 * as frames are processed one at a time. */
static void pipe_frame(struct replay *rp, struct pipeline *pl, const struct capframe *f)
{
	const struct pending *prev = &pl->ring[(pl->decoded + 2) % 3];

	decode_frame(rp, f, &pl->ring[pl->decoded % 3]);
	pl->decoded++;
	if (pl->decoded - pl->processed >= 2 && prev->ok)
		ft_prefetch_record(&rp->ft, prev->hash);
	if (pl->decoded - pl->processed == 3)
		process_frame(rp, &pl->ring[pl->processed++ % 3]);
}

static void pipe_drain(struct replay *rp, struct pipeline *pl)
{
	while (pl->processed < pl->decoded)
		process_frame(rp, &pl->ring[pl->processed++ % 3]);
}

/* ---- the file ------------------------------------------------------------ */

/* Whether someone reads stdout as it comes: a pipe, a socket, a terminal. */
static bool watched(FILE *f)
{
	struct stat st;
	int fd = fileno(f);

	return fd >= 0 && fstat(fd, &st) == 0 &&
	       (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || isatty(fd));
}

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* SIGINT, SIGTERM and SIGHUP (a closed terminal) stop the reading.
 * SA_RESTART: a write into a slow pipe must not fail half-way; a wait for
 * input is ended by wait_input. */
static void catch_stop(void)
{
	struct sigaction sa = { .sa_handler = on_stop, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!session_hup_ignored())     /* nohup: it stays ignored */
		sigaction(SIGHUP, &sa, NULL);
	stop_signal = 0;
}

/* Wait until fd has input or a stop signal came.  The signals are let in
 * only inside ppoll, so that one arriving just before the wait still ends
 * it.  Returns false when stopped. */
static bool wait_input(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	sigset_t stops, orig;

	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	sigprocmask(SIG_BLOCK, &stops, &orig);
	while (!stop_signal && ppoll(&pfd, 1, NULL, &orig) < 0 && errno == EINTR)
		continue;
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return !stop_signal;
}

struct waiting {
	struct replay *rp;
	struct pipeline *pl;
};

/* A streamed capture has nothing to read yet: report every frame so far,
 * then wait for more.  False (the end of the input) on a stop signal. */
static bool on_wait(void *arg, int fd)
{
	struct waiting *w = arg;

	pipe_drain(w->rp, w->pl);
	text_flush(&w->rp->text);
	return wait_input(fd);
}

int replay_run(const struct replay_opts *opt)
{
	FILE *fp = strcmp(opt->file, "-") == 0 ? stdin : fopen(opt->file, "rb");
	struct stat st;

	if (!fp) {
		fprintf(stderr, "kaprobe: cannot open %s: %s\n", opt->file, strerror(errno));
		return EXIT_NOINPUT;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "kaprobe: cannot open %s: it is a directory, not a capture\n",
			opt->file);
		fclose(fp);
		return EXIT_NOINPUT;
	}
	return replay_stream(fp, opt);
}

/* After every FLUSH_BATCH frames: write out what someone watching waits
 * for.  Returns whether stdout is still open. */
static bool batch_done(struct replay *rp)
{
	if (rp->watched)
		return text_flush(&rp->text);
	return !rp->text.ob.failed;   /* learnt when the buffer was last written */
}

/* Read every frame through the pipeline.  Returns 1 at the end of the
 * file, -1 when it was damaged, 0 when stdout was closed. */
static int read_frames(struct replay *rp, struct capfile *cf, struct pipeline *pl)
{
	struct capframe f;
	int n;

	while (!stop_signal && (n = cap_next(cf, &f)) == 1) {
		pipe_frame(rp, pl, &f);
		if (pl->decoded % FLUSH_BATCH == 0 && !batch_done(rp))
			return 0;   /* stdout closed: stop quietly */
	}
	pipe_drain(rp, pl);
	return n == 0 || stop_signal ? 1 : -1;
}

/* The text stream on stdout, and the report with --report. */
static void attach(struct replay *rp)
{
	text_init(&rp->text, stdout, rp->opt->json, rp->opt->quiet, 0);
	emit_init(&rp->em);
	emit_attach(&rp->em, &text_module, &rp->text);
	if (rp->opt->report)
		emit_attach(&rp->em, &report_module, rp->opt->report);
}

static void summary(struct replay *rp, ka_time t)
{
	/* What is still in pieces at the end will never be whole. */
	reasm_expire(&rp->reasm, -1);
	rp->tot.fragments = rp->reasm.merged;
	rp->tot.incomplete = rp->reasm.lost;
	emit(&rp->em, &(struct event){ .kind = EV_REPLAY_SUMMARY, .t = t,
		.u.replay = { .file = rp->opt->file, .tot = &rp->tot } });
}

int replay_stream(FILE *fp, const struct replay_opts *opt)
{
	struct replay rp = { .opt = opt, .lt_checked = -2 };
	struct pipeline pl = { .decoded = 0 };
	struct waiting w = { &rp, &pl };
	struct cap_waiter waiter = { on_wait, &w };
	struct capfile cf;
	char *obuf;
	int rc = 0, lt, n;

	catch_stop();
	rp.watched = watched(stdout);
	/* Reading a pipe, what was read is reported before each wait. */
	if (cap_open(&cf, fp, opt->file, &waiter) < 0) {
		if (!stop_signal) {
			fprintf(stderr, "kaprobe: %s\n", cf.err);
			return EXIT_DATAERR;
		}
		/* Stopped before the file's header came: nothing was read. */
		attach(&rp);
		rp.tot.interrupted = true;
		summary(&rp, 0);
		text_flush(&rp.text);
		return 128 + stop_signal;
	}
	lt = cap_linktype(&cf);
	if (lt >= 0 && !seg_linktype_supported(lt)) {
		fprintf(stderr, "kaprobe: %s: link type %d (%s) is not supported\n", opt->file,
			lt, linktype_name(lt));
		cap_close(&cf);
		return EXIT_DATAERR;
	}
	reasm_init(&rp.reasm, NULL);
	if (ft_init(&rp.ft) < 0) {
		fprintf(stderr, "kaprobe: out of memory\n");
		cap_close(&cf);
		return EXIT_SOFTWARE;
	}
	/* A closed stdout (replay ... | head) must end replay quietly: the
	 * write fails, and read_frames stops. */
	signal(SIGPIPE, SIG_IGN);
	attach(&rp);
	obuf = malloc(OUT_BUFSIZE);
	if (obuf)   /* else events go out one by one, through the small buffer */
		text_use_buffer(&rp.text, obuf, OUT_BUFSIZE);

	n = read_frames(&rp, &cf, &pl);
	if (n < 0)
		rc = EXIT_DATAERR;  /* what came before the damage is reported */
	for (uint32_t i = 0; i < rp.ft.pool_used; i++)
		if (ft_get(&rp.ft, i)->rflags & RF_LIVE)
			release(&rp, i);
	if (n >= 0 && report_refused(&rp)) {
		rc = EXIT_DATAERR;  /* no frame on a link type kaprobe decodes */
	} else {
		rp.tot.interrupted = stop_signal != 0;
		if (emit_wants(&rp.em, EV_CAPTURE))
			report_capture(&rp, &cf);
		summary(&rp, rp.t_last);
	}
	text_flush(&rp.text);
	if (n < 0)
		fprintf(stderr, "kaprobe: %s: damaged or truncated after frame %llu: %s\n",
			opt->file, (unsigned long long)rp.tot.frames, cf.err);
	/* A closed reader ends replay quietly; a full disk is an error. */
	if (rp.text.ob.failed && stdout_error(rp.text.ob.err)) {
		int st = stdout_failed(rp.text.ob.err);

		rc = rc ? rc : st;
	}
	ft_free(&rp.ft);
	reasm_free(&rp.reasm);
	free(rp.evict_buf);
	free(obuf);
	cap_close(&cf);
	return stop_signal ? 128 + stop_signal : rc;
}
