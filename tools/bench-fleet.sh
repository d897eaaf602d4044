#!/bin/bash
# bench-fleet.sh - kaprobe's keep-alive against the kernel's own, on the same
# connections in the same testbed run (make bench-fleet, part of make bench).
# Prints figures; asserts nothing.
#
#   tools/bench-fleet.sh     10,000 connections, 5 rounds (CONNS=N, ROUNDS=N)
#
# In the testbed (every packet stays in namespaces this script makes): ten
# tcpservers in the server namespace; in the client namespace either
#   A  kaprobe --json --conns CONNS/10 --connect-rate 2000 --idle 2s --intvl 1s
#      -c 2 (then -c 6) to the ten, or
#   B  build/tools/kafleet: the same connections at the same rate with
#      SO_KEEPALIVE, TCP_KEEPIDLE 2, TCP_KEEPINTVL 1, each held 4.5 s (then
#      12.5 s) from its connect: two (six) probes each, sent by the kernel.
# A round runs A short, B short, A long, B long; the cost of a probe is the
# CPU of the long run less the short one's over the probes it added, so that
# connecting and closing cancel out.  Probes: kaprobe's probe events, the
# client namespace's TcpExtTCPKeepAlive for the kernel.
#
# Two measures of CPU, both over the whole machine (the router's forwarding
# and the server's answers count for both sides):
#   machine  busy time from /proc/stat, all cores.  Right only when nothing
#            else runs: the share of idle time during the runs is printed,
#            and when it is near 0 the machine was saturated by other work
#            and this figure measures wall time, not cost.
#   ours     perf samples (perf record -a, PERF_HZ a second per core) that
#            fall in the experiment's own processes (kaprobe, kafleet,
#            tcpserver) or in softirq context (where the kernel's keep-alive,
#            the forwarding, the server's answers and the capture run,
#            whichever task they interrupted).  Other work's softirqs count
#            too: noise, not bias.  Needs perf (Debian: linux-perf).
# Each figure: the median over the rounds, with the lowest and highest.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
N=${CONNS:-10000}
ROUNDS=${ROUNDS:-5}
PERF_HZ=${PERF_HZ:-499}
SERVERS=10
PER=$(( (N + SERVERS - 1) / SERVERS ))
SHORT=2 LONG=6 IDLE=2
HZ=$(getconf CLK_TCK)

[ "$(id -u)" -eq 0 ] || { echo "bench-fleet.sh: needs root (network namespaces)" >&2; exit 1; }
PERF=$(command -v perf)
[ -n "$PERF" ] && ! perf record -a -F "$PERF_HZ" -o /dev/null -- true >/dev/null 2>&1 && PERF=
. tools/testbed.sh
tb_up || exit 1
ulimit -n "$(ulimit -Hn)" 2>/dev/null
targets=()
for i in $(seq $SERVERS); do
	tb_start_server -p $((7600 + i)) || exit 1
	targets+=("$TB_SRV4:$((7600 + i))")
done

# busy and idle jiffies of all cores
cpu_now() { awk '/^cpu /{ print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat; }
keepalives() { tb_c awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "TCPKeepAlive") c = i; h = 1 } else print $c }' /proc/net/netstat; }

# Samples of the experiment in a perf.data: its processes, or softirq.
ours() {
	perf script -i "$1" -F comm,ip,sym 2>/dev/null | awk '
		/^\t/ { if ($0 ~ /handle_softirqs|__do_softirq/) o = 1; next }
		NF { if (n) t += o; n = 1; o = ($1 ~ /^(kaprobe|kafleet|tcpserver|ksoftirqd)/) }
		END { if (n) t += o; print t + 0 }'
}

# measure NAME CMD...: one run; appends "name busy idle ours probes wall" to $res.
measure() {
	local name=$1 b0 i0 b1 i1 k0 k1 t0 t1 probes samples=0
	shift
	k0=$(keepalives)
	read -r b0 i0 < <(cpu_now)
	t0=$(date +%s.%N)
	if [ -n "$PERF" ]; then
		perf record -q -a -g --kernel-callchains -F "$PERF_HZ" -o "$TB_DIR/perf.data" -- "$@" \
			>"$TB_DIR/out" 2>"$TB_DIR/err"
	else
		"$@" >"$TB_DIR/out" 2>"$TB_DIR/err"
	fi
	t1=$(date +%s.%N)
	read -r b1 i1 < <(cpu_now)
	k1=$(keepalives)
	case $name in
	kaprobe*) probes=$(grep -c '"event":"probe"' "$TB_DIR/out") ;;
	*) probes=$((k1 - k0)) ;;
	esac
	[ -n "$PERF" ] && samples=$(ours "$TB_DIR/perf.data")
	echo "$name $((b1 - b0)) $((i1 - i0)) $samples $probes $t0 $t1" >>"$res"
	[ -n "${FLEET_RAW:-}" ] && awk -v hz="$HZ" -v phz="$PERF_HZ" '{ printf "  run %-10s %5.1f s wall, %6.2f s busy, %6.2f s ours, %d probes\n", $1, $7 - $6, $2 / hz, $4 / phz, $5 }' <<<"$(tail -1 "$res")"
	grep -v '^\[ perf' "$TB_DIR/err" | head -3 | sed "s/^/  $name stderr: /"
}

