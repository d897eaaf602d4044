#!/bin/bash
# test-timeout: 150
# kaprobe audit through a stateful firewall: the router forwards only SYNs and
# packets of flows conntrack knows, forgets an established flow after 3 s of
# silence (net.netfilter.nf_conntrack_tcp_timeout_established=3) and does
# not pick flows up mid-stream (tcp_loose=0, invalid dropped), so a probe
# after more than 3 s of idle is dropped silently.
#  - variants: the in-window kinds pass and the peer answers; pure-ack is not
#    answered; far-seq (SND.NXT + 2^30) is out of conntrack's window
#    (tcp_in_window: "SEQ is over the upper bound"), invalid, dropped: none;
#  - idle timeout: the bracket [alive_s, dead_s] holds 3 s, allowing for
#    conntrack's granularity and kaprobe's scheduling (checked against the
#    configured timeout, never against wall-clock speed); expired probes get
#    nothing; 3 s < 2h4m, so rfc5382 false;
#  - refresh: probing every intvl_s < alive_s keeps the flow beyond dead_s;
#  - advice: tcp_keepalive_time and _intvl below alive_s; --for's settings
#    carry the same values; the risk figured with the loss measured;
#  - exit 1 (rfc5382 false);
#  - the --report page agrees with the JSON (audit_assert_report).
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7403
ka_setup $PORT
audit_router_conntrack 3

out=$TB_DIR/out.json
audit_paws_mark
KA_TIMEOUT=100 audit_run "$out" --max-idle 8s --resolution 500ms --report "$TB_DIR/audit.html" \
	--for postgres,ssh "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (idle timeout 3 s < 2h4m)"
audit_assert_shape "$out"
audit_assert_peer_answers "$out" "$TB_SRV4" zero-length one-byte no-timestamp
audit_assert_stale_ts "$out" "$TB_SRV4"
audit_assert_variant "$out" pure-ack none null null null null
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
assert_eq none "$(audit_get "$out" idle-timeout .expired_reply)" "idle-timeout.expired_reply"
assert_eq null "$(audit_get "$out" idle-timeout .by)" "idle-timeout.by (nothing answered)"

assert_eq true "$(audit_get "$out" refresh .survived)" "refresh.survived"
assert_lt "$(audit_get "$out" refresh .intvl_s)" "$alive" "refresh.intvl_s < alive_s"
assert_gt "$(audit_get "$out" refresh .duration_s)" "$dead" "refresh.duration_s > dead_s"

assert_lt "$(audit_get "$out" advice .tcp_keepalive_time)" "$alive" "advice tcp_keepalive_time < alive_s"
assert_lt "$(audit_get "$out" advice .tcp_keepalive_intvl)" "$alive" "advice tcp_keepalive_intvl < alive_s"
# shellcheck disable=SC2016 # $a is jq's
assert_json "$out" 'map(select(.event=="advice"))[0] | . as $a |
	(.settings | map(.for)) == ["ssh","postgres"] and all(.settings[]; .helps) and
	(.settings[1].lines | index("tcp_keepalives_idle = \($a.tcp_keepalive_time)")) != null and
	(.settings[0].lines | index("ServerAliveInterval \($a.tcp_keepalive_time)")) != null' \
	"--for: ssh and postgres with the advice's values"
assert_json "$out" 'map(select(.event=="advice"))[0].risk |
	.picked == false and .budget == 1e-06 and (.false_deaths_per_day | type) == "number" and
	.within_budget == (.false_deaths_per_day <= .budget)' "advice.risk: figured, not picked"
assert_json "$out" 'map(select(.event=="idle-timeout"))[0].consistent_with == []' \
	"a 3 s timeout is no documented default"
assert_match 'for-postgres' "$(cat "$TB_DIR/audit.html")" "the report's postgres settings block"
assert_eq false "$(audit_get "$out" summary .ok)" "summary.ok"
# The firewall did drop expired flows' probes.
assert_match 'ct state new counter packets [1-9]|ct state invalid counter packets [1-9]' \
	"$(tb_r nft list chain inet kaprobe forward)" "router dropped packets of expired flows"
audit_assert_report "$out" "$TB_DIR/audit.html"
echo ok
