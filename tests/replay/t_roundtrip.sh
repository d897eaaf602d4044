#!/bin/bash
# Live run, then replay of its own -w capture: the replay must tell the same
# story.  Needs root and the testbed (exit 77 without root).
#  - alive: `kaprobe -c 3` -> replay: alive, 3 probes, 3 answered, and the
#    same probe seq/ack as the live run.
#  - dead (router cut, --probes 3) -> live: dead, 3 probes, 0 answered.  The
#    replay says "open", not "dead": kaprobe never aborts its kernel socket,
#    so no RST (or FIN) of the prober follows the probes in the -w file (its
#    FIN goes out only after kaprobe exits and the capture has stopped), and
#    replay's rule is "unanswered probes at the end of the capture -> open".
#    Probes 3, answered 0 all the same.
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces)"; exit 77; }
. tests/integration/lib.sh
PORT=7420
ka_setup $PORT

# replay_check LIVE PCAP VERDICT PROBES ANSWERED: replay PCAP, compare.
replay_check() {
	local live=$1 pcap=$2 out=$2.replay.json
	assert_file "$pcap" "-w capture"
	"$KAPROBE" replay --json "$pcap" >"$out" 2>"$out.err"
	assert_eq 0 "$?" "replay exit status ($(cat "$out.err"))"
	echo "--- replay:"; cat "$out"
	json_valid "$out"
	assert_eq 1 "$(json_count "$out" 'select(.event=="verdict")')" "replay verdict events"
	assert_eq "$3" "$(json_field "$out" 'select(.event=="verdict")' .verdict)" "replay verdict"
	assert_eq "$4" "$(json_field "$out" 'select(.event=="verdict")' .probes)" "replay verdict.probes"
	assert_eq "$5" "$(json_field "$out" 'select(.event=="verdict")' .answered)" "replay verdict.answered"
	assert_eq "$4" "$(json_count "$out" 'select(.event=="probe")')" "replay probe events"
	assert_eq "$5" "$(json_count "$out" 'select(.event=="reply" and .kind=="ack")')" "replay ack replies"
	# The same probes as the live run, in the same order.
	assert_eq "$(jq -c 'select(.event=="probe") | [.seq, .ack, .len]' "$live")" \
		"$(jq -c 'select(.event=="probe") | [.seq, .ack, .len]' "$out")" "probe seq/ack/len, live vs replay"
	assert_eq "$(json_field "$live" 'select(.event=="summary")' .sent)" \
		"$(json_field "$out" 'select(.event=="summary")' .probes)" "live summary.sent vs replay summary.probes"
}

# Alive.
live=$TB_DIR/alive.json
ka_run "$live" -c 3 --idle 1s --intvl 1s --json -w "$TB_DIR/alive.pcap" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "live exit status"
assert_eq alive "$(json_field "$live" 'select(.event=="verdict")' .verdict)" "live verdict"
assert_eq 3 "$(json_field "$live" 'select(.event=="summary")' .sent)" "live summary.sent"
assert_eq 3 "$(json_field "$live" 'select(.event=="summary")' .answered)" "live summary.answered"
replay_check "$live" "$TB_DIR/alive.pcap" alive 3 3

# Dead: the path is cut once the connection is up.
live=$TB_DIR/dead.json
ka_start "$live" --idle 2s --intvl 1s --probes 3 --json -w "$TB_DIR/dead.pcap" "$TB_SRV4:$PORT"
ka_wait_connect "$live"
tb_router_cut || fail "tb_router_cut"
ka_wait
assert_eq 1 "$KA_RC" "live exit status"
assert_eq dead "$(json_field "$live" 'select(.event=="verdict")' .verdict)" "live verdict"
assert_eq 3 "$(json_field "$live" 'select(.event=="summary")' .sent)" "live summary.sent"
assert_eq 0 "$(json_field "$live" 'select(.event=="summary")' .answered)" "live summary.answered"
replay_check "$live" "$TB_DIR/dead.pcap" open 3 0
echo ok
