/* report.c - the report's file and the page around what each kind of
 * report draws (reportpriv.h): head, style sheet, the run's details, and
 * the little script that copies text. */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/errmsg.h"
#include "util/exitcode.h"
#include "report/reportpriv.h"
#include "util/version.h"

/* Nothing may be fetched: not even by a crafted name that slipped past
 * escaping.  Inline style and script only. */
#define CSP "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

/* Colours by role, for light, dark and paper; charts use the same roles
 * (svg.h: elements carry classes, not colours). */
static const char base_style[] =
	":root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#57606a;"
	"--grid:#e4e7eb;--axis:#8c959f;--card:#f4f6f8;--ok:#1a7f37;--bad:#cf222e;"
	"--warn:#9a6700;--box:#8250df;--info:#0969da;--shade-ok:rgba(26,127,55,.12);"
	"--shade-bad:rgba(207,34,46,.12);--shade-na:rgba(140,149,159,.16)}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9da7b3;"
	"--grid:#2d333b;--axis:#768390;--card:#161b22;--ok:#3fb950;--bad:#f85149;"
	"--warn:#d29922;--box:#bc8cff;--info:#58a6ff;--shade-ok:rgba(63,185,80,.16);"
	"--shade-bad:rgba(248,81,73,.16);--shade-na:rgba(118,131,144,.18)}}\n"
	"@media print{:root{--fg:#000;--bg:#fff;--muted:#444;--grid:#ccc;--axis:#666;"
	"--card:#f2f2f2}button{display:none}section{break-inside:avoid}"
	"body{max-width:none}}\n"
	"html{background:var(--bg);color:var(--fg)}\n"
	"body{margin:0 auto;max-width:1240px;padding:16px 24px;"
	"font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif}\n"
	"h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.4em 0 .4em}"
	"h1 .subject{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace}\n"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:.6em 0;"
	"color:var(--muted)}dl.meta dd{margin:0;color:var(--fg)}\n"
	"code,pre{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.92em}\n"
	"pre{background:var(--card);padding:8px 12px;margin:.3em 0;overflow-x:auto;"
	"white-space:pre-wrap}\n"
	"table{border-collapse:collapse;margin:.4em 0}"
	"th,td{padding:4px 12px 4px 0;border-bottom:1px solid var(--grid);text-align:left;"
	"vertical-align:top}th{color:var(--muted);font-weight:600}\n"
	"td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	".ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}"
	".muted{color:var(--muted)}\n"
	".verdict{font-size:1.15em;font-weight:600;margin:.4em 0}.headline{font-size:1.1em}\n"
	"svg{display:block;width:100%;height:auto;overflow:visible}"
	"svg text{fill:var(--fg);font-size:13px}svg .tick text{fill:var(--muted)}"
	"svg .grid{stroke:var(--grid);stroke-width:1}"
	"svg .axisline{stroke:var(--axis);stroke-width:1.5}"
	"svg .tick line{stroke:var(--axis)}\n"
	".legend{display:flex;flex-wrap:wrap;gap:4px 18px;margin:.3em 0;color:var(--muted)}"
	".legend svg{display:inline-block;width:14px;height:14px;vertical-align:-2px}\n"
	"button.copy{font:inherit;font-size:.85em;margin-left:.6em;padding:1px 8px;"
	"color:var(--fg);background:var(--card);border:1px solid var(--grid);"
	"border-radius:4px;cursor:pointer}\n"
	"footer{margin-top:2em;color:var(--muted);font-size:.85em}\n";

/* Copy buttons are hidden until the script shows them: without script,
 * the text is there to select. */
static const char script[] =
	"<script>\n"
	"document.querySelectorAll('button.copy').forEach(function(b){b.hidden=false;"
	"b.addEventListener('click',function(){var t=document.getElementById(b.dataset.for);"
	"if(t&&navigator.clipboard)navigator.clipboard.writeText(t.textContent).then("
	"function(){b.textContent='copied';});});});\n"
	"</script>\n";

static const struct report_kind_ops *kind_ops(enum report_kind k)
{
	return k == REPORT_AUDIT ? &report_audit_ops
	       : k == REPORT_TRACE ? &report_trace_ops : &report_replay_ops;
}

static bool report_wants(const void *self, enum ev_kind k)
{
	const struct report *r = self;

	return r->ops->on[k] != NULL;
}

static void report_event(void *self, const struct event *ev)
{
	struct report *r = self;

	r->ops->on[ev->kind](r, ev);
}

const struct out_module report_module = { "report", report_wants, report_event };

struct report *report_open(const struct report_meta *m, char *err, size_t errlen)
{
	struct report *r = calloc(1, sizeof *r);
	const char *why;
	struct stat st;

