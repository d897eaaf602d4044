#!/bin/bash
# demo.sh - kaprobe against a server in a private testbed: alive, reset, dead.
# Needs root; every packet stays inside the namespaces tools/testbed.sh makes.
set -u
cd "$(dirname "$0")/.." || exit 1
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: needs root: run make demo, which uses sudo when not root" >&2; exit 77; }
make -s kaprobe build/tools/tcpserver || exit 1
. tools/testbed.sh
tb_up || exit 1
PORT=7000
tb_start_server -p $PORT || exit 1

say() { printf '\n=== %s\n$ %s\n' "$1" "$2"; }

say "alive: the server answers every probe" \
	"kaprobe -c 3 --idle 1s --intvl 1s $TB_SRV4:$PORT"
tb_c ./kaprobe -c 3 --idle 1s --intvl 1s "$TB_SRV4:$PORT"
echo "(exit $?)"

say "reset: the server forgets the connection (its RST dropped), the next probe gets an RST" \
	"kaprobe --idle 2s [$TB_SRV6]:$PORT"
tb_c ./kaprobe --idle 2s "[$TB_SRV6]:$PORT" &
ka=$!
sleep 1
tb_server_drop_rst
kill -USR1 "$TB_SRV_PID"
sleep 0.3
tb_server_allow_rst
wait $ka
echo "(exit $?)"

say "dead: the router drops everything after the connection is up" \
	"kaprobe --idle 2s --intvl 1s --probes 3 $TB_SRV4:$PORT"
tb_c ./kaprobe --idle 2s --intvl 1s --probes 3 "$TB_SRV4:$PORT" &
ka=$!
sleep 1
tb_router_cut
wait $ka
echo "(exit $?)"
