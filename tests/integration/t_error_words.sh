#!/bin/bash
# Errors keep their words (issue 23): a run that fails part-way says why in
# one line on stderr and in the JSON "error" event, the same words in both
# (they once read "kaprobe: " and "text":"", the message formatted into
# itself).  Two failures a test can provoke:
#  - -w onto a disk that fills (a 64 kB tmpfs in a mount namespace of the
#    run's own, filled once it has connected; forged ACKs then make the
#    capture grow): exit 73, then the summary of what was measured;
#  - a connect that fails at once (the client's only local port is taken by
#    another connection to the same server): exit 3.
. tests/integration/lib.sh
PORT=7296
ka_setup $PORT
out=$TB_DIR/out.json
full=$TB_DIR/full

# --- -w on a disk that fills ---
mkdir -p "$full" || fail "mkdir"
ka_fill_w "$full" "$TB_SRV4:$PORT" "$out"
wait_until 10 test -e "$out.full" || fail "the tmpfs was not filled"
cport=$(client_port $PORT)
[ -n "$cport" ] || fail "no established connection to port $PORT in the client ns"
# Out-of-window ACKs: captured, ignored, and written to -w until it is full.
inject_r tcp --src "$TB_SRV4" --dst "$TB_CLI4" --sport $PORT --dport "$cport" \
	--seq rand --ack rand --flags A --count 400 --every 0.002
wait "$SH"
KA_RC=$(cat "$out.rc" 2>/dev/null)
_ka_show "$out"
assert_eq 73 "$KA_RC" "exit status of -w onto a full disk"
json_valid "$out"
msg="cannot write $full/x.pcap: No space left on device"
assert_eq "kaprobe: $msg" "$(cat "$out.err")" "stderr"
assert_eq "$msg" "$(json_field "$out" 'select(.event=="error")' .text)" "error.text"
assert_json "$out" '.[-1].event == "summary"' "the summary follows the error"

# --- a connect that fails at once ---
tb_c sysctl -qw net.ipv4.ip_local_port_range="40000 40000" || fail "sysctl"
# A loaded machine may need a second try at the one port.
ip netns exec "$TB_C" bash -c "for i in 1 2 3 4 5; do exec 3<>/dev/tcp/$TB_SRV4/$PORT && exec sleep 30; sleep 1; done" 2>/dev/null &
HOLD=$!
TB_PIDS="$TB_PIDS $HOLD"
# Asked again each try (a $(...) argument would be asked once, before).
holding() { [ -n "$(client_port "$PORT")" ]; }
wait_until 15 holding || fail "the port-holding connection"
msg="cannot connect to $TB_SRV4:$PORT: Cannot assign requested address"
ka_run "$out" --json "$TB_SRV4:$PORT"
assert_eq 3 "$KA_RC" "exit status of a connect that fails at once (--json)"
assert_eq "kaprobe: $msg" "$(cat "$out.err")" "stderr (--json)"
assert_eq "$msg" "$(json_field "$out" 'select(.event=="error")' .text)" "error.text"
ka_run "$out" "$TB_SRV4:$PORT"
assert_eq 3 "$KA_RC" "exit status of a connect that fails at once"
assert_eq "kaprobe: $msg" "$(cat "$out.err")" "stderr"
kill "$HOLD" 2>/dev/null
echo ok
