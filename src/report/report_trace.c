/* report_trace.c - the trace's report: the verdict, the path as a vertical
 * list of hops (who answered, how fast, what the quote shows changed, and
 * where each kind of probe ends), the fates as a table, and with
 * --timeouts each hop's idle timeout (trace_chart.c) with its values.
 *
 * The model is what the trace's events said, copied: the events' strings
 * and structs belong to the trace and are gone by the time the page is
 * drawn.  The elements a test reads carry data attributes with the JSON
 * events' values: data-kind="hop" (data-ttl, data-reply, data-changed),
 * "fate" (data-variant, data-reply, data-last-hop), "hop-timeout"
 * (data-hop, data-alive, data-dead: seconds with 3 decimals, empty for
 * none) and "summary" (data-result). */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tcp/quote.h"
#include "report/reportpriv.h"
#include "net/target.h"
#include "report/trace_chart.h"

static void *model_new(const struct report_meta *m)
{
	struct trace_model *t = calloc(1, sizeof *t);

	if (t)
		t->max_idle = m->max_idle;
	return t;
}

static struct trace_model *model(struct report *r)
{
	return report_model(r, REPORT_TRACE);
}

/* ---- the events --------------------------------------------------------------------- */

static void on_start(struct report *r, const struct event *ev)
{
	const struct ev_start *s = &ev->u.start;
	struct trace_model *t = model(r);

	if (!t)
		return;
	t->started = true;
	snprintf(t->dst, sizeof t->dst, "%s", s->dst);
	snprintf(t->src, sizeof t->src, "%s", s->src);
	snprintf(t->iface, sizeof t->iface, "%s", s->iface);
	snprintf(t->tracer, sizeof t->tracer, "%s", s->variant);
	t->max_hops = s->max_hops;
}

static void on_hop(struct report *r, const struct event *ev)
{
	struct trace_model *t = model(r);

	if (!t || t->nhops == TM_MAX_HOPS)
		return;
	t->hop[t->nhops++] = (struct tm_hop){ .ttl = ev->u.hop.ttl, .a = *ev->u.hop.a,
					      .tries = ev->u.hop.tries };
}

static void on_fate(struct report *r, const struct event *ev)
{
	const struct ev_fate *e = &ev->u.fate;
	struct trace_model *t = model(r);
	struct tm_fate *f;

	if (!t || t->nfates == TM_MAX_FATES)
		return;
	f = &t->fate[t->nfates++];
	*f = (struct tm_fate){ .a = *e->a, .last_hop = e->last_hop };
	snprintf(f->variant, sizeof f->variant, "%s", e->variant);
	if (e->last_hop > 0)
		memcpy(f->last_from, e->last_from, sizeof f->last_from);
}

static void on_hop_timeout(struct report *r, const struct event *ev)
{
	struct trace_model *t = model(r);

	if (!t || t->ntmo == TM_MAX_HOPS)
		return;
	t->tmo[t->ntmo++] = *ev->u.hop_timeout.r;
}

static void on_summary(struct report *r, const struct event *ev)
{
	const struct ev_trace_summary *s = &ev->u.trace;
	struct trace_model *t = model(r);

	if (!t)
		return;
	t->has_summary = true;
	t->ok = s->ok;
	t->forgets = s->forgets;
	t->interrupted = s->interrupted;
	t->ignored = s->ignored;
}

static report_on *const on[EV_COUNT] = {
	[EV_TRACE_START] = on_start, [EV_HOP] = on_hop, [EV_FATE] = on_fate,
	[EV_HOP_TIMEOUT] = on_hop_timeout, [EV_TRACE_SUMMARY] = on_summary,
};

/* ---- words ---------------------------------------------------------------------------- */

/* The errors a probe meets on the way, in words (RFC 792, RFC 4443). */
static const char *icmp_name(int family, int type)
{
	if (family == AF_INET6)
		return type == 3 ? "time exceeded" : type == 1 ? "destination unreachable"
		       : type == 2 ? "packet too big" : "parameter problem";
	return type == 11 ? "time exceeded" : type == 3 ? "destination unreachable"
	       : type == 12 ? "parameter problem" : "source quench";
}

static void addr(struct page *p, int family, const uint8_t *a)
{
	char buf[64];

	addr_format(family, a, buf, sizeof buf);
	page_raw(p, "<code>");
	page_text(p, buf);
	page_raw(p, "</code>");
}

