#!/bin/bash
# bench-fleet.sh - kaprobe's keep-alive against the kernel's own, on the same
# connections in the same testbed run (make bench-fleet, part of make bench).
# Prints figures; asserts nothing.
#
#   tools/bench-fleet.sh     10,000 connections, 5 rounds (CONNS=N, ROUNDS=N,
#                            WINDOW=seconds measured, PERF_HZ=samples a second)
#
# In the testbed (every packet stays in namespaces this script makes): ten
# tcpservers in the server namespace; in the client namespace one of
#   A  kaprobe -q --conns CONNS/10 --connect-rate 2000 --idle 2s --intvl 1s
#      -c 16 to the ten (the verdicts and the table at the end only),
#   J  the same with --json instead of -q (an event line per probe and per
#      answer: what a fleet costs when every probe is logged), or
#   B  build/tools/kafleet: the same connections at the same rate with
#      SO_KEEPALIVE, TCP_KEEPIDLE 2, TCP_KEEPINTVL 1, each held 32.5 s: the
#      same probes, sent by the kernel.
# Rounds rotate the order (A J B, J B A, B A J, ...) so that a trend in the
# machine's other load does not favour one side.  In each run the CPU is measured over a WINDOW
# (10 s) that starts 2 s after every connection is established and ends
# before any is closed: probing alone, connecting and closing left out (in
# a first version, the difference of two run lengths, -c 2 against -c 6,
# the connect and close phases varied by seconds of CPU between equal runs,
# more than the probes cost).  Probes in the window are counted on the wire
# for every side alike: an nft counter in the client namespace's output of
# the segments that carry ACK alone (once connected, nothing else is sent:
# no data moves, so those are the probes, raw or the kernel's).
#
# Two measures of CPU, both over the whole machine (the router's forwarding
# and the server's answers count for both sides):
#   machine  busy time from /proc/stat, all cores.  Right only when nothing
#            else runs: the idle share during the windows is printed, and
#            near 0 the machine was saturated by other work and the figure
#            measures wall time, not cost.
#   ours     perf samples (perf record -a, PERF_HZ a second per core) in the
#            experiment's processes (kaprobe, kafleet, tcpserver) or in
#            softirq context (where the kernel's keep-alive, the forwarding,
#            the server's answers and the capture run, whichever task they
#            interrupted).  Other work's softirqs count too: noise, not bias.
#            Needs perf (Debian: linux-perf); without it, machine only.
# Each figure: the median over the rounds, with the lowest and highest.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
N=${CONNS:-10000}
ROUNDS=${ROUNDS:-5}
PERF_HZ=${PERF_HZ:-499}
WINDOW=${WINDOW:-10}
IDLE=2 COUNT=16
HZ=$(getconf CLK_TCK)

[ "$(id -u)" -eq 0 ] || { echo "bench-fleet.sh: needs root (network namespaces)" >&2; exit 1; }
PERF=$(command -v perf)
[ -n "$PERF" ] && ! perf record -a -F "$PERF_HZ" -o /dev/null -- true >/dev/null 2>&1 && PERF=
. tools/testbed.sh
tb_fleet_up "$N" 7600 || exit 1
PER=$TB_PER TOTAL=$TB_TOTAL
targets=("${TB_TARGETS[@]}")

# busy and idle jiffies of all cores
cpu_now() { awk '/^cpu /{ print $2+$3+$4+$7+$8+$9, $5+$6 }' /proc/stat; }
probes() { tb_c nft list counter inet kabench probes | awk '/packets/ { print $2 }'; }
established() { tb_c awk '/^TCP:/ { print $3 }' /proc/net/sockstat; }
# snap: "busy idle probes" now
snap() { echo "$(cpu_now) $(probes)"; }
export -f cpu_now probes snap tb_c
tb_c nft -f - <<EOF || exit 1
table inet kabench {
	counter probes { }
	chain out { type filter hook output priority 0; tcp flags & (syn | fin | rst | ack) == ack counter name probes; }
}
EOF

# Samples of the experiment in a perf.data: its processes, or softirq.
ours() {
	perf script -i "$1" -F comm,ip,sym 2>/dev/null | awk '
		/^\t/ { if ($0 ~ /handle_softirqs|__do_softirq/) o = 1; next }
		NF { if (n) t += o; n = 1; o = ($1 ~ /^(kaprobe|kafleet|tcpserver|ksoftirqd)/) }
		END { if (n) t += o; print t + 0 }'
}

