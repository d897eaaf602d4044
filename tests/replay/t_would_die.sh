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

# --user-timeout replaces the probe count (tcp_keepalive_timer): with 9
# probes the stack would still be probing when the capture ends, but with
# a 2.5 s user timeout it gives up when the timer fires with a probe out
# and nothing received for 2.5 s: at 3 s after frame 3 (firings at 1 and
# 2 s sent probes).
"$KAPROBE" replay --json --idle 1s --intvl 1s --probes 9 pcaps/silent-peer-dead.pcap >"$out"
assert_eq 0 "$(json_count "$out" 'select(.event=="would-die")')" "would-die with 9 probes"
"$KAPROBE" replay --json --idle 1s --intvl 1s --probes 9 --user-timeout 2500ms \
	pcaps/silent-peer-dead.pcap >"$out"
assert_eq 0 "$?" "exit status with --user-timeout"
got=$(json_field "$out" 'select(.event=="would-die")' .t)
assert_eq "$want" "$(awk -v t="$got" 'BEGIN { printf "%.6f", t }')" "would-die time with --user-timeout"
# Given alone, it runs the machine with Linux's other defaults (2 h idle):
# nothing dies within seconds.
"$KAPROBE" replay --json --user-timeout 2500ms pcaps/silent-peer-dead.pcap >"$out"
assert_eq 0 "$(json_count "$out" 'select(.event=="would-die")')" "would-die with only --user-timeout"
# --profile does not undo it, whatever the order.
"$KAPROBE" replay --json --user-timeout 2500ms --profile linux --idle 1s --intvl 1s \
	pcaps/silent-peer-dead.pcap >"$out"
got=$(json_field "$out" 'select(.event=="would-die")' .t)
assert_eq "$want" "$(awk -v t="$got" 'BEGIN { printf "%.6f", t }')" "would-die time, --user-timeout before --profile"
# Unacknowledged data: with a user timeout, Linux's retransmission timer
# gives up that long after the first unacknowledged send (tcp_write_timeout,
# retransmits_timed_out).  Synthetic: the prober's probe goes unanswered,
# then it sends data, retransmitted until its RST.  With a 1 h idle the
# keep-alive timer never fires within the capture: only the data can kill.
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
"$SYNTH" -f 1 -n 30 -k 100 --stall --seed 3 -o "$out.pcap" 2>/dev/null || fail "synthcap --stall failed"
data=$(tshark -n -r "$out.pcap" -Y 'tcp.len == 100 && !tcp.analysis.retransmission' -T fields \
	-e frame.time_relative 2>/dev/null | tail -n1)
[ -n "$data" ] || fail "no data segment after the probe in the --stall capture"
"$KAPROBE" replay --json --idle 1h --user-timeout 2s "$out.pcap" >"$out"
got=$(json_field "$out" 'select(.event=="would-die")' .t)
assert_eq "$(awk -v t="$data" 'BEGIN { printf "%.6f", t + 2 }')" \
	"$(awk -v t="$got" 'BEGIN { printf "%.6f", t }')" "would-die time for unacknowledged data"
"$KAPROBE" replay --json --idle 1h "$out.pcap" >"$out"
assert_eq 0 "$(json_count "$out" 'select(.event=="would-die")')" "would-die for data without --user-timeout"
rm -f "$out.pcap"
echo ok
