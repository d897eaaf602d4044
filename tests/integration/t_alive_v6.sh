#!/bin/bash
# kaprobe over IPv6 ([addr]:port) against a live server: hop limit 63, exit 0.
. tests/integration/lib.sh
PORT=7202
ka_setup $PORT
out=$TB_DIR/out.json
ka_run "$out" -c 2 --idle 1s --intvl 1s --probes 3 --json "[$TB_SRV6]:$PORT"
assert_eq 0 "$KA_RC" "exit status"
ka_assert_alive "$out" 63 true
assert_match "$TB_SRV6" "$(json_field "$out" 'select(.event=="connect")' .dst)" connect.dst
assert_match "$TB_CLI6" "$(json_field "$out" 'select(.event=="connect")' .src)" connect.src
assert_eq "$TB_SRV6" "$(json_field "$out" 'select(.event=="reply")' .from)" reply.from
echo ok
