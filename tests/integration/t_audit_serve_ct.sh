#!/bin/bash
# test-timeout: 120
# Issue 18: kaprobe audit against kaprobe serve through a stateful router
# that forgets an established flow after 4 s (audit_router_conntrack, no
# mid-stream pick-up): a probe and its answer cross the router both ways, so
# keep-alive from either side keeps the flow.
#  - the audit finds serve by itself (no --far-end);
#  - arrival: the in-window kinds arrive unchanged, answered by the peer;
#    far-seq is dropped by the router (out of conntrack's window): never
#    arrived, not answered;
#  - refresh by side: client, server and both keep the flow with
#    keep-alive; heartbeats from either side too;
#  - advice: either side;
#  - the probes arrived: no idle search from serve's side (no IDLE asked,
#    no idle-timeout with a side);
#  - serve got PROBE and HEARTBEAT requests, and no request it refused;
#  - over IPv6 (no IP ID: probes paired by TSval, or by order), the same
#    arrivals and matrix.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
. tests/integration/serve_lib.sh
PORT=7491
need_kaprobe
tb_up || fail "tb_up failed"
sv_start $PORT
audit_router_conntrack 4

out=$TB_DIR/out.json
KA_TIMEOUT=100 audit_run "$out" --max-idle 10s --resolution 500ms "$TB_SRV4:$PORT"
assert_eq 1 "$KA_RC" "exit status (idle timeout 4 s < 2h4m)"
out6=$TB_DIR/out6.json
KA_TIMEOUT=100 audit_run "$out6" --max-idle 10s --resolution 500ms "[$TB_SRV6]:$PORT"
assert_eq 1 "$KA_RC" "exit status over IPv6"
sv_stop

check() {
	local out=$1 v f
	for v in zero-length one-byte no-timestamp; do
		assert_eq 1 "$(json_count "$out" "select(.event==\"arrival\" and .probe==\"$v\" and
			.arrived and .changed == [] and .answered_by == \"peer\")")" \
			"arrival of $v: unchanged, answered by the peer"
	done
	assert_eq 1 "$(json_count "$out" 'select(.event=="arrival" and .probe=="pure-ack" and
		.arrived and .answered_by == null)')" "arrival of pure-ack: arrived, not answered"
	assert_eq 1 "$(json_count "$out" 'select(.event=="arrival" and .probe=="far-seq" and
		(.arrived | not) and .answered_by == null)')" "arrival of far-seq: dropped by the router"
	assert_eq 6 "$(json_count "$out" 'select(.event=="arrival")')" "arrival events"
	for f in client server both; do
		assert_eq true "$(json_field "$out" "select(.event==\"refresh\" and .from==\"$f\" and
			.with==\"keepalive\")" .survived)" "refresh with keep-alive from $f survived"
	done
	for f in client server; do
		assert_eq true "$(json_field "$out" "select(.event==\"refresh\" and .from==\"$f\" and
			.with==\"heartbeat\")" .survived)" "refresh with heartbeats from $f survived"
	done
	assert_eq either "$(audit_get "$out" advice .side)" "advice.side"
}
for o in "$out" "$out6"; do
	audit_assert_shape "$o"
	assert_eq state-expiry "$(audit_get "$o" idle-timeout .kind)" "idle-timeout.kind"
	check "$o"
done
assert_ge "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="PROBE" and .ok)')" 4 \
	"PROBE requests taken by serve"
assert_eq 2 "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="HEARTBEAT" and .ok)')" \
	"HEARTBEAT requests taken by serve"
assert_eq 0 "$(json_count "$SV_OUT" 'select(.event=="control" and (.ok | not))')" \
	"requests serve refused"
# The client's probes arrived (the same packets cross the router both
# ways): no search from serve's side, and the output is as before.
for o in "$out" "$out6"; do
	assert_eq 0 "$(json_count "$o" 'select(has("side") and .event=="idle-timeout")')" \
		"idle-timeout events with a side"
	assert_eq 0 "$(json_count "$o" 'select(.event=="advice" and has("leg_dead_s"))')" \
		"advice for a leg"
done
assert_eq 0 "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="IDLE")')" \
	"IDLE requests to serve"
echo ok
