#!/bin/bash
# test-timeout: 240
# --max-flows: memory stays bounded on endless input even when the
# capture's timestamps stand still (then no flow ever goes quiet by the
# clock, so --flow-timeout and the linger after a close release nothing).
# The longest-silent flows are evicted, closed ones first, and counted in
# the summary.  Synthetic captures with every timestamp the same: 3,000
# flows open at once at most, 20,000 and 80,000 flows in all.  No root.
. tests/integration/lib.sh
need_kaprobe
SYNTH=build/tools/synthcap
GNUTIME=/usr/bin/time
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
[ -x "$GNUTIME" ] || fail "$GNUTIME missing (tools/install-deps.sh)"
T=$(mktemp -d /tmp/t_max_flows.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT

"$SYNTH" -n 40000 -f 20000 -m 3000 -k 30 --frozen --seed 5 -o "$T/a.pcap" 2>/dev/null || fail synthcap
"$SYNTH" -n 160000 -f 80000 -m 3000 -k 30 --frozen --seed 6 -o "$T/b.pcap" 2>/dev/null || fail synthcap

# rss OUT ARGS...: replay, JSON into OUT; prints the peak RSS in KB.
rss() {
	local out=$1
	shift
	"$GNUTIME" -f %M -o "$out.rss" "$KAPROBE" replay --json "$@" >"$out" || fail "replay $* failed"
	tail -n1 "$out.rss"
}

a_cap=$(rss "$T/a4k.json" --max-flows 4000 "$T/a.pcap")
a_all=$(rss "$T/aall.json" "$T/a.pcap")
b_cap=$(rss "$T/b4k.json" --max-flows 4000 "$T/b.pcap")
b_all=$(rss "$T/ball.json" "$T/b.pcap")
note "peak RSS: 20,000 flows $a_all KB, capped $a_cap KB; 80,000 flows $b_all KB, capped $b_cap KB"

# Without the cap every flow stays (this is what the test is about) ...
assert_eq 0 "$(jq -s '.[-1].evicted' "$T/ball.json")" "evictions without the cap"
assert_gt "$b_all" "$((a_all * 3 / 2))" "uncapped memory grows with the flows"
# ... with it, memory does not follow the flows seen.
assert_lt "$b_cap" "$((a_cap * 5 / 4))" "capped memory, 80,000 against 20,000 flows"
# At most 4,000 held at the end: the rest were evicted.
assert_ge "$(jq -s '.[-1].evicted' "$T/b4k.json")" 76000 "evictions"
# With more room than flows open at once, only closed flows are evicted:
# every flow is seen once (none comes back mid-stream) and the story is
# the same, event for event, but for the summary's count (an evicted
# flow's verdict comes when it is evicted, not at the end).
for x in a b; do
	cmp -s <(jq -c 'del(.evicted)' "$T/${x}4k.json" | sort) <(jq -c 'del(.evicted)' "$T/${x}all.json" | sort) ||
		fail "$x: events differ with --max-flows 4000"
done
# A cap below the flows open at once evicts open flows: they come back
# as new flows, and each eviction is counted.
"$KAPROBE" replay --json --max-flows 1000 "$T/a.pcap" >"$T/a1k.json" || fail "replay failed"
assert_json "$T/a1k.json" '.[-1] | .flows > 20000 and .evicted >= .flows - 1000' "evictions below the open count"
