#!/bin/bash
# SIGTERM in the middle of a run over several connections: each gets a
# verdict (alive: its last round was answered), the table is printed, and
# the exit status follows the verdicts.  SIGQUIT prints the table to stderr
# and the run goes on.
. tests/integration/lib.sh
ka_setup 7341
out=$TB_DIR/out.txt
ka_start "$out" --conns 3 --idle 500ms --intvl 500ms "$TB_SRV4:7341"
answered() { [ "$(grep -c ' : ack from ' "$out")" -ge 6 ]; }
wait_until 10 answered || fail "no two answered rounds on each connection"
kill -QUIT "$(ka_pid)"
wait_until 5 grep -Eq 'conn +target' "$out.err" || fail "SIGQUIT printed no table"
assert_match 'running' "$(cat "$out.err")" "SIGQUIT: connections still running"
kill -TERM "$(ka_pid)"
ka_wait
assert_eq 0 "$KA_RC" "exit status (every last round answered)"
assert_match 'keep-alive statistics, 3 connections' "$(cat "$out")" "the table's title"
for c in 1 2 3; do
	assert_match " +$c +$TB_SRV4:7341 +[0-9]+ +[0-9]+ +0 +[0-9.]+/[0-9.]+/[0-9.]+ +alive" \
		"$(cat "$out")" "row $c"
done
echo ok
