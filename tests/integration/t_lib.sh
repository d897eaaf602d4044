#!/bin/bash
# The assertion helpers must be able to fail (each case runs in a child bash
# that sources lib.sh; the failing ones must exit non-zero).
. tests/integration/lib.sh

must_fail() {
	bash -c ". tests/integration/lib.sh; $1" >/dev/null 2>&1 &&
		fail "did not fail: $1"
	return 0
}
must_pass() {
	bash -c ". tests/integration/lib.sh; $1" >/dev/null 2>&1 ||
		fail "failed: $1"
}

f=$(mktemp)
trap 'rm -f "$f"' EXIT
printf '%s\n' '{"event":"probe","t":0.5,"n":1}' '{"event":"probe","t":1.5,"n":2}' \
	'{"event":"verdict","t":2,"verdict":"alive"}' >"$f"

must_fail 'fail boom'
must_fail 'assert_eq 1 2'
must_pass 'assert_eq 1 1'
must_fail 'assert_ne a a'
must_fail 'assert_ge 1 2'
must_pass 'assert_ge 2 2'
must_fail 'assert_ge x 2'
must_fail 'assert_gt 1.5 1.5'
must_pass 'assert_gt 0.01 0'
must_fail 'assert_exit 0 false'
must_pass 'assert_exit 3 bash -c "exit 3"'
must_fail 'assert_match "^a" b'
must_fail "assert_json $f 'map(select(.event==\"probe\")) | length == 3'"
must_pass "assert_json $f 'map(select(.event==\"probe\")) | length == 2'"
must_fail "assert_json $f 'not valid jq'"
must_pass "json_valid $f"
echo 'not json' >"$f.bad"
must_fail "json_valid $f.bad"
echo '{"t":1}' >"$f.noev"
must_fail "json_valid $f.noev"
rm -f "$f.bad" "$f.noev"
assert_eq 2 "$(json_count "$f" 'select(.event=="probe")')" json_count
assert_eq 0 "$(json_count "$f" 'select(.event=="reply")')" "json_count none"
assert_eq alive "$(json_field "$f" 'select(.event=="verdict")' .verdict)" json_field
assert_eq 2 "$(json_field "$f" 'select(.event=="probe" and .n==2)' .n)" "json_field n"
echo ok
