#!/bin/bash
# test-timeout: 90
# Issue 18: live --far-end through a router that rewrites DSCP and
# masquerades with random ports: each probe arrives, and its arrival names
# dscp and the source port (and address); the TTL, which only the normal
# decrement touched, is not named.  The audit says the same of each probe
# kind that arrived.
. tests/integration/lib.sh
. tests/integration/serve_lib.sh
PORT=7482
need_kaprobe
tb_up || fail "tb_up failed"
tb_r nft -f - <<NFT || fail "router NAT"
table ip kpnat {
	chain post {
		type nat hook postrouting priority 100;
		ip daddr $TB_SRV4 masquerade random
	}
}
NFT
tb_router_nft ip daddr "$TB_SRV4" tcp dport "$PORT" ip dscp set af21 || fail "router DSCP rule"
sv_start $PORT

out=$TB_DIR/live.json
ka_run "$out" --json --far-end -c 2 "$TB_SRV4:$PORT"
sv_show
assert_eq 0 "$KA_RC" "exit status"
json_valid "$out"
assert_eq 2 "$(json_count "$out" 'select(.event=="arrival" and .arrived and .answered_by == "peer")')" \
	"probes arrived, answered by the peer"
for f in dscp sport saddr; do
	assert_eq 2 "$(json_count "$out" "select(.event==\"arrival\" and (.changed | index(\"$f\")))")" \
		"arrivals naming $f"
done
assert_eq 0 "$(json_count "$out" 'select(.event=="arrival" and (.changed | index("ttl")))')" \
	"no arrival names ttl (the router's decrement is normal)"

# The audit: every kind that arrived names them too, never ttl.
out=$TB_DIR/audit.json
KA_TIMEOUT=60 ka_run "$out" audit --json --max-idle 2s "$TB_SRV4:$PORT"
sv_show
json_valid "$out"
n=$(json_count "$out" 'select(.event=="arrival" and .arrived)')
assert_ge "$n" 4 "probe kinds that arrived (zero-length, one-byte, no-timestamp, pure-ack at least)"
for f in dscp sport saddr; do
	assert_eq "$n" "$(json_count "$out" "select(.event==\"arrival\" and .arrived and
		(.changed | index(\"$f\")))")" "audit arrivals naming $f"
done
assert_eq 0 "$(json_count "$out" 'select(.event=="arrival" and (.changed | index("ttl")))')" \
	"no audit arrival names ttl"
# serve saw the router's address, not the client's.
assert_eq 0 "$(json_count "$SV_OUT" "select(.event==\"open\" and (.you | startswith(\"$TB_CLI4:\")))")" \
	"serve sees the NAT's address"
