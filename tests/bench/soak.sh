#!/bin/bash
# tests/bench/soak.sh - RSS of the milter over a long run under load (`make soak`)
#
# Starts our milter (release build, milter.conf with private socket, rules_dir and
# clamav_tmpdir; `cache = off`, so every message is a cold scan) and drives it with
# build/bench/milterload over the mixed bench corpus (tests/bench/gen-corpus.py) for
# SOAK_SECS seconds (default 1800) with SOAK_CONNS connections (default 4). VmRSS and VmHWM
# of the milter are sampled every SOAK_SAMPLE seconds (default 10) into SOAK_TSV.
#
# Flat means, after the warm-up (the first SOAK_WARMUP percent of the run, default 20, in
# which glibc's arenas and libclamav's pools fill): the samples split into 5 windows, the
# peak of each window lies within +-SOAK_TOL percent (default 5) of the median peak, and the
# mean of the last window is within SOAK_TOL percent of the mean of the first (no slow leak).
# Single samples move with the messages in flight (a 2 MB attachment decoded is 10 MB of
# buffers for a moment), so they are not compared one by one. The samples go to SOAK_TSV (default tests/out/soak.tsv), the table and the verdict
# next to it (tests/out/soak.md) and to SOAK_OUT when set.
# Ends with "@@ soak passed=N failed=M skipped=K". A short run (SOAK_SECS=120) is a smoke test.
set -u
cd "$(dirname "$0")/../.." || exit 2
T_SUITE=soak
. tests/lib.sh
SECS=${SOAK_SECS:-1800}
SAMPLE=${SOAK_SAMPLE:-10}
CONNS=${SOAK_CONNS:-4}
WARMUP=${SOAK_WARMUP:-20}
TOL=${SOAK_TOL:-5}
BIN=${FM_BIN:-milter/fileless-milter}
LOAD=build/bench/milterload
CORPUS=tests/out/bench
TSV=${SOAK_TSV:-tests/out/soak.tsv}
MD=${TSV%.tsv}.md
mkdir -p tests/out
for f in "$BIN" "$LOAD"; do
    [ -x "$f" ] || { echo "soak: $f missing (make soak builds it)" >&2; exit 2; }
done
[ -d "$CORPUS/mixed" ] || python3 tests/bench/gen-corpus.py --out "$CORPUS" >/dev/null ||
    { echo "soak: corpus generation failed" >&2; exit 2; }

W=$(mktemp -d /tmp/fm-soak.XXXXXX)
MPID="" LPID=""
cleanup() {
    [ -n "$LPID" ] && kill "$LPID" 2>/dev/null
    if [ -n "$MPID" ]; then
        kill "$MPID" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$MPID" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$W/tmp"
sed -e "s|^socket = .*|socket = unix:$W/m.sock|" -e "s|^rules_dir = .*|rules_dir = $PWD/rules|" \
    -e "s|^clamav_tmpdir = .*|clamav_tmpdir = $W/tmp|" -e 's|^pidfile = .*|pidfile = ""|' \
    -e 's|^cache = .*|cache = off|' milter.conf >"$W/m.conf"
"$BIN" -f -c "$W/m.conf" >"$W/m.log" 2>&1 &
MPID=$!
# readiness: the socket accepts (60 s deadline)
python3 - "$W/m.sock" <<'EOF' || { echo "soak: the milter did not start" >&2; cat "$W/m.log" >&2; exit 1; }
import socket, sys, time
for _ in range(600):
    try:
        s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close(); sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF

"$LOAD" -s "unix:$W/m.sock" -c "$CONNS" -n 0 -t "$SECS" "$CORPUS/mixed" >"$W/load.out" 2>&1 &
LPID=$!
t0=$(date +%s)
printf 'seconds\trss_mb\thwm_mb\n' >"$TSV"
while kill -0 "$LPID" 2>/dev/null; do
    awk -v t=$(($(date +%s) - t0)) '/^VmHWM/ {h=$2} /^VmRSS/ {r=$2}
        END {printf "%d\t%.1f\t%.1f\n", t, r/1024, h/1024}' "/proc/$MPID/status" >>"$TSV"
    # sleep in steps so the end of the load is noticed within a second
    for _ in $(seq "$SAMPLE"); do kill -0 "$LPID" 2>/dev/null || break; sleep 1; done
done
wait "$LPID"
LPID=""
result=$(grep '^RESULT' "$W/load.out")

verdict=$(python3 - "$WARMUP" "$TOL" "$TSV" <<'EOF'
import sys, statistics
warm, tol = float(sys.argv[1]), float(sys.argv[2])
rows = [l.split("\t") for l in open(sys.argv[3]).read().split("\n")[1:] if l]
t = [int(r[0]) for r in rows]; rss = [float(r[1]) for r in rows]
if len(rows) < 15:
    print("FAIL too few samples (%d): run longer" % len(rows)); sys.exit()
end = t[-1]
after = [r for ti, r in zip(t, rss) if ti >= end * warm / 100]
k = len(after) // 5
win = [after[i * k:(i + 1) * k] for i in range(5)]
peaks = [max(w) for w in win]
med = statistics.median(peaks)
band = max(abs(p - med) for p in peaks) / med * 100
trend = (statistics.mean(win[-1]) - statistics.mean(win[0])) / statistics.mean(win[0]) * 100
ok = band <= tol and abs(trend) <= tol
print("%s window peaks %s MB (median %.1f, band +-%.1f %%); last window mean vs first %+.1f %%"
      % ("PASS" if ok else "FAIL", "/".join("%.0f" % p for p in peaks), med, band, trend))
EOF
)
{
    echo "# soak: $SECS s, $CONNS connections, mixed corpus, cache off ($(date -u +%Y-%m-%dT%H:%MZ))"
    echo
    echo "- load: ${result:-milterload printed no RESULT}"
    echo "- RSS after the first $WARMUP % of the run: $verdict (tolerance +-$TOL %)"
    echo "- high-water mark at the end: $(tail -1 "$TSV" | cut -f3) MB"
    echo
    echo '| seconds | RSS MB | HWM MB |'
    echo '|---|---|---|'
    tail -n +2 "$TSV" | awk -F'\t' '{printf "| %s | %s | %s |\n", $1, $2, $3}'
} >"$MD"
[ -n "${SOAK_OUT:-}" ] && cp "$MD" "$SOAK_OUT"
cat "$MD" | head -8
if [ -z "$result" ]; then
    bad "load" "milterload failed: $(tail -3 "$W/load.out")"
elif ! kill -0 "$MPID" 2>/dev/null; then
    bad "alive" "the milter died during the soak"
else
    ok "alive after $SECS s of load"
fi
case $verdict in
PASS*) ok "RSS flat: $verdict" ;;
*) bad "RSS flat" "$verdict" ;;
esac
summary
