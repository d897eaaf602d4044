/* synthcap.c - write a synthetic pcap of interleaved TCP flows with keep-alive
 * activity, for `kaprobe replay` tests and benchmarks.
 *
 *   synthcap [options] -o OUT          (OUT may be - for stdout)
 *     -n PACKETS   at least this many packets in total      (10000)
 *     -f FLOWS     number of TCP flows                       (500)
 *     -l LINK      en10mb vlan qinq sll sll2 raw null loop ppp ppp-hdlc
 *                  chdlc fddi arcnet arcnet-linux wlan radiotap ppi pktap
 *                  nflog ipoib juniper                       (en10mb)
 *     -t TUNNEL    every packet inside a tunnel, on Ethernet: vxlan
 *                  vxlan8472 geneve gre gre-key teb erspan1 erspan2 erspan3
 *                  gtpu mpls pppoe ip4 (4in4, 6in4) ip6 (4in6, 6in6)
 *     --mirror     with -t: every packet twice, in two tunnels (keys
 *                  differ), as two mirroring sessions deliver one flow
 *     --copy N     with -t: only the first (1) or second (2) of those
 *     --tso PERCENT  data segments of 64-195 KiB sent as one TSO/BIG TCP
 *                  super-segment: IPv4 total length 0, IPv6 a jumbogram
 *     --tso6 MODE  hbh (a Jumbo Payload option, default) or zero (payload
 *                  length 0 and no option, as newer Linux BIG TCP)
 *     -6 PERCENT   share of IPv6 flows                       (20)
 *     -k PERCENT   share of flows that do keep-alive         (30)
 *     -w           ISNs near 2^32: sequence numbers wrap inside the flow
 *     -s SNAPLEN   cut every record to SNAPLEN bytes (IP lengths stay true)
 *     -m MAXOPEN   at most this many flows open at once      (2000)
 *     --midstream PERCENT  flows whose handshake is left out (0)
 *     --retrans PERCENT    data segments sent twice          (0)
 *     --reorder PERCENT    data segment pairs sent swapped   (0)
 *     --both PERCENT       keep-alive flows whose other end probes too (0)
 *     --frozen             every packet has the same timestamp
 *     --fin-wait N         instead: one flow whose client sends N data
 *                          segments, closes its side (FIN) and then probes
 *                          from FIN-WAIT-2 (Linux does, with SO_KEEPALIVE)
 *     --one-way            write only the client's packets
 *     --stall              keep-alive flows all end dead, and after the
 *                          first unanswered probe the prober sends data,
 *                          retransmitted unanswered until its RST
 *     --idle-close SECS    keep-alive flows all end with the server closing
 *                          them SECS after their last data, as a proxy's
 *                          idle timeout does, while the client's probes
 *                          every third of that are answered; one flow in
 *                          four closes with an RST, the others with a FIN
 *     --seed N     the output is a pure function of the options and N (1)
 *
 * Each flow's whole packet script is planned when the flow starts, with
 * sequence numbers relative to the sender's ISN (added when the packet is
 * written, so -w only moves the ISN).  A heap merges the open flows by time,
 * so timestamps never go backwards, and a new flow starts only when fewer
 * than MAXOPEN are open: memory stays bounded here, and a streaming reader
 * that forgets flows after their FIN/RST sees the same bounded concurrency
 * whatever -f is.
 *
 * Keep-alive behaviour follows docs/KEEPALIVE-FACTS.md: probes are ACKs at
 * SND.NXT-1 carrying 0 or 1 byte and TSopt; a live peer answers with a
 * duplicate ACK (seq = its SND.NXT, ack = our SND.NXT, window unchanged,
 * TSecr = TS.Recent, which a probe does not update; D-SACK for a 1-byte
 * probe); some probes go unanswered, some are answered by new data, by an
 * RST (the peer forgot the flow), or by a router's ICMP unreachable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

#define MAXPKT 2048   /* largest frame built: MSS 1400 + headers; a TSO
		       * segment's payload is cut (the record says its length) */
#define MSS 1400

enum { C2S = 0, S2C = 1 };          /* direction: client->server, back */
enum { PK_TCP, PK_ICMP };           /* ICMP: a router's error quoting a TCP packet */
enum { OPT_NONE, OPT_SYN, OPT_TS, OPT_DSACK };

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

/* One planned packet.  seq is relative to the sender's ISN, ack (and the
 * D-SACK block) to the receiver's: the ISNs are added when it is written. */
struct pkt {
	uint64_t t;             /* microseconds since the flow started */
	uint32_t seq, ack, tsval, tsecr, sack_l, sack_r;
	uint32_t len;
	uint16_t win;
	uint8_t flags, dir, kind, opt;
	bool tso;               /* a super-segment: IP length 0 or jumbogram */
};

struct flow {
	uint32_t id;
	bool v6, ts;
	uint8_t ip[2][16];      /* [C2S] client, [S2C] server */
	uint16_t port[2];
	uint8_t ttl[2];         /* TTL as it arrives at the capture point */
	uint16_t ipid[2];
	uint32_t isn[2];
	uint32_t nullaf6;       /* DLT_NULL's AF_INET6 for this flow: 24, 28 or 30 */
	uint16_t vlan;
	uint64_t t0;            /* absolute start, microseconds */
	struct pkt *p;
	uint32_t np, cap, next;
};

/* --- options and the random source ---------------------------------------- */

enum tunnel {
	TUN_NONE, TUN_VXLAN, TUN_VXLAN8472, TUN_GENEVE, TUN_GRE, TUN_GRE_KEY, TUN_TEB,
	TUN_ERSPAN1, TUN_ERSPAN2, TUN_ERSPAN3, TUN_GTPU, TUN_MPLS, TUN_PPPOE, TUN_IP4, TUN_IP6,
};

static struct {
	unsigned long npkts, nflows, maxopen, seed;
	int link, pct6, pctka, pctmid, pctretrans, pctreorder, snaplen, pcttso;
	bool wrap, mirror, tso6zero;
	int tunnel, copy;
	const char *out;
	int pctboth;
	bool frozen, oneway, stall;
	unsigned long finwait, idleclose;
} opt = { 10000, 500, 2000, 1, DLT_EN10MB, 20, 30, 0, 0, 0, 262144, 0, false, false, false,
	  TUN_NONE, 0, NULL, 0, false, false, false, 0, 0 };

static int linkvariant; /* 0 plain, 1 802.1Q, 2 QinQ (all DLT_EN10MB) */

static uint64_t rng_state;

/* splitmix64: tiny, fast, and the same sequence on every platform. */
static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static uint32_t rnd(uint32_t lo, uint32_t hi)
{
	return lo + (uint32_t)(rnd64() % ((uint64_t)hi - lo + 1));
}

static bool chance(int percent)
{
	return (int)(rnd64() % 100) < percent;
}

/* --- planning a flow --------------------------------------------------------- */

/* The state of the two TCP endpoints while a flow's script is planned. */
struct plan {
	struct flow *f;
	uint64_t t;             /* current time, us since the flow start */
	uint32_t nxt[2];        /* each side's SND.NXT, relative */
	uint32_t tsbase[2];     /* each side's TSval clock offset */
	uint32_t recent[2];     /* TS.Recent: what each side echoes in TSecr */
	uint16_t win[2];        /* each side's last advertised (scaled) window */
	uint32_t rtt;           /* us */
};

