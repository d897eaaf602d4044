#!/bin/bash
# Issue 23 item 2: answers behind IPv6 extension headers count.  Over IPv6,
# once the first probe is answered, the server's own answers are dropped on
# the router and ACKs at RCV.NXT acking SND.NXT, each behind a Hop-by-Hop
# options header (inject frame --hbh), answer the probes instead; the
# client's kernel takes them (its connection stays), and kaprobe must see
# them through its capture filter and decoder: alive, exit 0 (the old filter
# matched Next Header 6, or 44 then 6, only: dead).  The ACKs come every
# 1.5 s: each one restarts the idle time (1 s) as it does the kernel's, so
# each probe is out when the next ACK comes, and no round lasts the 2
# probes' 2 s.
. tests/integration/lib.sh
PORT=7232
ka_setup $PORT
out=$TB_DIR/out.json
cmac=$(tb_c cat /sys/class/net/"$TB_C_IF"/address)
[ -n "$cmac" ] || fail "no MAC on the client's $TB_C_IF"

KA_TIMEOUT=30 ka_start "$out" -c 4 --idle 1s --intvl 1s --probes 2 --json "[$TB_SRV6]:$PORT"
ka_wait_connect "$out"
cport=$(client_port $PORT)
[ -n "$cport" ] || fail "no established connection to port $PORT in the client ns"
ka_wait_event "$out" '.event=="reply" and .kind=="ack"' 5 || fail "no answered probe within 5 s"
rcvnxt=$(ka_probe_field "$out" .ack)
sndnxt=$(seq_add "$(ka_probe_field "$out" .seq)" 1)
tb_router_nft ip6 saddr "$TB_SRV6" tcp sport $PORT drop || fail "tb_router_nft"
inject_bg frame --iface rc --dst-mac "$cmac" --hbh --src "$TB_SRV6" --dst "$TB_CLI6" \
	--sport $PORT --dport "$cport" --seq "$rcvnxt" --ack "$sndnxt" --flags A \
	--count 12 --every 1.5
ka_wait
inject_stop
json_valid "$out"
assert_eq 0 "$KA_RC" "exit status (alive)"
assert_eq alive "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
assert_ge "$(json_count "$out" 'select(.event=="reply" and .kind=="ack")')" 4 "ack replies"
echo ok
