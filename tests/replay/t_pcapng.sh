#!/bin/bash
# test-timeout: 240
# t_pcapng.sh - `kaprobe replay` reads the pcapng files mergecap and
# Wireshark write, which libpcap 1.10 refuses when their interfaces differ in
# link type or snap length, and agrees with tshark on them.
#
#   merged: four synthetic captures of different link types (Ethernet,
#     Linux cooked v2, raw IP, BSD loopback), snap lengths (262144, 120,
#     200, 262144) and timestamp resolutions (one in nanoseconds), merged
#     by mergecap.  libpcap must refuse it (else this tests nothing); kaprobe
#     must exit 0 and match tshark: the same probe frames, every Keep-Alive
#     ACK frame among its ack replies, the same count of TCP frames, frame
#     numbers as Wireshark numbers them.
#   the same file rewritten big-endian, and two sections (one of each byte
#     order, each with its own interfaces) in one file: the same checks.
#   the nanosecond capture merged alone gives the same JSON as its
#     microsecond original (if_tsresol scaled).
#   an interface of an unsupported link type: its frames counted as not
#     TCP (65 when there is no other);
#   blocks kaprobe does not know are skipped; a damaged block length gives
#     65 with one line naming the byte offset, after the frames before it.
# No root needed.  Run from the repo root; exit 0 = pass.
. tests/integration/lib.sh

for tool in tshark mergecap editcap jq; do
	command -v $tool >/dev/null || fail "$tool not installed (tools/install-deps.sh)"
done
[ -x "$KAPROBE" ] || fail "$KAPROBE not built (make kaprobe)"
SYNTH=build/tools/synthcap
PCAPREAD=build/tools/pcapread
[ -x "$SYNTH" ] && [ -x "$PCAPREAD" ] || make -s "$SYNTH" "$PCAPREAD" || fail "cannot build tools"

T=$(mktemp -d /tmp/t_pcapng.XXXXXX) || fail "mktemp"
trap 'rm -rf "$T"' EXIT
csort() { LC_ALL=C sort "$@"; }

# big_endian IN OUT: IN (a little-endian pcapng of SHB, IDB, EPB and SPB
# blocks) rewritten in big-endian byte order.  Option values are swapped
# where they are numbers (if_tsoffset, if_speed; epb_flags, epb_dropcount).
big_endian() {
	perl -e '
		my ($in, $out) = @ARGV;
		open(my $f, "<:raw", $in) or die "$in: $!\n"; local $/; my $d = <$f>;
		my %num = (1 => { 8 => "Q", 14 => "Q" }, 6 => { 2 => "L", 4 => "Q" });
		sub swap { my ($kind, $v) = @_;
			return pack("N", unpack("V", $v)) if $kind eq "L";
			return scalar reverse $v; }
		sub opts { my ($type, $o) = @_; my $r = "";
			while (length($o) >= 4) {
				my ($code, $len) = unpack("vv", $o);
				my $pad = ($len + 3) & ~3;
				my $v = substr($o, 4, $len);
				$v = swap($num{$type}{$code}, $v) if $num{$type} && $num{$type}{$code};
				$r .= pack("nn", $code, $len) . $v . substr($o, 4 + $len, $pad - $len);
				last if $code == 0;
				$o = substr($o, 4 + $pad);
			}
			return $r; }
		my $o = 0; my $res = "";
		while ($o < length $d) {
			my ($type, $len) = unpack("VV", substr($d, $o, 8));
			my $b = substr($d, $o + 8, $len - 12); my $nb;
			if ($type == 0x0A0D0D0A) {
				$nb = pack("Nnn", unpack("Vvv", $b)) . reverse(substr($b, 8, 8)) . opts(0, substr($b, 16));
			} elsif ($type == 1) {
				$nb = pack("nnN", unpack("vvV", $b)) . opts(1, substr($b, 8));
			} elsif ($type == 6) {
				my @h = unpack("V5", $b); my $pad = ($h[3] + 3) & ~3;
				$nb = pack("N5", @h) . substr($b, 20, $pad) . opts(6, substr($b, 20 + $pad));
			} elsif ($type == 3) {
				$nb = pack("N", unpack("V", $b)) . substr($b, 4);
			} else { die "block type $type: not handled\n"; }
			$res .= pack("NN", $type, $len) . $nb . pack("N", $len);
			$o += $len;
		}
		open(my $g, ">:raw", $out) or die; print $g $res;' "$1" "$2" || fail "big_endian $1 failed"
}

