#!/bin/bash
# Issue 8 item 3: ICMP errors count only when their quote matches what
# kaprobe sent (RFC 5927 4.1, RFC 6633), and only errors count.  Each run
# cuts the path before the first probe (--idle 1s, 2 probes, so the round
# dies), then a forger on the router sends the client ICMP messages that
# quote the connection's 4-tuple and:
#  1. from a third address, a host unreachable (3/1) quoting a seq kaprobe
#     never sent (probe seq + 2^31): ignored, icmp-unmatched; verdict dead;
#  2. from the router, a host unreachable quoting the probe's real seq: an
#     icmp reply (a soft error, RFC 1122 4.2.3.9); verdict unreachable;
#  3. from the router, a source quench (4/0, deprecated by RFC 6633) and a
#     frag-needed (3/4) quoting the real probe: not errors of the path,
#     ignored, icmp-not-error, no reply; verdict dead;
#  4. IPv6: a Packet Too Big quoting the real probe (icmp-not-error) and an
#     address unreachable (1/3) from a third address quoting a seq never
#     sent (icmp-unmatched); verdict dead.
. tests/integration/lib.sh
PORT=7222
THIRD4=198.18.9.9
THIRD6=fd00:ca5e:9::9
ka_setup $PORT

# start_cut OUT TARGET: kaprobe started, path cut, first probe seen; sets
# CPORT and PSEQ.
start_cut() {
	tb_router_open || fail "tb_router_open"
	KA_TIMEOUT=20 ka_start "$1" --idle 1s --intvl 1s --probes 2 --json "$2"
	ka_wait_connect "$1"
	CPORT=$(client_port $PORT)
	[ -n "$CPORT" ] || fail "no established connection to port $PORT in the client ns"
	tb_router_cut || fail "tb_router_cut"
	ka_wait_event "$1" '.event=="probe"' 5 || fail "no probe event within 5 s"
	PSEQ=$(ka_probe_field "$1" .seq)
}

# icmp4 FROM TYPE CODE SEQ [inject options]: an ICMP error about the
# connection (client -> server), quoting SEQ.
icmp4() {
	local from=$1 type=$2 code=$3 seq=$4
	shift 4
	inject_r icmp --src "$from" --dst "$TB_CLI4" --type "$type" --code "$code" \
		--quote-src "$TB_CLI4" --quote-dst "$TB_SRV4" --quote-sport "$CPORT" \
		--quote-dport $PORT --quote-seq "$seq" "$@"
}
icmp6() {
	local from=$1 type=$2 code=$3 seq=$4
	shift 4
	inject_r icmp --src "$from" --dst "$TB_CLI6" --type "$type" --code "$code" \
		--quote-src "$TB_CLI6" --quote-dst "$TB_SRV6" --quote-sport "$CPORT" \
		--quote-dport $PORT --quote-seq "$seq" "$@"
}

# died OUT VERDICT: exit 1 with VERDICT, no ack/rst/data reply.
died() {
	assert_eq 1 "$KA_RC" "exit status"
	json_valid "$1"
	assert_eq "$2" "$(json_field "$1" 'select(.event=="verdict")' .verdict)" verdict
	assert_eq 0 "$(json_count "$1" 'select(.event=="reply" and .kind!="icmp")')" \
		"ack/rst/data replies (the path is cut)"
	assert_json "$1" '.[-1].event == "summary"' "the summary is the last line"
}

note "1: third-address host unreachable, seq never sent"
out=$TB_DIR/1.json
start_cut "$out" "$TB_SRV4:$PORT"
icmp4 $THIRD4 3 1 "$(seq_add "$PSEQ" 2147483648)" --count 3 --every 300ms
ka_wait
died "$out" dead
assert_eq 0 "$(json_count "$out" 'select(.event=="reply")')" "reply events (forged ICMP only)"
assert_ge "$(json_count "$out" 'select(.event=="ignored" and .reason=="icmp-unmatched")')" 1 \
	"ignored events with reason icmp-unmatched"
assert_eq $THIRD4 "$(json_field "$out" 'select(.event=="ignored")' .from)" "ignored.from"
assert_ge "$(json_field "$out" 'select(.event=="summary")' .ignored)" 1 summary.ignored

note "2: the router's host unreachable quoting the probe sent"
out=$TB_DIR/2.json
start_cut "$out" "$TB_SRV4:$PORT"
icmp4 "$TB_RTR4" 3 1 "$PSEQ"
ka_wait
died "$out" unreachable
assert_eq 1 "$(json_count "$out" 'select(.event=="reply" and .kind=="icmp")')" "icmp replies"
assert_eq "$TB_RTR4" "$(json_field "$out" 'select(.event=="reply")' .from)" "icmp reply from"
assert_eq soft "$(json_field "$out" 'select(.event=="reply")' .icmp_class)" \
	"icmp_class of host unreachable"
assert_eq 0 "$(json_count "$out" 'select(.event=="ignored")')" "ignored events"

note "3: source quench and frag-needed quoting the probe sent"
out=$TB_DIR/3.json
start_cut "$out" "$TB_SRV4:$PORT"
icmp4 "$TB_RTR4" 4 0 "$PSEQ"
icmp4 "$TB_RTR4" 3 4 "$PSEQ" --mtu 1200
ka_wait
died "$out" dead
assert_eq 0 "$(json_count "$out" 'select(.event=="reply")')" "reply events (no ICMP error)"
assert_eq 2 "$(json_count "$out" 'select(.event=="ignored" and .reason=="icmp-not-error")')" \
	"ignored events with reason icmp-not-error"

note "4: IPv6 packet too big, and a third address's unreachable"
out=$TB_DIR/4.json
start_cut "$out" "[$TB_SRV6]:$PORT"
icmp6 "$TB_RTR6" 2 0 "$PSEQ" --mtu 1280
icmp6 $THIRD6 1 3 "$(seq_add "$PSEQ" 2147483648)"
ka_wait
died "$out" dead
assert_eq 0 "$(json_count "$out" 'select(.event=="reply")')" "reply events (forged/not-error ICMPv6 only)"
assert_eq 1 "$(json_count "$out" 'select(.event=="ignored" and .reason=="icmp-not-error")')" \
	"ignored events with reason icmp-not-error (PTB)"
assert_eq 1 "$(json_count "$out" 'select(.event=="ignored" and .reason=="icmp-unmatched")')" \
	"ignored events with reason icmp-unmatched (address unreachable, seq never sent)"
assert_eq 2 "$(json_field "$out" 'select(.event=="summary")' .ignored)" summary.ignored
echo ok
