/* report_audit.c - the audit's report: what the path does to each kind of
 * probe, the idle-timeout search as a chart (audit_chart.c), the refresh
 * test, and the advice with lines to copy.
 *
 * The model is what the audit's events said, copied: the events' strings
 * and structs belong to the audit and are gone by the time the page is
 * drawn. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "emit/finding.h"
#include "report/audit_chart.h"
#include "report/reportpriv.h"
#include "net/target.h"

static void *model_new(const struct report_meta *m)
{
	struct audit_model *a = calloc(1, sizeof *a);

	if (a)
		a->max_idle = m->max_idle;
	return a;
}

static struct audit_model *model(struct report *r)
{
	return report_model(r, REPORT_AUDIT);
}

/* ---- the events --------------------------------------------------------------------- */

static void on_start(struct report *r, const struct event *ev)
{
	struct audit_model *a = model(r);

	if (!a)
		return;
	snprintf(a->dst, sizeof a->dst, "%s", ev->u.start.dst);
	snprintf(a->src, sizeof a->src, "%s", ev->u.start.src);
	snprintf(a->iface, sizeof a->iface, "%s", ev->u.start.iface);
}

static void on_variant(struct report *r, const struct event *ev)
{
	const struct ev_variant *v = &ev->u.variant;
	struct audit_model *a = model(r);

	if (!a || a->nvariants == AM_MAX_VARIANTS)
		return;
	a->family = v->family;
	a->variant[a->nvariants++] = (struct am_variant){ .r = *v->r, .tries = v->tries };
	snprintf(a->variant[a->nvariants - 1].name, sizeof a->variant[0].name, "%s", v->name);
}

static void on_measure(struct report *r, const struct event *ev)
{
	const struct ev_measure *m = &ev->u.measure;
	struct audit_model *a = model(r);

	if (!a || a->nmeas == AM_MAX_MEAS)
		return;
	a->family = m->family;
	a->meas[a->nmeas++] = (struct am_measure){ .idle_s = m->idle_s, .r = *m->r,
						   .round = m->round, .remeasure = m->remeasure };
}

static void on_idle(struct report *r, const struct event *ev)
{
	const struct ev_idle *i = &ev->u.idle;
	struct audit_model *a = model(r);

	if (!a)
		return;
	if (i->from && strcmp(i->from, "server") == 0) {
		a->has_leg = true;
		a->leg_alive_s = i->inconsistent ? -1 : i->alive_s;
		a->leg_dead_s = i->inconsistent ? -1 : i->dead_s;
		return;
	}
	a->has_idle = true;
	a->idle = *i;
	a->idle.probe = NULL;
	a->idle.expired = NULL;
	a->has_expired = i->expired != NULL;
	if (i->expired)
		a->expired = *i->expired;
	snprintf(a->probe, sizeof a->probe, "%s", i->probe);
}

static void on_refresh(struct report *r, const struct event *ev)
{
	const struct ev_refresh *f = &ev->u.refresh;
	struct audit_model *a = model(r);

	if (!a || a->nrefresh == AM_MAX_REFRESH)
		return;
	struct am_refresh *x = &a->refresh[a->nrefresh++];

	*x = (struct am_refresh){ .heartbeat = strcmp(f->with, "heartbeat") == 0,
				  .survived = f->survived, .intvl_s = f->intvl_s,
				  .for_s = f->duration_s };
	snprintf(x->from, sizeof x->from, "%s", f->from);
	snprintf(x->skipped, sizeof x->skipped, "%s", f->skipped ? f->skipped : "");
	a->by_side |= strcmp(f->from, "client") != 0;
}

static void on_arrival(struct report *r, const struct event *ev)
{
	const struct ev_arrival *v = &ev->u.arrival;
	struct audit_model *a = model(r);
	struct am_arrival *x;
	size_t n = 0;

	if (!a || !v->kind || a->narrivals == AM_MAX_VARIANTS)
		return;
	x = &a->arrival[a->narrivals++];
	*x = (struct am_arrival){ .arrived = v->arrived };
	snprintf(x->name, sizeof x->name, "%s", v->kind);
	snprintf(x->answered_by, sizeof x->answered_by, "%s", v->answered_by ? v->answered_by : "");
	for (unsigned i = 0; i < v->nchanged && n < sizeof x->changed; i++)
		n += (size_t)snprintf(x->changed + n, sizeof x->changed - n, "%s%s", i ? ", " : "",
				      v->changed[i]);
}

