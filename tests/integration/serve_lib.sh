#!/bin/bash
# serve_lib.sh - kaprobe serve in the testbed's server namespace, for
# tests/integration/t_serve_*.sh.  Source after lib.sh and tb_up:
#   sv_start [ADDR:]PORT [ARGS...]   kaprobe serve --json ARGS [ADDR:]PORT in the server ns,
#                  in the background (its pid in SV_PID and TB_PIDS), output
#                  in $TB_DIR/serve.json; waits (5 s) until it listens
#   sv_stop        SIGTERM to it, and wait for its summary (SV_RC: its status)
#   sv_show        print its output (a failing test shows it)
# serve listens only inside the server namespace.

sv_start() {
	local port=${1##*:} operand=$1 i
	shift
	SV_OUT=$TB_DIR/serve.json
	ip netns exec "$TB_S" "$KAPROBE" serve --json "$@" "$operand" >"$SV_OUT" 2>"$SV_OUT.err" &
	SV_PID=$!
	TB_PIDS="$TB_PIDS $SV_PID"
	for i in $(seq 50); do
		[ -n "$(tb_s ss -Hltn "( sport = :$port )")" ] &&
			grep -q '"event":"listen"' "$SV_OUT" 2>/dev/null && return 0
		kill -0 "$SV_PID" 2>/dev/null || break
		sleep 0.1
	done
	sv_show
	fail "kaprobe serve did not listen on port $port"
}

sv_stop() {
	kill -TERM "$SV_PID" 2>/dev/null
	wait "$SV_PID"
	SV_RC=$?
	sv_show
}

sv_show() {
	echo "--- kaprobe serve:"
	cat "$SV_OUT"
	[ -s "$SV_OUT.err" ] && { echo "--- its stderr:"; cat "$SV_OUT.err"; }
	echo "---"
}
