#!/bin/bash
# kaprobe sockets (issue 20 item 2): in the testbed's client namespace,
# clients whose keep-alive settings are known (tools/sockclient.py) -- off,
# on with the namespace's defaults (tcp_keepalive_time set to 900 there),
# per-socket idle/intvl/cnt, TCP_USER_TIMEOUT, IPv6, one sending data, one
# owned by another user -- and kaprobe sockets --path-timeout 5m must report
# every value as set and judge each as the table below says.  Then the same
# run without privilege: the one line naming CAP_SYS_PTRACE, exit 77, the
# kernel's view of every connection and the settings of the user's own.
. tests/integration/lib.sh
need_kaprobe
PORT=7311
tb_up
tb_start_server -p $PORT || fail "server"
tb_c sysctl -qw net.ipv4.tcp_keepalive_time=900 || fail "sysctl"

# The unprivileged runs need to reach the binary and the script.
chmod 755 "$TB_DIR"
cp "$KAPROBE" tools/sockclient.py "$TB_DIR/" || fail "copy"
ka=$TB_DIR/kaprobe
client=$TB_DIR/sockclient.py
NOBODY=65534

# NAME KEEPALIVE IDLE INTVL PROBES USER-TIMEOUT JUDGEMENT WHY
read -r -d '' TABLE <<'T'
off     false 900  75  9 0  at-risk        keepalive-off
dflt    true  900  75  9 0  at-risk        idle
custom  true  60   10  5 0  protected      keepalive
uto     true  600  30  3 45 at-risk        idle
intvl   true  100  400 4 0  at-risk        intvl
six     true  120  15  4 0  protected      keepalive
busy    false 900  75  9 0  not-applicable data
other   true  200  20  6 0  protected      keepalive
T

S=$TB_SRV4
tb_c "$client" off,$S,$PORT dflt,$S,$PORT,ka custom,$S,$PORT,ka,idle=60,intvl=10,cnt=5 \
	uto,$S,$PORT,ka,idle=600,intvl=30,cnt=3,uto=45000 intvl,$S,$PORT,ka,idle=100,intvl=400,cnt=4 \
	six,$TB_SRV6,$PORT,ka,idle=120,intvl=15,cnt=4 busy,$S,$PORT,busy >"$TB_DIR/ports" &
TB_PIDS="$TB_PIDS $!"
tb_c setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups "$client" \
	other,$S,$PORT,ka,idle=200,intvl=20,cnt=6 >"$TB_DIR/ports.other" &
TB_PIDS="$TB_PIDS $!"
for i in $(seq 50); do
	grep -q ready "$TB_DIR/ports" 2>/dev/null && grep -q ready "$TB_DIR/ports.other" && break
	sleep 0.2
done
grep -q ready "$TB_DIR/ports" && grep -q ready "$TB_DIR/ports.other" || fail "clients not ready"
port_of() { awk -v n="$1" '$1 == n {print $2}' "$TB_DIR/ports" "$TB_DIR/ports.other"; }

out=$TB_DIR/sockets.json
tb_c "$ka" sockets --path-timeout 5m --json dport $PORT >"$out" 2>"$out.err"
assert_eq 1 "$?" "exit status (connections at risk)"
assert_eq 0 "$(wc -c <"$out.err")" "stderr bytes as root"
json_valid "$out"
assert_eq 8 "$(json_count "$out" 'select(.event=="socket")')" "connections listed"

while read -r name on idle intvl probes uto judgement why; do
	sel="select(.event==\"socket\" and .sport==$(port_of "$name"))"
	got=$(jq -r "$sel | [.settings, .keepalive, .idle_s, .intvl_s, .probes, .user_timeout_s,
		.judgement, .why, .state, .comm] | map(tostring) | join(\" \")" "$out")
	assert_eq "read $on $idle $intvl $probes $uto $judgement $why established sockclient.py" \
		"$(sed 's/\.000000\b//g' <<<"$got")" "$name"
done <<<"$TABLE"

# Where the values come from: the default's equal the namespace's sysctl.
assert_json "$out" ".[] | select(.event==\"socket\" and .sport==$(port_of dflt)) |
	.idle_is_sysctl and .intvl_is_sysctl and .probes_is_sysctl" "defaults marked as the sysctl's"
assert_json "$out" ".[] | select(.event==\"socket\" and .sport==$(port_of custom)) |
	(.idle_is_sysctl or .intvl_is_sysctl or .probes_is_sysctl) | not" "set values not marked"
