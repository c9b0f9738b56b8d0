#!/bin/sh
# run-corpus.sh - robustness run of the sanitizer build over the third-party mail corpus.
#
# Every input must give exit status 0, no ASan/UBSan/LSan report, exactly one valid
# JSON line on stdout, and stay under a 2 s CPU limit: the start-up (rules loaded, measured
# once on a three-line message) plus the file's own scan CPU (cpu_ms of the log line).
#
# The files go through the binary in batches of FM_CORPUS_BATCH (default 40) per process:
# the ASan start-up (0.3 s CPU) once per batch instead of once per file (781 files). A batch
# passes when the process exits 0 with no sanitizer report, one JSON line and one log line
# per file; any other outcome (a crash, a report, LSan at exit, the batch's CPU or wall limit)
# runs each file of that batch alone as before (`ulimit -t 2`, one process per file), so a
# failure is still named by its file. FM_CORPUS_BATCH=1 is the one-process-per-file run.
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
BATCH = max(1, int(os.environ.get("FM_CORPUS_BATCH") or 40))
WALL_LIMIT = 120  # safety net only: a hang without CPU use (should never happen)
LOG_RE = re.compile(r"\bfileless-milter\[info\]: ref=[0-9a-f]{16} file=.* cpu_ms=([0-9.]+)$")
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


def run_bin(paths, cpu_limit, wall_limit):
    """Run the binary on paths under the CPU limit (ulimit -t, the whole process); return
    (status, rusage, hung, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        cmd = ["sh", "-c", 'ulimit -t "$0" && exec "$@"', str(cpu_limit),
               BIN, "-c", CONF, "-t", "--json"] + paths
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=ENV, start_new_session=True)
        status, usage, hung = wait_with_timeout(proc, wall_limit)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    return status, usage, hung, stdout, stderr


def run_one(path):
    """Run the binary on one file under the CPU limit; return (path, failure or None, CPU s)."""
    status, usage, hung, stdout, stderr = run_bin([path], CPU_LIMIT, WALL_LIMIT)
    cpu = usage.ru_utime + usage.ru_stime
    if hung:
        return path, "no exit after %d s wall time (killed)" % WALL_LIMIT, cpu
    return path, judge(status, stdout, stderr), cpu


def start_up_cpu():
    """CPU seconds of the binary on a three-line message: the start-up each batch pays once
    (loading and compiling the rules), the lowest of three runs."""
    tmp = tempfile.mkdtemp(prefix="fm-corpus-min-")
    path = os.path.join(tmp, "min.eml")
    with open(path, "w") as f:
        f.write("From: a@example.org\nTo: b@example.net\nSubject: start-up\n\nhello\n")
    best = None
    try:
        for _ in range(3):
            status, usage, _, stdout, stderr = run_bin([path], 60, WALL_LIMIT)
            if judge(status, stdout, stderr) is None:
                cpu = usage.ru_utime + usage.ru_stime
                best = cpu if best is None else min(best, cpu)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return best


def run_batch(paths, startup):
    """Run paths through one process; the list of run_one results, from the batch when it
    passed as a whole, else from running each file alone."""
    if len(paths) == 1 or startup is None:
        return [run_one(p) for p in paths]
    status, _, hung, stdout, stderr = run_bin(paths, CPU_LIMIT * len(paths) + 10,
                                              WALL_LIMIT + 10 * len(paths))
    lines = stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    cpus = [float(m.group(1)) / 1e3 for m in map(LOG_RE.search, stderr.splitlines()) if m]
    if (hung or status != 0 or SANITIZER_RE.search(stderr) or len(lines) != len(paths)
            or len(cpus) != len(paths)):
        return [run_one(p) for p in paths]
    results = []
    for path, line, cpu in zip(paths, lines, cpus):
        why = judge(0, line + "\n", "")
        if why is None and startup + cpu > CPU_LIMIT:
            why = "CPU limit (%d s) exceeded: start-up %.2f s + scan %.2f s" % (CPU_LIMIT, startup, cpu)
        results.append((path, why, startup + cpu))
    return results


def wait_with_timeout(proc, wall_limit):
    """Reap proc with os.wait4 (giving its own rusage); kill it after wall_limit seconds."""
    fired = []

    def kill():
        """Timer callback: kill the hung process group."""
        fired.append(True)
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(wall_limit, kill)
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
        startup = start_up_cpu() if BATCH > 1 else None
        if BATCH > 1:
            print("start-up CPU (three-line message, lowest of 3): %s"
                  % ("%.2f s" % startup if startup is not None else "failed: one process per file"))
        batches = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            results = [r for rs in pool.map(lambda b: run_batch(b, startup), batches) for r in rs]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    failed = [r for r in results if r[1]]
    with open(os.path.join(OUT_DIR, "run-corpus.tsv"), "w") as log:
        log.write("file\tcpu_s\tresult\n")
        for path, reason, cpu in results:
            log.write("%s\t%.3f\t%s\n" % (path, cpu, reason or "ok"))
    for path, reason, _ in failed:
        print("FAIL %s: %s" % (os.path.relpath(path, CORPUS), reason))
    print("files: %d  passed: %d  failed: %d  (binary %s, CPU limit %d s, %d files per process)"
          % (len(results), len(results) - len(failed), len(failed), BIN, CPU_LIMIT, BATCH))
    print("total CPU: %.2f s (each file with the start-up, as if run alone)" % sum(r[2] for r in results))
    print("slowest files (CPU seconds):")
    for path, _, cpu in sorted(results, key=lambda r: -r[2])[:5]:
        print("  %7.3f  %s" % (cpu, os.path.relpath(path, CORPUS)))
    print("@@ corpus passed=%d failed=%d skipped=0" % (len(results) - len(failed), len(failed)))
    return 1 if failed else 0


sys.exit(main())
PY
