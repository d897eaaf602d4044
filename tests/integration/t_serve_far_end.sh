#!/bin/bash
# test-timeout: 90
# Issue 18: kaprobe serve in the server namespace, live --far-end from the
# client through the plain router: every probe arrived at the far end,
# unchanged (the router's TTL decrement is not a change), answered by the
# peer; over IPv4 and IPv6.  serve's view: the connections opened and
# closed with their 4-tuples, each RECEIVED request answered OK, the
# handshake of each seen (no "unseen").
. tests/integration/lib.sh
. tests/integration/serve_lib.sh
PORT=7481
need_kaprobe
tb_up || fail "tb_up failed"
sv_start $PORT

for dst in "$TB_SRV4:$PORT" "[$TB_SRV6]:$PORT"; do
	out=$TB_DIR/live.$RANDOM.json
	ka_run "$out" --json --far-end -c 2 "$dst"
	assert_eq 0 "$KA_RC" "exit status against serve ($dst)"
	json_valid "$out"
	assert_eq 2 "$(json_count "$out" 'select(.event=="arrival")')" "arrival events ($dst)"
	assert_eq 2 "$(json_count "$out" 'select(.event=="arrival" and .arrived and
		(.changed | length) == 0 and .answered_by == "peer")')" \
		"probes arrived unchanged, answered by the peer ($dst)"
	assert_eq "1 2" "$(jq -r 'select(.event=="arrival") | .round' "$out" | paste -sd' ')" \
		"one arrival per round ($dst)"
done

sv_stop
assert_eq 0 "$SV_RC" "serve's exit status after SIGTERM"
json_valid "$SV_OUT"
# Two probed connections and one query connection per round.
assert_eq 6 "$(json_count "$SV_OUT" 'select(.event=="open")')" "connections opened"
assert_eq 6 "$(json_count "$SV_OUT" 'select(.event=="close")')" "connections closed"
assert_eq 0 "$(json_count "$SV_OUT" 'select(.event=="unseen")')" "handshakes not seen"
assert_eq 4 "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="RECEIVED" and .ok)')" \
	"RECEIVED requests answered"
# The probed connections made no request (they stayed idle).
assert_eq 1 "$(json_count "$SV_OUT" "select(.event==\"close\" and .requests == 0 and
	(.you | startswith(\"$TB_CLI4:\")) and .me == \"$TB_SRV4:$PORT\")")" \
	"the probed IPv4 connection's 4-tuple"
assert_eq 1 "$(json_count "$SV_OUT" 'select(.event=="summary" and .refused == 0)')" "summary"
