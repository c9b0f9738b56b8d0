#!/bin/bash
# run.sh - replay every committed fuzz corpus through the targets' replay binaries
# (replay.c's main(), ASan+UBSan, no libFuzzer), inside `make test`.
#
# FM_FUZZ_REPLAY names the directory of the replay binaries (default
# build/san-address-undefined/tests/fuzz; `make SANITIZE=address,undefined fuzz-replay`).
# Each target replays tests/fuzz/corpus/TARGET/ (hand-made seeds and the inputs of
# crashes found and fixed); fuzz_mime and fuzz_msg also replay our .eml fixtures. A
# target passes when its binary exits 0 (a sanitizer report or a FUZZ_CHECK aborts it)
# and says it replayed exactly the inputs given. Then fuzz_evlog runs under libFuzzer for
# FM_FUZZ_RUN_SECONDS (default 15; build/fuzz/fuzz_evlog, built by make test).
cd "$(dirname "$0")/../.."
T_SUITE=fuzz-replay
. tests/lib.sh
dir=${FM_FUZZ_REPLAY:-build/san-address-undefined/tests/fuzz}
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/data/lsan.supp:print_suppressions=0}
export FM_FUZZ_ROOT=$PWD
mkdir -p tests/out
for src in tests/fuzz/fuzz_*.c; do
    t=$(basename "$src" .c)
    if [ ! -x "$dir/$t" ]; then
        bad "$t" "$dir/$t not built (make SANITIZE=address,undefined fuzz-replay)"
        continue
    fi
    inputs=()
    [ -d "tests/fuzz/corpus/$t" ] && inputs+=(tests/fuzz/corpus/"$t"/*)
    case $t in fuzz_mime | fuzz_msg) inputs+=(tests/golden/*.eml contrib/samples/*.eml) ;; esac
    if [ ${#inputs[@]} -eq 0 ]; then
        bad "$t" "no committed corpus in tests/fuzz/corpus/$t"
        continue
    fi
    log=tests/out/fuzz-replay-$t.log
    "$dir/$t" "${inputs[@]}" >"$log" 2>&1
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q "^replayed ${#inputs[@]} inputs$" "$log"; then
        ok "$t replayed ${#inputs[@]} inputs"
    else
        bad "$t" "exit $rc: $(grep -m2 -E 'ERROR|FUZZ_CHECK|runtime error|replayed' "$log")"
    fi
done
# a short libFuzzer run of fuzz_evlog (make fuzz-run for a longer one): no crash, no leak,
# and it executed inputs; skipped when build/fuzz/fuzz_evlog is not built
secs=${FM_FUZZ_RUN_SECONDS:-15}
if [ ! -x build/fuzz/fuzz_evlog ]; then
    skip "libFuzzer fuzz_evlog ${secs}s" "build/fuzz/fuzz_evlog not built (make build/fuzz/fuzz_evlog)"
elif tests/fuzz/fuzz.sh "$secs" fuzz_evlog >tests/out/fuzz-run-evlog.log 2>&1 &&
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' tests/out/fuzz/fuzz_evlog/log) && [ "${execs:-0}" -gt 1000 ]; then
    ok "libFuzzer fuzz_evlog ${secs}s: $execs executions, no crash"
else
    bad "libFuzzer fuzz_evlog ${secs}s" "$(tail -3 tests/out/fuzz-run-evlog.log)"
fi
summary
