#!/bin/bash
# Targets from -f - (standard input): comments and blank lines skipped, a
# target named twice is two connections, operands come first.  A bad line is
# a usage error naming the line.
. tests/integration/lib.sh
ka_setup 7321
out=$TB_DIR/out.json
printf '# backends\n\n  %s:7321\n%s:7321   \n' "$TB_SRV4" "$TB_SRV4" |
	timeout 30 ip netns exec "$TB_C" "$KAPROBE" --json --idle 500ms -c 1 -f - "[$TB_SRV6]:7321" \
	>"$out" 2>"$out.err"
KA_RC=$?
_ka_show "$out"
assert_eq 0 "$KA_RC" "exit status (all alive)"
assert_eq 3 "$(json_count "$out" 'select(.event=="verdict" and .verdict=="alive")')" "alive verdicts"
assert_eq "[$TB_SRV6]:7321" "$(json_field "$out" 'select(.event=="verdict" and .conn==1)' .dst)" \
	"the operand is connection 1"
assert_eq "$TB_SRV4:7321" "$(json_field "$out" 'select(.event=="verdict" and .conn==3)' .dst)" \
	"the file's second line is connection 3"
assert_ne "$(json_field "$out" 'select(.event=="connect" and .conn==2)' .src)" \
	"$(json_field "$out" 'select(.event=="connect" and .conn==3)' .src)" \
	"a target named twice: two connections, two source ports"
assert_eq 3 "$(json_field "$out" 'select(.event=="summary")' .alive)" "summary.alive"

printf '%s:7321\nnot-a-target\n' "$TB_SRV4" |
	ip netns exec "$TB_C" "$KAPROBE" -f - >"$out" 2>"$out.err"
assert_eq 64 "$?" "exit status for a bad line"
assert_eq 1 "$(wc -l <"$out.err")" "one line on stderr"
assert_match '^kaprobe: standard input:2: ' "$(cat "$out.err")" "the message names the line"
ip netns exec "$TB_C" "$KAPROBE" -f /nonexistent/targets >"$out" 2>"$out.err"
assert_eq 66 "$?" "exit status for a missing -f file"
assert_match '^kaprobe: cannot open /nonexistent/targets: ' "$(cat "$out.err")" "missing file"
printf '# nothing\n' | ip netns exec "$TB_C" "$KAPROBE" -f - >"$out" 2>"$out.err"
assert_eq 64 "$?" "exit status for an empty -f file"
echo ok
