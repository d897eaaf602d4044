#!/bin/bash
# test-timeout: 120
# Issue 18: HAProxy (TCP mode) with a short timeout (4 s, client and
# server) on the server host in front of kaprobe serve, a plain router:
# the proxy closes a connection that carries no data for 4 s (after the
# variants' 2.7 s), whoever sends keep-alive: keep-alive from neither side
# survives, heartbeats (data) from either side do; the advice is heartbeats.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
. tests/integration/proxy_lib.sh
. tests/integration/serve_lib.sh
PORT=7495
BACKEND=7496
need_kaprobe
tb_up || fail "tb_up failed"
sv_start 127.0.0.1:$BACKEND
px_haproxy_server $PORT $BACKEND 4

out=$TB_DIR/out.json
KA_TIMEOUT=100 audit_run "$out" --max-idle 10s --resolution 500ms "$TB_SRV4:$PORT"
sv_stop
px_logs
assert_eq 1 "$KA_RC" "exit status (the proxy closes idle connections)"
audit_assert_shape "$out"
assert_eq endpoint-close "$(audit_get "$out" idle-timeout .kind)" "idle-timeout.kind"
for f in client server both; do
	assert_eq false "$(json_field "$out" "select(.event==\"refresh\" and .from==\"$f\" and
		.with==\"keepalive\")" .survived)" "refresh with keep-alive from $f did not survive"
done
for f in client server; do
	assert_eq true "$(json_field "$out" "select(.event==\"refresh\" and .from==\"$f\" and
		.with==\"heartbeat\")" .survived)" "refresh with heartbeats from $f survived"
done
assert_eq heartbeat "$(audit_get "$out" advice .kind)" "advice.kind"
assert_eq either "$(audit_get "$out" advice .side)" "advice.side (heartbeats from either side)"
echo ok
