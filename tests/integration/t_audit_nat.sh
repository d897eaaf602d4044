#!/bin/bash
# test-timeout: 150
# Issue 17's control, and issue 22's time: through a NAT (masquerade on the
# router) whose conntrack forgets established flows after 6 s, with the
# audit's defaults (--max-idle 2h4m): the finding is a state expiry of about
# 6 s, which keep-alive probes do refresh (and heartbeats too), and the
# audit ends once it has it, not hours later on its way up to 2h4m.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7424
ka_setup $PORT
audit_router_conntrack 6
tb_r nft -f - <<NFT || fail "router NAT"
table ip kpnat {
	chain post {
		type nat hook postrouting priority 100;
		ip daddr $TB_SRV4 masquerade
	}
}
NFT
out=$TB_DIR/out.json
KA_TIMEOUT=130 audit_run "$out" --heartbeat 'x' "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (idle timeout 6 s < 2h4m)"
audit_assert_shape "$out"
assert_eq state-expiry "$(audit_get "$out" idle-timeout .kind)" "idle-timeout.kind"
assert_eq null "$(audit_get "$out" idle-timeout .close_s)" "idle-timeout.close_s"
alive=$(audit_get "$out" idle-timeout .alive_s)
dead=$(audit_get "$out" idle-timeout .dead_s)
assert_ge "$alive" 5 "idle-timeout.alive_s (NAT timeout 6 s)"
assert_le "$alive" 6.5 "idle-timeout.alive_s (NAT timeout 6 s)"
assert_ge "$dead" 5.5 "idle-timeout.dead_s (NAT timeout 6 s)"
assert_le "$dead" 7.5 "idle-timeout.dead_s (NAT timeout 6 s)"
assert_le "$(awk -v a="$alive" -v d="$dead" 'BEGIN { print d - a }')" 0.5 \
	"dead_s - alive_s (the default resolution, 0.5 s)"
assert_eq none "$(audit_get "$out" idle-timeout .expired_reply)" "idle-timeout.expired_reply"
assert_eq true "$(json_field "$out" 'select(.event=="refresh" and .with=="keepalive")' \
	.survived)" "keep-alive refresh survived"
assert_eq true "$(json_field "$out" 'select(.event=="refresh" and .with=="heartbeat")' \
	.survived)" "heartbeat refresh survived"
assert_eq false "$(audit_get "$out" summary .closes)" "summary.closes"
# The search stopped climbing: nothing was measured far above the timeout.
assert_json "$out" 'map(select(.event=="measure") | .idle_s) | max < 20' \
	'no measurement above 20 s (the ladder stops at the first confirmed death)'
