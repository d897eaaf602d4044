#!/bin/bash
# test-timeout: 400
# kaprobe trace --timeouts through two stateful routers (client - r1 - r2 -
# server), each with its own conntrack established timeout (a per-namespace
# sysctl) and mid-stream pick-up refused (nf_conntrack_tcp_loose=0): r1
# forgets idle flows after 6 s and drops their packets, r2 after 3 s and
# answers them with `reject with tcp reset`.  Each hop's timeout is found
# within 1 s of its own, one hop seen apart from the other; r2's RST (the
# server's address, r2's TTL) is blamed on hop 2, a middlebox one router
# away, not on the peer; r1's expired flows get no answer.  Exit 1.  IPv4
# (JSON) and IPv6 (the table), each with --report: the page's hops, fates
# and brackets are the run's (trace_report_lib.sh), the output as without.
. tests/integration/lib.sh
. tests/integration/trace_report_lib.sh
PORT=7423
ka_setup $PORT
tb_add_router2 || fail "tb_add_router2"

# router_conntrack NS TIMEOUT EXPIRED-ACTION
router_conntrack() {
	ip netns exec "$1" nft -f - <<EOF || fail "$1 ruleset"
flush chain inet kaprobe forward
table inet kaprobe {
	chain forward {
		ct state established,related accept
		tcp flags & (syn|ack) == syn ct state new accept
		ct state invalid counter $3
		ct state new counter drop
	}
}
EOF
	ip netns exec "$1" sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established="$2" \
		net.netfilter.nf_conntrack_tcp_loose=0 >/dev/null || fail "$1 conntrack sysctls"
	assert_eq "$2" "$(ip netns exec "$1" sysctl -n net.netfilter.nf_conntrack_tcp_timeout_established)" \
		"$1 established timeout"
}
router_conntrack "$TB_R" 6 drop
router_conntrack "$TB_R2" 3 "meta l4proto tcp reject with tcp reset"
out=$TB_DIR/out.json

# timeout_check OUT HOP FROM ALIVE_MIN DEAD_MAX
timeout_check() {
	local sel="select(.event==\"hop-timeout\" and .hop==$2)" alive dead
	assert_eq "$3" "$(json_field "$1" "$sel" .from)" "hop $2 from"
	assert_eq false "$(json_field "$1" "$sel" .masked)" "hop $2 masked"
	alive=$(json_field "$1" "$sel" .alive_s)
	dead=$(json_field "$1" "$sel" .dead_s)
	assert_ge "$alive" "$4" "hop $2 alive_s"
	assert_le "$dead" "$5" "hop $2 dead_s"
	assert_le "$(awk -v a="$alive" -v d="$dead" 'BEGIN { print d - a }')" 1 "hop $2 bracket"
}

html=$TB_DIR/trace.html
KA_TIMEOUT=300 ka_run "$out" trace --json --timeouts --max-idle 10s --report "$html" "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (hops forget idle flows)"
json_valid "$out"
assert_eq 2 "$(json_count "$out" 'select(.event=="hop-timeout")')" "hop-timeout events"
timeout_check "$out" 1 "$TB_RTR4" 5 7
timeout_check "$out" 2 "$TB_R2_4" 2 4
assert_json "$out" 'map(select(.event=="hop-timeout" and .hop==1))[0] |
	.expired_reply=="none" and .by==null' 'hop 1: an expired flow gets no answer'
assert_json "$out" 'map(select(.event=="hop-timeout" and .hop==2))[0] |
	.expired_reply=="rst" and .by=="middlebox" and .hops==1' \
	'hop 2: an expired flow gets an RST from a middlebox one router away'
assert_eq "$TB_SRV4" "$(json_field "$out" 'select(.event=="hop-timeout" and .hop==2)' \
	.expired_from)" "hop 2: the RST carries the server's address"
# Seconds-long timeouts are no product's documented default.
assert_json "$out" 'map(select(.event=="hop-timeout")) | all(.consistent_with == [])' \
	'hop timeouts of a few seconds: consistent with no documented default'
assert_json "$out" 'map(select(.event=="fate")) | all(.reply=="ack" and .by=="peer")' \
	'the standard probes still reach the peer'
assert_eq true "$(json_field "$out" 'select(.event=="trace-summary")' .forgets)" "forgets"
assert_match 'counter packets [1-9]' "$(tb_r2 nft list chain inet kaprobe forward)" \
	"r2 rejected expired flows"
trace_report_check "$out" "$html"

KA_TIMEOUT=300 ka_run "$out" trace --timeouts --max-idle 10s --report "$html" "[$TB_SRV6]:$PORT"
assert_eq 1 "$KA_RC" "exit status (IPv6)"
row1=$(grep '^timeout hop 1 ' "$out")
row2=$(grep '^timeout hop 2 ' "$out")
report_dom "$html" "$TB_DIR/trace6.dom" || fail "chromium could not open $html (IPv6)"
assert_match "^timeout hop 1 \\($TB_RTR6\\): forgets idle flows after ([0-9.]+) to ([0-9.]+) s; then a probe gets no answer" \
	"$row1" "hop 1 row"
assert_match "^timeout hop 2 \\($TB_R2_6\\): forgets idle flows after ([0-9.]+) to ([0-9.]+) s; then a probe gets rst from the middlebox $TB_SRV6, 1 hop away" \
	"$row2" "hop 2 row"
for r in "1 5 7" "2 2 4"; do
	set -- $r
	row=$(grep "^timeout hop $1 " "$out")
	alive=$(sed -n 's/.*after \([0-9.]*\) to.*/\1/p' <<<"$row")
	dead=$(sed -n 's/.* to \([0-9.]*\) s;.*/\1/p' <<<"$row")
	assert_ge "$alive" "$2" "hop $1 alive (IPv6)"
	assert_le "$dead" "$3" "hop $1 dead (IPv6)"
	assert_le "$(awk -v a="$alive" -v d="$dead" 'BEGIN { print d - a }')" 1 "hop $1 bracket (IPv6)"
	assert_eq 1 "$(dom_count "$TB_DIR/trace6.dom" 'data-kind="hop-timeout"' "data-hop=\"$1\"" \
		"data-alive=\"$alive\"" "data-dead=\"$dead\"")" "hop $1: the page's bracket is the table's"
done
assert_match "a hop forgets idle flows within --max-idle" "$(tail -n1 "$out")" "summary line"
echo ok
