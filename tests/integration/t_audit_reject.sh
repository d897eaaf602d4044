#!/bin/bash
# test-timeout: 150
# kaprobe audit through a stateful firewall that answers the packets of flows
# it forgot with a TCP reset of its own (conntrack established timeout 3 s;
# tcp_loose=1 picks the late probe up as NEW; "reject with tcp reset").  The
# router's RST carries the server's address but the router's TTL, 64: the
# SYN-ACK came with 63, so the RST is the middlebox's, hops 64 - 64 = 0 (the
# server's own replies: 64 - 63 = 1).  Otherwise as t_audit_conntrack: the
# bracket holds 3 s, rfc5382 false, refresh survives, exit 1.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7404
ka_setup $PORT
audit_router_conntrack 3 reject

out=$TB_DIR/out.json
audit_paws_mark
# An explicit refresh interval, which the refresh phase must use.
KA_TIMEOUT=100 audit_run "$out" --max-idle 8s --resolution 500ms --intvl 700ms "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (idle timeout 3 s < 2h4m)"
audit_assert_shape "$out"
audit_assert_peer_answers "$out" "$TB_SRV4" zero-length one-byte no-timestamp
audit_assert_stale_ts "$out" "$TB_SRV4"
audit_assert_variant "$out" pure-ack none null null null null
# Out of conntrack's window: invalid, dropped (not rejected).
audit_assert_variant "$out" far-seq none null null null null

alive=$(audit_get "$out" idle-timeout .alive_s)
dead=$(audit_get "$out" idle-timeout .dead_s)
assert_ge "$alive" 2 "idle-timeout.alive_s (conntrack timeout 3 s)"
assert_le "$alive" 3.5 "idle-timeout.alive_s (conntrack timeout 3 s)"
assert_ge "$dead" 2.5 "idle-timeout.dead_s (conntrack timeout 3 s)"
assert_le "$dead" 4.5 "idle-timeout.dead_s (conntrack timeout 3 s)"
assert_le "$(awk -v a="$alive" -v d="$dead" 'BEGIN { print d - a }')" 1 \
	"idle-timeout dead_s - alive_s (--resolution 500ms)"
assert_eq false "$(audit_get "$out" idle-timeout .rfc5382)" "idle-timeout.rfc5382"
assert_eq rst "$(audit_get "$out" idle-timeout .expired_reply)" "idle-timeout.expired_reply"
assert_eq middlebox "$(audit_get "$out" idle-timeout .by)" "idle-timeout.by (the router's RST)"
assert_eq 0 "$(audit_get "$out" idle-timeout .hops)" "idle-timeout.hops (router: TTL 64 = initial)"

assert_eq true "$(audit_get "$out" refresh .survived)" "refresh.survived"
assert_eq 0.7 "$(audit_get "$out" refresh .intvl_s)" "refresh.intvl_s (--intvl 700ms)"
assert_gt "$(audit_get "$out" refresh .duration_s)" "$dead" "refresh.duration_s > dead_s"
assert_lt "$(audit_get "$out" advice .tcp_keepalive_time)" "$alive" "advice tcp_keepalive_time < alive_s"
assert_lt "$(audit_get "$out" advice .tcp_keepalive_intvl)" "$alive" "advice tcp_keepalive_intvl < alive_s"
assert_eq false "$(audit_get "$out" summary .ok)" "summary.ok"
assert_match 'reject' "$(tb_r nft list chain inet kaprobe forward | grep 'counter packets [1-9]')" \
	"router rejected packets of expired flows"
echo ok
