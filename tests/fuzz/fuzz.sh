#!/bin/bash
# fuzz.sh SECONDS [TARGET...] - run each libFuzzer target (build/fuzz/fuzz_*) SECONDS
# seconds, one at a time (`make fuzz FUZZ_SECONDS=N`).
#
# Per target, under tests/out/fuzz/TARGET/: corpus/ starts from the committed seeds
# (tests/fuzz/corpus/TARGET) plus fixtures and ../shared/corpus picks (seeds.py; nothing
# from ../shared is committed), artifacts/ receives crash-/leak-/timeout-/oom- inputs,
# log is libFuzzer's output. Options: -rss_limit_mb=2048 -timeout=10, the target's
# dictionary. A row per target goes to tests/out/fuzz/results.md: executions, exec/s,
# cov and ft of the final line, corpus size, artifacts. Exit 1 when any target crashed.
set -u
cd "$(dirname "$0")/../.."
secs=${1:?usage: fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/data/lsan.supp:print_suppressions=0}
export FM_FUZZ_ROOT=$PWD
out=tests/out/fuzz
mkdir -p "$out"
res=$out/results.md
[ -f "$res" ] || {
    echo "| target | seconds | executions | exec/s | cov | ft | corpus | crashes | commit |"
    echo "|---|---|---|---|---|---|---|---|---|"
} >"$res"
status=0
for t in "${targets[@]}"; do
    bin=build/fuzz/$t
    [ -x "$bin" ] || { echo "fuzz.sh: $bin not built (make fuzz-bins)" >&2; exit 1; }
    d=$out/$t
    rm -rf "$d"
    mkdir -p "$d/corpus" "$d/artifacts"
    [ -d "tests/fuzz/corpus/$t" ] && cp tests/fuzz/corpus/"$t"/* "$d/corpus/" 2>/dev/null
    python3 tests/fuzz/seeds.py "$t" "$d/corpus"
    case $t in
    fuzz_mime | fuzz_msg | fuzz_header) dict=tests/fuzz/mime.dict ;;
    fuzz_script | fuzz_deobf | fuzz_vba) dict=tests/fuzz/script.dict ;;
    fuzz_url) dict=tests/fuzz/url.dict ;;
    *) dict= ;;
    esac
    seeds=$(ls "$d/corpus" | wc -l)
    echo "== $t: ${secs}s, $seeds seeds${dict:+, $dict}"
    "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        ${dict:+-dict=$dict} -artifact_prefix="$d/artifacts/" "$d/corpus" >"$d/log" 2>&1
    rc=$?
    last=$(grep -E '^#[0-9]+' "$d/log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
    eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$d/log")
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9a-zA-Z]*\).*/\1/p')
    crashes=$(ls "$d/artifacts" | wc -l)
    echo "$last"
    echo "   executions=${execs:-?} exec/s=${eps:-?} cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} artifacts=$crashes exit=$rc"
    echo "| $t | $secs | ${execs:-?} | ${eps:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $crashes | $(git rev-parse --short HEAD) |" >>"$res"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        status=1
        echo "   !! $t: see $d/log and $d/artifacts/"
        grep -m3 -E 'ERROR|FUZZ_CHECK|runtime error' "$d/log"
    fi
done
exit $status
