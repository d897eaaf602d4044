#!/bin/bash
# run.sh - run kaprobe's namespace integration tests.
#
#   tests/integration/run.sh [PATTERN]
#
# Checks root and the tools, builds the test tools, then runs every
# tests/integration/t_*.sh (those whose name contains PATTERN, when given)
# through tests/lib/run.sh: TEST_JOBS (3) at a time, each with a 60 s limit
# (TEST_TIMEOUT, or its '# test-timeout: N' line), PASS/FAIL per test as it
# finishes, the output of each failing test, and "N passed, N failed".
# Exit 1 if any failed.  Needs root (network namespaces).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
# Three at a time: most of their time is spent waiting on idle timers,
# each in namespaces of its own.
export TEST_JOBS=${TEST_JOBS:-3}

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

exec bash tests/lib/run.sh tests/integration "$@"
