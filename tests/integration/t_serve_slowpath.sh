#!/bin/bash
# test-timeout: 150
# Issue 18: a slow path (the router holds every packet 350 ms each way: an
# RTT of about 700 ms, tools/delayrelay.py) loses no arrival.  Over it the
# greeting comes after the audit's first probes would have left and after
# a fixed 1 s wait; the waits scale with the handshake's round trip
# instead.  kaprobe --far-end -c 2 (IPv4 and IPv6): both rounds reported,
# two probes sent (none while the last report is awaited); kaprobe audit --far-end: serve
# recognised, one arrival per probe kind, every answered kind answered at
# its first try (the greeting was not taken for an answer, a try's answer
# not for the next try's).
. tests/integration/lib.sh
. tests/integration/serve_lib.sh
PORT=7488
need_kaprobe
tb_up || fail "tb_up failed"
tb_router_delay 350 || fail "the delaying router did not start"
sv_start $PORT

# The path is as slow as meant: a connect takes a round trip.
rtt=$(tb_c python3 -c 'import socket, sys, time
t = time.monotonic(); socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
print(int((time.monotonic() - t) * 1000))' "$TB_SRV4" $PORT)
echo "connect: $rtt ms"
assert_ge "$rtt" 600 "the path's round trip (ms)"

for dst in "$TB_SRV4:$PORT" "[$TB_SRV6]:$PORT"; do
	out=$TB_DIR/live.$RANDOM.json
	KA_TIMEOUT=40 ka_run "$out" --json --far-end -c 2 "$dst"
	assert_eq 0 "$KA_RC" "live --far-end over the slow path ($dst)"
	json_valid "$out"
	assert_eq "1 2" "$(jq -r 'select(.event=="arrival" and .arrived and
		.answered_by == "peer") | .round' "$out" | paste -sd' ')" \
		"one arrival per round, arrived, answered by the peer ($dst)"
	assert_eq 2 "$(json_count "$out" 'select(.event=="probe")')" "probes sent (-c 2, $dst)"
	assert_eq 0 "$(json_count "$out" 'select(.event=="notice")')" "no notice ($dst)"
	assert_ge "$(jq -r 'select(.event=="reply") | .rtt_ms' "$out" | sort -n | head -1)" 600 \
		"the probes' round trip (ms, $dst)"
done

out=$TB_DIR/audit.json
KA_TIMEOUT=90 ka_run "$out" audit --json --far-end --max-idle 1s "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "audit --far-end over the slow path"
json_valid "$out"
kinds=$(json_count "$out" 'select(.event=="variant")')
assert_ge "$kinds" 6 "probe kinds tried"
assert_eq "$kinds" "$(json_count "$out" 'select(.event=="arrival")')" "an arrival per kind"
assert_eq 0 "$(json_count "$out" 'select(.event=="notice")')" "no notice"
for k in zero-length one-byte no-timestamp; do
	assert_eq 1 "$(json_count "$out" "select(.event==\"variant\" and .name==\"$k\" and
		.reply==\"ack\" and .tries==1)")" "$k answered at its first try"
	assert_eq 1 "$(json_count "$out" "select(.event==\"arrival\" and .probe==\"$k\" and
		.arrived and .answered_by==\"peer\")")" "$k arrived, answered by the peer"
done

# The search's tries go a round trip apart: no answer comes after the
# next try and counts as lost (the relay loses nothing).
assert_eq 0 "$(jq -r 'select(.event=="idle-timeout") | .loss_pct' "$out")" \
	"idle search's loss over a slow path that loses nothing (%)"

sv_stop
assert_eq 0 "$SV_RC" "serve's exit status after SIGTERM"
json_valid "$SV_OUT"
assert_eq 0 "$(json_count "$SV_OUT" 'select(.event=="control" and (.ok | not))')" \
	"requests refused"
