#!/bin/bash
# test-timeout: 120
# Issue 18: bad control input gets a clear error on that connection and
# nothing else.  A plain client (python3) sends kaprobe serve, after its
# greeting, one bad line per connection and then all of them on one
# connection, a burst of bad lines larger than serve's answer buffer, a
# line cut by the client's close, bad lines after SILENT and a second
# PROBE.  Each bad line gets exactly its ERR line (docs/serve.md), in
# order; the connection stays open and a STATUS after it is answered; a
# cut line is dropped unanswered; nothing but protocol lines is ever sent.
# Meanwhile an idle client and a kaprobe --far-end run are unaffected, and
# serve runs on: its summary counts the refused lines, exit 0 on SIGTERM.
. tests/integration/lib.sh
. tests/integration/serve_lib.sh
PORT=7489
need_kaprobe
tb_up || fail "tb_up failed"
sv_start $PORT

# Each case: a name, the bytes sent (a Python literal), the answer expected.
cat >"$TB_DIR/cases" <<'EOF'
too-long	b"STATUS " + b"9" * 300 + b"\n"	ERR line too long
unknown	b"NOPE 1 2\n"	ERR unknown request: NOPE
lowercase	b"status 198.18.1.2 80\n"	ERR unknown request: status
empty	b"\n"	ERR empty request
probe-short	b"PROBE 50ms\n"	ERR duration '50ms' is too short: minimum 100ms
probe-long	b"PROBE 86401s\n"	ERR duration '86401s' is too long: maximum 24h
probe-days	b"PROBE 2d\n"	ERR invalid duration '2d': unknown unit 'd' (use h, m, s, ms or us, as in 2h4m or 1.5s)
probe-garbage	b"PROBE 1x5\n"	ERR invalid duration '1x5': unknown unit 'x5' (use h, m, s, ms or us, as in 2h4m or 1.5s)
probe-negative	b"PROBE -1s\n"	ERR invalid duration '-1s': expected a number with an optional unit, as in 30s, 1.5s, 500ms or 2h4m
probe-words	b"PROBE 1s 2 3\n"	ERR usage: PROBE D [COUNT]
heartbeat-short	b"HEARTBEAT 99ms\n"	ERR duration '99ms' is too short: minimum 100ms
heartbeat-long	b"HEARTBEAT 25h\n"	ERR duration '25h' is too long: maximum 24h
heartbeat-none	b"HEARTBEAT\n"	ERR usage: HEARTBEAT D
count-zero	b"PROBE 1s 0\n"	ERR count '0' is out of range: 1 to 1000000
count-big	b"PROBE 1s 1000001\n"	ERR count '1000001' is out of range: 1 to 1000000
count-garbage	b"PROBE 1s 3x\n"	ERR invalid count '3x': not a whole number
status-ip	b"STATUS 198.18.1 4000\n"	ERR bad address: 198.18.1
status-port0	b"STATUS 198.18.1.2 0\n"	ERR bad port: 0
status-port-big	b"STATUS 198.18.1.2 65536\n"	ERR bad port: 65536
status-scope	b"STATUS fe80::1%veth0 4000\n"	ERR bad address: fe80::1%veth0
status-args	b"STATUS 198.18.1.2\n"	ERR usage: STATUS IP PORT
status-unknown	b"STATUS 198.18.1.99 9\n"	ERR no such flow
received-ip	b"RECEIVED 999.1.1.1 4000\n"	ERR bad address: 999.1.1.1
received-port	b"RECEIVED fd00:ca5e:1::2 x\n"	ERR bad port: x
received-args	b"RECEIVED 198.18.1.2\n"	ERR usage: RECEIVED [IP PORT]
silent-args	b"SILENT please\n"	ERR usage: SILENT
binary	b"\x01\x02\xfe\xff junk\n"	ERR not a text line
nul	b"STATUS\x00198.18.1.2 80\n"	ERR not a text line
nuls	b"\x00" * 40 + b"\n"	ERR not a text line
cr-inside	b"STA\rTUS\r\n"	ERR not a text line
EOF

cat >"$TB_DIR/client.py" <<'EOF'
import collections, socket, sys, threading, time
host, port, cases_file, lines_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
GREETING = "KAPROBE-SERVE 1 you="
everything = []          # every line any connection received

