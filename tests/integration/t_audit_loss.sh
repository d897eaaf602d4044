#!/bin/bash
# Issue 8 item 10: the audit under loss.  The router is the stateful firewall
# of t_audit_conntrack (established flows forgotten after 3 s idle), and
# also drops every Nth packet it forwards (numgen inc mod N == 0, N = 7 by
# default: AUDIT_LOSS_MOD), whatever it is: SYNs, probes, answers.  A lost
# answer is not a dead path: the audit must retry it (quickly, inside the
# idle being measured) and still find what the loss-free run finds:
#  - zero-length and one-byte answered by the peer (ack, 1 hop);
#  - the bracket around 3 s with the bounds of t_audit_conntrack (conntrack's
#    granularity and scheduling), alive_s < dead_s, not inconsistent;
#  - loss_pct > 0 (the router did drop probes or answers), and every
#    variant says how many probes it took (tries >= 1);
#  - exit 1 (3 s < 2h4m).
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7405
MOD=${AUDIT_LOSS_MOD:-7}
ka_setup $PORT
audit_router_conntrack 3
tb_r nft insert rule inet kaprobe forward numgen inc mod "$MOD" == 0 counter drop ||
	fail "nft loss rule"

out=$TB_DIR/out.json
KA_TIMEOUT=50 audit_run "$out" --max-idle 4s --resolution 1s "$TB_SRV4:$PORT"
dropped=$(tb_r nft list chain inet kaprobe forward | sed -n 's/.*numgen.*counter packets \([0-9]*\).*/\1/p')
note "the router dropped ${dropped:-?} packets (every ${MOD}th)"
assert_gt "${dropped:-0}" 0 "packets the router dropped"

json_valid "$out"
audit_assert_variant "$out" zero-length ack peer 1 63 "$TB_SRV4"
audit_assert_variant "$out" one-byte ack peer 1 63 "$TB_SRV4"
assert_json "$out" 'map(select(.event=="variant")) | all((.tries|type)=="number" and .tries >= 1)' \
	"every variant has tries >= 1"
assert_eq false "$(audit_get "$out" idle-timeout .inconsistent)" "idle-timeout.inconsistent"
alive=$(audit_get "$out" idle-timeout .alive_s)
dead=$(audit_get "$out" idle-timeout .dead_s)
assert_ge "$alive" 2 "idle-timeout.alive_s (conntrack timeout 3 s)"
assert_le "$alive" 3.5 "idle-timeout.alive_s (conntrack timeout 3 s)"
assert_ge "$dead" 2.5 "idle-timeout.dead_s (conntrack timeout 3 s)"
assert_le "$dead" 4.5 "idle-timeout.dead_s (conntrack timeout 3 s)"
assert_lt "$alive" "$dead" "idle-timeout alive_s < dead_s"
assert_gt "$(audit_get "$out" idle-timeout .loss_pct)" 0 "idle-timeout.loss_pct (every ${MOD}th packet dropped)"
assert_json "$out" 'map(select(.event=="idle-timeout"))[0] |
	([.agree, .disagree, .discarded] | all(type=="number" and . >= 0 and . == floor))' \
	"idle-timeout agree, disagree, discarded are counts"
assert_eq 1 "$KA_RC" "exit status (idle timeout 3 s < 2h4m)"
audit_assert_shape "$out"
echo ok
