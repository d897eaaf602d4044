#!/bin/bash
# test-timeout: 180
# (Chromium, slow on a loaded 2-core machine: a guard, not a timing check.)
# replay --report FILE.html: the page is drawn from the same events as the
# JSON, and adding --report changes nothing else.  Each replay runs with
# --json, in the human form and with -q, with and without --report: stdout,
# stderr and the exit status must be the same byte for byte.  The page is opened in
# headless Chromium (tests/lib/report.sh: only ever in a network namespace
# with no links) and its DOM must match the JSON flow by flow: one row per
# verdict event with that verdict, as many probe marks as probe events,
# answer marks by kind as reply events, cut marks by box as cut events; and
# the ranks the style sheet orders rows by must sort them by verdict and by
# longest gap.  The page must load nothing from outside and its screenshot
# must not be blank.
# A capture with more probed flows than REPORT_MAX_FLOWS draws exactly that
# many, the first to start probing, and says how many were left out.  A
# capture named with markup in it, or whose comment has markup in it, does
# not inject any.  No root needed.
. tests/integration/lib.sh
. tests/lib/report.sh
need_kaprobe
command -v python3 >/dev/null || fail "python3 not installed (tools/install-deps.sh)"
SYNTH=build/tools/synthcap
[ -x "$SYNTH" ] || make -s "$SYNTH" || fail "cannot build $SYNTH"
MAX_FLOWS=$(sed -n 's/^#define REPORT_MAX_FLOWS \([0-9]*\).*/\1/p' src/report/report.h)
[ -n "$MAX_FLOWS" ] || fail "REPORT_MAX_FLOWS not found in src/report/report.h"
T=$(mktemp -d /tmp/t_report.XXXXXX) || fail mktemp
trap 'rm -rf "$T"' EXIT

# replay_both NAME ARGS...: replay with --report $T/NAME.html and without,
# in JSON ($T/NAME.json), for people and quiet; the two runs must print the
# same and end with the same status.
replay_both() {
	local name=$1 rc1 rc2 form
	shift
	for form in --json "" -q; do
		"$KAPROBE" replay $form "$@" >"$T/$name.plain" 2>"$T/$name.plain.err"
		rc1=$?
		"$KAPROBE" replay $form --report "$T/$name.html" "$@" >"$T/$name.out" 2>"$T/$name.err"
		rc2=$?
		assert_eq "$rc1" "$rc2" "$name ${form:-human}: exit status with --report"
		cmp -s "$T/$name.plain" "$T/$name.out" ||
			fail "$name ${form:-human}: output differs with --report: $(diff "$T/$name.plain" "$T/$name.out" | head -5)"
		cmp -s "$T/$name.plain.err" "$T/$name.err" || fail "$name ${form:-human}: stderr differs with --report"
		[ "$form" = --json ] && cp "$T/$name.out" "$T/$name.json"
	done
	assert_file "$T/$name.html" "$name: no report written"
}

# The page's rows against the JSON events, flow by flow (a flow name may
# have more than one row: a 4-tuple reused after its flow was released).
cat >"$T/match.py" <<'EOF'
import collections, json, sys
from html.parser import HTMLParser

class Rows(HTMLParser):
    """Each data-kind="flow" element and the marks inside it."""
    def __init__(self):
        super().__init__()
        self.rows, self.depth, self.row = [], 0, None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.row is not None:
            self.depth += 1
            kind = a.get('data-kind')
            if kind == 'probe':
                self.row['probe'] += 1
            elif kind == 'answer':
                self.row['answer'][a.get('data-reply')] += 1
            elif kind == 'cut':
                self.row['cut'][a.get('data-box')] += 1
        elif a.get('data-kind') == 'flow':
            rank = dict(kv.split(':') for kv in a.get('style', '').split(';') if ':' in kv)
            self.row = {'flow': a.get('data-flow'), 'verdict': a.get('data-verdict'),
                        'gap': float(a.get('data-gap', 'nan')),
                        'rank-verdict': int(rank.get('--rank-verdict', -1)),
                        'rank-gap': int(rank.get('--rank-gap', -1)),
                        'probe': 0, 'answer': collections.Counter(),
                        'cut': collections.Counter()}
            self.depth = 1
    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.row is not None:
            self.handle_endtag(tag)
    def handle_endtag(self, tag):
        if self.row is None:
            return
        self.depth -= 1
        if self.depth == 0:
            self.rows.append(self.row)
            self.row = None

