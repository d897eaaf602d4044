#!/bin/bash
# kaprobe's probe must look like the one Linux's own keep-alive timer sends
# (tcp_xmit_probe_skb): compare the kernel's probe (tools/kaclient, captured
# in the client ns) with kaprobe's (-w) on an equivalent connection to the
# same server: no banner, timestamps on.
. tests/integration/lib.sh
PORT=7209
ka_setup $PORT

kcap=$TB_DIR/kernel.pcapng
cap_start "$TB_C" "$TB_C_IF" "$kcap" "tcp port $PORT"
assert_exit 0 tb_c build/tools/kaclient -i 1 -t 1 -n 3 -d 2 "$TB_SRV4" $PORT
cap_stop

kpcap=$TB_DIR/kaprobe.pcap
out=$TB_DIR/out.json
ka_run "$out" -c 1 --idle 1s --intvl 1s --probes 3 --json -w "$kpcap" "$TB_SRV4:$PORT"
assert_eq 0 "$KA_RC" "kaprobe exit status"

FIELDS=(tcp.stream tcp.flags tcp.len tcp.seq tcp.seq_raw tcp.ack tcp.window_size_value
	ip.flags.df tcp.options.timestamp.tsval tcp.options.timestamp.tsecr tcp.hdr_len
	tcp.options frame.number)
# probe_of FILE: the fields of the first Keep-Alive from the client.
probe_of() {
	pcap_fields "$1" "tcp.analysis.keep_alive && ip.src==$TB_CLI4" "${FIELDS[@]}" | head -n1
}
# field NAME LINE: one field of a probe_of line.
field() {
	local i
	for i in "${!FIELDS[@]}"; do
		if [ "${FIELDS[$i]}" = "$1" ]; then
			cut -f$((i + 1)) <<<"$2"
			return
		fi
	done
	fail "no field $1"
}

k=$(probe_of "$kcap")
p=$(probe_of "$kpcap")
note "kernel probe:  $k"
note "kaprobe probe: $p"
[ -n "$k" ] || fail "no kernel keep-alive in the capture"
[ -n "$p" ] || fail "no kaprobe keep-alive in its -w file"

for f in tcp.flags tcp.len tcp.seq tcp.ack tcp.window_size_value ip.flags.df tcp.hdr_len; do
	assert_eq "$(field $f "$k")" "$(field $f "$p")" "$f: kernel vs kaprobe"
done
assert_eq 0x0010 "$(field tcp.flags "$p")" "probe flags (ACK only)"
assert_eq 0 "$(field tcp.len "$p")" "probe length"
assert_eq 0 "$(field tcp.seq "$p")" "relative seq (ISN+1-1)"
assert_eq 1 "$(field tcp.ack "$p")" "relative ack (nothing received)"

# seq_raw == the SYN's seq_raw: nothing was sent, so SND.UNA-1 == ISN.
for pair in "$kcap:$k" "$kpcap:$p"; do
	file=${pair%%:*}
	line=${pair#*:}
	stream=$(field tcp.stream "$line")
	syn=$(pcap_fields "$file" "tcp.stream==$stream && tcp.flags.syn==1 && tcp.flags.ack==0" tcp.seq_raw)
	assert_eq "$syn" "$(field tcp.seq_raw "$line")" "probe seq_raw == SYN seq_raw ($file)"
done

# Timestamps: present in both, same option layout (kinds and lengths).
[ -n "$(field tcp.options.timestamp.tsval "$k")" ] || fail "kernel probe has no TSval"
[ -n "$(field tcp.options.timestamp.tsval "$p")" ] || fail "kaprobe probe has no TSval"
layout() {	# the options hex with the 8 timestamp bytes blanked
	local hex ts
	hex=$(field tcp.options "$1" | tr -d ':')
	ts=$(printf '%08x%08x' "$(field tcp.options.timestamp.tsval "$1")" \
		"$(field tcp.options.timestamp.tsecr "$1")")
	echo "${hex/$ts/<ts>}"
}
assert_eq "$(layout "$k")" "$(layout "$p")" "TCP option layout"
assert_match '080a<ts>' "$(layout "$p")" "timestamp option"

# The probe's TSval is newer than that of the client's last earlier segment,
# and its TSecr echoes the server's last TSval (TS.Recent).
for pair in "$kcap:$k" "$kpcap:$p"; do
	file=${pair%%:*}
	line=${pair#*:}
	stream=$(field tcp.stream "$line")
	num=$(field frame.number "$line")
	prev=$(pcap_fields "$file" "tcp.stream==$stream && ip.src==$TB_CLI4 && frame.number < $num" \
		tcp.options.timestamp.tsval | tail -n1)
	[ -n "$prev" ] || fail "no earlier client segment ($file)"
	assert_gt "$(field tcp.options.timestamp.tsval "$line")" "$prev" \
		"probe TSval > last earlier client TSval ($file)"
	srv=$(pcap_fields "$file" "tcp.stream==$stream && ip.src==$TB_SRV4 && frame.number < $num" \
		tcp.options.timestamp.tsval | tail -n1)
	assert_eq "$srv" "$(field tcp.options.timestamp.tsecr "$line")" \
		"probe TSecr == server's last TSval ($file)"
done
echo ok
