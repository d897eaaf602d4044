#!/bin/bash
# test-timeout: 90
# Issue 18: nothing changes for strangers.  A plain TCP client (the
# kernel's keep-alive, build/tools/kaclient) against kaprobe serve gets the
# greeting and is held: its probes are answered, serve sends it nothing
# else.  Bad control input gets ERR on its connection only.  kaprobe live
# without --far-end against serve works as against any server; with
# --far-end against a server that is not serve (tcpserver) it stops with
# one line, exit 3, and never sends a control line; the audit finds out by
# itself that tcpserver is not serve (and with --far-end stops the same way).
. tests/integration/lib.sh
. tests/integration/serve_lib.sh
PORT=7485
PLAIN=7486
need_kaprobe
tb_up || fail "tb_up failed"
tb_start_server -p $PLAIN || fail "tcpserver did not start"
sv_start $PORT
cap=$TB_DIR/c.pcapng
cap_start "$TB_C" "$TB_C_IF" "$cap" "tcp"

# A plain client: the kernel probes, serve's kernel answers; held 4 s.
tb_c "$TB_ROOT/build/tools/kaclient" -i 1 -t 1 -n 3 -d 4 "$TB_SRV4" $PORT ||
	fail "kaclient against serve: the connection did not hold"

# Bad input, then a good request, on one connection; a second connection
# in the meantime is not affected.
bad=$(tb_c timeout 5 python3 - "$TB_SRV4" $PORT <<'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
t = socket.create_connection((sys.argv[1], int(sys.argv[2])))
s.sendall(b"NOPE\n" + b"x" * 400 + b"\n\x00\xff\nRECEIVED\n")
time.sleep(1)
s.settimeout(1)
got = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
except socket.timeout:
    pass
print(got.decode(errors="replace"))
print("OTHER", t.recv(200).decode().strip())
PY
)
echo "$bad"
assert_eq 3 "$(grep -c '^ERR ' <<<"$bad")" "three ERR lines"
assert_match 'ERR unknown request: NOPE' "$bad" "unknown request"
assert_match 'ERR line too long' "$bad" "too long"
assert_match 'ERR not a text line' "$bad" "binary"
assert_match 'END [0-9]+' "$bad" "RECEIVED answered after the bad lines"
assert_match '^OTHER KAPROBE-SERVE 1 you=' "$(grep OTHER <<<"$bad")" \
	"the other connection got its greeting only"

# kaprobe without --far-end against serve: alive, as against any server.
out=$TB_DIR/live.json
ka_run "$out" --json -c 1 "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "live against serve"
assert_eq 0 "$(json_count "$out" 'select(.event=="arrival")')" "no arrival without --far-end"

# --far-end against tcpserver: one line, exit 3.
out=$TB_DIR/stranger.json
ka_run "$out" --json --far-end -c 1 "$TB_SRV4:$PLAIN"
assert_eq 3 "$KA_RC" "--far-end against a server that is not serve"
assert_eq 1 "$(wc -l <"$out.err")" "one line on stderr"
assert_match 'not kaprobe serve|no greeting' "$(cat "$out.err")" "the line says why"
# The audit finds by itself that tcpserver is not serve: as before, no
# arrival, the client's refresh test only; with --far-end, exit 3.
out=$TB_DIR/audit.json
KA_TIMEOUT=60 ka_run "$out" audit --json --max-idle 2s "$TB_SRV4:$PLAIN"
assert_eq 0 "$(json_count "$out" 'select(.event=="arrival")')" "no arrival from a stranger"
assert_eq 1 "$(json_count "$out" 'select(.event=="refresh")')" "the client's refresh test only"
assert_eq 1 "$(json_count "$out" 'select(.event=="summary")')" "the audit ran to its summary"
ka_run "$out" audit --json --far-end --max-idle 2s "$TB_SRV4:$PLAIN"
assert_eq 3 "$KA_RC" "audit --far-end against a server that is not serve"
assert_eq 1 "$(wc -l <"$out.err")" "one line on stderr"
assert_match 'not kaprobe serve' "$(cat "$out.err")" "the line says why"
cap_stop
# Nothing but SYNs, ACKs, FINs and the audit's one-byte probes (one
# garbage octet) went to tcpserver: no control line.
assert_eq 0 "$(pcap_count "$cap" "tcp.dstport == $PLAIN && tcp.len > 1")" \
	"data sent to the stranger"
assert_eq 0 "$(pcap_count "$cap" "tcp.dstport == $PLAIN && tcp.len == 1 && tcp.payload != 00")" \
	"data sent to the stranger, besides the one-byte probe's octet"

sv_stop
json_valid "$SV_OUT"
assert_eq 3 "$(json_count "$SV_OUT" 'select(.event=="control" and (.ok | not))')" "refused requests"
assert_eq 1 "$(json_count "$SV_OUT" 'select(.event=="summary" and .refused == 3)')" "summary counts them"