/* "ack from the peer", "rst from a middlebox", "ICMP time exceeded (11/0)". */
static void answer_words(struct page *p, const struct probe_reply *a)
{
	if (a->kind == REPLY_ICMP) {
		page_raw(p, "ICMP ");
		page_text(p, icmp_name(a->family, a->type));
		page_printf(p, " (%d/%d)", a->type, a->code);
	} else {
		page_printf(p, "<b class=\"%s\">%s</b> from %s", a->by_peer ? "ok" : "bad",
			    reply_name(a->kind), a->by_peer ? "the peer" : "a middlebox");
	}
}

static const struct tr_timeout *timeout_of(const struct trace_model *t, int hop)
{
	for (unsigned i = 0; i < t->ntmo; i++)
		if (t->tmo[i].hop == hop)
			return &t->tmo[i];
	return NULL;
}

/* The TTL a fate is placed at on the path: its answerer's (hops away + 1),
 * the last hop that quoted a lost one, 0 (before hop 1) for one lost that
 * no hop quoted. */
static int fate_ttl(const struct tm_fate *f)
{
	return f->a.kind != REPLY_NONE ? f->a.hops + 1 : f->last_hop > 0 ? f->last_hop : 0;
}

static bool hop_listed(const struct trace_model *t, int ttl)
{
	for (unsigned i = 0; i < t->nhops; i++)
		if (t->hop[i].ttl == ttl)
			return true;
	return false;
}

/* ---- the page ------------------------------------------------------------------------ */

/* "The standard keep-alive probes reach the peer; a hop forgets idle flows
 * within --max-idle 10s." */
static void summary_line(struct page *p, const struct trace_model *t)
{
	page_printf(p, "<p class=\"verdict %s\">The standard keep-alive probes %s the peer",
		    t->ok && t->forgets <= 0 ? "ok" : "bad", t->ok ? "reach" : "do not reach");
	if (t->forgets >= 0) {
		page_printf(p, "; %s hop forgets idle flows within --max-idle ",
			    t->forgets > 0 ? "a" : "no");
		page_duration(p, t->max_idle);
	}
	page_raw(p, ".</p>\n");
}

static void verdict(struct page *p, const struct trace_model *t)
{
	const char *result = t->interrupted ? "interrupted"
			     : t->ok && t->forgets <= 0 ? "ok" : "fail";

	page_printf(p, "<section id=\"verdict\" data-kind=\"summary\" data-result=\"%s\">\n",
		    t->has_summary ? result : "");
	if (!t->has_summary)
		page_raw(p, "<p class=\"verdict bad\">The trace ended before its findings "
			 "(see the exit status above and kaprobe's messages).</p>\n");
	else if (t->interrupted)
		page_raw(p, "<p class=\"verdict warn\">Interrupted before the trace was done: "
			 "what is below is what was found until then.</p>\n");
	else
		summary_line(p, t);
	if (t->started) {
		page_raw(p, "<p>From <code>");
		page_text(p, t->src);
		page_raw(p, "</code> via <code>");
		page_text(p, t->iface);
		page_raw(p, "</code> to <code>");
		page_text(p, t->dst);
		page_raw(p, "</code>; the hops traced with <code>");
		page_text(p, t->tracer);
		page_printf(p, "</code> probes, %u at most.</p>\n", t->max_hops);
	}
	page_raw(p, "</section>\n");
}

/* A fate as a chip on the path, at the hop where it ends. */
static void fate_chip(struct page *p, const struct tm_fate *f)
{
	bool good = f->a.kind == REPLY_ACK && f->a.by_peer;

	page_printf(p, "<span class=\"chip %s\"><code>", good ? "reach" : "end");
	page_text(p, f->variant);
	page_raw(p, "</code> ");
	if (f->a.kind == REPLY_NONE && f->last_hop > 0)
		page_raw(p, "&#x2715; dropped after this hop, the last to quote it");
	else if (f->a.kind == REPLY_NONE)
		page_raw(p, "&#x2715; lost: no hop quoted it");
	else if (good)
		page_raw(p, "&#x2713; reaches the peer");
	else
		answer_words(p, &f->a);
	page_raw(p, "</span>\n");
}

static void fate_chips(struct page *p, const struct trace_model *t, int ttl)
{
	bool any = false;

	for (unsigned i = 0; i < t->nfates; i++)
		if (fate_ttl(&t->fate[i]) == ttl) {
			if (!any)
				page_raw(p, "<div class=\"fates\">");
			any = true;
			fate_chip(p, &t->fate[i]);
		}
	if (any)
		page_raw(p, "</div>\n");
}

