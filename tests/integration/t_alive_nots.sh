#!/bin/bash
# Timestamps off on the server: connect.timestamps false, the probes still answered.
. tests/integration/lib.sh
PORT=7203
ka_setup $PORT
tb_server_sysctl net.ipv4.tcp_timestamps 0 || fail "sysctl"
out=$TB_DIR/out.json
ka_run "$out" -c 2 --idle 1s --intvl 1s --probes 3 --json -w "$TB_DIR/f.pcap" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status"
ka_assert_alive "$out" 63 false
# Without negotiated timestamps a probe must not carry TSopt.
assert_ge "$(pcap_count "$TB_DIR/f.pcap" tcp.analysis.keep_alive)" 2 "probes in the pcap"
assert_eq 0 "$(pcap_count "$TB_DIR/f.pcap" 'tcp.analysis.keep_alive && tcp.options.timestamp.tsval')" \
	"probes with a timestamp option"
echo ok
