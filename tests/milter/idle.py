#!/usr/bin/env python3
"""idle.py SOCKET N DEADLINE CMD... - hold N idle connections to the milter's unix SOCKET,
run CMD (a normal miltertest session) while they are held, then wait (at most DEADLINE
seconds) for the daemon to close idle ones (libmilter's worker pool checks milter_timeout
only every 600 s, so this is reported, not required). Exit 0 when CMD succeeded."""
import resource, select, socket, subprocess, sys, time

path, n, deadline, cmd = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < n + 64:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))
held = []
for _ in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    held.append(s)
print("holding %d idle connections" % len(held))
r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
session_ok = r.returncode == 0
print("normal session while held: %s %s" % ("ok" if session_ok else "FAILED",
                                           r.stdout.decode(errors="replace")[-300:]))
open_ = set(held)
end = time.monotonic() + deadline
while open_ and time.monotonic() < end:
    ready, _, _ = select.select(list(open_), [], [], 1.0)
    for s in ready:
        try:
            data = s.recv(4096)
        except OSError:
            data = b""
        if not data:
            open_.discard(s)
print("idle connections closed by the daemon: %d of %d" % (n - len(open_), n))
sys.exit(0 if session_ok else 1)
