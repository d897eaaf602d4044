#!/bin/bash
# test-timeout: 60
# Issue 17: nginx 1.22's stream module on the router (proxy_timeout 5 s) in
# front of tcpserver, which holds connections.  nginx terminates TCP: its
# own kernel answers the keep-alive probes, and after 5 s without data
# either way nginx closes both connections, the client's with a FIN.
#  - live: verdict closed, exit 5, idle_s near 5 s, how fin, by peer (the
#    router), from the router's address; probes answered until then;
#  - --heartbeat-hex: the bytes refresh proxy_timeout; -c 4 ends alive,
#    exit 0, and at the third round (more than 5 s after the connect) nginx
#    still holds the client's connection and tcpserver nginx's.
. tests/integration/lib.sh
. tests/integration/proxy_lib.sh
BACKEND=7242
PORT=9000
TIMEOUT=5
ka_setup $BACKEND
px_nginx_stream $PORT $BACKEND $TIMEOUT
out=$TB_DIR/out.json

note "keep-alive probes"
ka_run "$out" --idle 2s --intvl 1s --json "$TB_RTR4:$PORT"
px_logs
px_assert_closed "$out" "$TB_RTR4" 4.5 6

note "--heartbeat-hex"
ka_start "$out" -c 4 --idle 2s --intvl 1s --heartbeat-hex '6b:61:70:72:6f:62:65:0a' --json "$TB_RTR4:$PORT"
ka_wait_event "$out" '.event=="reply" and .round==3' 20 ||
	{ kill "$KA_PID" 2>/dev/null; ka_wait; px_logs; fail "no answer in round 3"; }
src=$(json_field "$out" 'select(.event=="connect")' .src)
assert_json "$out" '(map(select(.event=="reply" and .round==3)) | first | .t) -
	(map(select(.event=="connect")) | first | .t) > 5' "round 3 more than 5 s after the connect"
px_assert_held "$TB_R" "$PORT" "$src" nginx
assert_ge "$(server_established)" 1 "tcpserver's connections from nginx"
ka_wait
px_logs
px_assert_heartbeat "$out" 8 4
echo ok
