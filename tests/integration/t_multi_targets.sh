#!/bin/bash
# Three targets in one process: one alive, one dead because the router starts
# dropping its port once its connection is up, one refused.  Each gets its
# own verdict; every event names its connection ("conn" in the order given,
# "dst"); the summary counts verdicts; the exit status is the highest (3, no
# connection).  The same run read as text ends with the table.
. tests/integration/lib.sh
ka_setup 7311
tb_start_server -p 7312 || fail "second server"
out=$TB_DIR/out.json
ka_start "$out" --idle 1s --intvl 500ms --probes 3 -c 3 --json \
	"$TB_SRV4:7311" "$TB_SRV4:7312" "$TB_SRV4:7319"
wait_until 5 grep -q '"conn":2,.*"event":"connect"\|"event":"connect","t":[0-9.]*,"conn":2' "$out" ||
	fail "connection 2 did not connect"
tb_router_nft tcp dport 7312 drop || fail "router rule"
ka_wait
assert_eq 3 "$KA_RC" "exit status (the highest: 3, no connection)"
json_valid "$out"
assert_json "$out" 'map(select(.event != "summary")) | all(.conn|type == "number") and all(.dst|type == "string")' \
	"every event names its connection and target"
assert_json "$out" 'map(select(.event != "summary")) | all(.conn >= 1 and .conn <= 3)' "conn 1..3"
assert_json "$out" 'map(select(.event != "summary")) | all((.conn == 1 and .dst == "'"$TB_SRV4"':7311")
	or (.conn == 2 and .dst == "'"$TB_SRV4"':7312") or (.conn == 3 and .dst == "'"$TB_SRV4"':7319"))' \
	"conn numbers follow the order of the targets"
assert_eq 3 "$(json_count "$out" 'select(.event=="verdict")')" "one verdict per connection"
assert_eq alive "$(json_field "$out" 'select(.event=="verdict" and .conn==1)' .verdict)" "conn 1"
assert_eq dead "$(json_field "$out" 'select(.event=="verdict" and .conn==2)' .verdict)" "conn 2"
assert_eq no-connection "$(json_field "$out" 'select(.event=="verdict" and .conn==3)' .verdict)" "conn 3"
assert_eq refused "$(json_field "$out" 'select(.event=="verdict" and .conn==3)' .reason)" "conn 3 reason"
assert_eq 3 "$(json_field "$out" 'select(.event=="verdict" and .conn==1)' .answered)" "conn 1 answered"
assert_json "$out" 'map(select(.event=="reply" and .conn==2 and .round > 1)) | length == 0' \
	"no answer to conn 2 once its port is dropped"
assert_json "$out" '.[-1] | .event == "summary" and .connections == 3 and .alive == 1 and
	.dead == 1 and .["no-connection"] == 1' "the summary counts verdicts"
ka_assert_replies_match "$out"

# Text: tagged lines and the table.
ka_run "$out.txt" --idle 1s -c 1 "$TB_SRV4:7311" "$TB_SRV4:7319"
assert_eq 3 "$KA_RC" "exit status (text)"
assert_match "$TB_SRV4:7311 : verdict alive" "$(cat "$out.txt")" "tagged verdict line"
assert_match 'conn +target +sent +answered +lost' "$(cat "$out.txt")" "the table's heading"
assert_match "2 +$TB_SRV4:7319 +0 +0 +0 +- +no-connection \\(refused\\)" "$(cat "$out.txt")" \
	"the refused row"
echo ok
