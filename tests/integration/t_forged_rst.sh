#!/bin/bash
# Issue 8 item 9 (live side) and RFC 5961 3.2: which RSTs end a connection.
# The path stays up; a forger on the router sends the client RSTs that claim
# to come from the server:
#  - outside the receive window (RCV.NXT + 2^31 and + 2^30): the kernel drops
#    them; kaprobe reports "ignored" with reason rst-outside-window;
#  - inside the window but not at RCV.NXT (RCV.NXT + 1000): the kernel answers
#    with a challenge ACK and keeps the connection; kaprobe reports
#    "untrusted-rst";
#  and the run goes on answered (two more ack replies after them).  Then,
#  with the server's answers dropped on the router and a probe out, one RST
#  at exactly RCV.NXT: the kernel resets the connection on it, and kaprobe
#  says reset (exit 2) with that RST as the reply to the probe.  (The same
#  RST with no probe out answers nothing: the peer closed on its own, the
#  verdict "closed" that t_closed_live tests.)
. tests/integration/lib.sh
PORT=7221
ka_setup $PORT
out=$TB_DIR/out.json

KA_TIMEOUT=25 ka_start "$out" --idle 1s --intvl 1s --probes 3 --json "$TB_SRV4:$PORT"
ka_wait_connect "$out"
cport=$(client_port $PORT)
[ -n "$cport" ] || fail "no established connection to port $PORT in the client ns"
ka_wait_event "$out" '.event=="reply" and .kind=="ack"' 5 || fail "no answered probe within 5 s"
pseq=$(ka_probe_field "$out" .seq)
rcvnxt=$(ka_probe_field "$out" .ack)
sndnxt=$(seq_add "$pseq" 1)
rst() {	# SEQ
	inject_r tcp --src "$TB_SRV4" --dst "$TB_CLI4" --sport $PORT --dport "$cport" \
		--seq "$1" --ack "$sndnxt" --flags RA
}
rst "$(seq_add "$rcvnxt" 2147483648)"
rst "$(seq_add "$rcvnxt" 1073741824)"
rst "$(seq_add "$rcvnxt" 1000)"
sleep 0.2
acks() { json_count "$out" 'select(.event=="reply" and .kind=="ack")'; }
acks_ge() { [ "$(acks)" -ge "$1" ]; }
wait_until 6 acks_ge $(($(acks) + 2)) ||
	{ kill "$(ka_pid)" 2>/dev/null; ka_wait; fail "fewer than 2 ack replies in 6 s after the forged RSTs"; }
probes=$(json_count "$out" 'select(.event=="probe")')
tb_router_nft ip saddr "$TB_SRV4" tcp sport $PORT drop || fail "tb_router_nft"
probes_gt() { [ "$(json_count "$out" 'select(.event=="probe")')" -gt "$1" ]; }
wait_until 3 probes_gt "$probes" ||
	{ kill "$(ka_pid)" 2>/dev/null; ka_wait; fail "no probe within 3 s after the last answer"; }
rst "$rcvnxt"
ka_wait

json_valid "$out"
assert_ge "$(json_count "$out" 'select(.event=="ignored" and .reason=="rst-outside-window")')" 2 \
	"ignored events with reason rst-outside-window (RSTs at RCV.NXT+2^31, +2^30)"
assert_eq 1 "$(json_count "$out" 'select(.event=="untrusted-rst")')" \
	"untrusted-rst events (one RST at RCV.NXT+1000, in the window)"
assert_eq 1 "$(json_count "$out" 'select(.event=="reply" and .kind=="rst")')" \
	"rst replies (only the RST at RCV.NXT)"
assert_eq "$rcvnxt" "$(json_field "$out" 'select(.event=="reply" and .kind=="rst")' .seq)" \
	"the rst reply's seq (RCV.NXT)"
# The forged RSTs before it did not stop the run: ack replies came between.
assert_json "$out" '(map(.event=="reply" and .kind=="ack") | rindex(true)) >
	(map(.event=="untrusted-rst" or .event=="ignored") | rindex(true))' \
	"an ack reply after the last ignored/untrusted RST"
assert_eq 2 "$KA_RC" "exit status (reset by the RST at RCV.NXT)"
assert_eq reset "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
assert_ge "$(json_field "$out" 'select(.event=="summary")' .ignored)" 3 \
	"summary.ignored (2 ignored + 1 untrusted-rst)"
assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
# The kernel agreed: its connection is gone.
assert_eq "" "$(client_port $PORT)" "client's established connection after the RST at RCV.NXT"
echo ok
