/* replay.c - `kaprobe replay FILE`: the keep-alive state machine over a
 * capture.
 *
 * Every frame goes through the decoder (segment.c) into its flow (flowtable,
 * flow.c).  A segment Wireshark would label "TCP Keep-Alive" is a probe; the
 * first end seen probing is the flow's prober, and its probes and the
 * peer's answers drive the same state machine live mode uses (keepalive.c),
 * with the capture's timestamps for time.  Verdicts: reset (the peer's RST
 * at RCV.NXT), dead (the prober gave up: its RST or FIN after unanswered
 * probes), alive (the last round was answered), open (the capture ends
 * with probes unanswered).
 *
 * With --idle/--intvl/--probes given, a second machine per probed flow runs
 * on the timer with those settings, fed only by what the peer sent, to say
 * when a stack so configured would have declared the peer dead.
 *
 * Memory follows the flows open at once: a flow is released once it has
 * been closed (RST, or FIN each way) and quiet for FT_LINGER_S, or silent
 * for --flow-timeout.
 */
#include "replay.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capfile.h"
#include "exitcode.h"
#include "flowtable.h"
#include "output.h"
#include "segment.h"
#include "target.h"

/* A closed flow is kept this long (capture time) for stray segments: a
 * retransmitted FIN or a late ACK then finds the flow, as in Wireshark,
 * instead of starting a new one mid-stream. */
#define FT_LINGER_S 10

/* Events collect in a buffer this big, written when it is full.  When
 * someone watches (stdout a pipe or a terminal), it is also written every
 * FLUSH_BATCH frames, and whenever a streamed capture has nothing more to
 * read yet, so that events come out as they happen. */
#define OUT_BUFSIZE (256 * 1024)
#define FLUSH_BATCH 1024