# check NAME FILE: kaprobe against tshark on FILE.
check() {
	local name=$1 f=$2 out=$T/$1.json rc want tcp
	tshark -n -r "$f" -Y 'tcp.analysis.keep_alive || tcp.analysis.keep_alive_ack' -T fields \
		-e frame.number -e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack \
		>"$T/labels" 2>"$T/tshark.err" || fail "$name: tshark failed: $(head -1 "$T/tshark.err")"
	awk -F'\t' '$2 != "" { print $1 }' "$T/labels" | csort >"$T/$name.want"
	awk -F'\t' '$3 != "" { print $1 }' "$T/labels" | csort >"$T/$name.want_ack"
	[ -s "$T/$name.want" ] || fail "$name: tshark finds no keep-alives: the case tests nothing"
	tcp=$(tshark -n -r "$f" -Y 'tcp && !icmp && !icmpv6' -T fields -e frame.number 2>/dev/null | wc -l)

	timeout -k 2 60 "$KAPROBE" replay --json "$f" >"$out" 2>"$out.err"
	rc=$?
	[ "$rc" = 0 ] || fail "$name: kaprobe replay exited $rc: $(head -2 "$out.err")"
	[ ! -s "$out.err" ] || fail "$name: kaprobe wrote to stderr: $(head -2 "$out.err")"
	json_valid "$out"
	jq -r 'select(.event=="probe") | .frame' "$out" | csort >"$T/$name.got"
	jq -r 'select(.event=="reply" and .kind=="ack") | .frame' "$out" | csort -u >"$T/$name.got_ack"
	cmp -s "$T/$name.want" "$T/$name.got" ||
		fail "$name: probe frames differ from tshark's ($(wc -l <"$T/$name.want") vs $(wc -l <"$T/$name.got")): only tshark $(comm -23 "$T/$name.want" "$T/$name.got" | head -5 | tr '\n' ' '), only kaprobe $(comm -13 "$T/$name.want" "$T/$name.got" | head -5 | tr '\n' ' ')"
	[ -z "$(comm -23 "$T/$name.want_ack" "$T/$name.got_ack")" ] ||
		fail "$name: tshark's Keep-Alive ACKs missing from kaprobe's replies: $(comm -23 "$T/$name.want_ack" "$T/$name.got_ack" | head -5 | tr '\n' ' ')"
	want=$(jq -s '.[-1].tcp' "$out")
	[ "$want" = "$tcp" ] || fail "$name: kaprobe counts $want TCP frames, tshark $tcp"
	note "$name: $(wc -l <"$T/$name.got") probes, $(wc -l <"$T/$name.want_ack") Keep-Alive ACKs, $tcp TCP frames agree"
}

synth() {
	local out=$1
	shift
	"$SYNTH" -n 3000 -f 200 -k 70 -6 30 "$@" -o "$out" 2>"$out.log" ||
		fail "synthcap $* failed: $(cat "$out.log")"
}
synth "$T/eth.pcap" -l en10mb --seed 41
synth "$T/sll2.pcap" -l sll2 -s 120 --seed 42
synth "$T/raw.pcap" -l raw -s 200 --seed 43
synth "$T/null.pcap" -l null --seed 44
editcap -F nsecpcap "$T/raw.pcap" "$T/rawns.pcap" || fail "editcap -F nsecpcap failed"
mergecap -F pcapng -w "$T/merged.pcapng" "$T/eth.pcap" "$T/sll2.pcap" "$T/rawns.pcap" \
	"$T/null.pcap" || fail "mergecap failed"

# The case is real: libpcap refuses this file.
if "$PCAPREAD" "$T/merged.pcapng" >/dev/null 2>"$T/pcapread.err"; then
	fail "libpcap reads the merged file: it no longer tests the case"
fi
note "libpcap: $(cat "$T/pcapread.err")"
check merged "$T/merged.pcapng"

big_endian "$T/merged.pcapng" "$T/big.pcapng"
check big-endian "$T/big.pcapng"
# Two sections, each with its own interfaces and byte order.
mergecap -F pcapng -w "$T/part1.pcapng" "$T/eth.pcap" "$T/sll2.pcap" || fail "mergecap failed"
mergecap -F pcapng -w "$T/part2.pcapng" "$T/rawns.pcap" "$T/null.pcap" || fail "mergecap failed"
big_endian "$T/part2.pcapng" "$T/part2big.pcapng"
cat "$T/part1.pcapng" "$T/part2big.pcapng" >"$T/sections.pcapng"
check two-sections "$T/sections.pcapng"

# if_tsresol: the nanosecond copy, in pcapng, replays as its original.
mergecap -F pcapng -w "$T/ns.pcapng" "$T/rawns.pcap" || fail "mergecap failed"
"$KAPROBE" replay --json "$T/raw.pcap" | jq -c 'del(.file)' >"$T/raw.json"
"$KAPROBE" replay --json "$T/ns.pcapng" | jq -c 'del(.file)' >"$T/ns.json"
cmp -s "$T/raw.json" "$T/ns.json" ||
	fail "nanosecond pcapng differs from the microsecond pcap: $(diff "$T/raw.json" "$T/ns.json" | head -4 | tr '\n' ' ')"
