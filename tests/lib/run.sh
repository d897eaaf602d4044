#!/bin/bash
# run.sh - run one directory's tests, TEST_JOBS at a time.
#
#   tests/lib/run.sh DIR [PATTERN]
#
# Runs every DIR/t_*.sh (only those whose name contains PATTERN, a shell
# glob, when given) from the repo root, TEST_JOBS (default 2) at a time, each
# in its own bash with a 60 s limit (TEST_TIMEOUT, or the test's own
# '# test-timeout: N' line), printing PASS/FAIL/SKIP per test as it
# finishes, the output of each failing test, and finally "N passed, N
# failed".  Exit 1 if any failed.  A test that exits 77 is skipped (its last
# line says why).  Namespaces a test registered (tools/testbed.sh, through
# TB_REGISTRY) and left behind are removed.  The replay, report and
# integration directories' run.sh check their tools, then run this.
#
# Tests can run side by side: each works in its own temporary directory and
# builds its namespaces under unique names, and none asserts a timing.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
[ -d "${1:-}" ] || { echo "usage: tests/lib/run.sh DIR [PATTERN]" >&2; exit 64; }
dir=${1%/} pattern=${2:-}
TIMEOUT=${TEST_TIMEOUT:-60}
JOBS=${TEST_JOBS:-2}

workdir=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-$(basename "$dir").XXXXXX") || exit 1
trap 'rm -rf "$workdir"' EXIT
# Interrupted: the tests running are told too (their timeout passes the
# signal on), waited for, and their namespaces removed before the files
# that name them go.
interrupted() {
	local p f
	echo "run.sh: interrupted" >&2
	for p in $(jobs -p); do pkill -TERM -P "$p" 2>/dev/null; done
	wait
	for f in "$workdir"/*.ns; do [ -e "$f" ] && reap "$f"; done
	exit 130
}
trap interrupted INT TERM

# Delete the namespaces a test registered but did not remove (it was killed,
# or its cleanup failed); prints their names.
reap() {
	local ns pids leaked=
	[ -s "$1" ] || return 0
	while read -r ns; do
		[ -e "/run/netns/$ns" ] || continue
		leaked="$leaked $ns"
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done <"$1"
	[ -n "$leaked" ] && echo "  (removed leftover namespaces:$leaked)"
}

# run_one TEST: run it with its limit; leaves NAME.rc, NAME.secs, NAME.log
# and NAME.leftovers in $workdir.
run_one() {
	local t=$1 name start rc limit
	name=$(basename "$t" .sh)
	: >"$workdir/$name.ns"
	start=$SECONDS
	limit=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -n1)
	limit=${limit:-$TIMEOUT}
	TB_REGISTRY=$workdir/$name.ns timeout -k 5 "$limit" bash "$t" >"$workdir/$name.log" 2>&1 </dev/null
	rc=$?
	[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "timed out after ${limit}s" >>"$workdir/$name.log"
	reap "$workdir/$name.ns" >"$workdir/$name.leftovers"
	echo $((SECONDS - start)) >"$workdir/$name.secs"
	# Whole or not at all: report_done may look at any moment.
	echo "$rc" >"$workdir/$name.rc.tmp" && mv "$workdir/$name.rc.tmp" "$workdir/$name.rc"
}

# The tests that declare a longer limit go first: with TEST_JOBS lanes,
# the long ones then overlap the many short ones.
tests=()
for t in $(grep -l '^# test-timeout:' "$dir"/t_*.sh 2>/dev/null) \
	 $(grep -L '^# test-timeout:' "$dir"/t_*.sh 2>/dev/null); do
	name=$(basename "$t" .sh)
	[ -n "$pattern" ] && [[ $name != *$pattern* ]] && continue
	tests+=("$t")
done

passed=0 failed=0 skipped=0
failed_names=()

# Print the results of the tests that have finished since the last call.
report_done() {
	local t name rc secs
	for t in "${tests[@]}"; do
		name=$(basename "$t" .sh)
		[ -e "$workdir/$name.rc" ] && [ ! -e "$workdir/$name.reported" ] || continue
		: >"$workdir/$name.reported"
		rc=$(cat "$workdir/$name.rc")
		secs=$(cat "$workdir/$name.secs")
		if [ "$rc" -eq 0 ]; then
			echo "PASS $name (${secs}s)"
			passed=$((passed + 1))
		elif [ "$rc" -eq 77 ]; then
			echo "SKIP $name: $(tail -n1 "$workdir/$name.log")"
			skipped=$((skipped + 1))
		else
			echo "FAIL $name (exit $rc, ${secs}s)"
			sed 's/^/    /' "$workdir/$name.log"
			failed=$((failed + 1))
			failed_names+=("$name")
		fi
		[ -s "$workdir/$name.leftovers" ] && cat "$workdir/$name.leftovers"
	done
}

running=0
for t in "${tests[@]}"; do
	if [ "$running" -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
		report_done
	fi
	run_one "$t" &
	running=$((running + 1))
done
wait
report_done

[ ${#tests[@]} -eq 0 ] && echo "run.sh: no test in $dir matches '${pattern}'" >&2
[ "$failed" -gt 0 ] && echo "failed: ${failed_names[*]}"
[ "$skipped" -gt 0 ] && echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
