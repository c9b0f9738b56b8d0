#!/usr/bin/env python3
"""idle.py PORT N PER_CLIENT - hold N idle TCP connections to the review page on
127.0.0.1:PORT, each from its own loopback address (127.0.1.x), plus PER_CLIENT + 8 from
one address (127.0.2.1); once the server has closed that address's surplus (readiness:
polled, deadline FM_WAIT_MIN s), GET /login from 127.0.0.1 must answer while the others
are held (within FM_WAIT_MIN s), and every one of the N held connections must still be open
afterwards. Prints the status and how many of the one address's connections the server kept
(closed ones read EOF). Exit 0 when the surplus was closed in time, the page answered 200 and
no held connection was closed."""
import os, select, socket, sys, time

port, n, per = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
wait = float(os.environ.get("FM_WAIT_MIN", "60"))


def conn(src):
    return socket.create_connection(("127.0.0.1", port), wait, (src, 0))


def closed(c):
    """the server closed c (EOF or reset), without blocking"""
    if not select.select([c], [], [], 0)[0]:
        return False
    try:
        return c.recv(1) == b""
    except OSError:
        return True


held = [conn("127.0.1.%d" % (i + 1)) for i in range(n)]
one = [conn("127.0.2.1") for _ in range(per + 8)]
gone = set()
deadline = time.monotonic() + wait
while len(gone) < len(one) - per and time.monotonic() < deadline:
    gone |= {i for i, c in enumerate(one) if i not in gone and closed(c)}
    time.sleep(0.05)  # poll interval, not a wait for the server
ready = len(gone) >= len(one) - per
if not ready:
    print("the server closed only %d of the %d surplus connections from 127.0.2.1 within %g s" %
          (len(gone), len(one) - per, wait))
t = time.monotonic()
s = conn("127.0.0.1")
s.settimeout(wait)
s.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
try:
    reply = s.recv(64)
except OSError as e:
    reply = ("no answer: %s" % e).encode()
status = reply.split(b"\r\n")[0].decode(errors="replace")
kept = len(one) - len(gone)
dropped = sum(1 for c in held if closed(c))
print("%d idle connections held (%d closed by the server); /login: %s after %.2f s; one address kept %d of %d" %
      (n, dropped, status, time.monotonic() - t, kept, len(one)))
sys.exit(0 if ready and dropped == 0 and " 200 " in status + " " else 1)
