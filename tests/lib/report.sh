#!/bin/bash
# report.sh - open kaprobe's HTML reports (--report FILE.html) in headless
# Chromium and check them.  Source it: . tests/lib/report.sh
#
# Every function returns 0 when its check holds, and otherwise says why on
# stderr (one line, or the offenders) and returns non-zero, so
# that a test can write `report_dom r.html dom || fail ...` and the library's
# own tests (tests/report/t_lib.sh) can show that each check fails.
#
#   report_chromium ARGS...   Debian's chromium, headless, with ARGS, inside
#                             a new network namespace with no links (see below)
#   report_dom HTML OUT       the DOM after the page's scripts ran, into OUT
#   report_shot HTML PNG [dark]   a 1280 x REPORT_HEIGHT (2400) screenshot, in
#                             the light colour scheme or, with "dark", the dark
#   report_height HTML        prints the page's height in pixels at 1280 wide
#                             (at least 600): REPORT_HEIGHT for a screenshot of
#                             the whole page and no more
#   png_not_blank PNG         many colours, and a real share of pixels that are
#                             not the background (PNG_MIN_COLOURS 16,
#                             PNG_MIN_NONBG 0.002)
#   png_background PNG        prints the background (most frequent) colour,
#                             #rrggbb
#   png_dark_bg PNG / png_light_bg PNG   the background is dark / light
#   report_self_contained HTML [DOM]   nothing in the page (nor in the DOM
#                             Chromium made of it) loads anything from outside
#                             the file, and the page carries a CSP meta with
#                             default-src 'none' (tests/lib/htmlcheck.py says
#                             exactly what counts)
#   dom_count DOM ATTR...     prints how many elements have every ATTR in their
#                             start tag: name="value" or a bare name, e.g.
#                             dom_count dom 'data-kind="measure"' 'data-reply="none"'
#   dom_values DOM NAME [ATTR...]   prints attribute NAME of every element that
#                             has it and every ATTR, one per line, in document
#                             order: dom_values dom data-reply 'data-kind="measure"'
#   dom_text DOM              prints the text a reader sees (not title, script
#                             nor style), one text node per line
#
# Chromium contacts Google's services when it starts (component updates,
# safe browsing, ...), so it never runs in the host's network namespace: only
# under `unshare --net` (as root) or `unshare -rn` (as a user, through a user
# namespace), in a namespace whose only link is a loopback that is down.  If
# unshare fails, Chromium does not run at all.  It runs under timeout(1)
# (REPORT_TIMEOUT, 60 s), with a profile of its own that is removed after;
# its stderr (D-Bus complaints and the like) is shown only when it fails.

_REPORT_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_REPORT_ROOT=$(cd "$_REPORT_LIB/../.." && pwd)
REPORT_TIMEOUT=${REPORT_TIMEOUT:-60}
REPORT_HEIGHT=${REPORT_HEIGHT:-2400}
PNG_MIN_COLOURS=${PNG_MIN_COLOURS:-16}
PNG_MIN_NONBG=${PNG_MIN_NONBG:-0.002}

_report_err() { echo "report: $*" >&2; }

report_chromium() {
	local profile log rc netns
	command -v chromium >/dev/null || { _report_err "chromium not found (tools/install-deps.sh)"; return 1; }
	if [ "$(id -u)" -eq 0 ]; then
		netns=(unshare --net --)
	else
		netns=(unshare -rn --)
	fi
	profile=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-chromium.XXXXXX") || return 1
	log=$profile.log
	# The guard refuses to start Chromium unless the namespace holds
	# nothing but lo: unshare(1) itself would already have failed
	# otherwise, but this is the one place where a mistake would let a
	# browser onto the host's network.
	# shellcheck disable=SC2016 # expanded by the inner sh
	timeout -k 5 "$REPORT_TIMEOUT" "${netns[@]}" sh -c \
		'[ "$(ip -o link show | grep -c .)" = 1 ] && ip -o link show lo >/dev/null ||
			{ echo "not in a fresh network namespace: chromium not run" >&2; exit 1; }
		exec chromium "$@"' chromium \
		--headless --no-sandbox --disable-gpu --disable-background-networking \
		--no-first-run --no-default-browser-check --disable-sync \
		--user-data-dir="$profile" "$@" 2>"$log"
	rc=$?
	if [ $rc -ne 0 ]; then
		[ $rc -eq 124 ] && echo "timed out after ${REPORT_TIMEOUT}s" >>"$log"
		_report_err "chromium $* failed (exit $rc); its stderr:"
		sed 's/^/    /' "$log" >&2
	fi
	rm -rf "$profile" "$log"
	return $rc
}

# file:// URL of a file (Chromium needs an absolute path).
_report_url() {
	local abs
	abs=$(realpath -e -- "$1" 2>/dev/null) || { _report_err "$1: no such file"; return 1; }
	printf 'file://%s' "$abs"
}

report_dom() {
	local url
	url=$(_report_url "$1") || return 1
	rm -f -- "$2"
	report_chromium --dump-dom "$url" >"$2" || return 1
	grep -qi '<html' "$2" || { _report_err "$1: chromium's DOM dump ($2) has no <html>"; return 1; }
}

