#!/bin/bash
# test-timeout: 90
# Issue 19: kaprobe watch on four targets at once, metrics on the client
# namespace's loopback:
#  - ALIVE (tcpserver): held, probes answered, never replaced;
#  - CUT (tcpserver): the router drops its port a few seconds in: verdict
#    dead, with a lifetime, then replacements that cannot connect;
#  - RESETS (tcpserver -i 1.5 -R): the server resets idle connections;
#  - PROXY (HAProxy, timeout client 2 s): the proxy closes idle connections.
# The metrics scraped with curl (text 0.0.4 and OpenMetrics) pass
# `promtool check metrics`; their verdict counts lie between the JSON
# events' before and after the scrape; a real Prometheus in the client
# namespace scrapes them and its HTTP API returns the series.  SIGTERM ends
# the run with exit 0 and the JSON summary.
. tests/integration/lib.sh
. tests/integration/proxy_lib.sh
ALIVE=7401 CUT=7402 RESETS=7403 BACKEND=7404 PROXY=9404
LISTEN=127.0.0.1:9464
ka_setup $ALIVE
tb_start_server -p $CUT || fail "second server"
tb_start_server -p $RESETS -i 1.5 -R || fail "resetting server"
tb_start_server -p $BACKEND || fail "backend server"
px_haproxy $PROXY $BACKEND 2
command -v promtool >/dev/null || fail "promtool not installed (tools/install-deps.sh)"
command -v curl >/dev/null || fail "curl not installed (tools/install-deps.sh)"
out=$TB_DIR/watch.json
metrics=$TB_DIR/metrics.txt
KA_TIMEOUT=80 ka_start "$out" watch --json --idle 1s --intvl 500ms --probes 3 \
	--backoff 500ms,2s --connect-timeout 1s --listen "$LISTEN" \
	"$TB_SRV4:$ALIVE" "$TB_SRV4:$CUT" "$TB_SRV4:$RESETS" "$TB_RTR4:$PROXY"
wait_until 10 tb_c curl -sf -o /dev/null "http://$LISTEN/metrics" || fail "no /metrics"
wait_until 10 grep -q "\"dst\":\"$TB_SRV4:$CUT\".*\"event\":\"reply\"\|\"event\":\"reply\".*\"dst\":\"$TB_SRV4:$CUT\"" "$out" ||
	fail "no answer on the CUT connection"
tb_router_nft tcp dport $CUT drop || fail "router rule"
wait_until 15 grep -q '"event":"verdict".*"verdict":"dead"' "$out" || fail "no dead verdict"
wait_until 15 grep -q '"event":"verdict".*"verdict":"closed".*"dst":"'"$TB_RTR4:$PROXY"'"\|"dst":"'"$TB_RTR4:$PROXY"'".*"verdict":"closed"' "$out" ||
	fail "the proxy's close"
sleep 2

# verdicts TARGET VERDICT: the JSON's count so far.
verdicts() {
	jq -s --arg d "$1" --arg v "$2" \
		'map(select(.event=="verdict" and .dst==$d and .verdict==$v)) | length' "$out" 2>/dev/null
}
# metric NAME LABELS: its value in the scrape.
metric() {
	awk -v k="$1{$2}" '$1 == k { print $2 }' "$metrics"
}
# probes TARGET: the JSON's probes sent so far (not those that could not leave).
probes() {
	jq -s --arg d "$1" 'map(select(.event=="probe" and .dst==$d and .error==null)) | length' "$out" 2>/dev/null
}
declare -A before
sent_before=$(probes "$TB_SRV4:$ALIVE")
for t in "$TB_SRV4:$CUT" "$TB_SRV4:$RESETS" "$TB_RTR4:$PROXY"; do
	for v in dead closed reset; do before[$t/$v]=$(verdicts "$t" $v); done
done
tb_c curl -sf "http://$LISTEN/metrics" -D "$TB_DIR/headers" -o "$metrics" || fail "scrape"
sleep 1
cat "$metrics"
assert_match 'text/plain; version=0.0.4' "$(cat "$TB_DIR/headers")" "Content-Type 0.0.4"
promtool check metrics <"$metrics" || fail "promtool check metrics (0.0.4)"
for t in "$TB_SRV4:$CUT" "$TB_SRV4:$RESETS" "$TB_RTR4:$PROXY"; do
	for v in dead closed reset; do
		m=$(metric kaprobe_verdicts_total "target=\"$t\",verdict=\"$v\"")
		assert_ge "$m" "${before[$t/$v]}" "$t $v: metric vs JSON before the scrape"
		assert_le "$m" "$(verdicts "$t" $v)" "$t $v: metric vs JSON after the scrape"
	done