static struct pkt *push(struct plan *pl)
{
	struct flow *f = pl->f;

	if (f->np == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 32;
		f->p = realloc(f->p, f->cap * sizeof *f->p);
		if (!f->p) {
			perror("synthcap: realloc");
			exit(1);
		}
	}
	memset(&f->p[f->np], 0, sizeof f->p[0]);
	return &f->p[f->np++];
}

static uint32_t tsnow(const struct plan *pl, int dir)
{
	return pl->tsbase[dir] + (uint32_t)(pl->t / 1000); /* 1 ms TS clock */
}

/* An ordinary segment from dir at time pl->t: seq = SND.NXT, ack = the other
 * side's SND.NXT.  It moves SND.NXT and, being in window, the receiver's
 * TS.Recent. */
static struct pkt *seg(struct plan *pl, int dir, uint8_t flags, uint32_t len)
{
	struct pkt *p = push(pl);

	p->t = pl->t;
	p->dir = (uint8_t)dir;
	p->kind = PK_TCP;
	p->flags = flags;
	p->len = len;
	p->seq = pl->nxt[dir];
	p->ack = (flags & F_ACK) ? pl->nxt[!dir] : 0;
	p->win = pl->win[dir];
	if (pl->f->ts) {
		p->opt = OPT_TS;
		p->tsval = tsnow(pl, dir);
		p->tsecr = pl->recent[dir];
		pl->recent[!dir] = p->tsval;
	}
	pl->nxt[dir] += len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
	return p;
}

/* A keep-alive probe from dir: SND.NXT-1, ACK, 0 or 1 octet.  Out of window
 * for the receiver, so TS.Recent is not updated. */
static void probe(struct plan *pl, int dir, bool garbage)
{
	struct pkt *p = push(pl);

	p->t = pl->t;
	p->dir = (uint8_t)dir;
	p->kind = PK_TCP;
	p->flags = F_ACK;
	p->len = garbage ? 1 : 0;
	p->seq = pl->nxt[dir] - 1;
	p->ack = pl->nxt[!dir];
	p->win = pl->win[dir];
	if (pl->f->ts) {
		p->opt = OPT_TS;
		p->tsval = tsnow(pl, dir);
		p->tsecr = pl->recent[dir];
	}
}

/* The peer's answer to a probe: a duplicate ACK with the same window; for a
 * one-octet probe Linux adds a D-SACK block for that octet. */
static void probe_ack(struct plan *pl, int dir, bool garbage)
{
	struct pkt *p = push(pl);

	p->t = pl->t;
	p->dir = (uint8_t)dir;
	p->kind = PK_TCP;
	p->flags = F_ACK;
	p->seq = pl->nxt[dir];
	p->ack = pl->nxt[!dir];
	p->win = pl->win[dir];
	p->opt = pl->f->ts ? OPT_TS : OPT_NONE;
	if (pl->f->ts) {
		p->tsval = tsnow(pl, dir);
		p->tsecr = pl->recent[dir];
	}
	if (garbage) {
		p->opt = OPT_DSACK;
		p->sack_l = pl->nxt[!dir] - 1;
		p->sack_r = pl->nxt[!dir];
	}
}

/* A router's ICMP unreachable quoting the last packet planned (a probe). */
static void icmp_unreach(struct plan *pl)
{
	struct pkt *q = push(pl);

	*q = pl->f->p[pl->f->np - 2];
	q->t = pl->t;
	q->kind = PK_ICMP;
}

static void advance(struct plan *pl, uint32_t lo, uint32_t hi)
{
	pl->t += rnd(lo, hi);
}

static uint16_t datalen(void)
{
	/* At least 2 octets: a retransmitted 1-octet segment at SND.NXT-1 is a
	 * keep-alive by Wireshark's rule, which is not what is meant here. */
	return chance(30) ? MSS : (uint16_t)rnd(2, 900);
}

/* Data from dir in 1-3 segments, some retransmitted or reordered, then an ACK
 * of all of it from the other side. */
static void burst(struct plan *pl, int dir)
{
	int n = (int)rnd(1, 3), i;
	struct flow *f = pl->f;

	if (chance(20))
		pl->win[dir] = (uint16_t)rnd(400, 3000);
	for (i = 0; i < n; i++) {
		if (opt.pcttso && chance(opt.pcttso)) {
			/* One super-segment of many MSS, as the sender's stack
			 * hands it to the NIC. */
			seg(pl, dir, F_ACK, rnd(65536, 200000))->tso = true;
			advance(pl, 10, 300);
		}
		uint32_t first = f->np;

		seg(pl, dir, F_ACK | (i == n - 1 ? F_PSH : 0), datalen());
		advance(pl, 10, 300);
		if (i + 1 < n && chance(opt.pctreorder)) {
			/* Plan the next segment, then swap the two packets'
			 * contents: times stay in order, sequence numbers not. */
			struct pkt tmp;
			uint64_t ta, tb;

			seg(pl, dir, F_ACK | (i + 1 == n - 1 ? F_PSH : 0), datalen());
			advance(pl, 10, 300);
			ta = f->p[first].t;
			tb = f->p[first + 1].t;
			tmp = f->p[first];
			f->p[first] = f->p[first + 1];
			f->p[first + 1] = tmp;
			f->p[first].t = ta;
			f->p[first + 1].t = tb;
			i++;
			/* No retransmission of a reordered pair: Wireshark's
			 * reassembly calls an overlap there an error. */
			continue;
		}
		if (chance(opt.pctretrans)) {
			/* Resend the segment just planned, a little later. */
			struct pkt *r = push(pl);

			*r = f->p[f->np - 2];
			advance(pl, 200, pl->rtt + 400);
			r->t = pl->t;
			if (f->ts)
				r->tsval = tsnow(pl, dir);
		}
	}
	if (opt.pcttso && chance(opt.pcttso)) {
		/* The burst's last data a super-segment: a probe after it
		 * is at SND.NXT-1 only when its length is read. */
		seg(pl, dir, F_ACK | F_PSH, rnd(65536, 200000))->tso = true;
		advance(pl, 10, 300);
	}
	advance(pl, pl->rtt / 2, pl->rtt);
	if (chance(20))
		pl->win[!dir] = (uint16_t)rnd(400, 3000);
	seg(pl, !dir, F_ACK, 0);
	advance(pl, 50, 2000);
}

/* A request/response exchange: client data, server data, client ACK. */
static void exchange(struct plan *pl)
{
	burst(pl, C2S);
	burst(pl, S2C);
}

enum ka_end { KA_ALIVE, KA_DEAD, KA_RESET, KA_UNREACH };

/* --stall: the peer is gone.  P's probe goes unanswered; then its
 * application writes, and the data is retransmitted with a doubling
 * timeout (Linux sends no probe while data is out) until P gives up. */
static void stall(struct plan *pl, int P, bool garbage)
{
	uint64_t rto = 200000;
	struct pkt *p;

	probe(pl, P, garbage);
	advance(pl, 200000, 400000);
	seg(pl, P, F_ACK | F_PSH, 100);
	for (int i = 0; i < 5; i++, rto *= 2) {
		pl->t += rto;
		p = push(pl);
		*p = pl->f->p[pl->f->np - 2];
		p->t = pl->t;
		if (pl->f->ts)
			p->tsval = tsnow(pl, P);
	}
	pl->t += rto;
	seg(pl, P, F_RST | F_ACK, 0);
}