/* What the boxes on the way changed in the probe the hop quoted. */
static void quote_line(struct page *p, const struct probe_reply *a)
{
	const char *sep = "";

	page_printf(p, "<div class=\"quote\">quoted %zu bytes; ", a->quoted);
	if (!a->compared) {
		page_raw(p, "<span class=\"muted\">cut short: not compared</span></div>\n");
		return;
	}
	if (!a->changed) {
		page_raw(p, "<span class=\"ok\">nothing changed</span></div>\n");
		return;
	}
	page_raw(p, "changed:");
	for (int f = 0; f < QF_COUNT; f++)
		if (a->changed & (1u << f)) {
			page_raw(p, sep);
			page_raw(p, " <span class=\"chg\">");
			page_text(p, quote_field_name(f));
			page_raw(p, "</span>");
			sep = ",";
		}
	page_raw(p, "</div>\n");
}

/* data-changed: the changed fields, space-separated, when compared. */
static void changed_attr(struct page *p, const struct probe_reply *a)
{
	const char *sep = "";

	if (a->kind != REPLY_ICMP || !a->compared)
		return;
	page_raw(p, " data-changed=\"");
	for (int f = 0; f < QF_COUNT; f++)
		if (a->changed & (1u << f)) {
			page_raw(p, sep);
			page_text(p, quote_field_name(f));
			sep = " ";
		}
	page_raw(p, "\"");
}

static void hop_timeout_note(struct page *p, const struct tr_timeout *h)
{
	if (!h || h->masked || !h->measurements)
		return;
	page_raw(p, "<div class=\"tmo\"><a href=\"#timeouts\">idle timeout</a>: ");
	if (h->dead)
		page_printf(p, "<span class=\"bad\">forgets idle flows after %.3f to %.3f s</span>",
			    h->alive / 1e6, h->dead / 1e6);
	else
		page_printf(p, "kept idle flows %.3f s", h->alive / 1e6);
	page_raw(p, "</div>\n");
}

static void hop_item(struct page *p, const struct trace_model *t, const struct tm_hop *h)
{
	const struct probe_reply *a = &h->a;

	page_printf(p, "<li class=\"hop r-%s%s\" data-kind=\"hop\" data-ttl=\"%d\" "
		    "data-reply=\"%s\"", reply_name(a->kind), a->by_peer ? " peer" : "", h->ttl,
		    reply_name(a->kind));
	changed_attr(p, a);
	page_printf(p, "><span class=\"ttl\">%d</span>\n<div class=\"line\">", h->ttl);
	if (a->kind == REPLY_NONE) {
		page_printf(p, "<code>*</code> <span class=\"muted\">no answer to %u probes</span>"
			    "</div>\n", h->tries);
	} else {
		addr(p, a->family, a->from);
		page_printf(p, " <span class=\"rtt\">%.3f ms</span> ", a->rtt / 1e3);
		answer_words(p, a);
		if (h->tries > 1)
			page_printf(p, " <span class=\"muted\">(on probe %u)</span>", h->tries);
		page_raw(p, "</div>\n");
		if (a->kind == REPLY_ICMP)
			quote_line(p, a);
	}
	hop_timeout_note(p, timeout_of(t, h->ttl));
	fate_chips(p, t, h->ttl);
	page_raw(p, "</li>\n");
}

/* Fates placed beyond the hops listed (the hop phase stopped short of
 * where they end). */
static void fates_beyond(struct page *p, const struct trace_model *t)
{
	bool any = false;

	for (unsigned i = 0; i < t->nfates; i++) {
		int ttl = fate_ttl(&t->fate[i]);

		if (ttl == 0 || hop_listed(t, ttl))
			continue;
		if (!any)
			page_raw(p, "<li class=\"beyond\"><span class=\"ttl\">&#x2026;</span>\n"
				 "<div class=\"line muted\">beyond the hops traced</div>"
				 "<div class=\"fates\">");
		any = true;
		fate_chip(p, &t->fate[i]);
	}
	if (any)
		page_raw(p, "</div></li>\n");
}

static void path(struct page *p, const struct trace_model *t)
{
	if (!t->started)
		return;
	page_raw(p, "<section id=\"path\">\n<h2>The path</h2>\n<ol class=\"path\">\n"
		 "<li class=\"origin\"><span class=\"ttl\">&#x25CF;</span>\n<div class=\"line\">");
	page_raw(p, "<code>");
	page_text(p, t->src);
	page_raw(p, "</code> <span class=\"muted\">this host</span></div>\n");
	fate_chips(p, t, 0);
	page_raw(p, "</li>\n");
	for (unsigned i = 0; i < t->nhops; i++)
		hop_item(p, t, &t->hop[i]);
	fates_beyond(p, t);
	page_raw(p, "</ol>\n<p class=\"muted\">Each hop is what answered a probe whose TTL ran "
		 "out there: a router's ICMP time exceeded, quoting the probe as it arrived, or "
		 "the peer's (or a middlebox's) answer.  The chips say where each kind of probe "
		 "sent at full TTL ends.</p>\n</section>\n");
}

