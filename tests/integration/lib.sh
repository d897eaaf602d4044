#!/bin/bash
# lib.sh - helpers for tests/integration/t_*.sh.  Source it from the repo root:
#   . tests/integration/lib.sh
# It sources tools/testbed.sh.  Every assertion exits the test with status 1
# (after printing "FAIL: ..." on stderr) when it does not hold; the EXIT trap
# that tb_up installs still tears the testbed down.
#
# Assertions:  fail MSG | assert_eq WANT GOT [MSG] | assert_ne | assert_ge A B
#   [MSG] (A >= B) | assert_le | assert_gt | assert_match REGEX STR [MSG] |
#   assert_exit CODE CMD... | assert_file FILE | assert_json FILE JQ [MSG]
# JSON lines:  json_valid FILE | json_count FILE FILTER | json_field FILE
#   FILTER EXPR (first match) | json_events FILE EVENT
# pcap:        cap_start NS IFACE FILE [FILTER] / cap_stop | pcap_count FILE
#   DISPLAYFILTER | pcap_fields FILE DISPLAYFILTER FIELD...
# kaprobe:     need_kaprobe | ka_run OUT ARGS... (sets KA_RC, stderr to
#   OUT.err) | ka_start OUT ARGS... / ka_wait (background run)
# Forging:     inject_r ARGS... (build/tools/inject in the router ns) |
#   inject_bg ARGS... / inject_stop (background) | client_port(s) PORT (the
#   client's local port(s) of its connection(s) to PORT, from ss) |
#   ka_wait_event OUT JQ-SELECT [SECS] | ka_probe_field OUT EXPR (of the last
#   probe event) | seq_add A B (mod 2^32)

_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../tools/testbed.sh
. "$_LIB_DIR/../../tools/testbed.sh"
cd "$TB_ROOT" || exit 1

KAPROBE=${KAPROBE:-$TB_ROOT/kaprobe}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() { echo "# $*"; }

_isnum() { [[ $1 =~ ^-?[0-9]+([.][0-9]+)?$ ]]; }

assert_eq() { [ "$1" = "$2" ] || fail "${3:-values differ}: expected '$1', got '$2'"; }
assert_ne() { [ "$1" != "$2" ] || fail "${3:-values equal}: both '$1'"; }

# Numeric comparisons (integers or decimals).
_num_cmp() {
	local op=$1 a=$2 b=$3 msg=$4
	_isnum "$a" || fail "$msg: '$a' is not a number"
	_isnum "$b" || fail "$msg: '$b' is not a number"
	awk -v a="$a" -v b="$b" "BEGIN { exit !(a $op b) }" || fail "$msg: expected $a $op $b"
}
assert_ge() { _num_cmp '>=' "$1" "$2" "${3:-assert_ge}"; }
assert_le() { _num_cmp '<=' "$1" "$2" "${3:-assert_le}"; }
assert_gt() { _num_cmp '>' "$1" "$2" "${3:-assert_gt}"; }
assert_lt() { _num_cmp '<' "$1" "$2" "${3:-assert_lt}"; }

assert_match() { [[ $2 =~ $1 ]] || fail "${3:-no match}: '$2' does not match /$1/"; }

# assert_exit CODE CMD...: run CMD, its exit status must be CODE.
assert_exit() {
	local want=$1 got
	shift
	"$@"
	got=$?
	[ "$got" = "$want" ] || fail "exit status of '$*': expected $want, got $got"
}

assert_file() { [ -s "$1" ] || fail "${2:-file missing or empty}: $1"; }

# --- JSON lines -------------------------------------------------------------

# Every line is a JSON object with a string "event" and a numeric "t".
json_valid() {
	local f=$1 n
	[ -f "$f" ] || fail "no JSON output file $f"
	n=$(jq -c 'select((.event|type) != "string" or (.t|type) != "number")' "$f" 2>&1 | wc -l)
	jq -e . "$f" >/dev/null 2>&1 || fail "$f is not valid JSON lines: $(jq . "$f" 2>&1 | tail -1)"
	assert_eq 0 "$n" "lines of $f without a string .event and a numeric .t"
}