/* Keep-alive rounds from the prober P.  Returns true when the flow ended
 * (dead: P's RST; reset: the peer's RST). */
static bool keepalive(struct plan *pl)
{
	int P = chance(80) ? C2S : S2C, Q = !P;
	bool garbage = chance(25), both = opt.pctboth && chance(opt.pctboth);
	int rounds = (int)rnd(1, 3), r, k, maxprobes = (int)rnd(2, 5);
	uint32_t idle = rnd(1000000, 15000000), intvl = rnd(500000, 5000000);
	int end, e = (int)rnd(0, 99);

	end = e < 70 ? KA_ALIVE : e < 82 ? KA_DEAD : e < 94 ? KA_RESET : KA_UNREACH;
	if (opt.stall)
		end = KA_DEAD, rounds = 1;
	for (r = 0; r < rounds; r++) {
		bool last = r == rounds - 1;

		pl->t += idle;
		if (last && opt.stall) {
			stall(pl, P, garbage);
			return true;
		}
		if (last && (end == KA_DEAD || end == KA_UNREACH)) {
			for (k = 0; k < maxprobes; k++) {
				probe(pl, P, garbage);
				if (end == KA_UNREACH) {
					advance(pl, pl->rtt / 4, pl->rtt / 2);
					icmp_unreach(pl);
				}
				pl->t += intvl;
			}
			seg(pl, P, F_RST | F_ACK, 0);
			return true;
		}
		if (last && end == KA_RESET) {
			probe(pl, P, garbage);
			advance(pl, pl->rtt / 2, pl->rtt);
			/* RFC 9293: the RST answering an ACK takes its seq
			 * from SEG.ACK and carries no ACK. */
			seg(pl, Q, F_RST, 0);
			return true;
		}
		/* A few probes lost before one is answered. */
		for (k = chance(75) ? 0 : (int)rnd(1, 2); k > 0; k--) {
			probe(pl, P, garbage);
			pl->t += intvl;
		}
		probe(pl, P, garbage);
		advance(pl, pl->rtt / 2, pl->rtt * 2);
		if (chance(10)) {
			/* Answered by new data: the peer had something to say. */
			seg(pl, Q, F_ACK | F_PSH, (uint16_t)rnd(2, 500));
			advance(pl, pl->rtt / 2, pl->rtt);
			seg(pl, P, F_ACK, 0);
		} else {
			probe_ack(pl, Q, garbage);
		}
		if (both) {
			/* The other end's own timer fires too: it probes, and
			 * P answers. */
			advance(pl, 100000, 3000000);
			probe(pl, Q, garbage);
			advance(pl, pl->rtt / 2, pl->rtt * 2);
			probe_ack(pl, P, garbage);
		}
		if (!last && chance(20)) {
			advance(pl, 100000, 2000000);
			exchange(pl);
		}
	}
	return false;
}

/* FIN from one side, FIN+ACK back, the last ACK; or an RST. */
static void teardown(struct plan *pl)
{
	int a = chance(50) ? C2S : S2C;

	advance(pl, 1000, 500000);
	if (chance(10)) {
		seg(pl, a, F_RST | F_ACK, 0);
		return;
	}
	seg(pl, a, F_FIN | F_ACK, 0);
	advance(pl, pl->rtt / 2, pl->rtt);
	seg(pl, !a, F_FIN | F_ACK, 0);
	advance(pl, pl->rtt / 2, pl->rtt);
	seg(pl, a, F_ACK, 0);
}

static void set_addr(struct flow *f)
{
	uint32_t id = f->id;

	if (f->v6) {
		static const uint8_t c6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0c };
		static const uint8_t s6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x05 };

		memcpy(f->ip[C2S], c6, 16);
		memcpy(f->ip[S2C], s6, 16);
		/* Unique client address per flow: no 4-tuple is ever reused,
		 * so no reader has to guess whether a flow was restarted. */
		f->ip[C2S][12] = (uint8_t)(id >> 24);
		f->ip[C2S][13] = (uint8_t)(id >> 16);
		f->ip[C2S][14] = (uint8_t)(id >> 8);
		f->ip[C2S][15] = (uint8_t)id;
		f->ip[S2C][15] = (uint8_t)rnd(1, 16);
	} else {
		/* 10.0.0.0/8 clients, 192.0.2.0/24 servers (documentation). */
		f->ip[C2S][0] = 10;
		f->ip[C2S][1] = (uint8_t)(id >> 16);
		f->ip[C2S][2] = (uint8_t)(id >> 8);
		f->ip[C2S][3] = (uint8_t)id;
		f->ip[S2C][0] = 192;
		f->ip[S2C][1] = 0;
		f->ip[S2C][2] = 2;
		f->ip[S2C][3] = (uint8_t)rnd(1, 16);
	}
}

/* Ports no Wireshark dissector claims: the payload is filler, and a real
 * protocol's dissector would call it malformed. */
static const uint16_t server_ports[] = { 7001, 7002, 7003, 7004, 7005, 7006, 7007 };

/* --fin-wait: the client sends n data segments, each acknowledged at
 * once by the server (a one-way capture sees no ACK), closes its side,
 * then probes three times from FIN-WAIT-2, each answered.  Its probes sit
 * at its FIN's seq, SND.NXT - 1. */
static void plan_finwait(struct plan *pl, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		seg(pl, C2S, F_ACK | F_PSH, 100);
		advance(pl, 100, 200);
		if (i % 2 || i + 1 == n)   /* delayed ACKs: every second segment */
			seg(pl, S2C, F_ACK, 0);
		advance(pl, 100, 200);
	}
	seg(pl, C2S, F_FIN | F_ACK, 0);
	advance(pl, pl->rtt / 2, pl->rtt);
	seg(pl, S2C, F_ACK, 0);
	for (int k = 0; k < 3; k++) {
		pl->t += 75000000;
		probe(pl, C2S, false);
		advance(pl, pl->rtt / 2, pl->rtt);
		probe_ack(pl, S2C, false);
	}
}

/* --idle-close: the server closes the flow `secs` after its last data
 * (no data either way), as an idle timeout that counts data does; the
 * client's keep-alive probes every third of that are answered meanwhile
 * (the server's kernel answers them), and do not help. */
static void plan_idleclose(struct plan *pl, unsigned long secs)
{
	const struct flow *f = pl->f;
	uint64_t last = 0, close, idle = secs * 1000000 / 3;

	for (uint32_t i = f->np; i-- > 0;)
		if (f->p[i].len) {
			last = f->p[i].t;
			break;
		}
	close = last + secs * 1000000;
	while (pl->t + idle + 2 * (uint64_t)pl->rtt < close) {
		pl->t += idle;
		probe(pl, C2S, false);
		advance(pl, pl->rtt / 2, pl->rtt);
		probe_ack(pl, S2C, false);
	}
	pl->t = close;
	if (chance(25)) {
		seg(pl, S2C, F_RST | F_ACK, 0);
		return;
	}
	seg(pl, S2C, F_FIN | F_ACK, 0);
	advance(pl, pl->rtt / 2, pl->rtt);
	seg(pl, C2S, F_FIN | F_ACK, 0);
	advance(pl, pl->rtt / 2, pl->rtt);
	seg(pl, S2C, F_ACK, 0);
}

