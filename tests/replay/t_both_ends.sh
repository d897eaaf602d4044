#!/bin/bash
# Both ends of a flow probing (IoT devices and their servers, SMB clients
# and servers): each end is a prober of its own, with its own numbering,
# answers and verdict, and every frame Wireshark labels "TCP Keep-Alive
# ACK" is among the answers.  Synthetic capture: every keep-alive flow has
# the other end probing as well.  No root needed.
. tests/integration/lib.sh
need_kaprobe
command -v tshark >/dev/null || fail "tshark not installed (tools/install-deps.sh)"
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
T=$(mktemp -d /tmp/t_both_ends.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT

"$SYNTH" -n 4000 -f 300 -k 70 -6 30 --both 100 --seed 23 -o "$T/both.pcap" 2>/dev/null ||
	fail "synthcap --both failed"
"$KAPROBE" replay --json "$T/both.pcap" >"$T/out.json"
assert_eq 0 "$?" "exit status"
json_valid "$T/out.json"

# The capture must really hold flows where both ends probe.
pairs=$(jq -r 'select(.event=="probe") | .flow' "$T/out.json" | sort -u |
	awk -F'>' '{ k = ($1 < $2) ? $1 " " $2 : $2 " " $1; n[k]++ } END { for (k in n) if (n[k] == 2) c++; print c + 0 }')
assert_gt "$pairs" 20 "flows with both ends probing"

# Every probe is followed: numbered from 1 in its own prober's rounds.
assert_eq 0 "$(json_count "$T/out.json" 'select(.event=="probe" and .n < 1)')" "probes with n=0"
# One verdict per prober, named prober>peer: one per distinct probe flow name.
assert_eq "$(jq -r 'select(.event=="probe") | .flow' "$T/out.json" | sort -u | wc -l)" \
	"$(jq -r 'select(.event=="verdict") | .flow' "$T/out.json" | sort -u | wc -l)" "verdicts per prober"
assert_json "$T/out.json" '[.[] | select(.event=="verdict") | .flow] | length == (unique | length)' \
	"one verdict per prober"
# Each prober's verdict counts exactly its own probes.
assert_json "$T/out.json" '(map(select(.event=="probe")) | group_by(.flow) | map({key: .[0].flow, value: length}) | from_entries) as $n
	| all(.[] | select(.event=="verdict"); .probes == $n[.flow])' "verdict probe counts per prober"
# A reply answers a probe of its own flow name (the prober's), sent before it.
assert_json "$T/out.json" '(map(select(.event=="probe") | {key: (.frame|tostring), value: .flow}) | from_entries) as $p
	| all(.[] | select(.event=="reply"); $p[.probe_frame|tostring] == .flow)' "replies name their prober"

# Wireshark's Keep-Alive ACKs, in both directions, are all answers.
tshark -n -r "$T/both.pcap" -Y tcp.analysis.keep_alive_ack -T fields -e frame.number 2>/dev/null |
	sort >"$T/want"
jq -r 'select(.event=="reply" and .kind=="ack") | .frame' "$T/out.json" | sort -u >"$T/got"
assert_gt "$(wc -l <"$T/want")" 100 "Keep-Alive ACKs in the capture"
missing=$(comm -23 "$T/want" "$T/got" | head -5 | tr '\n' ' ')
assert_eq "" "$missing" "Keep-Alive ACK frames not among the answers"
note "$pairs flows probed from both ends; $(wc -l <"$T/want") Keep-Alive ACKs all answers"
