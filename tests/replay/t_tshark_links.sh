#!/bin/bash
# test-timeout: 180
# (tshark, slow on a loaded 2-core machine: a guard, not a timing check.)
# t_tshark_links.sh - replay agrees with tshark on every link type of issue
# 9 and on super-segments whose IP length field says 0 (encap_lib.sh says
# what "agrees" means).  No root needed.
#
# Cases where Wireshark needs telling, or reads otherwise than libpcap:
#   - IPv6 BIG TCP without a Jumbo option (payload length 0): Wireshark
#     dissects it as TCP only with -o ipv6.tso_support:TRUE (default FALSE;
#     IPv4's ip.tso_support is TRUE).  kaprobe always takes the length from
#     the frame, so that case is checked with the option, and without it
#     the frame counts must differ by exactly those segments.
#   - LINKTYPE_IPOIB: libpcap's list gives a 4-byte header; Wireshark reads
#     a 40-byte pseudo GRH before it.  kaprobe reads what Wireshark reads.
. tests/integration/lib.sh
. tests/replay/encap_lib.sh

for lt in loop ppp ppp-hdlc chdlc fddi arcnet arcnet-linux wlan radiotap ppi pktap nflog \
	ipoib juniper; do
	synth "$lt" -l "$lt" --seed 31
	check "$lt"
done

# TSO / BIG TCP super-segments captured on the sender: IPv4 total length 0,
# IPv6 jumbograms (Hop-by-Hop Jumbo Payload), and some cut by a snaplen.
# A keep-alive right after one is at SND.NXT-1 only when its length is read.
synth tso4 --tso 30 -6 0 --seed 32
check tso4
synth tso6 --tso 30 -6 100 --seed 33
check tso6
synth tsosnap --tso 30 -s 120 --seed 34
check tsosnap
synth tso6zero --tso 30 -6 100 --tso6 zero --seed 35
check tso6zero -o ipv6.tso_support:TRUE
# Wireshark's default: those segments are not TCP to it (and only those).
tshark_frames tso6zero-default "$T/tso6zero.pcap" "$T/tso6zero.default"
nzero=$(tshark -n -r "$T/tso6zero.pcap" -Y 'ipv6.plen == 0' 2>/dev/null | wc -l)
[ "$nzero" -gt 0 ] || fail "tso6zero: no IPv6 frame with payload length 0 in the capture"
assert_eq "$(($(cat "$T/tso6zero.got.tcp") - nzero))" "$(cat "$T/tso6zero.default.tcp")" \
	"tso6zero: tshark's default TCP frames"
exit 0
