#!/bin/bash
# run.sh - run one directory's tests, one after the other.
#
#   tests/lib/run.sh DIR [PATTERN]
#
# Runs every DIR/t_*.sh (only those whose name contains PATTERN, when given)
# from the repo root, each with a 60 s limit (TEST_TIMEOUT, or the test's own
# '# test-timeout: N' line), printing
# PASS/FAIL/SKIP per test, the output of each failing test, and finally
# "N passed, N failed".  Exit 1 if any failed.  A test that exits 77 is
# skipped (its last line says why).  Namespaces a test registered
# (tools/testbed.sh, through TB_REGISTRY) and left behind are removed.
# tests/replay/run.sh and tests/report/run.sh check their tools, then run this.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
[ -d "${1:-}" ] || { echo "usage: tests/lib/run.sh DIR [PATTERN]" >&2; exit 64; }
dir=${1%/} pattern=${2:-}
TIMEOUT=${TEST_TIMEOUT:-60}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-$(basename "$dir").XXXXXX") || exit 1
trap 'rm -rf "$workdir"' EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

# Delete namespaces a test registered (tools/testbed.sh) and left behind.
reap() {
	local ns
	[ -s "$1" ] || return 0
	while read -r ns; do
		[ -e "/run/netns/$ns" ] || continue
		echo "  (removed leftover namespace $ns)"
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done <"$1"
}

passed=0 failed=0 skipped=0
for t in "$dir"/t_*.sh; do
	name=$(basename "$t" .sh)
	[ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
	log=$workdir/$name.log reg=$workdir/$name.ns
	: >"$reg"
	start=$SECONDS
	# A test that needs longer says so in a "# test-timeout: N" line, as
	# the integration tests do.
	limit=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -n1)
	TB_REGISTRY=$reg timeout -k 5 "${limit:-$TIMEOUT}" bash "$t" >"$log" 2>&1 </dev/null
	rc=$?
	secs=$((SECONDS - start))
	if [ $rc -eq 0 ]; then
		echo "PASS $name (${secs}s)"
		passed=$((passed + 1))
	elif [ $rc -eq 77 ]; then
		echo "SKIP $name: $(tail -n1 "$log")"
		skipped=$((skipped + 1))
	else
		[ $rc -eq 124 ] && echo "timed out after ${TIMEOUT}s" >>"$log"
		echo "FAIL $name (exit $rc, ${secs}s)"
		sed 's/^/    /' "$log"
		failed=$((failed + 1))
	fi
	reap "$reg"
done
[ $skipped -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
