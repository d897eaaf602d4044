#!/bin/bash
# t_formats.sh - every way a capture can be written or delivered gives the
# same replay.  One synthetic capture (many probes, IPv6, wrap-around) is
# written as:
#   pcap, little- and big-endian (pcapfile.c reads both);
#   nanosecond pcap (editcap -F nsecpcap);
#   Kuznetzov's modified pcap (editcap -F modpcap), which libpcap reads;
#   pcapng (mergecap), read by pcapng.c;
# and each is replayed from the file and through pipes in and out (the
# stream that gives the sniffed header back; output flushed as frames come).  Every run must print the same JSON lines
# as the plain pcap file (the summary's "file" aside), in human form too.
# No root needed.  Run from the repo root; exit 0 = pass.
. tests/integration/lib.sh

for tool in editcap mergecap jq; do
	command -v $tool >/dev/null || fail "$tool not installed (tools/install-deps.sh)"
done
[ -x "$KAPROBE" ] || fail "$KAPROBE not built (make kaprobe)"
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"

T=$(mktemp -d /tmp/t_formats.XXXXXX) || fail "mktemp"
trap 'rm -rf "$T"' EXIT

"$SYNTH" -n 6000 -f 300 -k 80 -6 40 -w --seed 51 -o "$T/plain.pcap" 2>/dev/null ||
	fail "synthcap failed"

# big_endian_pcap IN OUT: the same pcap with every header field swapped.
perl -e '
	my ($in, $out) = @ARGV;
	open(my $f, "<:raw", $in) or die; local $/; my $d = <$f>;
	my $r = pack("NnnNNNN", unpack("VvvVVVV", substr($d, 0, 24)));
	my $o = 24;
	while ($o + 16 <= length $d) {
		my @h = unpack("V4", substr($d, $o, 16));
		$r .= pack("N4", @h) . substr($d, $o + 16, $h[2]);
		$o += 16 + $h[2];
	}
	open(my $g, ">:raw", $out) or die; print $g $r;' "$T/plain.pcap" "$T/big.pcap" ||
	fail "perl failed"
editcap -F nsecpcap "$T/plain.pcap" "$T/nsec.pcap" || fail "editcap nsecpcap failed"
editcap -F modpcap "$T/plain.pcap" "$T/mod.pcap" || fail "editcap modpcap failed"
mergecap -F pcapng -w "$T/ng.pcapng" "$T/plain.pcap" || fail "mergecap failed"

# replay NAME ARGS...: JSON or human lines without the file name.  With
# PIPE_OUT=1, stdout is a pipe (events then leave per batch of frames and
# whenever the input has nothing to read yet).
replay() {
	local name=$1 rc
	shift
	if [ "${PIPE_OUT:-0}" = 1 ]; then
		timeout -k 2 30 "$KAPROBE" replay "$@" 2>"$T/$name.err" | cat >"$T/$name.raw"
		rc=${PIPESTATUS[0]}
	else
		timeout -k 2 30 "$KAPROBE" replay "$@" >"$T/$name.raw" 2>"$T/$name.err"
		rc=$?
	fi
	[ "$rc" = 0 ] || fail "$name: exit $rc: $(head -2 "$T/$name.err")"
	[ ! -s "$T/$name.err" ] || fail "$name: stderr: $(head -2 "$T/$name.err")"
	sed -E 's#"file":"[^"]*"#"file":""#; s#^--- [^ ]*: #--- : #' "$T/$name.raw" >"$T/$name.out"
}
replay want --json "$T/plain.pcap"
replay want_human "$T/plain.pcap"
probes=$(grep -c '"event":"probe"' "$T/want.out")
[ "$probes" -gt 100 ] || fail "the capture has only $probes probes"

for f in plain.pcap big.pcap nsec.pcap mod.pcap ng.pcapng; do
	replay "file_$f" --json "$T/$f"
	cmp -s "$T/want.out" "$T/file_$f.out" ||
		fail "$f: differs from the plain pcap: $(diff "$T/want.out" "$T/file_$f.out" | head -4 | tr '\n' ' ')"
	cat "$T/$f" | PIPE_OUT=1 replay "pipe_$f" --json -
	cmp -s "$T/want.out" "$T/pipe_$f.out" ||
		fail "$f through a pipe: differs: $(diff "$T/want.out" "$T/pipe_$f.out" | head -4 | tr '\n' ' ')"
	cat "$T/$f" | replay "human_$f" -
	cmp -s "$T/want_human.out" "$T/human_$f.out" ||
		fail "$f, human, through a pipe: differs: $(diff "$T/want_human.out" "$T/human_$f.out" | head -4 | tr '\n' ' ')"
	note "$f: file and pipe, JSON and human: the same $(wc -l <"$T/want.out") events"
done
exit 0
