#!/bin/bash
# `tcpdump -w - | kaprobe replay -`: events come out while the pipe is still
# open (what was read is processed and flushed before replay waits for
# more), and SIGTERM, SIGINT or SIGHUP stops it with what is known reported: the
# verdicts so far and the summary ("interrupted": true), exit 128+signal.
# The input here is a FIFO fed part of a capture and then held open, as
# tcpdump holds it between packets.  No root needed.
. tests/integration/lib.sh
need_kaprobe
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
T=$(mktemp -d /tmp/t_pipe_signal.XXXXXX) || fail mktemp
WRITER= KA=
cleanup() {
	[ -n "$WRITER" ] && kill "$WRITER" 2>/dev/null
	[ -n "$KA" ] && kill -KILL "$KA" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

"$SYNTH" -n 6000 -f 500 -m 10 -k 80 --seed 41 -o "$T/cap.pcap" 2>/dev/null || fail "synthcap failed"
"$KAPROBE" replay --json "$T/cap.pcap" >"$T/whole.json" || fail "replay of the whole file failed"

# run SIGNAL STATUS LAUNCHER...: feed the first 300 kB (cut inside a record)
# and hold the FIFO open; once events are out, send SIGNAL.
run() {
	local sig=$1 want=$2 out=$T/$1.json i
	shift 2
	rm -f "$T/fifo"
	mkfifo "$T/fifo" || fail mkfifo
	{ head -c 300000 "$T/cap.pcap"; exec sleep 120; } >"$T/fifo" &
	WRITER=$!
	# Standard output is a pipe too, as in `... | jq`.
	"$@" "$KAPROBE" replay --json - <"$T/fifo" > >(cat >"$out") 2>"$out.err" &
	KA=$!
	for i in $(seq 100); do
		grep -q '"event":"probe"' "$out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q '"event":"probe"' "$out" || fail "$sig: no event written while the input stays open"
	assert_eq kaprobe "$(cat /proc/$KA/comm 2>/dev/null)" "$sig: the process signalled"
	grep -q '"event":"summary"' "$out" && fail "$sig: summary before the end"
	kill -"$sig" "$KA"
	wait "$KA"
	assert_eq "$want" "$?" "$sig: exit status"
	KA=
	kill "$WRITER" 2>/dev/null
	WRITER=
	sleep 0.2   # let cat drain the pipe
	json_valid "$out"
	assert_eq 0 "$(wc -c <"$out.err")" "$sig: stderr bytes"
	assert_json "$out" '.[-1].event == "summary" and .[-1].interrupted == true' "$sig: summary last"
	# What was read is what the whole file's replay says about those
	# frames: every probe and reply up to the last frame read.
	last=$(jq -s '.[-1].frames' "$out")
	assert_gt "$last" 100 "$sig: frames read"
	cmp -s <(jq -c --argjson n "$last" 'select((.event=="probe" or .event=="reply") and .frame <= $n)' "$T/whole.json") \
		<(jq -c 'select(.event=="probe" or .event=="reply")' "$out") ||
		fail "$sig: probes and replies differ from the whole file's up to frame $last"
	# Each prober seen so far has its verdict.
	assert_eq "$(jq -r 'select(.event=="probe") | .flow' "$out" | sort -u | wc -l)" \
		"$(json_count "$out" 'select(.event=="verdict")')" "$sig: verdicts"
	note "$sig: exit $want after $last frames, $(json_count "$out" 'select(.event=="verdict")') verdicts"
}

run TERM 143 env
# SIGHUP (the terminal went away) as SIGTERM: once it killed replay, exit
# 129 with no summary.
run HUP 129 env
# A non-interactive shell starts background jobs with SIGINT ignored:
# setsid gives kaprobe a fresh session, as a terminal's Ctrl-C would find it.
run INT 130 setsid

# Read through to the end, the same pipe gives exit 0 and interrupted false.
"$KAPROBE" replay --json - <"$T/cap.pcap" | tail -n1 >"$T/end.json"
assert_eq false "$(jq -r .interrupted "$T/end.json")" "interrupted when read through"