# measure SIDE CMD...: one run, CMD in the background; appends "side busy
# idle ours probes seconds" over the window to $res.
measure() {
	local side=$1 pid i samples=0 a b
	shift
	"$@" >"$TB_DIR/out" 2>"$TB_DIR/err" &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		[ "$(established)" -ge "$TOTAL" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ "$(established)" -lt "$TOTAL" ]; then
		echo "  $side: only $(established) of $TOTAL connections established" >&2
		kill "$pid" 2>/dev/null; wait "$pid"
		head -3 "$TB_DIR/err" | sed "s/^/  $side stderr: /" >&2
		return
	fi
	sleep 2
	# The snapshots inside the sampled command: one window for both.
	local cmd="snap >$TB_DIR/s0; t0=\$EPOCHREALTIME; sleep $WINDOW; snap >$TB_DIR/s1; echo \$t0 \$EPOCHREALTIME >$TB_DIR/t"
	if [ -n "$PERF" ]; then
		perf record -q -a -g --kernel-callchains -F "$PERF_HZ" -o "$TB_DIR/perf.data" \
			-- bash -c "$cmd" 2>/dev/null
		samples=$(ours "$TB_DIR/perf.data")
	else
		bash -c "$cmd"
	fi
	# The rest (closing) is not measured: end it now.
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	read -r a <"$TB_DIR/s0"; read -r b <"$TB_DIR/s1"
	echo "$side $a $b $samples $(cat "$TB_DIR/t")" | awk -v hz="$HZ" -v phz="$PERF_HZ" '{
		printf "%s %.3f %.3f %.3f %d %.3f\n", $1, ($5 - $2) / hz, ($6 - $3) / hz,
			$8 / phz, $7 - $4, $10 - $9 }' >>"$res"
	grep -v '^\[ perf' "$TB_DIR/err" | head -3 | sed "s/^/  $side stderr: /"
}

# kaprobe_run SIDE FLAG: kaprobe, -q or --json
kaprobe_run() {
	measure "$1" ip netns exec "$TB_C" ./kaprobe "$2" --conns "$PER" \
		--connect-rate 2000 --idle ${IDLE}s --intvl 1s -c $COUNT "${targets[@]}"
}
kernel_run() {
	measure kernel ip netns exec "$TB_C" build/tools/kafleet -c "$PER" -r 2000 \
		-i $IDLE -t 1 -d $((COUNT * IDLE)).5 "${targets[@]}"
}

res=$TB_DIR/results
: >"$res"
echo "fleet: $TOTAL connections probed every ${IDLE} s, kaprobe against the kernel's keep-alive," \
	"$ROUNDS rounds of ${WINDOW} s windows${PERF:+, perf at $PERF_HZ Hz}"
run_side() {
	case $1 in
	kaprobe) kaprobe_run kaprobe -q ;;
	json) kaprobe_run json --json ;;
	kernel) kernel_run ;;
	esac
}
sides=(kaprobe json kernel)
for r in $(seq "$ROUNDS"); do
	for k in 0 1 2; do run_side "${sides[(r + k - 1) % 3]}"; done
done

awk -v perf="${PERF:+1}" '
function sort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
}
function stat(label, a, n, unit,   m) {
	sort(a, n); m = n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	printf "  %-32s median %7.2f%s  (%.2f .. %.2f, %d rounds)\n", label, m, unit, a[1], a[n], n
	return m
}
{
	i = ++cnt[$1]
	if ($5 <= 0) { bad = 1; next }
	m[$1, i] = $2 * 1e6 / $5; o[$1, i] = $4 * 1e6 / $5; pr[$1] += $5 / $6
	idle += $3; all += $2 + $3
}
END {
	n = cnt["kaprobe"]
	if (cnt["json"] < n) n = cnt["json"]
	if (cnt["kernel"] < n) n = cnt["kernel"]
	if (bad || n == 0) { print "  a run sent no probes in its window: see the stderr lines"; exit }
	for (i = 1; i <= n; i++) {
		km[i] = m["kaprobe", i]; jm[i] = m["json", i]; nm[i] = m["kernel", i]
		rm[i] = km[i] / nm[i]; rjm[i] = jm[i] / nm[i]
		ko[i] = o["kaprobe", i]; jo[i] = o["json", i]; no[i] = o["kernel", i]
		ro[i] = no[i] > 0 ? ko[i] / no[i] : 0; rjo[i] = no[i] > 0 ? jo[i] / no[i] : 0
	}
	printf "  probes a second in the windows: kaprobe %.0f, --json %.0f, kernel %.0f; idle share: %.0f%%\n",
		pr["kaprobe"] / cnt["kaprobe"], pr["json"] / cnt["json"], pr["kernel"] / cnt["kernel"],
		all ? 100 * idle / all : 0
	stat("machine CPU per probe, kaprobe -q", km, n, " us")
	stat("machine CPU per probe, --json", jm, n, " us")
	stat("machine CPU per probe, kernel", nm, n, " us")
	r = stat("machine, kaprobe -q/kernel", rm, n, "x")
	rj = stat("machine, kaprobe --json/kernel", rjm, n, "x")
	if (all && idle / all < 0.1)
		print "  (under 10% idle: the machine figures measure wall time, not cost)"
	if (perf) {
		stat("ours CPU per probe, kaprobe -q", ko, n, " us")
		stat("ours CPU per probe, --json", jo, n, " us")
		stat("ours CPU per probe, kernel", no, n, " us")
		r = stat("ours, kaprobe -q/kernel", ro, n, "x")
		rj = stat("ours, kaprobe --json/kernel", rjo, n, "x")
	}
	if (r <= 0 || rj <= 0) {   # a side with no samples: a window too short, too few connections
		print "fleet CPU per probe: too few samples for a ratio (raise CONNS or WINDOW)"
		exit
	}
	printf "fleet CPU per probe: kaprobe -q %.2fx the kernel, --json %.2fx (%s, median of %d rounds) (goal <= 1.5x: %s)\n",
		r, rj, perf ? "perf-attributed" : "machine-wide", n,
		r <= 1.5 && rj <= 1.5 ? "met" : r <= 1.5 ? "met with -q only, NOT with --json" : "NOT met"
}' "$res"
exit 0
