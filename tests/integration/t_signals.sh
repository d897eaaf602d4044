#!/bin/bash
# Without -c kaprobe probes round after round until interrupted: SIGQUIT
# prints the running statistics on stderr; SIGINT prints the summary and,
# the last round having been answered, exits 0.
. tests/integration/lib.sh
PORT=7212
ka_setup $PORT
out=$TB_DIR/out.json
ka_start "$out" --idle 1s --intvl 1s --json "$TB_SRV4:$PORT"
ka_wait_connect "$out"
wait_until 10 grep -q '"kind":"ack"' "$out" || fail "no answered probe"
kill -QUIT "$(ka_pid)"
wait_until 3 grep -q 'probes answered' "$out.err" || fail "no statistics after SIGQUIT"
kill -INT "$(ka_pid)"
ka_wait
assert_eq 0 "$KA_RC" "exit status after SIGINT"
json_valid "$out"
assert_eq alive "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
assert_ge "$(json_field "$out" 'select(.event=="summary")' .answered)" 1 summary.answered
assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
assert_match '^[0-9]+/[0-9]+ probes answered, [0-9]+ lost' "$(head -n1 "$out.err")" \
	"SIGQUIT statistics line"
echo ok