struct replay {
	const struct replay_opts *opt;
	struct output out;
	struct flowtable ft;
	struct ka_machine *would;   /* per record, only with timings given */
	uint32_t would_cap;
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

/* Point the output at the flow, named from end `from`'s side.  Formatted
 * into flowtxt, which holds the longest name (two bracketed IPv6 ends). */
static void name_flow(struct replay *rp, const struct rflow *r, int from)
{
	struct outbuf b;

	ob_init(&b, NULL, rp->flowtxt, sizeof rp->flowtxt - 1);
	end_text(&b, r, from);
	ob_char(&b, '>');
	end_text(&b, r, !from);
	rp->flowtxt[b.len] = '\0';
	rp->out.flow = rp->flowtxt;
}

/* ---- verdicts -------------------------------------------------------------- */

static const char *final_verdict(const struct rflow *r)
{
	if (r->ka.state == KA_DONE)
		return ka_verdict_name(r->ka.verdict);
	return r->ka.state == KA_PROBING ? "open" : "alive";
}

static void report_verdict(struct replay *rp, struct rflow *r, ka_time t)
{
	if (!(r->rflags & RF_PROBED) || (r->rflags & RF_VERDICT))
		return;
	r->rflags |= RF_VERDICT;
	if (!out_shows(&rp->out, OUT_FLOW_VERDICT))
		return;
	name_flow(rp, r, r->prober);
	rp->out.frame = 0;
	out_verdict(&rp->out, t, final_verdict(r), &r->ka);
}

/* Run the would-be machine's timer up to time t; it only ever probes into
 * silence, so its probes count and its verdict is a death. */
static void run_would(struct replay *rp, uint32_t idx, ka_time t)
{
	struct rflow *r = ft_get(&rp->ft, idx);
	const struct ka_config *cfg = &rp->opt->cfg;
	struct ka_machine *m;
	ka_time d;

	if (!rp->would || !(r->rflags & RF_PROBED) || (r->rflags & RF_WOULD_DIE))
		return;
	m = &rp->would[idx];
	while ((d = ka_deadline(m, cfg)) <= t) {
		enum ka_action a = ka_timer(m, cfg, d);

		if (a == KA_ACT_PROBE) {
			ka_sent(m, d);
		} else if (a == KA_ACT_VERDICT) {
			r->rflags |= RF_WOULD_DIE;
			name_flow(rp, r, r->prober);
			rp->out.frame = 0;
			out_would_die(&rp->out, d, ka_verdict_name(m->verdict));
			return;
		} else {
			return;
		}
	}
}

static void release(struct replay *rp, uint32_t idx)
{
	struct rflow *r = ft_get(&rp->ft, idx);

	run_would(rp, idx, rp->t_last);
	report_verdict(rp, r, rp->t_last);
	ft_remove(&rp->ft, idx);
}

/* Release closed flows gone quiet and flows silent too long.  Called once
 * per `live` frames, so its cost per frame stays constant. */
static void sweep(struct replay *rp)
{
	uint32_t now = (uint32_t)((rp->t_last - rp->t_first) / 1000000);
	uint32_t timeout = (uint32_t)(rp->opt->flow_timeout / 1000000);

	for (uint32_t i = 0; i < rp->ft.pool_used; i++) {
		const struct rflow *r = ft_get(&rp->ft, i);
		uint32_t quiet = now - r->last_seen;

		if ((r->rflags & RF_LIVE) &&
		    (quiet >= timeout || ((r->rflags & RF_CLOSED) && quiet >= FT_LINGER_S)))
			release(rp, i);
	}
	rp->since_sweep = 0;
}

/* ---- segments ------------------------------------------------------------- */

static void report_reply(struct replay *rp, const struct rflow *r, ka_time t,
			 const char *kind, const struct ka_outcome *o, const struct segment *s)
{
	char from[64];

	if (o->answered)
		rp->tot.answered++;
	/* Quiet runs print no replies: formatting addresses for nothing
	 * was a sixth of replay's time. */
	if (!out_shows(&rp->out, OUT_REPLY))
		return;
	struct out_reply rep = {
		.kind = kind, .n = o->n, .rtt = o->rtt, .ttl = s->ttl, .from = from,
		.seq = s->seq, .ack = s->ack, .len = s->len, .icmp_type = -1,
		.probe_frame = r->probe_frame,
	};

	addr_format(s->family, s->src, from, sizeof from);
	if (s->kind == SEG_ICMP_ERR) {
		rep.icmp_type = s->icmp_type;
		rep.icmp_code = s->icmp_code;
	}
	name_flow(rp, r, r->prober);
	rp->out.frame = rp->frame;
	out_reply(&rp->out, t, &rep);
}

/* Replay holds only what the open flows need: running out means a capture
 * with more flows open at once than memory holds, not one to recover from. */
static void out_of_memory(const struct replay *rp)
{
	fprintf(stderr, "kaprobe: out of memory at frame %llu\n", (unsigned long long)rp->frame);
	exit(EXIT_SOFTWARE);
}

/* The first keep-alive of a flow makes its sender the prober. */
static int start_probing(struct replay *rp, uint32_t idx, int dir)
{
	struct rflow *r = ft_get(&rp->ft, idx);

	if (rp->would) {
		if (idx >= rp->would_cap) {
			uint32_t cap = rp->ft.pool_cap;
			struct ka_machine *w = realloc(rp->would, (size_t)cap * sizeof *w);

			if (!w)
				return -1;
			rp->would = w;
			rp->would_cap = cap;
		}
		rp->would[idx] = r->ka;  /* idle from the same last receive */
	}
	r->rflags |= RF_PROBED;
	r->prober = (uint8_t)dir;
	rp->tot.flows_probed++;
	return 0;
}

static void on_probe(struct replay *rp, uint32_t idx, int dir, ka_time t,
		     const struct segment *s)
{
	struct rflow *r = ft_get(&rp->ft, idx);
	unsigned n = 0;

	rp->tot.probes++;
	if (dir == r->prober) {
		ka_sent(&r->ka, t);
		r->probe_frame = (uint32_t)rp->frame;
		n = r->ka.probes_out;
	}
	/* Both ends may probe; the machine follows the first.  The other's
	 * probes are still reported, with n = 0. */
	if (!out_shows(&rp->out, OUT_PROBE))
		return;
	name_flow(rp, r, dir);
	rp->out.frame = rp->frame;
	out_probe(&rp->out, t, &(struct out_probe){ .n = n, .seq = s->seq, .ack = s->ack,
						  .len = s->len });
}

/* A segment from the prober that is not a probe: an RST or FIN while
 * probes are unanswered means it gave up. */
static void on_prober(struct replay *rp, struct rflow *r, ka_time t, const struct segment *s)
{
	if ((s->flags & (TCPF_RST | TCPF_FIN)) && ka_abandon(&r->ka))
		report_verdict(rp, r, t);
}

/* A segment from the peer, classified against the state before it. */
static void on_peer(struct replay *rp, uint32_t idx, ka_time t, const struct segment *s)
{
	struct rflow *r = ft_get(&rp->ft, idx);
	int peer = !r->prober;
	struct ka_outcome o;
	enum ka_input in;

	if (s->flags & TCPF_RST) {
		if (s->seq != r->fl.d[peer].snd)
			return;  /* RFC 5961: not at RCV.NXT, not trusted */
		in = KA_IN_RST;
	} else if (flow_is_new_data(&r->fl, peer, s)) {
		in = KA_IN_DATA;
	} else if (flow_acks_all(&r->fl, peer, s)) {
		in = KA_IN_ACK;
	} else {
		return;
	}
	if (rp->would)
		ka_receive(&rp->would[idx], t, in);
	o = ka_receive(&r->ka, t, in);
	if (in == KA_IN_RST && o.verdict) {
		report_reply(rp, r, t, "rst", &o, s);
		report_verdict(rp, r, t);
	} else if (o.answered) {
		report_reply(rp, r, t, in == KA_IN_DATA ? "data" : "ack", &o, s);
	}
}

static void on_tcp(struct replay *rp, ka_time t, const struct segment *s, uint32_t h)
{
	uint32_t idx = ft_find(&rp->ft, h, s->family, s->src, s->sport, s->dst, s->dport,
			       s->tunnel);
	struct rflow *r;
	int dir;

	rp->tot.tcp++;
	if (idx == FT_NONE) {
		idx = ft_insert(&rp->ft, s->family, s->src, s->sport, s->dst, s->dport, s->tunnel);
		if (idx == FT_NONE)
			out_of_memory(rp);
		rp->tot.flows++;
		ka_init(&ft_get(&rp->ft, idx)->ka, t);
	}
	/* Whatever the would-be machine decided before this segment is
	 * reported before it. */
	if (rp->would)
		run_would(rp, idx, t);
	r = ft_get(&rp->ft, idx);
	dir = ft_dir(r, s->src, s->sport);
	if (flow_is_probe(&r->fl, dir, s)) {
		if (!(r->rflags & RF_PROBED) && start_probing(rp, idx, dir) < 0)
			out_of_memory(rp);
		on_probe(rp, idx, dir, t, s);
	} else if (!(r->rflags & RF_PROBED)) {
		/* Until someone probes, the idle clock runs from the flow's
		 * last segment, whichever end sent it. */
		ka_receive(&r->ka, t, KA_IN_ACK);
	} else if (dir == r->prober) {
		on_prober(rp, r, t, s);
	} else {
		on_peer(rp, idx, t, s);
	}
	r = ft_get(&rp->ft, idx);
	flow_update(&r->fl, dir, s);
	r->last_seen = (uint32_t)((t - rp->t_first) / 1000000);
	if ((s->flags & TCPF_RST) ||
	    ((r->fl.d[0].flags & FD_FIN) && (r->fl.d[1].flags & FD_FIN)))
		r->rflags |= RF_CLOSED;
}

/* An ICMP error quoting a flow's segment from its prober. */
static void on_icmp(struct replay *rp, ka_time t, const struct segment *s, uint32_t h)
{
	uint32_t idx = ft_find(&rp->ft, h, s->family, s->qsrc, s->sport, s->qdst, s->dport,
			       s->tunnel);
	struct rflow *r;
	struct ka_outcome o;

	if (idx == FT_NONE)
		return;
	r = ft_get(&rp->ft, idx);
	if (!(r->rflags & RF_PROBED) || ft_dir(r, s->qsrc, s->sport) != r->prober)
		return;
	if (rp->would) {
		run_would(rp, idx, t);
		ka_receive(&rp->would[idx], t, KA_IN_ICMP);
	}
	o = ka_receive(&r->ka, t, KA_IN_ICMP);
	report_reply(rp, r, t, "icmp", &o, s);
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
		rp->t_first = rp->out.t0 = t;
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
	switch (seg_decode_ex(f->linktype, f->data, f->caplen, f->wirelen, &pd->s,
			      SEG_NO_OPTIONS)) {
	case SEG_OK:
		pd->ok = true;
		pd->hash = s->kind == SEG_TCP
			? ft_hash(s->family, s->src, s->sport, s->dst, s->dport)
			: ft_hash(s->family, s->qsrc, s->sport, s->qdst, s->dport);
		pd->hash = ft_hash_in(pd->hash, s->tunnel);
		ft_prefetch_slot(&rp->ft, pd->hash);
		break;
	case SEG_TRUNC: rp->tot.truncated++; break;
	case SEG_SKIP: rp->tot.not_tcp++; break;
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

struct waiting {
	struct replay *rp;
	struct pipeline *pl;
};

/* A streamed capture has nothing to read yet: report every frame so far. */
static void on_wait(void *arg)
{
	struct waiting *w = arg;

	pipe_drain(w->rp, w->pl);
	out_flush(&w->rp->out);
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
		return out_flush(&rp->out);
	return !rp->out.ob.failed;   /* learnt when the buffer was last written */
}

/* Read every frame through the pipeline.  Returns 1 at the end of the
 * file, -1 when it was damaged, 0 when stdout was closed. */
static int read_frames(struct replay *rp, struct capfile *cf, struct pipeline *pl)
{
	struct capframe f;
	int n;

	while ((n = cap_next(cf, &f)) == 1) {
		pipe_frame(rp, pl, &f);
		if (pl->decoded % FLUSH_BATCH == 0 && !batch_done(rp))
			return 0;   /* stdout closed: stop quietly */
	}
	pipe_drain(rp, pl);
	return n == 0 ? 1 : -1;
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

	rp.watched = watched(stdout);
	if (cap_open(&cf, fp, opt->file, rp.watched ? &waiter : NULL) < 0) {
		fprintf(stderr, "kaprobe: %s\n", cf.err);
		return EXIT_DATAERR;
	}
	lt = cap_linktype(&cf);
	if (lt >= 0 && !seg_linktype_supported(lt)) {
		fprintf(stderr, "kaprobe: %s: link type %d (%s) is not supported\n", opt->file,
			lt, linktype_name(lt));
		cap_close(&cf);
		return EXIT_DATAERR;
	}
	if (ft_init(&rp.ft) < 0) {
		fprintf(stderr, "kaprobe: out of memory\n");
		cap_close(&cf);
		return EXIT_SOFTWARE;
	}
	/* A closed stdout (replay ... | head) must end replay quietly: the
	 * write fails, and read_frames stops. */
	signal(SIGPIPE, SIG_IGN);
	out_init(&rp.out, stdout, opt->json, opt->quiet, 0);
	obuf = malloc(OUT_BUFSIZE);
	if (obuf)   /* else events go out one by one, through the small buffer */
		out_use_buffer(&rp.out, obuf, OUT_BUFSIZE);
	if (opt->timings)
		rp.would = malloc(sizeof *rp.would);   /* grown on demand */

	n = read_frames(&rp, &cf, &pl);
	if (n < 0)
		rc = EXIT_DATAERR;  /* what came before the damage is reported */
	for (uint32_t i = 0; i < rp.ft.pool_used; i++)
		if (ft_get(&rp.ft, i)->rflags & RF_LIVE)
			release(&rp, i);
	if (n >= 0 && report_refused(&rp)) {
		rc = EXIT_DATAERR;  /* no frame on a link type kaprobe decodes */
	} else {
		rp.out.flow = NULL;
		rp.out.frame = 0;
		out_replay_summary(&rp.out, rp.t_last, opt->file, &rp.tot);
	}
	out_flush(&rp.out);
	if (n < 0)
		fprintf(stderr, "kaprobe: %s: damaged or truncated after frame %llu: %s\n",
			opt->file, (unsigned long long)rp.tot.frames, cf.err);
	ft_free(&rp.ft);
	free(rp.would);
	free(obuf);
	cap_close(&cf);
	return rc;
}
