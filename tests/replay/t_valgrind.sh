#!/bin/bash
# Valgrind memcheck over replay runs: no invalid access, no uninitialised
# value used, nothing leaked.  Skipped (77) for the ASan build, which
# valgrind cannot run.
. tests/integration/lib.sh
need_kaprobe
case $KAPROBE in *build-san*) echo "skip: sanitized build"; exit 77 ;; esac
command -v valgrind >/dev/null || fail "valgrind not installed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
build/tools/synthcap -n 3000 -f 200 -k 60 -6 40 -w --midstream 20 --seed 21 \
	-o "$tmp/synth.pcap" >/dev/null 2>&1 || fail "synthcap failed"
# Cut mid-way at an odd offset: almost surely inside a record.
head -c $(($(stat -c %s "$tmp/synth.pcap") / 2 + 7)) "$tmp/synth.pcap" >"$tmp/cut.pcap"

# memcheck ARGS...: the replay run must be clean; its own status is kept.
memcheck() {
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$KAPROBE" replay "$@" >/dev/null 2>"$tmp/vg.err"
	local rc=$?
	[ $rc -ne 99 ] || fail "valgrind errors in replay $*: $(head -20 "$tmp/vg.err")"
	echo $rc
}
assert_eq 0 "$(memcheck --json pcaps/peer-reset.pcap)" "replay of peer-reset"
assert_eq 0 "$(memcheck --json --idle 1s --intvl 1s --probes 2 pcaps/silent-peer-dead.pcap)" \
	"replay with timings"
assert_eq 0 "$(memcheck --json "$tmp/synth.pcap")" "replay of a synthetic capture"
# Both ends probing, every what-if, and evictions.
build/tools/synthcap -n 3000 -f 200 -k 60 --both 50 --seed 22 -o "$tmp/both.pcap" >/dev/null 2>&1 ||
	fail "synthcap failed"
assert_eq 0 "$(memcheck --json --idle 2s --intvl 1s --user-timeout 3s --middlebox 2s \
	--middlebox aws-nlb --max-flows 20 "$tmp/both.pcap")" "replay with every what-if"
# From a pipe, through its own read function.
assert_eq 0 "$(cat "$tmp/both.pcap" | memcheck --json --middlebox 2s -)" "replay from a pipe"
assert_eq 65 "$(memcheck -q "$tmp/cut.pcap")" "replay of a truncated capture"
assert_eq 66 "$(memcheck -q "$tmp/none.pcap")" "replay of a missing file"
echo ok
