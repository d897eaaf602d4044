#!/bin/bash
# Issue 8 item 2: an answer's seq must be acceptable (tcp_sequence).  The
# path is cut before the first probe; a forger on the router then sends the
# client ACKs with ack == SND.NXT (the probe's seq + 1) and seq == RCV.NXT +
# 2^31, every 0.5 s, from the server's address.  The kernel drops them, so
# must kaprobe: verdict dead (exit 1, within the 20 s
# ka_wait allows), each forged ACK an "ignored" event with
# reason bad-seq, no reply at all, and the summary counts them as ignored.
. tests/integration/lib.sh
PORT=7220
ka_setup $PORT
out=$TB_DIR/out.json

KA_TIMEOUT=20 ka_start "$out" --idle 2s --intvl 1s --probes 3 --json "$TB_SRV4:$PORT"
ka_wait_connect "$out"
cport=$(client_port $PORT)
[ -n "$cport" ] || fail "no established connection to port $PORT in the client ns"
tb_router_cut || fail "tb_router_cut"
ka_wait_event "$out" '.event=="probe"' 5 || fail "no probe event within 5 s"
pseq=$(ka_probe_field "$out" .seq)
pack=$(ka_probe_field "$out" .ack)
note "probe seq $pseq ack $pack; forging seq $(seq_add "$pack" 2147483648) ack $(seq_add "$pseq" 1)"
# Until kaprobe ends (at most 20 s).
inject_bg tcp --src "$TB_SRV4" --dst "$TB_CLI4" --sport $PORT --dport "$cport" \
	--seq "$(seq_add "$pack" 2147483648)" --ack "$(seq_add "$pseq" 1)" --flags A \
	--count 40 --every 500ms
ka_wait
inject_stop

assert_eq 1 "$KA_RC" "exit status (path cut, only forged ACKs)"
json_valid "$out"
assert_eq 0 "$(json_count "$out" 'select(.event=="reply")')" \
	"reply events (every ACK came from the forger, with seq RCV.NXT+2^31)"
assert_eq dead "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
assert_ge "$(json_count "$out" 'select(.event=="ignored" and .reason=="bad-seq")')" 1 \
	"ignored events with reason bad-seq"
assert_eq "$TB_SRV4" "$(json_field "$out" 'select(.event=="ignored")' .from)" "ignored.from"
assert_json "$out" 'map(select(.event=="ignored")) | all(.text|type=="string")' "ignored.text is a string"
assert_ge "$(json_field "$out" 'select(.event=="summary")' .ignored)" 1 "summary.ignored"
assert_eq 0 "$(json_field "$out" 'select(.event=="summary")' .answered)" summary.answered
echo ok
