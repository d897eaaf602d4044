#!/bin/bash
# test-timeout: 60
# Issue 17, the control: a box that forgets flows is not a peer that closes
# them.  The router tracks connections and forgets an established flow after
# 6 s of silence (audit_router_conntrack 6); the server holds its connection.
#  - the late probe (after 8 s) dropped as invalid: verdict dead, exit 1,
#    never closed (no FIN or RST came);
#  - the same firewall answering it with its own TCP reset (picked up as
#    NEW, "reject with tcp reset"): an RST that answers a probe is reset,
#    exit 2, not closed.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7243
ka_setup $PORT
out=$TB_DIR/out.json
v='select(.event=="verdict")'

note "conntrack forgets the flow, drops the probe"
audit_router_conntrack 6
ka_run "$out" --idle 8s --intvl 1s --probes 3 --json "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (dead)"
json_valid "$out"
assert_eq dead "$(json_field "$out" "$v" .verdict)" verdict
assert_eq null "$(json_field "$out" "$v" .how)" "verdict.how (nothing closed the connection)"
assert_eq 0 "$(json_field "$out" 'select(.event=="summary")' .answered)" summary.answered
assert_match 'ct state invalid counter packets [1-9]' \
	"$(tb_r nft list chain inet kaprobe forward)" "router dropped the probes as invalid"

note "conntrack forgets the flow, answers the probe with a reset"
audit_router_conntrack 6 reject
ka_run "$out" --idle 8s --intvl 1s --probes 3 --json "$TB_SRV4:$PORT"
assert_eq 2 "$KA_RC" "exit status (reset)"
json_valid "$out"
assert_eq reset "$(json_field "$out" "$v" .verdict)" verdict
assert_eq null "$(json_field "$out" "$v" .how)" "verdict.how (an answer, not a close)"
assert_eq 1 "$(json_count "$out" 'select(.event=="reply" and .kind=="rst" and .n==1)')" \
	"the router's RST answering probe 1"
echo ok
