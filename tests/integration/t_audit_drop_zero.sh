#!/bin/bash
# test-timeout: 150
# kaprobe audit through a router that drops the client's zero-length pure
# ACKs once a connection is up (the third packet of a flow on: SYN and the
# handshake's ACK pass).  nftables 1.0.6 cannot match the TCP payload length,
# so the rule matches the IPv4 total length of a zero-length ACK: 52 bytes
# with NOP,NOP,TSopt (20 + 20 + 12), 40 without.  The one-byte probe (53)
# passes and is answered by the peer; every zero-length kind is lost (none).
# A standard probe kind is mishandled: exit 1, summary.ok false.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7402
ka_setup $PORT
tb_r sysctl -qw net.netfilter.nf_conntrack_acct=1 >/dev/null ||
	fail "router: nf_conntrack_acct=1"
tb_router_nft ip saddr "$TB_CLI4" tcp flags == ack ip length '{ 40, 52 }' \
	ct original packets '>' 2 counter drop || fail "router drop rule"
# A segment conntrack finds out of window (far-seq) is "invalid" and carries
# no conntrack entry, so the rule above cannot see its packet count: the
# same lengths, when invalid, are dropped too.
tb_router_nft ip saddr "$TB_CLI4" tcp flags == ack ip length '{ 40, 52 }' \
	ct state invalid counter drop || fail "router drop rule (invalid)"
assert_eq 1 "$(tb_r sysctl -n net.netfilter.nf_conntrack_acct)" "router nf_conntrack_acct"

out=$TB_DIR/out.json
KA_TIMEOUT=100 audit_run "$out" --max-idle 4s "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (zero-length probes dropped)"
audit_assert_shape "$out"
audit_assert_variant "$out" one-byte ack peer 1 63 "$TB_SRV4"
for v in zero-length no-timestamp stale-timestamp pure-ack far-seq; do
	audit_assert_variant "$out" "$v" none null null null null
done
assert_eq false "$(audit_get "$out" summary .ok)" "summary.ok"
# The idle search probes with the standard kind the peer answered, so a path
# that drops only zero-length probes is not taken for one that drops idle
# flows: no timeout up to --max-idle.
assert_eq one-byte "$(audit_get "$out" idle-timeout .probe)" "idle-timeout.probe"
assert_eq null "$(audit_get "$out" idle-timeout .dead_s)" "idle-timeout.dead_s"
# The rules did the dropping (they also match the ACKs of a teardown, so
# only "at least" is checked).
dropped=$(tb_r nft list chain inet kaprobe forward |
	sed -n 's/.*counter packets \([0-9]*\) .*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
assert_ge "$dropped" 5 "packets the router dropped (5 zero-length variants at least)"
echo ok
