#!/bin/bash
# Limits said before anything is sent: more connections to one destination
# than the local port range holds, or than the descriptor limit allows, is
# one line naming the limit, exit 64, and no connection attempted.
. tests/integration/lib.sh
ka_setup 7421
out=$TB_DIR/out.txt
tb_c sysctl -qw net.ipv4.ip_local_port_range="40000 40009" || fail "port range"
ka_run "$out" --conns 11 -c 1 "$TB_SRV4:7421"
assert_eq 64 "$KA_RC" "exit status (port range)"
assert_eq 1 "$(wc -l <"$out.err")" "one line on stderr (port range)"
assert_match 'ip_local_port_range gives 10 \(40000-40009\)' "$(cat "$out.err")" "port range message"
assert_eq 0 "$(server_established)" "no connection made"
# Ten fit.
ka_run "$out" --conns 10 -c 1 --idle 200ms "$TB_SRV4:7421"
assert_eq 0 "$KA_RC" "exit status (ten connections fit)"

tb_c sysctl -qw net.ipv4.ip_local_port_range="32768 60999" || fail "port range back"
KA_TIMEOUT=30 timeout 30 ip netns exec "$TB_C" bash -c "ulimit -n 64; exec $KAPROBE --conns 100 -c 1 $TB_SRV4:7421" \
	>"$out" 2>"$out.err"
assert_eq 64 "$?" "exit status (descriptors)"
assert_match 'need 132 descriptors, but the hard limit is 64' "$(cat "$out.err")" "descriptor message"
echo ok
