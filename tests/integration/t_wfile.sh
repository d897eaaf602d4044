#!/bin/bash
# Issue 8 item 6: -w errors.
#  - -w /dev/full: the capture file cannot be written ("No space left on
#    device"): one stderr line "kaprobe: cannot write /dev/full: REASON",
#    exit 73 (docs/usage.md, Exit status: "73 the -w file cannot be written"), never 0;
#  - -Z no-such-user -w EXISTING: a usage error (64) found before the file is
#    opened: EXISTING keeps its bytes and its mtime;
#  - a very long -w path in a missing directory: exit 73, one line, and the
#    reason ("No such file or directory") still at its end (the path is what
#    gets shortened).
. tests/integration/lib.sh
PORT=7224
ka_setup $PORT
out=$TB_DIR/out.json

# one_line OUT: stderr is exactly one line; prints it.
one_line() {
	assert_eq 1 "$(wc -l <"$1.err")" "lines on stderr"
	cat "$1.err"
}

note "-w /dev/full"
ka_run "$out" -w /dev/full -c 1 --idle 1s --json "$TB_SRV4:$PORT"
assert_eq 73 "$KA_RC" "exit status of -w /dev/full"
assert_eq "kaprobe: cannot write /dev/full: No space left on device" "$(one_line "$out")" \
	"stderr of -w /dev/full"

note "-Z no-such-user -w EXISTING"
existing=$TB_DIR/existing.pcap
printf 'not a capture, and it must stay that way\n' >"$existing"
touch -d '2020-01-02 03:04:05' "$existing"
before="$(sha256sum <"$existing") $(stat -c %Y "$existing")"
ka_run "$out" -Z no-such-user-kaprobe -w "$existing" -c 1 "$TB_SRV4:$PORT"
assert_eq 64 "$KA_RC" "exit status of -Z no-such-user"
assert_match "no such user 'no-such-user-kaprobe'" "$(cat "$out.err")" "-Z message"
assert_eq "$before" "$(sha256sum <"$existing") $(stat -c %Y "$existing")" \
	"the existing -w file's sha256 and mtime after the usage error"

note "a 1200-character -w path in a missing directory"
dir200=$(printf 'd%.0s' $(seq 200))
long=$TB_DIR/missing/$dir200/$dir200/$dir200/$dir200/$dir200/$dir200/out.pcap
ka_run "$out" -w "$long" -c 1 "$TB_SRV4:$PORT"
assert_eq 73 "$KA_RC" "exit status of -w in a missing directory"
line=$(one_line "$out")
assert_match '^kaprobe: cannot write ' "$line" "start of the long-path message"
assert_match ': No such file or directory$' "$line" "end of the long-path message (the reason)"
echo ok
