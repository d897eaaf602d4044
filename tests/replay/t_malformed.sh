#!/bin/bash
# test-timeout: 240
# t_malformed.sh - `kaprobe replay` on bad input: never a crash or a hang,
# always the documented exit status and one line on stderr.
#
#   missing file, a directory             -> 66, one stderr line
#   empty (and /dev/null), text, random bytes, a header
#   cut short, an unsupported link type   -> 65, one stderr line
#   a capture cut inside a record         -> 65, one line, and every probe
#     (file or stdin)                        before the cut still printed
#   a capture cut at a record boundary    -> 0 (it is a shorter capture)
#   packet bytes flipped (pcap headers
#     left alone)                         -> 0, skipped counts in the summary
#   a record header with a huge caplen    -> 65 or 0, no crash
#
# Every run is bounded by `timeout 10`.  Byte surgery is done with perl
# (perl-base is Essential in Debian), seeded, so every run is the same.
# No root needed.  Run from the repo root; exit 0 = pass.
. tests/integration/lib.sh

command -v jq >/dev/null || fail "jq not installed (tools/install-deps.sh)"
[ -x "$KAPROBE" ] || fail "$KAPROBE not built (make kaprobe)"
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"

T=$(mktemp -d /tmp/t_malformed.XXXXXX) || fail "mktemp"
trap 'rm -rf "$T"' EXIT

# run NAME ARGS...: kaprobe replay ARGS under timeout 10; stdout to
# $T/NAME.out, stderr to $T/NAME.err, status in RC.  A hang, a signal or a
# sanitizer report fails the test right here.  Stdin comes from RUN_STDIN
# when set.
run() {
	local name=$1
	shift
	timeout -k 2 10 "$KAPROBE" replay "$@" <"${RUN_STDIN:-/dev/null}" \
		>"$T/$name.out" 2>"$T/$name.err"
	RC=$?
	case $RC in 124 | 137) fail "$name: kaprobe replay hung (killed after 10 s)" ;; esac
	[ "$RC" -lt 128 ] || fail "$name: kaprobe replay died of signal $((RC - 128)): $(head -3 "$T/$name.err")"
	if grep -Eq 'Sanitizer|runtime error' "$T/$name.err"; then
		fail "$name: sanitizer report: $(grep -Em1 'Sanitizer|runtime error' "$T/$name.err")"
	fi
}

# expect_msg NAME TEXT: stderr says TEXT.
expect_msg() {
	grep -qF -- "$2" "$T/$1.err" || fail "$1: stderr does not say '$2': $(cat "$T/$1.err")"
}

# expect_err NAME STATUS: RC is STATUS, and stderr is exactly one line.
expect_err() {
	local name=$1 want=$2 lines
	[ "$RC" = "$want" ] || fail "$name: exit status $RC, want $want (stderr: $(head -2 "$T/$name.err"))"
	lines=$(wc -l <"$T/$name.err")
	[ "$lines" = 1 ] || fail "$name: $lines lines on stderr, want 1: $(head -3 "$T/$name.err" | tr '\n' '|')"
	note "$name: exit $RC: $(cat "$T/$name.err")"
}

# pcap_records FILE: "header-offset data-offset caplen" for each record of a
# pcap file (either byte order, micro- or nanosecond magic).
pcap_records() {
	perl -e '
		open(my $f, "<:raw", $ARGV[0]) or die "$ARGV[0]: $!\n";
		local $/; my $d = <$f>;
		my $m = unpack("N", substr($d, 0, 4));
		my $u = ($m == 0xa1b2c3d4 || $m == 0xa1b23c4d) ? "N" : "V";
		my $o = 24;
		while ($o + 16 <= length $d) {
			my $cap = unpack($u, substr($d, $o + 8, 4));
			last if $o + 16 + $cap > length $d;
			print "$o ", $o + 16, " $cap\n";
			$o += 16 + $cap;
		}' "$1"
}

# probe_frames FILE: the frame numbers of probe events in JSON lines.
probe_frames() { jq -r 'select(.event=="probe") | .frame' "$1" | LC_ALL=C sort; }

# --- files that are not captures ------------------------------------------------

run missing --json "$T/no-such-file.pcap"
expect_err missing 66