def blank():
    return {'verdicts': [], 'probe': 0, 'answer': collections.Counter(),
            'cut': collections.Counter()}

dom, events, mode = sys.argv[1], sys.argv[2], sys.argv[3]
p = Rows()
p.feed(open(dom, encoding='utf-8').read())
ev = [json.loads(l) for l in open(events)]
bad = []
if mode == 'all':
    page, js = collections.defaultdict(blank), collections.defaultdict(blank)
    for r in p.rows:
        f = page[r['flow']]
        f['verdicts'].append(r['verdict'])
        f['probe'] += r['probe']
        f['answer'] += r['answer']
        f['cut'] += r['cut']
    for e in ev:
        if 'flow' not in e:
            continue
        f = js[e['flow']]
        if e['event'] == 'verdict':
            f['verdicts'].append(e['verdict'])
        elif e['event'] == 'probe':
            f['probe'] += 1
        elif e['event'] == 'reply':
            f['answer'][e['kind']] += 1
        elif e['event'] == 'cut':
            f['cut'][e['box']] += 1
    for f in set(page) | set(js):
        a, b = page[f], js[f]
        a['verdicts'].sort(); b['verdicts'].sort()
        if a != b:
            bad.append('%s: page %s, JSON %s' % (f, dict(a), dict(b)))
    if not p.rows:
        bad.append('no rows')
    # The sort without script: each order's ranks are a permutation, by
    # verdict worst first, by gap longest first.
    worst = ['dead', 'unreachable', 'reset', 'closed', 'open', 'alive', 'none']
    for key, sortkey in (('rank-verdict', lambda r: worst.index(r['verdict'])),
                         ('rank-gap', lambda r: -r['gap'])):
        ranked = sorted(p.rows, key=lambda r: r[key])
        if [r[key] for r in ranked] != list(range(len(p.rows))):
            bad.append('%s is not a permutation' % key)
        keys = [sortkey(r) for r in ranked]
        if keys != sorted(keys):
            bad.append('rows in %s order are not sorted' % key)
else:
    # The first MODE probers to start probing, in that order, and no other.
    first = []
    for e in ev:
        if e['event'] == 'probe' and e['flow'] not in first:
            first.append(e['flow'])
    n = int(mode)
    got = [r['flow'] for r in p.rows]
    if got != first[:n]:
        bad.append('rows %d, not the first %d probers: %s...' % (len(got), n, got[:3]))
for b in bad[:10]:
    print(b)
sys.exit(1 if bad else 0)
EOF

# check NAME: the page of replay NAME against its JSON, in Chromium, and
# its rows' ranks for the two orders.
check() {
	local name=$1
	report_dom "$T/$name.html" "$T/$name.dom" || fail "$name: chromium could not load the page"
	report_self_contained "$T/$name.html" "$T/$name.dom" || fail "$name: the page loads from outside"
	python3 "$T/match.py" "$T/$name.dom" "$T/$name.json" all ||
		fail "$name: the rows differ from the JSON, or their ranks from their order"
	assert_eq "$(jq -s '[.[] | select(.event == "verdict")] | length' "$T/$name.json")" \
		"$(dom_count "$T/$name.dom" 'data-kind="flow"')" "$name: rows against verdict events"
	assert_eq "$(jq -s '[.[] | select(.event == "cut")] | length' "$T/$name.json")" \
		"$(dom_count "$T/$name.dom" 'data-kind="cut"')" "$name: cut marks against cut events"
	grep -qF '#sort-verdict:checked~.flows>.flow{order:var(--rank-verdict)}' "$T/$name.html" &&
		grep -qF '#sort-gap:checked~.flows>.flow{order:var(--rank-gap)}' "$T/$name.html" ||
		fail "$name: no style sheet orders the rows by their ranks"
	assert_eq 1 "$(dom_count "$T/$name.dom" 'id="left-out"' 'data-count="0"')" \
		"$name: the left-out note, counting none"
}

# A real capture of both ends probing, with boxes that cut its idle gaps
# and timings under which it would have died.
replay_both both --middlebox 1s --middlebox aws-nlb --idle 1s --intvl 1s --probes 2 \
	pcaps/both-ends.pcap
