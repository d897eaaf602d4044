#!/bin/bash
# test-timeout: 150
# Issue 18, one-way timeouts: the sidecar case (istio, an NLB with TLS).
# HAProxy (TCP mode, long timeouts) runs in the CLIENT's namespace on its
# loopback; behind it the router's conntrack forgets a flow after 4 s of
# silence, then kaprobe serve.  The client's probes are answered by the
# local proxy and never cross the router, so the client's own search finds
# no timeout; the audit sees the path cut (arrival: answered by a
# middlebox, none arrived) and searches from serve's side too, which finds
# the router's 4 s on the server's leg.  The advice names the server side
# and its bound; the report shows the server's leg.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
. tests/integration/proxy_lib.sh
. tests/integration/serve_lib.sh
PORT=7495
BACKEND=7496
need_kaprobe
tb_up || fail "tb_up failed"
sv_start $BACKEND
px_haproxy_client $PORT $BACKEND 300
audit_router_conntrack 4

out=$TB_DIR/out.json
KA_TIMEOUT=120 audit_run "$out" --far-end --max-idle 8s --resolution 500ms \
	--report "$TB_DIR/audit.html" "127.0.0.1:$PORT"
sv_stop
px_logs
assert_eq 1 "$KA_RC" "exit status (the server's leg forgets flows after 4 s < 2h4m)"

assert_eq 0 "$(json_count "$out" 'select(.event=="arrival" and .arrived)')" \
	"arrivals at serve (the client's probes stop at the sidecar)"
assert_ge "$(json_count "$out" 'select(.event=="arrival" and .answered_by=="middlebox")')" 1 \
	"probe kinds answered by the sidecar"

# The client's leg: nothing expires up to --max-idle.
assert_eq client "$(json_field "$out" 'select(.event=="idle-timeout")' .side)" \
	"the first idle-timeout is the client's"
assert_eq null "$(json_field "$out" 'select(.event=="idle-timeout" and .side=="client")' .dead_s)" \
	"client's leg: no timeout up to --max-idle"
# The server's leg: the router's 4 s.
sdead=$(json_field "$out" 'select(.event=="idle-timeout" and .side=="server")' .dead_s)
salive=$(json_field "$out" 'select(.event=="idle-timeout" and .side=="server")' .alive_s)
_isnum "$sdead" || fail "server's leg: dead_s is '$sdead', not a timeout"
_isnum "$salive" || fail "server's leg: alive_s is '$salive'"
assert_le "$salive" 4 "server's leg: answered up to at most the router's 4 s"
assert_ge "$sdead" 3.5 "server's leg: dead from about the router's 4 s"
assert_le "$sdead" 6 "server's leg: dead by a little over the router's 4 s"
assert_eq state-expiry "$(json_field "$out" 'select(.event=="idle-timeout" and .side=="server")' .kind)" \
	"server's leg: a box forgets the flow"

# The advice: keep-alive from the server, under its leg's bound.
adv='select(.event=="advice" and .side=="server")'
assert_eq 1 "$(json_count "$out" "$adv")" "one advice for the server's leg"
assert_eq "$sdead" "$(json_field "$out" "$adv" .leg_dead_s)" "the server advice's bound"
assert_lt "$(json_field "$out" "$adv" .tcp_keepalive_time)" "$sdead" \
	"the server's keep-alive starts below its leg's timeout"
# serve was asked IDLE, and refused nothing.
assert_ge "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="IDLE" and .ok)')" 2 \
	"serve took IDLE requests"
assert_eq 0 "$(json_count "$SV_OUT" 'select(.event=="control" and (.ok | not))')" \
	"requests serve refused"

grep -E "idle-timeout|advice|notice" "$out" >&2
. tests/lib/report.sh
dom=$TB_DIR/audit.html.dom
report_dom "$TB_DIR/audit.html" "$dom" || fail "chromium --dump-dom"
assert_eq 1 "$(dom_count "$dom" 'id="leg-advice"' 'data-side="server"')" \
	"the report's advice for the server's leg"
echo ok
