#!/bin/bash
# run.sh - run kaprobe's namespace integration tests.
#
#   tests/integration/run.sh [PATTERN]
#
# Runs every tests/integration/t_*.sh (only those whose name contains PATTERN,
# a shell glob, when given) from the repo root, TEST_JOBS (2) at a time, each
# in its own bash with a 60 s limit (TEST_TIMEOUT), printing PASS/FAIL per
# test as it finishes, the output of each
# failing test (a test may ask for more with a '# test-timeout: N' line),
# and finally "N passed, N failed".  Exit 1 if any failed.
# Needs root (network namespaces).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
TIMEOUT=${TEST_TIMEOUT:-60}
# Tests run this many at a time (each in its own namespaces).
JOBS=${TEST_JOBS:-2}

if [ "$(id -u)" -ne 0 ]; then
	echo "run.sh: the integration tests need root (network namespaces, raw sockets)" >&2
	exit 1
fi
for tool in ip nft tshark dumpcap jq timeout; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "run.sh: $tool not found (run tools/install-deps.sh)" >&2
		exit 1
	fi
done
if ! make -s build/tools/tcpserver build/tools/kaclient build/tools/inject; then
	echo "run.sh: could not build the test tools" >&2
	exit 1
fi

pattern=${1:-}
workdir=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-it.XXXXXX") || exit 1
trap 'rm -rf "$workdir"' EXIT
# Interrupted: the current test's process group gets the signal from the
# terminal too and cleans up after itself; stop here.
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

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

# run_one TEST: run it with its limit; leaves NAME.rc, NAME.secs and
# NAME.log (with the leftover namespaces it reaped) in $workdir.
run_one() {
	local t=$1 name start rc limit
	name=$(basename "$t" .sh)
	: >"$workdir/$name.ns"
	start=$SECONDS
	# A test that needs longer says so in a "# test-timeout: N" line.
	limit=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -n1)
	limit=${limit:-$TIMEOUT}
	TB_REGISTRY=$workdir/$name.ns timeout -k 5 "$limit" bash "$t" >"$workdir/$name.log" 2>&1 </dev/null
	rc=$?
	[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "timed out after ${limit}s" >>"$workdir/$name.log"
	reap "$workdir/$name.ns" >"$workdir/$name.leftovers"
	echo $((SECONDS - start)) >"$workdir/$name.secs"
	echo "$rc" >"$workdir/$name.rc"
}

# The tests that declare a longer limit go first: with TEST_JOBS lanes,
# the long ones then overlap the many short ones.
tests=()
for t in $(grep -l '^# test-timeout:' tests/integration/t_*.sh 2>/dev/null) \
	 $(grep -L '^# test-timeout:' tests/integration/t_*.sh 2>/dev/null); do
	name=$(basename "$t" .sh)
	if [ -n "$pattern" ] && [[ $name != *$pattern* ]]; then
		continue
	fi
	tests+=("$t")
done

passed=0
failed=0
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
		else
			echo "FAIL $name (exit $rc, ${secs}s)"
			sed 's/^/    /' "$workdir/$name.log"
			failed=$((failed + 1))
			failed_names+=("$name")
		fi
		[ -s "$workdir/$name.leftovers" ] && cat "$workdir/$name.leftovers"
	done
}

# Each test builds its own namespaces with unique names, so they can run
# side by side; none asserts a timing.
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

if [ $((passed + failed)) -eq 0 ]; then
	echo "run.sh: no test matches '${pattern}'" >&2
fi
[ "$failed" -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
