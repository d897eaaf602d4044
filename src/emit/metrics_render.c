/* metrics_render.c - the metrics as text: the Prometheus exposition format
 * 0.0.4, or OpenMetrics 1.0.0 (see metrics.h).
 *
 * The two differ only where OpenMetrics is stricter: a counter's family is
 * named without "_total" (its sample keeps it), a unit is declared with
 * "# UNIT" when the name ends in it, build_info is of type info, and the
 * text ends with "# EOF".  Names follow Prometheus's conventions: the
 * base unit (seconds) in the name, "_total" on counters, "_info" on the
 * build's labels. */
#include "emit/metricspriv.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* A counter of each target, by where it sits in struct met_target. */
static const struct {
	const char *name, *help;
	size_t off;
} counters[] = {
	{ "kaprobe_connections_opened", "Connections opened to the target (each became idle and held).",
	  offsetof(struct met_target, opened) },
	{ "kaprobe_probes_sent", "Keep-alive probes (or heartbeats) sent.",
	  offsetof(struct met_target, sent) },
	{ "kaprobe_probes_answered", "Probes answered by the peer (an ACK, data or an RST).",
	  offsetof(struct met_target, answered) },
	{ "kaprobe_probes_lost", "Probes that got no answer: those of a round before the one "
	  "answered, and every probe of a round that ended dead.",
	  offsetof(struct met_target, lost) },
	{ "kaprobe_ignored_segments", "Segments and ICMP errors seen for the connections and not "
	  "acted on (the kernel would not accept them).", offsetof(struct met_target, ignored) },
};

