#!/bin/bash
# --conns 50 to one server; the router then drops exactly one connection's
# packets (by its source port, read from its connect event).  That one is
# dead, the other 49 alive, and no connection is answered with another's
# numbers (each answer acks its own probe: seq = probe ack, ack = probe seq+1).
. tests/integration/lib.sh
ka_setup 7331
out=$TB_DIR/out.json
ka_start "$out" --conns 50 --idle 1500ms --intvl 500ms --probes 3 -c 2 --json "$TB_SRV4:7331"
conn17() { jq -r 'select(.event=="connect" and .conn==17) | .src' "$out" 2>/dev/null | grep -q .; }
wait_until 5 conn17 || fail "connection 17 did not connect"
port=$(jq -r 'select(.event=="connect" and .conn==17) | .src | sub(".*:"; "")' "$out")
tb_router_nft tcp sport "$port" drop || fail "router rule (out)"
tb_router_nft tcp dport "$port" drop || fail "router rule (back)"
ka_wait
assert_eq 1 "$KA_RC" "exit status (one dead)"
json_valid "$out"
assert_eq 50 "$(json_count "$out" 'select(.event=="connect")')" "50 connections"
assert_eq 50 "$(jq -s 'map(select(.event=="connect") | .src) | unique | length' "$out")" \
	"50 distinct source ports"
assert_eq dead "$(json_field "$out" 'select(.event=="verdict" and .conn==17)' .verdict)" "conn 17"
assert_eq 49 "$(json_count "$out" 'select(.event=="verdict" and .verdict=="alive")')" \
	"the other 49 alive"
assert_json "$out" 'map(select(.event=="reply" and .conn==17)) | length == 0' \
	"no answer on the cut connection"
# shellcheck disable=SC2016 # jq's $c
assert_json "$out" 'group_by(.conn) | map(select(.[0].conn != null) |
	reduce .[] as $e ({last: null, ok: true};
		if $e.event == "probe" then .last = $e
		elif $e.event == "reply" and $e.kind == "ack" then
			.ok = (.ok and .last != null and $e.seq == .last.ack and
			       $e.ack == ((.last.seq + 1) % 4294967296))
		else . end) | .ok) | all' "each connection's answers match its own probes"
assert_json "$out" '.[-1] | .connections == 50 and .alive == 49 and .dead == 1' "summary"
echo ok
