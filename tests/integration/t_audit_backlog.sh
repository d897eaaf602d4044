#!/bin/bash
# Issue 8 item 11: a server that takes few connections is not evidence about
# the path.  The path here keeps idle flows (no firewall), so the only
# consistent result is "nothing died" (dead_s null, exit 0).  Two servers:
#  1. listen backlog 5, accepting at once: the audit's burst of connections
#     overflows the accept queue; connections the server never took do not
#     answer (their final ACK and probes are dropped);
#  2. listen backlog 2, never accepting: the server takes 3 connections and
#     no more.
# Either the audit copes (fewer connections at once, discarding those that
# could not prove themselves: exit 0, dead_s null, not inconsistent) or it
# gives up with exit 3 and one stderr line naming the server and how many
# connections it took.  Never exit 1 with a bracket, never alive_s >= dead_s.
. tests/integration/lib.sh
. tests/integration/audit_lib.sh
need_kaprobe
tb_up || fail "tb_up failed"

# check OUT PORT WHAT: the outcome of one audit against a server taking few.
check() {
	local out=$1 port=$2 what=$3 alive dead
	case $KA_RC in
	3)
		assert_eq 1 "$(wc -l <"$out.err")" "stderr lines with exit 3 ($what)"
		assert_match "$TB_SRV4" "$(cat "$out.err")" "exit 3 message names the server ($what)"
		# A count, besides the digits of the address and port.
		assert_match '[0-9]' "$(sed "s/$TB_SRV4//g; s/:$port//g" "$out.err")" \
			"exit 3 message says how many connections it took ($what)"
		;;
	0)
		json_valid "$out"
		assert_eq null "$(audit_get "$out" idle-timeout .dead_s)" \
			"idle-timeout.dead_s ($what: the path keeps idle flows)"
		assert_eq false "$(audit_get "$out" idle-timeout .inconsistent)" \
			"idle-timeout.inconsistent ($what)"
		audit_assert_shape "$out"
		;;
	*)
		alive=$(audit_get "$out" idle-timeout .alive_s 2>/dev/null)
		dead=$(audit_get "$out" idle-timeout .dead_s 2>/dev/null)
		fail "exit status ($what): expected 0 (consistent: nothing died) or 3 (too few connections), got $KA_RC (alive_s $alive, dead_s $dead)"
		;;
	esac
}

note "1: backlog 5, accepting"
tb_start_server -p 7406 -B 5 || fail "tcpserver -B 5 did not start"
out=$TB_DIR/1.json
KA_TIMEOUT=40 audit_run "$out" --max-idle 6s "$TB_SRV4:7406"
check "$out" 7406 "backlog 5"

note "2: backlog 2, never accepting"
tb_start_server -p 7407 -B 2 -N || fail "tcpserver -B 2 -N did not start"
out=$TB_DIR/2.json
KA_TIMEOUT=40 audit_run "$out" --max-idle 3s --connect-timeout 2s "$TB_SRV4:7407"
check "$out" 7407 "backlog 2, never accepting"
echo ok