done
m=$(metric kaprobe_probes_sent_total "target=\"$TB_SRV4:$ALIVE\"")
assert_ge "$m" "$sent_before" "ALIVE's probes: metric vs JSON before the scrape"
assert_le "$m" "$(probes "$TB_SRV4:$ALIVE")" "ALIVE's probes: metric vs JSON after the scrape"
assert_ge "$(metric kaprobe_verdicts_total "target=\"$TB_SRV4:$CUT\",verdict=\"dead\"")" 1 "CUT died"
assert_eq 0 "$(metric kaprobe_verdicts_total "target=\"$TB_SRV4:$ALIVE\",verdict=\"dead\"")" "ALIVE never died"
assert_eq 1 "$(metric kaprobe_connections_held "target=\"$TB_SRV4:$ALIVE\"")" "ALIVE held"
assert_eq 1 "$(metric kaprobe_connections_opened_total "target=\"$TB_SRV4:$ALIVE\"")" "ALIVE opened once"
assert_gt "$(metric kaprobe_probes_answered_total "target=\"$TB_SRV4:$ALIVE\"")" 0 "ALIVE answered"
assert_ge "$(metric kaprobe_probes_lost_total "target=\"$TB_SRV4:$CUT\"")" 3 "CUT's lost probes"
assert_ge "$(metric kaprobe_connection_lifetime_seconds_count "target=\"$TB_SRV4:$CUT\"")" 1 \
	"CUT's lifetime observed"
assert_gt "$(metric kaprobe_connection_lifetime_seconds_sum "target=\"$TB_SRV4:$CUT\"")" 2 \
	"CUT lived more than 2 s"
assert_ge "$(( $(metric kaprobe_verdicts_total "target=\"$TB_SRV4:$RESETS\",verdict=\"reset\"") + \
	$(metric kaprobe_verdicts_total "target=\"$TB_SRV4:$RESETS\",verdict=\"closed\"") ))" 1 "RESETS ended"
assert_ge "$(metric kaprobe_verdicts_total "target=\"$TB_RTR4:$PROXY\",verdict=\"closed\"")" 1 "PROXY closed"
assert_json "$out" 'map(select(.event=="verdict" and .verdict=="dead")) | all(.lived_s > 2 and .retry_s > 0)' \
	"dead verdicts say how long the connection lived and when it is replaced"
assert_match 'kaprobe_build_info\{version="[0-9.]+"\} 1' "$(cat "$metrics")" "build_info"
promtool check rules docs/watch-rules.yml || fail "promtool check rules docs/watch-rules.yml"
(cd docs && promtool check config watch-prometheus.yml) || fail "promtool check config"

note "OpenMetrics"
tb_c curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' \
	"http://$LISTEN/metrics" -D "$TB_DIR/headers.om" -o "$metrics.om" || fail "OM scrape"
assert_match 'application/openmetrics-text; version=1.0.0' "$(cat "$TB_DIR/headers.om")" "OM type"
assert_eq '# EOF' "$(tail -n1 "$metrics.om")" "OM ends with # EOF"
assert_match '# TYPE kaprobe_verdicts counter' "$(cat "$metrics.om")" "OM counter family"
assert_match '# UNIT kaprobe_connection_lifetime_seconds seconds' "$(cat "$metrics.om")" "OM unit"
assert_eq 404 "$(tb_c curl -s -o /dev/null -w '%{http_code}' "http://$LISTEN/")" "/ is 404"

note "--listen on a port in use"
KA_TIMEOUT=10 ka_run "$TB_DIR/busy" watch --listen "$LISTEN" "$TB_SRV4:$ALIVE"
assert_eq 69 "$KA_RC" "exit status when --listen cannot listen"
assert_match "cannot listen on $LISTEN: Address already in use" "$(cat "$TB_DIR/busy.err")" "the line"

note "a real Prometheus in the client namespace"
cat >"$TB_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: kaprobe
    static_configs:
      - targets: ['$LISTEN']
EOF
tb_c prometheus --config.file="$TB_DIR/prometheus.yml" --storage.tsdb.path="$TB_DIR/prom" \
	--web.listen-address=127.0.0.1:9090 >"$TB_DIR/prometheus.log" 2>&1 &
PROM=$!
TB_PIDS="$TB_PIDS $PROM"
query() {
	tb_c curl -sf "http://127.0.0.1:9090/api/v1/query" --data-urlencode "query=$1" 2>/dev/null
}
got_series() {
	[ "$(query "$1" | jq -r '.data.result | length' 2>/dev/null)" -ge "${2:-1}" ] 2>/dev/null
}
wait_until 30 got_series 'kaprobe_verdicts_total{verdict="dead"} > 0' ||
	{ tail -20 "$TB_DIR/prometheus.log"; fail "Prometheus has no dead verdict series"; }
got_series 'up{job="kaprobe"} == 1' || fail "the scrape target is not up"
got_series 'kaprobe_connections_held' 4 || fail "held connections of four targets"
got_series 'kaprobe_connection_lifetime_seconds_bucket{le="+Inf"}' 4 || fail "lifetime histograms"
kill "$PROM"
wait "$PROM" 2>/dev/null

note "SIGTERM"
kill -TERM "$(ka_pid)"
ka_wait
assert_eq 0 "$KA_RC" "exit status after SIGTERM"
json_valid "$out"
assert_json "$out" '.[-1].event == "summary"' "the summary ends the run"
echo ok
