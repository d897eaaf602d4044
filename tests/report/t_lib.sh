#!/bin/bash
# test-timeout: 180
# (Chromium, slow on a loaded 2-core machine: a guard, not a timing check.)
# The report test library (tests/lib/report.sh) can fail: crafted pages that
# load from outside, lack the CSP, or render blank must fail its checks; a
# clean page with text and an SVG chart passes them; "dark" gives a dark
# background and the default a light one; dom_count, dom_values and
# dom_text read the DOM; Chromium is offline; a page that never loads is
# stopped; report_height measures a whole page; and a report kaprobe writes
# from a replay passes.  Chromium runs only under unshare (the library's
# doing).  Needs no privilege where user namespaces are allowed.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
. tests/lib/report.sh
KAPROBE=${KAPROBE:-./kaprobe}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/report-lib.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
err() { echo "FAIL: $*"; bad=1; }

CSP='<meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'; style-src '"'unsafe-inline'"'; script-src '"'unsafe-inline'"'">'
# page NAME HEAD-EXTRA BODY: a small page, with the CSP unless HEAD-EXTRA
# is "nocsp".
page() {
	local csp=$CSP
	[ "$2" = nocsp ] && csp=
	printf '<!DOCTYPE html>\n<html><head><meta charset="utf-8">%s%s\n<style>%s</style></head>\n<body>%s</body></html>\n' \
		"$csp" "$([ "$2" = nocsp ] || printf '%s' "$2")" \
		':root{color-scheme:light dark}html{background:#fff;color:#1b1f24}
@media (prefers-color-scheme:dark){html{background:#0d1117;color:#e6edf3}}
svg{width:100%;height:auto}' "$3" >"$tmp/$1.html"
}

chart='<h1>kaprobe audit <code>198.19.1.2:7001</code></h1>
<p>Idle timeout: answered after 4.753 s idle, not after 5.005 s.</p>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 300"><defs><linearGradient id="g"><stop offset="0" stop-color="#1a7f37"/><stop offset="1" stop-color="#cf222e"/></linearGradient></defs>
<rect x="300" y="20" width="120" height="240" fill="url(#g)" opacity=".3"/>
<line x1="40" y1="260" x2="780" y2="260" stroke="#8c959f" stroke-width="2"/>
<circle data-kind="measure" data-reply="ack" cx="120" cy="140" r="9" fill="#1a7f37"/>
<circle data-kind="measure" data-reply="ack" cx="300" cy="140" r="9" fill="#1a7f37"/>
<circle data-kind="measure" data-reply="none" cx="420" cy="140" r="9" fill="#cf222e"/>
<circle data-kind="refresh" data-reply="none" cx="600" cy="140" r="9" fill="#cf222e"/>
<text x="40" y="285">100 ms</text><text x="300" y="285">5 s</text><text x="700" y="285">2h4m</text></svg>
<p>The advice: <code>sysctl -w net.ipv4.tcp_keepalive_time=4</code></p>'

# Chromium sees no network: its only link, lo, is down (navigator.onLine is
# false when no interface is up).
page online '' '<p id="o">?</p><script>document.getElementById("o").textContent="online:"+navigator.onLine</script>'
report_dom "$tmp/online.html" "$tmp/online.dom" || err "report_dom of the onLine page failed"
grep -q '<p id="o">online:false</p>' "$tmp/online.dom" ||
	err "chromium thinks it is online: $(grep -o '<p id="o">[^<]*' "$tmp/online.dom")"
report_dom "$tmp/missing.html" "$tmp/missing.dom" 2>/dev/null && err "report_dom of a missing file succeeds"
# A page that never finishes loading: stopped at REPORT_TIMEOUT, and said.
page loop '' '<script>for(;;){}</script>'
if REPORT_TIMEOUT=3 report_dom "$tmp/loop.html" "$tmp/loop.dom" 2>"$tmp/loop.err"; then
	err "report_dom of a page that never loads succeeds"
else
	grep -q 'timed out after 3s' "$tmp/loop.err" || err "report_dom timed out without saying so: $(cat "$tmp/loop.err")"
fi

# Self-contained: each crafted page names its offender; the clean one passes.
page clean '' "$chart"
report_self_contained "$tmp/clean.html" || err "a clean page with an SVG chart is not self-contained"
page img '' "$chart<img src=\"http://x/\">"
page bgurl '' "<p style=\"background:url(x)\">a</p>"
page nocsp nocsp "$chart"
page import '<style>@import "x.css";</style>' "$chart"
page link '<link rel="stylesheet" href="x.css">' "$chart"
page script '' '<script src="x.js"></script>'
page dataurl '' '<img src="data:image/png;base64,AAAA">'
page weakcsp '<meta http-equiv="Content-Security-Policy" content="img-src https:">' "$chart"
page iframe '' '<iframe srcdoc="a"></iframe>'
page nsurl '' '<svg><image xlink:href="http://x/a.png"/></svg>'
page fetch '' '<script>fetch("http://x/")</script>'
page latecsp nocsp "$chart$CSP"
for t in img:http://x bgurl:url nocsp:"default-src 'none'" import:@import link:'<link>' \
	script:x.js dataurl:data: weakcsp:'img-src allows https:' iframe:'<iframe>' nsurl:xlink:href fetch:fetch \
	latecsp:'comes after <style>'; do
	name=${t%%:*} want=${t#*:}
	if out=$(report_self_contained "$tmp/$name.html" 2>&1); then
		err "page '$name' passes report_self_contained"
	else
		echo "# $name:$(sed -n 2p <<<"$out")"
		grep -qF -- "$want" <<<"$out" || err "page '$name': the offender '$want' is not named in: $out"
	fi
done
# The DOM is checked as well as the file: what a script adds counts.
page adds '' '<p id="p">a</p><script>var i=document.createElement("img");i.setAttribute("src","http://x/");document.body.appendChild(i)</script>'
report_self_contained "$tmp/adds.html" || err "the page that adds an image by script already fails as a file"
if report_dom "$tmp/adds.html" "$tmp/adds.dom"; then
	report_self_contained "$tmp/adds.html" "$tmp/adds.dom" 2>/dev/null &&
		err "an image added by script (in the DOM) passes report_self_contained"
else
	err "report_dom failed"
fi

# dom_count, on the DOM after scripts ran.
report_dom "$tmp/clean.html" "$tmp/clean.dom" || err "report_dom of the clean page failed"
[ "$(dom_count "$tmp/clean.dom" 'data-kind="measure"')" = 3 ] || err "dom_count: not 3 measure marks"
[ "$(dom_count "$tmp/clean.dom" 'data-kind="measure"' 'data-reply="none"')" = 1 ] ||
	err "dom_count: not 1 unanswered measure mark"
[ "$(dom_count "$tmp/clean.dom" 'data-reply')" = 4 ] || err "dom_count: not 4 marks with data-reply"
[ "$(dom_count "$tmp/clean.dom" 'data-kind="nothing"')" = 0 ] || err "dom_count: counts what is not there"
got=$(dom_values "$tmp/clean.dom" data-reply 'data-kind="measure"' | paste -sd,)
[ "$got" = ack,ack,none ] || err "dom_values data-reply of the measure marks: '$got', want ack,ack,none"
got=$(dom_values "$tmp/clean.dom" data-kind | paste -sd,)
[ "$got" = measure,measure,measure,refresh ] || err "dom_values data-kind: '$got'"
got=$(dom_text "$tmp/clean.dom")
grep -qx 'Idle timeout: answered after 4.753 s idle, not after 5.005 s.' <<<"$got" ||
	err "dom_text lacks the paragraph: $got"
grep -qx '2h4m' <<<"$got" || err "dom_text lacks the SVG's text: $got"
grep -q 'background\|color-scheme' <<<"$got" && err "dom_text holds the style sheet: $got"
page scripted '' '<div id="d"></div><script>for(var i=0;i<5;i++){var e=document.createElement("span");e.setAttribute("data-kind","made");document.getElementById("d").appendChild(e)}</script>'
report_dom "$tmp/scripted.html" "$tmp/scripted.dom" || err "report_dom of the scripted page failed"
[ "$(dom_count "$tmp/scripted.dom" 'data-kind="made"')" = 5 ] ||
	err "report_dom: the DOM is not the one after the page's script ran"

# Screenshots: blank fails, text and chart pass; dark is dark, light light.
page blank '' ''
report_shot "$tmp/blank.html" "$tmp/blank.png" || err "report_shot of a blank page failed"
png_not_blank "$tmp/blank.png" 2>/dev/null && err "a blank white page passes png_not_blank"
page square '' '<div style="width:600px;height:600px;background:#cf222e"></div>'
report_shot "$tmp/square.html" "$tmp/square.png" || err "report_shot of a red square failed"
png_not_blank "$tmp/square.png" 2>/dev/null && err "a page of one red square (2 colours) passes png_not_blank"
report_shot "$tmp/clean.html" "$tmp/clean.png" || err "report_shot of the clean page failed"
png_not_blank "$tmp/clean.png" || err "a page with text and an SVG chart is blank"
png_light_bg "$tmp/clean.png" || err "the default screenshot is not light"
png_dark_bg "$tmp/clean.png" 2>/dev/null && err "png_dark_bg passes a light page"
report_shot "$tmp/clean.html" "$tmp/dark.png" dark || err "report_shot dark failed"
png_dark_bg "$tmp/dark.png" || err "report_shot dark does not give a dark background"
png_not_blank "$tmp/dark.png" || err "the dark screenshot is blank"
echo "# light $(python3 tools/pngstat.py "$tmp/clean.png"); dark $(python3 tools/pngstat.py "$tmp/dark.png")"

# report_height: all of a page taller than any window, and no more.
page tall '' '<div style="height:3000px;background:#0969da"></div>'
sed -i 's/<body>/<body style="margin:0">/' "$tmp/tall.html"
[ "$(report_height "$tmp/tall.html")" = 3000 ] || err "report_height of a 3000 px page: $(report_height "$tmp/tall.html")"
[ "$(report_height "$tmp/blank.html")" = 600 ] || err "report_height of a blank page is not the minimum, 600"

# A report kaprobe writes (replay needs no network).
if "$KAPROBE" replay --report "$tmp/r.html" pcaps/linux-keepalive.pcap >/dev/null; then
	report_dom "$tmp/r.html" "$tmp/r.dom" || err "report_dom of the replay report failed"
	report_self_contained "$tmp/r.html" "$tmp/r.dom" || err "the replay report is not self-contained"
	report_shot "$tmp/r.html" "$tmp/r.png" || err "report_shot of the replay report failed"
	png_not_blank "$tmp/r.png" || err "the replay report's screenshot is blank"
	report_shot "$tmp/r.html" "$tmp/rd.png" dark || err "report_shot dark of the replay report failed"
	png_dark_bg "$tmp/rd.png" || err "the replay report in dark mode has no dark background"
else
	err "kaprobe replay --report failed"
fi
exit $bad