class Conn:
    def __init__(self):
        self.s = socket.create_connection((host, port), 5)
        self.s.settimeout(5)
        self.buf = b""
        self.lines = collections.deque()
        g = self.line()
        assert g.startswith(GREETING), g
        self.you = g.split()[2][4:]          # IP:PORT as serve saw us
    def line(self, timeout=5):
        self.s.settimeout(timeout)
        while not self.lines:
            d = self.s.recv(65536)
            if not d:
                raise EOFError(self.buf)
            *whole, self.buf = (self.buf + d).split(b"\n")
            self.lines.extend(whole)
        l = self.lines.popleft()
        everything.append(l)
        return l.decode()
    def lines_upto(self, n, timeout=2):
        """Up to n lines, as many as come before a pause of timeout."""
        got = []
        try:
            while len(got) < n:
                got.append(self.line(timeout))
        except socket.timeout:
            pass
        return got
    def quiet(self, wait=0.3):
        """Nothing more comes (the connection open, no data)."""
        self.s.settimeout(wait)
        try:
            d = self.s.recv(65536)
        except socket.timeout:
            return self.buf == b"" and not self.lines
        everything.append(d)
        return False
    def status_ok(self):
        ip, port = self.you.rsplit(":", 1)
        self.s.sendall(f"STATUS {ip.strip('[]')} {port}\n".encode())
        return self.line().startswith(f"OK STATUS you={self.you} state=open")

cases = []
for row in open(cases_file):
    name, data, want = row.rstrip("\n").split("\t")
    cases.append((name, eval(data), want))
out = []
idle = Conn()                                  # held through it all, says nothing

# One case per connection: its answer, then a STATUS on the same connection.
for name, data, want in cases:
    c = Conn()
    c.s.sendall(data)
    got = c.line()
    out.append(f"{name}\t{got}\t{c.status_ok()}\t{c.quiet()}")
    c.s.close()

# All of them on one connection, in one write: the answers in order.
c = Conn()
c.s.sendall(b"".join(d for _, d, _ in cases))
got = [c.line() for _ in cases]
for (name, _, want), g in zip(cases, got):
    if g != want:
        print(f"all-in-one: {name}: got {g}", file=sys.stderr)
out.append(f"all-in-one\t{got == [w for _, _, w in cases]}\t{c.status_ok()}\t{c.quiet()}")

# More bad lines at once than serve's answer buffer holds: each answered.
n = 3000
c.s.sendall(b"\n" * n)
got = c.lines_upto(n)
out.append(f"burst\t{got.count('ERR empty request')}\t{c.status_ok()}\t{c.quiet()}")
c.s.close()

# A client that does not read for a while: serve stops reading it (its
# requests wait in the socket) and loses no answer.
c = Conn()
n = 20000
sender = threading.Thread(target=c.s.sendall, args=(b"\n" * n,))
sender.start()
time.sleep(1.5)
got = c.lines_upto(n)
sender.join()
out.append(f"slow-reader\t{got.count('ERR empty request')}\t{c.status_ok()}\t{c.quiet()}")
c.s.close()

# A second PROBE replaces the first: both OK.
c = Conn()
c.s.sendall(b"PROBE 1h\n")
first = c.line()
c.s.sendall(b"PROBE 2h 5\n")
out.append(f"probe-again\t{first} / {c.line()}\t{c.status_ok()}\t{c.quiet()}")
c.s.close()

# After SILENT nothing is sent, bad lines included; the connection stays.
c = Conn()
c.s.sendall(b"SILENT\n")
first = c.line()
c.s.sendall(b"NOPE\n\x00\x01\n" + b"x" * 300 + b"\nSTATUS 1.2.3.4 80\n")
out.append(f"silent\t{first}\t{c.quiet(1.0)}")
c.s.close()

# A line without its LF, then close (and then half-close, still reading):
# dropped, nothing answered.
c = Conn()
c.s.sendall(b"STATUS 198.18.1.2 4000")
c.s.close()
c = Conn()
c.s.sendall(b"NOPE")
c.s.shutdown(socket.SHUT_WR)
c.s.settimeout(5)
rest = b""
while True:
    d = c.s.recv(65536)
    if not d:
        break
    rest += d
