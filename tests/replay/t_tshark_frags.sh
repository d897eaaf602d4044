#!/bin/bash
# test-timeout: 180
# (tshark, slow on a loaded 2-core machine: a guard, not a timing check.)
# t_tshark_frags.sh - replay reads the TCP segments tshark reads, frame by
# frame, in IPv4 and IPv6 fragments (reassembled: in order, reversed, with
# duplicates, one datagram never completed; inside tunnels and around
# them) and in the encapsulations of issue 23 item 9: GRE with checksum,
# key, sequence number or routing, GRE over IPv6, bridged Ethernet in GRE,
# PPTP's enhanced GRE, WCCP redirection, 6in4, PPPoE sessions (with
# discovery and LCP frames, and in a VLAN), Cisco HDLC with SLARP and CDP
# frames, Linux cooked headers (SLL, SLL2) around them; and what tshark
# also decodes by default: L2TPv2 (UDP 1701), Teredo (UDP 3544), PPPoE
# without Ethernet (link type 51), PPP with a direction byte (204).  The captures come
# from tests/replay/fragcap.py.  No root needed.
#
# For each capture:
#   - build/tools/segdump (replay's own intake: decode, reassembly, gate)
#     gives the same (frame, seq, ack, flags, len) set as tshark's TCP
#     (tshark reassembles IP by default and shows a datagram's TCP on the
#     frame that completed it);
#   - kaprobe replay --json exits 0 and its summary counts as many TCP
#     segments, its probes are tshark's tcp.analysis.keep_alive frames, and
#     every frame is counted once: TCP, skipped, or a fragment
#     (reassembled or of an incomplete datagram).
. tests/integration/lib.sh

command -v tshark >/dev/null || fail "tshark not installed (tools/install-deps.sh)"
command -v jq >/dev/null || fail "jq not installed (tools/install-deps.sh)"
command -v python3 >/dev/null || fail "python3 not installed"
[ -x "$KAPROBE" ] || fail "$KAPROBE not built (make kaprobe)"
SEGDUMP=build/tools/segdump
[ -x "$SEGDUMP" ] || make -s "$SEGDUMP" || fail "cannot build $SEGDUMP"

T=$(mktemp -d /tmp/kaprobe-frags.XXXXXX) || fail "mktemp"
trap 'rm -rf "$T"' EXIT
python3 tests/replay/fragcap.py "$T" || fail "fragcap.py failed"
csort() { LC_ALL=C sort "$@"; }

check() {
	local n=$1 f="$T/$1.pcap" rc sum got_frames
	tshark -n -r "$f" -Y 'tcp && !icmp && !icmpv6' -T fields -e frame.number \
		-e tcp.seq_raw -e tcp.ack_raw -e tcp.flags -e tcp.len -e tcp.analysis.keep_alive \
		>"$T/$n.tshark" 2>"$T/$n.err" || fail "$n: tshark failed: $(head -1 "$T/$n.err")"
	cut -f1-5 "$T/$n.tshark" | csort >"$T/$n.want"
	awk -F'\t' '$6 != "" { print $1 }' "$T/$n.tshark" | csort >"$T/$n.ka"
	"$SEGDUMP" "$f" >"$T/$n.dump" || fail "$n: segdump failed"
	grep -v '^#' "$T/$n.dump" | csort >"$T/$n.got"
	[ -s "$T/$n.want" ] || fail "$n: tshark finds no TCP in the capture"
	cmp -s "$T/$n.want" "$T/$n.got" ||
		fail "$n: segments differ from tshark's: only tshark: $(comm -23 "$T/$n.want" "$T/$n.got" | head -3 | tr '\t\n' ' ;') only kaprobe: $(comm -13 "$T/$n.want" "$T/$n.got" | head -3 | tr '\t\n' ' ;')"

	timeout -k 2 60 "$KAPROBE" replay --json "$f" >"$T/$n.json" 2>"$T/$n.kerr"
	rc=$?
	[ "$rc" = 0 ] || fail "$n: kaprobe replay exited $rc (want 0): $(head -1 "$T/$n.kerr")"
	json_valid "$T/$n.json"
	sum=$(jq -c 'select(.event=="summary")' "$T/$n.json")
	assert_eq "$(wc -l <"$T/$n.want")" "$(jq -r .tcp <<<"$sum")" "$n: TCP segments (tshark, replay)"
	assert_eq "$(tail -1 "$T/$n.dump" | awk '{ print $5, $7 }')" \
		"$(jq -r '"\(.skipped.fragments) \(.skipped.incomplete)"' <<<"$sum")" \
		"$n: fragments and incomplete (segdump, replay)"
	got_frames=$(jq -r '.tcp + ([.skipped[]] | add)' <<<"$sum")
	assert_eq "$(jq -r .frames <<<"$sum")" "$got_frames" "$n: frames, each counted once"
	jq -r 'select(.event=="probe") | .frame' "$T/$n.json" | csort >"$T/$n.probes"
	[ -s "$T/$n.ka" ] || fail "$n: tshark finds no keep-alive probes"
	cmp -s "$T/$n.ka" "$T/$n.probes" ||
		fail "$n: probe frames differ from tshark's keep-alives: only tshark: $(comm -23 "$T/$n.ka" "$T/$n.probes" | head -5 | tr '\n' ' ')only kaprobe: $(comm -13 "$T/$n.ka" "$T/$n.probes" | head -5 | tr '\n' ' ')"
	note "$n: $(wc -l <"$T/$n.got") segments and $(wc -l <"$T/$n.probes") probes agree; $(jq -r '"\(.skipped.fragments) fragments reassembled, \(.skipped.incomplete) incomplete"' <<<"$sum")"
}

for n in frag-inorder frag-reverse frag-dup frag-lost 6in4 6in4-frag gre-csum-key-seq gre-ipv6 \
	gre-teb gre-routing gre-frag gre-inner-frag pptp wccp pppoe pppoe-vlan chdlc sll-pppoe \
	sll2-gre sll-frag sll2-frag l2tp teredo ppp-ether ppp-dir; do
	[ -f "$T/$n.pcap" ] || fail "fragcap.py wrote no $n.pcap"
	check "$n"
done

# What reassembly must show: fragments held, and the datagram that lost a
# fragment given up (its two frames), not read as TCP.
assert_gt "$(jq -r 'select(.event=="summary") | .skipped.fragments' "$T/frag-reverse.json")" 0 \
	"frag-reverse: fragments reassembled"
assert_eq 2 "$(jq -r 'select(.event=="summary") | .skipped.incomplete' "$T/frag-lost.json")" \
	"frag-lost: frames of the incomplete datagram"
assert_eq 0 "$(jq -r 'select(.event=="summary") | .skipped.incomplete' "$T/frag-dup.json")" \
	"frag-dup: duplicates do not make a datagram incomplete"
# The human summary says so too.
out=$("$KAPROBE" replay "$T/frag-lost.pcap" | tail -1)
assert_match '98 fragments reassembled, 2 in incomplete datagrams' "$out" "frag-lost: text summary"
exit 0
