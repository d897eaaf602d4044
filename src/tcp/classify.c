/* classify.c - the kernel's acceptance rules for what a peer sends (see
 * classify.h).  The order of the checks is tcp_rcv_established's slow path
 * (net/ipv4/tcp_input.c): tcp_validate_incoming (PAWS, the sequence check,
 * RST, SYN), then tcp_ack, then the data. */
#include "tcp/classify.h"

#include <string.h>
#include <sys/socket.h>

#include "tcp/seq.h"

/* TCP_PAWS_WINDOW (include/net/tcp.h): a TSval one tick behind TS.Recent
 * still passes. */
#define PAWS_WINDOW 1

/* tcp_paws_discard: timestamps negotiated, the segment carries a TSval
 * older than TS.Recent (RFC 7323 5.3).  RSTs are exempt: "Reset is
 * accepted even if it did not pass PAWS" (tcp_validate_incoming). */
static bool paws_reject(const struct cl_conn *c, const struct segment *s)
{
	return c->ts && s->opt.has_ts && !(s->flags & TCPF_RST) &&
	       (int32_t)(c->ts_recent - s->opt.tsval) > PAWS_WINDOW;
}

/* tcp_sequence, RFC 9293 3.10.7.4: acceptable when the segment ends at or
 * after RCV.WUP (the RCV.NXT last advertised: our last ack) and starts no
 * later than RCV.NXT + RCV.WND.  Its end counts a SYN or FIN, as the
 * kernel's end_seq does.  A zero-length answer at RCV.NXT passes; an ACK
 * from a blind forger with a random seq almost never does. */
static bool seq_acceptable(const struct cl_conn *c, const struct segment *s)
{
	const struct flow_dir *us = &c->flow->d[0], *peer = &c->flow->d[1];
	uint32_t rcv_wup = us->ack;
	uint32_t end = s->seq + s->len + !!(s->flags & (TCPF_SYN | TCPF_FIN));

	return !seq_lt(end, rcv_wup) && !seq_gt(s->seq, peer->snd + c->rcv_wnd);
}

/* tcp_ack with RFC 5961 5.2: an ack beyond SND.NXT acks data never sent,
 * and one older than SND.UNA - MAX.SND.WND is a blind guess; both are
 * dropped.  SND.UNA is the peer's last ack. */
static bool ack_acceptable(const struct cl_conn *c, const struct segment *s)
{
	const struct flow_dir *us = &c->flow->d[0], *peer = &c->flow->d[1];
	uint32_t snd_una = peer->ack;

	return !seq_gt(s->ack, us->snd) && !seq_lt(s->ack, snd_una - c->max_snd_wnd);
}

enum cl_kind classify_segment(const struct cl_conn *c, const struct segment *s)
{
	const struct flow_dir *us = &c->flow->d[0], *peer = &c->flow->d[1];

	if (paws_reject(c, s))
		return CL_IGN_PAWS;
	if (!seq_acceptable(c, s))
		return s->flags & TCPF_RST ? CL_IGN_RST : CL_IGN_SEQ;
	/* RFC 5961 3.2: an RST resets only at exactly RCV.NXT; one elsewhere
	 * in the window draws a challenge ACK and is otherwise ignored. */
	if (s->flags & TCPF_RST)
		return s->seq == peer->snd ? CL_RESET : CL_RST_UNTRUSTED;
	/* RFC 5961 4.2: a SYN on a synchronized connection draws a challenge
	 * ACK.  From the peer it is its SYN-ACK again: it did not get (or did
	 * not take) the handshake's last ACK. */
	if (s->flags & TCPF_SYN)
		return CL_SYN_AGAIN;
	/* tcp_rcv_established: "if (!th->ack && !th->rst && !th->syn) goto
	 * discard". */
	if (!(s->flags & TCPF_ACK))
		return CL_IGN_NO_ACK;
	if (!ack_acceptable(c, s))
		return CL_IGN_ACK;
	if (((s->flags & TCPF_FIN) && !(peer->flags & FD_FIN)) ||
	    (s->len > 0 && seq_gt(s->seq + s->len, peer->snd)))
		return CL_DATA;
	/* tcp_ack zeroes icsk_probes_out for an ack from SND.UNA to SND.NXT;
	 * with nothing outstanding (kaprobe never writes) that is SND.NXT. */
	return s->ack == us->snd ? CL_ANSWER : CL_ACCEPTED;
}

/* ---- ICMP ------------------------------------------------------------------ */

/* Messages that are not errors for an established connection: source
 * quench (RFC 6633 deprecates it; tcp_v4_err ignores it), and
 * fragmentation needed / packet too big, which only lower the path MTU
 * (tcp_v4_err, tcp_v6_err). */
static bool icmp_not_error(int family, uint8_t type, uint8_t code)
{
	if (family == AF_INET6)
		return type == 2;
	return type == 4 || (type == 3 && code == 4);
}

/* Hard errors would abort a connection attempt (RFC 1122 4.2.3.9; the
 * `fatal` column of Linux's icmp_err_convert and icmpv6_err_convert):
 * protocol or port unreachable, administratively prohibited, parameter
 * problem.  Network and host unreachable and time exceeded are soft.  An
 * established connection outlives both (RFC 5461), and so does the
 * verdict: it only says why a round died. */
static bool icmp_hard(int family, uint8_t type, uint8_t code)
{
	if (family == AF_INET6) {
		if (type == 1)
			return code == 1 || code == 4 || code == 5 || code == 6;
		return type == 4;
	}
	if (type == 3)
		return code == 2 || code == 3 || (code >= 6 && code <= 10) || code >= 13;
	return type == 12;
}

