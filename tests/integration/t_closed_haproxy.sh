#!/bin/bash
# test-timeout: 90
# Issue 17: HAProxy 2.6 in TCP mode on the router (timeout client and server
# 5 s) in front of tcpserver, which holds connections.  The proxy terminates
# TCP: its own kernel answers the keep-alive probes, and at 5 s without data
# HAProxy closes the connection with a FIN.
#  - live, IPv4 (-w): verdict closed, exit 5, idle_s near 5 s (HAProxy's
#    timers run in milliseconds), how fin, by peer (the router is the peer),
#    from the router's address; probes answered until then;
#  - live, IPv6 through the same proxy: the same;
#  - --heartbeat: the data refreshes HAProxy's timers; -c 4 ends alive,
#    exit 0, and at the third round (more than 5 s after the connect) HAProxy
#    still holds the client's connection and tcpserver the proxy's;
#  - the first run's -w capture replayed: the client's flow closed, the gap
#    near 5 s, keep-alive probes answered in it (answered_in_gap >= 1).
. tests/integration/lib.sh
. tests/integration/proxy_lib.sh
BACKEND=7241
PORT=9000
TIMEOUT=5
ka_setup $BACKEND
px_haproxy $PORT $BACKEND $TIMEOUT
out=$TB_DIR/out.json

note "IPv4, keep-alive probes, -w"
pcap=$TB_DIR/closed.pcap
ka_run "$out" --idle 2s --intvl 1s --json -w "$pcap" "$TB_RTR4:$PORT"
px_logs
px_assert_closed "$out" "$TB_RTR4" 4.5 6
assert_eq 1 "$(pcap_count "$pcap" "tcp.flags.fin==1 && ip.src==$TB_RTR4")" "the proxy's FIN in the -w capture"
flow="$(json_field "$out" 'select(.event=="connect")' .src)>$TB_RTR4:$PORT"

note "IPv6"
ka_run "$out" --idle 2s --intvl 1s --json "[$TB_RTR6]:$PORT"
px_logs
px_assert_closed "$out" "$TB_RTR6" 4.5 6

note "--heartbeat"
ka_start "$out" -c 4 --idle 2s --intvl 1s --heartbeat 'kaprobe\n' --json "$TB_RTR4:$PORT"
ka_wait_event "$out" '.event=="reply" and .round==3' 20 ||
	{ kill "$KA_PID" 2>/dev/null; ka_wait; px_logs; fail "no answer in round 3"; }
src=$(json_field "$out" 'select(.event=="connect")' .src)
assert_json "$out" '(map(select(.event=="reply" and .round==3)) | first | .t) -
	(map(select(.event=="connect")) | first | .t) > 5' "round 3 more than 5 s after the connect"
px_assert_held "$TB_R" "$PORT" "$src" haproxy
assert_ge "$(server_established)" 1 "tcpserver's connections from the proxy"
ka_wait
px_logs
px_assert_heartbeat "$out" 8 4

note "the -w capture replayed"
rep=$TB_DIR/replay.json
"$KAPROBE" replay --json "$pcap" >"$rep" 2>"$rep.err"
echo "--- replay exit $?:"; cat "$rep" "$rep.err"
json_valid "$rep"
f="select(.event==\"verdict\" and .flow==\"$flow\")"
assert_eq 1 "$(json_count "$rep" "$f")" "replay verdicts of the client's flow $flow"
assert_eq closed "$(json_field "$rep" "$f" .verdict)" "replay verdict"
assert_eq fin "$(json_field "$rep" "$f" .how)" "replay verdict.how"
assert_ge "$(json_field "$rep" "$f" .idle_s)" 4.5 "replay verdict.idle_s"
assert_le "$(json_field "$rep" "$f" .idle_s)" 6 "replay verdict.idle_s"
assert_ge "$(json_field "$rep" "$f" .answered_in_gap)" 1 "replay verdict.answered_in_gap"
echo ok