check both
assert_gt "$(dom_count "$T/both.dom" 'data-kind="cut"')" 0 "both: cut marks"
assert_eq 1 "$(dom_count "$T/both.dom" 'data-kind="would-die"')" "both: would-die marks"
report_shot "$T/both.html" "$T/both.png" || fail "both: no screenshot"
png_not_blank "$T/both.png" || fail "both: the screenshot is blank"

# Every verdict and kind of answer: a synthetic capture (ACKs, data, RSTs,
# ICMP errors, silence), boxes cutting some flows' gaps, some refreshed by
# keep-alive.
"$SYNTH" -n 3000 -f 40 -k 100 --seed 3 -o "$T/s.pcap" 2>/dev/null || fail synthcap
replay_both synth --middlebox 5s --middlebox 20s "$T/s.pcap"
check synth
for v in alive dead reset unreachable; do
	assert_gt "$(dom_count "$T/synth.dom" "data-verdict=\"$v\"")" 0 "synth: $v rows"
done
for k in ack data rst icmp; do
	assert_gt "$(dom_count "$T/synth.dom" 'data-kind="answer"' "data-reply=\"$k\"")" 0 \
		"synth: $k answers"
done
for r in true false; do
	assert_gt "$(dom_count "$T/synth.dom" 'data-kind="cut"' "data-refreshed=\"$r\"")" 0 \
		"synth: cuts with refreshed=$r"
done
report_shot "$T/synth.html" "$T/synth.png" dark || fail "synth: no screenshot"
png_not_blank "$T/synth.png" || fail "synth: the dark screenshot is blank"

# More probed flows than a page draws: the first REPORT_MAX_FLOWS, and a
# note counting the others.
"$SYNTH" -n 20000 -f $((MAX_FLOWS + 150)) -k 100 --seed 4 -o "$T/many.pcap" 2>/dev/null ||
	fail synthcap
"$KAPROBE" replay --json --report "$T/many.html" "$T/many.pcap" >"$T/many.json" || fail "replay many"
probers=$(jq -s '[.[] | select(.event == "verdict")] | length' "$T/many.json")
assert_gt "$probers" "$MAX_FLOWS" "many: probers in the capture"
report_dom "$T/many.html" "$T/many.dom" || fail "many: chromium could not load the page"
assert_eq "$MAX_FLOWS" "$(dom_count "$T/many.dom" 'data-kind="flow"')" "many: rows"
assert_eq 1 "$(dom_count "$T/many.dom" 'id="left-out"' "data-count=\"$((probers - MAX_FLOWS))\"")" \
	"many: the left-out note's count"
python3 "$T/match.py" "$T/many.dom" "$T/many.json" "$MAX_FLOWS" || fail "many: the wrong rows"

# Markup in the capture's name (the page's subject and command line) stays
# text.
evil="$T/\"><b id=injected>x<b>.pcap"
cp pcaps/peer-reset.pcap "$evil"
"$KAPROBE" replay --report "$T/evil.html" "$evil" >/dev/null || fail "replay $evil"
report_dom "$T/evil.html" "$T/evil.dom" || fail "evil: chromium could not load the page"
assert_eq 0 "$(dom_count "$T/evil.dom" 'id="injected"')" "evil: an element from the file name"
grep -qF '&quot;&gt;&lt;b id=injected&gt;' "$T/evil.html" || fail "evil: the name is not shown escaped"

# So does the capture's own comment (pcapng, as editcap writes it), shown
# on the page as the file gives it.
comment='<b id=injected2>lab</b> & "tests" é'
editcap -F pcapng --capture-comment "$comment" pcaps/peer-reset.pcap "$T/comment.pcapng" ||
	fail "editcap --capture-comment"
"$KAPROBE" replay --report "$T/comment.html" "$T/comment.pcapng" >/dev/null || fail "replay comment"
report_dom "$T/comment.html" "$T/comment.dom" || fail "comment: chromium could not load the page"
assert_eq 0 "$(dom_count "$T/comment.dom" 'id="injected2"')" "comment: an element from the comment"
assert_eq "$comment" "$(python3 -c 'import html, re, sys
m = re.search(r"<q id=\"capture-comment\">(.*?)</q>", open(sys.argv[1]).read())
print(html.unescape(m.group(1)) if m else "")' "$T/comment.dom")" "comment: the text shown"
exit 0
