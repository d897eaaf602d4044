#!/usr/bin/python3
"""pngstat.py - what a PNG screenshot holds, for the report tests.

    tools/pngstat.py FILE.png

prints one line:

    WIDTH HEIGHT COLOURS NONBG_FRACTION bg=#rrggbb

COLOURS is the number of distinct RGB colours, bg the most frequent one (the
page's background) and NONBG_FRACTION the share of pixels of any other
colour (0.000000 to 1.000000).  Alpha is ignored: headless Chromium's
screenshots are opaque.

Python 3 standard library only (zlib, struct), so that the tests need no
imaging package.  Reads 8-bit RGB and RGBA, not interlaced, with the five
filters of the PNG specification (section 9, "Filtering").  Anything else,
or a damaged file: one line on stderr, exit 1.  Usage errors: exit 64.

The filters Sub and Up are undone a whole row at a time with bytewise
arithmetic on Python integers (add without carries between bytes; Sub as a
prefix sum by doubling), since a loop over every byte of a 1280x2400
screenshot would take many seconds; Average and Paeth depend on the byte
just decoded and are undone byte by byte.
"""
import struct
import sys
import zlib
from collections import Counter

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PngError(Exception):
    pass


def chunks(data):
    """Yield (type, body) for every chunk, checking lengths and CRCs."""
    pos = len(SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise PngError("truncated chunk header at byte %d" % pos)
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        name = ctype.decode("latin-1")
        end = pos + 8 + length + 4
        if end > len(data):
            raise PngError("chunk %s runs past the end of the file" % name)
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[end - 4:end])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise PngError("bad CRC in chunk %s" % name)
        yield ctype, body
        if ctype == b"IEND":
            return
        pos = end
    raise PngError("no IEND chunk")


def read_png(data):
    """Return (width, height, bytes per pixel, zlib-compressed image data)."""
    if not data.startswith(SIGNATURE):
        raise PngError("not a PNG file (no PNG signature)")
    header, idat = None, []
    for ctype, body in chunks(data):
        if ctype == b"IHDR":
            if len(body) != 13:
                raise PngError("IHDR is %d bytes, not 13" % len(body))
            header = struct.unpack(">IIBBBBB", body)
        elif ctype == b"IDAT":
            idat.append(body)
    if header is None:
        raise PngError("no IHDR chunk")
    width, height, depth, ctype, _, _, interlace = header
    if depth != 8 or ctype not in (2, 6) or interlace != 0:
        raise PngError("only 8-bit RGB or RGBA, not interlaced, is read (bit depth %d, "
                       "colour type %d, interlace %d)" % (depth, ctype, interlace))
    if width == 0 or height == 0:
        raise PngError("empty image (%dx%d)" % (width, height))
    return width, height, 3 if ctype == 2 else 4, b"".join(idat)


def masks(nbytes):
    low7 = int.from_bytes(b"\x7f" * nbytes, "little")
    return low7, low7 ^ int.from_bytes(b"\xff" * nbytes, "little")


def add_bytes(a, b, m):
    """Bytewise a + b mod 256 of two integers holding byte strings."""
    low7, high = m
    return ((a & low7) + (b & low7)) ^ ((a ^ b) & high)


def unsub(line, bpp, m):
    """Undo Sub: each byte plus the decoded byte bpp before it, a prefix sum
    over pixels done by doubling."""
    n = len(line)
    x = int.from_bytes(line, "little")
    full = (1 << (8 * n)) - 1
    shift = bpp
    while shift < n:
        x = add_bytes(x, (x << (8 * shift)) & full, m)
        shift *= 2
    return x.to_bytes(n, "little")


def unup(line, prev, m):
    a = int.from_bytes(line, "little")
    b = int.from_bytes(prev, "little")
    return add_bytes(a, b, m).to_bytes(len(line), "little")


def unaverage(line, prev, bpp):
    cur = bytearray(line)
    for i in range(len(cur)):
        left = cur[i - bpp] if i >= bpp else 0
        cur[i] = (cur[i] + ((left + prev[i]) >> 1)) & 0xFF
    return bytes(cur)


def unpaeth(line, prev, bpp):
    cur = bytearray(line)
    for i in range(len(cur)):
        if i >= bpp:
            a, c = cur[i - bpp], prev[i - bpp]
        else:
            a = c = 0
        b = prev[i]
        p = a + b - c
        pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
        pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        cur[i] = (cur[i] + pred) & 0xFF
    return bytes(cur)


def unfilter(raw, width, height, bpp):
    """The image's pixel bytes, row after row, with the filters undone."""
    stride = width * bpp
    if len(raw) < height * (stride + 1):
        raise PngError("image data is %d bytes, %dx%d needs %d"
                       % (len(raw), width, height, height * (stride + 1)))
    m = masks(stride)
    prev = bytes(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], raw[start + 1:start + 1 + stride]
        if kind == 0:
            cur = line
        elif kind == 1:
            cur = unsub(line, bpp, m)
        elif kind == 2:
            cur = unup(line, prev, m)
        elif kind == 3:
            cur = unaverage(line, prev, bpp)
        elif kind == 4:
            cur = unpaeth(line, prev, bpp)
        else:
            raise PngError("row %d has filter type %d (only 0 to 4 exist)" % (y, kind))
        rows.append(cur)
        prev = cur
    return b"".join(rows)


def colour_counts(pixels, npix, bpp):
    """Counter of RGB colours, each as a 32-bit integer (alpha forced to 255)."""
    rgba = bytearray(b"\xff" * (4 * npix))
    for k in range(3):
        rgba[k::4] = pixels[k::bpp]
    return Counter(memoryview(rgba).cast("I"))


def main(argv):
    if len(argv) != 2:
        print("usage: pngstat.py FILE.png", file=sys.stderr)
        return 64
    try:
        with open(argv[1], "rb") as f:
            data = f.read()
        width, height, bpp, idat = read_png(data)
        try:
            raw = zlib.decompress(idat)
        except zlib.error as e:
            raise PngError("image data does not inflate: %s" % e)
        pixels = unfilter(raw, width, height, bpp)
    except OSError as e:
        print("pngstat.py: %s: %s" % (argv[1], e.strerror), file=sys.stderr)
        return 1
    except PngError as e:
        print("pngstat.py: %s: %s" % (argv[1], e), file=sys.stderr)
        return 1
    npix = width * height
    counts = colour_counts(pixels, npix, bpp)
    bg, nbg = counts.most_common(1)[0]
    r, g, b, _ = struct.pack("=I", bg)
    print("%d %d %d %.6f bg=#%02x%02x%02x"
          % (width, height, len(counts), 1 - nbg / npix, r, g, b))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
