#!/bin/bash
# tools/pngstat.py decodes what it claims to: PNGs written here with every
# filter type (0-4, row after row) in RGB and RGBA, from pixels whose
# colours, background and share of other pixels are known, give exactly
# those figures; a file that is not a PNG, one with a bad CRC, a truncated
# one, a 16-bit one and a filter type 5 each give one line on stderr and
# exit 1; no argument, exit 64.  Needs no privilege and no browser.
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pngstat.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
bad=0
err() { echo "FAIL: $*"; bad=1; }

# A PNG writer with the forward filters of the PNG specification
# (section 9.2), apart from the reader under test; it prints the figures
# pngstat.py must find.  Written out: make-png.py OUT BPP [BROKEN].
cat >"$tmp/make-png.py" <<'EOF'
import random, struct, sys, zlib
out, bpp = sys.argv[1], int(sys.argv[2])
broken = sys.argv[3] if len(sys.argv) > 3 else ""
w, h = 64, 40
rnd = random.Random(1)
palette = [(246, 248, 250), (13, 17, 23), (207, 34, 46), (26, 127, 55), (9, 105, 218)]
# Background, runs of other colours and noise, so that every filter meets
# both flat and busy rows.
px = []
for y in range(h):
    row = []
    for x in range(w):
        if y % 5 == 1 and 3 <= x < 20:
            c = palette[1 + (x // 4) % 4]
        elif y >= h // 2:
            # Few, evenly spaced values: the Paeth predictor meets ties
            # (pa == pc, pb == pc with different bytes), where its order of
            # preference decides.
            c = tuple(rnd.choice((0, 4, 8, 12)) for _ in range(3))
        elif rnd.random() < 0.3:
            c = (rnd.randrange(256), rnd.randrange(256), rnd.randrange(256))
        else:
            c = palette[0]
        row.append(c)
    px.append(row)

def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)

raw, prev = b"", bytes(w * bpp)
for y, row in enumerate(px):
    line = b"".join(bytes(c) + (bytes([rnd.randrange(256)]) if bpp == 4 else b"") for c in row)
    kind = y % 5
    if broken == "filter5" and y == 7:
        kind = 5
    f = bytearray(len(line))
    for i, v in enumerate(line):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) >> 1, paeth(a, b, c), 0][kind]
        f[i] = (v - pred) & 0xFF
    raw += bytes([kind]) + bytes(f)
    prev = line

def chunk(t, body):
    crc = zlib.crc32(t + body) & 0xFFFFFFFF
    if broken == "crc" and t == b"IDAT":
        crc ^= 1
    return struct.pack(">I", len(body)) + t + body + struct.pack(">I", crc)

depth = 16 if broken == "depth16" else 8
ihdr = struct.pack(">IIBBBBB", w, h, depth, 2 if bpp == 3 else 6, 0, 0, 0)
data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
if broken == "truncated":
    data = data[:len(data) // 2]
open(out, "wb").write(data)
counts = {}
for row in px:
    for c in row:
        counts[c] = counts.get(c, 0) + 1
bg = max(counts, key=counts.get)
print("%d %d %d %.6f bg=#%02x%02x%02x" % ((w, h, len(counts), 1 - counts[bg] / (w * h)) + bg))
EOF

for bpp in 3 4; do
	want=$(python3 "$tmp/make-png.py" "$tmp/p$bpp.png" $bpp) || { err "make-png.py failed"; continue; }
	got=$(python3 tools/pngstat.py "$tmp/p$bpp.png")
	echo "# $bpp bytes per pixel: want '$want', got '$got'"
	[ "$got" = "$want" ] || err "pngstat.py on an image of $bpp bytes per pixel: '$got', want '$want'"
done

for broken in crc truncated depth16 filter5; do
	python3 "$tmp/make-png.py" "$tmp/$broken.png" 3 "$broken" >/dev/null
done
echo 'not a picture' >"$tmp/text.png"
for f in crc truncated depth16 filter5 text missing; do
	python3 tools/pngstat.py "$tmp/$f.png" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	echo "# $f: exit $rc: $(cat "$tmp/err")"
	[ $rc -eq 1 ] || err "$f: exit $rc, want 1"
	[ ! -s "$tmp/out" ] || err "$f: printed figures: $(cat "$tmp/out")"
	if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! grep -q "^pngstat.py: $tmp/$f.png: " "$tmp/err"; then
		err "$f: not one line naming the file on stderr: $(cat "$tmp/err")"
	fi
done
python3 tools/pngstat.py 2>/dev/null
[ $? -eq 64 ] || err "no argument: not exit 64"
exit $bad
