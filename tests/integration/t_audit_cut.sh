#!/bin/bash
# test-timeout: 150
# kaprobe audit over a path that dies right after every handshake: the
# router forwards a flow's SYN and handshake ACK (and the SYN-ACK) and drops
# everything after them, both ways (conntrack's packet counters:
# "ct original packets > 2", "ct reply packets > 1").  This cuts each of
# audit's connections at the same point, whatever the order or timing of its
# phases, so nothing here races the prober (cutting the path with
# tb_router_cut once the first variant line is out would: a later phase's
# connect() would meet the cut too, and which connections were up by then
# would depend on scheduling).
#  - every variant: none (by, hops, from, ttl null);
#  - idle timeout: no idle was answered (alive_s null or 0), every probe
#    died, down to the shortest idle tried: dead_s <= 1 s with --resolution
#    500ms; expired_reply none; rfc5382 false;
#  - exit 1, summary.ok false.
# Then the path cut before audit starts: the connect fails (timeout), exit 3,
# one line on stderr, no JSON events.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7405
ka_setup $PORT
tb_r sysctl -qw net.netfilter.nf_conntrack_acct=1 >/dev/null ||
	fail "router: nf_conntrack_acct=1"
tb_router_nft ct original packets '>' 2 counter drop || fail "router rule (original)"
tb_router_nft ct reply packets '>' 1 counter drop || fail "router rule (reply)"

out=$TB_DIR/out.json
KA_TIMEOUT=100 audit_run "$out" --max-idle 4s --resolution 500ms "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (path cut after the handshakes)"
audit_assert_shape "$out"
for v in $AUDIT_VARIANTS; do
	audit_assert_variant "$out" "$v" none null null null null
done
alive=$(audit_get "$out" idle-timeout .alive_s)
dead=$(audit_get "$out" idle-timeout .dead_s)
[ "$alive" = null ] || assert_eq 0 "$alive" "idle-timeout.alive_s (nothing answered): null or 0"
assert_gt "$dead" 0 "idle-timeout.dead_s"
assert_le "$dead" 1 "idle-timeout.dead_s (every idle died: the shortest tried)"
assert_eq none "$(audit_get "$out" idle-timeout .expired_reply)" "idle-timeout.expired_reply"
assert_eq null "$(audit_get "$out" idle-timeout .by)" "idle-timeout.by"
assert_eq false "$(audit_get "$out" idle-timeout .rfc5382)" "idle-timeout.rfc5382"
# Nothing was ever answered, so no refresh can have survived.
assert_ne true "$(audit_get "$out" refresh .survived)" "refresh.survived"
assert_eq false "$(audit_get "$out" summary .ok)" "summary.ok"
assert_match 'counter packets [1-9]' "$(tb_r nft list chain inet kaprobe forward)" \
	"router dropped packets after the handshakes"

# Cut before the start: no connection at all.
tb_router_open || fail "tb_router_open"
tb_router_cut || fail "tb_router_cut"
out2=$TB_DIR/cut.json
KA_TIMEOUT=100 audit_run "$out2" --max-idle 4s "$TB_SRV4:$PORT"
assert_eq 3 "$KA_RC" "exit status (cannot connect)"
assert_eq 1 "$(wc -l <"$out2.err")" "stderr lines"
assert_match '^kaprobe: ' "$(cat "$out2.err")" "the error line"
assert_eq 0 "$(grep -c '"event" *: *"variant"' "$out2")" "variant events without a connection"
echo ok
