#!/usr/bin/env python3
"""fakedns.py MODE PORTFILE - a tiny UDP DNS responder on 127.0.0.1 (port 0: the kernel picks;
the port is written to PORTFILE once the socket is bound, which is the readiness signal).

MODE: drop        read every question, never answer (a black hole)
      servfail    answer every question with rcode SERVFAIL
      slow:MS     answer every A question with 127.0.0.2 after MS milliseconds (answers are
                  delayed in a timer queue, so questions keep being read meanwhile)
Each question read is appended as one line to PORTFILE.log (the count of queries).
"""
import heapq
import select
import socket
import struct
import sys
import time

mode, portfile = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(portfile + ".tmp", portfile)
log = open(portfile + ".log", "a", buffering=1)
delay = int(mode.split(":")[1]) / 1000.0 if mode.startswith("slow:") else 0
pending = []


def qname(pkt):
    i, labels = 12, []
    while i < len(pkt) and pkt[i]:
        labels.append(pkt[i + 1:i + 1 + pkt[i]].decode("ascii", "replace"))
        i += 1 + pkt[i]
    return ".".join(labels), i + 5


def answer(pkt, rcode):
    name, end = qname(pkt)
    flags = 0x8180 | rcode
    if rcode:
        return pkt[:2] + struct.pack(">HHHHH", flags, 1, 0, 0, 0) + pkt[12:end]
    rr = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 0, 4) + bytes([127, 0, 0, 2])
    return pkt[:2] + struct.pack(">HHHHH", flags, 1, 1, 0, 0) + pkt[12:end] + rr


while True:
    timeout = max(0.0, pending[0][0] - time.monotonic()) if pending else None
    r, _, _ = select.select([s], [], [], timeout)
    now = time.monotonic()
    while pending and pending[0][0] <= now:
        _, _, pkt, addr = heapq.heappop(pending)
        s.sendto(answer(pkt, 0), addr)
    if not r:
        continue
    pkt, addr = s.recvfrom(4096)
    if len(pkt) < 12:
        continue
    log.write(qname(pkt)[0] + "\n")
    if mode == "servfail":
        s.sendto(answer(pkt, 2), addr)
    elif delay:
        heapq.heappush(pending, (now + delay, id(pkt), pkt, addr))
