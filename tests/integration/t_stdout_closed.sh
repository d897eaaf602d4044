#!/bin/bash
# A reader that goes away: `kaprobe ... | head -1`.  kaprobe must end by
# itself soon after (timeout 20 firing is a failure), say nothing on stderr
# (no "Broken pipe"), and not die of a signal (SIGPIPE or any other): its
# exit status, read from PIPESTATUS, is under 128.  Live, in JSON and human
# form, and replay of a large synthetic capture (so that far more output is
# pending than a pipe holds).
. tests/integration/lib.sh
PORT=7233
ka_setup $PORT
[ -x build/tools/synthcap ] || make -s build/tools/synthcap || fail "build synthcap"

# check NAME FIRSTLINE-REGEX CMD...: run CMD | head -1 and check the above.
# Each case is checked in a subshell, so that all of them run; the test
# fails at the end if any did.
failed=
check() {
	( check_one "$@" ) || failed="$failed, $1"
}
check_one() {
	local name=$1 re=$2 err=$TB_DIR/err.$RANDOM line rc hrc
	shift 2
	line=$(timeout -k 2 20 "$@" 2>"$err" | head -n1; echo "${PIPESTATUS[0]} ${PIPESTATUS[1]}" >"$err.rc")
	read -r rc hrc <"$err.rc"
	note "$name: exit $rc; first line: $line"
	assert_eq 0 "$hrc" "$name: head's exit status"
	assert_match "$re" "$line" "$name: first line"
	[ "$rc" != 124 ] && [ "$rc" != 137 ] || fail "$name: still running after 20 s (exit $rc)"
	assert_lt "$rc" 128 "$name: exit status (>= 128: killed by signal $((rc - 128)))"
	assert_eq "" "$(head -c 400 "$err")" "$name: stderr"
}

check "live --json" '^\{"event":"connect",' \
	ip netns exec "$TB_C" "$KAPROBE" --json "$TB_SRV4:$PORT"
check "live, human" '^KAPROBE ' \
	ip netns exec "$TB_C" "$KAPROBE" "$TB_SRV4:$PORT"

big=$TB_DIR/big.pcap
build/tools/synthcap -n 200000 -o "$big" >/dev/null || fail "synthcap"
assert_ge "$(capinfos -c -M "$big" | awk '/Number of packets/ {print $NF}')" 200000 \
	"packets in $big"
check "replay --json" '^\{"event":"' "$KAPROBE" replay --json "$big"
check "replay, human" '^[0-9]+ ' "$KAPROBE" replay "$big"
[ -z "$failed" ] || fail "cases that failed: ${failed#, }"
echo ok
