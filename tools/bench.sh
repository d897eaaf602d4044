#!/bin/bash
# bench.sh - how fast `kaprobe replay` reads a capture, next to the bare
# libpcap read loop (tools/pcapread.c: pcap_next_ex and nothing else) and
# tshark's keep-alive analysis, and whether its memory stays flat as the
# number of flows grows.
#
#   bash tools/bench.sh            (make bench)
#
# The three readers are timed in alternating rounds (bare loop, -q, --json,
# then again), so that a machine busy with something else slows all three
# alike; each figure is the median of the rounds, and each ratio the median
# of the per-round ratios.  Output goes to /dev/null.
#
# Environment: BENCH_PACKETS (870000), BENCH_FLOWS (50000), BENCH_OPEN (2000
# flows open at once), BENCH_KA (100: percent of flows doing keep-alive, so
# --json has events to write), BENCH_ROUNDS (10), BENCH_TSHARK_MAX (180:
# seconds tshark may take before it is measured on a prefix of the file
# instead), BENCH_MEMORY (1: also the memory check on 4x the flows),
# BENCH_DIR (scratch directory, default a new one under /tmp, removed
# afterwards).
#
# It prints figures only.  Nothing here asserts anything about speed: timings
# on a shared 2-core machine are too noisy to fail a build on.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

PACKETS=${BENCH_PACKETS:-870000}
FLOWS=${BENCH_FLOWS:-50000}
OPEN=${BENCH_OPEN:-2000}
KA=${BENCH_KA:-100}
ROUNDS=${BENCH_ROUNDS:-10}
TSHARK_MAX=${BENCH_TSHARK_MAX:-180}
MEMORY=${BENCH_MEMORY:-1}
GNUTIME=/usr/bin/time

[ -x "$GNUTIME" ] || { echo "bench.sh: $GNUTIME (Debian package time) is missing: run tools/install-deps.sh" >&2; exit 1; }
command -v tshark >/dev/null || { echo "bench.sh: tshark is missing: run tools/install-deps.sh" >&2; exit 1; }
make -s kaprobe build/tools/synthcap build/tools/pcapread || exit 1
if [ -n "${BENCH_DIR:-}" ]; then
	DIR=$BENCH_DIR
	mkdir -p "$DIR"
else
	DIR=$(mktemp -d /tmp/kaprobe-bench.XXXXXX) || exit 1
	trap 'rm -rf "$DIR"' EXIT
fi

now() { date +%s.%N; }
# calc EXPR: floating point arithmetic for the figures.
calc() { awk "BEGIN { printf \"%s\", $1 }"; }
# rate PACKETS SECONDS
rate() { calc "($2 > 0) ? sprintf(\"%.0f\", $1 / $2) : \"inf\""; }

synth() {
	local out=$1 t0 t1
	shift
	t0=$(now)
	build/tools/synthcap "$@" -o "$out" 2>"$out.log" || { cat "$out.log" >&2; exit 1; }
	t1=$(now)
	printf '  %-12s %s  (%.1f s, %s MB)\n' "${out##*/}" "$(sed 's/^synthcap: //; s/ written to .*//' "$out.log")" \
		"$(calc "$t1 - $t0")" "$(( $(stat -c %s "$out") / 1048576 ))"
}

# secs CMD...: run CMD with stdout to /dev/null; sets SECS (wall clock) and RC.
secs() {
	local t0=$EPOCHREALTIME
	"$@" >/dev/null 2>"$DIR/err"
	RC=$?
	SECS=$(calc "$EPOCHREALTIME - $t0")
}

# median: the median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "kaprobe replay benchmark ($(nproc) CPUs, $(uname -r))"
echo "synthesizing (seed 1, keep-alive in $KA% of flows, 20% IPv6, at most $OPEN open):"
MAIN=$DIR/main.pcap
BIG=$DIR/flows4x.pcap
synth "$MAIN" -n "$PACKETS" -f "$FLOWS" -m "$OPEN" -k "$KA" -6 20 --seed 1
cat "$MAIN" >/dev/null    # into the page cache: measure reading, not the disk
NPKT=$(build/tools/pcapread "$MAIN" | awk '{ print $2 }') || exit 1
EVENTS=$(./kaprobe replay --json "$MAIN" 2>/dev/null | wc -l)

# Alternating rounds: bare loop, -q, --json.
: >"$DIR/loop" ; : >"$DIR/q" ; : >"$DIR/json" ; : >"$DIR/rq" ; : >"$DIR/rjson"
QRC=0 JRC=0
for ((i = 0; i < ROUNDS; i++)); do
	secs build/tools/pcapread "$MAIN"; loop=$SECS
	secs ./kaprobe replay -q "$MAIN"; q=$SECS; [ "$RC" = 0 ] || QRC=$RC
	secs ./kaprobe replay --json "$MAIN"; j=$SECS; [ "$RC" = 0 ] || JRC=$RC
	echo "$loop" >>"$DIR/loop"; echo "$q" >>"$DIR/q"; echo "$j" >>"$DIR/json"
	calc "$q / $loop" >>"$DIR/rq"; echo >>"$DIR/rq"
	calc "$j / $loop" >>"$DIR/rjson"; echo >>"$DIR/rjson"
