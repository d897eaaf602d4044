#!/bin/bash
# test-timeout: 240
# --middlebox: every idle gap of a flow (no segment but keep-alive probes
# and their answers) longer than a box's idle timeout is a `cut`, and
# `refreshed` says whether the keep-alives came often enough to keep the
# box's state.  The oracle is tshark: the gaps are recomputed from its
# timestamps and its Keep-Alive / Keep-Alive ACK labels.  No root needed.
. tests/integration/lib.sh
need_kaprobe
command -v tshark >/dev/null || fail "tshark not installed (tools/install-deps.sh)"
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
T=$(mktemp -d /tmp/t_middlebox.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT

# tshark_gaps CAPTURE TIMEOUT: "frame gap refreshed" for every gap longer
# than TIMEOUT s between segments of a TCP stream that are not keep-alive:
# tshark's Keep-Alive and Keep-Alive ACK frames, and a pure ACK from the
# other end right after a Keep-Alive (the answer to a connection's first
# probe, which tshark calls a Window Update when the SYN-ACK's window was
# unscaled).  ICMP errors quoting TCP are left out.
tshark_gaps() {
	tshark -n -r "$1" -Y 'tcp && !icmp && !icmpv6' -T fields -e frame.number -e tcp.stream \
		-e frame.time_relative -e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack \
		-e tcp.srcport -e tcp.len -e tcp.flags.syn -e tcp.flags.fin -e tcp.flags.reset \
		2>/dev/null |
	awk -F'\t' -v T="$2" '{
		f = $1; s = $2; t = $3; src = $6
		answer = $7 == 0 && $8 + $9 + $10 == 0 && lastka[s] && lastsrc[s] != src
		ka = ($4 != "" || $5 != "" || answer)
		lastka[s] = ($4 != ""); lastsrc[s] = src
		if (!(s in last)) { last[s] = t; traffic[s] = t; quiet[s] = 0; next }
		if (t - last[s] > quiet[s]) quiet[s] = t - last[s]
		last[s] = t
		if (ka) next
		gap = t - traffic[s]
		if (gap > T) printf "%d %.6f %s\n", f, gap, (quiet[s] <= T ? "true" : "false")
		traffic[s] = t; quiet[s] = 0
	}' | sort
}

# kaprobe_gaps JSON BOX: the same from kaprobe's cut events.
kaprobe_gaps() {
	jq -r --arg b "$2" 'select(.event=="cut" and .box==$b and .frame) |
		"\(.frame) \(.gap_s) \(.refreshed)"' "$1" | awk '{ printf "%d %.6f %s\n", $1, $2, $3 }' | sort
}

# Synthetic flows with keep-alive rounds 1-15 s apart, probes 0.5-5 s
# apart: some gaps are bridged by probes, some not.
for seed in 31 32; do
	"$SYNTH" -n 4000 -f 300 -k 70 -6 30 --both 30 --retrans 5 --seed $seed \
		-o "$T/s$seed.pcap" 2>/dev/null || fail "synthcap failed"
	"$KAPROBE" replay --json --middlebox 4s --middlebox 9s "$T/s$seed.pcap" >"$T/s$seed.json"
	assert_eq 0 "$?" "exit status"
	json_valid "$T/s$seed.json"
	for box in 4 9; do
		tshark_gaps "$T/s$seed.pcap" $box >"$T/want"
		kaprobe_gaps "$T/s$seed.json" ${box}s >"$T/got"
		assert_gt "$(wc -l <"$T/want")" 10 "seed $seed: tshark gaps over ${box}s"
		grep -q ' true$' "$T/want" || fail "seed $seed: no gap over ${box}s bridged by keep-alive"
		grep -q ' false$' "$T/want" || fail "seed $seed: no gap over ${box}s left unrefreshed"
		cmp -s "$T/want" "$T/got" || fail "seed $seed, ${box}s: cuts differ from tshark's gaps: $(diff "$T/want" "$T/got" | head -4 | tr '\n' ' ')"
		note "seed $seed, ${box}s: $(wc -l <"$T/got") cuts agree, $(grep -c true "$T/got") refreshed"
	done
	# The event's time is when the box dropped the flow: the gap's start
	# plus the timeout, before the frame that ended the gap.
	assert_json "$T/s$seed.json" 'all(.[] | select(.event=="cut"); .t >= .timeout_s)' "cut times"
done

