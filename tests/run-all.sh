#!/bin/bash
# run-all.sh - run every test suite, print each suite's own summary, then one total
# line "N passed, N failed, N skipped". Exit status 1 when anything failed.
#
# Suites report either as cmocka binaries (FM_UNIT: "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)") or as scripts ending in "@@ name passed=N failed=M skipped=K".
set -u
cd "$(dirname "$0")/.."
export FM_BIN=${FM_BIN:-milter/fileless-milter}
export FM_ASAN_BIN=${FM_ASAN_BIN:-build/san-address-undefined/fileless-milter}
mkdir -p tests/out
# sanitized builds: fail on the first report; third-party leaks are listed in lsan.supp
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/data/lsan.supp:print_suppressions=0}
passed=0 failed=0 skipped=0

# count_cmocka - add one cmocka binary's results; a crash without a summary is a failure
count_cmocka() {
    local bin=$1 log=tests/out/$(echo "$1" | tr / _).log
    "$bin" >"$log" 2>&1
    local rc=$?
    cat "$log"
    local p f
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
    p=${p:-0} f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "!! $bin exited $rc"; fi
    passed=$((passed + p)) failed=$((failed + f))
}

# count_suite - run a script suite and add its "@@" summary line
count_suite() {
    local log=tests/out/$(basename "$1").log
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line
    line=$(grep '^@@ ' "$log" | tail -1)
    if [ -z "$line" ]; then
        echo "!! $1 printed no summary (exit $rc)"
        failed=$((failed + 1))
        return
    fi
    local p f s
    p=$(echo "$line" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
    s=$(echo "$line" | sed -n 's/.*skipped=\([0-9]*\).*/\1/p')
    if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; echo "!! $1 exited $rc"; fi
    passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
}

for t in ${FM_UNIT:-}; do
    count_cmocka "$t"
done
count_suite tests/cli/run.sh
count_suite tests/golden/run.sh
count_suite tests/check-code.sh
count_suite tests/fuzz/run.sh
count_suite tests/hostile/run.sh
count_suite tests/emu/run.sh
count_suite tests/milter/run.sh
FM_BIN=$FM_ASAN_BIN count_suite tests/milter/run.sh
if [ -x "${FM_TSAN_BIN:-}" ]; then
    TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/data/tsan.supp" FM_BIN=$FM_TSAN_BIN \
        count_suite tests/milter/run.sh
fi
count_suite tests/integration/postfix.sh
count_suite tests/integration/sendmail.sh
count_suite tests/integration/quarantine.sh
count_suite tests/integration/faults.sh
count_suite tests/quarantine/run.sh
FM_BIN=$FM_ASAN_BIN FM_BROWSER=0 count_suite tests/quarantine/run.sh
count_suite tests/cache/run.sh
FM_BIN=$FM_ASAN_BIN FM_CACHE_CORPUS=0 count_suite tests/cache/run.sh
count_suite python3 tests/engines/run.py
count_suite python3 tests/analysers/run.py
count_suite tests/corpus/run-corpus.sh
count_suite python3 tests/corpus/compare-upstream.py

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
