#!/bin/bash
# --report onto a full disk: the run's own output is whole and unchanged,
# the report is refused in one line on stderr, exit 74, and the file is
# left empty rather than half-written.  A run that fails before reporting
# anything (65: not a capture) leaves an earlier report as it was and
# creates none; one damaged part-way (65 after its summary) gets its page.  Replay only: no packet is
# sent.
. tests/integration/lib.sh
need_kaprobe
d=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-full.XXXXXX") || fail "mktemp"
trap 'umount "$d/full" 2>/dev/null; rm -rf "$d"' EXIT
mkdir "$d/full" && mount -t tmpfs -o size=64k tmpfs "$d/full" || fail "mount tmpfs"
pcap=pcaps/linux-keepalive.pcap

./kaprobe replay --json "$pcap" >"$d/plain.json" || fail "replay without --report"
# Open the report file, then fill the disk: the page cannot be written.
: >"$d/full/r.html"
dd if=/dev/zero of="$d/full/filler" bs=4k 2>/dev/null
./kaprobe replay --json --report "$d/full/r.html" "$pcap" >"$d/full.json" 2>"$d/full.err"
rc=$?
assert_eq 74 "$rc" "exit status with the report's disk full"
assert_eq 1 "$(wc -l <"$d/full.err")" "stderr lines"
assert_match "^kaprobe: --report $d/full/r.html: No space left on device: the report was not written\$" \
	"$(cat "$d/full.err")" "stderr"
cmp -s "$d/plain.json" "$d/full.json" || fail "the JSON output differs when the report fails"
assert_eq 0 "$(stat -c %s "$d/full/r.html")" "bytes left in the report that failed"

# A run that fails (not a capture: 65) leaves an earlier report as it was,
# and leaves no file where there was none.
rm -f "$d/full/filler"
./kaprobe replay --report "$d/full/r.html" "$pcap" >/dev/null || fail "replay --report"
size=$(stat -c %s "$d/full/r.html")
assert_gt "$size" 1000 "the report's size"
printf 'not a capture\n' >"$d/text.pcap"
./kaprobe replay --report "$d/full/r.html" "$d/text.pcap" >/dev/null 2>&1
assert_eq 65 "$?" "exit status of replaying a text file"
assert_eq "$size" "$(stat -c %s "$d/full/r.html")" "the earlier report's size after a failed run"
./kaprobe replay --report "$d/new.html" "$d/text.pcap" >/dev/null 2>&1
assert_eq 65 "$?" "exit status of replaying a text file"
[ ! -e "$d/new.html" ] || fail "a failed run left a report file it created"

# A capture damaged part-way still reports what came before (65), and so
# does its page.
head -c $(($(stat -c %s "$pcap") - 20)) "$pcap" >"$d/cut.pcap"
./kaprobe replay --report "$d/cut.html" "$d/cut.pcap" >/dev/null 2>&1
assert_eq 65 "$?" "exit status of a capture cut short"
assert_match '<dd id="status">65</dd>' "$(cat "$d/cut.html")" "the cut capture's page"
assert_match 'data-kind="flow"' "$(cat "$d/cut.html")" "the cut capture's page shows its flows"
# A FIFO nobody reads is refused at once (73), not waited on.
mkfifo "$d/fifo" || fail "mkfifo"
timeout 10 ./kaprobe replay --report "$d/fifo" "$pcap" >/dev/null 2>"$d/fifo.err"
assert_eq 73 "$?" "exit status of --report onto a FIFO"
assert_eq "kaprobe replay: --report $d/fifo: not a regular file" "$(cat "$d/fifo.err")" \
	"stderr of --report onto a FIFO"
echo ok
