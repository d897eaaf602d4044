#!/bin/bash
# Issue 19: kaprobe watch --idle-ladder in front of HAProxy (timeout client
# 2 s): the 1 s rung's probe is answered (the proxy closes it later, at
# 2 s without data: probes carry none), the 3 s rung's connection is
# closed by the proxy before its probe; the metrics bracket the idle
# timeout between them, and promtool accepts them.  The heartbeat
# connection's data keeps it open.
. tests/integration/lib.sh
. tests/integration/proxy_lib.sh
BACKEND=7421 PROXY=9421 LISTEN=127.0.0.1:9465
ka_setup $BACKEND
px_haproxy $PROXY $BACKEND 2
out=$TB_DIR/watch.json
metrics=$TB_DIR/metrics.txt
KA_TIMEOUT=40 ka_start "$out" watch --json --heartbeat 'ping\n' --intvl 500ms --idle 1s \
	--idle-ladder 1s,3s --backoff 500ms --listen "$LISTEN" "$TB_RTR4:$PROXY"
wait_until 15 grep -q '"verdict":"closed".*"rung_s":3' "$out" || fail "the 3 s rung closed"
ladder_ok() {
	tb_c curl -sf "http://$LISTEN/metrics" -o "$metrics" &&
		grep -q '^kaprobe_ladder_answered_max_idle_seconds{target="'"$TB_RTR4:$PROXY"'"} 1.0$' "$metrics" &&
		grep -q '^kaprobe_ladder_unanswered_min_idle_seconds{target="'"$TB_RTR4:$PROXY"'"} 3.0$' "$metrics"
}
wait_until 10 ladder_ok || { cat "$metrics"; fail "the ladder's bracket"; }
promtool check metrics <"$metrics" || fail "promtool check metrics"
assert_json "$out" 'map(select(.event=="verdict" and .rung_s == 1)) | all(.idle_s > 1.5)' \
	"the 1 s rung's connections close only after the proxy's 2 s"
assert_json "$out" 'map(select(.event=="verdict" and (has("rung_s") | not))) | length == 0' \
	"the heartbeat connection holds"
kill -TERM "$(ka_pid)"
ka_wait
assert_eq 0 "$KA_RC" "exit status after SIGTERM"
echo ok