/* Plan a whole flow of about `budget` packets or more. */
static struct flow *plan_flow(uint32_t id, uint64_t t0, unsigned long budget)
{
	struct flow *f = calloc(1, sizeof *f);
	struct plan pl;
	bool midstream, ka;
	uint32_t rel_probe = 0, first[2];
	int d;

	if (!f) {
		perror("synthcap: calloc");
		exit(1);
	}
	f->id = id;
	f->t0 = t0;
	f->v6 = chance(opt.pct6);
	f->ts = chance(85);
	f->nullaf6 = (uint32_t[]){ 24, 28, 30 }[rnd(0, 2)];
	f->vlan = (uint16_t)(1 + id % 4094);
	set_addr(f);
	f->port[C2S] = (uint16_t)rnd(49152, 60999);   /* ephemeral, see server_ports */
	f->port[S2C] = server_ports[rnd(0, sizeof server_ports / sizeof server_ports[0] - 1)];
	f->ttl[C2S] = 64;
	f->ttl[S2C] = (uint8_t)rnd(40, 63);
	for (d = 0; d < 2; d++)
		f->ipid[d] = (uint16_t)rnd(0, 65535);

	memset(&pl, 0, sizeof pl);
	pl.f = f;
	pl.rtt = rnd(100, 80000);
	for (d = 0; d < 2; d++) {
		pl.tsbase[d] = (uint32_t)rnd64();
		pl.win[d] = (uint16_t)rnd(400, 3000);
	}
	midstream = chance(opt.pctmid);
	ka = chance(opt.pctka);

	if (midstream) {
		/* The capture started late: sequence numbers already moved. */
		for (d = 0; d < 2; d++)
			pl.nxt[d] = rnd(1, 5000000);
		pl.recent[C2S] = pl.tsbase[S2C];
		pl.recent[S2C] = pl.tsbase[C2S];
	} else {
		struct pkt *p;
		uint16_t w0 = pl.win[C2S], w1 = pl.win[S2C];

		pl.win[C2S] = pl.win[S2C] = 64240;   /* SYN windows are never scaled */
		p = seg(&pl, C2S, F_SYN, 0);
		p->opt = OPT_SYN;
		advance(&pl, pl.rtt / 2, pl.rtt / 2 + 50);
		pl.win[S2C] = 65160;
		p = seg(&pl, S2C, F_SYN | F_ACK, 0);
		p->opt = OPT_SYN;
		advance(&pl, pl.rtt / 2, pl.rtt / 2 + 50);
		pl.win[C2S] = w0;
		pl.win[S2C] = w1;
		seg(&pl, C2S, F_ACK, 0);
		advance(&pl, 10, 5000);
	}

	first[C2S] = pl.nxt[C2S];
	first[S2C] = pl.nxt[S2C];
	if (opt.finwait) {
		plan_finwait(&pl, opt.finwait);
		for (d = 0; d < 2; d++)
			f->isn[d] = (uint32_t)rnd64();
		return f;
	}
	/* Data exchanges: as many as it takes to reach the budget, leaving
	 * room for the keep-alive rounds and the close. */
	do {
		exchange(&pl);
	} while (f->np + (ka ? 8 : 3) < budget);

	if (opt.wrap) {
		/* Remember where the client's SND.NXT is now: one flow in four
		 * gets the ISN that puts that exactly at 0, so a probe carries
		 * seq 0xffffffff. */
		rel_probe = pl.nxt[C2S];
	}
	if (ka && opt.idleclose)
		plan_idleclose(&pl, opt.idleclose);
	else if (!(ka && keepalive(&pl)))
		teardown(&pl);

	for (d = 0; d < 2; d++) {
		if (opt.wrap) {
			/* 0 - w puts the wrap at relative sequence w, somewhere
			 * between the flow's first and last. */
			f->isn[d] = (uint32_t)(0 - rnd(first[d] + 1, pl.nxt[d] + 1));
			if (d == C2S && chance(25))
				f->isn[d] = (uint32_t)(0 - rel_probe);
		} else {
			f->isn[d] = (uint32_t)rnd64();
		}
	}
	return f;
}