static void on_advice(struct report *r, const struct event *ev)
{
	const struct ev_advice *v = &ev->u.advice;
	struct audit_model *a = model(r);

	if (!a)
		return;
	if (v->leg_dead_s > 0 && v->side && strcmp(v->side, "server") == 0) {
		a->has_leg_advice = true;
		a->leg_advice[0] = v->time_s;
		a->leg_advice[1] = v->intvl_s;
		a->leg_advice[2] = v->probes;
		return;
	}
	a->has_advice = true;
	a->advice[0] = v->time_s;
	a->advice[1] = v->intvl_s;
	a->advice[2] = v->probes;
	a->heartbeat_s = v->heartbeat_s;
	a->close_s = v->close_s;
	a->sw = v->sw;
	snprintf(a->advice_note, sizeof a->advice_note, "%s", v->note ? v->note : "");
	snprintf(a->side, sizeof a->side, "%s", v->side ? v->side : "");
}

static void on_summary(struct report *r, const struct event *ev)
{
	struct audit_model *a = model(r);

	if (!a)
		return;
	a->has_summary = true;
	a->total = ev->u.audit;
}

static report_on *const on[EV_COUNT] = {
	[EV_AUDIT_START] = on_start, [EV_VARIANT] = on_variant, [EV_MEASURE] = on_measure,
	[EV_IDLE] = on_idle, [EV_REFRESH] = on_refresh, [EV_ADVICE] = on_advice,
	[EV_AUDIT_SUMMARY] = on_summary, [EV_ARRIVAL] = on_arrival,
};

/* ---- the page ------------------------------------------------------------------------ */

/* "peer 10.0.0.5, 2 hops away (ttl 62)", or "-" when nothing came. */
static void who(struct page *p, const struct probe_reply *r, int family)
{
	char from[64];

	if (r->kind == REPLY_NONE || r->kind == REPLY_PENDING) {
		page_raw(p, "<td>-</td><td></td><td></td><td></td>");
		return;
	}
	addr_format(family, r->from, from, sizeof from);
	page_printf(p, "<td>%s</td><td><code>", r->by_peer ? "peer" : "<b>middlebox</b>");
	page_text(p, from);
	page_printf(p, "</code></td><td class=\"num\">%d</td><td class=\"num\">%d</td>", r->hops,
		    r->ttl);
}

static void seconds_or_none(struct page *p, double s)
{
	if (s < 0)
		page_raw(p, "none");
	else
		page_duration(p, llround(s * 1e3) * 1000);   /* ms, as the JSON */
}

static void verdict(struct page *p, const struct audit_model *a)
{
	page_raw(p, "<section id=\"verdict\">\n");
	if (!a->has_summary)
		page_raw(p, "<p class=\"verdict bad\">The audit ended before its findings "
			 "(see the exit status above and kaprobe's messages).</p>\n");
	else if (a->total.interrupted)
		page_raw(p, "<p class=\"verdict warn\">Interrupted before the audit was done: "
			 "what is below is what was found until then.</p>\n");
	else if (a->total.ok)
		page_raw(p, "<p class=\"verdict ok\">Keep-alive works on this path: the standard "
			 "probes are answered by the peer, and idle flows are kept or refreshed.</p>\n");
	else
		page_raw(p, "<p class=\"verdict bad\">Keep-alive needs care on this path: see the "
			 "findings marked below.</p>\n");
	if (a->has_idle && !a->idle.inconsistent) {
		page_raw(p, "<p class=\"headline\">");
		if (a->idle.close_s >= 0) {
			page_raw(p, "The peer (or a proxy in front of it) <b>closes</b> connections "
				 "idle for <b>");
			seconds_or_none(p, a->idle.close_s);
			page_raw(p, "</b>: its own idle timeout, which keep-alive probes cannot "
				 "reset; only data sent more often can.");
		} else if (a->idle.dead_s > 0 && a->idle.alive_s > 0) {
			page_raw(p, "The path drops a flow idle for longer than <b>");
			seconds_or_none(p, a->idle.alive_s);
			page_raw(p, "</b> (and shorter than <b>");
			seconds_or_none(p, a->idle.dead_s);
			page_raw(p, "</b>).");
		} else if (a->idle.dead_s > 0) {
			page_raw(p, "No idle flow was answered at all, even after <b>");
			seconds_or_none(p, a->idle.dead_s);
			page_raw(p, "</b>.");
		} else {
			page_raw(p, "No flow idle up to <b>");
			page_duration(p, a->max_idle);
			page_raw(p, "</b> (--max-idle) was dropped.");
		}
		page_raw(p, "</p>\n");
	}
	if (a->dst[0]) {
		page_raw(p, "<p>From <code>");
		page_text(p, a->src);
		page_raw(p, "</code> via <code>");
		page_text(p, a->iface);
		page_raw(p, "</code> to <code>");
		page_text(p, a->dst);
		page_raw(p, "</code>.</p>\n");
	}
	page_raw(p, "</section>\n");
}

