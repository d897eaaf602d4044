#!/bin/bash
# The testbed itself: routing both ways over v4 and v6, the kernel's own
# keep-alive probes seen and answered through the router (Wireshark labels),
# router cut/open, the silent-abort trick (RST dropped), and clean teardown.
. tests/integration/lib.sh

PORT=7101
KACLIENT=build/tools/kaclient

tb_up || fail "tb_up"
for ns in "$TB_C" "$TB_R" "$TB_S"; do
	[ -e "/run/netns/$ns" ] || fail "namespace $ns missing"
done
tb_start_server -p $PORT -b "hello from the testbed" || fail "tcpserver"
kill -0 "$TB_SRV_PID" || fail "tcpserver pid $TB_SRV_PID not running"

# Linux's own probes: idle 1 s, interval 1 s, held 4 s -> about 3 probes.
cap=$TB_DIR/kernel.pcapng
cap_start "$TB_C" "$TB_C_IF" "$cap" "tcp port $PORT"
assert_exit 0 tb_c $KACLIENT -i 1 -t 1 -n 3 -d 4 "$TB_SRV4" $PORT
assert_exit 0 tb_c $KACLIENT -i 1 -t 1 -n 3 -d 4 "$TB_SRV6" $PORT
cap_stop
tshark -n -r "$cap" 2>/dev/null | sed 's/^/# /'

for fam in 4 6; do
	if [ $fam = 4 ]; then cli=ip.src==$TB_CLI4; srv=ip.src==$TB_SRV4
	else cli=ipv6.src==$TB_CLI6; srv=ipv6.src==$TB_SRV6; fi
	assert_ge "$(pcap_count "$cap" "tcp.analysis.keep_alive && $cli")" 2 \
		"IPv$fam keep-alive probes from the client"
	assert_ge "$(pcap_count "$cap" "tcp.analysis.keep_alive_ack && $srv")" 2 \
		"IPv$fam keep-alive ACKs from the server"
	# The probe is Linux's: ACK only, no payload.
	assert_eq 0 "$(pcap_count "$cap" "tcp.analysis.keep_alive && $cli && (tcp.len > 0 || tcp.flags != 0x010)")" \
		"IPv$fam probes that are not a bare ACK"
	# The answers crossed the router: TTL / hop limit 64 - 1.
	if [ $fam = 4 ]; then ttl=ip.ttl; else ttl=ipv6.hlim; fi
	assert_eq 63 "$(pcap_fields "$cap" "tcp.analysis.keep_alive_ack && $srv" $ttl | sort -u)" \
		"IPv$fam TTL of the answers"
done
# The banner arrived (4 s of hold after it, so probes came after data).
assert_ge "$(pcap_count "$cap" 'tcp.payload && tcp.srcport == '$PORT)" 2 "banner segments"

# Router cut: a new connection cannot be made (kaclient's connect gives up
# after 3 s); open again: it can.
tb_router_cut || fail "tb_router_cut"
assert_exit 1 tb_c $KACLIENT -d 0 "$TB_SRV4" $PORT
assert_exit 1 tb_c $KACLIENT -d 0 "$TB_SRV6" $PORT
tb_router_open || fail "tb_router_open"
assert_exit 0 tb_c $KACLIENT -d 0 "$TB_SRV4" $PORT

# A server that forgets its connection silently: SIGUSR1 aborts with an RST
# that the server namespace drops; the kernel's next probe then gets an RST.
out=$TB_DIR/kaclient.out
tb_c $KACLIENT -i 2 -t 1 -n 3 -d 8 "$TB_SRV6" $PORT >"$out" 2>&1 &
kc=$!
wait_until 3 grep -q connected "$out" || fail "kaclient did not connect"
wait_until 3 test "$(server_established)" -ge 1 || fail "server has no connection"
tb_server_drop_rst || fail "tb_server_drop_rst"
kill -USR1 "$TB_SRV_PID"
wait_until 3 test "$(server_established)" -eq 0 || fail "server kept its connection"
tb_server_allow_rst || fail "tb_server_allow_rst"
wait "$kc"
rc=$?
cat "$out"
assert_eq 2 "$rc" "kaclient exit after the server forgot the connection"
grep -q ECONNRESET "$out" || fail "kaclient did not report ECONNRESET"
kill -0 "$TB_SRV_PID" || fail "tcpserver died on SIGUSR1"
assert_exit 0 tb_c $KACLIENT -d 0 "$TB_SRV4" $PORT

# Server sysctl in its own namespace only.
tb_server_sysctl net.ipv4.tcp_timestamps 0 || fail tb_server_sysctl
assert_eq 0 "$(tb_s sysctl -n net.ipv4.tcp_timestamps)" "server tcp_timestamps"
assert_eq 1 "$(tb_c sysctl -n net.ipv4.tcp_timestamps)" "client tcp_timestamps"

# Teardown: namespaces gone, server gone, and a second call is harmless.
names="$TB_C $TB_R $TB_S"
srvpid=$TB_SRV_PID
tb_down
for ns in $names; do
	[ -e "/run/netns/$ns" ] && fail "namespace $ns still there after tb_down"
	ip netns list | awk '{print $1}' | grep -qxF "$ns" && fail "ip netns list still shows $ns"
done
kill -0 "$srvpid" 2>/dev/null && fail "tcpserver $srvpid still running after tb_down"
tb_down || fail "second tb_down"
echo "ok"