/* --- writing packets ------------------------------------------------------------ */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (; n > 1; n -= 2, p += 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Build TCP options; returns their length (a multiple of 4). */
static size_t tcp_options(uint8_t *o, const struct flow *f, const struct pkt *p, uint32_t isn_rx)
{
	size_t n = 0;

	switch (p->opt) {
	case OPT_SYN:
		/* Linux's order: MSS, SACK_PERM, TS, NOP, WS. */
		o[n++] = 2, o[n++] = 4, put16(o + n, MSS), n += 2;
		if (f->ts) {
			o[n++] = 4, o[n++] = 2;
			o[n++] = 8, o[n++] = 10;
			put32(o + n, p->tsval), put32(o + n + 4, p->tsecr), n += 8;
		} else {
			o[n++] = 1, o[n++] = 1, o[n++] = 4, o[n++] = 2;
		}
		o[n++] = 1, o[n++] = 3, o[n++] = 3, o[n++] = 7;
		break;
	case OPT_TS:
	case OPT_DSACK:
		if (f->ts) {
			o[n++] = 1, o[n++] = 1, o[n++] = 8, o[n++] = 10;
			put32(o + n, p->tsval), put32(o + n + 4, p->tsecr), n += 8;
		}
		if (p->opt == OPT_DSACK) {
			o[n++] = 1, o[n++] = 1, o[n++] = 5, o[n++] = 10;
			put32(o + n, p->sack_l + isn_rx), put32(o + n + 4, p->sack_r + isn_rx);
			n += 8;
		}
		break;
	}
	return n;
}

/* Payload bytes written at most: a TSO segment's rest is not in the record
 * (its length on the wire says it was there). */
#define MAXPAY (MAXPKT - 200)

/* IP + TCP for packet p of flow f at b; updates the IP ID.  Returns the IP
 * packet's length on the wire (payload included, a recognisable pattern;
 * of a TSO segment only MAXPAY bytes are written). */
static size_t build_ip_tcp(uint8_t *b, struct flow *f, const struct pkt *p)
{
	int dir = p->dir;
	uint32_t isn_tx = f->isn[dir], isn_rx = f->isn[!dir];
	size_t iph = f->v6 ? 40 : 20, optlen, tcplen, i;
	uint8_t *t;
	uint32_t s;

	if (p->tso && f->v6 && !opt.tso6zero)
		iph += 8;      /* the Hop-by-Hop header with the Jumbo option */
	t = b + iph;
	optlen = tcp_options(t + 20, f, p, isn_rx);
	tcplen = 20 + optlen + p->len;
	put16(t, f->port[dir]);
	put16(t + 2, f->port[!dir]);
	put32(t + 4, p->seq + isn_tx);
	put32(t + 8, (p->flags & F_ACK) ? p->ack + isn_rx : 0);
	t[12] = (uint8_t)((20 + optlen) / 4) << 4;
	t[13] = p->flags;
	put16(t + 14, p->win);
	put16(t + 16, 0);
	put16(t + 18, 0);
	for (i = 0; i < p->len && i < MAXPAY; i++)   /* recognisable payload */
		t[20 + optlen + i] = (uint8_t)('a' + (p->seq + i) % 26);

	if (f->v6) {
		b[0] = 0x60;
		b[1] = (uint8_t)(f->id & 0x0f);        /* a flow label, per flow */
		put16(b + 2, f->id >> 4 & 0xffff);
		put16(b + 4, p->tso ? 0 : (uint32_t)tcplen);
		b[6] = IPPROTO_TCP;
		b[7] = f->ttl[dir];
		memcpy(b + 8, f->ip[dir], 16);
		memcpy(b + 24, f->ip[!dir], 16);
		s = sum16(b + 8, 32, 0);
		if (iph > 40) {    /* RFC 2675: Hop-by-Hop, Jumbo Payload */
			b[6] = 0;
			b[40] = IPPROTO_TCP, b[41] = 0, b[42] = 0xc2, b[43] = 4;
			put32(b + 44, (uint32_t)(8 + tcplen));
		}
	} else {
		b[0] = 0x45;
		b[1] = 0;
		put16(b + 2, p->tso ? 0 : (uint32_t)(20 + tcplen));
		put16(b + 4, f->ipid[dir]++);
		put16(b + 6, 0x4000);                  /* DF */
		b[8] = f->ttl[dir];
		b[9] = IPPROTO_TCP;
		put16(b + 10, 0);
		memcpy(b + 12, f->ip[dir], 4);
		memcpy(b + 16, f->ip[!dir], 4);
		put16(b + 10, fold(sum16(b, 20, 0)));
		s = sum16(b + 12, 8, 0);
	}
	s += IPPROTO_TCP + (uint32_t)tcplen;
	/* A TSO segment's checksum is the NIC's to fill: left partial. */
	put16(t + 16, fold(sum16(t, p->tso ? 20 + optlen : tcplen, s)));
	return iph + tcplen;
}

/* A router's ICMP/ICMPv6 unreachable to the sender of the quoted probe,
 * quoting its IP and TCP headers (no payload). */
static size_t build_icmp(uint8_t *b, struct flow *f, const struct pkt *p)
{
	int dir = p->dir;
	size_t iph = f->v6 ? 40 : 20, qlen, ilen;
	uint8_t *ic = b + iph, router[16];
	struct pkt q = *p;
	uint32_t s;

	q.kind = PK_TCP;
	q.len = 0;       /* quote headers only */
	f->ipid[dir]--;  /* the quoted packet is the probe again, same IP ID */
	qlen = build_ip_tcp(ic + 8, f, &q);
	if (!f->v6) {    /* restore the probe's real total length in the quote */
		put16(ic + 8 + 2, (uint32_t)qlen + p->len);
		put16(ic + 8 + 10, 0);
		put16(ic + 8 + 10, fold(sum16(ic + 8, 20, 0)));
	} else
		put16(ic + 8 + 4, (uint32_t)(qlen - 40) + p->len);
	ilen = 8 + qlen;
	memset(ic, 0, 8);
	memset(router, 0, sizeof router);
	if (f->v6) {
		static const uint8_t r6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, [15] = 1 };

		memcpy(router, r6, 16);
		ic[0] = 1, ic[1] = 3;           /* destination unreachable, address */
		b[0] = 0x60, b[1] = 0, b[2] = 0, b[3] = 0;
		put16(b + 4, (uint32_t)ilen);
		b[6] = 58;
		b[7] = 63;
		memcpy(b + 8, router, 16);
		memcpy(b + 24, f->ip[dir], 16);
		s = sum16(b + 8, 32, 0) + 58 + (uint32_t)ilen;
	} else {
		router[0] = 192, router[1] = 0, router[2] = 2, router[3] = 254;
		ic[0] = 3, ic[1] = 1;           /* destination unreachable, host */
		b[0] = 0x45, b[1] = 0xc0;
		put16(b + 2, (uint32_t)(20 + ilen));
		put16(b + 4, f->id & 0xffff);
		put16(b + 6, 0);
		b[8] = 63;
		b[9] = IPPROTO_ICMP;
		put16(b + 10, 0);
		memcpy(b + 12, router, 4);
		memcpy(b + 16, f->ip[dir], 4);
		put16(b + 10, fold(sum16(b, 20, 0)));
		s = 0;
	}
	put16(ic + 2, fold(sum16(ic, ilen, s)));
	return iph + ilen;
}

static const uint8_t mac[2][6] = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },   /* client side host */
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0xfe },   /* the gateway */
};

/* An Ethernet header for a frame travelling in dir. */
static size_t ether(uint8_t *b, int dir, uint16_t et)
{
	memcpy(b, mac[!dir], 6);
	memcpy(b + 6, mac[dir], 6);
	put16(b + 12, et);
	return 14;
}

static void put16le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32le(uint8_t *p, uint32_t v)
{
	put16le(p, v);
	put16le(p + 2, v >> 16);
}

/* An 802.11 data frame's header and LLC/SNAP, client to AP or AP to
 * client; QoS data in odd flows. */
static size_t wlan(uint8_t *b, const struct flow *f, int dir, uint16_t et)
{
	bool qos = f->id & 1;
	size_t n = 24;

	b[0] = qos ? 0x88 : 0x08;
	b[1] = dir == C2S ? 0x01 : 0x02;            /* to DS / from DS */
	put16(b + 2, 0);
	memcpy(b + 4, mac[!dir], 6);
	memcpy(b + 10, mac[dir], 6);
	memcpy(b + 16, mac[1], 6);                  /* the BSSID */
	put16(b + 22, (f->id & 0xfff) << 4);
	if (qos)
		put16(b + 24, 0), n += 2;
	memcpy(b + n, "\xaa\xaa\x03\x00\x00\x00", 6);
	put16(b + n + 6, et);
	return n + 8;
}

/* The link header for a frame travelling in dir, carrying `et` (an
 * Ethernet type) of `len` bytes; returns its length. */