static void variants(struct page *p, const struct audit_model *a)
{
	if (!a->nvariants)
		return;
	page_raw(p, "<section id=\"variants\">\n<h2>How the path treats each kind of probe</h2>\n"
		 "<table>\n<tr><th>probe</th><th>reply</th><th>by</th><th>from</th><th>hops</th>"
		 "<th>ttl</th><th>probes sent</th></tr>\n");
	for (unsigned i = 0; i < a->nvariants; i++) {
		const struct am_variant *v = &a->variant[i];
		bool good = v->r.kind == REPLY_ACK && v->r.by_peer;

		page_raw(p, "<tr data-kind=\"variant\" data-name=\"");
		page_text(p, v->name);
		page_printf(p, "\" data-reply=\"%s\"><td><code>", reply_name(v->r.kind));
		page_text(p, v->name);
		page_printf(p, "</code></td><td class=\"%s\">%s</td>", good ? "ok" : "bad",
			    reply_name(v->r.kind));
		who(p, &v->r, a->family);
		page_printf(p, "<td class=\"num\">%u</td></tr>\n", v->tries);
	}
	page_raw(p, "</table>\n<p class=\"muted\">A kind answered by the peer passes the path; "
		 "one answered by a middlebox, or not at all, does not tell the peer anything.</p>\n"
		 "</section>\n");
}

/* The documented defaults the finding is consistent with
 * (docs/fingerprints.md): never more than "it could be". */
static void consistent_row(struct page *p, const struct audit_model *a)
{
	const struct fingerprint *fp[FP_MAX_MATCH];
	struct ev_idle i = a->idle;
	size_t n;

	if (i.inconsistent || i.dead_s < 0)
		return;
	i.expired = a->has_expired ? &a->expired : NULL;
	n = consistent_idle(&i, fp);
	page_raw(p, "<tr><th>consistent with the documented default of</th><td id=\"consistent\">");
	if (!n)
		page_raw(p, "none of the boxes kaprobe knows");
	for (size_t k = 0; k < n; k++) {
		page_raw(p, k ? ", <code>" : "<code>");
		page_text(p, fp[k]->name);
		page_raw(p, "</code> (");
		page_text(p, fp[k]->product);
		page_raw(p, ")");
	}
	page_raw(p, "</td></tr>\n");
}

