#!/bin/bash
# run.sh - run the tests of the HTML reports' test library (and, later, of
# the reports that need no namespace).
#
#   tests/report/run.sh [PATTERN]
#
# Runs every tests/report/t_*.sh (only those whose name contains PATTERN,
# when given) through tests/lib/run.sh: each with a 60 s limit
# (TEST_TIMEOUT), PASS/FAIL/SKIP per test, the output of each failing test,
# and finally "N passed, N failed".  Exit 1 if any failed.  Chromium runs
# only inside a network namespace of its own (tests/lib/report.sh): as root
# through unshare --net, as a user through a user namespace (unshare -rn).
set -u
for tool in chromium python3 unshare timeout ip; do
	command -v $tool >/dev/null || { echo "run.sh: $tool not found (tools/install-deps.sh)" >&2; exit 1; }
done
exec bash "$(dirname "${BASH_SOURCE[0]}")/../lib/run.sh" tests/report "$@"
