#!/usr/bin/env python3
"""delayrelay.py - the testbed router's forwarding, in user space, with a
fixed delay each way: a slow path (an RTT of hundreds of ms) where the
kernel has no netem (tools/testbed.sh tb_router_delay).

Runs in the router namespace with the kernel's forwarding off: every IPv4
or IPv6 frame that comes in on one veth addressed to the other side's
subnet is held for DELAY_MS and sent out of the other veth, with the
Ethernet ends rewritten and the TTL or hop limit decremented (as the
kernel's forwarding would).  ARP and neighbour discovery stay the
kernel's: the router keeps its addresses.

    delayrelay.py DELAY_MS IF_A IF_B PEER_MAC_A PEER_MAC_B NET_A... -- NET_B...

A frame from IF_A to an address in NET_B goes to PEER_MAC_B on IF_B, and
back.  It only ever sends on the two interfaces it is given, inside the
namespace it runs in.
"""
import heapq
import ipaddress
import select
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_IGNORE_OUTGOING = 23


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.setsockopt(263, PACKET_IGNORE_OUTGOING, 1)   # SOL_PACKET
    s.bind((name, 0))
    s.setblocking(False)
    with open(f"/sys/class/net/{name}/address") as f:
        mac = mac_bytes(f.read().strip())
    return s, mac


def checksum(data):
    if len(data) % 2:
        data = bytes(data) + b"\0"
    total = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def fix_tcp(pkt, off, end, pseudo):
    """A veth hands frames on with the TCP checksum left to the NIC
    (CHECKSUM_PARTIAL): write it whole, since these go out as raw frames."""
    if end - off < 20:
        return
    pkt[off + 16:off + 18] = b"\0\0"
    ph = pseudo + (end - off).to_bytes(4, "big") + b"\0\0\0\x06"
    pkt[off + 16:off + 18] = checksum(ph + bytes(pkt[off:end])).to_bytes(2, "big")


def forwarded(frame, nets):
    """The frame with its TTL decremented, or None when it is not ours to
    forward (another ethertype, another destination, TTL run out)."""
    kind = frame[12:14]
    pkt = bytearray(frame[14:])
    if kind == b"\x08\x00" and len(pkt) >= 20:
        dst = ipaddress.ip_address(bytes(pkt[16:20]))
        if pkt[8] <= 1 or not any(dst in n for n in nets):
            return None
        pkt[8] -= 1
        hl, tot = (pkt[0] & 0x0F) * 4, int.from_bytes(pkt[2:4], "big")
        pkt[10:12] = b"\0\0"
        pkt[10:12] = checksum(pkt[:hl]).to_bytes(2, "big")
        if pkt[9] == 6 and int.from_bytes(pkt[6:8], "big") & 0x3FFF == 0:
            fix_tcp(pkt, hl, tot, bytes(pkt[12:20]))
    elif kind == b"\x86\xdd" and len(pkt) >= 40:
        dst = ipaddress.ip_address(bytes(pkt[24:40]))
        if pkt[7] <= 1 or not any(dst in n for n in nets):
            return None
        pkt[7] -= 1
        if pkt[6] == 6:   # TCP right after the fixed header
            fix_tcp(pkt, 40, 40 + int.from_bytes(pkt[4:6], "big"), bytes(pkt[8:40]))
    else:
        return None
    return kind + bytes(pkt)


def main():
    args = sys.argv[1:]
    cut = args.index("--")
    delay = int(args[0]) / 1000.0
    if_a, if_b, peer_a, peer_b = args[1:5]
    nets_a = [ipaddress.ip_network(n) for n in args[5:cut]]
    nets_b = [ipaddress.ip_network(n) for n in args[cut + 1:]]
    sa, mac_a = open_if(if_a)
    sb, mac_b = open_if(if_b)
    # From A to B: frames for NET_B leave on B toward its peer, and back.
    route = {sa: (sb, mac_b, mac_bytes(peer_b), nets_b),
             sb: (sa, mac_a, mac_bytes(peer_a), nets_a)}
    held, n = [], 0
    while True:
        wait = max(0.0, held[0][0] - time.monotonic()) if held else None
        ready, _, _ = select.select([sa, sb], [], [], wait)
        for s in ready:
            out, mine, peer, nets = route[s]
            while True:
                try:
                    frame = s.recv(65536)
                except BlockingIOError:
                    break
                fw = forwarded(frame, nets) if len(frame) > 14 else None
                if fw is not None:
                    n += 1
                    heapq.heappush(held, (time.monotonic() + delay, n, out, peer + mine + fw))
        now = time.monotonic()
        while held and held[0][0] <= now:
            _, _, out, frame = heapq.heappop(held)
            try:
                out.send(frame)
            except OSError:
                pass


if __name__ == "__main__":
    main()
