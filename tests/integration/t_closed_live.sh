#!/bin/bash
# Issue 17: a server that closes connections idle for 3 s (tcpserver -i 3,
# as redis `timeout` or a proxy's client timeout would).  Keep-alive probes
# carry no data and do not refresh it:
#  - the server's FIN while kaprobe waits ends the run: verdict closed,
#    exit 5, idle_s near the server's 3 s (since the handshake: no data
#    moved), how fin, by peer, from the server; with two connections each
#    ends closed and the table counts them;
#  - with -R the server closes with an RST while no probe is out: closed
#    too, how rst (an RST answering a probe would be reset);
#  - with --heartbeat the same server keeps the connection: the data
#    refreshes its timer, -c 5 ends alive (exit 0), and the heartbeats are
#    data segments in the -w capture, each ACKed by the server.
. tests/integration/lib.sh
PORT=7241
ka_setup $PORT -i 3
out=$TB_DIR/out.json

# --- keep-alive probes: closed by the server's FIN ------------------------------
ka_run "$out" --idle 1s --intvl 1s --probes 3 --json "$TB_SRV4:$PORT"
assert_eq 5 "$KA_RC" "exit status (closed)"
json_valid "$out"
assert_ge "$(json_count "$out" 'select(.event=="reply" and .kind=="ack")')" 1 \
	"answered probes before the close (the server's kernel answers them)"
v='select(.event=="verdict")'
assert_eq closed "$(json_field "$out" "$v" .verdict)" verdict
assert_eq fin "$(json_field "$out" "$v" .how)" verdict.how
assert_eq peer "$(json_field "$out" "$v" .by)" verdict.by
assert_eq "$TB_SRV4" "$(json_field "$out" "$v" .from)" verdict.from
idle=$(json_field "$out" "$v" .idle_s)
assert_ge "$idle" 2.5 "idle_s (the server's timeout is 3 s)"
assert_le "$idle" 4.5 "idle_s (the server's timeout is 3 s)"
assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"

# The same in words.
ka_run "$out" --idle 1s --intvl 1s "$TB_SRV4:$PORT"
assert_eq 5 "$KA_RC" "exit status (closed, text)"
assert_match 'verdict: closed \(the peer closed the connection with a FIN after [0-9.]+ s without data; keep-alive cannot prevent this' \
	"$(grep '^verdict:' "$out")" "the verdict line"

# Many connections: each ends closed, the table counts them, exit 5.
ka_run "$out" --idle 1s --intvl 1s --conns 2 --json "$TB_SRV4:$PORT"
assert_eq 5 "$KA_RC" "exit status (two connections closed)"
assert_eq 2 "$(json_count "$out" 'select(.event=="verdict" and .verdict=="closed" and .how=="fin")')" \
	"closed verdicts of the two connections"
assert_eq 2 "$(json_field "$out" 'select(.event=="summary")' .closed)" "summary.closed"
ka_run "$out" --idle 1s --intvl 1s --conns 2 "$TB_SRV4:$PORT"
assert_match 'verdict closed \(fin after [0-9.]+ s without data, by the peer\)' \
	"$(grep -m1 'verdict closed' "$out")" "a connection's verdict line"
assert_eq 2 "$(grep -c ' closed$' "$out")" "closed rows in the table"

# --- an RST with no probe out: closed, not reset --------------------------------
kill "$TB_SRV_PID"
wait "$TB_SRV_PID" 2>/dev/null
tb_start_server -p "$PORT" -i 3 -R || fail "tcpserver -R did not start"
# Probes every 10 s: none is out when the server's RST comes at 3 s.
ka_run "$out" --idle 10s --intvl 1s --json "$TB_SRV4:$PORT"
assert_eq 5 "$KA_RC" "exit status (closed by an RST)"
assert_eq closed "$(json_field "$out" "$v" .verdict)" "verdict after the RST"
assert_eq rst "$(json_field "$out" "$v" .how)" "verdict.how after the RST"
assert_eq 0 "$(json_count "$out" 'select(.event=="probe")')" "probes before the RST"
kill "$TB_SRV_PID"
wait "$TB_SRV_PID" 2>/dev/null

# --- heartbeats: the server keeps the connection ---------------------------------
tb_start_server -p "$PORT" -i 3 || fail "tcpserver did not start again"
pcap=$TB_DIR/hb.pcap
# A heartbeat a second against the server's 3 s: room for a loaded machine.
KA_TIMEOUT=40 ka_run "$out" --idle 1s --intvl 1s -c 5 --heartbeat 'PING\r\n' --json \
	-w "$pcap" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status with --heartbeat (alive)"
json_valid "$out"
assert_eq alive "$(json_field "$out" "$v" .verdict)" "verdict with --heartbeat"
assert_eq 6 "$(json_field "$out" 'select(.event=="connect")' .heartbeat_len)" connect.heartbeat_len
assert_eq 5 "$(json_count "$out" 'select(.event=="probe" and .len==6)')" "heartbeats of 6 bytes"
assert_eq 5 "$(json_count "$out" 'select(.event=="reply" and .kind=="ack" and .n==1)')" \
	"heartbeats answered by the server's ACK"
# Past the server's 3 s: the heartbeats kept it.
assert_json "$out" '(map(select(.event=="reply")) | last | .t) > 4' "last answer after 4 s"
# On the wire: data, not keep-alives, each acknowledged.
assert_eq 5 "$(pcap_count "$pcap" "ip.src==$TB_CLI4 && tcp.len==6 && tcp.payload==50:49:4e:47:0d:0a")" \
	"heartbeat data segments in the capture"
assert_eq 0 "$(pcap_count "$pcap" "tcp.analysis.keep_alive")" "keep-alives in the capture"
# The server never closed first: a FIN from it may only answer kaprobe's own
# close at exit (the capture can still see it).
first_fin=$(pcap_fields "$pcap" "tcp.flags.fin==1" ip.src | head -n1)
[ -z "$first_fin" ] || assert_eq "$TB_CLI4" "$first_fin" "the first FIN's sender (the server did not close)"
echo ok
