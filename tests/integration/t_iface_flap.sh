#!/bin/bash
# The client's interface goes down for 1.5 s in the middle of a run, taking
# its routes with it.  The kernel's connection survives that, and so does
# kaprobe: the probe that cannot leave is reported with its error and
# counted as lost, the capture goes on once the link is back, and the run
# ends in its verdict and summary.
. tests/integration/lib.sh
ka_setup 7381
out=$TB_DIR/out.json
ka_start "$out" --idle 1s --intvl 1s --probes 5 -c 4 --json "$TB_SRV4:7381"
ka_wait_connect "$out"
wait_until 5 grep -q '"kind":"ack"' "$out" || fail "no answer before the flap"
tb_c ip link set "$TB_C_IF" down || fail "link down"
sleep 1.5
tb_c ip link set "$TB_C_IF" up || fail "link up"
tb_c ip route replace default via "$TB_RTR4" || fail "default route"
tb_c ip -6 route replace default via "$TB_RTR6" 2>/dev/null
ka_wait
assert_eq 0 "$KA_RC" "exit status (alive after the flap)"
json_valid "$out"
assert_ge "$(json_count "$out" 'select(.event=="probe" and .error != null)')" 1 \
	"a probe that could not be sent, with its error"
assert_eq alive "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
assert_json "$out" '.[-1].event == "summary" and .[-1].lost >= 1 and
	.[-1].sent == .[-1].answered + .[-1].rst_answered + .[-1].lost' "summary: the lost probe counted"
echo ok
