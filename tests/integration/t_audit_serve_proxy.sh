#!/bin/bash
# test-timeout: 120
# Issue 18: keep-alive on the wrong hop.  The client reaches kaprobe serve
# through a router whose conntrack forgets a flow after 4 s of silence, and
# HAProxy (TCP mode, long timeouts) on the server host in front of serve
# (serve on the server's loopback).  The proxy cuts the path in two legs:
#  - arrival: the client's probes are answered by the proxy's kernel and
#    never reach serve (arrived false, answered by a middlebox);
#  - refresh: keep-alive from the client crosses the router and keeps its
#    state; keep-alive from serve stops at the proxy and does not; data
#    (heartbeats) from either side crosses both legs;
#  - advice: keep-alive must come from the client;
#  - one-way timeouts: the audit searches from serve's side too (the path
#    is cut); serve's leg (loopback) has no timeout below --max-idle;
#  - the --report page's arrival table and refresh matrix agree with the JSON.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
. tests/integration/proxy_lib.sh
. tests/integration/serve_lib.sh
PORT=7493
BACKEND=7494
need_kaprobe
tb_up || fail "tb_up failed"
sv_start 127.0.0.1:$BACKEND
px_haproxy_server $PORT $BACKEND 300
audit_router_conntrack 4

out=$TB_DIR/out.json
KA_TIMEOUT=100 audit_run "$out" --far-end --max-idle 10s --resolution 500ms \
	--report "$TB_DIR/audit.html" "$TB_SRV4:$PORT"
sv_stop
px_logs
assert_eq 1 "$KA_RC" "exit status (idle timeout 4 s < 2h4m)"
audit_assert_shape "$out"
assert_eq state-expiry "$(audit_get "$out" idle-timeout .kind)" "idle-timeout.kind (the router)"

for v in zero-length one-byte no-timestamp; do
	assert_eq 1 "$(json_count "$out" "select(.event==\"arrival\" and .probe==\"$v\" and
		(.arrived | not) and .answered_by == \"middlebox\")")" \
		"arrival of $v: answered by the proxy, never arrived"
done
assert_eq 0 "$(json_count "$out" 'select(.event=="arrival" and .arrived)')" \
	"arrivals at serve (it sees the proxy's connection only)"

assert_eq true "$(json_field "$out" 'select(.event=="refresh" and .from=="client" and
	.with=="keepalive")' .survived)" "refresh with keep-alive from the client survived"
assert_eq false "$(json_field "$out" 'select(.event=="refresh" and .from=="server" and
	.with=="keepalive")' .survived)" "refresh with keep-alive from the server did not"
assert_eq true "$(json_field "$out" 'select(.event=="refresh" and .from=="both" and
	.with=="keepalive")' .survived)" "refresh with keep-alive from both survived"
for f in client server; do
	assert_eq true "$(json_field "$out" "select(.event==\"refresh\" and .from==\"$f\" and
		.with==\"heartbeat\")" .survived)" "refresh with heartbeats from $f survived"
done
assert_eq client "$(audit_get "$out" advice .side)" "advice.side"
# One-way timeouts: the path is cut, so the audit searched from serve's
# side too; serve's leg runs over loopback to the proxy and keeps idle
# flows, while the client's leg has the router's 4 s.
assert_eq client "$(json_field "$out" 'select(.event=="idle-timeout")' .side)" \
	"the client's idle-timeout says its side"
assert_eq null "$(json_field "$out" 'select(.event=="idle-timeout" and .side=="server")' .dead_s)" \
	"server's leg: no timeout below --max-idle"
assert_ge "$(json_field "$out" 'select(.event=="idle-timeout" and .side=="server")' .alive_s)" 9 \
	"server's leg: answered up to about --max-idle"
assert_eq 0 "$(json_count "$out" 'select(.event=="advice" and .leg_dead_s != null)')" \
	"no advice for a leg (only the client's has a timeout)"
# serve did probe the proxy's connection (and the proxy's kernel answered).
assert_ge "$(json_count "$SV_OUT" 'select(.event=="reply" and .kind=="ack")')" 1 \
	"serve's probes answered (by the proxy, over loopback)"

# The page's DOM only: its drawing is t_audit_conntrack's to check.
. tests/lib/report.sh
dom=$TB_DIR/audit.html.dom
report_dom "$TB_DIR/audit.html" "$dom" || fail "chromium --dump-dom"
for v in $AUDIT_VARIANTS; do
	a=$(jq -r "select(.event==\"arrival\" and .probe==\"$v\") | .arrived" "$out")
	assert_eq 1 "$(dom_count "$dom" 'data-kind="arrival"' "data-name=\"$v\"" "data-arrived=\"$a\"")" \
		"the arrival table's row for $v (arrived $a)"
done
for w in keepalive heartbeat; do
	for f in client server both; do
		jq -e "select(.event==\"refresh\" and .with==\"$w\" and .from==\"$f\")" "$out" \
			>/dev/null || continue
		a=$(jq -r "select(.event==\"refresh\" and .with==\"$w\" and .from==\"$f\") |
			if .survived then 1 else 0 end" "$out")
		assert_eq 1 "$(dom_count "$dom" 'data-kind="refresh"' "data-with=\"$w\"" \
			"data-from=\"$f\"" "data-survived=\"$a\"")" "the refresh matrix's $w from $f"
	done
done
assert_eq 1 "$(dom_count "$dom" 'id="side"' 'data-side="client"')" "the report's side"
echo ok
