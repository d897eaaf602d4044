#!/bin/bash
# proxy_lib.sh - real software that closes idle connections itself, for
# tests/integration/t_closed_*.sh.  Source it from the repo root after lib.sh
# and tb_up (ka_setup):
#   . tests/integration/lib.sh; . tests/integration/proxy_lib.sh
#
# Each px_* writes its configuration into $TB_DIR, runs the Debian binary in
# the foreground under & inside one of the testbed's namespaces (its pid in
# TB_PIDS, so tb_down stops it; whatever it forked dies with the namespace
# in _tb_destroy), waits (5 s) until it listens, and logs to $TB_DIR.
# Nothing listens outside the testbed: the proxies bind the router's
# client-side addresses, redis the server's.
#
#   px_haproxy PORT BACKEND TIMEOUT    HAProxy 2.6, mode tcp, in the router ns
#                  on $TB_RTR4:PORT and [$TB_RTR6]:PORT, forwarding to
#                  $TB_SRV4:BACKEND; timeout client and server TIMEOUT s
#                  (FIN to the client after TIMEOUT s without data either way)
#   px_haproxy_server PORT BACKEND TIMEOUT   the same HAProxy on the server
#                  host: in the server ns on $TB_SRV4:PORT, forwarding over
#                  loopback to 127.0.0.1:BACKEND (kaprobe serve behind it)
#   px_haproxy_client PORT BACKEND TIMEOUT   the same HAProxy as a sidecar: in
#                  the client ns on its loopback (127.0.0.1:PORT, [::1]:PORT),
#                  forwarding over the router to $TB_SRV4:BACKEND
#   px_nginx_stream PORT BACKEND TIMEOUT   nginx's stream module, the same
#                  addresses; proxy_timeout TIMEOUT s
#   px_redis PORT TIMEOUT              redis-server in the server ns on
#                  $TB_SRV4:PORT and [$TB_SRV6]:PORT, "timeout TIMEOUT"
#                  (checked in whole seconds: it closes after TIMEOUT to
#                  TIMEOUT + 2 s), no persistence
#   px_established NS PORT PEER        the process names (one a line) holding
#                  an established connection on local PORT from PEER
#                  (addr:port, IPv6 as [addr]:port) in namespace NS
#   px_logs                            print the px_* logs (a failing test's
#                  output shows them: call it before an assertion that may fail)
#
# Assertions on kaprobe's live JSON (after ka_run / ka_wait):
#   px_assert_closed OUT FROM LO HI    exit 5, one verdict: closed, how fin,
#                  by peer, from FROM, LO <= idle_s <= HI; keep-alive probes
#                  answered before it (at least 2); the summary last
#   px_assert_heartbeat OUT LEN ROUNDS exit 0, verdict alive, ROUNDS probes
#                  of LEN bytes (heartbeats), each answered (ack or data)
#   px_assert_held NS PORT PEER NAME   the process NAME holds the established
#                  connection from PEER on PORT in NS
#
# Never call a bare `wait` in a test: the px_* servers are background jobs
# of the test's shell and would be waited for too.
# The backend behind a proxy is tools/tcpserver (tb_start_server -p BACKEND),
# which holds connections and reads and discards whatever arrives.
# Variables: PX_PID (the last px_* process), PX_LOGS (their log files).

PX_LOGS=

_px_need() {
	command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] ||
		fail "$1 not installed (tools/install-deps.sh)"
}

# _px_start NS LOG CMD...: CMD in NS, in the background, output to LOG.
# ip netns exec replaces itself with CMD, so $! is CMD's pid.
_px_start() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" >>"$log" 2>&1 &
	PX_PID=$!
	TB_PIDS="$TB_PIDS $PX_PID"
	PX_LOGS="$PX_LOGS $log"
}

# _px_wait_listen NS PORT NAME: until a socket listens on PORT in NS.
_px_wait_listen() {
	local ns=$1 port=$2 name=$3 i
	for i in $(seq 50); do
		[ -n "$(ip netns exec "$ns" ss -Hltn "( sport = :$port )")" ] && return 0
		kill -0 "$PX_PID" 2>/dev/null || break
		sleep 0.1
	done
	px_logs
	fail "$name did not listen on port $port in $ns"
}

px_haproxy() {
	_px_haproxy_in "$TB_R" "$TB_RTR4:$1" "[$TB_RTR6]:$1" "$TB_SRV4:$2" "$3" "$1"
}

px_haproxy_server() {
	_px_haproxy_in "$TB_S" "$TB_SRV4:$1" "[$TB_SRV6]:$1" "127.0.0.1:$2" "$3" "$1"
}

# px_haproxy_client PORT BACKEND_PORT TIMEOUT: HAProxy in the client's
# namespace on its loopback (a sidecar), to the server over the router.
px_haproxy_client() {
	_px_haproxy_in "$TB_C" "127.0.0.1:$1" "[::1]:$1" "$TB_SRV4:$2" "$3" "$1"
}