static void label(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', f);
		if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* A float as both formats accept it; whole numbers with ".0" (OpenMetrics'
 * canonical "le"). */
static void number(FILE *f, double v)
{
	char s[40];

	snprintf(s, sizeof s, "%.15g", v);
	fputs(s, f);
	if (!strpbrk(s, ".eEn"))
		fputs(".0", f);
}

static void head(FILE *f, bool om, const char *name, const char *type, const char *unit,
		 const char *help)
{
	bool counter = strcmp(type, "counter") == 0;

	fprintf(f, "# HELP %s%s %s\n", name, counter && !om ? "_total" : "", help);
	fprintf(f, "# TYPE %s%s %s\n", name, counter && !om ? "_total" : "", type);
	if (om && unit)
		fprintf(f, "# UNIT %s %s\n", name, unit);
}

static void sample(FILE *f, const char *name, const char *suffix, const struct met_target *t)
{
	fprintf(f, "%s%s{target=\"", name, suffix);
	label(f, t->name);
	fputs("\"} ", f);
}

/* The targets to show: the labelled ones, and "other" once used. */
static unsigned shown(const struct metrics *m, unsigned i)
{
	return i < m->n ? i : i == m->n && m->t[METRICS_MAX_TARGETS].opened +
	       m->t[METRICS_MAX_TARGETS].verdicts[MV_NOCONN] ? METRICS_MAX_TARGETS : ~0u;
}
#define EACH_TARGET(m, i, t) \
	for (unsigned i = 0, k_; (k_ = shown(m, i)) != ~0u; i++) \
		for (const struct met_target *t = &(m)->t[k_]; t; t = NULL)

static void render_counters(FILE *f, const struct metrics *m, bool om)
{
	for (size_t c = 0; c < sizeof counters / sizeof counters[0]; c++) {
		head(f, om, counters[c].name, "counter", NULL, counters[c].help);
		EACH_TARGET(m, i, t) {
			sample(f, counters[c].name, "_total", t);
			fprintf(f, "%llu\n", (unsigned long long)
				*(const uint64_t *)((const char *)t + counters[c].off));
		}
	}
	head(f, om, "kaprobe_verdicts", "counter", NULL,
	     "Connections ended, by verdict (dead, reset, closed, unreachable, "
	     "no-connection, removed by a reload).");
	EACH_TARGET(m, i, t)
		for (unsigned v = 0; v < MV_COUNT; v++) {
			fputs("kaprobe_verdicts_total{target=\"", f);
			label(f, t->name);
			fprintf(f, "\",verdict=\"%s\"} %llu\n", met_verdict_name[v],
				(unsigned long long)t->verdicts[v]);
		}
}

static void histogram(FILE *f, const struct metrics *m, bool om, const char *name,
		      const char *help, size_t off, const double *le, unsigned n)
{
	head(f, om, name, "histogram", "seconds", help);
	EACH_TARGET(m, i, t) {
		const struct met_hist *h = (const struct met_hist *)((const char *)t + off);

		for (unsigned b = 0; b <= n; b++) {
			fprintf(f, "%s_bucket{target=\"", name);
			label(f, t->name);
			fputs("\",le=\"", f);
			if (b < n)
				number(f, le[b]);
			else
				fputs("+Inf", f);
			fprintf(f, "\"} %llu\n", (unsigned long long)(b < n ? h->bucket[b] : h->count));
		}
		sample(f, name, "_sum", t);
		number(f, h->sum);
		fputc('\n', f);
		sample(f, name, "_count", t);
		fprintf(f, "%llu\n", (unsigned long long)h->count);
	}
}

/* The ladder's bracket: the longest idle still answered (most) or the
 * shortest not (!most); 0 when no rung says. */
static int64_t bracket(const struct met_target *t, bool most)
{
	int64_t best = 0;

	for (unsigned r = 0; r < METRICS_MAX_RUNGS && t->rung[r].idle; r++) {
		const struct met_rung *g = &t->rung[r];

		if (most && g->answered == 1 && g->idle > best)
			best = g->idle;
		if (!most && g->answered == 0 && (!best || g->idle < best))
			best = g->idle;
	}
	return best;
}

static void render_gauges(FILE *f, const struct metrics *m, bool om)
{
	head(f, om, "kaprobe_connections_held", "gauge", NULL,
	     "Connections established and held idle now.");
	EACH_TARGET(m, i, t) {
		sample(f, "kaprobe_connections_held", "", t);
		fprintf(f, "%lld\n", (long long)t->held);
	}
	head(f, om, "kaprobe_last_verdict_timestamp_seconds", "gauge", "seconds",
	     "When a connection to the target last ended (Unix time).");
	EACH_TARGET(m, i, t)
		if (t->last_verdict > 0) {
			sample(f, "kaprobe_last_verdict_timestamp_seconds", "", t);
			number(f, t->last_verdict);
			fputc('\n', f);
		}
	for (int most = 1; most >= 0; most--) {
		const char *name = most ? "kaprobe_ladder_answered_max_idle_seconds"
				   : "kaprobe_ladder_unanswered_min_idle_seconds";

		head(f, om, name, "gauge", "seconds", most
		     ? "--idle-ladder: the longest idle whose probe was answered last time."
		     : "--idle-ladder: the shortest idle whose probe went unanswered last time.");
		EACH_TARGET(m, i, t) {
			int64_t b = bracket(t, most);

			if (b) {
				sample(f, name, "", t);
				number(f, b / 1e6);
				fputc('\n', f);
			}
		}
	}
}

static void render(FILE *f, const struct metrics *m, bool om)
{
	head(f, om, om ? "kaprobe_build" : "kaprobe_build_info", om ? "info" : "gauge", NULL,
	     "kaprobe's version, as a label; the value is 1.");
	fprintf(f, "kaprobe_build_info{version=\"%s\"} 1\n", m->version);
	head(f, om, "kaprobe_capture_restarts", "counter", NULL,
	     "Times the capture was reopened after its interface went away.");
	fprintf(f, "kaprobe_capture_restarts_total %llu\n",
		(unsigned long long)m->capture_restarts);
	render_gauges(f, m, om);
	render_counters(f, m, om);
	histogram(f, m, om, "kaprobe_connection_lifetime_seconds",
		  "How long connections were held, from established to their verdict.",
		  offsetof(struct met_target, lifetime), met_lifetime_le, METRICS_LIFETIME_BUCKETS);
	histogram(f, m, om, "kaprobe_probe_rtt_seconds",
		  "Round-trip time of answered probes.",
		  offsetof(struct met_target, rtt), met_rtt_le, METRICS_RTT_BUCKETS);
	if (om)
		fputs("# EOF\n", f);
}

char *metrics_render(struct metrics *m, bool openmetrics, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	pthread_mutex_lock(&m->lock);
	render(f, m, openmetrics);
	pthread_mutex_unlock(&m->lock);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

const char *metrics_content_type(bool openmetrics)
{
	return openmetrics ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
			   : "text/plain; version=0.0.4; charset=utf-8";
}
