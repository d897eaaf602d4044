#!/bin/bash
# audit_lib.sh - helpers for tests/integration/t_audit_*.sh (kaprobe audit).
# Source it from the repo root after lib.sh:
#   . tests/integration/lib.sh; . tests/integration/audit_lib.sh
#
# The contract checked (kaprobe audit --json): one "variant" event per probe
# kind, one "idle-timeout", one "refresh" with keep-alive (and one with
# heartbeats for --heartbeat), one "advice", and a last "summary"
# whose "ok" says whether the exit status is 0.  In the testbed the server is
# one router hop away: its replies come with TTL 63 (hops 1); the router's
# own with TTL 64 (hops 0).
#
#   audit_run OUT ARGS...        kaprobe audit --json ARGS (KA_RC, OUT.err)
#   audit_assert_shape OUT       the events every run must have, consistent
#   audit_assert_variant OUT NAME REPLY BY HOPS [TTL [FROM]]
#                                (BY/HOPS/TTL/FROM "null" for none)
#   audit_get OUT EVENT EXPR     EXPR of the (only) EVENT object, raw
#   audit_router_conntrack TIMEOUT   router: conntrack with an established
#                                timeout of TIMEOUT s, no mid-stream pick-up
#   audit_forge_rsts PORT / audit_forge_stop   off-path RSTs (random seq) to
#                                every client connection, in the background

AUDIT_VARIANTS="zero-length one-byte no-timestamp stale-timestamp pure-ack far-seq"

# audit_run OUT ARGS...: kaprobe audit --json ARGS in the client ns.
audit_run() {
	local out=$1
	shift
	ka_run "$out" audit --json "$@"
}

audit_get() {
	json_field "$1" "select(.event==\"$2\")" "$3"
}

