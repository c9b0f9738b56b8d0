#!/usr/bin/env python3
"""idle.py PORT N PER_CLIENT - hold N idle TCP connections to the review page on
127.0.0.1:PORT, each from its own loopback address (127.0.1.x), plus PER_CLIENT + 8 from
one address (127.0.2.1); while they are held, GET /login from 127.0.0.1 must answer
(within a generous 20 s). Prints the status and how many of the one address's
connections the server kept (closed ones read EOF at once). Exit 0 when the page
answered 200."""
import socket, sys, time

port, n, per = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])


def conn(src):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


held = [conn("127.0.1.%d" % (i + 1)) for i in range(n)]
one = [conn("127.0.2.1") for _ in range(per + 8)]
time.sleep(0.5)  # let the server take them all before the real request
t = time.monotonic()
s = conn("127.0.0.1")
s.settimeout(20)
s.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
try:
    reply = s.recv(64)
except OSError as e:
    reply = ("no answer: %s" % e).encode()
status = reply.split(b"\r\n")[0].decode(errors="replace")
kept = 0
for c in one:
    c.settimeout(0.2)
    try:
        kept += c.recv(1) != b""
    except socket.timeout:
        kept += 1
    except OSError:
        pass
print("%d idle connections held; /login: %s after %.2f s; one address kept %d of %d" %
      (n, status, time.monotonic() - t, kept, len(one)))
sys.exit(0 if " 200 " in status + " " else 1)
