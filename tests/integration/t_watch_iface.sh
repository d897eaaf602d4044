#!/bin/bash
# Issue 19: kaprobe watch outlives its interface.  The client's veth is
# deleted (with its routes) while a connection is held, and made again 3 s
# later: the capture's failure is said (capture-lost, with when it is tried
# again), the connection dies and its replacements fail while the link is
# gone, the capture is reopened with the CAP_NET_RAW kept for it although
# kaprobe runs as nobody (capture-reopened, kaprobe_capture_restarts_total
# 1), and a new connection is held and answered.  Meanwhile kaprobe holds
# CAP_NET_RAW permitted only, nothing effective, and no_new_privs.
. tests/integration/lib.sh
PORT=7431 LISTEN=127.0.0.1:9467
ka_setup $PORT
out=$TB_DIR/watch.json
KA_TIMEOUT=50 ka_start "$out" watch --json --idle 1s --intvl 500ms --probes 3 \
	--backoff 500ms,2s --connect-timeout 1s --listen "$LISTEN" "$TB_SRV4:$PORT"
wait_until 10 grep -q '"kind":"ack"' "$out" || fail "no answer before the link goes"
assert_eq nobody "$(ps -o user= -p "$(ka_pid)")" "kaprobe runs as nobody"
status=$(cat "/proc/$(ka_pid)/status")
assert_match $'\nCapPrm:\t0000000000002000\n' "$status" "only CAP_NET_RAW permitted"
assert_match $'\nCapEff:\t0000000000000000\n' "$status" "nothing effective"
assert_match $'\nNoNewPrivs:\t1\n' "$status" "no_new_privs"
tb_c ip link del "$TB_C_IF" || fail "link del"
wait_until 10 grep -q '"event":"capture-lost"' "$out" || fail "no capture-lost event"
sleep 3
# The link again, as tools/testbed.sh makes it.
tb_r ip link add rc type veth peer name "$TB_C_IF" netns "$TB_C" || fail "link add"
tb_c ip addr add "$TB_CLI4/24" dev "$TB_C_IF" || fail "address"
tb_r ip addr add "$TB_RTR4/24" dev rc || fail "router address"
tb_c ip link set "$TB_C_IF" up && tb_r ip link set rc up || fail "link up"
tb_c ip route add default via "$TB_RTR4" || fail "default route"
wait_until 90 grep -q '"event":"capture-reopened"' "$out" || fail "no capture-reopened event"
# reopened_then EVENT-FILTER: an event after the reopening (asked anew each try).
answered_after() {
	jq -s '(map(.event) | index("capture-reopened")) as $i | .[$i:] |
		any(.event=="reply" and .kind=="ack")' "$out" 2>/dev/null | grep -q true
}
wait_until 15 answered_after || fail "no answered probe after the capture came back"
tb_c curl -sf "http://$LISTEN/metrics" -o "$TB_DIR/metrics" || fail "scrape"
grep -qx 'kaprobe_capture_restarts_total 1' "$TB_DIR/metrics" || fail "restarts counted"
grep -qxF "kaprobe_connections_held{target=\"$TB_SRV4:$PORT\"} 1" "$TB_DIR/metrics" ||
	fail "one connection held again"
assert_json "$out" 'map(select(.event=="capture-lost")) | all(.text | test("reopening the capture in [0-9]+s"))' \
	"capture-lost says when it is tried again"
kill -TERM "$(ka_pid)"
ka_wait
assert_eq 0 "$KA_RC" "exit status after SIGTERM"
echo ok