mkdir "$T/dir.pcap"
run directory --json "$T/dir.pcap"
expect_err directory 66
expect_msg directory "is a directory"

: >"$T/empty.pcap"
run empty --json "$T/empty.pcap"
expect_err empty 65
expect_msg empty "is empty"
run devnull --json /dev/null
expect_err devnull 65
expect_msg devnull "/dev/null is empty"

# A pcap header libpcap refuses (version 3.0, big-endian): the message says
# what the header holds.
perl -e 'print pack("NnnNNNN", 0xa1b2c3d4, 3, 0, 0, 0, 65535, 1)' >"$T/v3.pcap"
run version --json "$T/v3.pcap"
expect_err version 65
expect_msg version "big-endian pcap header, version 3.0"

printf 'this is not a capture\nline two\n' >"$T/text.pcap"
run text --json "$T/text.pcap"
expect_err text 65

perl -e 'srand(42); print map { chr int rand 256 } 1 .. 4096' >"$T/random.pcap"
run random --json "$T/random.pcap"
expect_err random 65

# A capture with an unsupported link type (USB_LINUX_MMAPPED, 220): the pcap
# header pcap_open_dead + pcap_dump_open would write, and one 30-byte record.
# The one stderr line names the link type.
perl -e 'print pack("VvvVVVV", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 220),
	pack("VVVV", 1700000000, 0, 30, 30), "\x08\x00" x 15' >"$T/usb.pcap"
run linktype --json "$T/usb.pcap"
expect_err linktype 65
grep -q 'link type 220 (USB_LINUX_MMAPPED) is not supported' "$T/linktype.err" ||
	fail "linktype: stderr does not name the link type: $(cat "$T/linktype.err")"

# --- a capture cut short ------------------------------------------------------------

"$SYNTH" -n 3000 -f 200 -k 80 -6 30 --seed 21 -o "$T/full.pcap" 2>/dev/null ||
	fail "synthcap failed"
run full --json "$T/full.pcap"
[ "$RC" = 0 ] || fail "full: the uncut capture exits $RC (stderr: $(head -2 "$T/full.err"))"
probe_frames "$T/full.out" >"$T/full.probes"
[ -s "$T/full.probes" ] || fail "full: no probes in the uncut capture"
pcap_records "$T/full.pcap" >"$T/records"
nrec=$(wc -l <"$T/records")

# cut NAME OFFSET COMPLETE STATUS [stdin]: the first OFFSET bytes, which hold
# COMPLETE whole records; the probes among those must all be printed.
cut_case() {
	local name=$1 off=$2 complete=$3 want=$4 via=${5:-file}
	head -c "$off" "$T/full.pcap" >"$T/$name.pcap"
	if [ "$via" = stdin ]; then
		RUN_STDIN=$T/$name.pcap run "$name" --json -
	else
		run "$name" --json "$T/$name.pcap"
	fi
	if [ "$want" = 65 ]; then
		expect_err "$name" 65
	else
		[ "$RC" = 0 ] || fail "$name: exit $RC, want 0 (stderr: $(head -2 "$T/$name.err"))"
	fi
	[ ! -s "$T/$name.out" ] || json_valid "$T/$name.out"
	probe_frames "$T/$name.out" >"$T/$name.probes"
	awk -v n="$complete" '$1 <= n' "$T/full.probes" | LC_ALL=C sort >"$T/$name.want"
	cmp -s "$T/$name.want" "$T/$name.probes" ||
		fail "$name: probes before the cut (frames 1-$complete) differ: want $(wc -l <"$T/$name.want"), got $(wc -l <"$T/$name.probes"): only expected $(comm -23 "$T/$name.want" "$T/$name.probes" | head -5 | tr '\n' ' '), only printed $(comm -13 "$T/$name.want" "$T/$name.probes" | head -5 | tr '\n' ' ')"
}

for frac in 3 2; do
	# Record k (1-based) starts at hdr and its data at dat; k-1 are whole
	# before it.
	k=$((nrec * (frac - 1) / frac + 1))
	read -r hdr dat cap < <(sed -n "${k}p" "$T/records")
	cut_case "cut_hdr_$k" $((hdr + 7)) $((k - 1)) 65
	cut_case "cut_data_$k" $((dat + cap / 2)) $((k - 1)) 65
	cut_case "cut_last_$k" $((dat + cap - 1)) $((k - 1)) 65
	cut_case "cut_boundary_$k" "$hdr" $((k - 1)) 0
