/* httpd.h - `kaprobe watch --listen`: the metrics over HTTP.
 *
 * libmicrohttpd serves GET /metrics from a thread of its own: the
 * Prometheus text format, or OpenMetrics when the client's Accept names
 * application/openmetrics-text (as Prometheus's own scrapes do).  The
 * thread only renders (metrics_render, under the metrics' mutex) and
 * never touches the engine.  Anything but /metrics is 404; anything but
 * GET and HEAD 405.
 */
#ifndef KAPROBE_HTTPD_H
#define KAPROBE_HTTPD_H

#include <stddef.h>
#include <sys/socket.h>

struct metrics;
struct httpd;

/* Start serving m on addr.  NULL with the reason in err ("cannot listen on
 * ADDR: ..."). */
struct httpd *httpd_start(const struct sockaddr_storage *addr, struct metrics *m, char *err,
			  size_t errlen);
/* Stop (waits for a scrape being served); NULL does nothing. */
void httpd_stop(struct httpd *h);

#endif