assert_json "$out" ".[] | select(.event==\"socket\" and .sport==$(port_of six)) |
	.family == 6 and .dst == \"$TB_SRV6\"" "the IPv6 connection"
assert_json "$out" ".[] | select(.event==\"socket\" and .sport==$(port_of other)) | .uid == $NOBODY" \
	"the other user's connection has its uid"
assert_json "$out" ".[] | select(.event==\"socket\" and .sport==$(port_of custom)) |
	.src == \"$TB_CLI4\" and .dst == \"$TB_SRV4\" and .timer == \"keepalive\"" "kernel's view"
assert_json "$out" '.[] | select(.event=="sockets-summary") | .connections == 8 and
	.path_timeout_s == 300 and .protected == 3 and ."at-risk" == 4 and ."not-applicable" == 1
	and .sysctl_keepalive_time_s == 900' "summary"

# --from: the lower bound of an audit's bracket (300 s: the same counts as
# 5m), and an audit that found the peer closing idle connections itself.
from=$TB_DIR/audit.json
echo '{"event":"measure","t":1.0,"idle_s":290.0}' >"$from"
echo '{"event":"idle-timeout","t":2.0,"probe":"zero-length","kind":"state-expiry","alive_s":300.000,"dead_s":310.500,"close_s":null}' >>"$from"
tb_c "$ka" sockets --from "$from" -q --json dport $PORT >"$TB_DIR/from.json"
assert_eq 1 "$?" "exit status with --from"
assert_json "$TB_DIR/from.json" '.[] | select(.event=="sockets-summary") | .path_timeout_s == 300
	and .protected == 3 and ."at-risk" == 4 and ."not-applicable" == 1' "--from: the bracket's low end"
sed 's/state-expiry/endpoint-close/' "$from" >"$TB_DIR/closes.json"
tb_c "$ka" sockets --from "$TB_DIR/closes.json" --json dport $PORT >"$TB_DIR/closes.out"
assert_eq 7 "$(json_count "$TB_DIR/closes.out" 'select(.event=="socket" and .why=="endpoint-close")')" \
	"an endpoint's close: keep-alive protects none"
head -n1 "$from" >"$TB_DIR/none.json"
tb_c "$ka" sockets --from "$TB_DIR/none.json" >/dev/null 2>"$TB_DIR/none.err"
assert_eq 65 "$?" "--from a file without a finding"
assert_eq 1 "$(wc -l <"$TB_DIR/none.err")" "one line for it"
tb_c "$ka" sockets --from "$TB_DIR/missing.json" >/dev/null 2>&1
assert_eq 66 "$?" "--from a file that does not exist"

# Filters: by process name and family, by destination prefix.
tb_c "$ka" sockets --json -6 comm sockclient.py >"$TB_DIR/six.json"
assert_eq "$(port_of six)" "$(jq -r 'select(.event=="socket") | .sport' "$TB_DIR/six.json")" "-6"
tb_c "$ka" sockets --json dst 198.19.0.0/16 sport "$(port_of uto)" >"$TB_DIR/one.json"
assert_eq 1 "$(json_count "$TB_DIR/one.json" 'select(.event=="socket")')" "dst and sport"

# Without privilege: one line, the kernel's view of all, the own settings.
tb_c setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups --inh-caps=-all \
	"$ka" sockets --path-timeout 5m --json dport $PORT >"$TB_DIR/np.json" 2>"$TB_DIR/np.err"
assert_eq 77 "$?" "exit status without privilege"
assert_eq 1 "$(wc -l <"$TB_DIR/np.err")" "stderr lines without privilege"
assert_match 'CAP_SYS_PTRACE' "$(cat "$TB_DIR/np.err")" "the missing capability named"
assert_eq 8 "$(json_count "$TB_DIR/np.json" 'select(.event=="socket")')" "connections listed"
assert_eq 7 "$(json_count "$TB_DIR/np.json" 'select(.event=="socket" and .settings=="no-privilege")')" \
	"connections without settings"
assert_json "$TB_DIR/np.json" ".[] | select(.event==\"socket\" and .sport==$(port_of other)) |
	.settings == \"read\" and .idle_s == 200 and .judgement == \"protected\"" "own settings read"
assert_json "$TB_DIR/np.json" ".[] | select(.event==\"socket\" and .sport==$(port_of busy)) |
	.judgement == \"not-applicable\"" "data seen without privilege"
assert_json "$TB_DIR/np.json" ".[] | select(.event==\"socket\" and .sport==$(port_of off)) |
	.judgement == \"unknown\" and .uid == 0" "unknown without settings"
echo ok
