#!/bin/bash
# bench-conns.sh - many connections from one kaprobe process (make bench-conns,
# part of make bench).  Prints figures; asserts nothing.
#
#   tools/bench-conns.sh            10,000 connections (CONNS=N for another count)
#
# In the testbed (every packet stays in namespaces this script makes): ten
# tcpservers in the server namespace, one kaprobe in the client namespace with
# --conns CONNS/10 to each, --idle 2s --intvl 1s -c 2 --connect-rate 2000.
# Prints: connections alive, CPU microseconds per probe (user + system over
# probes sent; and, from a second run with -c 6, the CPU of the extra
# probes alone, without the connections' set-up), peak RSS, and how late
# each connection's first probe left against its own schedule (its connect
# event's time, the last segment received, plus --idle), p50 / p99 / max;
# then issue 12's targets, each met or not.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
N=${CONNS:-10000}
IDLE=2

[ "$(id -u)" -eq 0 ] || { echo "bench-conns.sh: needs root (network namespaces)" >&2; exit 1; }
. tools/testbed.sh
tb_fleet_up "$N" 7600 || exit 1
PER=$TB_PER
targets=("${TB_TARGETS[@]}")
# run COUNT OUT: one kaprobe, -c COUNT; its "user sys rss" in OUT.time.
run() {
	/usr/bin/time -f "%U %S %M" -o "$2.time" ip netns exec "$TB_C" ./kaprobe --json \
		--conns "$PER" --connect-rate 2000 --idle ${IDLE}s --intvl 1s -c "$1" "${targets[@]}" \
		>"$2" 2>"$TB_DIR/err"
}
out=$TB_DIR/conns.json
run 2 "$out"
rc=$?
read -r user sys rss <"$out.time"
# The same with -c 6: the CPU the four more rounds cost, per probe, is the
# cost of probing alone, without the 10,000 connections' set-up and teardown.
run 6 "$TB_DIR/conns6.json"
read -r user6 sys6 rss6 <"$TB_DIR/conns6.json.time"
probes6=$(jq -s 'map(select(.event=="probe")) | length' "$TB_DIR/conns6.json")
total=$TB_TOTAL
alive=$(jq -r 'select(.event=="summary") | .alive' "$out")
probes=$(jq -s 'map(select(.event=="probe")) | length' "$out")
lateness=$(jq -rs --argjson idle "$IDLE" '
	(map(select(.event=="connect")) | map({(.conn|tostring): .t}) | add) as $ready
	| map(select(.event=="probe" and .round==1 and .n==1))
	| map((.t - $ready[.conn|tostring] - $idle) * 1000) | sort
	| [.[(length * 0.5 | floor)], .[(length * 0.99 | floor)], .[-1]]
	| map(. * 1000 | round / 1000) | @tsv' -r "$out")
read -r p50 p99 max <<<"$lateness"
echo "many connections (kaprobe exit $rc): $total connections, ${alive:-0} alive, $probes probes"
awk -v u="$user" -v s="$sys" -v p="$probes" -v r="$rss" -v u6="$user6" -v s6="$sys6" \
	-v p6="$probes6" 'BEGIN {
	printf "  CPU: %.2f s user + %.2f s system = %.1f us per probe (%.1f us user)\n",
		u, s, p ? (u + s) * 1e6 / p : 0, p ? u * 1e6 / p : 0
	if (p6 > p)
		printf "  CPU per probe beyond set-up (-c 6 against -c 2): %.1f us (%.1f us user)\n",
			(u6 + s6 - u - s) * 1e6 / (p6 - p), (u6 - u) * 1e6 / (p6 - p)
	printf "  peak RSS: %.1f MiB\n", r / 1024 }'
echo "  first probe late by (ms): p50 $p50, p99 $p99, max $max"
# Issue 12's targets on this 2-core machine, each met or not: every
# connection alive, at most 50 us of CPU per probe (probing alone), at most
# 64 MiB peak RSS, the first probes late by at most 5 ms at p99.
awk -v a="${alive:-0}" -v n="$total" -v u="$user" -v s="$sys" -v p="$probes" -v u6="$user6" \
	-v s6="$sys6" -v p6="$probes6" -v r="$rss" -v l="${p99:-}" '
	function v(ok) { return ok ? "met" : "NOT met" }
	BEGIN {
	cpu = p6 > p ? (u6 + s6 - u - s) * 1e6 / (p6 - p) : 1e9
	printf "targets: all alive %s, CPU <= 50 us a probe %s, peak RSS <= 64 MiB %s, p99 late <= 5 ms %s\n",
		v(a == n), v(cpu <= 50), v(r <= 64 * 1024), v(l ~ /^[0-9.]+$/ && l + 0 <= 5) }'
[ -s "$TB_DIR/err" ] && sed 's/^/  stderr: /' "$TB_DIR/err" | head -5
exit 0
