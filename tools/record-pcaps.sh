#!/bin/bash
# record-pcaps.sh - record the reference captures in pcaps/ from real runs in
# the testbed (tools/testbed.sh): Linux's own keep-alive, kaprobe answered,
# reset, dead, a firewall that drops probes, garbage-byte, IPv6, no
# timestamps, Linux cooked ("-i any") captures, SLL and SLL2, and both ends
# of a connection using Linux's keep-alive.
#
#   sudo tools/record-pcaps.sh [OUTDIR [FILE...]]   (default: pcaps/, all)
#
# Every scenario builds its own namespaces and tears them down; every packet
# goes to addresses inside them (198.18.0.0/15, fd00:ca5e::/32).  Each capture
# is an independent dumpcap recording (pcap format; the SLL2 one pcapng,
# dumpcap's own format), filtered to the scenario's port.  The probes come
# after ~1 s of idle (2 s for the reset and dead cases, so the script can act
# first).  After each one the script lists tshark's Keep-Alive and
# Keep-Alive ACK frames and checks that the capture shows the scenario; it
# exits 1 if any check fails.  The frame numbers it prints are the ones
# tests/replay/expected.tsv needs: re-recording means updating that file.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
OUT=${1:-pcaps}
shift 2>/dev/null
ONLY=" $* "   # the captures to record, when named
[ "$(id -u)" -eq 0 ] || { echo "record-pcaps.sh: needs root" >&2; exit 77; }
for t in ip nft dumpcap tshark; do
	command -v $t >/dev/null || { echo "record-pcaps.sh: $t missing (tools/install-deps.sh)" >&2; exit 1; }
done
if ! make -s kaprobe build/tools/tcpserver build/tools/kaclient >/dev/null 2>&1; then
	if ! [ -x kaprobe ] || ! [ -x build/tools/tcpserver ] || ! [ -x build/tools/kaclient ]; then
		echo "record-pcaps.sh: make failed" >&2
		exit 1
	fi
	echo "record-pcaps.sh: warning: make failed; recording with the existing binaries" >&2
fi
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd) || exit 1
. tools/testbed.sh

KAPROBE=$ROOT/kaprobe
KACLIENT=$ROOT/build/tools/kaclient

# cap_start NS IFACE FILE FILTER [DUMPCAP-ARGS...]: dumpcap in the background
# (pcap format, or pcapng when FILE ends in .pcapng), back once it writes.
# cap_stop: flush and stop it.
cap_start() {
	local ns=$1 ifc=$2 file=$3 filter=$4
	shift 4
	rm -f "$file"
	local fmt=-P
	[ "${file##*.}" = pcapng ] && fmt=-n
	ip netns exec "$ns" dumpcap -q "$fmt" -i "$ifc" -f "$filter" "$@" -w "$file" \
		2>"$TB_DIR/dumpcap.log" &
	CAP_PID=$!
	for _ in $(seq 50); do
		[ -s "$file" ] && { sleep 0.2; return 0; }
		sleep 0.1
	done
	cat "$TB_DIR/dumpcap.log" >&2
	return 1
}
cap_stop() { sleep 0.5; kill -INT "$CAP_PID"; wait "$CAP_PID"; }

# Run a kaprobe in the client namespace, bounded.
ka() { timeout -k 2 30 ip netns exec "$TB_C" "$KAPROBE" "$@"; }

# Wait up to 3 s for an ESTABLISHED connection to PORT in the client ns.
established() {
	for _ in $(seq 30); do
		[ -n "$(tb_c ss -Htn state established "( dport = :$1 )")" ] && return 0
		sleep 0.1
	done
	echo "no connection to port $1" >&2
	return 1
}

# --- scenarios: each runs in its own subshell and testbed; $1 = file, $2 = port

rec_linux_keepalive() {
	tb_start_server -p "$2" && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	# Probes at 1, 2, 3 s after the handshake; killed at 3.5 s -> FIN.
	ip netns exec "$TB_C" "$KACLIENT" -i 1 -t 1 -n 3 -d 30 "$TB_SRV4" "$2" &
	established "$2" || return 1
	sleep 3.5
	kill $!; wait $! 2>/dev/null
	cap_stop
}

rec_kaprobe_answered() {
	tb_start_server -p "$2" && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	ka -c 3 --idle 1s --intvl 1s "$TB_SRV4:$2"
	cap_stop
}