# Every run that got as far as the audit (exit 0 or 1): valid JSON lines,
# each variant once, one idle-timeout, refresh and advice, the summary last,
# and the fields consistent with each other as the contract says.
audit_assert_shape() {
	local out=$1 v n alive dead rfc
	json_valid "$out"
	for v in $AUDIT_VARIANTS; do
		n=$(json_count "$out" "select(.event==\"variant\" and .name==\"$v\")")
		assert_eq 1 "$n" "variant events named $v"
	done
	assert_eq 6 "$(json_count "$out" 'select(.event=="variant")')" "variant events"
	assert_json "$out" 'map(select(.event=="variant")) | all(.reply | IN("ack","rst","icmp","none"))' \
		'every variant.reply is ack, rst, icmp or none'
	# A probe nobody answered has nobody to attribute.
	assert_json "$out" 'map(select(.event=="variant" and .reply=="none")) |
		all(.by == null and .hops == null and .from == null and .ttl == null)' \
		'unanswered variants: by, hops, from, ttl all null'
	assert_json "$out" 'map(select(.event=="variant" and .reply!="none")) |
		all((.by | IN("peer","middlebox")) and (.hops|type)=="number" and
		    (.ttl|type)=="number" and (.from|type)=="string")' \
		'answered variants: by peer|middlebox, numeric hops and ttl, a from'
	# hops = initial TTL (64/128/255, the smallest >= ttl) - ttl.
	assert_json "$out" 'map(select(.event=="variant" and .reply!="none")) |
		all(.hops == ((if .ttl <= 64 then 64 elif .ttl <= 128 then 128 else 255 end) - .ttl))' \
		'variant hops == guessed initial TTL - ttl'

	# Against serve on a path a proxy cuts, the server's leg has an
	# idle-timeout of its own (side "server"), and an advice when it has
	# a timeout (leg_dead_s): those are checked by their tests.
	assert_eq 1 "$(json_count "$out" 'select(.event=="idle-timeout" and .side != "server")')" \
		"idle-timeout events (the client's)"
	assert_eq 1 "$(json_count "$out" 'select(.event=="advice" and
		(.side != "server" or .leg_dead_s == null))')" "advice events (the client's)"
	assert_eq 1 "$(json_count "$out" 'select(.event=="summary")')" "summary events"
	# One refresh with keep-alive, and one with heartbeats for --heartbeat.
	assert_eq 1 "$(json_count "$out" 'select(.event=="refresh" and .with=="keepalive" and .from=="client")')" \
		"refresh events with keep-alive"
	assert_le "$(json_count "$out" 'select(.event=="refresh" and .with=="heartbeat" and .from=="client")')" 1 \
		"refresh events with heartbeats"
	assert_json "$out" '.[-1].event == "summary"' 'the summary is the last line'
	assert_json "$out" '(map(.event) | rindex("variant")) < (map(.event) | index("idle-timeout"))' \
		'variants before the idle-timeout'
	assert_json "$out" '(map(.event) | index("idle-timeout")) < (map(.event) | index("refresh"))' \
		'idle-timeout before refresh'

	# consistent_with: names of documented defaults (docs/fingerprints.md),
	# none without a finding (tests/unit/test_fingerprint.c checks which).
	assert_json "$out" 'map(select(.event=="idle-timeout"))[0] |
		(.consistent_with | type) == "array" and all(.consistent_with[]; type == "string") and
		(if .dead_s == null or .inconsistent then .consistent_with == [] else true end)' \
		'idle-timeout.consistent_with: an array of names, empty without a finding'
	# idle-timeout: dead_s null <=> nothing expired <=> expired_reply null;
	# rfc5382 as the contract defines it.
	alive=$(audit_get "$out" idle-timeout .alive_s)
	dead=$(audit_get "$out" idle-timeout .dead_s)
	rfc=$(audit_get "$out" idle-timeout .rfc5382)
	if [ "$dead" = null ]; then
		assert_json "$out" 'map(select(.event=="idle-timeout"))[0] |
			.expired_reply == null and .by == null and .hops == null' \
			'nothing expired: expired_reply, by, hops null'
		_isnum "$alive" || fail "idle-timeout.alive_s is '$alive' though nothing died"
		if awk -v a="$alive" 'BEGIN { exit !(a >= 7440) }'; then
			assert_eq true "$rfc" "rfc5382 with alive_s >= 7440"
		else
			assert_eq null "$rfc" "rfc5382 when nothing died and alive_s < 7440"
		fi
		assert_json "$out" 'map(select(.event=="refresh")) | all(.survived == null)' \
			"refresh.survived with no timeout found"
		assert_json "$out" 'map(select(.event=="refresh")) | all(.skipped|type == "string")' \
			"refresh.skipped with no timeout found"
	else
		assert_gt "$dead" 0 "idle-timeout.dead_s > 0"
		assert_json "$out" 'map(select(.event=="idle-timeout"))[0].expired_reply |
			IN("none","rst","icmp","fin")' 'expired_reply is none, rst, icmp or fin'
		if [ "$(audit_get "$out" idle-timeout .kind)" = endpoint-close ]; then
			assert_eq null "$rfc" "rfc5382 for an endpoint's close (not a box's timeout)"
		elif awk -v d="$dead" 'BEGIN { exit !(d < 7440) }'; then
			assert_eq false "$rfc" "rfc5382 with dead_s < 7440"
		fi
		if _isnum "$alive"; then
			assert_lt "$alive" "$dead" "idle-timeout alive_s < dead_s"
		fi
	fi

	# A peer that closes idle connections gets a heartbeat's advice, the
	# rest keep-alive's.
	if [ "$(audit_get "$out" idle-timeout .kind)" = endpoint-close ]; then
		assert_json "$out" 'map(select(.event=="advice"))[0] | .kind == "heartbeat" and
			.heartbeat_s > 0 and .heartbeat_s < .close_s and (has("sysctl") | not)' \
			'advice for an endpoint close: a heartbeat below the close, no sysctl'
		assert_eq "$(audit_get "$out" idle-timeout .close_s)" \
			"$(audit_get "$out" advice .close_s)" "advice.close_s == idle-timeout.close_s"
		_audit_summary_ok "$out"
		return
	fi
	assert_eq keepalive "$(audit_get "$out" advice .kind)" "advice.kind"
	assert_json "$out" 'map(select(.event=="advice"))[0] |
		([.tcp_keepalive_time, .tcp_keepalive_intvl, .tcp_keepalive_probes] |
		 all(type=="number" and . >= 1 and . == floor))' \
		'advice: time, intvl, probes are integers >= 1'
	assert_json "$out" 'map(select(.event=="advice"))[0] |
		.sysctl == ["sysctl -w net.ipv4.tcp_keepalive_time=\(.tcp_keepalive_time)",
			    "sysctl -w net.ipv4.tcp_keepalive_intvl=\(.tcp_keepalive_intvl)",
			    "sysctl -w net.ipv4.tcp_keepalive_probes=\(.tcp_keepalive_probes)"]' \
		'advice.sysctl: the three sysctl -w lines with the advised values'
	# shellcheck disable=SC2016 # $a is jq's
	assert_json "$out" 'map(select(.event=="advice"))[0] | . as $a |
		(.setsockopt | length) == 3 and
		(.setsockopt[0] | test("TCP_KEEPIDLE\\b.*\\b\($a.tcp_keepalive_time)\\b")) and
		(.setsockopt[1] | test("TCP_KEEPINTVL\\b.*\\b\($a.tcp_keepalive_intvl)\\b")) and
		(.setsockopt[2] | test("TCP_KEEPCNT\\b.*\\b\($a.tcp_keepalive_probes)\\b"))' \
		'advice.setsockopt: TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT with the advised values'

	_audit_summary_ok "$out"
}