done
read -r hdr dat cap < <(sed -n "$((nrec - 5))p" "$T/records")
cut_case cut_stdin "$((dat + 3))" $((nrec - 6)) 65 stdin
cut_case cut_global 10 0 65

# --- damaged packet bytes -----------------------------------------------------------

# corrupt IN OUT SEED LINKHDR: flip 1-4 random bytes in about one record in
# ten, and in one record in 40 set the byte where the IP header starts
# (LINKHDR bytes in) to garbage, so some frames certainly fail to decode.
# The file header and record headers are left alone.
corrupt() {
	perl -e '
		my ($in, $out, $seed, $lh) = @ARGV;
		srand($seed);
		open(my $f, "<:raw", $in) or die "$in: $!\n";
		local $/; my $d = <$f>;
		my $o = 24; my $i = 0;
		while ($o + 16 <= length $d) {
			my $cap = unpack("V", substr($d, $o + 8, 4));
			my $p = $o + 16;
			if ($cap > 0 && rand() < 0.1) {
				for (1 .. 1 + int rand 4) {
					my $at = $p + int rand $cap;
					substr($d, $at, 1) = chr(ord(substr($d, $at, 1)) ^ (1 + int rand 255));
				}
			}
			if ($cap > $lh && $i++ % 40 == 7) {
				substr($d, $p + $lh, 1) = chr(int rand 4);  # IP version 0
			}
			$o = $p + $cap;
		}
		open(my $g, ">:raw", $out) or die "$out: $!\n";
		print $g $d;' "$@"
}

# link type -> bytes before the IP header
declare -A LINKHDR=([en10mb]=14 [qinq]=22 [sll]=16 [sll2]=20 [raw]=0 [null]=4)
for lt in en10mb qinq sll sll2 raw null; do
	"$SYNTH" -n 2000 -f 150 -k 80 -6 40 -w -l "$lt" --seed 31 -o "$T/c_$lt.pcap" 2>/dev/null ||
		fail "synthcap -l $lt failed"
	for seed in 1 2 3; do
		name=corrupt_${lt}_$seed
		corrupt "$T/c_$lt.pcap" "$T/$name.pcap" "$seed" "${LINKHDR[$lt]}"
		run "$name" --json "$T/$name.pcap"
		[ "$RC" = 0 ] || fail "$name: exit $RC, want 0 (stderr: $(head -2 "$T/$name.err"))"
		json_valid "$T/$name.out"
		assert_json "$T/$name.out" '.[-1].event == "summary"' "$name: the summary is the last line"
		# The summary carries the skipped counts, by reason or as one
		# number, under a key containing "skip".
		skipped=$(jq -s '.[-1] | [to_entries[] | select(.key | test("skip")) | .value |
			if type == "object" then ([.[] | numbers] | add // 0)
			elif type == "number" then . else 0 end] | add // "none"' "$T/$name.out")
		[ "$skipped" != none ] || fail "$name: no skipped counts in the summary: $(tail -1 "$T/$name.out")"
		[ "$skipped" -gt 0 ] || fail "$name: the summary counts nothing skipped: $(tail -1 "$T/$name.out")"
	done
	note "$lt: damaged captures read through, e.g. $(jq -c '.skipped // empty' "$T/$name.out" | tail -1)"
done

# --- a record header libpcap refuses --------------------------------------------

# caplen 0x7ffffff0 in record 3: libpcap reports an error instead of reading.
read -r hdr _ _ < <(sed -n 3p "$T/records")
perl -e '
	my ($in, $out, $at) = @ARGV;
	open(my $f, "<:raw", $in) or die; local $/; my $d = <$f>;
	substr($d, $at + 8, 4) = pack("V", 0x7ffffff0);
	open(my $g, ">:raw", $out) or die; print $g $d;' "$T/full.pcap" "$T/bighdr.pcap" "$hdr"
run bighdr --json "$T/bighdr.pcap"
case $RC in
65) expect_err bighdr 65 ;;
0) note "bighdr: exit 0" ;;
*) fail "bighdr: exit $RC, want 65 (or 0)" ;;
esac

exit 0