# _px_haproxy_in NS BIND4 BIND6 BACKEND TIMEOUT PORT
_px_haproxy_in() {
	local ns=$1 bind4=$2 bind6=$3 backend=$4 timeout=$5 port=$6 cfg=$TB_DIR/haproxy.cfg
	_px_need haproxy
	# No stats socket, no pidfile, no chroot: nothing outside $TB_DIR.
	# Logs go to stderr, hence to $TB_DIR/haproxy.log.
	cat >"$cfg" <<EOF
global
	log stderr format raw local0 info
	maxconn 256
defaults
	mode tcp
	log global
	option tcplog
	timeout connect 2s
	timeout client ${timeout}s
	timeout server ${timeout}s
frontend closer
	bind $bind4
	bind $bind6
	default_backend holder
backend holder
	server tcpserver $backend
EOF
	# -db: stay in the foreground, one process.
	_px_start "$ns" "$TB_DIR/haproxy.log" haproxy -db -f "$cfg"
	_px_wait_listen "$ns" "$port" haproxy
}

# The stream module as Debian installs it (libnginx-mod-stream).
_px_nginx_stream_so() {
	local so=/usr/lib/nginx/modules/ngx_stream_module.so
	[ -e "$so" ] || so=$(dpkg -L libnginx-mod-stream 2>/dev/null | grep '/ngx_stream_module\.so$' | head -n1)
	[ -n "$so" ] && [ -e "$so" ] || fail "ngx_stream_module.so not found (tools/install-deps.sh)"
	echo "$so"
}

px_nginx_stream() {
	local port=$1 backend=$2 timeout=$3 dir=$TB_DIR/nginx so
	_px_need nginx
	so=$(_px_nginx_stream_so) || exit 1
	mkdir -p "$dir"
	# A stream block only: no http block, so nothing else listens.
	cat >"$dir/nginx.conf" <<EOF
load_module $so;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log info;
worker_processes 1;
events {
	worker_connections 256;
}
stream {
	server {
		listen $TB_RTR4:$port;
		listen [$TB_RTR6]:$port;
		proxy_pass $TB_SRV4:$backend;
		proxy_connect_timeout 2s;
		proxy_timeout ${timeout}s;
	}
}
EOF
	# -e: the error log before the configuration is read (the default is
	# /var/log/nginx/error.log); -p: every relative path under $dir.
	_px_start "$TB_R" "$dir/error.log" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf"
	_px_wait_listen "$TB_R" "$port" nginx
}

px_redis() {
	local port=$1 timeout=$2
	_px_need redis-server
	# No configuration file: the defaults and these.  --save '' and
	# --appendonly no: nothing written; --protected-mode no: it answers
	# clients from other addresses, here only the testbed's.
	_px_start "$TB_S" "$TB_DIR/redis.log" redis-server --port "$port" \
		--bind "$TB_SRV4 $TB_SRV6" --timeout "$timeout" --save '' --appendonly no \
		--dir "$TB_DIR" --protected-mode no --daemonize no --logfile ''
	_px_wait_listen "$TB_S" "$port" redis-server
}

px_established() {
	local ns=$1 port=$2 peer=$3
	ip netns exec "$ns" ss -Htnp state established "( sport = :$port )" |
		awk -v p="$peer" '$4 == p { print }' | grep -o 'users:(("[^"]*"' | cut -d'"' -f2
}

px_assert_closed() {
	local out=$1 from=$2 lo=$3 hi=$4 v='select(.event=="verdict")' idle
	assert_eq 5 "$KA_RC" "exit status (closed)"
	json_valid "$out"
	assert_eq 1 "$(json_count "$out" "$v")" "verdict events"
	assert_eq closed "$(json_field "$out" "$v" .verdict)" verdict
	assert_eq fin "$(json_field "$out" "$v" .how)" verdict.how
	assert_eq peer "$(json_field "$out" "$v" .by)" verdict.by
	assert_eq "$from" "$(json_field "$out" "$v" .from)" verdict.from
	idle=$(json_field "$out" "$v" .idle_s)
	assert_ge "$idle" "$lo" "verdict.idle_s"
	assert_le "$idle" "$hi" "verdict.idle_s"
	# Keep-alive worked all along: the peer's kernel answered the probes,
	# and still the application closed.
	assert_ge "$(json_field "$out" 'select(.event=="summary")' .answered)" 2 \
		"summary.answered (probes answered before the close)"
	assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
}

px_assert_heartbeat() {
	local out=$1 len=$2 rounds=$3 v='select(.event=="verdict")'
	assert_eq 0 "$KA_RC" "exit status with --heartbeat (alive)"
	json_valid "$out"
	assert_eq alive "$(json_field "$out" "$v" .verdict)" "verdict with --heartbeat"
	assert_eq 1 "$(json_count "$out" "$v")" "verdict events"
	assert_eq "$rounds" "$(json_count "$out" "select(.event==\"probe\" and .len==$len)")" \
		"heartbeats of $len bytes"
	assert_eq "$rounds" "$(json_count "$out" 'select(.event=="probe")')" "probe events"
	# The answer is the peer's ACK of the data, alone or on its own data
	# (redis's +PONG).
	assert_eq "$rounds" "$(json_count "$out" 'select(.event=="reply" and (.kind=="ack" or .kind=="data") and .n==1)')" \
		"heartbeats answered (an ACK, or data that acknowledges them)"
	assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
}

px_assert_held() {
	local ns=$1 port=$2 peer=$3 name=$4 held
	held=$(px_established "$ns" "$port" "$peer")
	[ -n "$held" ] || ip netns exec "$ns" ss -Htnp
	assert_eq "$name" "$held" "process holding the connection from $peer on port $port in $ns"
}

px_logs() {
	local f
	for f in $PX_LOGS; do
		echo "--- $f:"
		cat "$f" 2>/dev/null
	done
	[ -z "$PX_LOGS" ] || echo "---"
}