static size_t build_link(uint8_t *b, const struct flow *f, int dir, uint16_t et, size_t len)
{
	bool v6 = et == 0x86dd;
	size_t n = 0;

	switch (opt.link) {
	case DLT_EN10MB:
		memcpy(b, mac[!dir], 6);
		memcpy(b + 6, mac[dir], 6);
		n = 12;
		if (linkvariant == 2) {
			put16(b + n, 0x88a8), put16(b + n + 2, 100 + f->vlan % 3), n += 4;
		}
		if (linkvariant >= 1) {
			put16(b + n, 0x8100), put16(b + n + 2, f->vlan), n += 4;
		}
		put16(b + n, et);
		return n + 2;
	case DLT_LINUX_SLL:
		put16(b, dir == C2S ? 4 : 0);  /* outgoing / to us */
		put16(b + 2, 1);               /* ARPHRD_ETHER */
		put16(b + 4, 6);
		memcpy(b + 6, mac[dir], 6);
		b[12] = b[13] = 0;
		put16(b + 14, et);
		return 16;
	case DLT_LINUX_SLL2:
		put16(b, et);
		put16(b + 2, 0);
		put32(b + 4, 2);               /* ifindex */
		put16(b + 8, 1);
		b[10] = dir == C2S ? 4 : 0;
		b[11] = 6;
		memcpy(b + 12, mac[dir], 6);
		b[18] = b[19] = 0;
		return 20;
	case DLT_NULL: {
		/* The capturing host's byte order: this one's. */
		uint32_t af = v6 ? f->nullaf6 : 2;

		memcpy(b, &af, 4);
		return 4;
	}
	case DLT_LOOP:                         /* OpenBSD: network order */
		put32(b, v6 ? 24 : 2);
		return 4;
	case DLT_PPP:
	case DLT_PPP_SERIAL:                   /* HDLC address and control */
		b[0] = 0xff, b[1] = 0x03;
		put16(b + 2, v6 ? 0x57 : 0x21);
		return 4;
	case DLT_C_HDLC:
		b[0] = 0x0f, b[1] = 0;
		put16(b + 2, et);
		return 4;
	case DLT_FDDI:
		b[0] = 0x50;                   /* LLC, asynchronous */
		memcpy(b + 1, mac[!dir], 6);
		memcpy(b + 7, mac[dir], 6);
		memcpy(b + 13, "\xaa\xaa\x03\x00\x00\x00", 6);
		put16(b + 19, et);
		return 21;
	case DLT_ARCNET:
	case DLT_ARCNET_LINUX:
		b[n++] = dir == C2S ? 1 : 2;   /* source and destination ids */
		b[n++] = dir == C2S ? 2 : 1;
		if (opt.link == DLT_ARCNET_LINUX)
			put16(b + n, 0), n += 2;
		b[n++] = v6 ? 0xc4 : 0xd4;     /* RFC 1201 IP, IPv6 */
		b[n++] = 0;                    /* split flag: whole */
		put16(b + n, f->id & 0xffff);  /* sequence id */
		return n + 2;
	case DLT_IEEE802_11:
		return wlan(b, f, dir, et);
	case DLT_IEEE802_11_RADIO:
		/* Version 0, length 18, present: TSFT, Flags, Rate. */
		memset(b, 0, 18);
		put16le(b + 2, 18);
		put32le(b + 4, 0x07);
		put32le(b + 8, (uint32_t)f->id);
		b[16] = (f->id & 2) ? 0x10 : 0;   /* FCS at the end */
		b[17] = 108;                      /* 54 Mb/s */
		return 18 + wlan(b + 18, f, dir, et);
	case DLT_PPI:
		b[0] = 0, b[1] = 0;
		put16le(b + 2, 8);
		put32le(b + 4, DLT_IEEE802_11);
		return 8 + wlan(b + 8, f, dir, et);
	case 258: /* PKTAP: a 108-byte header, then Ethernet */
		memset(b, 0, 108);
		put32le(b, 108);
		put32le(b + 4, 1);             /* a packet follows */
		put32le(b + 8, DLT_EN10MB);
		memcpy(b + 12, "en0", 3);
		return 108 + ether(b + 108, dir, et);
	case DLT_NFLOG: {
		/* Header, a PACKET_HDR TLV, then PAYLOAD's length and type,
		 * TLV fields in this host's order. */
		uint16_t tl[2] = { 8, 1 };

		b[0] = v6 ? 10 : 2, b[1] = 0;
		put16(b + 2, 0);
		memcpy(b + 4, tl, 4);
		put16(b + 8, et);
		b[10] = 3, b[11] = 0;          /* NF_INET_FORWARD */
		tl[0] = (uint16_t)(4 + len), tl[1] = 9;
		memcpy(b + 12, tl, 4);
		return 16;
	}
	case DLT_IPOIB:   /* a pseudo GRH (zero: not valid), as Wireshark reads */
		memset(b, 0, 40);
		put16(b + 40, et);
		put16(b + 42, 0);
		return 44;
	case DLT_JUNIPER_ETHER:
		b[0] = 'M', b[1] = 'G', b[2] = 'C';
		b[3] = dir == C2S ? 0x01 : 0x00;
		n = 4;
		if (f->id & 1) {              /* an extension: the interface index */
			b[3] |= 0x80;
			put16(b + 4, 6);
			b[6] = 1, b[7] = 4;
			put32(b + 8, 7);
			n = 12;
		}
		return n + ether(b + n, dir, et);
	default: /* DLT_RAW */
		return 0;
	}
}

/* Tunnel endpoints, on the path the flow's packets take. */
static size_t outer_ip(uint8_t *b, int dir, bool v6, uint8_t proto, size_t len)
{
	if (v6) {
		static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xee, [15] = 1 };

		memset(b, 0, 40);
		b[0] = 0x60;
		put16(b + 4, (uint32_t)len);
		b[6] = proto;
		b[7] = 64;
		memcpy(b + 8, a6, 16);
		memcpy(b + 24, a6, 16);
		b[dir == C2S ? 39 : 23] = 2;
		return 40;
	}
	memset(b, 0, 20);
	b[0] = 0x45;
	put16(b + 2, (uint32_t)(20 + len));
	b[8] = 64;
	b[9] = proto;
	b[12] = 203, b[13] = 0, b[14] = 113, b[15] = dir == C2S ? 1 : 2;
	b[16] = 203, b[17] = 0, b[18] = 113, b[19] = dir == C2S ? 2 : 1;
	put16(b + 10, fold(sum16(b, 20, 0)));
	return 20;
}

/* The headers of tunnel opt.tunnel before an inner IP packet of `len`
 * bytes (inner_et says its family), for mirroring session `copy`; sets
 * *et to what the link layer carries.  Returns their length. */
static size_t build_tunnel(uint8_t *b, const struct flow *f, int dir, int copy, size_t len,
			   uint16_t inner_et, uint16_t *et)
{
	uint32_t key = (copy == 2 ? 5000 : 100) + f->id % 7;
	uint8_t h[64];
	size_t n = 0, o;
	uint8_t proto = IPPROTO_GRE;

	*et = 0x0800;
	switch (opt.tunnel) {
	case TUN_NONE:
		*et = inner_et;
		return 0;
	case TUN_MPLS:   /* a transport label, then the bottom (VPN) one */
		*et = 0x8847;
		put32(b, key << 12 | 64);
		put32(b + 4, (16u + (uint32_t)copy) << 12 | 0x100 | 64);
		return 8;
	case TUN_PPPOE:
		*et = 0x8864;
		b[0] = 0x11, b[1] = 0;
		put16(b + 2, key);
		put16(b + 4, (uint32_t)(len + 2));
		put16(b + 6, inner_et == 0x86dd ? 0x57 : 0x21);
		return 8;
	case TUN_IP4:
	case TUN_IP6:
		*et = opt.tunnel == TUN_IP6 ? 0x86dd : 0x0800;
		return outer_ip(b, dir, opt.tunnel == TUN_IP6, inner_et == 0x86dd ? 41 : 4, len);
	case TUN_VXLAN:
	case TUN_VXLAN8472:
	case TUN_GENEVE:
	case TUN_GTPU:
		proto = IPPROTO_UDP;
		put16(h, opt.tunnel == TUN_GTPU ? 2152 : 49152 + f->id % 4096);
		put16(h + 2, opt.tunnel == TUN_VXLAN ? 4789 : opt.tunnel == TUN_VXLAN8472 ? 8472
			     : opt.tunnel == TUN_GENEVE ? 6081 : 2152);
		put16(h + 6, 0);               /* no checksum */
		n = 8;
		if (opt.tunnel == TUN_GTPU) {
			h[n] = 0x30, h[n + 1] = 0xff;   /* version 1, GTP, G-PDU */
			put16(h + n + 2, (uint32_t)len);
			put32(h + n + 4, key);
			n += 8;
		} else {
			put32(h + n, opt.tunnel == TUN_GENEVE ? 0x6558 : 0x08000000);
			put32(h + n + 4, key << 8);
			n += 8;
			n += ether(h + n, dir, inner_et);
		}
		put16(h + 4, (uint32_t)(n + len));
		break;
	case TUN_GRE:
		put16(h, 0), put16(h + 2, inner_et), n = 4;
		break;
	case TUN_GRE_KEY:
	case TUN_TEB:
		put16(h, 0x2000);
		put16(h + 2, opt.tunnel == TUN_TEB ? 0x6558 : inner_et);
		put32(h + 4, key);
		n = 8;
		if (opt.tunnel == TUN_TEB)
			n += ether(h + n, dir, inner_et);
		break;
	case TUN_ERSPAN1:
		put16(h, 0), put16(h + 2, 0x88be), n = 4;
		n += ether(h + n, dir, inner_et);
		break;
	case TUN_ERSPAN2:
	case TUN_ERSPAN3:
		put16(h, 0x1000);              /* a sequence number */
		put16(h + 2, opt.tunnel == TUN_ERSPAN2 ? 0x88be : 0x22eb);
		put32(h + 4, f->id);
		n = 8;
		memset(h + n, 0, 12);
		h[n] = opt.tunnel == TUN_ERSPAN2 ? 0x10 : 0x20;   /* version */
		put16(h + n + 2, key & 0x3ff);                     /* session */
		n += opt.tunnel == TUN_ERSPAN2 ? 8 : 12;
		n += ether(h + n, dir, inner_et);
		break;
	}
	o = outer_ip(b, dir, false, proto, n + len);
	memcpy(b + o, h, n);
	return o + n;
}