rec_peer_reset() {
	tb_start_server -p "$2" && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	ka --idle 2s --intvl 1s --probes 3 "$TB_SRV4:$2" &
	established "$2" || return 1
	# The server forgets the connection: its abort RST never leaves.
	tb_server_drop_rst && kill -USR1 "$TB_SRV_PID" && sleep 0.5 && tb_server_allow_rst
	wait $!
	echo "kaprobe exit $? (2 = reset)"
	cap_stop
}

rec_silent_peer_dead() {
	tb_start_server -p "$2" && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	# Idle 2 s leaves time to cut the path before the first probe.
	ip netns exec "$TB_C" "$KACLIENT" -i 2 -t 1 -n 3 -d 30 "$TB_SRV4" "$2" &
	established "$2" && tb_router_cut || return 1
	wait $!
	echo "kaclient exit $? (2 = died)"
	cap_stop
}

rec_firewall_drops_probes() {
	# The router drops the client's pure ACKs of 52 bytes (20 IP + 32 TCP with
	# timestamps: exactly a probe), once the flow has sent 2 packets (SYN and
	# the handshake's ACK, which is also 52 bytes).  Needs conntrack counters.
	tb_router_nft ip saddr "$TB_CLI4" tcp dport "$2" tcp flags == ack \
		ip length 52 ct original packets \> 2 counter drop || return 1
	tb_r sysctl -qw net.netfilter.nf_conntrack_acct=1 || return 1
	tb_start_server -p "$2" && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	ka --idle 1s --intvl 1s --probes 3 "$TB_SRV4:$2"
	echo "kaprobe exit $? (1 = dead)"
	cap_stop
	echo "router rule: $(tb_r nft list chain inet kaprobe forward | grep -o 'counter packets [0-9]*')"
}

rec_garbage_byte() {
	tb_start_server -p "$2" && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	ka -c 2 --idle 1s --intvl 1s --garbage-byte "$TB_SRV4:$2"
	cap_stop
}

rec_ipv6() {
	tb_start_server -p "$2" && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	ka -c 3 --idle 1s --intvl 1s "[$TB_SRV6]:$2"
	cap_stop
}

rec_no_timestamps() {
	tb_server_sysctl net.ipv4.tcp_timestamps 0 || return 1
	tb_start_server -p "$2" && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	ka -c 3 --idle 1s --intvl 1s "$TB_SRV4:$2"
	cap_stop
}

rec_any_interface() {
	# dumpcap -i any: Linux cooked capture, LINKTYPE_LINUX_SLL (113).
	tb_start_server -p "$2" && cap_start "$TB_C" any "$1" "tcp port $2" || return 1
	ka -c 3 --idle 1s --intvl 1s "$TB_SRV4:$2"
	cap_stop
}

rec_any_interface_sll2() {
	# The same with LINKTYPE_LINUX_SLL2 (276), in dumpcap's own pcapng format.
	tb_start_server -p "$2" && cap_start "$TB_C" any "$1" "tcp port $2" -y LINUX_SLL2 || return 1
	ka -c 3 --idle 1s --intvl 1s "$TB_SRV4:$2"
	cap_stop
}

rec_both_ends() {
	# The client probes after 1 s idle, the server after 3 s.  A probe is
	# out of window for its receiver, which answers it without counting it
	# as received: neither end's probes hold off the other's.  The client
	# is killed at 7.5 s -> FIN.
	tb_start_server -p "$2" -k 3 && cap_start "$TB_C" veth0 "$1" "tcp port $2" || return 1
	ip netns exec "$TB_C" "$KACLIENT" -i 1 -t 1 -n 3 -d 30 "$TB_SRV4" "$2" &
	established "$2" || return 1
	sleep 7.5
	kill $!; wait $! 2>/dev/null
	cap_stop
}

# --- checks -------------------------------------------------------------------

# One line per frame: number, source port, flags, relative seq, ack, length,
# KA (keep-alive) or -, KAACK (keep-alive ACK) or -.
frames() {
	tshark -n -r "$1" -T fields -E occurrence=f -e frame.number -e tcp.srcport \
		-e tcp.flags -e tcp.seq -e tcp.ack -e tcp.len \
		-e tcp.analysis.keep_alive -e tcp.analysis.keep_alive_ack 2>/dev/null |
	awk -F'\t' -v OFS='\t' '{ $7 = ($7 != "") ? "KA" : "-"; $8 = ($8 != "") ? "KAACK" : "-"; print }'
}

