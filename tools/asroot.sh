#!/bin/bash
# asroot.sh - run a command as root: directly when already root (a root
# shell, a container, CI), through sudo otherwise.  This is how `make test`
# and `make demo` work as written both ways; only the steps that need root
# (installing packages, network namespaces, raw sockets) come through here.
#
#   tools/asroot.sh CMD ARGS...             root or fail, with one clear line
#   tools/asroot.sh --optional CMD ARGS...  as root when possible, else as
#                                           this user (tests that need root
#                                           then skip themselves)
#
# sudo resets the environment: KAPROBE (which binary the tests run) and
# TEST_TIMEOUT are passed on explicitly.  ASROOT_UID, when set, stands in
# for `id -u` and ASROOT_SUDO for the sudo command: tests/cli/t_asroot.sh
# uses them to check the logic without being another user.
set -u
optional=
if [ "${1:-}" = "--optional" ]; then
	optional=1
	shift
fi
[ $# -gt 0 ] || { echo "usage: asroot.sh [--optional] CMD ARGS..." >&2; exit 64; }

uid=${ASROOT_UID:-$(id -u)}
sudo=${ASROOT_SUDO:-sudo}
if [ "$uid" -eq 0 ]; then
	exec "$@"
fi
env=()
for v in KAPROBE TEST_TIMEOUT; do
	[ -n "${!v:-}" ] && env+=("$v=${!v}")
done
if command -v "$sudo" >/dev/null 2>&1; then
	echo "asroot.sh: running as root through sudo: $*" >&2
	exec "$sudo" -- env "${env[@]}" "$@"
fi
if [ -n "$optional" ]; then
	echo "asroot.sh: not root and no sudo: running as $(id -un); tests that need root will skip" >&2
	exec "$@"
fi
echo "asroot.sh: '$*' needs root, and this is not root and has no sudo: run it as root, or install sudo and give this user sudo rights" >&2
exit 77
