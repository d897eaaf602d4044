#!/bin/bash
# test-timeout: 90
# Issue 18: HAProxy (TCP mode, long timeouts) between the client and kaprobe
# serve: live --far-end's probes are answered (by the proxy's kernel) but
# never reach serve: arrived false, answered_by "middlebox".
. tests/integration/lib.sh
. tests/integration/proxy_lib.sh
. tests/integration/serve_lib.sh
PORT=7483
BACKEND=7484
need_kaprobe
tb_up || fail "tb_up failed"
sv_start $BACKEND
px_haproxy $PORT $BACKEND 300

out=$TB_DIR/live.json
ka_run "$out" --json --far-end -c 2 "$TB_RTR4:$PORT"
sv_show
px_logs
assert_eq 0 "$KA_RC" "exit status (the proxy answers)"
json_valid "$out"
assert_eq 2 "$(json_count "$out" 'select(.event=="arrival")')" "arrival events"
assert_eq 2 "$(json_count "$out" 'select(.event=="arrival" and (.arrived | not) and
	.answered_by == "middlebox")')" "answered by a middlebox, never arrived"
# serve held the proxy's connection and answered its queries.
assert_ge "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="RECEIVED" and .ok)')" 2 \
	"RECEIVED requests through the proxy"
