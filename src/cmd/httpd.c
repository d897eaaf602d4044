/* httpd.c - the metrics over HTTP, with libmicrohttpd (see httpd.h). */
#include "cmd/httpd.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit/metrics.h"
#include "net/target.h"

/* Scrapers at once, and how long an idle one may hold its connection. */
#define HTTPD_MAX_CONNS 16
#define HTTPD_TIMEOUT_S 10

struct httpd {
	struct MHD_Daemon *d;
	struct metrics *m;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, char *body,
			     size_t len, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result rc;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result plain(struct MHD_Connection *conn, unsigned status, const char *text)
{
	char *body = strdup(text);

	return body ? reply(conn, status, body, strlen(body), "text/plain; charset=utf-8") : MHD_NO;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **state)
{
	struct httpd *h = cls;
	const char *accept;
	bool om;
	size_t len;
	char *body;

	(void)version; (void)upload; (void)upload_len; (void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return plain(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET /metrics\n");
	if (strcmp(url, "/metrics") != 0)
		return plain(conn, MHD_HTTP_NOT_FOUND, "kaprobe watch: the metrics are at /metrics\n");
	accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
	om = accept && strstr(accept, "application/openmetrics-text");
	if (!(body = metrics_render(h->m, om, &len)))
		return plain(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	return reply(conn, MHD_HTTP_OK, body, len, metrics_content_type(om));
}

struct httpd *httpd_start(const struct sockaddr_storage *addr, struct metrics *m, char *err,
			  size_t errlen)
{
	struct httpd *h = calloc(1, sizeof *h);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL;
	char where[80];

	sockaddr_format((const struct sockaddr *)addr, where, sizeof where);
	if (!h) {
		snprintf(err, errlen, "cannot listen on %s: out of memory", where);
		return NULL;
	}
	if (addr->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h->m = m;
	errno = 0;
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, handle, h,
				MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)addr,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTPD_MAX_CONNS,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTPD_TIMEOUT_S,
				MHD_OPTION_END);
	if (!h->d) {
		snprintf(err, errlen, "cannot listen on %s: %s", where,
			 errno ? strerror(errno) : "the HTTP server did not start");
		free(h);
		return NULL;
	}
	return h;
}

void httpd_stop(struct httpd *h)
{
	if (!h)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
