#!/bin/bash
# bench.sh - how fast `kaprobe replay` reads a capture, next to the bare
# libpcap read loop (the ceiling) and tshark's keep-alive analysis (the
# oracle), and whether its memory stays flat as the number of flows grows.
#
#   bash tools/bench.sh            (make bench)
#
# Environment: BENCH_PACKETS (1000000), BENCH_FLOWS (50000), BENCH_OPEN (2000
# flows open at once), BENCH_REPEAT (3: best of N for kaprobe and the bare
# loop), BENCH_TSHARK_MAX (180: seconds tshark may take before it is measured
# on a prefix of the file instead), BENCH_DIR (scratch directory, default a
# new one under /tmp, removed afterwards).
#
# It prints figures only.  Nothing here asserts anything about speed: timings
# on a shared 2-core machine are too noisy to fail a build on.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

PACKETS=${BENCH_PACKETS:-1000000}
FLOWS=${BENCH_FLOWS:-50000}
OPEN=${BENCH_OPEN:-2000}
REPEAT=${BENCH_REPEAT:-3}
TSHARK_MAX=${BENCH_TSHARK_MAX:-180}
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

# Is `kaprobe replay` there?  Until it is, everything else still runs.
HAVE_REPLAY=0
probe_replay() {
	local small=$DIR/small.pcap rc
	build/tools/synthcap -n 200 -f 10 -k 50 -o "$small" 2>/dev/null || return
	timeout 20 ./kaprobe replay -q "$small" >/dev/null 2>&1
	rc=$?
	# 64 is what this version's main.c gives for an unknown command.
	[ "$rc" -eq 0 ] && HAVE_REPLAY=1
}

# kaprobe_run FILE: sets KA_SECS (best of REPEAT), KA_RSS (KB, peak of the
# runs), KA_RC (the last exit status).
kaprobe_run() {
	local f=$1 i t0 t1 s rss
	KA_SECS='' KA_RSS=0 KA_RC=0
	for ((i = 0; i < REPEAT; i++)); do
		t0=$(now)
		"$GNUTIME" -f %M -o "$DIR/rss" ./kaprobe replay -q "$f" >/dev/null 2>"$DIR/ka.err"
		KA_RC=$?
		t1=$(now)
		s=$(calc "$t1 - $t0")
		rss=$(tail -n1 "$DIR/rss")
		[ -z "$KA_SECS" ] || awk "BEGIN { exit !($s < $KA_SECS) }" && KA_SECS=$s
		[ "$rss" -gt "$KA_RSS" ] 2>/dev/null && KA_RSS=$rss
	done
}

echo "kaprobe replay benchmark ($(nproc) CPUs, $(uname -r))"
echo "synthesizing (seed 1, keep-alive in 30% of flows, 20% IPv6, at most $OPEN open):"
MAIN=$DIR/main.pcap
BIG=$DIR/flows4x.pcap
synth "$MAIN" -n "$PACKETS" -f "$FLOWS" -m "$OPEN" -k 30 -6 20 --seed 1
# Four times the flows with the same packets per flow and the same number
# open at once: a reader that forgets closed flows uses the same memory.
synth "$BIG" -n $((PACKETS * 4)) -f $((FLOWS * 4)) -m "$OPEN" -k 30 -6 20 --seed 2
cat "$MAIN" "$BIG" >/dev/null    # into the page cache: measure reading, not the disk

probe_replay

# The bare loop.
best=
for ((i = 0; i < REPEAT; i++)); do
	t0=$(now)
	out=$(build/tools/pcapread "$MAIN") || exit 1
	t1=$(now)
	s=$(calc "$t1 - $t0")
	[ -z "$best" ] || awk "BEGIN { exit !($s < $best) }" && best=$s
done
NPKT=$(awk '{ print $2 }' <<<"$out")
LOOP_SECS=$best
LOOP_PPS=$(rate "$NPKT" "$LOOP_SECS")

