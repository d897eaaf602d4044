#!/bin/bash
# test-timeout: 120
# kaprobe trace through two routers (client - r1 - r2 - server), IPv4 and
# IPv6, with Linux's default ICMP rate limits on (net.ipv4.icmp_ratelimit
# 1000 ms, net.ipv6.icmp.ratelimit non-zero, checked): hop 1 is r1, hop 2 r2, hop 3
# the peer; every hop's quote shows nothing changed; both standard probe
# kinds are answered by the peer two hops away: exit 0.
. tests/integration/lib.sh
PORT=7421
ka_setup $PORT
tb_add_router2 || fail "tb_add_router2"
for ns in "$TB_R" "$TB_R2"; do
	assert_eq 1000 "$(ip netns exec "$ns" sysctl -n net.ipv4.icmp_ratelimit)" "icmp_ratelimit"
	assert_gt "$(ip netns exec "$ns" sysctl -n net.ipv6.icmp.ratelimit)" 0 "icmpv6 ratelimit"
done
out=$TB_DIR/out.json

# trace_check OUT HOP1 HOP2 PEER: the contract of a clean path.
trace_check() {
	local out=$1
	json_valid "$out"
	assert_eq 3 "$(json_count "$out" 'select(.event=="hop")')" "hop events"
	assert_eq "$2" "$(json_field "$out" 'select(.event=="hop" and .ttl==1)' .from)" "hop 1 from"
	assert_eq "$3" "$(json_field "$out" 'select(.event=="hop" and .ttl==2)' .from)" "hop 2 from"
	assert_eq "$4" "$(json_field "$out" 'select(.event=="hop" and .ttl==3)' .from)" "hop 3 from"
	assert_json "$out" 'map(select(.event=="hop" and .ttl<=2)) |
		all(.reply=="icmp" and .by=="middlebox" and .changed==[] and .quoted>=28 and
		    (.rtt_ms|type)=="number")' 'hops 1-2: ICMP, quoted, nothing changed'
	assert_json "$out" 'map(select(.event=="hop" and .ttl==3))[0] |
		.reply=="ack" and .by=="peer" and .type==null' 'hop 3: the peer ACKs'
	for v in zero-length one-byte; do
		assert_json "$out" "map(select(.event==\"fate\" and .variant==\"$v\"))[0] |
			.reply==\"ack\" and .by==\"peer\" and .hops==2 and .last_hop==null" \
			"fate $v: ack by the peer 2 hops away"
	done
	assert_eq 2 "$(json_count "$out" 'select(.event=="fate")')" "fate events"
	assert_eq ok "$(json_field "$out" 'select(.event=="trace-summary")' .result)" "result"
}

KA_TIMEOUT=60 ka_run "$out" trace --json "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status (IPv4)"
trace_check "$out" "$TB_RTR4" "$TB_R2_4" "$TB_SRV4"
assert_json "$out" 'map(select(.event=="hop" and .ttl<=2)) | all(.type==11 and .code==0)' \
	'ICMPv4 time exceeded in transit'

KA_TIMEOUT=60 ka_run "$out" trace --json "[$TB_SRV6]:$PORT"
assert_eq 0 "$KA_RC" "exit status (IPv6)"
trace_check "$out" "$TB_RTR6" "$TB_R2_6" "$TB_SRV6"
assert_json "$out" 'map(select(.event=="hop" and .ttl<=2)) | all(.type==3 and .code==0)' \
	'ICMPv6 time exceeded in transit'

# The table for people names the hops and the fates.
KA_TIMEOUT=60 ka_run "$out" trace "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status (table)"
assert_match " 1  $TB_RTR4 .*time-exceeded \(11/0\), quoted [0-9]+ bytes" "$(cat "$out")" "row 1"
assert_match " 3  $TB_SRV4 .*ack from the peer" "$(cat "$out")" "row 3"
assert_match "fate one-byte +ack from the peer $TB_SRV4, 2 hops away" "$(cat "$out")" "fate row"

# A hop silent twice (as one whose ICMP rate limit has run dry: r1 drops the
# first two probes whose TTL runs out there, 52 bytes each, before its TTL
# check) is asked again and reported on its third probe, not as missing.
tb_r nft add chain inet kaprobe pre '{ type filter hook prerouting priority 0; }' ||
	fail "r1 prerouting chain"
tb_r nft add rule inet kaprobe pre ip saddr "$TB_CLI4" ip ttl 1 quota until 105 bytes \
	counter drop || fail "r1 quota rule"
KA_TIMEOUT=60 ka_run "$out" trace --json "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status (hop 1 silent twice)"
trace_check "$out" "$TB_RTR4" "$TB_R2_4" "$TB_SRV4"
assert_eq 3 "$(json_field "$out" 'select(.event=="hop" and .ttl==1)' .tries)" "hop 1 tries"
assert_eq 1 "$(json_field "$out" 'select(.event=="hop" and .ttl==2)' .tries)" "hop 2 tries"
assert_match 'counter packets 2 ' "$(tb_r nft list chain inet kaprobe pre)" "r1 dropped two"

# Usage errors, before anything is sent.
ka_run "$out" trace --variant nope "$TB_SRV4:$PORT"
assert_eq 64 "$KA_RC" "exit status (unknown variant)"
assert_match "^kaprobe trace: --variant: unknown probe kind 'nope'" "$(cat "$out.err")" "unknown variant message"
ka_run "$out" trace --max-hops 0 "$TB_SRV4:$PORT"
assert_eq 64 "$KA_RC" "exit status (--max-hops 0)"
assert_eq 1 "$(wc -l <"$out.err")" "one line on stderr"
echo ok
