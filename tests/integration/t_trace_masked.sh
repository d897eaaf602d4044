#!/bin/bash
# test-timeout: 120
# kaprobe trace through two routers where r2 sends no ICMP errors at all
# (its output chain drops them): hop 2 is silent after three probes, which
# the trace reports ("from": null, tries 3) and goes on to the peer at hop 3.
# With --timeouts, hop 1 is seen only through hop 2's answers, so it is
# reported masked; hop 2 is seen through the peer's, and neither router
# keeps state: nothing forgets an idle flow up to --max-idle (exit 0).
# With --report: the silent hop and the masked one on the page as in the
# JSON (trace_report_lib.sh); an interrupted run's page says so.
. tests/integration/lib.sh
. tests/integration/trace_report_lib.sh
PORT=7424
ka_setup $PORT
tb_add_router2 || fail "tb_add_router2"
printf 'table inet quiet {\n\tchain output {\n\t\ttype filter hook output priority 0; policy accept;\n\t\tmeta l4proto { icmp, ipv6-icmp } counter drop\n\t}\n}\n' |
	tb_r2 nft -f - || fail "r2 output chain"
out=$TB_DIR/out.json
html=$TB_DIR/trace.html
KA_TIMEOUT=100 ka_run "$out" trace --json --timeouts --max-idle 3s --report "$html" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "exit status"
json_valid "$out"
assert_json "$out" 'map(select(.event=="hop" and .ttl==2))[0] |
	.from==null and .reply=="none" and .by==null and .rtt_ms==null and .tries==3' 'hop 2 silent after 3 probes'
assert_json "$out" 'map(select(.event=="hop" and .ttl==3))[0] | .reply=="ack" and .by=="peer"' \
	'hop 3: the peer'
assert_json "$out" 'map(select(.event=="hop-timeout" and .hop==1))[0] |
	.masked==true and .alive_s==null and .dead_s==null and .measurements==0' 'hop 1 masked'
assert_json "$out" 'map(select(.event=="hop-timeout" and .hop==2))[0] |
	.masked==false and .from==null and .dead_s==null and .alive_s>=2.5' \
	'hop 2: seen through the peer, keeps idle flows up to --max-idle'
assert_eq false "$(json_field "$out" 'select(.event=="trace-summary")' .forgets)" "forgets"
assert_match 'counter packets [1-9]' "$(tb_r2 nft list chain inet quiet output)" \
	"r2 kept its ICMP errors"
trace_report_check "$out" "$html"

# SIGINT during the timeout phase: the fates already found are out, then an
# interrupted summary, exit 4.
KA_TIMEOUT=60 ka_start "$out" trace --json --timeouts --max-idle 30s --report "$html" "$TB_SRV4:$PORT"
wait_until 20 grep -q '"event":"fate"' "$out" || fail "no fate event within 20 s"
sleep 1
kill -INT "$(ka_pid)" || fail "SIGINT"
ka_wait
assert_eq 4 "$KA_RC" "exit status (interrupted)"
json_valid "$out"
assert_eq interrupted "$(json_field "$out" 'select(.event=="trace-summary")' .result)" "result"
assert_eq 1 "$(json_count "$out" 'select(.event=="trace-summary")')" "one summary"
assert_eq 1 "$(dom_count "$html" 'data-kind="summary"' 'data-result="interrupted"')" \
	"the page of the interrupted run"
assert_eq "$(json_count "$out" 'select(.event=="fate")')" "$(dom_count "$html" 'data-kind="fate"')" \
	"the interrupted run's fates on the page"
echo ok
