#!/bin/bash
# encap_lib.sh - the tshark agreement check for the link types, tunnels and
# lengths of issue 9, for t_tshark_links.sh and t_tshark_tunnels.sh.
# Source it from the repo root after tests/integration/lib.sh.
#
#   synth NAME ARGS...   a synthetic capture $T/NAME.pcap from tools/synthcap
#   check NAME [TSHARK-OPTION...]
#       kaprobe replay --json on $T/NAME.pcap against tshark (with those
#       options, e.g. -d or -o) on the same file:
#         - kaprobe exits 0 and prints valid JSON lines;
#         - its probe frames == tshark's tcp.analysis.keep_alive frames;
#         - every tcp.analysis.keep_alive_ack frame is one of its "ack"
#           replies (it may count more answers: see t_tshark_agree.sh);
#         - its summary's "tcp" == the frames in which tshark decodes TCP
#           outside an ICMP error (which quotes a TCP header);
#         - tshark labels some probes (the case tests something).
# The helpers fail the test (lib.sh's fail) on the first difference.

command -v tshark >/dev/null || fail "tshark not installed (tools/install-deps.sh)"
command -v jq >/dev/null || fail "jq not installed (tools/install-deps.sh)"
[ -x "$KAPROBE" ] || fail "$KAPROBE not built (make kaprobe)"
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"

T=$(mktemp -d /tmp/kaprobe-encap.XXXXXX) || fail "mktemp"
trap 'rm -rf "$T"' EXIT

csort() { LC_ALL=C sort "$@"; }

synth() {
	local name=$1
	shift
	"$SYNTH" -n 2000 -f 150 -k 70 -6 30 "$@" -o "$T/$name.pcap" 2>"$T/$name.log" ||
		fail "synthcap $* failed: $(cat "$T/$name.log")"
}

# tshark_frames NAME FILE OUT-PREFIX TSHARK-OPTION...: OUT.ka, OUT.kaack
# (sorted frame numbers) and OUT.tcp (a count) from one tshark pass.
tshark_frames() {
	local name=$1 f=$2 o=$3
	shift 3
	tshark -n "$@" -r "$f" -Y 'tcp && !icmp && !icmpv6' -T fields -e frame.number \
		-e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack >"$o.fields" \
		2>"$o.err" || fail "$name: tshark -r $f failed: $(head -1 "$o.err")"
	awk -F'\t' '$2 != "" { print $1 }' "$o.fields" | csort >"$o.ka"
	awk -F'\t' '$3 != "" { print $1 }' "$o.fields" | csort >"$o.kaack"
	wc -l <"$o.fields" >"$o.tcp"
}

# kaprobe_frames NAME FILE OUT-PREFIX: OUT.probes, OUT.acks (sorted) and
# OUT.tcp (the summary's count).
kaprobe_frames() {
	local name=$1 f=$2 o=$3 rc
	timeout -k 2 60 "$KAPROBE" replay --json "$f" >"$o.json" 2>"$o.kerr"
	rc=$?
	[ "$rc" = 0 ] || fail "$name: kaprobe replay exited $rc (want 0): $(head -1 "$o.kerr")"
	json_valid "$o.json"
	jq -r 'select(.event=="probe") | .frame' "$o.json" | csort >"$o.probes"
	jq -r 'select(.event=="reply" and .kind=="ack") | .frame' "$o.json" | csort -u >"$o.acks"
	jq -r 'select(.event=="summary") | .tcp' "$o.json" >"$o.tcp"
}

# agree NAME WANT-PREFIX GOT-PREFIX: the comparison described above.
agree() {
	local name=$1 w=$2 g=$3
	[ -s "$w.ka" ] || fail "$name: tshark finds no keep-alive probes in the synthetic capture"
	cmp -s "$w.ka" "$g.probes" ||
		fail "$name: probe frames differ from tshark's keep-alives ($(wc -l <"$w.ka") vs $(wc -l <"$g.probes")): only tshark: $(comm -23 "$w.ka" "$g.probes" | head -5 | tr '\n' ' ')only kaprobe: $(comm -13 "$w.ka" "$g.probes" | head -5 | tr '\n' ' ')"
	[ -z "$(comm -23 "$w.kaack" "$g.acks")" ] ||
		fail "$name: tshark keep-alive ACKs not among kaprobe's ack replies: $(comm -23 "$w.kaack" "$g.acks" | head -5 | tr '\n' ' ')"
	[ "$(cat "$w.tcp")" = "$(cat "$g.tcp")" ] ||
		fail "$name: tshark decodes TCP in $(cat "$w.tcp") frames, kaprobe in $(cat "$g.tcp")"
	note "$name: $(wc -l <"$g.probes") probes, $(wc -l <"$w.kaack") keep-alive ACKs, $(cat "$g.tcp") TCP frames agree"
}

check() {
	local name=$1
	shift
	tshark_frames "$name" "$T/$name.pcap" "$T/$name.want" "$@"
	kaprobe_frames "$name" "$T/$name.pcap" "$T/$name.got"
	agree "$name" "$T/$name.want" "$T/$name.got"
}
