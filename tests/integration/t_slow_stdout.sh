#!/bin/bash
# A slow reader of stdout (a terminal over SSH) must not hold probing back
# (issue 23): kaprobe's stdout is read at about 160 kB/s while a forger
# floods the client with ACKs that are out of window (each one an "ignored"
# line), far more output than the reader takes.  The probes still leave on
# schedule: each round's probe before the previous round's probe + --idle +
# --intvl (a blocking stdout held one back by 33 s); and no line is lost:
# every ignored segment the summary counts has its line, lines_dropped is
# 0, nothing on stderr.
# test-timeout: 90
. tests/integration/lib.sh
PORT=7292
ka_setup $PORT
out=$TB_DIR/out.json

# The reader: at most 16 kB every 0.1 s, until end of file.
slow_read() {
	local n
	while :; do
		n=$(dd bs=16k count=1 status=none | tee -a "$1" | wc -c)
		[ "$n" -gt 0 ] || break
		sleep 0.1
	done
}

: >"$out"
( timeout -k 2 60 ip netns exec "$TB_C" "$KAPROBE" -c 5 --idle 1s --intvl 1s --json \
	"$TB_SRV4:$PORT" 2>"$out.err"; echo $? >"$out.rc" ) | slow_read "$out" &
READER=$!
ka_wait_event "$out" '.event=="probe"' 5 || fail "no probe event within 5 s"
cport=$(client_port $PORT)
[ -n "$cport" ] || fail "no established connection to port $PORT in the client ns"
pseq=$(ka_probe_field "$out" .seq)
pack=$(ka_probe_field "$out" .ack)
# Out of window by 2^31: the kernel drops them, kaprobe ignores them.
inject_bg tcp --src "$TB_SRV4" --dst "$TB_CLI4" --sport $PORT --dport "$cport" \
	--seq "$(seq_add "$pack" 2147483648)" --ack "$(seq_add "$pseq" 1)" --flags A \
	--count 20000 --every 0.0002
wait "$READER"
inject_stop
KA_RC=$(cat "$out.rc")
_ka_show "$out" | tail -5

assert_eq 0 "$KA_RC" "exit status (every round answered)"
json_valid "$out"
assert_eq "" "$(cat "$out.err")" "stderr"
size=$(stat -c %s "$out")
note "output: $size bytes"
assert_gt "$size" 300000 "bytes of output (several times what a pipe holds)"
assert_eq 5 "$(json_count "$out" 'select(.event=="probe")')" "probe events"
# Round r's probe leaves once the answer to round r-1 is --idle old: before
# round r-1's probe + --idle + --intvl, whatever the reader does.
assert_json "$out" '[.[] | select(.event=="probe") | .t] |
	[range(1; length) as $i | .[$i] - .[$i - 1]] | all(. < 2.0)' \
	"each probe within --idle + --intvl of the one before"
ign=$(json_field "$out" 'select(.event=="summary")' .ignored)
assert_gt "$ign" 1000 "summary.ignored (the flood reached kaprobe)"
assert_eq "$ign" "$(json_count "$out" 'select(.event=="ignored")')" \
	"ignored lines written (one per ignored segment)"
assert_eq 0 "$(json_field "$out" 'select(.event=="summary")' .lines_dropped)" \
	summary.lines_dropped
assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
echo ok