static void idle_finding(struct page *p, const struct audit_model *a)
{
	const struct ev_idle *i = &a->idle;

	page_raw(p, "<section id=\"idle\">\n<h2>How long the path keeps an idle flow</h2>\n");
	audit_chart(p, a);
	if (!a->has_idle) {
		page_raw(p, "<p class=\"warn\">The search did not finish.</p>\n</section>\n");
		return;
	}
	page_raw(p, "<table>\n<tr><th>probe used</th><td><code>");
	page_text(p, a->probe);
	page_printf(p, "</code></td></tr>\n<tr><th>what ends an idle flow</th><td id=\"kind\">%s"
		    "</td></tr>\n", !i->kind ? "nothing, within --max-idle"
		    : i->close_s >= 0 ? "the peer closes it (an endpoint's or proxy's idle timeout)"
		    : "a box forgets it (state expiry)");
	page_raw(p, "<tr><th>longest idle answered</th><td id=\"alive\">");
	seconds_or_none(p, i->alive_s);
	page_raw(p, i->close_s >= 0 ? "</td></tr>\n<tr><th>closed after, without data</th>"
		 "<td id=\"dead\">" : "</td></tr>\n<tr><th>shortest idle not answered</th>"
		 "<td id=\"dead\">");
	seconds_or_none(p, i->dead_s);
	page_printf(p, "</td></tr>\n<tr><th>RFC 5382 (2h4m or more)</th><td class=\"%s\">%s</td>"
		    "</tr>\n", i->rfc5382 > 0 ? "ok" : i->rfc5382 == 0 ? "bad" : "muted",
		    i->rfc5382 > 0 ? "met" : i->rfc5382 == 0 ? "not met"
		    : i->close_s >= 0 ? "not a middlebox's timeout" : "not tested that long");
	if (a->has_expired && i->dead_s >= 0) {
		page_printf(p, "<tr><th>an expired flow's probe got</th><td>%s ",
			    reply_name(a->expired.kind));
		if (a->expired.kind != REPLY_NONE) {
			char from[64];

			addr_format(a->family, a->expired.from, from, sizeof from);
			page_printf(p, "from the %s <code>", a->expired.by_peer ? "peer" : "middlebox");
			page_text(p, from);
			page_printf(p, "</code>, %d hops away", a->expired.hops);
		}
		page_raw(p, "</td></tr>\n");
	}
	consistent_row(p, a);
	page_printf(p, "<tr><th>measurements</th><td>%u agree, %u disagree; %u connections "
		    "discarded; %.1f%% of answers needed a retry</td></tr>\n", i->agree, i->disagree,
		    i->discarded, i->loss_pct);
	if (i->inconsistent)
		page_raw(p, "<tr><th>consistency</th><td class=\"bad\">inconsistent: flows died at "
			 "idle times shorter than others that lived, again when measured again; no "
			 "timeout is claimed</td></tr>\n");
	page_raw(p, "</table>\n</section>\n");
}

/* Against kaprobe serve: what reached the far end of each kind. */
static void arrivals(struct page *p, const struct audit_model *a)
{
	if (!a->narrivals)
		return;
	page_raw(p, "<section id=\"arrival\">\n<h2>What reached the far end (kaprobe serve)"
		 "</h2>\n<table>\n<tr><th>probe</th><th>arrived</th><th>changed on the way</th>"
		 "<th>answered by</th></tr>\n");
	for (unsigned i = 0; i < a->narrivals; i++) {
		const struct am_arrival *x = &a->arrival[i];

		page_raw(p, "<tr data-kind=\"arrival\" data-name=\"");
		page_text(p, x->name);
		page_printf(p, "\" data-arrived=\"%s\"><td><code>", x->arrived ? "true" : "false");
		page_text(p, x->name);
		page_printf(p, "</code></td><td class=\"%s\">%s</td><td>", x->arrived ? "ok" : "bad",
			    x->arrived ? "yes" : "no");
		page_text(p, x->arrived ? (x->changed[0] ? x->changed : "nothing") : "-");
		page_raw(p, "</td><td>");
		page_text(p, x->answered_by[0] ? x->answered_by : "-");
		page_raw(p, "</td></tr>\n");
	}
	page_raw(p, "</table>\n<p class=\"muted\">A probe answered that never arrived was "
		 "answered by a box on the way (a proxy); the normal TTL decrement is no change."
		 "</p>\n</section>\n");
}

/* Against kaprobe serve: a row per way of keeping it busy, a column per
 * side. */
static void refresh_matrix(struct page *p, const struct audit_model *a)
{
	static const char *const side[3] = { "client", "server", "both" };

	page_raw(p, "<section id=\"refresh\">\n<h2>Which side keeps the flow alive?</h2>\n"
		 "<table>\n<tr><th></th><th>from the client</th><th>from the server</th>"
		 "<th>from both</th></tr>\n");
	for (int hb = 0; hb < 2; hb++) {
		page_printf(p, "<tr><th>%s</th>", hb ? "heartbeats (data)" : "keep-alive");
		for (int s = 0; s < 3; s++) {
			const struct am_refresh *x = NULL;

			for (unsigned i = 0; i < a->nrefresh && !x; i++)
				if (a->refresh[i].heartbeat == hb && strcmp(a->refresh[i].from, side[s]) == 0)
					x = &a->refresh[i];
			if (!x) {
				page_raw(p, "<td>-</td>");
				continue;
			}
			page_printf(p, "<td data-kind=\"refresh\" data-with=\"%s\" data-from=\"%s\" "
				    "data-survived=\"%d\" class=\"%s\">", hb ? "heartbeat" : "keepalive",
				    side[s], x->survived, x->skipped[0] ? "" : x->survived > 0 ? "ok" : "bad");
			if (x->skipped[0]) {
				page_raw(p, "not tested: ");
				page_text(p, x->skipped);
			} else {
				page_printf(p, "%s (every %.3f s)", x->survived > 0 ? "kept" : "lost",
					    x->intvl_s);
			}
			page_raw(p, "</td>");
		}
		page_raw(p, "</tr>\n");
	}
	page_raw(p, "</table>\n");
	if (a->side[0]) {
		page_raw(p, "<p id=\"side\" data-side=\"");
		page_text(p, a->side);
		page_printf(p, "\">%s: <b>", a->heartbeat_s > 0 ? "Heartbeats" : "Keep-alive");
		page_text(p, !strcmp(a->side, "either") ? "from either side"
			     : !strcmp(a->side, "none") ? "from neither side"
			     : !strcmp(a->side, "client") ? "from the client" : "from the server");
		page_raw(p, "</b> keeps the path.</p>\n");
	}
	page_raw(p, "</section>\n");
}