/* Where a kind of probe ends, in words. */
static void fate_end(struct page *p, const struct tm_fate *f)
{
	if (f->a.kind == REPLY_NONE && f->last_hop > 0) {
		page_printf(p, "<span class=\"bad\">dropped after hop %d</span> (", f->last_hop);
		addr(p, f->a.family, f->last_from);
		page_raw(p, "), the last to quote it");
	} else if (f->a.kind == REPLY_NONE) {
		page_raw(p, "<span class=\"bad\">lost</span>: no hop quoted it");
	} else if (f->a.kind == REPLY_ACK && f->a.by_peer) {
		page_raw(p, "<span class=\"ok\">reaches the peer</span>");
	} else {
		page_raw(p, "<span class=\"bad\">never reaches the peer</span>: ");
		answer_words(p, &f->a);
	}
}

static void fates(struct page *p, const struct trace_model *t)
{
	if (!t->nfates)
		return;
	page_raw(p, "<section id=\"fates\">\n<h2>Where each kind of probe goes</h2>\n"
		 "<table>\n<tr><th>probe</th><th>reply</th><th>from</th><th>hops away</th>"
		 "<th>where it ends</th></tr>\n");
	for (unsigned i = 0; i < t->nfates; i++) {
		const struct tm_fate *f = &t->fate[i];

		page_raw(p, "<tr data-kind=\"fate\" data-variant=\"");
		page_text(p, f->variant);
		page_printf(p, "\" data-reply=\"%s\" data-last-hop=\"", reply_name(f->a.kind));
		if (f->last_hop >= 0)
			page_printf(p, "%d", f->last_hop);
		page_raw(p, "\"><td><code>");
		page_text(p, f->variant);
		page_printf(p, "</code></td><td>%s</td><td>", reply_name(f->a.kind));
		if (f->a.kind == REPLY_NONE) {
			page_raw(p, "-</td><td></td>");
		} else {
			addr(p, f->a.family, f->a.from);
			page_printf(p, " %s</td><td class=\"num\">%d</td>",
				    f->a.by_peer ? "peer" : "<b>middlebox</b>", f->a.hops);
		}
		page_raw(p, "<td>");
		fate_end(p, f);
		page_raw(p, "</td></tr>\n");
	}
	page_raw(p, "</table>\n</section>\n");
}

/* A hop's finding in words, for its row of the timeout table. */
static void timeout_words(struct page *p, const struct tr_timeout *h, ka_time max_idle)
{
	const struct probe_reply *x = &h->expired;

	if (h->masked) {
		page_printf(p, "<span class=\"muted\">masked: hop %d never answers, so hop %d "
			    "cannot be seen</span>", h->hop + 1, h->hop);
	} else if (!h->measurements) {
		page_raw(p, "<span class=\"muted\">not measured: no connection could prove "
			 "itself</span>");
	} else if (!h->dead) {
		page_printf(p, "<span class=\"ok\">keeps idle flows at least <span class=\"alive\">"
			    "%.3f</span> s</span> (--max-idle ", h->alive / 1e6);
		page_duration(p, max_idle);
		page_raw(p, ")");
	} else {
		page_printf(p, "<span class=\"bad\">forgets idle flows after <span class=\"alive\">"
			    "%.3f</span> to <span class=\"dead\">%.3f</span> s</span>; then a probe "
			    "gets ", h->alive / 1e6, h->dead / 1e6);
		if (x->kind == REPLY_NONE) {
			page_raw(p, "no answer");
		} else {
			page_printf(p, "%s from the %s ", reply_name(x->kind),
				    x->by_peer ? "peer" : "middlebox");
			addr(p, h->family, x->from);
			page_printf(p, ", %d hop%s away", x->hops, x->hops == 1 ? "" : "s");
		}
	}
}

