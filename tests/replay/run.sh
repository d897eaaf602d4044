#!/bin/bash
# run.sh - run the `kaprobe replay` tests.
#
#   tests/replay/run.sh [PATTERN]
#
# Runs every tests/replay/t_*.sh (only those whose name contains PATTERN, when
# given) through tests/lib/run.sh: each with a 60 s limit (TEST_TIMEOUT),
# PASS/FAIL/SKIP per test, the output of each failing test, and finally
# "N passed, N failed".  Exit 1 if any failed.  t_pcaps needs no privilege;
# t_roundtrip needs root (the testbed) and is skipped (exit 77) without it.
set -u
for tool in tshark jq timeout; do
	command -v $tool >/dev/null || { echo "run.sh: $tool not found (tools/install-deps.sh)" >&2; exit 1; }
done
exec bash "$(dirname "${BASH_SOURCE[0]}")/../lib/run.sh" tests/replay "$@"