# Light is asked for explicitly too, so that a host whose theme is dark
# does not change the light screenshots.  preferredColorScheme is Blink's
# own setting (0 dark, 1 light); --force-dark-mode is Chromium's switch for
# the same.  Each alone gives a dark page with chromium 156; both are given
# so that one renamed in a later version still leaves the other, and
# tests/report/t_lib.sh checks the background really is dark.
report_shot() {
	local url png scheme=(--blink-settings=preferredColorScheme=1)
	url=$(_report_url "$1") || return 1
	case ${3:-} in
	'') ;;
	dark) scheme=(--force-dark-mode --blink-settings=preferredColorScheme=0) ;;
	*) _report_err "report_shot: '$3' is not 'dark'"; return 1 ;;
	esac
	png=$(realpath -m -- "$2")
	rm -f -- "$png"
	report_chromium --hide-scrollbars --window-size=1280,"$REPORT_HEIGHT" \
		"${scheme[@]}" --screenshot="$png" "$url" >/dev/null || return 1
	[ -s "$png" ] || { _report_err "$1: chromium wrote no screenshot $2"; return 1; }
}

# Measured on a copy of the page with a script added at its end, which
# writes the height of <html> into the DOM (a report's CSP allows inline
# script).  Not the viewport's: that of --dump-dom is not the window's size.
report_height() {
	local dir h
	[ -f "$1" ] || { _report_err "$1: no such file"; return 1; }
	dir=$(mktemp -d "${TMPDIR:-/tmp}/kaprobe-height.XXXXXX") || return 1
	{
		cat -- "$1"
		echo '<script>var e=document.documentElement;e.setAttribute("data-height",' \
			'Math.ceil(e.getBoundingClientRect().height))</script>'
	} >"$dir/page.html"
	report_chromium --window-size=1280,600 --dump-dom "file://$dir/page.html" >"$dir/dom" &&
		h=$(sed -n 's/.*<html[^>]* data-height="\([0-9][0-9]*\)".*/\1/p' "$dir/dom" | head -n1)
	rm -rf "$dir"
	[ -n "${h:-}" ] || { _report_err "$1: could not measure the page's height"; return 1; }
	echo $((h < 600 ? 600 : h))
}

# "WIDTH HEIGHT COLOURS NONBG_FRACTION bg=#rrggbb" (tools/pngstat.py; on
# a file it cannot read, it says why on stderr).
_png_stat() {
	python3 "$_REPORT_ROOT/tools/pngstat.py" "$1"
}

png_not_blank() {
	local stat w h colours nonbg bg
	stat=$(_png_stat "$1") || return 1
	read -r w h colours nonbg bg <<<"$stat"
	if [ "$colours" -lt "$PNG_MIN_COLOURS" ] ||
		! awk -v f="$nonbg" -v min="$PNG_MIN_NONBG" 'BEGIN { exit !(f >= min) }'; then
		_report_err "$1 looks blank: $colours colours (at least $PNG_MIN_COLOURS wanted)," \
			"$nonbg of its ${w}x$h pixels differ from the background ${bg#bg=}" \
			"(at least $PNG_MIN_NONBG wanted)"
		return 1
	fi
}

png_background() {
	local stat
	stat=$(_png_stat "$1") || return 1
	echo "${stat##*bg=}"
}

# The background's luma (ITU-R BT.709 weights on its 0-255 values), against
# a threshold: dark below 64, light above 192.
_png_luma() {
	local bg
	bg=$(png_background "$1") || return 1
	printf '%d %d %d\n' "0x${bg:1:2}" "0x${bg:3:2}" "0x${bg:5:2}" |
		awk '{ printf "%d\n", 0.2126 * $1 + 0.7152 * $2 + 0.0722 * $3 }'
}

png_dark_bg() {
	local l
	l=$(_png_luma "$1") || return 1
	[ "$l" -lt 64 ] || { _report_err "$1: background $(png_background "$1") is not dark (luma $l)"; return 1; }
}

png_light_bg() {
	local l
	l=$(_png_luma "$1") || return 1
	[ "$l" -gt 192 ] || { _report_err "$1: background $(png_background "$1") is not light (luma $l)"; return 1; }
}

# htmlcheck.py exits 1 with the offenders on stdout; anything else (a file
# it cannot read) it has said on stderr.
report_self_contained() {
	local out rc
	out=$(python3 "$_REPORT_LIB/htmlcheck.py" self-contained "$@")
	rc=$?
	if [ $rc -eq 1 ]; then
		_report_err "not self-contained:"
		sed 's/^/    /' <<<"$out" >&2
	fi
	[ $rc -eq 0 ]
}

dom_count() {
	python3 "$_REPORT_LIB/htmlcheck.py" count "$@"
}

dom_values() {
	python3 "$_REPORT_LIB/htmlcheck.py" values "$@"
}

dom_text() {
	python3 "$_REPORT_LIB/htmlcheck.py" text "$@"
}
