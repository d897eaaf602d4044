#!/bin/bash
# trace_report_lib.sh - the trace's HTML report (kaprobe trace --report)
# checked against the same run's JSON events, for t_trace_*.sh.  Source it
# from the repo root after lib.sh:
#   . tests/integration/lib.sh; . tests/integration/trace_report_lib.sh
#
#   trace_report_check JSON HTML
#       HTML, opened in headless Chromium (tests/lib/report.sh: only inside
#       a network namespace of its own), has as many hop, fate and
#       hop-timeout elements as JSON has events, each event's element with
#       its values: a hop's TTL, reply and changed fields; a fate's variant,
#       reply and last hop; a hop timeout's bracket, as the JSON writes it
#       (compared as text, digit for digit), also as the page's text; and
#       the summary's result.  The page loads nothing from outside, and its
#       screenshot is not blank.
. "$_LIB_DIR/../lib/report.sh"

# _tr_each JSON DOM KIND JQ: for each event, JQ builds its attributes
# (name="value"; null for none); each event's are exactly one element of
# data-kind KIND in DOM.
_tr_each() {
	local dom=$2 kind=$3 lines attrs
	lines=$(jq -r "$4 | map(select(. != null)) | join(\"\t\")" "$1") ||
		fail "jq '$4' failed on $1"
	[ -n "$lines" ] || return 0
	while IFS=$'\t' read -r -a attrs; do
		assert_eq 1 "$(dom_count "$dom" "data-kind=\"$kind\"" "${attrs[@]}")" \
			"$kind elements with ${attrs[*]}"
	done <<<"$lines"
}

# The bracket of each "hop-timeout" line as the JSON writes it: "HOP ALIVE
# DEAD", null as "-" (jq would rewrite 5.980 as 5.98).
_tr_brackets() {
	grep '"event":"hop-timeout"' "$1" | sed -E \
		's/.*"hop":([0-9]+).*"alive_s":([0-9.]+|null).*"dead_s":([0-9.]+|null).*/\1 \2 \3/;
		 s/null/-/g'
}

trace_report_check() {
	local json=$1 html=$2 dom=$TB_DIR/trace-report.dom png=$TB_DIR/trace-report.png
	local hop alive dead kind
	assert_file "$html" "the report $html"
	report_dom "$html" "$dom" || fail "chromium could not open $html"
	report_self_contained "$html" "$dom" || fail "$html loads something from outside"
	report_shot "$html" "$png" || fail "no screenshot of $html"
	png_not_blank "$png" || fail "the screenshot of $html is blank"
	for kind in hop fate hop-timeout; do
		assert_eq "$(json_count "$json" "select(.event==\"$kind\")")" \
			"$(dom_count "$dom" "data-kind=\"$kind\"")" "$kind elements"
	done
	_tr_each "$json" "$dom" hop 'select(.event=="hop") | ["data-ttl=\"\(.ttl)\"",
		"data-reply=\"\(.reply)\"",
		(if .changed then "data-changed=\"\(.changed | join(" "))\"" else null end)]'
	_tr_each "$json" "$dom" fate 'select(.event=="fate") | ["data-variant=\"\(.variant)\"",
		"data-reply=\"\(.reply)\"", "data-last-hop=\"\(.last_hop // "")\""]'
	while read -r hop alive dead; do
		[ "$alive" = - ] && alive=
		[ "$dead" = - ] && dead=
		assert_eq 1 "$(dom_count "$dom" 'data-kind="hop-timeout"' "data-hop=\"$hop\"" \
			"data-alive=\"$alive\"" "data-dead=\"$dead\"")" "hop-timeout $hop: $alive $dead"
		[ -z "$alive" ] || grep -qF "<span class=\"alive\">$alive</span>" "$dom" ||
			fail "hop-timeout $hop: $alive is not in the page's text"
		[ -z "$dead" ] || grep -qF "<span class=\"dead\">$dead</span>" "$dom" ||
			fail "hop-timeout $hop: $dead is not in the page's text"
	done < <(_tr_brackets "$json")
	assert_eq 1 "$(dom_count "$dom" 'data-kind="summary"' "data-result=\"$(json_field "$json" \
		'select(.event=="trace-summary")' .result)\"")" "the summary's result"
}