# json_count FILE FILTER: how many objects FILTER yields (e.g.
# 'select(.event=="probe")').
json_count() {
	local out
	out=$(jq -c "$2" "$1") || fail "jq '$2' failed on $1"
	if [ -z "$out" ]; then echo 0; else printf '%s\n' "$out" | wc -l; fi
}

# json_field FILE FILTER EXPR: EXPR of the first object FILTER yields
# (raw output; "null" when absent).
json_field() {
	local out
	out=$(jq -c "$2" "$1") || fail "jq '$2' failed on $1"
	printf '%s\n' "$out" | head -n1 | jq -r "$3"
}

# json_events FILE EVENT: the objects of one event kind, one per line.
json_events() { jq -c "select(.event==\"$2\")" "$1"; }

# assert_json FILE EXPR [MSG]: EXPR, applied to the array of all objects
# (jq --slurp), must be true.  E.g. 'map(select(.event=="reply")) | all(.rtt_ms > 0)'
assert_json() {
	local r
	r=$(jq -s "$2" "$1" 2>&1) || fail "jq -s '$2' failed on $1: $r"
	[ "$r" = true ] || fail "${3:-assert_json}: '$2' is $r"
}

# --- captures -----------------------------------------------------------------

# cap_start NS IFACE FILE [CAPTURE-FILTER]: dumpcap in the background,
# returns once it is writing.  cap_stop stops it (and waits).
cap_start() {
	local ns=$1 ifc=$2 file=$3 i
	shift 3
	rm -f "$file"
	ip netns exec "$ns" dumpcap -q -i "$ifc" -w "$file" ${1:+-f "$1"} \
		2>"$file.log" &
	CAP_PID=$!
	for i in $(seq 50); do
		[ -s "$file" ] && { sleep 0.2; return 0; }
		kill -0 "$CAP_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$file.log" >&2
	fail "dumpcap on $ns/$ifc did not start"
}

cap_stop() {
	[ -n "${CAP_PID:-}" ] || return 0
	sleep 0.3	# let the last packets reach the file
	kill -INT "$CAP_PID" 2>/dev/null
	wait "$CAP_PID" 2>/dev/null
	CAP_PID=
}

# pcap_count FILE DISPLAYFILTER: number of frames matching.
pcap_count() {
	local out
	out=$(tshark -n -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null) ||
		fail "tshark -r $1 -Y '$2' failed"
	if [ -z "$out" ]; then echo 0; else printf '%s\n' "$out" | wc -l; fi
}

# pcap_fields FILE DISPLAYFILTER FIELD...: tab-separated fields, a line a frame.
pcap_fields() {
	local f=$1 y=$2 args=() x
	shift 2
	for x in "$@"; do args+=(-e "$x"); done
	tshark -n -r "$f" -Y "$y" -T fields -E occurrence=f "${args[@]}" 2>/dev/null
}

# --- kaprobe ------------------------------------------------------------------

need_kaprobe() {
	[ -x "$KAPROBE" ] || fail "$KAPROBE not built (make kaprobe)"
	"$KAPROBE" --version >/dev/null 2>&1 || fail "$KAPROBE --version does not work"
}

# ka_run OUT ARGS...: run kaprobe in the client ns (bounded by a timeout),
# stdout to OUT, stderr to OUT.err; KA_RC is its exit status.
ka_run() {
	local out=$1
	shift
	timeout -k 2 "${KA_TIMEOUT:-30}" ip netns exec "$TB_C" "$KAPROBE" "$@" \
		>"$out" 2>"$out.err"
	KA_RC=$?
	_ka_show "$out"
}