# check FILE PORT MODE N: the capture shows N keep-alives from the client and
# MODE: "ack" every probe is answered at once by the server's ACK of probe
# seq + 1; "rst" the (single) probe is answered by the server's RST; "none" no
# server frame after the first probe until the client's RST or FIN; "both"
# N keep-alives from either end, some from each, every one answered at once
# by the other end's ACK of probe seq + 1.
check() {
	frames "$1" | awk -F'\t' -v port="$2" -v mode="$3" -v want="$4" '
	function rst(f) { return substr(f, 6, 1) ~ /[4-7c-f]/ }
	function fin(f) { return substr(f, 6, 1) ~ /[13579bdf]/ }
	{ n = NR; src[n] = $2; fl[n] = $3; seq[n] = $4; ack[n] = $5; ka[n] = ($7 == "KA") }
	END {
		bad = 0
		for (i = 1; i <= n; i++) {
			if (!ka[i]) continue
			probes++
			if (src[i] == port) { server++; if (mode != "both") { print "keep-alive from the server: frame " i; bad = 1 } }
			if (mode == "both" && !(src[i+1] != src[i] && ack[i+1] == seq[i] + 1)) {
				print "probe frame " i ": frame " i+1 " is not its ACK"; bad = 1 }
			if (!first) first = i
			if (mode == "ack" && !(src[i+1] == port && fl[i+1] == "0x0010" && ack[i+1] == seq[i] + 1)) {
				print "probe frame " i ": frame " i+1 " is not its ACK"; bad = 1 }
			if (mode == "rst" && !(src[i+1] == port && rst(fl[i+1]))) {
				print "probe frame " i ": frame " i+1 " is not an RST from the server"; bad = 1 }
		}
		if (probes != want) { print "keep-alives: " probes ", want " want; bad = 1 }
		if (mode == "both" && (server == 0 || server == probes)) { print "keep-alives from one end only"; bad = 1 }
		if (mode == "none") {
			for (i = first + 1; i <= n && !(src[i] != port && (rst(fl[i]) || fin(fl[i]))); i++)
				if (src[i] == port) { print "server frame " i " after the first probe"; bad = 1 }
			if (i > n) { print "the client never sent an RST or FIN"; bad = 1 }
		}
		exit bad
	}'
}

failed=0
# record FILE PORT MODE N: record OUTDIR/FILE with rec_NAME (FILE is NAME.pcap
# or NAME.pcapng), check it.
record() {
	local name=${1%.*} port=$2 mode=$3 n=$4 f=$OUT/$1 fn=rec_${1%.*}
	fn=${fn//-/_}
	[ "$ONLY" = "  " ] || [[ $ONLY == *" $1 "* ]] || return 0
	echo "=== $1"
	( tb_up && $fn "$f" "$port" ) || { echo "FAILED: recording $name"; failed=1; return; }
	chmod 644 "$f"
	echo "link type: $(capinfos -t -E "$f" 2>/dev/null | sed -n 's/^File \(type\|encapsulation\): *//p' | xargs)," \
		"$(stat -c %s "$f") bytes"
	echo "keep-alive frames:     $(tshark -n -r "$f" -Y tcp.analysis.keep_alive -T fields -e frame.number 2>/dev/null | xargs)"
	echo "keep-alive ACK frames: $(tshark -n -r "$f" -Y tcp.analysis.keep_alive_ack -T fields -e frame.number 2>/dev/null | xargs)"
	tshark -n -r "$f" 2>/dev/null | sed 's/^/  /'
	if check "$f" "$port" "$mode" "$n"; then
		echo "check: ok ($n probes, $mode)"
	else
		echo "FAILED: check of $name"
		failed=1
	fi
}

record linux-keepalive.pcap          7401 ack  3
record kaprobe-answered.pcap         7402 ack  3
record peer-reset.pcap               7403 rst  1
record silent-peer-dead.pcap         7404 none 3
record firewall-drops-probes.pcap    7405 none 3
record garbage-byte.pcap             7406 ack  2
record ipv6.pcap                     7407 ack  3
record no-timestamps.pcap            7408 ack  3
record any-interface.pcap            7409 ack  3
record any-interface-sll2.pcapng     7410 ack  3
record both-ends.pcap                7411 both 9
[ $failed -eq 0 ] && echo "all captures recorded and checked in $OUT"
exit $failed
