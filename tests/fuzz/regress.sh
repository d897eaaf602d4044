#!/bin/bash
# regress.sh - re-run every saved crash and every seed through the fuzz
# harnesses, without libFuzzer: fast (a few seconds), for `make test`.
#
# Builds build/fuzz/regress_NAME from tests/fuzz/fuzz_NAME.c + standalone.c
# + the layers it needs (sources()) with -fsanitize=address,undefined (clang if found,
# else gcc; REGRESS_CC overrides), then runs
#   tests/fuzz/regressions/NAME-*   and   tests/fuzz/seeds/NAME/*
# through harness NAME.  Any sanitizer report, invariant trap or crash is a
# failure.  Prints "N passed, N failed"; exits 1 if any failed.
set -u
cd "$(dirname "$0")/../.." || exit 2

if [ -n "${REGRESS_CC:-}" ]; then CC=$REGRESS_CC
elif command -v clang >/dev/null; then CC=clang
else CC=gcc; fi
B=build/fuzz
TARGETS="segment replay ctl"
CPPFLAGS="-D_GNU_SOURCE -D_DEFAULT_SOURCE $(libnet-config --defines 2>/dev/null) -Isrc"
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
LIBNET_LIBS=$(libnet-config --libs 2>/dev/null || echo -lnet)
. tests/fuzz/sources.sh
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

mkdir -p "$B"
for t in $TARGETS; do
	# shellcheck disable=SC2086
	$CC $CPPFLAGS $CFLAGS -o "$B/regress_$t" tests/fuzz/standalone.c "tests/fuzz/fuzz_$t.c" \
		$(sources "$t") $(libs "$t") 2>"$B/regress_$t.build.log" || {
		cat "$B/regress_$t.build.log" >&2
		echo "regress.sh: cannot build the $t harness" >&2
		exit 2
	}
done

pass=0
fail=0
failed=()
for t in $TARGETS; do
	files=()
	for f in tests/fuzz/regressions/"$t"-* tests/fuzz/seeds/"$t"/*; do
		[ -f "$f" ] && files+=("$f")
	done
	[ ${#files[@]} = 0 ] && continue
	# All at once first; if that fails, one by one to name the culprits.
	if "$B/regress_$t" "${files[@]}" >/dev/null 2>"$B/regress_$t.log"; then
		pass=$((pass + ${#files[@]}))
		continue
	fi
	for f in "${files[@]}"; do
		if "$B/regress_$t" "$f" >/dev/null 2>"$B/regress_$t.one.log"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			failed+=("$f")
			echo "FAIL $t $f" >&2
			grep -E 'ERROR: AddressSanitizer|runtime error|^SUMMARY|^    #[0-3] ' \
				"$B/regress_$t.one.log" | head -6 | sed 's/^/    /' >&2
		fi
	done
done
echo "fuzz regressions: $pass passed, $fail failed"
[ $fail = 0 ]
