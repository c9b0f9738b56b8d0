#!/bin/sh
# run-corpus.sh - robustness run of the sanitizer build over the third-party mail corpus.
#
# Every input must give exit status 0, no ASan/UBSan/LSan report, exactly one valid
# JSON line on stdout, and stay under a 2 s CPU limit (ulimit -t 2).
#
# Run from the repository root:   tests/corpus/run-corpus.sh
# Environment: FM_ASAN_BIN (default build/san-address-undefined/fileless-milter),
#              FM_CORPUS (default ../shared/corpus), FM_JOBS (parallel runs, default 1),
#              FM_CPU_LIMIT (seconds, default 2).
# Writes a per-file log to tests/out/corpus/run-corpus.tsv.
# Last line: "@@ corpus passed=N failed=M skipped=K"; exit status non-zero iff M > 0.

cd "$(dirname "$0")/../.." || exit 1
FM_ASAN_BIN=${FM_ASAN_BIN:-build/san-address-undefined/fileless-milter}
FM_CORPUS=${FM_CORPUS:-../shared/corpus}
export FM_ASAN_BIN FM_CORPUS

if [ ! -d "$FM_CORPUS" ]; then
    echo "skipped: ../shared/corpus not found ($FM_CORPUS)"
    echo "@@ corpus passed=0 failed=0 skipped=1"
    exit 0
fi
if [ ! -x "$FM_ASAN_BIN" ]; then
    echo "run-corpus: FM_ASAN_BIN=$FM_ASAN_BIN is not an executable (build it with" \
         "'make SANITIZE=address,undefined all')" >&2
    echo "@@ corpus passed=0 failed=1 skipped=0"
    exit 1
fi

exec python3 - "$@" <<'PY'
"""Run every corpus mail through the ASan+UBSan binary and report failures."""
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import sys
import shutil
import tempfile
import threading

BIN = os.environ["FM_ASAN_BIN"]
CORPUS = os.environ["FM_CORPUS"]
# one at a time by default: on 2 SMT siblings, CPU seconds per file nearly double
JOBS = int(os.environ.get("FM_JOBS") or 1)
CPU_LIMIT = int(os.environ.get("FM_CPU_LIMIT") or 2)
WALL_LIMIT = 120  # safety net only: a hang without CPU use (should never happen)
OUT_DIR = "tests/out/corpus"
SANITIZER_RE = re.compile(r"ERROR: AddressSanitizer|runtime error:|LeakSanitizer")
SKIP_NAME_RE = re.compile(r"^(LICENSE|COPYING|NOTICE|README)", re.I)
SKIP_EXT = (".tsv", ".md", ".json", ".xml", ".out")
ENV = dict(os.environ,
           # a small quarantine: GMime grows long header buffers 64 bytes at a time, and a
           # large ASan quarantine turns that into page-fault time (long-header.eml)
           ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:quarantine_size_mb=16:malloc_context_size=10",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")


def walk_files(top):
    """All regular files under top, sorted, as paths joined to top."""
    found = []
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for f in files:
            p = os.path.join(d, f)
            if os.path.isfile(p) and not os.path.islink(p):
                found.append(p)
    return sorted(found)


def mime_set_wanted(path):
    """True for a mime-* set file that is a mail input, not metadata or an expected output."""
    name = os.path.basename(path)
    return not (SKIP_NAME_RE.match(name) or name.endswith(SKIP_EXT) or "_decoded" in name)


def input_files():
    """The input set: mime-*/ files, clamav-unittest-input/*mail*, every other *.eml."""
    chosen = []
    for s in sorted(os.listdir(CORPUS)):
        top = os.path.join(CORPUS, s)
        if not os.path.isdir(top) or s.startswith("msg-"):
            continue
        for p in walk_files(top):
            name = os.path.basename(p)
            if s.startswith("mime-"):
                ok = mime_set_wanted(p)
            elif s == "clamav-unittest-input":
                ok = "mail" in name or name.endswith(".eml")
            else:
                ok = name.endswith(".eml")
            if ok:
                chosen.append(p)
    return chosen


