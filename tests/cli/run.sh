#!/bin/bash
# run.sh - the command-line tests that need neither root nor a network:
# help per command, the man page against the help, bash completion, and the
# root-or-sudo logic of `make test` / `make demo`.
#
#   tests/cli/run.sh [PATTERN]
#
# Runs every tests/cli/t_*.sh (those whose name contains PATTERN, when given)
# from the repo root with a 60 s limit each, prints PASS/FAIL, the output of
# each failing test, and "N passed, N failed"; exit 1 if any failed.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
workdir=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-cli.XXXXXX") || exit 1
trap 'rm -rf "$workdir"' EXIT
passed=0 failed=0
for t in tests/cli/t_*.sh; do
	name=$(basename "$t" .sh)
	[ -n "${1:-}" ] && [[ $name != *$1* ]] && continue
	timeout -k 5 "${TEST_TIMEOUT:-60}" bash "$t" >"$workdir/log" 2>&1 </dev/null
	if [ $? -eq 0 ]; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		sed 's/^/    /' "$workdir/log"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
