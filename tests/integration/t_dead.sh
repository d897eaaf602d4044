#!/bin/bash
# The path is cut after the connection is up: 3 unanswered probes -> dead, exit 1.
. tests/integration/lib.sh
PORT=7206
ka_setup $PORT
out=$TB_DIR/out.json
ka_start "$out" --idle 2s --intvl 1s --probes 3 --json "$TB_SRV4:$PORT"
ka_wait_connect "$out"
tb_router_cut || fail "tb_router_cut"
ka_wait
assert_eq 1 "$KA_RC" "exit status"
json_valid "$out"
assert_eq 3 "$(json_count "$out" 'select(.event=="probe")')" "probe events"
assert_json "$out" '[.[] | select(.event=="probe") | .n] == [1,2,3]' "probes numbered 1, 2, 3"
assert_eq 0 "$(json_count "$out" 'select(.event=="reply" and .n > 0)')" "replies to probes"
assert_eq dead "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
assert_ge "$(json_field "$out" 'select(.event=="summary")' .lost)" 3 summary.lost
assert_eq 0 "$(json_field "$out" 'select(.event=="summary")' .answered)" summary.answered
# The verdict comes after the last probe, not with it: Linux declares death
# when the timer fires one interval after probe N.
assert_json "$out" '(map(.event) | index("verdict")) > (map(.event) | rindex("probe"))' \
	"verdict after the last probe"
echo ok
