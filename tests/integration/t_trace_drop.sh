#!/bin/bash
# test-timeout: 150
# kaprobe trace through two routers where r1 rewrites DSCP to CS1
# (`ip dscp set cs1`, in its forward chain: after the TTL check, so hop 1's
# own quote is unchanged and hop 2's shows it) and r2 drops the client's
# zero-length ACKs once the flow is up (as t_audit_drop_zero: by IP length,
# nftables 1.0.6 cannot match the TCP payload; a router still answers a
# probe whose TTL runs out there, the TTL check coming before its forward
# filter).  So: the zero-length probe is lost and its drop placed after
# hop 2 (r2, the last to quote it), the one-byte probe is answered by the
# peer and traces the path: exit 1.  IPv4 and IPv6; IPv4 with --report,
# whose hops, changed fields and fates are the JSON's (trace_report_lib.sh).
. tests/integration/lib.sh
. tests/integration/trace_report_lib.sh
PORT=7422
ka_setup $PORT
tb_add_router2 || fail "tb_add_router2"
tb_r2 sysctl -qw net.netfilter.nf_conntrack_acct=1 >/dev/null || fail "r2: nf_conntrack_acct"
tb_router2_nft ip saddr "$TB_CLI4" tcp flags == ack ip length '{ 40, 52 }' \
	ct original packets '>' 2 counter drop || fail "r2 drop rule (IPv4)"
tb_router2_nft ip6 saddr "$TB_CLI6" tcp flags == ack ip6 length '{ 20, 32 }' \
	ct original packets '>' 2 counter drop || fail "r2 drop rule (IPv6)"
tb_router_nft ip dscp set cs1 || fail "r1 dscp rule (IPv4)"
tb_router_nft ip6 dscp set cs1 || fail "r1 dscp rule (IPv6)"
out=$TB_DIR/out.json

# trace_check OUT HOP1 HOP2 PEER
trace_check() {
	local out=$1
	json_valid "$out"
	assert_eq 3 "$(json_count "$out" 'select(.event=="hop")')" "hop events"
	assert_eq "$2" "$(json_field "$out" 'select(.event=="hop" and .ttl==1)' .from)" "hop 1 from"
	assert_eq "$3" "$(json_field "$out" 'select(.event=="hop" and .ttl==2)' .from)" "hop 2 from"
	assert_eq "$4" "$(json_field "$out" 'select(.event=="hop" and .ttl==3)' .from)" "hop 3 from"
	assert_json "$out" 'map(select(.event=="hop" and .ttl==1))[0].changed == []' \
		'hop 1 quotes the probe unchanged'
	assert_json "$out" 'map(select(.event=="hop" and .ttl==2))[0].changed == ["dscp"]' \
		'hop 2 quotes it with DSCP changed, and nothing else'
	assert_json "$out" 'map(select(.event=="hop" and .ttl==3))[0] | .reply=="ack" and .by=="peer"' \
		'hop 3: the peer'
	assert_json "$out" 'map(select(.event=="fate" and .variant=="zero-length"))[0] |
		.reply=="none" and .by==null and .last_hop==2' 'zero-length: lost after hop 2'
	assert_eq "$3" "$(json_field "$out" 'select(.event=="fate" and .variant=="zero-length")' \
		.last_hop_from)" "zero-length: last_hop_from"
	assert_json "$out" 'map(select(.event=="fate" and .variant=="one-byte"))[0] |
		.reply=="ack" and .by=="peer" and .hops==2 and .last_hop==null' 'one-byte: the peer'
	assert_eq fail "$(json_field "$out" 'select(.event=="trace-summary")' .result)" "result"
}

KA_TIMEOUT=60 ka_run "$out" trace --json --report "$TB_DIR/trace.html" "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (IPv4)"
trace_check "$out" "$TB_RTR4" "$TB_R2_4" "$TB_SRV4"
trace_report_check "$out" "$TB_DIR/trace.html"
KA_TIMEOUT=60 ka_run "$out" trace --json "[$TB_SRV6]:$PORT"
assert_eq 1 "$KA_RC" "exit status (IPv6)"
trace_check "$out" "$TB_RTR6" "$TB_R2_6" "$TB_SRV6"
# The rules did the work.
assert_match 'counter packets [1-9]' "$(tb_r2 nft list chain inet kaprobe forward)" \
	"r2 dropped probes"
KA_TIMEOUT=60 ka_run "$out" trace "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (table)"
assert_match "2  $TB_R2_4 .*changed: dscp" "$(cat "$out")" "hop 2 row"
assert_match "fate zero-length +lost: dropped after hop 2 \($TB_R2_4\)" "$(cat "$out")" "fate row"
echo ok