static void refresh(struct page *p, const struct audit_model *a)
{
	if (!a->nrefresh)
		return;
	if (a->by_side) {
		refresh_matrix(p, a);
		return;
	}
	page_raw(p, "<section id=\"refresh\">\n<h2>Does keeping it busy keep a flow alive?</h2>\n");
	for (unsigned i = 0; i < a->nrefresh; i++) {
		const struct am_refresh *x = &a->refresh[i];

		page_printf(p, "<p data-kind=\"refresh\" data-with=\"%s\">",
			    x->heartbeat ? "heartbeat" : "keepalive");
		if (x->skipped[0]) {
			page_raw(p, x->heartbeat ? "Heartbeats: not tested: " : "Keep-alive: not "
				 "tested: ");
			page_text(p, x->skipped);
			page_raw(p, ".");
		} else {
			page_printf(p, "A connection %s every %.3f s was <b class=\"%s\">%s</b> "
				    "after %.3f s.", x->heartbeat ? "sent --heartbeat's data"
				    : "probed with keep-alive", x->intvl_s,
				    x->survived > 0 ? "ok" : "bad",
				    x->survived > 0 ? "still alive" : "gone", x->for_s);
		}
		page_raw(p, "</p>\n");
	}
	page_raw(p, "</section>\n");
}

/* A block of lines with a copy button (shown by the page's script). */
static void copyable(struct page *p, const char *id, const char *lines)
{
	page_printf(p, "<p><button class=\"copy\" data-for=\"%s\" hidden>copy</button></p>\n"
		    "<pre id=\"%s\">", id, id);
	page_text(p, lines);
	page_raw(p, "</pre>\n");
}

/* --for's software: each's settings with a copy button, or why it cannot
 * help. */
static void software(struct page *p, const struct audit_model *a)
{
	const struct ev_advice ev = { .time_s = a->advice[0], .intvl_s = a->advice[1],
				      .probes = a->advice[2], .heartbeat_s = a->heartbeat_s,
				      .close_s = a->close_s, .sw = a->sw };
	size_t n;
	const struct sw_setting *t = sw_table(&n);
	struct sw_values v;
	char buf[1024], id[40];

	advice_values(&ev, &v);
	for (size_t i = 0; i < n; i++) {
		if (!(a->sw & 1u << i))
			continue;
		page_printf(p, "<p data-kind=\"settings\" data-for=\"%s\">", t[i].name);
		page_text(p, t[i].what);
		page_raw(p, t[i].kind == SW_HEARTBEAT ? " (a heartbeat: data):</p>\n"
			 : " (TCP keep-alive):</p>\n");
		if (!sw_render(&t[i], &v, buf, sizeof buf)) {
			page_raw(p, "<p class=\"warn\">");
			page_text(p, buf + 2);   /* past the "# " of a comment line */
			page_raw(p, "</p>\n");
			continue;
		}
		snprintf(id, sizeof id, "for-%s", t[i].name);
		copyable(p, id, buf);
	}
}

