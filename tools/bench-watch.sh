#!/bin/bash
# bench-watch.sh - kaprobe watch over a long run (make bench-watch; not in
# make test).  Prints figures; asserts nothing.
#
#   tools/bench-watch.sh        1,000 connections for 10 minutes
#   CONNS=N DURATION=SECONDS tools/bench-watch.sh
#
# In the testbed (every packet stays in namespaces this script makes): ten
# tcpservers in the server namespace, one `kaprobe watch` in the client
# namespace with --conns CONNS/10 to each, short timers (--idle 2s --intvl
# 1s --probes 3) and its metrics on the client namespace's loopback.  Every
# FAULT_EVERY seconds the router drops one server's port for 10 s, in turn:
# its connections die and are replaced after their back-off.  Prints, after
# the connections are up and at the end: kaprobe's RSS, its CPU time, the
# probes sent (from the metrics); then the CPU per probe over the run, the
# verdicts and replacements, and the scrape latency (curl's time_total over
# one scrape every 10 s, p50 and max).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
N=${CONNS:-1000}
DURATION=${DURATION:-600}
FAULT_EVERY=${FAULT_EVERY:-60}
SERVERS=10
PER=$(( (N + SERVERS - 1) / SERVERS ))
LISTEN=127.0.0.1:9466

[ "$(id -u)" -eq 0 ] || { echo "bench-watch.sh: needs root (network namespaces)" >&2; exit 1; }
. tools/testbed.sh
tb_up || exit 1
ulimit -n "$(ulimit -Hn)" 2>/dev/null
targets=()
for i in $(seq $SERVERS); do
	tb_start_server -p $((7700 + i)) || exit 1
	targets+=("$TB_SRV4:$((7700 + i))")
done
# A copy: a rebuild of ./kaprobe during the run does not touch it.
cp kaprobe "$TB_DIR/kaprobe"
ip netns exec "$TB_C" "$TB_DIR/kaprobe" watch -q --json --conns "$PER" --connect-rate 500 \
	--idle 2s --intvl 1s --probes 3 --backoff 500ms,10s --connect-timeout 2s \
	--listen "$LISTEN" "${targets[@]}" >"$TB_DIR/watch.json" 2>"$TB_DIR/watch.err" &
KPID=$!
TB_PIDS="$TB_PIDS $KPID"

scrape() { tb_c curl -sf -o "$TB_DIR/metrics" -w '%{time_total}\n' "http://$LISTEN/metrics"; }
# sum NAME: the sum of a metric's samples over every target.
sum() { awk -v n="$1" 'index($1, n "{") == 1 { s += $2 } END { printf "%d", s }' "$TB_DIR/metrics"; }
# cpu: kaprobe's user + system time so far, in clock ticks.
cpu() { awk '{ print $14 + $15 }' "/proc/$KPID/stat"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$KPID/status"; }

for i in $(seq 120); do
	scrape >/dev/null 2>&1 && [ "$(sum kaprobe_connections_held)" -ge "$((PER * SERVERS))" ] && break
	sleep 0.5
done
sleep 3   # the first rounds: the figures start from a steady state
scrape >/dev/null
rss0=$(rss) cpu0=$(cpu) sent0=$(sum kaprobe_probes_sent_total) t0=$SECONDS
echo "start: $(sum kaprobe_connections_held) connections held, RSS ${rss0} kB, probes sent $sent0"

: >"$TB_DIR/latency"
fault=0 next_fault=$((t0 + FAULT_EVERY)) next_scrape=$t0
while [ $((SECONDS - t0)) -lt "$DURATION" ] && kill -0 "$KPID" 2>/dev/null; do
	if [ "$SECONDS" -ge "$next_fault" ]; then
		port=$((7701 + fault % SERVERS))
		tb_r nft add rule inet kaprobe forward tcp dport $port drop
		sleep 10
		tb_r nft flush chain inet kaprobe forward
		fault=$((fault + 1)) next_fault=$((next_fault + FAULT_EVERY))
	fi
	if [ "$SECONDS" -ge "$next_scrape" ]; then
		scrape >>"$TB_DIR/latency"
		next_scrape=$((next_scrape + 10))
	fi
	sleep 1
done
sleep 12   # the last fault's replacements
scrape >/dev/null
rss1=$(rss) cpu1=$(cpu) sent1=$(sum kaprobe_probes_sent_total)
hz=$(getconf CLK_TCK)
echo "end after $((SECONDS - t0)) s: $(sum kaprobe_connections_held) connections held, RSS ${rss1} kB, probes sent $sent1"
echo "faults: $fault (each drops one server's port for 10 s)"
echo "verdicts: $(awk 'index($1, "kaprobe_verdicts_total{") == 1 && $2 > 0 {
	match($1, /verdict="[^"]*"/); v[substr($1, RSTART + 9, RLENGTH - 10)] += $2 }
	END { for (k in v) printf "%s %d, ", k, v[k] }' "$TB_DIR/metrics")opened $(sum kaprobe_connections_opened_total)"
awk -v c0="$cpu0" -v c1="$cpu1" -v s0="$sent0" -v s1="$sent1" -v hz="$hz" -v t="$((SECONDS - t0))" 'BEGIN {
	cpu = (c1 - c0) / hz
	printf "CPU: %.2f s over %d s (%.2f%% of one core), %.1f us per probe (%d probes)\n",
		cpu, t, 100 * cpu / t, (s1 > s0) ? 1e6 * cpu / (s1 - s0) : 0, s1 - s0 }'
sort -n "$TB_DIR/latency" | awk '{ v[NR] = $1 } END {
	printf "scrape latency: %d scrapes, p50 %.1f ms, max %.1f ms (%d bytes)\n",
		NR, 1000 * v[int((NR + 1) / 2)], 1000 * v[NR], 0 }' |
	sed "s/(0 bytes)/($(wc -c <"$TB_DIR/metrics") bytes)/"
kill -TERM "$KPID"
wait "$KPID"
echo "kaprobe exit $? after SIGTERM; $(wc -l <"$TB_DIR/watch.json") JSON lines (-q: verdicts and the summary)"
