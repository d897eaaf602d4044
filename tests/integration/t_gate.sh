#!/bin/bash
# Issue 23 item 1: what the kernel drops before TCP, kaprobe never acts on.
# A forger on the router writes whole Ethernet frames to the client (inject
# frame): RSTs at exactly RCV.NXT, each broken in one way the kernel's
# ip_rcv_core / ip6_rcv_core / tcp_v4_rcv / tcp_v6_rcv / ip_local_deliver
# drops: a bad TCP checksum, a bad IPv4 header checksum, an IPv4 total length
# past the frame or 0, More Fragments set (a lone first fragment), an IPv6
# payload length past the frame or 0, a destination MAC of another host.
# Oracle: the client's kernel.  Its connection lives on, its counters
# (nstat) move as the drops say and TcpEstabResets does not; kaprobe reports
# each as ignored with the gate's reason and goes on answered.  Then the
# same RST well formed (over IPv6 behind a Hop-by-Hop header): the kernel
# closes the connection and kaprobe says closed (exit 5): the forged frames
# reach both.
. tests/integration/lib.sh
PORT=7231
ka_setup $PORT
command -v nstat >/dev/null || fail "nstat (iproute2) not installed"
cmac=$(tb_c cat /sys/class/net/"$TB_C_IF"/address)
[ -n "$cmac" ] || fail "no MAC on the client's $TB_C_IF"

ctr() { tb_c nstat -asz "$1" | awk -v n="$1" '$1 == n { print $2 }'; }
COUNTERS="TcpInCsumErrors IpExtInCsumErrors IpInHdrErrors IpExtInTruncatedPkts IpReasmReqds
	Ip6InTruncatedPkts TcpEstabResets"
snap() { for c in $COUNTERS; do echo "$c $(ctr "$c")"; done >"$1"; }
delta() { # BEFORE AFTER NAME
	echo $(($(awk -v n="$3" '$1 == n { print $2 }' "$2") - $(awk -v n="$3" '$1 == n { print $2 }' "$1")))
}
acks() { json_count "$1" 'select(.event=="reply" and .kind=="ack")'; }
acks_ge() { [ "$(acks "$1")" -ge "$2" ]; }
reason_count() { json_count "$1" "select(.event==\"ignored\" and .reason==\"$2\")"; }

# run FAMILY SRC DST TARGET FORMS...: one connection, the broken RSTs, two
# more answered rounds, then the good RST (with --hbh over IPv6).
run() {
	local fam=$1 src=$2 dst=$3 target=$4 out=$TB_DIR/out$1.json cport pseq rcvnxt sndnxt
	shift 4
	KA_TIMEOUT=40 ka_start "$out" --idle 1s --intvl 1s --probes 3 --json "$target"
	ka_wait_connect "$out"
	cport=$(client_port $PORT)
	[ -n "$cport" ] || fail "no established connection to port $PORT in the client ns"
	ka_wait_event "$out" '.event=="reply" and .kind=="ack"' 5 || fail "IPv$fam: no answered probe"
	pseq=$(ka_probe_field "$out" .seq)
	rcvnxt=$(ka_probe_field "$out" .ack)
	sndnxt=$(seq_add "$pseq" 1)
	snap "$TB_DIR/before$fam"
	for form in "$@"; do
		inject_r frame --iface rc --dst-mac "$cmac" --form "$form" --src "$src" --dst "$dst" \
			--sport $PORT --dport "$cport" --seq "$rcvnxt" --ack "$sndnxt" --flags RA
	done
	sleep 0.3
	snap "$TB_DIR/after$fam"
	wait_until 6 acks_ge "$out" $(($(acks "$out") + 2)) ||
		{ kill "$(ka_pid)" 2>/dev/null; ka_wait; fail "IPv$fam: fewer than 2 ack replies after the broken RSTs"; }
	[ -n "$(client_port $PORT)" ] || fail "IPv$fam: the kernel's connection is gone after the broken RSTs"
	local hbh=
	[ "$fam" = 6 ] && hbh=--hbh
	inject_r frame --iface rc --dst-mac "$cmac" --form good $hbh --src "$src" --dst "$dst" \
		--sport $PORT --dport "$cport" --seq "$rcvnxt" --ack "$sndnxt" --flags RA
	ka_wait
	json_valid "$out"
	assert_eq 5 "$KA_RC" "IPv$fam: exit status (closed by the good RST at RCV.NXT)"
	assert_eq "" "$(client_port $PORT)" "IPv$fam: the kernel's connection after the good RST"
	assert_eq 0 "$(delta "$TB_DIR/before$fam" "$TB_DIR/after$fam" TcpEstabResets)" \
		"IPv$fam: TcpEstabResets for the broken RSTs"
}

run 4 "$TB_SRV4" "$TB_CLI4" "$TB_SRV4:$PORT" bad-tcp-csum bad-ip-csum ip-len-long ip-len-zero mf other-mac
o=$TB_DIR/out4.json b=$TB_DIR/before4 a=$TB_DIR/after4
assert_eq 2 "$(reason_count "$o" bad-checksum)" "IPv4: ignored bad-checksum (TCP, IP header)"
assert_eq 2 "$(reason_count "$o" bad-length)" "IPv4: ignored bad-length (past the frame, 0)"
assert_eq 1 "$(reason_count "$o" fragment)" "IPv4: ignored fragment"
assert_eq 1 "$(reason_count "$o" other-host)" "IPv4: ignored other-host"
assert_eq 1 "$(delta "$b" "$a" TcpInCsumErrors)" "IPv4: TcpInCsumErrors"
assert_eq 1 "$(delta "$b" "$a" IpExtInCsumErrors)" "IPv4: IpExtInCsumErrors"
assert_eq 1 "$(delta "$b" "$a" IpExtInTruncatedPkts)" "IPv4: IpExtInTruncatedPkts"
assert_eq 1 "$(delta "$b" "$a" IpReasmReqds)" "IPv4: IpReasmReqds"
assert_ge "$(delta "$b" "$a" IpInHdrErrors)" 2 "IPv4: IpInHdrErrors (checksum, length 0)"

run 6 "$TB_SRV6" "$TB_CLI6" "[$TB_SRV6]:$PORT" bad-tcp-csum plen-long plen-zero other-mac
o=$TB_DIR/out6.json b=$TB_DIR/before6 a=$TB_DIR/after6
assert_eq 1 "$(reason_count "$o" bad-checksum)" "IPv6: ignored bad-checksum"
assert_eq 2 "$(reason_count "$o" bad-length)" "IPv6: ignored bad-length (past the frame, 0)"
assert_eq 1 "$(reason_count "$o" other-host)" "IPv6: ignored other-host"
assert_eq 1 "$(delta "$b" "$a" TcpInCsumErrors)" "IPv6: TcpInCsumErrors"
assert_eq 1 "$(delta "$b" "$a" Ip6InTruncatedPkts)" "IPv6: Ip6InTruncatedPkts"
echo ok
