#!/bin/bash
# Issue 19: kaprobe watch -f FILE and SIGHUP.  Two targets, two connections
# each; the file then drops one and names a new one.  After SIGHUP the kept
# target's connections are the same sockets (the same 4-tuples, on the
# server's side too, and no new connect event), the dropped one's end with
# the verdict "removed", the new one's connect; a file that no longer reads
# is said as a notice and changes nothing.  --check validates a file
# without probing (no privilege, no namespace needed).
. tests/integration/lib.sh
KEPT=7411 GONE=7412 NEW=7413
ka_setup $KEPT
tb_start_server -p $GONE || fail "second server"
tb_start_server -p $NEW || fail "third server"
# kaprobe re-reads the file as the user it became (nobody): the file and
# its directory must be readable by that user.
chmod o+x "$TB_DIR"
file=$TB_DIR/targets
printf '# watched\n%s\n%s\n' "$TB_SRV4:$KEPT" "$TB_SRV4:$GONE" >"$file"

note "--check"
assert_eq "$file: 2 targets, valid" "$(tb_c "$KAPROBE" watch --check "$file")" "--check's line"
printf 'nonsense\n' >"$TB_DIR/bad"
tb_c "$KAPROBE" watch --check "$TB_DIR/bad" 2>"$TB_DIR/bad.err"
assert_eq 64 $? "--check of a bad file"
assert_match "bad:1:" "$(cat "$TB_DIR/bad.err")" "the bad line named"
# Usage errors: one line naming the option, exit 64, before any socket
# (in the client namespace all the same).
for args in "--listen nonsense" "--listen 1.2.3.4:99999" "--idle-ladder 1s,1s" \
	"--backoff 5s,1s" "--conns 0"; do
	tb_c "$KAPROBE" watch $args "$TB_SRV4:$KEPT" >/dev/null 2>"$TB_DIR/usage.err"
	assert_eq 64 $? "exit status of watch $args"
	assert_eq 1 "$(wc -l <"$TB_DIR/usage.err")" "one line for watch $args"
	assert_match "^kaprobe watch: ${args%% *}: " "$(cat "$TB_DIR/usage.err")" "the line names the option"
done

out=$TB_DIR/watch.json
KA_TIMEOUT=50 ka_start "$out" watch --json --idle 1s --intvl 500ms --conns 2 -f "$file"
# connects N [TARGET]: N connect events so far (of TARGET); asked anew each try.
connects() {
	[ "$(jq -c "select(.event==\"connect\" and (\"${2:-}\" == \"\" or .dst==\"${2:-}\"))" "$out" 2>/dev/null |
		wc -l)" = "$1" ]
}
wait_until 10 connects 4 || fail "four connections"
sleep 1
tuples() {   # the server's established connections to port $1, as "peer local"
	tb_s ss -Htn state established "( sport = :$1 )" | awk '{print $3, $4}' | sort
}
kept_before=$(tuples $KEPT)
assert_eq 2 "$(echo "$kept_before" | wc -l)" "two kept connections on the server"
srcs_before=$(jq -r "select(.event==\"connect\" and .dst==\"$TB_SRV4:$KEPT\") | .src" "$out" | sort)

printf '%s\n%s\n' "$TB_SRV4:$KEPT" "$TB_SRV4:$NEW" >"$file"
kill -HUP "$(ka_pid)"
wait_until 10 grep -q '"event":"reload"' "$out" || fail "no reload notice"
wait_until 10 connects 2 "$TB_SRV4:$NEW" ||
	fail "the new target's two connections"
sleep 2
assert_eq "$kept_before" "$(tuples $KEPT)" "the kept target's 4-tuples on the server"
assert_eq "$srcs_before" "$(jq -r "select(.event==\"connect\" and .dst==\"$TB_SRV4:$KEPT\") | .src" "$out" | sort)" \
	"no new connection to the kept target"
assert_eq 2 "$(json_count "$out" "select(.event==\"verdict\" and .dst==\"$TB_SRV4:$GONE\" and .verdict==\"removed\")")" \
	"the removed target's connections end removed"
assert_eq 0 "$(json_count "$out" "select(.event==\"verdict\" and .dst==\"$TB_SRV4:$KEPT\")")" \
	"no verdict for the kept target"
gone_closed() { [ -z "$(tuples $GONE)" ]; }
wait_until 5 gone_closed || fail "the removed target's connections closed"
assert_match "1 targets kept, 1 added, 1 removed" "$(cat "$out")" "the reload's notice"

note "the removed target named again"
printf '%s\n%s\n%s\n' "$TB_SRV4:$KEPT" "$TB_SRV4:$NEW" "$TB_SRV4:$GONE" >"$file"
kill -HUP "$(ka_pid)"
wait_until 10 connects 4 "$TB_SRV4:$GONE" || fail "the target named again connects again"
assert_eq "$kept_before" "$(tuples $KEPT)" "the kept target's 4-tuples after a second reload"
printf '%s\n%s\n' "$TB_SRV4:$KEPT" "$TB_SRV4:$NEW" >"$file"

note "a file with no target"
printf '# nothing\n' >"$file"
kill -HUP "$(ka_pid)"
wait_until 10 grep -q 'has no target: the current ones are kept' "$out" || fail "no reload-error for an empty file"
sleep 1
assert_eq "$kept_before" "$(tuples $KEPT)" "the kept target's 4-tuples after an empty file"

note "a file that no longer reads"
mv "$file" "$file.moved"
kill -HUP "$(ka_pid)"
wait_until 10 grep -q 'reload-error' "$out" || fail "no reload-error notice"
sleep 1
assert_eq "$kept_before" "$(tuples $KEPT)" "the kept target's 4-tuples after a failed reload"
assert_eq 2 "$(tuples $NEW | wc -l)" "the new target's connections after a failed reload"
kill -TERM "$(ka_pid)"
ka_wait
assert_eq 0 "$KA_RC" "exit status after SIGTERM"
json_valid "$out"
echo ok