static void dump(pcap_dumper_t *d, uint64_t t, const uint8_t *buf, size_t wrote, size_t wire)
{
	struct pcap_pkthdr h;

	if (opt.frozen)   /* a capture clock that stood still */
		t = 1700000000ull * 1000000;
	h.ts.tv_sec = (time_t)(t / 1000000);
	h.ts.tv_usec = (suseconds_t)(t % 1000000);
	h.len = (bpf_u_int32)wire;
	h.caplen = (bpf_u_int32)(wrote < (size_t)opt.snaplen ? wrote : (size_t)opt.snaplen);
	pcap_dump((u_char *)d, &h, buf);
}

static void write_pkt(pcap_dumper_t *d, struct flow *f, const struct pkt *p)
{
	uint8_t ip[MAXPKT], tun[256], buf[MAXPKT + 512];
	uint64_t t = f->t0 + p->t;
	/* An ICMP error travels from the router to the probe's sender, like
	 * the reply would. */
	int dir = p->kind == PK_ICMP ? !p->dir : p->dir;
	int first = opt.copy ? opt.copy : 1, last = opt.mirror ? 2 : first;
	size_t len, wrote;
	uint16_t inner_et = f->v6 ? 0x86dd : 0x0800, et;

	len = p->kind == PK_ICMP ? build_icmp(ip, f, p) : build_ip_tcp(ip, f, p);
	wrote = p->kind == PK_TCP && p->len > MAXPAY ? len - (p->len - MAXPAY) : len;
	for (int c = first; c <= last; c++) {
		size_t tn = build_tunnel(tun, f, dir, c, len, inner_et, &et);
		size_t n = build_link(buf, f, dir, et, tn + len), fcs = 0;

		memcpy(buf + n, tun, tn);
		memcpy(buf + n + tn, ip, wrote);
		/* Radiotap's FCS flag: 4 more bytes at the end (not checked
		 * by Wireshark unless asked). */
		if (opt.link == DLT_IEEE802_11_RADIO && (f->id & 2)) {
			fcs = 4;
			if (wrote == len)
				memset(buf + n + tn + wrote, 0, 4);
			else
				fcs = 0, len += 4;   /* cut before the FCS anyway */
		}
		dump(d, t, buf, n + tn + wrote + fcs, n + tn + len + fcs);
	}
}

/* --- merging the open flows by time ------------------------------------------------ */

static struct flow **heap;
static size_t nheap;

static bool earlier(const struct flow *a, const struct flow *b)
{
	uint64_t ta = a->t0 + a->p[a->next].t, tb = b->t0 + b->p[b->next].t;

	return ta < tb || (ta == tb && a->id < b->id);
}

static void heap_push(struct flow *f)
{
	size_t i = nheap++;

	while (i > 0 && earlier(f, heap[(i - 1) / 2])) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = f;
}

static struct flow *heap_pop(void)
{
	struct flow *top = heap[0], *last = heap[--nheap];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < nheap) {
		if (c + 1 < nheap && earlier(heap[c + 1], heap[c]))
			c++;
		if (!earlier(heap[c], last))
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = last;
	return top;
}

static uint64_t heap_time(void)
{
	return heap[0]->t0 + heap[0]->p[heap[0]->next].t;
}

