#!/bin/bash
# Issue 8 item 5: the connect event's src is the connection's own local
# address and port: the one the client's kernel shows (ss) and the source
# port of the SYN kaprobe writes with -w.  IPv4 and IPv6.
. tests/integration/lib.sh
PORT=7225
ka_setup $PORT

for target in "$TB_SRV4:$PORT" "[$TB_SRV6]:$PORT"; do
	out=$TB_DIR/out.json
	pcap=$TB_DIR/out.pcap
	ka_start "$out" --idle 1s -c 1 --json -w "$pcap" "$target"
	ka_wait_connect "$out"
	ss_src=$(tb_c ss -Htn state established "( dport = :$PORT )" | awk '{ print $3; exit }')
	ka_wait
	assert_eq 0 "$KA_RC" "exit status ($target)"
	[ -n "$ss_src" ] || fail "no established connection in the client ns ($target)"
	src=$(json_field "$out" 'select(.event=="connect")' .src)
	assert_eq "$ss_src" "$src" "connect.src vs the kernel's local address:port (ss) for $target"
	syn_port=$(pcap_fields "$pcap" 'tcp.flags.syn == 1 && tcp.flags.ack == 0' tcp.srcport | head -n1)
	assert_eq "$syn_port" "${src##*:}" "connect.src port vs the SYN's source port in -w ($target)"
done
echo ok
