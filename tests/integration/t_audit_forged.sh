#!/bin/bash
# Issue 8 item 9: the audit applies the kernel's acceptance rules (RFC 5961).
# Open path, no idle timeout; a blind attacker on the router sends RSTs with
# random seqs, as if from the server, to every connection the audit has open
# (audit_forge_rsts), all through the run.  None of them may become a
# finding: the peer answers the standard kinds and far-seq itself, no
# variant and no expired idle is put down to an RST, nothing dies within
# --max-idle (exit 0), and the final summary counts what was ignored.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
PORT=7404
ka_setup $PORT

out=$TB_DIR/out.json
audit_forge_rsts $PORT
KA_TIMEOUT=35 audit_run "$out" --max-idle 3s "$TB_SRV4:$PORT"
audit_forge_stop
forged=$(wc -l <"$TB_DIR/forged")
note "$forged RSTs forged"
assert_ge "$forged" 20 "RSTs the forger sent during the audit"

json_valid "$out"
assert_eq 0 "$(json_count "$out" 'select(.event=="variant" and .reply=="rst")')" \
	"variants answered by an RST (all RSTs were forged, at random seqs)"
audit_assert_peer_answers "$out" "$TB_SRV4" zero-length one-byte no-timestamp far-seq
audit_assert_variant "$out" pure-ack none null null null null
assert_eq null "$(audit_get "$out" idle-timeout .dead_s)" "idle-timeout.dead_s (the path keeps idle flows)"
assert_eq null "$(audit_get "$out" idle-timeout .expired_reply)" "idle-timeout.expired_reply"
assert_gt "$(audit_get "$out" summary .ignored)" 0 "summary.ignored (forged RSTs)"
assert_eq 0 "$KA_RC" "exit status (open path, forged RSTs only)"
audit_assert_shape "$out"
echo ok