	if (!r) {
		snprintf(err, errlen, "--report %s: out of memory", m->path);
		return NULL;
	}
	r->meta = m;
	r->ops = kind_ops(m->kind);
	r->started = time(NULL);
	/* Not truncated yet: a run that fails leaves an earlier report as
	 * it was, and removes a file it created itself.  O_NONBLOCK: a FIFO
	 * with no reader is refused (ENXIO) instead of hanging the run. */
	r->fd = open(m->path, O_WRONLY | O_CREAT | O_EXCL | O_NONBLOCK | O_CLOEXEC, 0644);
	r->created = r->fd >= 0;
	if (r->fd < 0 && errno == EEXIST)
		r->fd = open(m->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (r->fd < 0)
		why = errno == ENXIO ? "not a regular file" : strerror(errno);
	else if (fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (!(r->model = r->ops->model_new(m)))
		why = "out of memory";
	else
		return r;
	snprintf(err, errlen, "--report %s: %s", m->path, why);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
	return NULL;
}

static void page_head(struct page *p, const struct report *r)
{
	char when[64];
	struct tm tm;

	page_raw(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		 "<meta http-equiv=\"Content-Security-Policy\" content=\"" CSP "\">\n"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		 "<meta name=\"color-scheme\" content=\"light dark\">\n"
		 "<meta name=\"generator\" content=\"kaprobe " KAPROBE_VERSION "\">\n<title>kaprobe ");
	page_text(p, r->ops->name);
	page_raw(p, " ");
	page_text(p, r->meta->subject);
	page_raw(p, "</title>\n<style>\n");
	page_raw(p, base_style);
	page_raw(p, r->ops->style);
	page_raw(p, "</style>\n</head>\n<body>\n<header>\n<h1>kaprobe ");
	page_text(p, r->ops->name);
	page_raw(p, " <span class=\"subject\">");
	page_text(p, r->meta->subject);
	page_raw(p, "</span></h1>\n<dl class=\"meta\">\n<dt>Started</dt><dd id=\"started\">");
	gmtime_r(&r->started, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
	page_text(p, when);
	page_raw(p, "</dd>\n<dt>Command</dt><dd><code id=\"command\">");
	for (int i = 0; i < r->meta->argc; i++) {
		if (i)
			page_raw(p, " ");
		page_text(p, r->meta->argv[i]);
	}
	page_printf(p, "</code></dd>\n<dt>Exit status</dt><dd id=\"status\">%d</dd>\n",
		    r->status);
	page_raw(p, "<dt>kaprobe</dt><dd>" KAPROBE_VERSION "</dd>\n</dl>\n</header>\n<main>\n");
}

static void page_foot(struct page *p)
{
	page_raw(p, "</main>\n<footer>Written by kaprobe " KAPROBE_VERSION ". This page loads "
		 "nothing from anywhere: it is all in this file.</footer>\n");
	page_raw(p, script);
	page_raw(p, "</body>\n</html>\n");
}

/* Replace the file's contents with n bytes, and make sure they are on
 * disk: a full disk shows here, not later. */
static int write_all(int fd, const char *buf, size_t n)
{
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
}

static void report_free(struct report *r)
{
	r->ops->model_free(r->model);
	free(r);
}

/* The whole page, in memory: *buf (n bytes), to free.  Returns 0, or -1
 * with errno set. */
static int render_page(struct report *r, char **buf, size_t *n)
{
	struct page p = { open_memstream(buf, n) };
	bool ok;

	if (!p.f)
		return -1;
	page_head(&p, r);
	r->ops->render(&p, r->model, r->meta);
	page_foot(&p);
	ok = !ferror(p.f);
	ok &= fclose(p.f) == 0;   /* closed either way */
	if (!ok && !errno)
		errno = EIO;
	return ok ? 0 : -1;
}

int report_close(struct report *r, int status, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t n = 0;
	int rc = 0;

	r->status = status;
	if (status >= EXIT_USAGE && !r->ops->has_content(r->model)) {
		/* The run failed before reporting anything, and said why. */
		if (r->created)
			unlink(r->meta->path);
		close(r->fd);
		report_free(r);
		return 0;
	}
	if (render_page(r, &buf, &n) < 0 || write_all(r->fd, buf, n) < 0) {
		int e = errno;
		const char *part = ftruncate(r->fd, 0) < 0 ? " (the file may hold part of it)" : "";

		errmsg(err, errlen, "--report %s: %s: the report was not written%s",
		       r->meta->path, strerror(e), part);
		rc = -1;
	}
	if (close(r->fd) < 0 && rc == 0) {
		errmsg(err, errlen, "--report %s: %s: the report was not written",
		       r->meta->path, strerror(errno));
		rc = -1;
	}
	free(buf);
	report_free(r);
	return rc;
}
