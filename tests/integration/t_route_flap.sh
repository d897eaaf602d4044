#!/bin/bash
# Issue 8 item 4: a probe that cannot be sent (no route) is a lost probe,
# reported as such; the run goes on.  The client's default route is deleted
# right after a probe and put back once the next probe has come due (so at
# least one probe finds no route).  kaprobe must report that probe with an
# "error" (e.g. "Network is unreachable"), keep running, and end with a
# verdict and a summary: with -c 3 answered rounds it ends alive (0) once
# the route is back, or with another verdict (1), never 70.
. tests/integration/lib.sh
PORT=7223
ka_setup $PORT
out=$TB_DIR/out.json

KA_TIMEOUT=30 ka_start "$out" --idle 1s --intvl 1s --probes 5 -c 3 --json "$TB_SRV4:$PORT"
ka_wait_connect "$out"
ka_wait_event "$out" '.event=="reply" and .kind=="ack"' 5 || fail "no answered probe within 5 s"
probes() { json_count "$out" 'select(.event=="probe")'; }
probes_ge() { [ "$(probes)" -ge "$1" ] || ! kill -0 "$KA_PID" 2>/dev/null; }
before=$(probes)
tb_c ip route del default || fail "deleting the client's default route"
# The next probe comes due within --idle (1 s); give it 3 s, then half a
# second more so a retry may hit the hole too.
wait_until 3 probes_ge $((before + 1))
sleep 0.5
tb_c ip route add default via "$TB_RTR4" || fail "restoring the client's default route"
ka_wait

json_valid "$out"
assert_match '^[01]$' "$KA_RC" \
	"exit status (expected a verdict, 0 alive or 1 dead; 70 = the run ended on the failed send)"
assert_ge "$(json_count "$out" 'select(.event=="probe" and (.error|type)=="string")')" 1 \
	"probe events with an error (sent while the route was gone)"
assert_match 'unreachable' "$(json_field "$out" 'select(.event=="probe" and .error != null)' .error)" \
	"the failed probe's error"
assert_json "$out" 'map(select(.event=="probe")) | all((.round|type)=="number" and .round >= 1)' \
	"every probe has a round >= 1"
assert_eq 1 "$(json_count "$out" 'select(.event=="verdict")')" "verdict events"
assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
# A probe that could not be sent is counted as sent and lost.
assert_ge "$(json_field "$out" 'select(.event=="summary")' .lost)" 1 "summary.lost"
assert_eq "$(json_count "$out" 'select(.event=="probe")')" \
	"$(json_field "$out" 'select(.event=="summary")' .sent)" "summary.sent == probe events"
echo ok