# The real captures in pcaps/, against the same oracle: keep-alive 1 s
# apart (a little over, in fact) refreshes a 2 s box and not a 1 s one.
n=0
for f in pcaps/*.pcap pcaps/*.pcapng; do
	"$KAPROBE" replay --json --middlebox 1s --middlebox 2s "$f" >"$T/real.json" ||
		fail "$f: replay failed"
	for box in 1 2; do
		tshark_gaps "$f" $box >"$T/want"
		kaprobe_gaps "$T/real.json" ${box}s >"$T/got"
		cmp -s "$T/want" "$T/got" || fail "$f, ${box}s: cuts differ from tshark's gaps: $(diff "$T/want" "$T/got" | head -4 | tr '\n' ' ')"
		n=$((n + $(wc -l <"$T/got")))
	done
done
assert_gt "$n" 5 "cuts in pcaps/"
note "pcaps/: $n cuts agree"

# A gap running to the end of the capture: the client of a half-closed
# connection probing every 75 s (frames 21-26), nothing else after frame 20.
"$SYNTH" -f 1 --fin-wait 10 -o "$T/fw.pcap" 2>/dev/null || fail "synthcap --fin-wait failed"
"$KAPROBE" replay --json --middlebox 100s --middlebox 60s "$T/fw.pcap" >"$T/fw.json"
t20=$(tshark -n -r "$T/fw.pcap" -Y frame.number==20 -T fields -e frame.time_relative 2>/dev/null)
tend=$(tshark -n -r "$T/fw.pcap" -Y frame.number==26 -T fields -e frame.time_relative 2>/dev/null)
want=$(awk -v a="$t20" -v b="$tend" 'BEGIN { printf "%.6f", b - a }')
assert_eq "$want" "$(json_field "$T/fw.json" 'select(.event=="cut" and .box=="100s")' '.gap_s' |
	awk '{ printf "%.6f", $1 }')" "trailing gap"
assert_eq null "$(json_field "$T/fw.json" 'select(.event=="cut" and .box=="100s")' .frame)" "trailing gap's frame"
assert_eq true "$(json_field "$T/fw.json" 'select(.event=="cut" and .box=="100s")' .refreshed)" "probes every 75 s refresh a 100 s box"
assert_eq false "$(json_field "$T/fw.json" 'select(.event=="cut" and .box=="60s")' .refreshed)" "probes every 75 s do not refresh a 60 s box"

# The built-in names, with the timeouts docs/replay.md documents: the same
# connection, then another flow six days later, so that the first one's
# trailing gap outlasts them all.
"$SYNTH" -f 1 -k 0 --seed 9 -o "$T/later.pcap" 2>/dev/null || fail "synthcap failed"
editcap -t 518400 "$T/later.pcap" "$T/later6d.pcap" >/dev/null 2>&1 || fail "editcap failed"
mergecap -a -w "$T/both.pcap" "$T/fw.pcap" "$T/later6d.pcap" 2>/dev/null || fail "mergecap failed"
args=()
for b in aws-nlb aws-nat azure-lb gcp-nat ipvs conntrack rfc5382; do args+=(--middlebox "$b"); done
"$KAPROBE" replay --json "${args[@]}" "$T/both.pcap" >"$T/names.json"
assert_eq 0 "$?" "exit status with every built-in name"
got=$(jq -r 'select(.event=="cut") | "\(.box)=\(.timeout_s)"' "$T/names.json" | paste -sd' ')
assert_eq "aws-nlb=350 aws-nat=350 azure-lb=240 gcp-nat=1200 ipvs=900 conntrack=432000 rfc5382=7440" \
	"$got" "built-in middleboxes"

# Bad values: one line on stderr, exit 64.
for bad in "--middlebox foo" "--middlebox 0s" "--middlebox 31d" "--max-flows 0" "--user-timeout 0"; do
	# shellcheck disable=SC2086
	"$KAPROBE" replay $bad "$T/fw.pcap" >"$T/o" 2>"$T/e"
	assert_eq 64 "$?" "exit status of replay $bad"
	assert_eq 1 "$(wc -l <"$T/e")" "stderr lines of replay $bad"
done
nine=(); for i in 1 2 3 4 5 6 7 8 9; do nine+=(--middlebox ${i}s); done
"$KAPROBE" replay "${nine[@]}" "$T/fw.pcap" >/dev/null 2>"$T/e"
assert_eq 64 "$?" "nine --middlebox"