out.append(f"cut-line\t{rest!r}")
c.s.close()

out.append(f"idle\t{idle.quiet()}\t{idle.status_ok()}")
print("\n".join(out))
with open(lines_file, "wb") as f:
    f.write(b"\n".join(everything) + b"\n")
EOF

# A kaprobe --far-end run at the same time.
KA_TIMEOUT=60 ka_start "$TB_DIR/live.json" --json --far-end -c 3 "$TB_SRV4:$PORT"
res=$(tb_c timeout 90 python3 "$TB_DIR/client.py" "$TB_SRV4" $PORT "$TB_DIR/cases" \
	"$TB_DIR/lines")
rc=$?
echo "$res"
assert_eq 0 "$rc" "the client ran through"
while IFS=$'\t' read -r name _ want; do
	assert_eq "$name	$want	True	True" "$(grep "^$name	" <<<"$res")" "$name"
done <"$TB_DIR/cases"
ncases=$(wc -l <"$TB_DIR/cases")
assert_eq "all-in-one	True	True	True" "$(grep $'^all-in-one\t' <<<"$res")" \
	"all the bad lines on one connection"
assert_eq "burst	3000	True	True" "$(grep $'^burst\t' <<<"$res")" "a burst of 3000 bad lines"
assert_eq "slow-reader	20000	True	True" "$(grep $'^slow-reader\t' <<<"$res")" \
	"a client that does not read for a while"
assert_eq "probe-again	OK PROBE every=3600000ms count=3 / OK PROBE every=7200000ms count=5	True	True" \
	"$(grep $'^probe-again\t' <<<"$res")" "a second PROBE"
assert_eq "silent	OK SILENT	True" "$(grep $'^silent\t' <<<"$res")" "bad lines after SILENT"
assert_eq "cut-line	b''" "$(grep $'^cut-line\t' <<<"$res")" "a line cut by the close"
assert_eq "idle	True	True" "$(grep $'^idle\t' <<<"$res")" "the idle client"
# Nothing but the protocol's lines went to any client.
assert_eq "" "$(grep -avE '^(KAPROBE-SERVE 1 you=[^ ]+ me=[^ ]+|OK (RECEIVED|STATUS|SILENT|PROBE|HEARTBEAT) .*|OK SILENT|ERR [ -~]+|SEG .*|END [0-9]+|HB [0-9]+)$' \
	"$TB_DIR/lines")" "lines outside the protocol"

ka_wait
assert_eq 0 "$KA_RC" "the kaprobe --far-end run"
assert_eq 3 "$(json_count "$KA_OUT" 'select(.event=="arrival" and .arrived and
	.answered_by=="peer")')" "its arrivals"

kill -0 "$SV_PID" || fail "serve is gone"
sv_stop
assert_eq 0 "$SV_RC" "serve's exit status after SIGTERM"
json_valid "$SV_OUT"
assert_eq "" "$(cat "$SV_OUT.err")" "serve's stderr"
# Refused: each case twice (alone, in the one write), the burst, the slow
# reader's; the lines after SILENT are not requests.
refused=$((2 * ncases + 3000 + 20000))
assert_eq "$refused" "$(json_count "$SV_OUT" 'select(.event=="control" and (.ok | not))')" \
	"control events of refused lines"
assert_eq 1 "$(json_count "$SV_OUT" "select(.event==\"summary\" and .refused == $refused)")" \
	"the summary counts them"
assert_eq 2 "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="(too long)"
	and .error=="line too long")')" "a too long line's event"
assert_eq 8 "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="(not text)")')" \
	"not text lines' events"
assert_eq 2 "$(json_count "$SV_OUT" 'select(.event=="control" and .request=="NOPE"
	and .error=="unknown request: NOPE")')" "an unknown verb's event"
# No connection was closed by serve; the cut lines were no requests.
assert_eq 0 "$(json_count "$SV_OUT" 'select(.event=="close" and (.by=="serve" or .by=="dead"))')" \
	"connections closed by serve"
assert_eq 0 "$(json_count "$SV_OUT" 'select(.event=="notice" or .event=="error")')" \
	"serve's notices"
