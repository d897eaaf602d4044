#!/bin/bash
# test-timeout: 240
# Replay every reference capture in pcaps/ and compare with
# tests/replay/expected.tsv: the verdict of each flow, the exact probe frames,
# and the exact answer frames with their kind.  Also, with tshark as the
# oracle: the probe frames are exactly Wireshark's Keep-Alive frames, and
# every Keep-Alive ACK frame is among the answers.  Then the exit statuses
# (64 usage, 65 not a capture, 66 cannot open) and reading from stdin.
# Needs no privilege.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
KAPROBE=${KAPROBE:-./kaprobe}
EXPECTED=${EXPECTED:-tests/replay/expected.tsv}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/replay.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0

err() { echo "FAIL: $*"; bad=1; }
# The frames of one event as a sorted comma list ("-" when none).
frames_of() { jq -r "select(.event==\"$2\") | $3" "$1" | sort -n | paste -sd, | sed 's/^$/-/'; }
tshark_frames() {
	tshark -n -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | paste -sd, | sed 's/^$/-/'
}
# Is every frame of the comma list $1 in the comma list $2?
subset() { [ "$1" = - ] || [ -z "$(comm -23 <(tr , '\n' <<<"$1" | sort) <(tr , '\n' <<<"$2" | sort))" ]; }

n=0
while IFS=$'\t' read -r file verdicts probes answers; do
	case $file in ''|'#'*) continue ;; esac
	n=$((n + 1))
	f=pcaps/$file out=$tmp/$file.json
	[ -f "$f" ] || { err "$f: missing"; continue; }
	"$KAPROBE" replay --json "$f" >"$out" 2>"$out.err" </dev/null
	rc=$?
	echo "# $file: exit $rc"
	sed 's/^/#   /' "$out" "$out.err"
	[ $rc -eq 0 ] || { err "$file: exit status $rc"; continue; }
	jq -e -s 'all(.[]; (.event|type) == "string" and (.t|type) == "number")' "$out" >/dev/null ||
		{ err "$file: not JSON lines, each with \"event\" and \"t\""; continue; }
	jq -e -s '.[-1].event == "summary" and (.[-1] | has("flow") | not)
		and all(.[:-1][]; (.flow|type) == "string")' "$out" >/dev/null ||
		err "$file: the summary (without \"flow\") must be the last line, every other line has a flow"

	got=$(jq -r 'select(.event=="verdict") | .verdict' "$out" | paste -sd,)
	[ "$got" = "$verdicts" ] || err "$file: verdicts '$got', expected '$verdicts'"
	got=$(frames_of "$out" probe .frame)
	[ "$got" = "$probes" ] || err "$file: probe frames $got, expected $probes"
	got=$(frames_of "$out" reply '"\(.frame):\(.kind)"')
	[ "$got" = "$answers" ] || err "$file: answer frames $got, expected $answers"
	jq -e -s '[.[] | select(.event=="probe") | .frame] as $p
		| all(.[] | select(.event=="reply"); .probe_frame as $q | ($p | index($q)) != null and .frame > $q)' \
		"$out" >/dev/null || err "$file: a reply's probe_frame is not an earlier probe frame"
	jq -e -s '([.[] | select(.event=="verdict") | .probes] | add // 0) == ([.[] | select(.event=="probe")] | length)
		and .[-1].probes == ([.[] | select(.event=="probe")] | length)' "$out" >/dev/null ||
		err "$file: verdict/summary probe counts differ from the probe events"

	# tshark, the oracle.
	ka=$(tshark_frames "$f" tcp.analysis.keep_alive)
	kaack=$(tshark_frames "$f" tcp.analysis.keep_alive_ack)
	got=$(frames_of "$out" probe .frame)
	[ "$got" = "$ka" ] || err "$file: probe frames $got, tshark's Keep-Alive frames $ka"
	subset "$kaack" "$(frames_of "$out" reply .frame)" ||
		err "$file: tshark's Keep-Alive ACK frames $kaack are not all replies"
done <"$EXPECTED"
[ $n -gt 0 ] || err "no captures listed in $EXPECTED"
[ "$(ls pcaps/*.pcap pcaps/*.pcapng 2>/dev/null | wc -l)" -eq $n ] ||
	err "pcaps/ and $EXPECTED list different numbers of captures"

# Exit statuses and stdin.
"$KAPROBE" replay --json "$tmp/none.pcap" >/dev/null 2>&1; rc=$?
[ $rc -eq 66 ] || err "a missing file: exit $rc, expected 66"
"$KAPROBE" replay --json README.md >/dev/null 2>&1; rc=$?
[ $rc -eq 65 ] || err "a file that is not a capture: exit $rc, expected 65"
"$KAPROBE" replay >/dev/null 2>&1; rc=$?
[ $rc -eq 64 ] || err "no FILE: exit $rc, expected 64"
"$KAPROBE" replay --json - <pcaps/peer-reset.pcap >"$tmp/stdin.json" 2>&1 ||
	err "reading - (stdin) failed"
# The same events; only the summary's "file" may differ.
[ "$(jq -c 'del(.file)' "$tmp/stdin.json")" = "$(jq -c 'del(.file)' "$tmp/peer-reset.pcap.json")" ] ||
	err "stdin and file replays differ"

[ $bad -eq 0 ] && echo "ok: $n captures"
exit $bad