CONF = "milter.conf"


def private_config():
    """milter.conf with libclamav's temporary files on a private tmpfs directory (as the
    README recommends for production): unpacking a mailbox writes hundreds of temp files."""
    global CONF
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
    tmp = tempfile.mkdtemp(prefix="fm-corpus-", dir=shm)
    conf = os.path.join(tmp, "milter.conf")
    with open("milter.conf") as src, open(conf, "w") as dst:
        for line in src:
            if line.startswith("rules_dir ="):
                line = "rules_dir = %s\n" % os.path.abspath("rules")
            elif line.startswith("clamav_tmpdir ="):
                line = "clamav_tmpdir = %s\n" % tmp
            dst.write(line)
    CONF = conf
    return tmp


def run_one(path):
    """Run the binary on one file under the CPU limit; return (path, failure or None, CPU s)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        cmd = ["sh", "-c", 'ulimit -t "$0" && exec "$@"', str(CPU_LIMIT),
               BIN, "-c", CONF, "-t", "--json", path]
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=ENV, start_new_session=True)
        status, usage, hung = wait_with_timeout(proc)
        cpu = usage.ru_utime + usage.ru_stime
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    if hung:
        return path, "no exit after %d s wall time (killed)" % WALL_LIMIT, cpu
    return path, judge(status, stdout, stderr), cpu


def wait_with_timeout(proc):
    """Reap proc with os.wait4 (giving its own rusage); kill it after WALL_LIMIT seconds."""
    fired = []

    def kill():
        """Timer callback: kill the hung process group."""
        fired.append(True)
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(WALL_LIMIT, kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage, bool(fired)


def judge(rc, stdout, stderr):
    """The failure reason for one run, or None when it passed."""
    m = SANITIZER_RE.search(stderr)
    if m:
        line = next((ln for ln in stderr.splitlines() if m.group(0) in ln), m.group(0))
        return "sanitizer: " + line.strip()[:200]
    if rc in (-signal.SIGXCPU, -signal.SIGKILL):
        return "CPU limit (%d s) exceeded (signal %d)" % (CPU_LIMIT, -rc)
    if rc < 0:
        return "killed by signal %d (%s)" % (-rc, signal.Signals(-rc).name)
    if rc != 0:
        return "exit status %d" % rc
    lines = stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != 1:
        return "stdout has %d lines, want 1 JSON line" % len(lines)
    try:
        obj = json.loads(lines[0])
    except ValueError as e:
        return "stdout is not valid JSON: %s" % e
    if not isinstance(obj, dict):
        return "stdout JSON is not an object"
    return None


def main():
    """Run everything, print failures, totals and the slowest files, and the @@ line."""
    files = input_files()
    os.makedirs(OUT_DIR, exist_ok=True)
    tmp = private_config()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            results = list(pool.map(run_one, files))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [r for r in results if r[1]]
    with open(os.path.join(OUT_DIR, "run-corpus.tsv"), "w") as log:
        log.write("file\tcpu_s\tresult\n")
        for path, reason, cpu in results:
            log.write("%s\t%.3f\t%s\n" % (path, cpu, reason or "ok"))
    for path, reason, _ in failed:
        print("FAIL %s: %s" % (os.path.relpath(path, CORPUS), reason))
    print("files: %d  passed: %d  failed: %d  (binary %s, CPU limit %d s)"
          % (len(results), len(results) - len(failed), len(failed), BIN, CPU_LIMIT))
    print("total CPU: %.2f s" % sum(r[2] for r in results))
    print("slowest files (CPU seconds):")
    for path, _, cpu in sorted(results, key=lambda r: -r[2])[:5]:
        print("  %7.3f  %s" % (cpu, os.path.relpath(path, CORPUS)))
    print("@@ corpus passed=%d failed=%d skipped=0" % (len(results) - len(failed), len(failed)))
    return 1 if failed else 0


sys.exit(main())
PY
