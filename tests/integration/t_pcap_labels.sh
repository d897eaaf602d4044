#!/bin/bash
# The -w pcap of an alive run: Wireshark labels kaprobe's probes Keep-Alive
# and the server's answers Keep-Alive ACK.
# The server sends a short banner first: without it, the server's first
# segment after the handshake is the answer to probe 1, and its window
# differs from the SYN-ACK's unscaled one, so Wireshark labels it "Window
# Update", not "Keep-Alive ACK" (the kernel's own probe gets the same label).
. tests/integration/lib.sh
PORT=7208
ka_setup $PORT -b hello
out=$TB_DIR/out.json
pcap=$TB_DIR/flow.pcap
ka_run "$out" -c 2 --idle 1s --intvl 1s --probes 3 --json -w "$pcap" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status"
assert_file "$pcap" "pcap"
tshark -n -r "$pcap" 2>&1 | sed 's/^/# /'
assert_eq 1 "$(pcap_count "$pcap" 'tcp.flags.syn==1 && tcp.flags.ack==0')" "SYN in the pcap"
assert_ge "$(pcap_count "$pcap" "tcp.analysis.keep_alive && ip.src==$TB_CLI4")" 2 "Keep-Alive frames"
assert_ge "$(pcap_count "$pcap" "tcp.analysis.keep_alive_ack && ip.src==$TB_SRV4")" 2 \
	"Keep-Alive ACK frames"
# Only this flow is in the file.
assert_eq 0 "$(pcap_count "$pcap" "!(tcp.port==$PORT)")" "frames of other flows"
echo ok