static void timeout_row(struct page *p, const struct tr_timeout *h, ka_time max_idle)
{
	page_printf(p, "<tr data-kind=\"hop-timeout\" data-hop=\"%d\" data-masked=\"%s\" "
		    "data-alive=\"", h->hop, h->masked ? "true" : "false");
	if (h->alive)
		page_printf(p, "%.3f", h->alive / 1e6);
	page_raw(p, "\" data-dead=\"");
	if (h->dead)
		page_printf(p, "%.3f", h->dead / 1e6);
	page_printf(p, "\"><td class=\"num\">%d</td><td>", h->hop);
	if (h->answers)
		addr(p, h->family, h->from);
	else
		page_raw(p, "<code>*</code>");
	page_raw(p, "</td><td>");
	timeout_words(p, h, max_idle);
	page_printf(p, "</td><td class=\"num\">%u</td><td class=\"num%s\">%u</td>"
		    "<td class=\"num\">%u</td></tr>\n", h->measurements,
		    h->disagree ? " bad" : "", h->disagree, h->discarded);
}

static void timeouts(struct page *p, const struct trace_model *t)
{
	bool inconsistent = false;

	if (!t->max_idle && !t->ntmo)
		return;   /* not asked */
	page_raw(p, "<section id=\"timeouts\">\n<h2>How long each hop keeps an idle flow</h2>\n");
	if (!t->ntmo) {
		page_raw(p, t->has_summary && !t->interrupted
			 ? "<p class=\"muted\">No hop between this host and the peer to measure.</p>\n"
			 : "<p class=\"warn\">No hop's timeout was measured before the trace "
			   "ended.</p>\n");
		page_raw(p, "</section>\n");
		return;
	}
	trace_chart(p, t);
	page_raw(p, "<table>\n<tr><th>hop</th><th>address</th><th>idle timeout</th>"
		 "<th>measurements</th><th>disagree</th><th>discarded</th></tr>\n");
	for (unsigned i = 0; i < t->ntmo; i++) {
		timeout_row(p, &t->tmo[i], t->max_idle);
		inconsistent |= t->tmo[i].disagree > 0;
	}
	page_raw(p, "</table>\n<p class=\"muted\">Each hop is measured on its own: the hops "
		 "before it are kept refreshed, it is left idle, then a probe that only the next "
		 "hop answers shows whether it still holds the flow.</p>\n");
	if (inconsistent)
		page_raw(p, "<p class=\"warn\">Some measurements disagree: a flow was forgotten "
			 "after an idle shorter than one that was kept.  The bracket is from the "
			 "others; loss on the way can look like a forgotten flow.</p>\n");
	page_raw(p, "</section>\n");
}

static void totals(struct page *p, const struct trace_model *t)
{
	if (!t->has_summary)
		return;
	page_printf(p, "<section id=\"totals\">\n<h2>The run</h2>\n<p>%u segments were seen "
		    "and not acted on (not at the connection's sequence, or from elsewhere).</p>\n"
		    "</section>\n", t->ignored);
}

/* The path's style, then the chart's. */
static const char style[] =
	".path{list-style:none;margin:.4em 0;padding:0}\n"
	".path>li{position:relative;margin-left:18px;padding:4px 0 14px 30px;"
	"border-left:2px solid var(--grid)}.path>li:last-child{border-left-color:transparent}\n"
	".path .ttl{position:absolute;left:-17px;top:2px;width:28px;height:28px;"
	"line-height:28px;border-radius:50%;text-align:center;font-weight:600;font-size:.9em;"
	"background:var(--card);border:2px solid var(--axis)}\n"
	".path .r-icmp .ttl{border-color:var(--muted)}.path .r-none .ttl{border-style:dashed}"
	".path .r-ack.peer .ttl{border-color:var(--ok);color:var(--ok)}"
	".path .r-rst .ttl,.path .r-ack:not(.peer) .ttl{border-color:var(--box);color:var(--box)}\n"
	".path .line{padding-top:4px}.path .rtt{font-variant-numeric:tabular-nums;"
	"color:var(--muted)}.path .quote,.path .tmo{color:var(--muted);font-size:.92em}\n"
	".path a{color:var(--info)}.chg{color:var(--warn);font-weight:600}\n"
	".fates{display:flex;flex-wrap:wrap;gap:4px 8px;margin-top:4px}"
	".chip{font-size:.88em;padding:1px 8px;border-radius:10px;border:1px solid var(--grid);"
	"background:var(--card)}.chip.reach{border-color:var(--ok)}"
	".chip.end{border-color:var(--bad)}\n" TRACE_CHART_STYLE;

static void render(struct page *p, const void *m, const struct report_meta *meta)
{
	const struct trace_model *t = m;

	(void)meta;
	verdict(p, t);
	path(p, t);
	fates(p, t);
	timeouts(p, t);
	totals(p, t);
}

static bool has_content(const void *model)
{
	return ((const struct trace_model *)model)->started;
}

const struct report_kind_ops report_trace_ops = { "trace", style, model_new, render,
						  has_content, free, on };
