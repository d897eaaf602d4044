/* quote.c - a probe's quote compared with the probe (see quote.h).  Every
 * read is checked against the quote's length: routers quote 28 bytes
 * (RFC 792) to 576 (RFC 1812) or 1280 (RFC 4443). */
#include "tcp/quote.h"

#include <netinet/in.h>
#include <string.h>

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_TS  8

const char *quote_field_name(enum quote_field f)
{
	static const char *const name[QF_COUNT] = {
		[QF_SRC] = "src", [QF_DST] = "dst", [QF_SPORT] = "sport", [QF_DPORT] = "dport",
		[QF_SEQ] = "seq", [QF_ACK] = "ack", [QF_FLAGS] = "flags", [QF_WINDOW] = "window",
		[QF_TS_REMOVED] = "timestamps-removed", [QF_TS_REWRITTEN] = "timestamps-rewritten",
		[QF_OPTIONS_ADDED] = "options-added", [QF_DSCP] = "dscp", [QF_ECN] = "ecn",
		[QF_DF] = "df", [QF_IP_ID] = "ip-id", [QF_FLOWLABEL] = "flowlabel",
		[QF_LENGTH] = "length",
	};

	return f < QF_COUNT ? name[f] : "?";
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

const uint8_t *quote_locate(const uint8_t *frame, uint32_t caplen, uint32_t wirelen,
			    const struct segment *s, size_t *len)
{
	size_t alen = seg_addrlen(s->family), off = s->family == AF_INET6 ? 8 : 12;
	const uint8_t *q;

	if (!frame || s->kind != SEG_ICMP_ERR || caplen != wirelen || s->qlen > caplen)
		return NULL;
	q = frame + caplen - s->qlen;
	if (s->qlen < off + 2 * alen || q[0] >> 4 != (s->family == AF_INET6 ? 6 : 4) ||
	    memcmp(q + off, s->qsrc, alen) != 0 || memcmp(q + off + alen, s->qdst, alen) != 0)
		return NULL;
	*len = s->qlen;
	return q;
}

#define CHANGED(f) (1u << (f))

/* Timestamps as sent (NOP,NOP,TSopt or none) against the quoted options
 * o[0..n); any other option kind is one a box added. */
static uint32_t compare_options(const struct probe_spec *sent, const uint8_t *o, size_t n)
{
	uint32_t ch = 0;
	bool ts = false;

	for (size_t i = 0; i < n;) {
		if (o[i] == TCPOPT_EOL)
			break;
		if (o[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			break;   /* malformed: the rest cannot be read */
		if (o[i] == TCPOPT_TS && o[i + 1] == 10) {
			ts = true;
			if (!sent->ts)
				ch |= CHANGED(QF_OPTIONS_ADDED);
			else if (be32(o + i + 2) != sent->tsval || be32(o + i + 6) != sent->tsecr)
				ch |= CHANGED(QF_TS_REWRITTEN);
		} else {
			ch |= CHANGED(QF_OPTIONS_ADDED);
		}
		i += o[i + 1];
	}
	if (sent->ts && !ts)
		ch |= CHANGED(QF_TS_REMOVED);
	return ch;
}

/* The TCP header from t on, avail bytes of it quoted. */
static uint32_t compare_tcp(const struct probe_spec *sent, const uint8_t *t, size_t avail)
{
	uint32_t ch = 0;
	size_t hlen;

	if (avail >= 2 && be16(t) != sent->sport)
		ch |= CHANGED(QF_SPORT);
	if (avail >= 4 && be16(t + 2) != sent->dport)
		ch |= CHANGED(QF_DPORT);
	if (avail >= 8 && be32(t + 4) != sent->seq)
		ch |= CHANGED(QF_SEQ);
	if (avail >= 12 && be32(t + 8) != sent->ack)
		ch |= CHANGED(QF_ACK);
	if (avail >= 14 && t[13] != sent->flags)
		ch |= CHANGED(QF_FLAGS);
	if (avail >= 16 && be16(t + 14) != sent->win)
		ch |= CHANGED(QF_WINDOW);
	if (avail < 13)
		return ch;
	hlen = (size_t)(t[12] >> 4) * 4;
	if (hlen >= 20 && avail >= hlen)
		ch |= compare_options(sent, t + 20, hlen - 20);
	return ch;
}

static size_t sent_tcp_len(const struct probe_spec *sent)
{
	return 20 + (sent->ts ? 12 : 0) + sent->paylen;
}

uint32_t quote_compare(const struct probe_spec *sent, const uint8_t *q, size_t len)
{
	uint32_t ch = 0;
	size_t alen = seg_addrlen(sent->family), hl;
	uint8_t tos;

	if (sent->family == AF_INET6) {
		if (len < 40 || q[0] >> 4 != 6)
			return 0;
		tos = (uint8_t)((q[0] & 0x0f) << 4 | q[1] >> 4);
		if (((uint32_t)(q[1] & 0x0f) << 16 | be16(q + 2)) != (sent->flowlabel & 0xfffff))
			ch |= CHANGED(QF_FLOWLABEL);
		if (be16(q + 4) != sent_tcp_len(sent))
			ch |= CHANGED(QF_LENGTH);
		if (memcmp(q + 8, sent->src, alen) != 0)
			ch |= CHANGED(QF_SRC);
		if (memcmp(q + 24, sent->dst, alen) != 0)
			ch |= CHANGED(QF_DST);
		hl = 40;
		if (q[6] != IPPROTO_TCP)
			return ch;   /* an extension header a box added: TCP not found */
	} else {
		if (len < 20 || q[0] >> 4 != 4 || (hl = (size_t)(q[0] & 0x0f) * 4) < 20 || len < hl)
			return 0;
		tos = q[1];
		if (be16(q + 2) != 20 + sent_tcp_len(sent))
			ch |= CHANGED(QF_LENGTH);
		if (be16(q + 4) != sent->ip_id)
			ch |= CHANGED(QF_IP_ID);
		if (((q[6] & 0x40) != 0) != sent->df)
			ch |= CHANGED(QF_DF);
		if (memcmp(q + 12, sent->src, alen) != 0)
			ch |= CHANGED(QF_SRC);
		if (memcmp(q + 16, sent->dst, alen) != 0)
			ch |= CHANGED(QF_DST);
	}
	/* kaprobe sends traffic class 0, as the kernel's socket does. */
	if (tos >> 2)
		ch |= CHANGED(QF_DSCP);
	if (tos & 3)
		ch |= CHANGED(QF_ECN);
	return ch | compare_tcp(sent, q + hl, len - hl);
}