# tshark: time a prefix first, and only read the whole file when that
# projects under TSHARK_MAX seconds.
TS_PROBE=$((NPKT < 50000 ? NPKT : 50000))
t0=$(now)
tshark -n -r "$MAIN" -c "$TS_PROBE" -Y tcp.analysis.keep_alive -T fields -e frame.number \
	>/dev/null 2>&1
t1=$(now)
proj=$(calc "($t1 - $t0) * $NPKT / $TS_PROBE")
if awk "BEGIN { exit !($proj <= $TSHARK_MAX) }"; then
	TS_N=$NPKT
	TS_NOTE="whole file"
else
	TS_N=$(calc "sprintf(\"%d\", $NPKT * ($TSHARK_MAX / 3) / $proj)")
	TS_NOTE="first $TS_N packets only (the whole file would take ~$(calc "sprintf(\"%.0f\", $proj)") s); packets/s scaled from that prefix"
fi
t0=$(now)
if [ "$TS_N" = "$NPKT" ]; then
	TS_KA=$(tshark -n -r "$MAIN" -Y tcp.analysis.keep_alive -T fields -e frame.number 2>/dev/null | wc -l)
else
	TS_KA=$(tshark -n -r "$MAIN" -c "$TS_N" -Y tcp.analysis.keep_alive -T fields -e frame.number 2>/dev/null | wc -l)
fi
t1=$(now)
TS_SECS=$(calc "$t1 - $t0")
TS_PPS=$(rate "$TS_N" "$TS_SECS")

echo
echo "capture: $NPKT packets over $FLOWS flows ($((FLOWS * 4)) for the memory check)"
printf '%-34s %12s %10s %s\n' "reader" "packets/s" "seconds" "notes"
printf '%-34s %12s %10.3f %s\n' "bare libpcap loop (pcapread)" "$LOOP_PPS" "$LOOP_SECS" "best of $REPEAT"
printf '%-34s %12s %10.3f %s\n' "tshark -Y tcp.analysis.keep_alive" "$TS_PPS" "$TS_SECS" \
	"$TS_NOTE; $TS_KA keep-alive frames"
if [ "$HAVE_REPLAY" = 1 ]; then
	kaprobe_run "$MAIN"
	KA_PPS=$(rate "$NPKT" "$KA_SECS")
	printf '%-34s %12s %10.3f %s\n' "kaprobe replay -q" "$KA_PPS" "$KA_SECS" \
		"best of $REPEAT, exit $KA_RC, peak RSS $KA_RSS KB"
	[ "$KA_RC" = 0 ] || { echo "  kaprobe stderr:"; sed 's/^/    /' "$DIR/ka.err" | head -5; }
	if [ "$TS_N" = "$NPKT" ] && command -v jq >/dev/null; then
		# Not a test (t_tshark_agree.sh is), just a sanity check that
		# the fast reader did the same work.
		n=$(./kaprobe replay --json "$MAIN" 2>/dev/null | jq -c 'select(.event=="probe")' | wc -l)
		echo "  probes found: kaprobe $n, tshark $TS_KA"
	fi
	echo
	echo "kaprobe vs bare loop: $(calc "sprintf(\"%.1f%%\", 100 * $KA_PPS / $LOOP_PPS)") of the ceiling"
	echo "kaprobe vs tshark:    $(calc "sprintf(\"%.1fx\", $KA_PPS / $TS_PPS)") tshark's rate"
	RSS1=$KA_RSS
	REPEAT_SAVE=$REPEAT
	REPEAT=1
	kaprobe_run "$BIG"
	REPEAT=$REPEAT_SAVE
	RSS4=$KA_RSS
	echo
	echo "memory (peak RSS, at most $OPEN flows open at once):"
	printf '  %7d flows: %8d KB\n' "$FLOWS" "$RSS1"
	printf '  %7d flows: %8d KB  (%s of the first; exit %s, %s packets/s)\n' $((FLOWS * 4)) \
		"$RSS4" "$(calc "sprintf(\"%.2fx\", $RSS4 / $RSS1)")" "$KA_RC" \
		"$(rate "$(awk '{ print $2; exit }' "$BIG.log")" "$KA_SECS")"
else
	echo "kaprobe replay: not available"
fi
