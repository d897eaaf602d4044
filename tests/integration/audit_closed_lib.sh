#!/bin/bash
# audit_closed_lib.sh - the audit against a peer that closes idle
# connections itself (tests/integration/t_audit_{haproxy,nginx,redis}.sh).
# Source it after lib.sh, audit_lib.sh and proxy_lib.sh.
#
#   audit_assert_closed OUT FROM LO HI   an audit run with --heartbeat: exit 1,
#       the shape audit_lib checks, kind endpoint-close, expired_reply fin by
#       the peer FROM, LO <= close_s <= HI, alive_s below it; the keep-alive
#       refresh did not survive and the heartbeat one did; a heartbeat's
#       advice; the summary says the peer closes.

audit_assert_closed() {
	local out=$1 from=$2 lo=$3 hi=$4 close
	assert_eq 1 "$KA_RC" "exit status (the peer closes idle connections)"
	audit_assert_shape "$out"
	assert_eq endpoint-close "$(audit_get "$out" idle-timeout .kind)" "idle-timeout.kind"
	assert_eq fin "$(audit_get "$out" idle-timeout .expired_reply)" "idle-timeout.expired_reply"
	assert_eq peer "$(audit_get "$out" idle-timeout .by)" "idle-timeout.by"
	assert_eq "$from" "$(audit_get "$out" idle-timeout .from)" "idle-timeout.from"
	close=$(audit_get "$out" idle-timeout .close_s)
	assert_ge "$close" "$lo" "idle-timeout.close_s"
	assert_le "$close" "$hi" "idle-timeout.close_s"
	assert_eq "$close" "$(audit_get "$out" idle-timeout .dead_s)" "dead_s is the close"
	assert_lt "$(audit_get "$out" idle-timeout .alive_s)" "$close" "alive_s < close_s"
	assert_eq null "$(audit_get "$out" idle-timeout .rfc5382)" "rfc5382 (not a middlebox's)"
	assert_json "$out" 'map(select(.event=="measure" and .reply=="fin")) | length >= 2' \
		'two closes at least (the second confirms)'
	assert_eq false "$(json_field "$out" 'select(.event=="refresh" and .with=="keepalive")' \
		.survived)" "keep-alive refresh survived"
	assert_eq true "$(json_field "$out" 'select(.event=="refresh" and .with=="heartbeat")' \
		.survived)" "heartbeat refresh survived"
	assert_gt "$(json_field "$out" 'select(.event=="refresh" and .with=="heartbeat")' \
		.duration_s)" "$close" "the heartbeat refresh outlived the close"
	assert_eq true "$(audit_get "$out" summary .closes)" "summary.closes"
}
