/* swsettings.c - settings for the software people run (see swsettings.h;
 * the names, units and limits are sourced in docs/settings.md). */
#include "tcp/swsettings.h"

#include <stdio.h>
#include <string.h>

#include "tcp/profile.h"

static const struct sw_setting table[] = {
	{ "ssh", "OpenSSH", SW_HEARTBEAT, 1,
	  "# ~/.ssh/config (client), seconds:\n"
	  "ServerAliveInterval %H\nServerAliveCountMax 3\n"
	  "# /etc/ssh/sshd_config (server), seconds:\n"
	  "ClientAliveInterval %H\nClientAliveCountMax 3\n" },
	{ "postgres", "libpq / PostgreSQL", SW_KEEPALIVE, 0,
	  "# libpq connection string (client), seconds:\n"
	  "keepalives=1 keepalives_idle=%T keepalives_interval=%I keepalives_count=%N\n"
	  "# postgresql.conf (server), seconds:\n"
	  "tcp_keepalives_idle = %T\ntcp_keepalives_interval = %I\ntcp_keepalives_count = %N\n" },
	{ "pgbouncer", "PgBouncer", SW_KEEPALIVE, 0,
	  "# pgbouncer.ini, [pgbouncer], seconds:\n"
	  "tcp_keepalive = 1\ntcp_keepidle = %T\ntcp_keepintvl = %I\ntcp_keepcnt = %N\n" },
	{ "mariadb", "MariaDB server (10.3.3+)", SW_KEEPALIVE, 0,
	  "# my.cnf, [mariadbd], seconds:\n"
	  "tcp_keepalive_time = %T\ntcp_keepalive_interval = %I\ntcp_keepalive_probes = %N\n" },
	{ "mysql", "MySQL Connector/J", SW_KEEPALIVE, 0,
	  "# the JDBC URL turns keep-alive on; its timing is the client host's:\n"
	  "jdbc:mysql://HOST/DB?tcpKeepAlive=true\n"
	  "sysctl -w net.ipv4.tcp_keepalive_time=%T\n"
	  "sysctl -w net.ipv4.tcp_keepalive_intvl=%I\n"
	  "sysctl -w net.ipv4.tcp_keepalive_probes=%N\n" },
	{ "hikaricp", "HikariCP (JDBC pool)", SW_HEARTBEAT, 30,
	  "# HikariCP, milliseconds (pings idle pooled connections):\n"
	  "keepaliveTime=%h\n" },
	{ "grpc", "gRPC (HTTP/2 PING)", SW_HEARTBEAT, 10,
	  "# gRPC core channel arguments, client, milliseconds:\n"
	  "GRPC_ARG_KEEPALIVE_TIME_MS=%h\nGRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS=1\n"
	  "# server: allow pings that often (default 300000: more often is too_many_pings):\n"
	  "GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS=%h\n"
	  "GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS=1\n"
	  "# grpc-go: keepalive.ClientParameters{Time: %H * time.Second, PermitWithoutStream: true}\n"
	  "#   server: keepalive.EnforcementPolicy{MinTime: %H * time.Second, PermitWithoutStream: true}\n" },
	{ "redis", "Redis server", SW_KEEPALIVE, 0,
	  "# redis.conf, seconds (Redis sets the interval to a third of it, 3 probes):\n"
	  "tcp-keepalive %T\n" },
	{ "nginx", "nginx", SW_KEEPALIVE, 0,
	  "# clients' connections (listen), seconds; upstreams with the host's sysctl:\n"
	  "listen PORT so_keepalive=%T:%I:%N;\nproxy_socket_keepalive on;\n" },
	{ "haproxy", "HAProxy (2.2+)", SW_KEEPALIVE, 0,
	  "# haproxy.cfg, defaults or the proxy:\n"
	  "option tcpka\n"
	  "clitcpka-idle %Ts\nclitcpka-intvl %Is\nclitcpka-cnt %N\n"
	  "srvtcpka-idle %Ts\nsrvtcpka-intvl %Is\nsrvtcpka-cnt %N\n" },
	{ "envoy", "Envoy (to upstreams)", SW_KEEPALIVE, 0,
	  "# the cluster, seconds:\n"
	  "upstream_connection_options:\n  tcp_keepalive:\n"
	  "    keepalive_time: %T\n    keepalive_interval: %I\n    keepalive_probes: %N\n" },
	{ "kubernetes", "Kubernetes pod (safe sysctls, 1.29+)", SW_KEEPALIVE, 0,
	  "# the pod's spec.securityContext, seconds:\n"
	  "sysctls:\n- name: net.ipv4.tcp_keepalive_time\n  value: \"%T\"\n"
	  "- name: net.ipv4.tcp_keepalive_intvl\n  value: \"%I\"\n"
	  "- name: net.ipv4.tcp_keepalive_probes\n  value: \"%N\"\n" },
	{ "go", "Go (1.23+)", SW_KEEPALIVE, 0,
	  "d := net.Dialer{KeepAliveConfig: net.KeepAliveConfig{Enable: true,\n"
	  "\tIdle: %T * time.Second, Interval: %I * time.Second, Count: %N}}\n" },
	{ "java", "Java (11+, jdk.net)", SW_KEEPALIVE, 0,
	  "socket.setKeepAlive(true);\n"
	  "socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, %T);\n"
	  "socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, %I);\n"
	  "socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, %N);\n" },
	{ "python", "Python (socket, Linux)", SW_KEEPALIVE, 0,
	  "sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)\n"
	  "sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, %T)\n"
	  "sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, %I)\n"
	  "sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, %N)\n" },
};
#define NROWS (sizeof table / sizeof table[0])