# ka_start OUT ARGS...: the same in the background; ka_wait sets KA_RC.
ka_start() {
	KA_OUT=$1
	shift
	timeout -k 2 "${KA_TIMEOUT:-30}" ip netns exec "$TB_C" "$KAPROBE" "$@" \
		>"$KA_OUT" 2>"$KA_OUT.err" &
	KA_PID=$!
}

# ka_pid: the pid of the kaprobe that ka_start started (timeout's child:
# ip netns exec replaced itself with kaprobe).  Signals go there, never to
# every kaprobe on the host.
ka_pid() {
	pgrep -P "$KA_PID" -x kaprobe | head -n1
}

ka_wait() {
	wait "$KA_PID"
	KA_RC=$?
	KA_PID=
	_ka_show "$KA_OUT"
}

# Print what kaprobe said: run.sh shows it when the test fails.
_ka_show() {
	echo "--- kaprobe exit $KA_RC; stdout:"
	cat "$1"
	if [ -s "$1.err" ]; then
		echo "--- stderr:"
		cat "$1.err"
	fi
	echo "---"
}

# ka_fill_w DIR TARGET OUT: in the background (its pid in SH), kaprobe
# --json -w onto a 64 kB tmpfs mounted on DIR in the client namespace, which
# fills once the connection is up (OUT.full appears then); OUT, OUT.err,
# OUT.rc get its output and exit status, OUT.pcap the -w file as it was left.
ka_fill_w() {
	timeout -k 2 40 ip netns exec "$TB_C" unshare -m sh -c '
		mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
		"$4" --json --idle 1s --intvl 1s -w "$1/x.pcap" "$2" >"$3" 2>"$3.err" &
		ka=$!
		for i in $(seq 50); do grep -q "\"event\":\"connect\"" "$3" && break; sleep 0.1; done
		dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
		: >"$3.full"
		wait $ka
		echo $? >"$3.rc"
		cp "$1/x.pcap" "$3.pcap"
	' sh "$1" "$2" "$3" "$KAPROBE" &
	SH=$!
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local limit=$1 i
	shift
	for i in $(seq $((limit * 10))); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# The server's TCP connections in ESTABLISHED state (count).
server_established() {
	tb_s ss -Htn state established 2>/dev/null | wc -l
}

# ka_setup PORT [tcpserver args]: testbed up, tcpserver on PORT, kaprobe built.
ka_setup() {
	local port=$1
	shift
	need_kaprobe
	tb_up || fail "tb_up failed"
	tb_start_server -p "$port" "$@" || fail "tcpserver did not start"
}

# Common checks of an "alive" JSON run: OUT TTL [TS (true|false)].
ka_assert_alive() {
	local out=$1 ttl=$2 ts=${3:-}
	json_valid "$out"
	assert_eq 1 "$(json_count "$out" 'select(.event=="connect")')" "connect events"
	if [ -n "$ts" ]; then
		assert_eq "$ts" "$(json_field "$out" 'select(.event=="connect")' .timestamps)" connect.timestamps
	fi
	assert_ge "$(json_count "$out" 'select(.event=="probe")')" 2 "probe events"
	assert_json "$out" 'map(select(.event=="probe")) | all(.len == 0)' "probes carry no data"
	assert_ge "$(json_count "$out" 'select(.event=="reply" and .kind=="ack" and .n > 0)')" 2 \
		"ack replies to probes"
	assert_json "$out" 'map(select(.event=="reply" and .n > 0)) | all(.kind=="ack")' \
		"every reply to a probe is an ack"
	assert_json "$out" 'map(select(.event=="reply" and .n > 0)) | all(.rtt_ms > 0)' \
		"reply rtt_ms > 0"
	assert_json "$out" "map(select(.event==\"reply\")) | all(.ttl == $ttl)" \
		"reply ttl/hop limit $ttl"
	ka_assert_replies_match "$out"
	assert_eq alive "$(json_field "$out" 'select(.event=="verdict")' .verdict)" verdict
	assert_eq 1 "$(json_count "$out" 'select(.event=="verdict")')" "verdict events"
	assert_ge "$(json_field "$out" 'select(.event=="summary")' .answered)" 2 \
		"summary.answered"
	assert_json "$out" '.[-1].event == "summary"' "the summary is the last line"
}

# A peer's duplicate ACK to a probe: its seq is the probe's ack (the peer's
# SND.NXT), its ack the probe's seq + 1 (our SND.NXT).  Each ack reply is
# checked against the latest probe of its own connection before it (probe n
# restarts every round; with several targets, probes of two connections
# may leave in one turn, before either's answer).
ka_assert_replies_match() {
	assert_json "$1" 'reduce .[] as $e ({last: {}, ok: true};
		($e.conn // 0 | tostring) as $k |
		if $e.event == "probe" then .last[$k] = $e
		elif $e.event == "reply" and $e.kind == "ack" and $e.n > 0 then
			.ok = (.ok and .last[$k] != null and $e.seq == .last[$k].ack
			       and $e.ack == ((.last[$k].seq + 1) % 4294967296))
		else . end) | .ok' \
		"ack reply seq/ack == probe ack / probe seq+1"
}

# Wait (up to 5 s) for kaprobe's connect event in a JSON output file.
ka_wait_connect() {
	wait_until 5 grep -Eq '"event" *: *"connect"' "$1" ||
		{ kill "$KA_PID" 2>/dev/null; ka_wait; fail "kaprobe did not connect"; }
}

# --- forging (tools/inject.c) ------------------------------------------------
# The forger runs in the router's namespace: it is on the path, and the
# router's own packets skip its forward chain, so they reach the client even
# when the path is cut.  Its raw socket sends whatever source address it is
# given (the server's, or a third address inside 198.18.0.0/15).

# inject_r ARGS...: one inject run in the router ns (foreground).
inject_r() {
	local bin=$TB_ROOT/build/tools/inject
	[ -x "$bin" ] || fail "$bin not built (make build/tools/inject)"
	tb_r "$bin" "$@" || fail "inject $* failed"
}

# inject_bg ARGS...: the same in the background (INJ_PID; tb_down kills it
# if the test does not: inject_stop).
inject_bg() {
	local bin=$TB_ROOT/build/tools/inject
	[ -x "$bin" ] || fail "$bin not built (make build/tools/inject)"
	ip netns exec "$TB_R" "$bin" "$@" &
	INJ_PID=$!
	TB_PIDS="$TB_PIDS $INJ_PID"
}
inject_stop() {
	[ -n "${INJ_PID:-}" ] || return 0
	kill "$INJ_PID" 2>/dev/null
	wait "$INJ_PID" 2>/dev/null
	INJ_PID=
}

# client_ports PORT: the local ports of the client's established
# connections to PORT, as the client's kernel shows them (ss), whatever
# kaprobe reports; client_port PORT: the first.
client_ports() {
	tb_c ss -Htn state established "( dport = :$1 )" |
		awk '{ n = split($3, a, ":"); print a[n] }'
}
client_port() { client_ports "$1" | head -n1; }

# ka_wait_event OUT SELECT [SECS]: wait (default 10 s) until a line of OUT
# matches the jq SELECT (e.g. '.event=="probe"').
ka_wait_event() {
	local out=$1 sel=$2 secs=${3:-10}
	wait_until "$secs" _ka_has_event "$out" "$sel"
}
_ka_has_event() {
	[ "$(jq -c "select($2)" "$1" 2>/dev/null | head -n1)" != "" ]
}

# ka_probe_field OUT EXPR: EXPR of the last probe event so far.
ka_probe_field() {
	jq -r "select(.event==\"probe\") | $2" "$1" 2>/dev/null | tail -n1
}

# seq_add A B: (A + B) mod 2^32, for sequence numbers.
seq_add() { echo $((($1 + $2) % 4294967296)); }