done
LOOP_SECS=$(median <"$DIR/loop")
Q_SECS=$(median <"$DIR/q")
J_SECS=$(median <"$DIR/json")
Q_RATIO=$(median <"$DIR/rq")
J_RATIO=$(median <"$DIR/rjson")

# tshark: time a prefix first, and only read the whole file when that
# projects under TSHARK_MAX seconds.
TS_PROBE=$((NPKT < 50000 ? NPKT : 50000))
t0=$EPOCHREALTIME
tshark -n -r "$MAIN" -c "$TS_PROBE" -Y tcp.analysis.keep_alive -T fields -e frame.number \
	>/dev/null 2>&1
proj=$(calc "($EPOCHREALTIME - $t0) * $NPKT / $TS_PROBE")
if awk "BEGIN { exit !($proj <= $TSHARK_MAX) }"; then
	TS_N=$NPKT
	TS_NOTE="whole file"
else
	TS_N=$(calc "sprintf(\"%d\", $NPKT * ($TSHARK_MAX / 3) / $proj)")
	TS_NOTE="first $TS_N packets only (the whole file: ~$(calc "sprintf(\"%.0f\", $proj)") s); rate from that prefix"
fi
t0=$EPOCHREALTIME
TS_KA=$(tshark -n -r "$MAIN" -c "$TS_N" -Y tcp.analysis.keep_alive -T fields -e frame.number 2>/dev/null | wc -l)
TS_SECS=$(calc "$EPOCHREALTIME - $t0")
TS_PPS=$(rate "$TS_N" "$TS_SECS")

echo
echo "capture: $NPKT packets, $FLOWS flows, $EVENTS JSON events; medians of $ROUNDS alternating rounds"
printf '%-36s %12s %9s %9s  %s\n' "reader" "packets/s" "seconds" "x loop" "notes"
printf '%-36s %12s %9.3f %9s  %s\n' "bare libpcap loop (pcapread)" "$(rate "$NPKT" "$LOOP_SECS")" \
	"$LOOP_SECS" "1.00" "pcap_next_ex only"
printf '%-36s %12s %9.3f %9.2f  %s\n' "kaprobe replay -q" "$(rate "$NPKT" "$Q_SECS")" "$Q_SECS" \
	"$Q_RATIO" "exit $QRC"
printf '%-36s %12s %9.3f %9.2f  %s\n' "kaprobe replay --json" "$(rate "$NPKT" "$J_SECS")" \
	"$J_SECS" "$J_RATIO" "exit $JRC, $EVENTS events"
printf '%-36s %12s %9.3f %9s  %s\n' "tshark -Y tcp.analysis.keep_alive" "$TS_PPS" "$TS_SECS" \
	"$(calc "sprintf(\"%.1f\", ($TS_SECS / $TS_N) / ($LOOP_SECS / $NPKT))")" "$TS_NOTE"
echo
# goal VALUE OP BOUND: "goal OP BOUND: met" or "... NOT met", issue 22's goals.
goal() { awk -v v="$1" -v b="$3" -v op="$2" 'BEGIN { ok = op == "<=" ? v + 0 <= b + 0 : v + 0 >= b + 0
	printf "(goal %s %sx: %s)", op, b, ok ? "met" : "NOT met" }'; }
TS_X=$(calc "($TS_SECS / $TS_N) / ($J_SECS / $NPKT)")
echo "kaprobe -q / bare loop:     $(calc "sprintf(\"%.2fx\", $Q_RATIO)") the time $(goal "$Q_RATIO" "<=" 1.2)"
echo "kaprobe --json / bare loop: $(calc "sprintf(\"%.2fx\", $J_RATIO)") the time $(goal "$J_RATIO" "<=" 2)"
echo "kaprobe --json vs tshark:   $(calc "sprintf(\"%.0fx\", $TS_X)") tshark's rate $(goal "$TS_X" ">=" 100)"
echo "kaprobe -q vs tshark:       $(calc "sprintf(\"%.0fx\", ($TS_SECS / $TS_N) / ($Q_SECS / $NPKT))") tshark's rate"
if [ "$TS_N" = "$NPKT" ] && command -v jq >/dev/null; then
	# Not a test (t_tshark_agree.sh is), just a sanity check that the
	# fast reader did the same work.
	n=$(./kaprobe replay --json "$MAIN" 2>/dev/null | jq -c 'select(.event=="probe")' | wc -l)
	echo "probes found: kaprobe $n, tshark $TS_KA"
fi

[ "$MEMORY" = 1 ] || exit 0
# Four times the flows with the same packets per flow and the same number
# open at once: a reader that forgets closed flows uses the same memory.
echo
synth "$BIG" -n $((PACKETS * 4)) -f $((FLOWS * 4)) -m "$OPEN" -k "$KA" -6 20 --seed 2
rss() { "$GNUTIME" -f %M -o "$DIR/rss" ./kaprobe replay -q "$1" >/dev/null 2>&1; tail -n1 "$DIR/rss"; }
RSS1=$(rss "$MAIN")
RSS4=$(rss "$BIG")
echo "memory (peak RSS of replay -q, at most $OPEN flows open at once):"
printf '  %7d flows: %8d KB\n' "$FLOWS" "$RSS1"
printf '  %7d flows: %8d KB  (%s of the first)\n' $((FLOWS * 4)) "$RSS4" \
	"$(calc "sprintf(\"%.2fx\", $RSS4 / $RSS1)")"
