#!/bin/bash
# test-timeout: 90
# Interrupted before a verdict: exit 4, for live mode (no round finished,
# or the current round unanswered) and for the audit.  On a terminal, live
# mode shows a status line (the next probe, rounds so far) on stderr; not
# when stderr is not a terminal.  An interrupted audit's --report is written.
. tests/integration/lib.sh
PORT=7371
ka_setup $PORT
out=$TB_DIR/out.json
ka_start "$out" --idle 30s --json "$TB_SRV4:$PORT"
ka_wait_connect "$out"
kill -TERM "$(ka_pid)"
ka_wait
assert_eq 4 "$KA_RC" "exit status (interrupted before any round)"
assert_json "$out" '.[-1].event == "summary" and .[-1].sent == 0' "the summary, no probe sent"
assert_json "$out" 'map(select(.event=="verdict")) | length == 0' "no verdict"

# The audit, interrupted during its variants: its report is still written
# (opened as root before privileges were dropped) and says so.
ka_start "$out" audit --json --max-idle 4s --report "$TB_DIR/int.html" "$TB_SRV4:$PORT"
sleep 1
kill -TERM "$(ka_pid)"
ka_wait
assert_eq 4 "$KA_RC" "exit status (audit interrupted)"
assert_eq true "$(json_field "$out" 'select(.event=="summary")' .interrupted)" "summary.interrupted"
assert_file "$TB_DIR/int.html" "the interrupted audit's report"
assert_match 'Interrupted before the audit was done' "$(cat "$TB_DIR/int.html")" "the report's verdict"
assert_match '<dd id="status">4</dd>' "$(cat "$TB_DIR/int.html")" "the report's exit status"

# The status line: under a pseudo-terminal (script(1)), and not without.
script -qfec "timeout -s TERM 3 ip netns exec $TB_C $KAPROBE --idle 20s $TB_SRV4:$PORT" \
	"$TB_DIR/tty.log" >/dev/null 2>&1
assert_match 'round 0, idle; next probe in 1[0-9]' "$(tr '\r' '\n' <"$TB_DIR/tty.log")" \
	"status line on a terminal"
ka_run "$out" --idle 1s -c 1 "$TB_SRV4:$PORT"
assert_eq 0 "$(grep -c 'next probe in' "$out.err")" "no status line off a terminal"
echo ok
