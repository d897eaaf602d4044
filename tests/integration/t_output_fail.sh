#!/bin/bash
# Output failures are errors (issue 23), not verdicts:
#  - stdout to /dev/full, and to a file on a small tmpfs that fills during
#    the run: one line on stderr naming the error, exit 74 (once exit 1,
#    "dead", and silent);
#  - -w onto a small tmpfs that fills: exit 73 (as before), and the file is
#    readable to its last record (once a record cut part-way: tshark and
#    capinfos called it cut short);
#  - SIGHUP is handled like SIGTERM: the summary, exit 0 after an answered
#    round, the -w file whole (once killed: exit 129, no summary).
# The tmpfs is mounted in a mount namespace of the run's own.
. tests/integration/lib.sh
PORT=7334
ka_setup $PORT
out=$TB_DIR/out
full=$TB_DIR/full
mkdir -p "$full" || fail "mkdir"

# tshark and capinfos read FILE to its end without a complaint.
assert_pcap_valid() {
	local f=$1 err
	assert_file "$f" "-w file"
	err=$(tshark -n -r "$f" 2>&1 >/dev/null) || fail "tshark -r $f failed: $err"
	err=$(printf '%s\n' "$err" | grep -v '^Running as user')
	assert_eq "" "$err" "tshark's complaints about $f"
	err=$(capinfos "$f" 2>&1 >/dev/null) || fail "capinfos $f failed: $err"
}

# --- stdout to /dev/full ---
for form in "" --json; do
	timeout -k 2 20 ip netns exec "$TB_C" "$KAPROBE" $form --idle 1s -c 1 \
		"$TB_SRV4:$PORT" >/dev/full 2>"$out.err"
	rc=$?
	assert_eq 74 "$rc" "exit status, stdout /dev/full ${form:-human}"
	assert_eq "kaprobe: cannot write standard output: No space left on device" \
		"$(cat "$out.err")" "stderr, stdout /dev/full ${form:-human}"
done
# Several targets: the same.
timeout -k 2 20 ip netns exec "$TB_C" "$KAPROBE" --json --idle 1s -c 1 \
	"$TB_SRV4:$PORT" "$TB_SRV4:$PORT" >/dev/full 2>"$out.err"
assert_eq 74 "$?" "exit status, stdout /dev/full, two targets"

# --- stdout to a tmpfs that fills during the run ---
timeout -k 2 40 ip netns exec "$TB_C" unshare -m sh -c '
	mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
	"$3" --idle 1s --intvl 1s "$2" >"$1/out" 2>"$4.err" &
	ka=$!
	for i in $(seq 50); do grep -q "^KAPROBE" "$1/out" && break; sleep 0.1; done
	dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
	wait $ka
	echo $? >"$4.rc"
' sh "$full" "$TB_SRV4:$PORT" "$KAPROBE" "$out"
assert_eq 74 "$(cat "$out.rc")" "exit status, stdout on a full tmpfs"
assert_eq "kaprobe: cannot write standard output: No space left on device" \
	"$(cat "$out.err")" "stderr, stdout on a full tmpfs"

# --- -w onto a tmpfs that fills: whole records only ---
ka_fill_w "$full" "$TB_SRV4:$PORT" "$out.w"
wait_until 10 test -e "$out.w.full" || fail "the tmpfs was not filled"
cport=$(client_port $PORT)
[ -n "$cport" ] || fail "no established connection to port $PORT in the client ns"
# Out-of-window ACKs (70-byte records, which 4 kB pages do not divide):
# captured, ignored, written to -w until the disk is full, part-way
# through a record.
inject_r tcp --src "$TB_SRV4" --dst "$TB_CLI4" --sport $PORT --dport "$cport" \
	--seq rand --ack rand --flags A --count 400 --every 0.002
wait "$SH"
_ka_show "$out.w"
assert_eq 73 "$(cat "$out.w.rc")" "exit status of -w onto a full disk"
assert_pcap_valid "$out.w.pcap"
assert_gt "$(capinfos -c -M "$out.w.pcap" | awk '/Number of packets/ {print $NF}')" 3 \
	"packets in the -w file"

# --- SIGHUP, as SIGTERM ---
ka_start "$out.hup" --idle 1s --intvl 1s --json -w "$TB_DIR/hup.pcap" "$TB_SRV4:$PORT"
ka_wait_connect "$out.hup"
wait_until 10 grep -q '"kind":"ack"' "$out.hup" || fail "no answered probe"
kill -HUP "$(ka_pid)"
ka_wait
assert_eq 0 "$KA_RC" "exit status after SIGHUP"
json_valid "$out.hup"
assert_eq alive "$(json_field "$out.hup" 'select(.event=="verdict")' .verdict)" verdict
assert_json "$out.hup" '.[-1].event == "summary"' "the summary is the last line"
assert_pcap_valid "$TB_DIR/hup.pcap"
echo ok
