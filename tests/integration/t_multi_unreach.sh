#!/bin/bash
# Many targets are independent (issue 23): a route to one target's server
# made unreachable during a many-target run is that target's verdict, not
# the run's.  The server has a second address; the client's route to it
# turns into an `unreachable` route once the run has started:
#  - conn 2 (second address), connected before: its probes cannot leave,
#    they are counted lost, as the kernel counts a tcp_write_wakeup that
#    failed: dead;
#  - conn 3 (second address), opened after (--connect-rate 1): connect()
#    fails at once, ENETUNREACH/EHOSTUNREACH: no-connection (unreachable);
#    once this ended the whole run with exit 3, no verdict for the others,
#    no table;
#  - conns 1 and 4 (first address) go on to alive.
. tests/integration/lib.sh
PORT=7321
ka_setup $PORT
SRV2=198.19.1.3
tb_s ip addr add $SRV2/24 dev "$TB_S_IF" || fail "second server address"
out=$TB_DIR/out.json
ka_start "$out" --json --connect-rate 1 --idle 1s --intvl 500ms --probes 3 -c 4 \
	"$TB_SRV4:$PORT" "$SRV2:$PORT" "$SRV2:$PORT" "$TB_SRV4:$PORT"
wait_until 10 grep -q '"event":"connect","t":[0-9.]*,"conn":2' "$out" ||
	fail "connection 2 did not connect"
tb_c ip route add unreachable $SRV2/32 || fail "unreachable route"
ka_wait
assert_eq 3 "$KA_RC" "exit status (the highest: 3, no connection)"
json_valid "$out"
assert_eq 4 "$(json_count "$out" 'select(.event=="verdict")')" "one verdict per connection"
assert_eq alive "$(json_field "$out" 'select(.event=="verdict" and .conn==1)' .verdict)" "conn 1"
assert_eq dead "$(json_field "$out" 'select(.event=="verdict" and .conn==2)' .verdict)" "conn 2"
assert_eq no-connection "$(json_field "$out" 'select(.event=="verdict" and .conn==3)' .verdict)" \
	"conn 3"
assert_eq unreachable "$(json_field "$out" 'select(.event=="verdict" and .conn==3)' .reason)" \
	"conn 3 reason"
assert_eq alive "$(json_field "$out" 'select(.event=="verdict" and .conn==4)' .verdict)" "conn 4"
assert_eq 4 "$(json_field "$out" 'select(.event=="verdict" and .conn==4)' .answered)" \
	"conn 4 answered"
assert_json "$out" 'map(select(.event=="error")) | length == 0' "no error event"
assert_json "$out" '.[-1] | .event == "summary" and .connections == 4 and .alive == 2 and
	.dead == 1 and .["no-connection"] == 1' "the summary counts verdicts"
assert_eq "" "$(cat "$out.err")" "stderr"
echo ok
