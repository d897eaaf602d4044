#!/bin/bash
# test-timeout: 120
# Issue 17: the audit through nginx's stream module (proxy_timeout 5s) on the
# router, in front of tcpserver: the proxy closes connections idle for 5 s
# with a FIN, which keep-alive probes (answered by the proxy's own kernel)
# cannot prevent and data can.  The finding is the close itself, timed from
# the last data (the proxy's timers run in milliseconds), by the peer (the
# proxy terminates TCP), never a discarded connection; keep-alive's refresh
# fails and --heartbeat's data keeps the connection.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
. tests/integration/proxy_lib.sh
. tests/integration/audit_closed_lib.sh
BACKEND=7422
PORT=9000
ka_setup $BACKEND
px_nginx_stream $PORT $BACKEND 5
out=$TB_DIR/out.json
KA_TIMEOUT=100 audit_run "$out" --heartbeat 'hello\r\n' "$TB_RTR4:$PORT"
px_logs
audit_assert_closed "$out" "$TB_RTR4" 4.5 6
assert_eq 0 "$(audit_get "$out" summary .discarded)" "no connection discarded"
