#!/bin/bash
# test-timeout: 90
# A few hundred connections from one process: 300 to one server, opened at
# --connect-rate 1000, one answered round each.  Every one is alive, with
# its own source port.  (10,000 are in make bench.)
. tests/integration/lib.sh
ka_setup 7351
out=$TB_DIR/out.json
KA_TIMEOUT=60 ka_run "$out" --conns 300 --connect-rate 1000 --idle 1s -c 1 --json "$TB_SRV4:7351" \
	>/dev/null
assert_eq 0 "$KA_RC" "exit status"
assert_eq 300 "$(json_field "$out" 'select(.event=="summary")' .alive)" "alive connections"
assert_eq 300 "$(jq -s 'map(select(.event=="connect") | .src) | unique | length' "$out")" \
	"distinct source ports"
assert_eq 300 "$(json_count "$out" 'select(.event=="reply" and .kind=="ack")')" "answers"
echo ok
