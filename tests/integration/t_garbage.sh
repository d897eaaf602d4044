#!/bin/bash
# --garbage-byte: the RFC 1122 variant, one octet of old data at SND.NXT-1.
# Linux answers it at once with an ACK (carrying a D-SACK block) -> alive.
. tests/integration/lib.sh
PORT=7211
ka_setup $PORT
out=$TB_DIR/out.json
pcap=$TB_DIR/out.pcap
ka_run "$out" -c 2 --idle 1s --intvl 1s --garbage-byte --json -w "$pcap" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status"
json_valid "$out"
assert_eq 2 "$(json_count "$out" 'select(.event=="probe")')" "probe events"
assert_json "$out" 'map(select(.event=="probe")) | all(.len == 1)' "probes carry one octet"
assert_eq 2 "$(json_count "$out" 'select(.event=="reply" and .kind=="ack" and .n == 1)')" \
	"ack replies"
ka_assert_replies_match "$out"
assert_eq alive "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
# On the wire: Wireshark calls them keep-alives, and the answers carry
# D-SACK (a SACK block for the probe's octet).
assert_eq 2 "$(pcap_count "$pcap" "tcp.analysis.keep_alive && tcp.len==1 && ip.src==$TB_CLI4")" \
	"one-byte keep-alives in the capture"
assert_ge "$(pcap_count "$pcap" "ip.src==$TB_SRV4 && tcp.options.sack_le")" 2 \
	"answers with a SACK block"
echo ok
