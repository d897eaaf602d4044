#!/bin/bash
# The server talks first (a banner): kaprobe's probes must ack it, still alive.
. tests/integration/lib.sh
PORT=7204
BANNER="SSH-2.0-kaprobe_test_banner"
ka_setup $PORT -b "$BANNER"
out=$TB_DIR/out.json
ka_run "$out" -c 2 --idle 1s --intvl 1s --probes 3 --json -w "$TB_DIR/f.pcap" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status"
ka_assert_alive "$out" 63 true
# Relative ack of every probe = 1 + banner + CRLF.
want=$(( ${#BANNER} + 3 ))
acks=$(pcap_fields "$TB_DIR/f.pcap" "tcp.analysis.keep_alive && ip.src==$TB_CLI4" tcp.ack | sort -u)
assert_eq "$want" "$acks" "relative ack of the probes"
echo ok
