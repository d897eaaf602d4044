#!/bin/bash
# bench-sockets.sh - time `kaprobe sockets` over many sockets (root).
#
#   tools/bench-sockets.sh [CONNECTIONS]   (default 5000: twice as many sockets)
#
# In a throw-away network namespace with only lo (198.18.0.1), one Python
# process holds CONNECTIONS connections to itself, every other one with
# keep-alive on and TCP_KEEPIDLE 60 s; then kaprobe sockets -q and --json
# --path-timeout 5m, and ss -tnp for comparison, run under /usr/bin/time
# (wall, user, system, resident).  Prints figures; asserts nothing.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-5000}
[ "$(id -u)" -eq 0 ] || { echo "bench-sockets.sh: needs root (a namespace)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
export ROOT N out
unshare --net bash -c '
	set -eu
	ip link set lo up
	ip addr add 198.18.0.1/32 dev lo
	python3 - "$N" >"$out" <<PY &
import resource, socket, sys, time
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
srv = socket.socket()
srv.bind(("198.18.0.1", 7000))
srv.listen(4096)
held = []
for i in range(n):
    c = socket.socket()
    if i % 2:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 60)
    c.connect(("198.18.0.1", 7000))
    held += [c, srv.accept()[0]]
print("ready", flush=True)
time.sleep(600)
PY
	holder=$!
	for i in $(seq 600); do grep -q ready "$out" && break; sleep 0.2; done
	grep -q ready "$out" || { echo "bench-sockets.sh: the connections did not open" >&2; exit 1; }
	t() { /usr/bin/time -f "$1: %e s wall, %U s user, %S s system, %M KB" "${@:2}" >/dev/null || :; }
	for k in 1 2 3; do t "kaprobe sockets -q" "$ROOT/kaprobe" sockets -q --path-timeout 5m; done
	t "kaprobe sockets --json" "$ROOT/kaprobe" sockets --json --path-timeout 5m
	t "ss -tnp" ss -tnp
	kill "$holder"
'