/* --- options ------------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: synthcap [-n PACKETS] [-f FLOWS] [-l LINK] [-t TUNNEL [--mirror | --copy N]]\n"
		"                [-6 PCT] [-k PCT] [-w] [-s SNAPLEN] [-m MAXOPEN] [--midstream PCT]\n"
		"                [--retrans PCT] [--reorder PCT] [--tso PCT] [--tso6 hbh|zero]\n"
		"                [--both PCT] [--frozen] [--fin-wait N [--one-way]] [--stall]\n"
		"                [--idle-close SECS]\n"
		"                [--seed N] -o OUT   (LINK and TUNNEL: see the source's comment)\n");
}

static unsigned long num(const char *s, unsigned long lo, unsigned long hi, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < lo || v > hi) {
		fprintf(stderr, "synthcap: bad %s '%s' (%lu..%lu)\n", what, s, lo, hi);
		exit(64);
	}
	return v;
}

static const char *const tunnel_names[] = {
	[TUN_VXLAN] = "vxlan", [TUN_VXLAN8472] = "vxlan8472", [TUN_GENEVE] = "geneve",
	[TUN_GRE] = "gre", [TUN_GRE_KEY] = "gre-key", [TUN_TEB] = "teb",
	[TUN_ERSPAN1] = "erspan1", [TUN_ERSPAN2] = "erspan2", [TUN_ERSPAN3] = "erspan3",
	[TUN_GTPU] = "gtpu", [TUN_MPLS] = "mpls", [TUN_PPPOE] = "pppoe", [TUN_IP4] = "ip4",
	[TUN_IP6] = "ip6",
};

static int tunnel_named(const char *name)
{
	for (size_t i = 1; i < sizeof tunnel_names / sizeof tunnel_names[0]; i++)
		if (!strcmp(name, tunnel_names[i]))
			return (int)i;
	fprintf(stderr, "synthcap: unknown tunnel '%s'\n", name);
	exit(64);
}

/* The link types past the first few, by name; -1 if none. */
static int link_named(const char *name)
{
	static const struct { const char *name; int dlt; } t[] = {
		{ "loop", DLT_LOOP }, { "ppp", DLT_PPP }, { "ppp-hdlc", DLT_PPP_SERIAL },
		{ "chdlc", DLT_C_HDLC }, { "fddi", DLT_FDDI }, { "arcnet", DLT_ARCNET },
		{ "arcnet-linux", DLT_ARCNET_LINUX }, { "wlan", DLT_IEEE802_11 },
		{ "radiotap", DLT_IEEE802_11_RADIO }, { "ppi", DLT_PPI }, { "pktap", 258 },
		{ "nflog", DLT_NFLOG }, { "ipoib", DLT_IPOIB }, { "juniper", DLT_JUNIPER_ETHER },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (!strcmp(name, t[i].name))
			return t[i].dlt;
	return -1;
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "midstream", required_argument, NULL, 'M' },
		{ "retrans", required_argument, NULL, 'R' },
		{ "reorder", required_argument, NULL, 'O' },
		{ "seed", required_argument, NULL, 'S' },
		{ "mirror", no_argument, NULL, 'D' },
		{ "copy", required_argument, NULL, 'C' },
		{ "tso", required_argument, NULL, 'T' },
		{ "tso6", required_argument, NULL, 'J' },
		{ "both", required_argument, NULL, 'B' },
		{ "frozen", no_argument, NULL, 'Z' },
		{ "fin-wait", required_argument, NULL, 'F' },
		{ "one-way", no_argument, NULL, 'W' },
		{ "stall", no_argument, NULL, 'X' },
		{ "idle-close", required_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "n:f:l:t:6:k:ws:m:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': opt.npkts = num(optarg, 1, 1000000000ul, "packet count"); break;
		case 'f': opt.nflows = num(optarg, 1, 16000000ul, "flow count"); break;
		case '6': opt.pct6 = (int)num(optarg, 0, 100, "IPv6 percent"); break;
		case 'k': opt.pctka = (int)num(optarg, 0, 100, "keep-alive percent"); break;
		case 'w': opt.wrap = true; break;
		case 's': opt.snaplen = (int)num(optarg, 1, 262144, "snaplen"); break;
		case 'm': opt.maxopen = num(optarg, 1, 1000000, "max open flows"); break;
		case 'o': opt.out = optarg; break;
		case 'M': opt.pctmid = (int)num(optarg, 0, 100, "midstream percent"); break;
		case 'R': opt.pctretrans = (int)num(optarg, 0, 100, "retrans percent"); break;
		case 'O': opt.pctreorder = (int)num(optarg, 0, 100, "reorder percent"); break;
		case 'S': opt.seed = num(optarg, 0, ~0ul, "seed"); break;
		case 'D': opt.mirror = true; break;
		case 'C': opt.copy = (int)num(optarg, 1, 2, "copy"); break;
		case 'T': opt.pcttso = (int)num(optarg, 0, 100, "TSO percent"); break;
		case 'J':
			if (strcmp(optarg, "hbh") && strcmp(optarg, "zero")) {
				fprintf(stderr, "synthcap: --tso6 takes hbh or zero\n");
				exit(64);
			}
			opt.tso6zero = !strcmp(optarg, "zero");
			break;
		case 't': opt.tunnel = tunnel_named(optarg); break;
		case 'B': opt.pctboth = (int)num(optarg, 0, 100, "both-ends percent"); break;
		case 'Z': opt.frozen = true; break;
		case 'F': opt.finwait = num(optarg, 1, 1000000, "fin-wait segments"); break;
		case 'W': opt.oneway = true; break;
		case 'X': opt.stall = true; break;
		case 'I': opt.idleclose = num(optarg, 1, 3600, "idle-close seconds"); break;
		case 'l':
			linkvariant = 0;
			if (!strcmp(optarg, "en10mb") || !strcmp(optarg, "ether"))
				opt.link = DLT_EN10MB;
			else if (!strcmp(optarg, "vlan"))
				opt.link = DLT_EN10MB, linkvariant = 1;
			else if (!strcmp(optarg, "qinq"))
				opt.link = DLT_EN10MB, linkvariant = 2;
			else if (!strcmp(optarg, "sll"))
				opt.link = DLT_LINUX_SLL;
			else if (!strcmp(optarg, "sll2"))
				opt.link = DLT_LINUX_SLL2;
			else if (!strcmp(optarg, "raw"))
				opt.link = DLT_RAW;
			else if (!strcmp(optarg, "null"))
				opt.link = DLT_NULL;
			else if ((opt.link = link_named(optarg)) < 0) {
				fprintf(stderr, "synthcap: unknown link type '%s'\n", optarg);
				exit(64);
			}
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(64);
		}
	}
	if (optind < argc || !opt.out) {
		usage(stderr);
		exit(64);
	}
	if (opt.tunnel != TUN_NONE && (opt.link != DLT_EN10MB || linkvariant)) {
		fprintf(stderr, "synthcap: tunnels (-t) are written on plain Ethernet only\n");
		exit(64);
	}
}

int main(int argc, char **argv)
{
	pcap_t *pd;
	pcap_dumper_t *d;
	unsigned long started = 0, planned = 0, written = 0, maxopen = 0;
	uint64_t now = 0, next_start = 1700000000ull * 1000000; /* a fixed epoch */

	parse(argc, argv);
	rng_state = opt.seed * 0x2545f4914f6cdd1dull + 1;

	pd = pcap_open_dead(opt.link, opt.snaplen);
	if (!pd) {
		fprintf(stderr, "synthcap: pcap_open_dead failed\n");
		return 1;
	}
	d = pcap_dump_open(pd, opt.out);
	if (!d) {
		fprintf(stderr, "synthcap: %s\n", pcap_geterr(pd));
		return 1;
	}
	heap = calloc(opt.maxopen, sizeof *heap);
	if (!heap) {
		perror("synthcap: calloc");
		return 1;
	}

	while (started < opt.nflows || nheap) {
		if (started < opt.nflows && nheap < opt.maxopen &&
		    (!nheap || next_start <= heap_time())) {
			/* Spread the packets still owed over the flows still to
			 * come, so the total reaches -n. */
			unsigned long left = opt.npkts > planned ? opt.npkts - planned : 0;
			unsigned long budget = (left + (opt.nflows - started) - 1) / (opt.nflows - started);
			uint64_t t0 = next_start > now ? next_start : now + 1;
			struct flow *f = plan_flow((uint32_t)started + 1, t0, budget);

			planned += f->np;
			started++;
			heap_push(f);
			if (nheap > maxopen)
				maxopen = nheap;
			next_start = t0 + rnd(1, 400);
			continue;
		}
		{
			struct flow *f = heap_pop();

			now = f->t0 + f->p[f->next].t;
			if (!opt.oneway || f->p[f->next].dir == C2S) {
				write_pkt(d, f, &f->p[f->next]);
				written++;
			}
			if (++f->next < f->np) {
				heap_push(f);
			} else {
				free(f->p);
				free(f);
			}
		}
	}
	if (pcap_dump_flush(d) < 0 || ferror(pcap_dump_file(d))) {
		fprintf(stderr, "synthcap: write error on %s\n", opt.out);
		return 1;
	}
	pcap_dump_close(d);
	pcap_close(pd);
	free(heap);
	fprintf(stderr, "synthcap: %lu packets, %lu flows (at most %lu open at once) written to %s\n",
		written, started, maxopen, opt.out);
	return 0;
}
