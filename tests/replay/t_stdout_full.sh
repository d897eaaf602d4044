#!/bin/bash
# Output failures are errors (issue 23): replay writing to /dev/full says so
# in one line on stderr and exits 74 (once 0, silently); a reader that goes
# away (| head) still ends it quietly with the status of what was read
# (tests/integration/t_stdout_closed.sh).  No root needed.
. tests/integration/lib.sh
need_kaprobe
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
T=$(mktemp -d /tmp/t_stdout_full.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT
"$SYNTH" -n 2000 --seed 7 -o "$T/cap.pcap" 2>/dev/null || fail "synthcap failed"
for form in "" --json -q; do
	"$KAPROBE" replay $form "$T/cap.pcap" >/dev/full 2>"$T/err"
	assert_eq 74 "$?" "exit status, replay ${form:-human} to /dev/full"
	assert_eq "kaprobe: cannot write standard output: No space left on device" \
		"$(cat "$T/err")" "stderr, replay ${form:-human} to /dev/full"
done
"$KAPROBE" replay "$T/cap.pcap" >/dev/null 2>"$T/err"
assert_eq 0 "$?" "exit status, replay to /dev/null"
echo ok
