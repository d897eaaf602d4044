#!/bin/bash
# run.sh [SECONDS] [TARGET...] - build the libFuzzer harnesses and fuzz each
# target for SECONDS (default 60), one after the other.
#
#   targets: segment (fuzz_segment.c), replay (fuzz_replay.c), ctl (fuzz_ctl.c);
#   default all three
#   FUZZ_JOBS=2 runs the targets in parallel instead (at most 2 at once)
#   FUZZ_ARGS="..." adds libFuzzer options
#
# Builds into build/fuzz/ with clang -fsanitize=fuzzer,address,undefined.
# Each target's working corpus is build/fuzz/corpus-NAME, seeded from
# tests/fuzz/seeds/NAME and kept between runs.  On a crash the input is
# copied to tests/fuzz/regressions/NAME-<sha1> (regress.sh re-runs it) and
# the script exits 1.  Prints execs, execs/s and coverage per target.
set -u
cd "$(dirname "$0")/../.." || exit 2

SECS=${1:-60}
shift 2>/dev/null
TARGETS=${*:-segment replay ctl}
CC=${FUZZ_CC:-clang}
B=build/fuzz
REG=tests/fuzz/regressions

case $SECS in ''|*[!0-9]*) echo "run.sh: SECONDS must be a number" >&2; exit 64;; esac

CPPFLAGS="-D_GNU_SOURCE -D_DEFAULT_SOURCE $(libnet-config --defines 2>/dev/null) -Isrc"
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
# Known bugs listed in ubsan.supp are skipped while fuzzing (so the fuzzer
# can look past them); this needs their checks recoverable.  halt_on_error
# still stops at any report that is not suppressed.
SUPP=tests/fuzz/ubsan.supp
if [ -s "$SUPP" ] && grep -q '^[a-z]' "$SUPP"; then
	CFLAGS="$CFLAGS -fsanitize-recover=$(grep '^[a-z]' "$SUPP" | cut -d: -f1 | sort -u | paste -sd,)"
	UBSAN_SUPP=":suppressions=$SUPP"
else
	UBSAN_SUPP=
fi
LIBNET_LIBS=$(libnet-config --libs 2>/dev/null || echo -lnet)
. tests/fuzz/sources.sh

mkdir -p "$B" "$REG"

build() {
	local name=$1
	echo "== build $B/fuzz_$name"
	# shellcheck disable=SC2086
	$CC $CPPFLAGS $CFLAGS -o "$B/fuzz_$name" "tests/fuzz/fuzz_$name.c" $(sources "$name") \
		$(libs "$name") || { echo "run.sh: build of fuzz_$name failed" >&2; exit 2; }
}

maxlen() {
	case $1 in replay) echo 65536;; *) echo 4096;; esac
}

# fuzz NAME: runs one target; leaves its log in $B/fuzz-NAME.log.
fuzz() {
	local name=$1
	local corpus=$B/corpus-$name art=$B/artifacts-$name/ log=$B/fuzz-$name.log
	mkdir -p "$corpus" "$art"
	rm -f "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*
	# shellcheck disable=SC2086
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1$UBSAN_SUPP \
	ASAN_OPTIONS=detect_leaks=1 \
	"$B/fuzz_$name" "$corpus" "tests/fuzz/seeds/$name" \
		-max_total_time="$SECS" -max_len="$(maxlen "$name")" \
		-malloc_limit_mb=512 -rss_limit_mb=2048 -timeout=25 \
		-print_final_stats=1 -artifact_prefix="$art" ${FUZZ_ARGS:-} \
		>"$log" 2>&1
}

# report NAME: the summary and any crash; returns 1 on a crash.
report() {
	local name=$1
	local art=$B/artifacts-$name log=$B/fuzz-$name.log rc=0 f h
	local last execs rate cov ft corp
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
	echo "== $name: ${SECS}s, execs ${execs:-?}, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?} (log $log)"
	for f in "$art"/crash-* "$art"/leak-* "$art"/timeout-* "$art"/oom-*; do
		[ -e "$f" ] || continue
		h=$(sha1sum "$f" | cut -c1-16)
		cp "$f" "$REG/$name-$h"
		echo "== $name: FOUND $(basename "$f" | cut -d- -f1): saved $REG/$name-$h"
		grep -E '^==[0-9]+==ERROR|runtime error|^SUMMARY|deadly signal' "$log" | head -5 | sed 's/^/   /'
		rc=1
	done
	if [ $rc = 0 ] && grep -qE '^==[0-9]+==ERROR|deadly signal' "$log"; then
		echo "== $name: the fuzzer failed without an artifact; see $log"
		rc=1
	fi
	return $rc
}

for t in $TARGETS; do
	[ -f "tests/fuzz/fuzz_$t.c" ] || { echo "run.sh: no target $t" >&2; exit 64; }
	build "$t"
done

if [ "${FUZZ_JOBS:-1}" -ge 2 ]; then
	pids=()
	for t in $TARGETS; do
		echo "== fuzz $t for ${SECS}s (parallel)"
		fuzz "$t" & pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
else
	for t in $TARGETS; do
		echo "== fuzz $t for ${SECS}s"
		fuzz "$t"
	done
fi

status=0
for t in $TARGETS; do
	report "$t" || status=1
done
exit $status
