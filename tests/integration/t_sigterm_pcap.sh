#!/bin/bash
# A run without -c, written with -w, stopped by a signal:
#  - SIGTERM after answered rounds: exit 0, the summary is the last JSON line,
#    and the -w file is a valid capture holding the handshake, every probe
#    the JSON reported and every answer;
#  - SIGINT in the middle of an unanswered round (the router cut, probes
#    outstanding): exit 1, the summary printed, the file valid and holding
#    every probe sent.
# The signal goes to kaprobe's own pid (never by name: other tests may run
# kaprobe at the same time).
. tests/integration/lib.sh
PORT=7232
ka_setup $PORT

# kaprobe's pid: ka_start runs timeout, whose child is ip netns exec, which
# execs kaprobe.
ka_pid() {
	local p
	for p in $(pgrep -P "$KA_PID"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = kaprobe ] && { echo "$p"; return 0; }
	done
	return 1
}

# Count the JSON lines of one kind so far (the file is being written).
count_ack() { grep -c '"event":"reply","t":[0-9.]*,"kind":"ack"' "$1"; }
# For wait_until, which needs a command that counts afresh on every try.
acks_ge() { [ "$(count_ack "$1")" -ge "$2" ]; }

# tshark reads FILE to its end without an error (a file cut mid-record makes
# it say "appears to have been cut short" and exit non-zero).
assert_pcap_valid() {
	local f=$1 err
	assert_file "$f" "-w file"
	err=$(tshark -n -r "$f" 2>&1 >/dev/null) || fail "tshark -r $f failed: $err"
	err=$(printf '%s\n' "$err" | grep -v '^Running as user')
	assert_eq "" "$err" "tshark's complaints about $f"
	capinfos "$f" >/dev/null 2>&1 || fail "capinfos $f failed"
}

# The handshake, once each.
assert_pcap_handshake() {
	assert_eq 1 "$(pcap_count "$1" 'tcp.flags.syn==1 && tcp.flags.ack==0')" "SYN in $1"
	assert_eq 1 "$(pcap_count "$1" 'tcp.flags.syn==1 && tcp.flags.ack==1')" "SYN-ACK in $1"
}

# Every probe event has its frame in FILE: one frame from the client per
# probe with that seq and ack (the probes of a run all share them), and as
# many Wireshark keep-alives as probe events.
assert_pcap_probes() {
	local f=$1 json=$2 nprobe seq ack
	nprobe=$(json_count "$json" 'select(.event=="probe")')
	seq=$(json_field "$json" 'select(.event=="probe")' .seq)
	ack=$(json_field "$json" 'select(.event=="probe")' .ack)
	assert_json "$json" "map(select(.event==\"probe\")) | all(.seq == $seq and .ack == $ack)" \
		"every probe has the same seq and ack"
	assert_eq "$nprobe" "$(pcap_count "$f" "ip.src==$TB_CLI4 && tcp.seq_raw==$seq && tcp.ack_raw==$ack && tcp.len==0")" \
		"probe frames in $f (seq $seq ack $ack) vs probe events"
	assert_eq "$nprobe" "$(pcap_count "$f" tcp.analysis.keep_alive)" \
		"tcp.analysis.keep_alive frames in $f vs probe events"
	assert_eq "$nprobe" "$(json_field "$json" 'select(.event=="summary")' .sent)" \
		"summary.sent vs probe events"
}

# Every ack reply has its frame: from the server, with the reply's seq/ack.
assert_pcap_answers() {
	local f=$1 json=$2 nreply seq ack
	nreply=$(json_count "$json" 'select(.event=="reply" and .kind=="ack")')
	[ "$nreply" -gt 0 ] || return 0
	seq=$(json_field "$json" 'select(.event=="reply" and .kind=="ack")' .seq)
	ack=$(json_field "$json" 'select(.event=="reply" and .kind=="ack")' .ack)
	assert_json "$json" "map(select(.event==\"reply\" and .kind==\"ack\")) | all(.seq == $seq and .ack == $ack)" \
		"every ack reply has the same seq and ack"
	assert_eq "$nreply" "$(pcap_count "$f" "ip.src==$TB_SRV4 && tcp.flags.syn==0 && tcp.seq_raw==$seq && tcp.ack_raw==$ack && tcp.len==0")" \
		"answer frames in $f vs ack reply events"
	# Wireshark calls the later ones "Keep-Alive ACK" (not always the
	# first: it needs the window seen unchanged).
	[ "$nreply" -lt 2 ] ||
		assert_ge "$(pcap_count "$f" tcp.analysis.keep_alive_ack)" 1 "keep_alive_ack frames in $f"
}

# --- SIGTERM after at least 2 answered probes --------------------------------
out=$TB_DIR/term.json
pcap=$TB_DIR/term.pcap
ka_start "$out" --idle 1s --intvl 1s --json -w "$pcap" "$TB_SRV4:$PORT"
ka_wait_connect "$out"
wait_until 10 ka_pid >/dev/null || fail "kaprobe's pid not found"
kp=$(ka_pid)
wait_until 15 acks_ge "$out" 2 || { kill "$kp"; ka_wait; fail "not 2 answered probes"; }
# Right after an answer (the next probe is a full --idle away), so the last
# round is answered when the signal lands.
n=$(count_ack "$out")
wait_until 5 acks_ge "$out" $((n + 1)) || { kill "$kp"; ka_wait; fail "no further answer"; }
kill -TERM "$kp"
ka_wait
assert_eq 0 "$KA_RC" "exit status after SIGTERM with the last round answered"
json_valid "$out"
assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
assert_eq alive "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
assert_ge "$(json_count "$out" 'select(.event=="probe")')" 3 "probe events"
assert_eq "$(json_count "$out" 'select(.event=="probe")')" \
	"$(json_field "$out" 'select(.event=="summary")' .answered)" "summary.answered"
assert_pcap_valid "$pcap"
assert_pcap_handshake "$pcap"
assert_pcap_probes "$pcap" "$out"
assert_pcap_answers "$pcap" "$out"

# --- SIGINT in an unanswered round -------------------------------------------
out=$TB_DIR/int.json
pcap=$TB_DIR/int.pcap
# Enough probes that the round cannot reach "dead" before the signal.
ka_start "$out" --idle 1s --intvl 1s --probes 20 --json -w "$pcap" "$TB_SRV4:$PORT"
ka_wait_connect "$out"
wait_until 10 ka_pid >/dev/null || fail "kaprobe's pid not found"
kp=$(ka_pid)
wait_until 10 acks_ge "$out" 1 || { kill "$kp"; ka_wait; fail "no answered probe"; }
tb_router_cut || fail "router cut"
# Probes numbered 2 and up belong to an unanswered round.
wait_until 15 grep -q '"event":"probe","t":[0-9.]*,"n":2,' "$out" ||
	{ kill "$kp"; ka_wait; fail "no second probe in the unanswered round"; }
kill -INT "$kp"
ka_wait
tb_router_open
json_valid "$out"
assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
assert_ge "$(json_field "$out" 'select(.event=="summary")' .lost)" 1 summary.lost
assert_pcap_valid "$pcap"
assert_pcap_handshake "$pcap"
assert_pcap_probes "$pcap" "$out"
assert_pcap_answers "$pcap" "$out"
# The round in progress is unanswered: not alive.
assert_eq 4 "$KA_RC" "exit status after SIGINT with probes outstanding (no verdict yet)"
assert_json "$out" 'map(select(.event=="verdict" and .verdict=="alive")) | length == 0' \
	"no 'alive' verdict while the current round is unanswered"
echo ok
