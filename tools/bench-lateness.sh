#!/bin/bash
# bench-lateness.sh - how late the first keep-alive probe leaves, the
# kernel's own against kaprobe's, on the same connections in one testbed
# (make bench-lateness; root).  Prints figures; asserts nothing.
#
#   tools/bench-lateness.sh     10,000 connections (CONNS=N), --idle 2 s
#
# In the testbed (every packet stays in namespaces this script makes): ten
# tcpservers in the server namespace; in the client namespace, first
# build/tools/kafleet (SO_KEEPALIVE, TCP_KEEPIDLE 2, TCP_KEEPINTVL 1), then
# kaprobe -q --idle 2s --intvl 1s -c 2, each at 2,000 connections a second.
# dumpcap records each run in the client namespace; tshark marks the
# keep-alives (tcp.analysis.keep_alive).  A connection's lateness is its
# first probe's capture time less the SYN-ACK's (the last segment received,
# where both start counting the idle) less the idle: the same clock and the
# same rule for both sides.  kaprobe's own figure (make bench-conns) comes
# from its events; this one from the wire, where the kernel's can be seen.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
N=${CONNS:-10000}
IDLE=2

[ "$(id -u)" -eq 0 ] || { echo "bench-lateness.sh: needs root (network namespaces)" >&2; exit 1; }
for t in dumpcap tshark; do
	command -v $t >/dev/null || { echo "bench-lateness.sh: needs $t (Debian: tshark)" >&2; exit 1; }
done
. tools/testbed.sh
tb_fleet_up "$N" 7600 || exit 1
PER=$TB_PER
targets=("${TB_TARGETS[@]}")

# lateness FILE: "connections p50 p99 max" of the first probes, in ms.
# tshark's empty fields collapse under awk's splitting: a line with six
# fields is a keep-alive, and only the server sends SYN+ACK.
lateness() {
	tshark -r "$1" -Y tcp -T fields -e frame.time_epoch -e tcp.stream -e tcp.flags.syn \
		-e tcp.flags.ack -e tcp.analysis.keep_alive -e ip.src 2>/dev/null |
	awk -v us="$TB_CLI4" -v idle="$IDLE" '
		$3 == 1 && $4 == 1 { synack[$2] = $1 }
		NF == 6 && $6 == us && ($2 in synack) && !($2 in seen) {
			seen[$2] = 1; printf "%.3f\n", ($1 - synack[$2] - idle) * 1000 }' |
	sort -n | awk '{ d[NR] = $1 }
		END { if (NR) print NR, d[int(NR * 0.5) + 1], d[int(NR * 0.99) + 1], d[NR] }'
}

# record SIDE CMD...: CMD in the client namespace under dumpcap; prints
# SIDE's figures.
record() {
	local side=$1 cap n p50 p99 max
	shift
	# ip netns exec, not tb_c: a backgrounded function is a subshell, and
	# its pid would not pass the SIGINT on to dumpcap, which ends the file.
	ip netns exec "$TB_C" dumpcap -q -i any -s 128 -f tcp -w "$TB_DIR/$side.pcap" 2>/dev/null &
	cap=$!
	sleep 1
	ip netns exec "$TB_C" "$@" >/dev/null 2>"$TB_DIR/err" ||
		sed "s/^/  $side stderr: /" "$TB_DIR/err" | head -3
	sleep 1
	kill -INT "$cap"
	wait "$cap"
	read -r n p50 p99 max <<<"$(lateness "$TB_DIR/$side.pcap")"
	printf "  %-8s %5s first probes late by p50 %s ms, p99 %s ms, max %s ms\n" \
		"$side" "${n:-0}" "${p50:--}" "${p99:--}" "${max:--}"
}

echo "first keep-alive probe after the SYN-ACK + ${IDLE} s, $TB_TOTAL connections, from the capture:"
record kernel build/tools/kafleet -c "$PER" -r 2000 -i $IDLE -t 1 -d $((IDLE * 2)).5 "${targets[@]}"
record kaprobe ./kaprobe -q --conns "$PER" --connect-rate 2000 --idle ${IDLE}s --intvl 1s -c 2 \
	"${targets[@]}"
exit 0
