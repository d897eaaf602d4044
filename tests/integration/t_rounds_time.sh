#!/bin/bash
# Rounds and time in live mode's output:
#  - every probe and reply carries its round; rounds count up, probe n
#    restarts each round, and a reply belongs to the latest probe's round;
#  - after a reset the summary adds up: sent = answered + rst_answered + lost;
#  - -D starts every event line with [unix-time.micro], as ping -D;
#  - JSON "ts" on connect and summary is the wall-clock time;
#  - a refused connection with --json also says why on stdout (an error event).
. tests/integration/lib.sh
PORT=7361
ka_setup $PORT
out=$TB_DIR/out.json
before=$(date +%s)
ka_run "$out" --idle 500ms --intvl 500ms -c 3 --json "$TB_SRV4:$PORT"
after=$(date +%s)
assert_eq 0 "$KA_RC" "exit status"
assert_json "$out" '[.[] | select(.event=="probe") | .round] == [1,2,3]' "probe rounds 1, 2, 3"
assert_json "$out" 'map(select(.event=="probe")) | all(.n == 1)' "probe n restarts each round"
assert_json "$out" '[.[] | select(.event=="reply") | .round] == [1,2,3]' "reply rounds"
for e in connect summary; do
	ts=$(json_field "$out" "select(.event==\"$e\")" .ts)
	assert_ge "$ts" "$before" "$e.ts after the start"
	assert_le "$ts" "$((after + 1))" "$e.ts before the end"
done
assert_json "$out" 'map(select(.event=="connect"))[0].timestamps == true' "connect.timestamps"

# -D: the same run for people.
ka_run "$out.txt" -D --idle 500ms -c 2 "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status (-D)"
n=$(grep -cE '^\[[0-9]{10}\.[0-9]{6}\] (KAPROBE|probe|ack from|verdict)' "$out.txt")
assert_eq 6 "$n" "-D lines: header, 2 probes, 2 answers, verdict"
first=$(grep -oE '^\[[0-9]+' "$out.txt" | head -n1 | tr -d '[')
assert_ge "$first" "$before" "-D time after the start"
assert_match '^--- .* keep-alive statistics ---' "$(grep -- '^---' "$out.txt")" \
	"the statistics block is not stamped"

# A reset: the counts add up.  The server forgets its connections (SIGUSR1:
# aborted with an RST, which the server namespace drops), so the next probe
# is answered by an RST at RCV.NXT.
ka_start "$out" --idle 2s --intvl 500ms --json "$TB_SRV4:$PORT"
ka_wait_connect "$out"
wait_until 10 grep -q '"kind":"ack"' "$out" || fail "no answered probe"
tb_server_drop_rst || fail "server: drop RSTs"
kill -USR1 "$TB_SRV_PID"
wait_until 3 test "$(server_established)" -eq 0 || fail "server kept the connection"
tb_server_allow_rst || fail "server: allow RSTs"
ka_wait
assert_eq 2 "$KA_RC" "exit status (reset)"
assert_json "$out" 'map(select(.event=="summary"))[0] | .sent == .answered + .rst_answered + .lost' \
	"sent = answered + rst_answered + lost"
assert_eq 1 "$(json_field "$out" 'select(.event=="summary")' .rst_answered)" "rst_answered"

# Refused, with --json: the stderr line and an error event.
ka_run "$out" --json "$TB_SRV4:7369"
assert_eq 3 "$KA_RC" "exit status (refused)"
assert_eq 1 "$(wc -l <"$out.err")" "one line on stderr"
assert_eq error "$(json_field "$out" '.' .event)" "an error event on stdout"
assert_match 'refused' "$(json_field "$out" '.' .text)" "error.text"
echo ok
