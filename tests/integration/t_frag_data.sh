#!/bin/bash
# Issue 23 item 3: the server's data arrives in IPv4 fragments (the server
# sends without DF, ip_no_pmtu_disc, and the router's link to the client has
# a 576-byte MTU).  The client's kernel acts on the reassembled segment;
# kaprobe ignores the fragments (the gate: a first fragment is the kernel's
# to reassemble) and takes RCV.NXT from the kernel's own ACK, so every
# probe's ack equals the kernel's (the old code counted the first
# fragment's length only: 856 bytes behind).
. tests/integration/lib.sh
PORT=7233
BANNER=$(printf 'k%.0s' $(seq 1400))
need_kaprobe
tb_up || fail "tb_up failed"
tb_server_sysctl net.ipv4.ip_no_pmtu_disc 1 || fail "ip_no_pmtu_disc"
tb_r ip link set rc mtu 576 || fail "router mtu"
tb_start_server -p $PORT -b "$BANNER" || fail "tcpserver did not start"
out=$TB_DIR/out.json
ka_run "$out" -c 2 --idle 1s --intvl 1s --probes 3 --json -w "$TB_DIR/f.pcap" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status"
nfrag=$(pcap_count "$TB_DIR/f.pcap" "ip.flags.mf == 1 && ip.src == $TB_SRV4")
assert_ge "$nfrag" 1 "first fragments from the server in the capture"
# The kernel's RCV.NXT after the banner: its own ACK of it (its later ACK
# of the server's FIN, once kaprobe closed, is one more).
want=$(( ${#BANNER} + 3 ))   # 1 + banner + CRLF, relative
pcap_fields "$TB_DIR/f.pcap" "ip.src==$TB_CLI4 && tcp && !tcp.analysis.keep_alive" tcp.ack |
	grep -qx "$want" || fail "no ACK of the whole banner ($want) from the client's kernel"
acks=$(pcap_fields "$TB_DIR/f.pcap" "tcp.analysis.keep_alive && ip.src==$TB_CLI4" tcp.ack | sort -u)
assert_eq "$want" "$acks" "relative ack of every probe (the kernel's)"
# Replay of that capture: the segments it reads (build/tools/segdump:
# replay's intake) are tshark's, frame by frame, and its summary counts as
# many.  The -w capture's filter names the ports, so it keeps the first
# fragment only: replay counts it as of an incomplete datagram, and tshark
# shows no TCP there either (tests/replay/t_tshark_frags.sh has whole ones).
[ -x build/tools/segdump ] || make -s build/tools/segdump || fail "cannot build segdump"
tshark -n -r "$TB_DIR/f.pcap" -Y 'tcp && !icmp' -T fields -e frame.number -e tcp.seq_raw \
	-e tcp.ack_raw -e tcp.flags -e tcp.len 2>/dev/null | LC_ALL=C sort >"$TB_DIR/want.seg"
build/tools/segdump "$TB_DIR/f.pcap" | grep -v '^#' | LC_ALL=C sort >"$TB_DIR/got.seg"
cmp -s "$TB_DIR/want.seg" "$TB_DIR/got.seg" ||
	fail "replay's segments differ from tshark's: $(diff "$TB_DIR/want.seg" "$TB_DIR/got.seg" | head -4 | tr '\t\n' ' ;')"
sum=$("$KAPROBE" replay --json "$TB_DIR/f.pcap" | jq -c 'select(.event=="summary")')
assert_eq "$(wc -l <"$TB_DIR/want.seg")" "$(jq -r .tcp <<<"$sum")" "replay's TCP segments (tshark's)"
note "replay: $(jq -r '"\(.tcp) TCP segments, \(.skipped.fragments) fragments reassembled, \(.skipped.incomplete) incomplete"' <<<"$sum")"
echo ok
