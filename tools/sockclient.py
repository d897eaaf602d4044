#!/usr/bin/python3
"""sockclient.py - TCP clients whose keep-alive settings are known, for
kaprobe sockets' tests (tests/integration/t_sockets.sh).

    sockclient.py NAME,ADDR,PORT,SETTING[,SETTING...] ...

Opens one connection per argument to ADDR (IPv4 or IPv6 literal) PORT and
sets on it, in order: "ka" (SO_KEEPALIVE on), "idle=S", "intvl=S", "cnt=N"
(TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT), "uto=MS" (TCP_USER_TIMEOUT);
"busy" sends one byte every 200 ms.  Prints "NAME LOCALPORT" for each,
then "ready", and holds them until killed.  Nothing else is sent."""
import socket
import sys
import time

OPTS = {"idle": socket.TCP_KEEPIDLE, "intvl": socket.TCP_KEEPINTVL,
        "cnt": socket.TCP_KEEPCNT, "uto": socket.TCP_USER_TIMEOUT}


def connect(spec):
    name, addr, port, *settings = spec.split(",")
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    for st in settings:
        if st == "ka":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        elif "=" in st:
            key, val = st.split("=")
            s.setsockopt(socket.IPPROTO_TCP, OPTS[key], int(val))
    s.connect((addr, int(port)))
    return name, s, "busy" in settings


def send(conns):
    for _, s, busy in conns:
        if busy:
            s.send(b".")


def main():
    conns = [connect(a) for a in sys.argv[1:]]
    for name, s, _ in conns:
        print(name, s.getsockname()[1])
    # The busy ones have sent data before anyone looks.
    send(conns)
    print("ready", flush=True)
    while True:
        time.sleep(0.2)
        send(conns)


main()
