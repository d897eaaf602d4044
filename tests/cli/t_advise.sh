#!/bin/bash
# t_advise.sh - kaprobe advise (no network: it prints settings):
#   - the settings for a few findings, human and JSON, against the files in
#     tests/cli/advise/ (a box's 350 s, 240 s and 40 s; a peer's 600 s close,
#     where keep-alive settings say they cannot help);
#   - the audit's advice and advise's agree (the same event);
#   - usage errors: one line on stderr, exit 64.
. tests/integration/lib.sh
need_kaprobe
D=tests/cli/advise
T=$(mktemp -d /tmp/t_advise.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT

# same FILE ARGS...: kaprobe advise ARGS prints FILE exactly, exit 0.
same() {
	local file=$1
	shift
	"$KAPROBE" advise "$@" >"$T/out" 2>"$T/err"
	assert_eq 0 "$?" "exit status of kaprobe advise $*"
	assert_eq 0 "$(wc -c <"$T/err")" "stderr bytes of kaprobe advise $*"
	diff -u "$D/$file" "$T/out" >&2 || fail "kaprobe advise $* differs from $D/$file"
}
same path350-postgres-grpc-hikaricp.out --path-timeout 350s --for postgres,grpc,hikaricp
same peer600-ssh-redis-grpc-hikaricp.out --peer-timeout 10m --for ssh,redis,grpc,hikaricp
same path240-all.json --path-timeout 240 --for all --json
same path40-hikaricp-go.out --path-timeout 40 --for hikaricp,go
same path350-loss2-burst3.out --path-timeout 350s --loss 2% --burst 3 --rtt 80ms,400ms --for postgres

# --loss: the settings picked keep within the budget and every probe leaves
# before the path forgets the flow; a path too lossy says it misses it.
"$KAPROBE" advise --path-timeout 350s --loss 2% --burst 3 --rtt 80ms,400ms --json >"$T/risk.json" ||
	fail "advise --loss --json"
assert_json "$T/risk.json" '.[0] | .risk.within_budget and .risk.budget == 1e-06 and
	.risk.false_deaths_per_day <= 1e-06 and .tcp_keepalive_time == 175 and
	.tcp_keepalive_time + (.tcp_keepalive_probes - 1) * .tcp_keepalive_intvl < 350 and
	.risk.detect_s == .tcp_keepalive_time + .tcp_keepalive_probes * .tcp_keepalive_intvl' \
	"--loss 2%: within the budget, under the timeout"
"$KAPROBE" advise --path-timeout 60 --loss 40% --burst 30 --json >"$T/awful.json" ||
	fail "advise --loss 40%"
assert_json "$T/awful.json" '.[0].risk.within_budget == false' "--loss 40% in bursts of 30: over budget"

# The JSON's own contract: every software once, heartbeats helping against a
# close and keep-alive settings not.
"$KAPROBE" advise --peer-timeout 600 --for all --json >"$T/close.json" || fail "advise --json"
assert_json "$T/close.json" '.[0] | .event == "advice" and .kind == "heartbeat" and
	.heartbeat_s == 200 and (.settings | length) == 15 and
	all(.settings[]; .helps == (.kind == "heartbeat"))' "a close: only heartbeats help"
assert_json "$D/path240-all.json" '.[0] | .tcp_keepalive_time == 120 and
	.tcp_keepalive_intvl == 75 and all(.settings[]; .helps)' "a box's 240 s: everything helps"

# usage: ARGS... -> exit 64, one line naming what was wrong.
usage() {
	local want=$1
	shift
	"$KAPROBE" advise "$@" >"$T/out" 2>"$T/err"
	assert_eq 64 "$?" "exit status of kaprobe advise $*"
	assert_eq 1 "$(wc -l <"$T/err")" "stderr lines of kaprobe advise $*"
	grep -q -- "$want" "$T/err" || fail "kaprobe advise $*: '$(cat "$T/err")' does not name $want"
}
usage "--path-timeout" 
usage "--peer-timeout" --path-timeout 5m --peer-timeout 5m
usage "postgre" --path-timeout 5m --for postgre
usage "1s" --path-timeout 1s
usage "host:1" --path-timeout 5m host:1
usage "heartbeats" --peer-timeout 5m --loss 1%
usage "burst" --path-timeout 5m --loss 50% --burst 1.5
usage "100%" --path-timeout 5m --loss 100%
echo ok