# summary.ok true with exit 0, false otherwise.
_audit_summary_ok() {
	assert_json "$1" '.[-1].ok | type == "boolean"' 'summary.ok is a boolean'
	if [ "$KA_RC" = 0 ]; then
		assert_eq true "$(audit_get "$1" summary .ok)" "summary.ok with exit 0"
	else
		assert_eq false "$(audit_get "$1" summary .ok)" "summary.ok with exit $KA_RC"
	fi
}

# audit_assert_variant OUT NAME REPLY BY HOPS [TTL [FROM]]
audit_assert_variant() {
	local out=$1 name=$2 sel
	sel="select(.event==\"variant\" and .name==\"$name\")"
	assert_eq "$3" "$(json_field "$out" "$sel" .reply)" "variant $name: reply"
	assert_eq "$4" "$(json_field "$out" "$sel" .by)" "variant $name: by"
	assert_eq "$5" "$(json_field "$out" "$sel" .hops)" "variant $name: hops"
	[ $# -ge 6 ] && assert_eq "$6" "$(json_field "$out" "$sel" .ttl)" "variant $name: ttl"
	[ $# -ge 7 ] && assert_eq "$7" "$(json_field "$out" "$sel" .from)" "variant $name: from"
	return 0
}

# The standard kinds answered by the peer itself, one hop away.
audit_assert_peer_answers() {	# OUT FROM NAME...
	local out=$1 from=$2 v
	shift 2
	for v in "$@"; do
		audit_assert_variant "$out" "$v" ack peer 1 63 "$from"
	done
}

# audit_router_conntrack TIMEOUT [reject]: the router tracks connections,
# forwards only SYNs and packets of tracked flows, and forgets an established
# flow after TIMEOUT s of silence.  A probe on a forgotten flow is dropped
# (tcp_loose=0: not picked up mid-stream, so "ct state invalid"), or with
# "reject" picked up as NEW (tcp_loose=1) and answered by the router with a
# TCP reset.  Out-of-window segments (conntrack's tcp_in_window) are invalid
# and dropped in both.  The sysctls exist once nf_conntrack is loaded, which
# the ruleset makes sure of, so they come after it.
audit_router_conntrack() {
	local timeout=$1 mode=${2:-drop} expired loose
	if [ "$mode" = reject ]; then
		expired='meta l4proto tcp ct state new counter reject with tcp reset'
		loose=1
	else
		expired='ct state new counter drop'
		loose=0
	fi
	# nftables 1.0.6: each closing brace on its own line.
	tb_r nft -f - <<EOF || fail "router ruleset"
flush chain inet kaprobe forward
table inet kaprobe {
	chain forward {
		ct state established,related accept
		tcp flags & (syn|ack) == syn ct state new accept
		ct state invalid counter drop
		$expired
	}
}
EOF
	tb_r sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established="$timeout" \
		net.netfilter.nf_conntrack_tcp_loose=$loose >/dev/null ||
		fail "router conntrack sysctls"
	assert_eq "$timeout" "$(tb_r sysctl -n net.netfilter.nf_conntrack_tcp_timeout_established)" \
		"router nf_conntrack_tcp_timeout_established"
}

# server_tcpext NAME: the server namespace's TcpExt counter NAME (0 when this
# kernel does not have it).
server_tcpext() {
	local v
	v=$(tb_s nstat -asz "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }')
	echo "${v:-0}"
}

# What the server's kernel does with the stale-timestamp probe, from its own
# counters: PAWS rejects it either way; kernels that know "old ACKs"
# (TcpExtPAWSOldAck, Linux 6.15 on: a pure ACK below RCV.NXT that fails PAWS)
# drop it without a word, older ones (TcpExtPAWSEstab) answer with a
# rate-limited duplicate ACK.  Call audit_paws_mark before the run and
# audit_paws_expect after it: sets PAWS_EXPECT to "none" or "ack".
audit_paws_mark() {
	_PAWS_OLD=$(server_tcpext TcpExtPAWSOldAck)
	_PAWS_EST=$(server_tcpext TcpExtPAWSEstab)
}
audit_paws_expect() {
	local old est
	old=$(($(server_tcpext TcpExtPAWSOldAck) - _PAWS_OLD))
	est=$(($(server_tcpext TcpExtPAWSEstab) - _PAWS_EST))
	if [ "$old" -ge 1 ] && [ "$est" -eq 0 ]; then
		PAWS_EXPECT=none
	elif [ "$est" -ge 1 ] && [ "$old" -eq 0 ]; then
		PAWS_EXPECT=ack
	else
		fail "the server's kernel saw $old PAWS old ACKs and $est PAWS rejects: expected one stale-timestamp probe"
	fi
}

# audit_assert_stale_ts OUT FROM: the stale-timestamp variant as the server's
# kernel says it treated it (after audit_paws_mark ... run).
audit_assert_stale_ts() {
	audit_paws_expect
	if [ "$PAWS_EXPECT" = ack ]; then
		audit_assert_variant "$1" stale-timestamp ack peer 1 63 "$2"
	else
		audit_assert_variant "$1" stale-timestamp none null null null null
	fi
}

# audit_forge_rsts PORT: in the background (FORGE_PID; tb_down stops it, or
# audit_forge_stop), a blind attacker on the router: every 0.2 s, one RST
# with a random seq (and ack) to every established connection from the
# client to PORT, from the server's address.  Random seqs fall outside the
# receive window (the kernel drops them, RFC 793/5961) but for a chance of
# about window / 2^32.  Each RST sent adds a line to $TB_DIR/forged.
audit_forge_rsts() {
	local port=$1 inj=$TB_ROOT/build/tools/inject
	[ -x "$inj" ] || fail "$inj not built (make build/tools/inject)"
	: >"$TB_DIR/forged"
	(
		while :; do
			for p in $(client_ports "$port"); do
				ip netns exec "$TB_R" "$inj" tcp --src "$TB_SRV4" --dst "$TB_CLI4" \
					--sport "$port" --dport "$p" --seq rand --ack rand --flags R \
					2>/dev/null && echo "$p" >>"$TB_DIR/forged"
			done
			sleep 0.2
		done
	) &
	FORGE_PID=$!
	TB_PIDS="$TB_PIDS $FORGE_PID"
}
audit_forge_stop() {
	[ -n "${FORGE_PID:-}" ] || return 0
	kill "$FORGE_PID" 2>/dev/null
	wait "$FORGE_PID" 2>/dev/null
	FORGE_PID=
}

# audit_assert_report OUT HTML: the --report page of the run whose JSON is
# OUT, opened in headless Chromium (tests/lib/report.sh: only ever inside a
# network namespace of its own), against the JSON: one mark per "measure"
# event with the same replies and senders, one row per variant with its
# reply, the bracket's values, nothing loaded from outside the file, and a
# screenshot that is not blank in light and in dark mode.
audit_assert_report() {
	local out=$1 html=$2 dom=$2.dom r v n want got
	. tests/lib/report.sh
	assert_file "$html" "the audit's report"
	report_dom "$html" "$dom" || fail "chromium --dump-dom $html"
	report_self_contained "$html" "$dom" || fail "$html loads something from outside"
	want=$(json_count "$out" 'select(.event=="measure")')
	assert_gt "$want" 0 "measure events"
	assert_eq "$want" "$(dom_count "$dom" 'data-kind="measure"')" "the chart's marks"
	for r in ack rst icmp fin none; do
		want=$(json_count "$out" "select(.event==\"measure\" and .reply==\"$r\")")
		got=$(dom_count "$dom" 'data-kind="measure"' "data-reply=\"$r\"")
		assert_eq "$want" "$got" "marks with data-reply=$r"
	done
	for r in peer middlebox; do
		want=$(json_count "$out" "select(.event==\"measure\" and .by==\"$r\")")
		got=$(dom_count "$dom" 'data-kind="measure"' "data-by=\"$r\"")
		assert_eq "$want" "$got" "marks with data-by=$r"
	done
	for v in $AUDIT_VARIANTS; do
		r=$(jq -r "select(.event==\"variant\" and .name==\"$v\") | .reply" "$out")
		n=$(dom_count "$dom" 'data-kind="variant"' "data-name=\"$v\"" "data-reply=\"$r\"")
		assert_eq 1 "$n" "the variants table's row for $v (reply $r)"
	done
	for v in alive dead; do
		want=$(audit_get "$out" idle-timeout ".${v}_s")
		got=$(grep -o "id=\"bracket\"[^>]*data-$v=\"[0-9.]*\"" "$dom" | grep -o '[0-9.]*"$' | tr -d '"')
		assert_eq "$(printf %.3f "$want")" "$got" "the chart's bracket, data-$v"
		# The table says it too, as a duration ("2.998s").
		got=$(grep -o "<td id=\"$v\">[^<]*" "$dom" | sed 's/.*>//; s/s$//')
		assert_eq "$(printf %.3f "$want" | sed 's/0*$//; s/\.$//')" "$got" "the table's $v"
	done
	report_shot "$html" "$html.png" || fail "chromium --screenshot $html"
	png_not_blank "$html.png" || fail "the report's screenshot is blank"
	png_light_bg "$html.png" || fail "the light screenshot's background is not light"
	report_shot "$html" "$html.dark.png" dark || fail "chromium --screenshot (dark) $html"
	png_not_blank "$html.dark.png" || fail "the dark screenshot is blank"
	png_dark_bg "$html.dark.png" || fail "the dark screenshot's background is not dark"
}
