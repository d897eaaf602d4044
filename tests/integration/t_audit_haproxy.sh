#!/bin/bash
# test-timeout: 120
# Issue 17: the audit through HAProxy 2.6 in TCP mode (timeout client and server 5 s) on the
# router, in front of tcpserver: the proxy closes connections idle for 5 s
# with a FIN, which keep-alive probes (answered by the proxy's own kernel)
# cannot prevent and data can.  The finding is the close itself, timed from
# the last data (the proxy's timers run in milliseconds), by the peer (the
# proxy terminates TCP), never a discarded connection; keep-alive's refresh
# fails and --heartbeat's data keeps the connection.
# The report says so, and draws the closes.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
. tests/integration/proxy_lib.sh
. tests/integration/audit_closed_lib.sh
BACKEND=7421
PORT=9000
ka_setup $BACKEND
px_haproxy $PORT $BACKEND 5
out=$TB_DIR/out.json
KA_TIMEOUT=100 audit_run "$out" --heartbeat 'hello\r\n' --report "$TB_DIR/audit.html" "$TB_RTR4:$PORT"
px_logs
audit_assert_closed "$out" "$TB_RTR4" 4.5 6
assert_eq 0 "$(audit_get "$out" summary .discarded)" "no connection discarded"
audit_assert_report "$out" "$TB_DIR/audit.html"
assert_eq 1 "$(grep -c 'id="kind">the peer closes it' "$TB_DIR/audit.html.dom")" "the report's kind of killer"
assert_eq 1 "$(grep -c 'id="heartbeat"' "$TB_DIR/audit.html.dom")" "the report's heartbeat advice"
