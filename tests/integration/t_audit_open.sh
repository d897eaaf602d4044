#!/bin/bash
# test-timeout: 150
# kaprobe audit over an open path (the router forwards everything): every
# probe kind a correct peer answers is answered by the peer itself (TTL 63,
# one hop; the SYN-ACK's TTL); the ACK at SND.NXT (pure-ack) is accepted
# silently; nothing expires within --max-idle, so no timeout is reported
# (dead_s null, rfc5382 null: 6 s is far below 2h4m) and the refresh phase is
# skipped; exit 0.  The stale-timestamp probe fails PAWS at the server:
# Linux 6.15 on drops such an old pure ACK silently (TcpExtPAWSOldAck),
# older kernels answer it; the server's own counters say which to expect.  Then once over IPv6 (hop limit 63, from the server's
# IPv6 address, written without brackets).
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7401
ka_setup $PORT

out=$TB_DIR/v4.json
audit_paws_mark
KA_TIMEOUT=100 audit_run "$out" --max-idle 6s "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status (open path)"
audit_assert_shape "$out"
audit_assert_peer_answers "$out" "$TB_SRV4" zero-length one-byte no-timestamp far-seq
audit_assert_stale_ts "$out" "$TB_SRV4"
audit_assert_variant "$out" pure-ack none null null null null
assert_eq null "$(audit_get "$out" idle-timeout .dead_s)" "idle-timeout.dead_s (nothing died)"
assert_eq null "$(audit_get "$out" idle-timeout .rfc5382)" "idle-timeout.rfc5382 (--max-idle < 2h4m)"
assert_eq null "$(audit_get "$out" idle-timeout .expired_reply)" "idle-timeout.expired_reply"
# The longest idle tried is --max-idle, and it was answered.
alive=$(audit_get "$out" idle-timeout .alive_s)
assert_ge "$alive" 6 "idle-timeout.alive_s (6 s answered)"
assert_le "$alive" 7 "idle-timeout.alive_s (--max-idle 6s)"
assert_eq null "$(audit_get "$out" refresh .survived)" "refresh.survived (no timeout found)"
assert_eq true "$(audit_get "$out" summary .ok)" "summary.ok"
[ -s "$out.err" ] && fail "stderr not empty: $(cat "$out.err")"

out6=$TB_DIR/v6.json
audit_paws_mark
KA_TIMEOUT=100 audit_run "$out6" --max-idle 2s "[$TB_SRV6]:$PORT"
assert_eq 0 "$KA_RC" "exit status (open path, IPv6)"
audit_assert_shape "$out6"
audit_assert_peer_answers "$out6" "$TB_SRV6" zero-length one-byte no-timestamp far-seq
audit_assert_stale_ts "$out6" "$TB_SRV6"
audit_assert_variant "$out6" pure-ack none null null null null
assert_eq null "$(audit_get "$out6" idle-timeout .dead_s)" "IPv6 idle-timeout.dead_s"
echo ok
