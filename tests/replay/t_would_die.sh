#!/bin/bash
# replay with --idle/--intvl/--probes: a second state machine, on its timer
# with those settings, says when a stack so configured would have declared
# a silent peer dead.  Times come from the capture, so they are exact.
. tests/integration/lib.sh
need_kaprobe
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# The silent peer: its last segment is frame 2 (the SYN-ACK; frame 3 is the
# client's ACK), then only probes.  Idle 1s + 2 probes x 1s after the last
# segment of the flow = a death 3 s after frame 3.
"$KAPROBE" replay --json --idle 1s --intvl 1s --probes 2 pcaps/silent-peer-dead.pcap >"$out"
assert_eq 0 "$?" "exit status"
json_valid "$out"
assert_eq 1 "$(json_count "$out" 'select(.event=="would-die")')" "would-die events"
assert_eq dead "$(json_field "$out" 'select(.event=="would-die")' .verdict)" would-die.verdict
last=$(tshark -n -r pcaps/silent-peer-dead.pcap -Y frame.number==3 -T fields -e frame.time_relative)
want=$(awk -v t="$last" 'BEGIN { printf "%.6f", t + 3 }')
got=$(json_field "$out" 'select(.event=="would-die")' .t)
assert_eq "$want" "$(awk -v t="$got" 'BEGIN { printf "%.6f", t }')" "would-die time"
# It is reported in time order, before the probes that came after it.
assert_json "$out" '(map(.event) | index("would-die")) <
	([to_entries[] | select(.value.event == "probe" and .value.t > 3.1) | .key] | first)' \
	"would-die before later probes"
# The capture's own verdict is unchanged.
assert_eq dead "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict

# Every round answered: nobody would die.
"$KAPROBE" replay --json --idle 1s --intvl 1s --probes 2 pcaps/kaprobe-answered.pcap >"$out"
assert_eq 0 "$(json_count "$out" 'select(.event=="would-die")')" "would-die when answered"
# Linux's 2h idle does not run out within a capture of seconds.
"$KAPROBE" replay --json --profile linux pcaps/silent-peer-dead.pcap >"$out"
assert_eq 0 "$(json_count "$out" 'select(.event=="would-die")')" "would-die with linux timings"
# Without timings there is no second machine at all.
"$KAPROBE" replay --json pcaps/silent-peer-dead.pcap >"$out"
assert_eq 0 "$(json_count "$out" 'select(.event=="would-die")')" "would-die without timings"
echo ok
