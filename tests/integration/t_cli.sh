#!/bin/bash
# The command line: usage errors (64), missing privilege (77), -q, -i,
# --profile with overrides, and the warning for --intvl under 500ms.
. tests/integration/lib.sh
PORT=7213
ka_setup $PORT
out=$TB_DIR/out

# Each bad invocation: its status, and exactly one line on stderr.
bad() {	# STATUS ARGS...
	local want=$1
	shift
	ka_run "$out" "$@"
	assert_eq "$want" "$KA_RC" "exit status of kaprobe $*"
	assert_eq 1 "$(wc -l <"$out.err")" "stderr lines of kaprobe $*"
	assert_eq 0 "$(wc -c <"$out")" "stdout bytes of kaprobe $*"
}
bad 64
bad 64 --bogus "$TB_SRV4:$PORT"
bad 64 --idle 0s "$TB_SRV4:$PORT"
bad 64 --idle 5x "$TB_SRV4:$PORT"
bad 64 --probes 128 "$TB_SRV4:$PORT"
bad 64 -c -1 "$TB_SRV4:$PORT"
bad 64 --profile plan9 "$TB_SRV4:$PORT"
bad 64 "$TB_SRV4"
bad 64 "$TB_SRV4:0"
bad 64 "[$TB_SRV6:$PORT"
bad 64 -i nosuch0 "$TB_SRV4:$PORT"
assert_match "no such interface 'nosuch0'" "$(cat "$out.err")" "-i message"
bad 64 "$TB_SRV4:$PORT" extra
bad 3 nonexistent.invalid:$PORT

# Without CAP_NET_RAW: 77, and the message says what to do.
timeout 10 ip netns exec "$TB_C" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all "$KAPROBE" "$TB_SRV4:$PORT" >"$out" 2>"$out.err"
assert_eq 77 "$?" "exit status without privilege"
assert_eq 1 "$(wc -l <"$out.err")" "stderr lines without privilege"
assert_match 'CAP_NET_RAW.*(sudo|setcap)' "$(cat "$out.err")" "privilege message"

# ... and with the capability granted to the file, as the README (Safety) and
# docs/privileges.md say.
capbin=$TB_DIR/capbin/kaprobe
mkdir -p "$TB_DIR/capbin" && cp "$KAPROBE" "$capbin" || fail "copy kaprobe"
chmod 755 "$TB_DIR" "$TB_DIR/capbin" "$capbin"
setcap cap_net_raw+ep "$capbin" || fail "setcap"
timeout 10 ip netns exec "$TB_C" setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$capbin" -q -c 1 "$TB_SRV4:$PORT" >"$out" 2>"$out.err"
assert_eq 0 "$?" "exit status as nobody with cap_net_raw+ep"

# A -w file that cannot be written: 73, before anything is sent.
bad 73 -w /nonexistent/dir/x.pcap "$TB_SRV4:$PORT"

# -q: the verdict and the summary only.  -i names the interface.
ka_run "$out" -q -c 1 -i "$TB_C_IF" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status with -q -i"
assert_eq "verdict: alive" "$(head -n1 "$out")" "-q first line"
assert_eq 0 "$(grep -c '^probe' "$out")" "-q probe lines"
assert_match 'probes? sent, 1 answered' "$(cat "$out")" "-q summary"

# --profile system reads this namespace's sysctls; explicit flags override
# it whichever order they come in.
tb_c sysctl -qw net.ipv4.tcp_keepalive_probes=5
ka_run "$out" --idle 1s --json -c 1 --profile system --intvl 1s "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status with --profile system"
assert_eq 5 "$(json_field "$out" 'select(.event=="connect")' .probes)" "probes from the profile"
assert_eq 1 "$(json_field "$out" 'select(.event=="connect")' .idle_s)" "--idle overrides"

# Faster than the peer's rate limit: a warning, and the run still works.
ka_run "$out" -c 1 --idle 1s --intvl 200ms --json "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status with --intvl 200ms"
assert_match 'warning: --intvl under 500ms.*tcp_invalid_ratelimit' "$(cat "$out.err")" \
	"rate-limit warning"
echo ok
