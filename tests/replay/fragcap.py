#!/usr/bin/env python3
"""fragcap.py - synthetic captures of IP fragments and of the encapsulations
tshark decodes, for t_tshark_frags.sh.

    fragcap.py DIR

writes DIR/CASE.pcap for every case below.  Each holds a few TCP
conversations (handshake, data, keep-alive probes and their ACKs, FIN)
between addresses of 198.18.0.0/15 and fd00::/8, every packet with true
checksums, put on the wire as the case says: fragmented (in order, out of
order, with duplicates, one datagram never completed), inside GRE
variants, 6in4, PPPoE sessions, Cisco HDLC with SLARP, Linux cooked
headers.  The output is a pure function of this file.
"""
import os
import struct
import sys

# ---- checksums and headers --------------------------------------------------


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def v4(a):
    return bytes(int(x) for x in a.split("."))


def v6(tail):
    """fd00::TAIL (TAIL a small number)."""
    return b"\xfd" + b"\0" * 13 + struct.pack("!H", tail)


def ipv4(src, dst, proto, payload, ident, fo=0, ttl=64):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, fo, ttl, proto, 0,
                    src, dst)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim, src, dst) + payload


def tcp(src, dst, sport, dport, seq, ack, flags, data=b""):
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65000, 0, 0)
    seg = h + data
    ph = src + dst + (struct.pack("!BBH", 0, 6, len(seg)) if len(src) == 4
                      else struct.pack("!IxxxB", len(seg), 6))
    c = csum(ph + seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


# ---- fragmentation ------------------------------------------------------------


def frag4(pkt, sizes):
    """The IPv4 packet cut into fragments of these payload sizes (the last
    takes the rest), in order."""
    ihl = (pkt[0] & 15) * 4
    src, dst, proto, ident = pkt[12:16], pkt[16:20], pkt[9], struct.unpack("!H", pkt[4:6])[0]
    pay, out, off = pkt[ihl:], [], 0
    for i, n in enumerate(sizes + [len(pkt) - ihl]):
        piece = pay[off:off + n]
        last = off + len(piece) >= len(pay)
        out.append(ipv4(src, dst, proto, piece, ident, (0 if last else 0x2000) | off // 8))
        off += len(piece)
        if last:
            break
    return out


def frag6(pkt, sizes, ident):
    """The IPv6 packet (no extension headers) cut into fragments with a
    Fragment header."""
    src, dst, nh, pay = pkt[8:24], pkt[24:40], pkt[6], pkt[40:]
    out, off = [], 0
    for n in sizes + [len(pay)]:
        piece = pay[off:off + n]
        last = off + len(piece) >= len(pay)
        fh = struct.pack("!BBHI", nh, 0, off | (0 if last else 1), ident)
        out.append(ipv6(src, dst, 44, fh + piece))
        off += len(piece)
        if last:
            break
    return out


# ---- conversations --------------------------------------------------------------


class Conv:
    """A TCP conversation's IP packets, with their times."""

    def __init__(self, six, c, s, sport, t0):
        self.six, self.c, self.s, self.sport, self.t = six, c, s, sport, t0
        self.seq = [1000 * sport, 7000 * sport]
        self.ident = (sport * 16) & 0xFFFF
        self.pkts = []

    def send(self, d, flags, data=b"", seq=None, dt=0.01):
        src, dst = (self.c, self.s) if d == 0 else (self.s, self.c)
        sp, dp = (self.sport, 80) if d == 0 else (80, self.sport)
        s = self.seq[d] if seq is None else seq
        ack = self.seq[1 - d] if flags & 0x10 else 0
        seg = tcp(src, dst, sp, dp, s & 0xFFFFFFFF, ack & 0xFFFFFFFF, flags, data)
        self.ident = (self.ident + 1) & 0xFFFF
        pkt = ipv6(src, dst, 6, seg) if self.six else ipv4(src, dst, 6, seg, self.ident)
        self.t += dt
        self.pkts.append((self.t, pkt))
        if seq is None:
            self.seq[d] += len(data) + (1 if flags & 0x03 else 0)
        return len(self.pkts) - 1

    def script(self, big=2800, probes=3):
        """Handshake, two big data segments each way, probes, FIN."""
        self.send(0, 0x02)
        self.send(1, 0x12)
        self.send(0, 0x10)
        for i in range(2):
            self.send(0, 0x18, bytes([65 + i]) * big)
            self.send(1, 0x10)
            self.send(1, 0x18, bytes([97 + i]) * (big // 2))
            self.send(0, 0x10)
        for i in range(probes):
            self.send(0, 0x10, seq=self.seq[0] - 1, dt=5)
            self.send(1, 0x10)
        self.send(0, 0x11, dt=1)
        self.send(1, 0x11)
        self.send(0, 0x10)
        return self


def convs(n, six, base=0):
    out = []
    for i in range(n):
        if six:
            c, s = v6(0x100 + base + i), v6(0x200 + base + i)
        else:
            c, s = v4("198.18.0.%d" % (10 + base + i)), v4("198.19.0.%d" % (10 + base + i))
        out.append(Conv(six, c, s, 40000 + base + i, 0.001 * (base + i)).script())
    return out


def merged(cs):
    """Every conversation's packets, by time."""
    return sorted((p for c in cs for p in c.pkts), key=lambda p: p[0])


# ---- fragmenting a stream -----------------------------------------------------------


def fragmented(pkts, mode):
    """Each big packet (and every third probe) in fragments; mode says how:
    inorder, reverse, dup (one fragment twice), lost (the middle one of
    the first big packet never sent, sent whole later)."""
    out, lost_done = [], False
    for k, (t, p) in enumerate(pkts):
        six = p[0] >> 4 == 6
        small = len(p) < (60 if six else 41) + 2
        if len(p) < 1000 and not (small and k % 3 == 0):
            out.append((t, p))
            continue
        sizes = [1232, 1232] if len(p) >= 1000 else [8, 8]
        fr = frag6(p, sizes, 0x10000 + k) if six else frag4(p, sizes)
        if mode == "reverse":
            fr = fr[::-1]
        elif mode == "dup":
            fr = fr[:1] + fr[:1] + fr[1:]
        elif mode == "lost" and not lost_done and len(fr) > 2:
            lost_done = True
            out += [(t + i * 1e-4, f) for i, f in enumerate(fr) if i != 1]
            out.append((t + 0.2, p))   # the retransmission, whole
            continue
        out += [(t + i * 1e-4, f) for i, f in enumerate(fr)]
    return out


# ---- links and tunnels ---------------------------------------------------------------

MAC_A, MAC_B = b"\x02\0\0\0\0\x01", b"\x02\0\0\0\0\x02"
T4A, T4B = v4("198.18.200.1"), v4("198.18.200.2")


def eth(payload, etype):
    return MAC_B + MAC_A + struct.pack("!H", etype) + payload


def ether_ip(p):
    return eth(p, 0x86DD if p[0] >> 4 == 6 else 0x0800)


def gre(p, flags=0, proto=None, key=None, seq=None, six=False, outer_id=[0]):
    """p in GRE with these optional fields, in IPv4 (or IPv6) on Ethernet."""
    proto = proto if proto is not None else (0x86DD if p[0] >> 4 == 6 else 0x0800)
    h = struct.pack("!HH", flags, proto)
    if flags & 0x8000:
        h += b"\0\0\0\0"
    if flags & 0x2000:
        h += struct.pack("!I", key)
    if flags & 0x1000:
        h += struct.pack("!I", seq)
    body = h + p
    if flags & 0x8000:
        c = csum(body)
        body = body[:4] + struct.pack("!H", c) + body[6:]
    outer_id[0] += 1
    if six:
        return eth(ipv6(v6(0xA1), v6(0xA2), 47, body), 0x86DD)
    return eth(ipv4(T4A, T4B, 47, body, outer_id[0]), 0x0800)


def gre_routed(p):
    """GRE with RFC 1701's routing: checksum and offset fields, then one
    IPv4 source route entry and the null entry that ends the list."""
    proto = 0x86DD if p[0] >> 4 == 6 else 0x0800
    sre = struct.pack("!HBB", 0x0800, 0, 4) + T4B + struct.pack("!HBB", 0, 0, 0)
    body = struct.pack("!HHHH", 0x4000, proto, 0, 0) + sre + p
    return eth(ipv4(T4A, T4B, 47, body, 1), 0x0800)


def pptp(p, seq, compress=False):
    """PPTP's enhanced GRE (RFC 2637): version 1, key = payload length and
    call id, a sequence number; PPP inside, with or without FF 03."""
    ppp = (b"\x21" if compress else b"\xff\x03\x00\x21") + p
    h = struct.pack("!HHHHI", 0x3001, 0x880B, len(ppp), 7, seq)
    return eth(ipv4(T4A, T4B, 47, h + ppp, seq & 0xFFFF), 0x0800)


def pppoe_session(p, sid=0x1234):
    proto = 0x0057 if p[0] >> 4 == 6 else 0x0021
    body = struct.pack("!H", proto) + p
    return struct.pack("!BBHH", 0x11, 0, sid, len(body)) + body


def udp4(sport, dport, payload, ident):
    """UDP in IPv4 on Ethernet, with its checksum."""
    u = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(T4A + T4B + struct.pack("!BBH", 0, 17, len(u)) + u) or 0xFFFF
    return eth(ipv4(T4A, T4B, 17, u[:6] + struct.pack("!H", c) + u[8:], ident), 0x0800)


def l2tp(p, k):
    """L2TPv2 data: flags and version, a length (L) and Ns, Nr (S) on
    every other packet, tunnel and session ids, PPP with FF 03."""
    ppp = b"\xff\x03" + struct.pack("!H", 0x0057 if p[0] >> 4 == 6 else 0x0021) + p
    if k % 2:
        h = struct.pack("!HHHHHH", 0x4802, 12 + len(ppp), 5, 9, k & 0xFFFF, 0)
    else:
        h = struct.pack("!HHH", 0x0002, 5, 9)
    return udp4(1701, 1701, h + ppp, k & 0xFFFF)


def teredo(p, k):
    """IPv6 in Teredo, an origin indication on every other packet."""
    origin = struct.pack("!HH4s", 0, 0xFFFF ^ 3544, b"\x3f\xed\xff\xfe") if k % 2 else b""
    return udp4(3544, 50000 + k % 7, origin + p, k & 0xFFFF)


def sll(payload, proto, ptype=0):
    return struct.pack("!HHH8sH", ptype, 1, 6, MAC_A + b"\0\0", proto) + payload


def sll2(payload, proto, ptype=0):
    return struct.pack("!HHIHBB8s", proto, 0, 2, 1, ptype, 6, MAC_A + b"\0\0") + payload


# ---- pcap --------------------------------------------------------------------------


def write(path, linktype, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for t, b in frames:
            sec, us = int(t), int(round((t - int(t)) * 1e6))
            f.write(struct.pack("<IIII", 1700000000 + sec, us, len(b), len(b)) + b)


def wrap(pkts, fn):
    return [(t, fn(p)) for t, p in pkts]


def cases():
    m4, m6 = merged(convs(3, False)), merged(convs(3, True, 10))
    both = sorted(m4 + m6, key=lambda p: p[0])
    c = {}
    for mode in ("inorder", "reverse", "dup", "lost"):
        c["frag-" + mode] = (1, wrap(fragmented(both, mode), ether_ip))
    # 6in4 whose outer IPv4 is fragmented on a 1280-byte path.
    outer = [(t, ipv4(T4A, T4B, 41, p, (k + 1) & 0xFFFF)) for k, (t, p) in enumerate(m6)]
    c["6in4-frag"] = (1, wrap(fragmented(outer, "inorder"), ether_ip))
    c["6in4"] = (1, wrap(outer, ether_ip))
    seqs = list(range(len(both)))
    c["gre-csum-key-seq"] = (1, [(t, gre(p, 0xB000, key=77, seq=k))
                                 for k, (t, p) in enumerate(both)])
    c["gre-ipv6"] = (1, wrap(both, lambda p: gre(p, 0x2000, key=5, six=True)))
    c["gre-teb"] = (1, wrap(both, lambda p: gre(ether_ip(p), 0x2000, proto=0x6558, key=9)))
    c["gre-frag"] = (1, [(t, ether_ip(f)) for t, p in both
                         for f in (frag4(gre(p)[14:], [1232]) if len(p) > 1300
                                   else [gre(p)[14:]])])
    c["gre-inner-frag"] = (1, wrap(fragmented(both, "reverse"), lambda p: gre(p, 0x2000, key=3)))
    c["pptp"] = (1, [(t, pptp(p, k, compress=k % 2 == 1)) for k, (t, p) in enumerate(m4)])
    # WCCP redirection: GRE type 0x883E, IPv4 inside, after WCCPv2's
    # 4-byte redirect header or (v1) straight.
    c["wccp"] = (1, [(t, gre((b"\x00\x01\x02\x03" if k % 2 else b"") + p, proto=0x883E))
                     for k, (t, p) in enumerate(m4)])
    c["gre-routing"] = (1, wrap(both, gre_routed))
    # PPPoE: discovery, LCP echo, then sessions carrying IPv4 and IPv6.
    padi = eth(struct.pack("!BBHH", 0x11, 0x09, 0, 4) + b"\x01\x01\x00\x00", 0x8863)
    lcp = eth(struct.pack("!BBHHH", 0x11, 0, 0x1234, 10, 0xC021) + b"\x09\x01\x00\x08" + b"\0" * 4,
              0x8864)
    pe = [(0.0, padi), (0.0001, lcp)] + wrap(fragmented(both, "inorder"),
                                          lambda p: eth(pppoe_session(p), 0x8864))
    c["pppoe"] = (1, pe)
    c["pppoe-vlan"] = (1, wrap(both, lambda p: eth(struct.pack("!HH", 100, 0x8864) +
                                                  pppoe_session(p), 0x8100)))
    # Cisco HDLC (DLT_C_HDLC 104): SLARP keepalives and CDP among the IP.
    slarp = b"\x8f\x00\x80\x35" + struct.pack("!IIIH", 2, 1, 2, 0xFFFF) + b"\0\0\0\0"
    cdp = b"\x8f\x00\x20\x00" + b"\x02\xb4\x00\x00"
    ch = wrap(fragmented(both, "reverse"),
              lambda p: b"\x0f\x00" + struct.pack("!H", 0x86DD if p[0] >> 4 == 6 else 0x0800) + p)
    hd = []
    for k, fr in enumerate(ch):
        if k % 10 == 0:
            hd += [(fr[0], slarp), (fr[0], cdp)]
        hd.append(fr)
    c["chdlc"] = (104, hd)
    c["l2tp"] = (1, [(t, l2tp(p, k)) for k, (t, p) in enumerate(both)])
    c["teredo"] = (1, [(t, teredo(p, k)) for k, (t, p) in enumerate(m6)])
    # PPPoE without Ethernet (LINKTYPE_PPP_ETHER 51); PPP with a direction
    # byte (LINKTYPE_PPP_WITH_DIR 204).
    c["ppp-ether"] = (51, wrap(both, pppoe_session))
    c["ppp-dir"] = (204, [(t, bytes([k % 2]) + b"\xff\x03" +
                           struct.pack("!H", 0x0057 if p[0] >> 4 == 6 else 0x0021) + p)
                          for k, (t, p) in enumerate(both)])
    # Linux cooked captures of the same: PPPoE, GRE, fragments.
    c["sll-pppoe"] = (113, wrap(both, lambda p: sll(pppoe_session(p), 0x8864)))
    c["sll2-gre"] = (276, wrap(both, lambda p: sll2(gre(p, 0x2000, key=1)[14:], 0x0800)))
    c["sll-frag"] = (113, wrap(fragmented(both, "dup"),
                               lambda p: sll(p, 0x86DD if p[0] >> 4 == 6 else 0x0800)))
    c["sll2-frag"] = (276, wrap(fragmented(both, "lost"),
                                lambda p: sll2(p, 0x86DD if p[0] >> 4 == 6 else 0x0800)))
    del seqs
    return c


def main():
    d = sys.argv[1]
    for name, (lt, frames) in cases().items():
        write(os.path.join(d, name + ".pcap"), lt, frames)


if __name__ == "__main__":
    main()