_Static_assert(NROWS <= 32, "--for's mask holds a bit per row");

const struct sw_setting *sw_table(size_t *n)
{
	*n = NROWS;
	return table;
}

void sw_for_expiry(double alive_s, struct sw_values *v)
{
	long al = (long)alive_s;

	v->time_s = al / 2 > 0 ? al / 2 : 1;
	v->intvl_s = al / 3 < 1 ? 1 : al / 3 < LINUX_KEEPALIVE_INTVL_S ? al / 3
		     : LINUX_KEEPALIVE_INTVL_S;
	v->probes = LINUX_KEEPALIVE_PROBES;
	v->heartbeat_s = (double)v->time_s;
	v->endpoint = false;
}

void sw_for_close(double close_s, struct sw_values *v)
{
	v->time_s = LINUX_KEEPALIVE_TIME_S;
	v->intvl_s = LINUX_KEEPALIVE_INTVL_S;
	v->probes = LINUX_KEEPALIVE_PROBES;
	v->heartbeat_s = close_s / SW_HEARTBEAT_SHARE;
	v->endpoint = true;
}

/* The rows' names, "ssh, postgres, ...", into buf: the heartbeats' only
 * with heartbeats. */
static void names(char *buf, size_t len, bool heartbeats)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NROWS && at < len; i++)
		if (!heartbeats || table[i].kind == SW_HEARTBEAT)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
					       table[i].name);
}

int sw_parse_for(const char *list, unsigned *mask, char *err, size_t errlen)
{
	char word[32];

	*mask = 0;
	if (strcmp(list, "all") == 0) {
		*mask = NROWS == 32 ? ~0u : (1u << NROWS) - 1;
		return 0;
	}
	for (const char *p = list;; p++) {
		size_t n = strcspn(p, ","), i;

		snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : sizeof word - 1), p);
		for (i = 0; i < NROWS && (strlen(table[i].name) != n ||
					  strncmp(table[i].name, p, n) != 0); i++)
			continue;
		if (i == NROWS) {
			char all[300];

			names(all, sizeof all, false);
			snprintf(err, errlen, "'%s' is not one of all, %s", word, all);
			return -1;
		}
		*mask |= 1u << i;
		p += n;
		if (!*p)
			break;
	}
	return 0;
}

/* One placeholder's value (c the letter after '%') into out. */
static void value_of(char c, const struct sw_values *v, char *out, size_t len)
{
	long hb = v->heartbeat_s >= 1 ? (long)v->heartbeat_s : 1;

	switch (c) {
	case 'T': snprintf(out, len, "%ld", v->time_s); break;
	case 'I': snprintf(out, len, "%ld", v->intvl_s); break;
	case 'N': snprintf(out, len, "%ld", v->probes); break;
	case 'H': snprintf(out, len, "%ld", hb); break;
	case 'h': snprintf(out, len, "%ld", (long)(v->heartbeat_s * 1000)); break;
	default: snprintf(out, len, "%%%c", c); break;
	}
}

bool sw_render(const struct sw_setting *s, const struct sw_values *v, char *buf, size_t len)
{
	size_t at = 0;

	if (s->kind == SW_KEEPALIVE && v->endpoint) {
		char hb[120];

		names(hb, sizeof hb, true);
		snprintf(buf, len, "# %s: TCP keep-alive carries no data and cannot keep a "
			 "connection the peer closes when idle; send data (%s do) at least every "
			 "%.1f s\n", s->what, hb, v->heartbeat_s);
		return false;
	}
	if (v->heartbeat_s < s->min_s) {
		snprintf(buf, len, "# %s: cannot send its heartbeat more often than every %.0f s; "
			 "this path needs one every %.1f s\n", s->what, s->min_s, v->heartbeat_s);
		return false;
	}
	for (const char *p = s->lines; *p && at + 1 < len; p++) {
		char val[32];

		if (*p != '%' || !p[1]) {
			buf[at++] = *p;
			continue;
		}
		value_of(*++p, v, val, sizeof val);
		at += (size_t)snprintf(buf + at, len - at, "%s", val);
		if (at >= len)
			at = len - 1;
	}
	buf[at] = '\0';
	return true;
}