kaprobe_run() {
	measure "kaprobe-$1" ip netns exec "$TB_C" ./kaprobe --json --conns "$PER" \
		--connect-rate 2000 --idle ${IDLE}s --intvl 1s -c "$1" "${targets[@]}"
}
kernel_run() {
	measure "kernel-$1" ip netns exec "$TB_C" build/tools/kafleet -c "$PER" -r 2000 \
		-i $IDLE -t 1 -d "$1.5" "${targets[@]}"
}

res=$TB_DIR/results
: >"$res"
echo "fleet: $((PER * SERVERS)) connections, kaprobe against the kernel's keep-alive," \
	"$ROUNDS rounds${PERF:+, perf at $PERF_HZ Hz}"
for r in $(seq "$ROUNDS"); do
	# Alternate which side goes first, so a trend in the load does not
	# always favour one.
	if [ $((r % 2)) -eq 1 ]; then
		kaprobe_run $SHORT; kernel_run $((SHORT * IDLE)); kaprobe_run $LONG; kernel_run $((LONG * IDLE))
	else
		kernel_run $((SHORT * IDLE)); kaprobe_run $SHORT; kernel_run $((LONG * IDLE)); kaprobe_run $LONG
	fi
done

# Per round: (long - short) / (probes long - probes short), each measure.
awk -v hz="$HZ" -v phz="$PERF_HZ" -v perf="${PERF:+1}" -v rounds="$ROUNDS" '
function med(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
function stat(label, a, n, unit,   lo, hi, i, m) {
	m = med(a, n); lo = a[1]; hi = a[n]
	printf "  %-34s median %7.2f%s  (%.2f .. %.2f over %d rounds)\n", label, m, unit, lo, hi, n
	return m
}
{
	side = ($1 ~ /^kaprobe/) ? "k" : "n"; len = ($1 ~ /-2$|-4$/) ? "s" : "l"
	i = ++cnt[side len]
	busy[side len, i] = $2 / hz; idle[side len, i] = $3 / hz; ours[side len, i] = $4 / phz
	probes[side len, i] = $5
	tidle += $3; tall += $2 + $3
}
END {
	n = cnt["kl"]; if (cnt["nl"] < n) n = cnt["nl"]
	for (i = 1; i <= n; i++) {
		for (s = 0; s < 2; s++) {
			side = s ? "n" : "k"
			dp = probes[side "l", i] - probes[side "s", i]
			if (dp <= 0) { bad = 1; continue }
			m[side, i] = (busy[side "l", i] - busy[side "s", i]) * 1e6 / dp
			o[side, i] = (ours[side "l", i] - ours[side "s", i]) * 1e6 / dp
			pp[side, i] = probes[side "l", i]
		}
		km[i] = m["k", i]; nm[i] = m["n", i]; rm[i] = nm[i] > 0 ? km[i] / nm[i] : 0
		ko[i] = o["k", i]; no[i] = o["n", i]; ro[i] = no[i] > 0 ? ko[i] / no[i] : 0
	}
	if (bad) print "  some run sent no more probes when longer: see the stderr lines"
	printf "  probes in a long run: kaprobe %d, kernel %d; idle share during the runs: %.0f%%\n",
		pp["k", 1], pp["n", 1], tall ? 100 * tidle / tall : 0
	stat("machine CPU per probe, kaprobe", km, n, " us")
	stat("machine CPU per probe, kernel", nm, n, " us")
	r = stat("machine ratio kaprobe/kernel", rm, n, "x")
	if (tall && tidle / tall < 0.1)
		print "  (the machine had under 10% idle: the machine figures measure wall time, not cost)"
	if (perf) {
		stat("ours CPU per probe, kaprobe", ko, n, " us")
		stat("ours CPU per probe, kernel", no, n, " us")
		r = stat("ours ratio kaprobe/kernel", ro, n, "x")
	}
	printf "  fleet CPU per probe: kaprobe %.2fx the kernel (%s, median of %d rounds; goal <= 1.5x)\n",
		r, perf ? "perf-attributed" : "machine-wide", n
}' "$res"
exit 0
