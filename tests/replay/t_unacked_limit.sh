#!/bin/bash
# Wireshark's SYN/FIN rule: the +1 of a FIN counts in its next expected seq
# only while fewer than 10,000 of the sender's segments are unacknowledged
# (packet-tcp.c, TCP_MAX_UNACKED_SEGMENTS).  A client that closes its side
# and then probes from FIN-WAIT-2 probes at its FIN's seq: Wireshark calls
# those probes keep-alives only if the FIN's +1 counted.  tshark is the
# oracle; kaprobe must list exactly its probe frames.  No root needed.
. tests/integration/lib.sh
need_kaprobe
command -v tshark >/dev/null || fail "tshark not installed (tools/install-deps.sh)"
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
T=$(mktemp -d /tmp/t_unacked.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT

# case NAME WANT-PROBES SYNTHCAP-ARGS...: tshark labels WANT-PROBES probes,
# and kaprobe's probe frames are tshark's.
case_() {
	local name=$1 want=$2 ts ka
	shift 2
	"$SYNTH" -f 1 "$@" -o "$T/$name.pcap" 2>/dev/null || fail "synthcap $* failed"
	ts=$(tshark -n -r "$T/$name.pcap" -Y tcp.analysis.keep_alive -T fields -e frame.number \
		2>/dev/null | paste -sd,)
	assert_eq "$want" "$(tr ',' '\n' <<<"$ts" | grep -c .)" "$name: tshark's keep-alives"
	"$KAPROBE" replay --json "$T/$name.pcap" >"$T/$name.json" || fail "$name: kaprobe failed"
	ka=$(jq -r 'select(.event=="probe") | .frame' "$T/$name.json" | paste -sd,)
	assert_eq "$ts" "$ka" "$name: probe frames (tshark, kaprobe)"
	note "$name: probes '${ka:--}'"
}

# One-way capture: the SYN and 9,998 data segments make 9,999 unacked, so
# the FIN is the 10,000th entry and counts.
case_ below-limit 3 --fin-wait 9998 --one-way
# One more data segment: the list is full when the FIN comes.
case_ at-limit 0 --fin-wait 9999 --one-way
# Both directions, 30,000 segments with delayed ACKs: acks keep the list
# short, so the FIN counts however long the flow.
case_ acked 3 --fin-wait 30000
