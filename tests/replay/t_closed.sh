#!/bin/bash
# Issue 17: a peer that closes idle flows on its own, as a proxy's or an
# application's idle timeout does.  Synthetic capture (synthcap
# --idle-close 12): every keep-alive flow's server closes it 12 s after its
# last data, with a FIN or (one in four) an RST, while the client's probes
# every 4 s are answered.  Each such prober's verdict is closed, with
# idle_s the gap since the flow's last data (exact: the capture's times),
# how, by peer (the close has the server's TTL) and answered_in_gap 2 (the
# signature of a timer keep-alive does not reach); the report shades the
# gap before each close.  No root needed.
. tests/integration/lib.sh
. tests/lib/report.sh
need_kaprobe
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
T=$(mktemp -d /tmp/t_closed.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT

"$SYNTH" -n 3000 -f 60 -k 50 -6 30 --idle-close 12 --seed 17 -o "$T/c.pcap" 2>/dev/null ||
	fail "synthcap --idle-close failed"
"$KAPROBE" replay --json --report "$T/c.html" "$T/c.pcap" >"$T/out.json"
assert_eq 0 "$?" "exit status"
json_valid "$T/out.json"
v='select(.event=="verdict")'
n=$(json_count "$T/out.json" "$v")
assert_gt "$n" 10 "probers"
assert_eq "$n" "$(json_count "$T/out.json" "$v | select(.verdict==\"closed\")")" "closed verdicts"
assert_eq "$n" "$(json_count "$T/out.json" "$v | select(.idle_s==12 and .by==\"peer\" and .answered_in_gap==2)")" \
	"closed after exactly 12 s without data, by the peer, 2 probes answered in the gap"
assert_gt "$(json_count "$T/out.json" "$v | select(.how==\"fin\")")" 0 "closes by a FIN"
assert_gt "$(json_count "$T/out.json" "$v | select(.how==\"rst\")")" 0 "closes by an RST"
# The closing RST answers no probe: it is no reply, and nothing is reset.
assert_eq 0 "$(json_count "$T/out.json" 'select(.event=="reply" and .kind=="rst")')" "rst replies"
# The flows without keep-alive close the same way and have no prober.
assert_eq "$n" "$(json_field "$T/out.json" 'select(.event=="summary")' .flows_probed)" flows_probed

# In words.
"$KAPROBE" replay "$T/c.pcap" >"$T/out.txt"
assert_eq "$n" "$(grep -c ': closed (the peer closed the connection with a\(n RST\| FIN\) after 12.000 s without data, while 2 keep-alive probes were answered; keep-alive cannot prevent this' "$T/out.txt")" \
	"closed verdict lines"

# The page: every row closed, each with its gap shaded, 12 s long.
assert_eq "$n" "$(dom_count "$T/c.html" 'data-verdict="closed"')" "closed rows"
assert_eq "$n" "$(dom_count "$T/c.html" 'data-kind="closegap"' 'data-idle="12.000"' 'data-answered="2"')" \
	"gaps before the close"

# A prober that closes first (its FIN, then the peer's) was not closed on:
# the reference capture's client ends its flow and stays alive.
"$KAPROBE" replay --json pcaps/both-ends.pcap >"$T/both.json"
assert_eq alive "$(json_field "$T/both.json" 'select(.event=="verdict" and (.flow | startswith("198.18.1.2")))' .verdict)" \
	"the client's verdict in both-ends.pcap"
assert_eq closed "$(json_field "$T/both.json" 'select(.event=="verdict" and (.flow | startswith("198.19.1.2")))' .verdict)" \
	"the server's verdict in both-ends.pcap (its peer, the client, closed)"
echo ok
