#!/bin/bash
# t_tshark_forms.sh - the header variants of issue 9's link types that
# tools/synthcap does not write (compressed PPP protocols, 802.11 with four
# addresses or HT control, null and protected 802.11 frames, radiotap data
# padding and FCS, an ARCNET exception packet, Juniper extensions and no
# link header), hand-made here: kaprobe finds TCP in exactly the frames
# tshark does.  No root needed.
. tests/integration/lib.sh
. tests/replay/encap_lib.sh

# Hand-made frames for the header variants synthcap does not write: each
# file's frames hold one IPv4 TCP segment behind the variant's headers, and
# kaprobe must decode TCP in exactly the frames tshark does.
# mkpcap FILE LINKTYPE HEX...: one frame per hex string, after the segment
# is appended to each.
# IPv4 (50 bytes, TTL 9, TCP), TCP (ACK), 10 bytes of data; checksums
# right, as replay checks them the kernel's way (decode/gate.h).
SEGHEX=450000321234400009064b900a0000010a000002
SEGHEX+=9c4001bb0102030400000000501003e89b84000078787878787878787878
mkpcap() {
	local f=$1 lt=$2
	shift 2
	perl -e 'my ($lt, $seg, @fr) = @ARGV;
		print pack("VvvVVVV", 0xa1b2c3d4, 2, 4, 0, 0, 65535, $lt);
		my $i = 0;
		for my $h (@fr) { $h =~ s/\s//g; my $b = pack("H*", $h . $seg);
			print pack("VVVV", 1700000000 + $i++, 0, length $b, length $b), $b; }' \
		"$lt" "$SEGHEX" "$@" >"$f" || fail "cannot write $f"
}
# hand NAME LINKTYPE WANT HEX...: tshark and kaprobe both find TCP in WANT
# frames (tshark's frames are counted outside ICMP as in encap_lib.sh).
hand() {
	local name=$1 lt=$2 want=$3 got
	shift 3
	mkpcap "$T/$name.pcap" "$lt" "$@"
	tshark_frames "$name" "$T/$name.pcap" "$T/$name.want"
	kaprobe_frames "$name" "$T/$name.pcap" "$T/$name.got"
	assert_eq "$want" "$(cat "$T/$name.want.tcp")" "$name: tshark's TCP frames"
	assert_eq "$want" "$(cat "$T/$name.got.tcp")" "$name: kaprobe's TCP frames"
	note "$name: TCP in $want of $# frames, as tshark"
}
MAC=020000000001
SNAP=aaaa030000000800
# PPP: protocol compressed or not, with and without FF 03.
hand ppp_forms 9 4 21 ff0321 ff030021 0021
# PPP_HDLC holding PPP and Cisco HDLC.
hand ppp_hdlc_forms 50 3 ff0321 ff030021 0f000800
# 802.11: 4 addresses (QoS or not), QoS with HT control; null data and a
# protected frame are not TCP.
hand wlan_forms 105 3 "8803 0000 $MAC$MAC$MAC 0000 $MAC 0000 $SNAP" \
	"0803 0000 $MAC$MAC$MAC 0000 $MAC $SNAP" "8881 0000 $MAC$MAC$MAC 0000 0000 00000000 $SNAP" \
	"4801 0000 $MAC$MAC$MAC 0000 $SNAP" "0841 0000 $MAC$MAC$MAC 0000 $SNAP"
# Radiotap: data padding after a QoS header, and an FCS flag.
RT=000009000200000020 RTF=000009000200000030
hand radiotap_forms 127 2 "$RT 8801 0000 $MAC$MAC$MAC 0000 0000 0000 $SNAP" \
	"$RTF 0801 0000 $MAC$MAC$MAC 0000 $SNAP"
# ARCNET on BSD: an exception packet; on Linux: RFC 1051 IP.
hand arcnet_forms 7 2 0102d4000009 0102d4ffffffd4000009
hand arcnet_linux_forms 129 1 01020000f0
# Juniper: an extension TLV; no link header (protocol 2, IPv4).
hand juniper_forms 178 2 "4d474381 0006 0104 00000007 $MAC$MAC 0800" "4d474302 02000000"
exit 0