/* RFC 5927 4.1 and tcp_v4_err: a quote counts only if its seq is one kaprobe
 * really has in flight.  The kernel's rule is SND.UNA <= seq <= SND.NXT;
 * a probe's seq (SND.NXT - 1) is below that, so the quote must match a probe
 * sent, its ack too when the quote reaches it (0: not quoted). */
static bool quote_matches(const struct cl_conn *c, const struct segment *s)
{
	const struct flow_dir *us = &c->flow->d[0], *peer = &c->flow->d[1];

	for (unsigned i = 0; i < c->nsent; i++)
		if (s->seq == c->sent[i].seq && (s->ack == 0 || s->ack == c->sent[i].ack))
			return true;
	return seq_leq(peer->ack, s->seq) && seq_leq(s->seq, us->snd) &&
	       (s->ack == 0 || s->ack == peer->snd);
}

enum cl_kind classify_icmp(const struct cl_conn *c, const struct segment *s, bool *hard)
{
	*hard = false;
	if (!quote_matches(c, s))
		return CL_IGN_ICMP_UNMATCHED;
	if (icmp_not_error(s->family, s->icmp_type, s->icmp_code))
		return CL_IGN_ICMP_NOT_ERROR;
	*hard = icmp_hard(s->family, s->icmp_type, s->icmp_code);
	return CL_ICMP_ERROR;
}

bool classify_by_peer(uint8_t synack_ttl, bool ts, const uint8_t raddr[16],
		      const struct segment *s, int *hops)
{
	unsigned initial = s->ttl <= 64 ? 64 : s->ttl <= 128 ? 128 : 255;
	bool ts_missing = s->kind == SEG_TCP && !(s->flags & TCPF_RST) && ts && !s->opt.has_ts;

	*hops = (int)(initial - s->ttl);
	return s->kind == SEG_TCP && s->ttl == synack_ttl && !ts_missing &&
	       memcmp(s->src, raddr, 16) == 0;
}

enum cl_kind classify_gate(enum gate_drop d)
{
	switch (d) {
	case GATE_CSUM: return CL_DROP_CSUM;
	case GATE_LEN: return CL_DROP_LEN;
	case GATE_FRAG: return CL_DROP_FRAG;
	default: return CL_DROP_OTHERHOST;
	}
}

const char *classify_reason(enum cl_kind k)
{
	switch (k) {
	case CL_RST_UNTRUSTED: return "untrusted-rst";
	case CL_SYN_AGAIN: return "syn-after-handshake";
	case CL_IGN_SEQ: return "bad-seq";
	case CL_IGN_ACK: return "bad-ack";
	case CL_IGN_PAWS: return "paws";
	case CL_IGN_NO_ACK: return "no-ack";
	case CL_IGN_RST: return "rst-outside-window";
	case CL_IGN_ICMP_UNMATCHED: return "icmp-unmatched";
	case CL_IGN_ICMP_NOT_ERROR: return "icmp-not-error";
	case CL_DROP_CSUM: return "bad-checksum";
	case CL_DROP_LEN: return "bad-length";
	case CL_DROP_FRAG: return "fragment";
	case CL_DROP_OTHERHOST: return "other-host";
	default: return NULL;
	}
}

const char *classify_why(enum cl_kind k)
{
	switch (k) {
	case CL_RST_UNTRUSTED:
		return "RST in the window but not at RCV.NXT: a challenge ACK, not a reset (RFC 5961 3.2)";
	case CL_SYN_AGAIN:
		return "SYN after the handshake: the peer did not take its last ACK (RFC 5961 4.2)";
	case CL_IGN_SEQ:
		return "seq outside the receive window: dropped as tcp_sequence drops it (RFC 9293 3.10.7.4)";
	case CL_IGN_ACK:
		return "ack of data never sent, or too old: dropped (RFC 5961 5.2, tcp_ack)";
	case CL_IGN_PAWS:
		return "TSval older than TS.Recent: dropped by PAWS (RFC 7323 5.3)";
	case CL_IGN_NO_ACK:
		return "no ACK flag: dropped (RFC 9293 3.10.7.4)";
	case CL_IGN_RST:
		return "RST outside the receive window: dropped (RFC 5961 3.2)";
	case CL_IGN_ICMP_UNMATCHED:
		return "ICMP error quoting nothing kaprobe sent: ignored (RFC 5927 4.1)";
	case CL_IGN_ICMP_NOT_ERROR:
		return "source quench or packet too big: not an error (RFC 6633, RFC 1191, RFC 8201)";
	case CL_DROP_CSUM:
		return "bad IP header, TCP or ICMP checksum: dropped by the kernel (ip_rcv_core, "
		       "tcp_v4_rcv/tcp_v6_rcv, icmp_rcv)";
	case CL_DROP_LEN:
		return "IP length 0 or longer than the frame: dropped by the kernel (ip_rcv_core, "
		       "ip6_rcv_core)";
	case CL_DROP_FRAG:
		return "a fragment: the kernel acts on it once reassembled (ip_local_deliver, "
		       "ipv6_frag_rcv)";
	case CL_DROP_OTHERHOST:
		return "not addressed to this host's link address: dropped by the kernel "
		       "(ip_rcv_core: PACKET_OTHERHOST; tcp_v4_rcv takes PACKET_HOST only)";
	default:
		return "";
	}
}
