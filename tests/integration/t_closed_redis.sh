#!/bin/bash
# test-timeout: 60
# Issue 17: redis-server 7.0 in the server namespace with "timeout 5": it
# closes a client connection idle for more than 5 s itself.  Its clock for
# this counts whole seconds (a client's last interaction is kept in seconds
# of a cached clock, updated about 10 times a second, and checked by a
# periodic task), so the close comes 5 to 7 s after the last data, or a
# little less when the cached second lagged at the connect (4.954 s seen).
#  - live: verdict closed, exit 5, idle_s in [4.5, 7.5] s (no data moved: since
#    the handshake), how fin, by peer (one router hop away), from the
#    server's address; probes answered by the server's kernel until then;
#  - --heartbeat 'PING\r\n' (redis answers +PONG, which kaprobe reads and
#    discards): -c 4 ends alive, exit 0, at the third round (more than
#    5 s after the connect) redis-server still holds the connection, and
#    redis counts 4 PING commands.
. tests/integration/lib.sh
. tests/integration/proxy_lib.sh
PORT=6379
need_kaprobe
tb_up || fail "tb_up failed"
px_redis $PORT 5
out=$TB_DIR/out.json

note "keep-alive probes"
ka_run "$out" --idle 2s --intvl 1s --json "$TB_SRV4:$PORT"
px_logs
px_assert_closed "$out" "$TB_SRV4" 4.5 7.5

note "--heartbeat 'PING\r\n'"
ka_start "$out" -c 4 --idle 2s --intvl 1s --heartbeat 'PING\r\n' --json "$TB_SRV4:$PORT"
ka_wait_event "$out" '.event=="reply" and .round==3' 20 ||
	{ kill "$KA_PID" 2>/dev/null; ka_wait; px_logs; fail "no answer in round 3"; }
src=$(json_field "$out" 'select(.event=="connect")' .src)
assert_json "$out" '(map(select(.event=="reply" and .round==3)) | first | .t) -
	(map(select(.event=="connect")) | first | .t) > 5' "round 3 more than 5 s after the connect"
px_assert_held "$TB_S" "$PORT" "$src" redis-server
ka_wait
px_logs
px_assert_heartbeat "$out" 6 4
# Redis took each heartbeat as the command it is.
assert_match 'cmdstat_ping:calls=4,' \
	"$(tb_s redis-cli -h "$TB_SRV4" -p $PORT info commandstats)" "redis's count of PING commands"
echo ok
