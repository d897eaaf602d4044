#!/bin/bash
# run.sh - the command-line tests that need neither root nor a network:
# help per command, the man page against the help, bash completion, and the
# root-or-sudo logic of `make test` / `make demo`.
#
#   tests/cli/run.sh [PATTERN]
#
# Runs every tests/cli/t_*.sh (those whose name contains PATTERN, when given)
# through tests/lib/run.sh: each with a 60 s limit, PASS/FAIL per test, the
# output of each failing test, and "N passed, N failed"; exit 1 if any failed.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../lib/run.sh" tests/cli "$@"
