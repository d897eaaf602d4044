#!/bin/bash
# test-timeout: 120
# Issue 17: the audit against redis-server 7.0 with "timeout 5".  redis
# checks its clients' idle time in whole seconds (serverCron), so it closes
# a connection idle for 5 s somewhere between 5 and about 7 s; the finding
# is that close (a FIN from the server itself), and 'PING\r\n' heartbeats,
# which redis answers, keep the connection where keep-alive cannot.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
. tests/integration/proxy_lib.sh
. tests/integration/audit_closed_lib.sh
PORT=6390
ka_setup 7423
px_redis $PORT 5
out=$TB_DIR/out.json
KA_TIMEOUT=100 audit_run "$out" --heartbeat 'PING\r\n' "$TB_SRV4:$PORT"
px_logs
audit_assert_closed "$out" "$TB_SRV4" 5 7.5
