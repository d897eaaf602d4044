#!/bin/bash
# kaprobe over IPv4 against a live server: -c 2 rounds answered -> exit 0.
. tests/integration/lib.sh
PORT=7201
ka_setup $PORT
out=$TB_DIR/out.json
ka_run "$out" -c 2 --idle 1s --intvl 1s --probes 3 --json "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status"
ka_assert_alive "$out" 63 true
assert_match "$TB_SRV4" "$(json_field "$out" 'select(.event=="connect")' .dst)" connect.dst
assert_match "$TB_CLI4" "$(json_field "$out" 'select(.event=="connect")' .src)" connect.src
assert_eq "$TB_SRV4" "$(json_field "$out" 'select(.event=="reply")' .from)" reply.from
assert_eq 0 "$(json_field "$out" 'select(.event=="summary")' .lost)" summary.lost
assert_ge "$(json_field "$out" 'select(.event=="summary")' .rtt_min_ms)" 0 rtt_min_ms
assert_json "$out" 'map(select(.event=="summary"))[0] | .rtt_min_ms <= .rtt_avg_ms and .rtt_avg_ms <= .rtt_max_ms' \
	"rtt min <= avg <= max"
echo ok