static void advice(struct page *p, const struct audit_model *a)
{
	static const char *const sysctl[3] = { "time", "intvl", "probes" };
	static const char *const sockopt[3] = { "KEEPIDLE", "KEEPINTVL", "KEEPCNT" };
	char buf[640];
	size_t n = 0;

	if (!a->has_advice)
		return;
	page_raw(p, "<section id=\"advice\">\n<h2>Settings for hosts behind this path</h2>\n");
	if (a->heartbeat_s > 0) {
		page_printf(p, "<p class=\"warn\" id=\"heartbeat\">The peer closes connections "
			    "after %.3f s without data.  No keep-alive setting prevents that: the "
			    "application must send data (a heartbeat: a PING, an HTTP/2 or gRPC "
			    "ping, a no-op query) at least every <b>%.1f s</b>, or the peer's timeout "
			    "be raised.</p>\n", a->close_s, a->heartbeat_s);
		if (a->advice_note[0]) {
			page_raw(p, "<p>");
			page_text(p, a->advice_note);
			page_raw(p, ".</p>\n");
		}
		software(p, a);
		page_raw(p, "</section>\n");
		return;
	}
	if (a->advice_note[0]) {
		page_raw(p, "<p class=\"warn\">");
		page_text(p, a->advice_note);
		page_raw(p, "</p>\n");
	}
	page_raw(p, "<p>System-wide (Linux, as root):</p>\n");
	for (int i = 0; i < 3; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "sysctl -w net.ipv4.tcp_keepalive_%s=%ld\n",
				      sysctl[i], a->advice[i]);
	copyable(p, "sysctl", buf);
	page_raw(p, "<p>Per socket (C, after <code>socket()</code>):</p>\n");
	n = (size_t)snprintf(buf, sizeof buf,
			     "setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &(int){1}, sizeof(int));\n");
	for (int i = 0; i < 3; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n,
				      "setsockopt(fd, IPPROTO_TCP, TCP_%s, &(int){%ld}, sizeof(int));\n",
				      sockopt[i], a->advice[i]);
	copyable(p, "setsockopt", buf);
	software(p, a);
	page_raw(p, "</section>\n");
}

static void totals(struct page *p, const struct audit_model *a)
{
	if (!a->has_summary)
		return;
	page_printf(p, "<section id=\"totals\">\n<h2>The run</h2>\n<p>%u connections proved "
		    "themselves and were measured, %u were discarded (the server did not take them, "
		    "or closed them); %u segments were seen and not acted on (not at the "
		    "connection's sequence, or from elsewhere); %.1f%% of answers needed a retry.</p>\n"
		    "</section>\n", a->total.taken, a->total.discarded, a->total.ignored,
		    a->total.loss_pct);
}

/* Against serve on a path a proxy cuts: the server's leg, measured with
 * serve's probes, and the keep-alive it needs from the server. */
static void server_leg(struct page *p, const struct audit_model *a)
{
	if (!a->has_leg)
		return;
	page_raw(p, "<section id=\"server-leg\">\n<h2>The server's leg (a proxy cuts the path)</h2>\n"
		 "<table>\n<tr><th>longest idle answered, probed from the server</th>"
		 "<td id=\"leg-alive\">");
	seconds_or_none(p, a->leg_alive_s);
	page_raw(p, "</td></tr>\n<tr><th>shortest idle not answered</th><td id=\"leg-dead\">");
	seconds_or_none(p, a->leg_dead_s);
	page_raw(p, "</td></tr>\n</table>\n");
	if (a->has_leg_advice)
		page_printf(p, "<p id=\"leg-advice\" data-side=\"server\" class=\"bad\">Keep-alive "
			    "<b>from the server</b>, starting below %.3f s: the client's stops at the "
			    "proxy.  <code>tcp_keepalive_time=%ld</code>, <code>tcp_keepalive_intvl=%ld"
			    "</code>, <code>tcp_keepalive_probes=%ld</code> on the server's host (or "
			    "PostgreSQL's <code>tcp_keepalives_idle</code>, redis's <code>tcp-keepalive"
			    "</code>).</p>\n", a->leg_dead_s, a->leg_advice[0], a->leg_advice[1],
			    a->leg_advice[2]);
	page_raw(p, "</section>\n");
}

static void render(struct page *p, const void *m, const struct report_meta *meta)
{
	const struct audit_model *a = m;

	(void)meta;
	verdict(p, a);
	idle_finding(p, a);
	server_leg(p, a);
	variants(p, a);
	arrivals(p, a);
	refresh(p, a);
	advice(p, a);
	totals(p, a);
}

static bool has_content(const void *model)
{
	return ((const struct audit_model *)model)->dst[0] != '\0';
}

const struct report_kind_ops report_audit_ops = {
	"audit", audit_chart_style, model_new, render, has_content, free, on,
};
