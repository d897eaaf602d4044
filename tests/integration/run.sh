#!/bin/bash
# run.sh - run kaprobe's namespace integration tests.
#
#   tests/integration/run.sh [PATTERN]
#
# Runs every tests/integration/t_*.sh (only those whose name contains PATTERN,
# a shell glob, when given) from the repo root, each in its own bash with a
# 60 s limit (TEST_TIMEOUT), printing PASS/FAIL per test, the output of each
# failing test (a test may ask for more with a '# test-timeout: N' line),
# and finally "N passed, N failed".  Exit 1 if any failed.
# Needs root (network namespaces).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
TIMEOUT=${TEST_TIMEOUT:-60}

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

passed=0
failed=0
failed_names=()
for t in tests/integration/t_*.sh; do
	[ -e "$t" ] || continue
	name=$(basename "$t" .sh)
	if [ -n "$pattern" ] && [[ $name != *$pattern* ]]; then
		continue
	fi
	log=$workdir/$name.log
	reg=$workdir/$name.ns
	: >"$reg"
	start=$SECONDS
	# A test that needs longer says so in a "# test-timeout: N" line.
	limit=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -n1)
	limit=${limit:-$TIMEOUT}
	TB_REGISTRY=$reg timeout -k 5 "$limit" bash "$t" >"$log" 2>&1 </dev/null
	rc=$?
	secs=$((SECONDS - start))
	leftovers=$(reap "$reg")
	if [ "$rc" -eq 0 ]; then
		echo "PASS $name (${secs}s)"
		passed=$((passed + 1))
	else
		[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "timed out after ${limit}s" >>"$log"
		echo "FAIL $name (exit $rc, ${secs}s)"
		sed 's/^/    /' "$log"
		failed=$((failed + 1))
		failed_names+=("$name")
	fi
	[ -n "$leftovers" ] && echo "$leftovers"
done

if [ $((passed + failed)) -eq 0 ]; then
	echo "run.sh: no test matches '${pattern}'" >&2
fi
[ "$failed" -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