note "if_tsresol 9: same $(wc -l <"$T/ns.json") events as the microsecond original"

# An interface of a link type kaprobe does not decode (USB, 220): its
# frames are counted as not TCP, with one line on stderr; a file with only
# such frames is refused (65), as a pcap of that link type is.
perl -e 'print pack("VvvVVVV", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 220),
	map { pack("VVVV", 1700000000 + $_, 0, 30, 30) . "\x08\x00" x 15 } 1 .. 7' >"$T/usb.pcap"
mergecap -F pcapng -w "$T/usb-eth.pcapng" "$T/usb.pcap" "$T/eth.pcap" || fail "mergecap failed"
mergecap -F pcapng -w "$T/usb.pcapng" "$T/usb.pcap" || fail "mergecap failed"
"$KAPROBE" replay --json "$T/usb-eth.pcapng" >"$T/usb-eth.json" 2>"$T/usb-eth.err"
rc=$?
[ "$rc" = 0 ] || fail "usb+eth: exit $rc, want 0: $(head -2 "$T/usb-eth.err")"
[ "$(wc -l <"$T/usb-eth.err")" = 1 ] && grep -q "link type 220" "$T/usb-eth.err" ||
	fail "usb+eth: want one stderr line naming link type 220: $(cat "$T/usb-eth.err")"
eth_not_tcp=$("$KAPROBE" replay --json "$T/eth.pcap" | jq -s '.[-1].skipped.not_tcp')
assert_json "$T/usb-eth.json" ".[-1].skipped.not_tcp == $eth_not_tcp + 7" \
	"usb+eth: the 7 USB frames are counted as not TCP"
"$KAPROBE" replay --json "$T/usb.pcapng" >"$T/usb.out" 2>"$T/usb.err"
rc=$?
[ "$rc" = 65 ] || fail "USB only: exit $rc, want 65"
[ ! -s "$T/usb.out" ] || fail "USB only: a refused file prints nothing on stdout"
[ "$(wc -l <"$T/usb.err")" = 1 ] || fail "USB only: want one stderr line: $(cat "$T/usb.err")"
grep -q "link type 220 (USB_LINUX_MMAPPED) is not supported$" "$T/usb.err" ||
	fail "USB only: the message does not name the link type: $(cat "$T/usb.err")"
note "unsupported interface: $(cat "$T/usb-eth.err")"

# An unknown block (type 0x0bad, a custom block's number, 16 bytes) after
# the first interface: skipped.  Then a block whose length is not a
# multiple of 4: the frames before it are reported, then exit 65.
perl -e '
	my ($in, $skip, $bad) = @ARGV;
	open(my $f, "<:raw", $in) or die; local $/; my $d = <$f>;
	my $shb = unpack("V", substr($d, 4, 4));
	my $idb = unpack("V", substr($d, $shb + 4, 4));
	my $at = $shb + $idb;
	my $blk = pack("VV", 0x0bad, 16) . "abcd" . pack("V", 16);
	open(my $g, ">:raw", $skip) or die; print $g substr($d, 0, $at), $blk, substr($d, $at);
	# the 1001st block: its length made 13
	my $o = 0; for (1 .. 1000) { $o += unpack("V", substr($d, $o + 4, 4)); }
	substr($d, $o + 4, 4) = pack("V", 13);
	open(my $h, ">:raw", $bad) or die; print $h $d;
	print $o;' "$T/merged.pcapng" "$T/skip.pcapng" "$T/bad.pcapng" >"$T/bad.off" ||
	fail "perl failed"
"$KAPROBE" replay --json "$T/skip.pcapng" | jq -c 'del(.file)' >"$T/skip.json"
"$KAPROBE" replay --json "$T/merged.pcapng" | jq -c 'del(.file)' >"$T/merged.norm"
cmp -s "$T/skip.json" "$T/merged.norm" || fail "an unknown block changed the result"
"$KAPROBE" replay --json "$T/bad.pcapng" >"$T/bad.json" 2>"$T/bad.err"
rc=$?
[ "$rc" = 65 ] || fail "bad block length: exit $rc, want 65"
[ "$(wc -l <"$T/bad.err")" = 1 ] || fail "bad block length: want one stderr line: $(cat "$T/bad.err")"
grep -q "byte $(cat "$T/bad.off")" "$T/bad.err" || fail "bad block length: the offset is not named: $(cat "$T/bad.err")"
assert_json "$T/bad.json" '.[-1].event == "summary" and .[-1].frames > 900' \
	"bad block length: the frames before it are reported"
note "damaged: $(cat "$T/bad.err")"
exit 0
