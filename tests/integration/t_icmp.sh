#!/bin/bash
# The router answers the connection's packets with ICMP/ICMPv6 errors once
# it is up: each probe gets an "icmp" reply from the router (type, code and
# its address), which does not answer the probe (a soft error, as in
# tcp_v4_err); after --probes probes the verdict is "unreachable", exit 1.
. tests/integration/lib.sh
PORT=7210
ka_setup $PORT

check_icmp() {	# OUT FROM TYPE CODE
	local out=$1
	assert_eq 1 "$KA_RC" "exit status"
	json_valid "$out"
	assert_eq 2 "$(json_count "$out" 'select(.event=="probe")')" "probe events"
	assert_ge "$(json_count "$out" 'select(.event=="reply" and .kind=="icmp")')" 2 "icmp replies"
	assert_eq 0 "$(json_count "$out" 'select(.event=="reply" and .kind!="icmp")')" "other replies"
	assert_eq "$2" "$(json_field "$out" 'select(.event=="reply")' .from)" "icmp from the router"
	assert_eq "$3" "$(json_field "$out" 'select(.event=="reply")' .type)" "icmp type"
	assert_eq "$4" "$(json_field "$out" 'select(.event=="reply")' .code)" "icmp code"
	assert_eq unreachable "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
	assert_eq 0 "$(json_field "$out" 'select(.event=="summary")' .answered)" summary.answered
}

out4=$TB_DIR/v4.json
ka_start "$out4" --idle 1s --intvl 1s --probes 2 --json "$TB_SRV4:$PORT"
ka_wait_connect "$out4"
tb_router_nft ip daddr "$TB_SRV4" tcp dport $PORT reject with icmp type host-unreachable ||
	fail "nft reject rule"
ka_wait
check_icmp "$out4" "$TB_RTR4" 3 1
tb_router_open || fail "tb_router_open"

out6=$TB_DIR/v6.json
ka_start "$out6" --idle 1s --intvl 1s --probes 2 --json "[$TB_SRV6]:$PORT"
ka_wait_connect "$out6"
tb_router_nft ip6 daddr "$TB_SRV6" tcp dport $PORT reject with icmpv6 type addr-unreachable ||
	fail "nft reject rule"
ka_wait
check_icmp "$out6" "$TB_RTR6" 1 3
echo ok
