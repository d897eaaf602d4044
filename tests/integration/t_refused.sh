#!/bin/bash
# Nothing listens on the port: connection refused -> exit 3, one line on stderr.
. tests/integration/lib.sh
PORT=7207
ka_setup $PORT
out=$TB_DIR/out.txt
start=$SECONDS
ka_run "$out" --idle 1s "$TB_SRV4:$((PORT + 1))"
assert_eq 3 "$KA_RC" "exit status"
assert_eq 1 "$(wc -l <"$out.err")" "lines on stderr"
assert_le $((SECONDS - start)) 3 "seconds to notice the refusal"
ka_run "$out" --json --idle 1s "[$TB_SRV6]:$((PORT + 1))"
assert_eq 3 "$KA_RC" "exit status (IPv6, --json)"
assert_eq 1 "$(wc -l <"$out.err")" "lines on stderr (IPv6, --json)"
echo ok
