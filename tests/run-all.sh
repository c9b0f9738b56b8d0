#!/bin/bash
# run-all.sh - run every test suite, print each suite's own summary, then one total
# line "N passed, N failed, N skipped". Exit status 1 when anything failed.
#
# Suites report either as cmocka binaries (FM_UNIT, FM_UNIT_ASAN: "[  PASSED  ] N test(s)." and
# "[  FAILED  ] N test(s)") or as scripts ending in "@@ name passed=N failed=M skipped=K".
#
# Suites are independent (each makes its own temp dirs, binds free ports or runs in a
# network namespace of its own), so they run FM_JOBS at a time (default 2, the cores of
# the reference machine); FM_JOBS=1 runs them one after the other. The suites that mostly
# wait (a private Postfix or Sendmail, the package install: wall time several times their
# CPU) run one at a time in a lane of their own beside those FM_JOBS (FM_WAIT_LANE=0 puts
# them back into the common lanes). Each suite writes its
# own log, tests/out/log/NAME.log, printed whole when the suite ends so outputs never
# interleave; tests/out/log/times.tsv records each suite's wall time and CPU time (user+sys
# of the suite and every process it waited for, from /usr/bin/time; "-" without it: on a
# shared machine the wall time depends on the load, the CPU time hardly). Suites are started
# longest first (the order of the table below) so the lanes end together.
# FM_SUITES="golden code ..." runs only the named suites.
set -u
cd "$(dirname "$0")/.."
export FM_BIN=${FM_BIN:-milter/fileless-milter}
export FM_ASAN_BIN=${FM_ASAN_BIN:-build/san-address-undefined/fileless-milter}
jobs_max=${FM_JOBS:-2}
# the waiting suites (see above); their readiness waits have FM_WAIT_MIN floors, not fixed sleeps
WAIT_SUITES=" postfix sendmail faults integration-quarantine package "
[ "${FM_WAIT_LANE:-1}" = 0 ] && WAIT_SUITES=" "
logdir=tests/out/log
rm -rf "$logdir"
mkdir -p "$logdir"
# sanitized builds: fail on the first report; third-party leaks are listed in lsan.supp
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/data/lsan.supp:print_suppressions=0}
TSAN_ENV="TSAN_OPTIONS=halt_on_error=1:suppressions=$PWD/tests/data/tsan.supp"

# the suites: NAME|ENV...|COMMAND... (ENV and COMMAND split on spaces; ENV may be -)
suites=(
    "package|-|tests/package/run.sh"
    "postfix|-|tests/integration/postfix.sh"
    "sendmail|-|tests/integration/sendmail.sh"
    "corpus|-|tests/corpus/run-corpus.sh"
    "cache|-|tests/cache/run.sh"
    "urlrep|-|tests/urlrep/run.sh"
    "quarantine|-|tests/quarantine/run.sh"
    "milter|-|tests/milter/run.sh"
    "hostile|-|tests/hostile/run.sh"
    "emu|-|tests/emu/run.sh"
    "faults|-|tests/integration/faults.sh"
    "integration-quarantine|-|tests/integration/quarantine.sh"
    "milter-asan|FM_BIN=$FM_ASAN_BIN|tests/milter/run.sh"
    "cache-asan|FM_BIN=$FM_ASAN_BIN FM_CACHE_CORPUS=0|tests/cache/run.sh"
    "quarantine-asan|FM_BIN=$FM_ASAN_BIN FM_BROWSER=0|tests/quarantine/run.sh"
    "emu-asan|FM_BIN=$FM_ASAN_BIN FM_EMU_OUT=tests/out/emu-asan FM_EMU_TABLE=tests/out/emu-asan.md|tests/emu/run.sh"
    "fuzz-replay|-|tests/fuzz/run.sh"
    "engines|-|python3 tests/engines/run.py"
    "maldocs|-|tests/maldocs/run.sh"
    "analysers|-|python3 tests/analysers/run.py"
    "behaviour|-|python3 tests/behaviour/run.py"
    "coverage|-|python3 tests/coverage/run.py"
    "officecrypt|-|python3 tests/officecrypt/run.py"
    "compare-upstream|-|python3 tests/corpus/compare-upstream.py"
    "cli|-|tests/cli/run.sh"
    "langs|-|tests/langs/run.sh"
    "golden|-|tests/golden/run.sh"
    "code|-|tests/check-code.sh"
)
if [ -x "${FM_TSAN_BIN:-}" ]; then
    suites+=("milter-tsan|$TSAN_ENV FM_BIN=$FM_TSAN_BIN|tests/milter/run.sh")
fi
# unit-asan: FM_SLOW=0 skips test_scan_yara's public rule sets (4 third-party sets over 1,500
# corpus files, 66 s CPU under ASan, mostly files that run into YARA's 10 s timeout); the
# unit lane runs that comparison with the release build, the corpus suite runs the shipped
# rules under ASan, and test_threads the adapter's callbacks
if [ -n "${FM_UNIT_ASAN:-}" ]; then
    suites=("unit-asan|FM_SLOW=0|tests/run-unit.sh ${FM_UNIT_ASAN}" "${suites[@]}")
fi
if [ -n "${FM_UNIT:-}" ]; then
    suites=("unit|-|tests/run-unit.sh ${FM_UNIT}" "${suites[@]}")
fi

# run_suite NAME ENV CMD - run one suite into its log; the exit status into NAME.rc
run_suite() {
    local name=$1 envs=$2 cmd=$3 start=$SECONDS cpu=-
    [ "$envs" = - ] && envs=
    local timer=()
    [ -x /usr/bin/time ] && timer=(/usr/bin/time -q -f '%U %S' -o "$logdir/$name.cpu")
    # shellcheck disable=SC2086
    "${timer[@]}" env $envs $cmd >"$logdir/$name.log" 2>&1 </dev/null
    echo $? >"$logdir/$name.rc"
    [ -s "$logdir/$name.cpu" ] && cpu=$(awk '{printf "%.0f", $1 + $2}' "$logdir/$name.cpu")
    printf '%s\t%s\t%s\n' "$name" $((SECONDS - start)) "$cpu" >>"$logdir/times.tsv"
}

passed=0 failed=0 skipped=0
# count NAME - print the suite's log and add its results
count() {
    local name=$1 log=$logdir/$1.log rc
    rc=$(cat "$logdir/$name.rc" 2>/dev/null || echo 99)
    echo "==== $name (exit $rc, $(awk -v n="$name" '$1 == n {print $2 " s, CPU " $3 " s"}' "$logdir/times.tsv"))"
    cat "$log"
    if [ "$name" = unit ] || [ "$name" = unit-asan ]; then
        local p f
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "!! unit tests exited $rc (a crash without a summary)"; fi
        passed=$((passed + p)) failed=$((failed + f))
        return
    fi
    local line
    line=$(grep '^@@ ' "$log" | tail -1)
    if [ -z "$line" ]; then
        echo "!! $name printed no summary (exit $rc)"
        failed=$((failed + 1))
        return
    fi
    local p f s
    p=$(echo "$line" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
    s=$(echo "$line" | sed -n 's/.*skipped=\([0-9]*\).*/\1/p')
    if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then f=1; echo "!! $name exited $rc"; fi
    passed=$((passed + ${p:-0})) failed=$((failed + ${f:-0})) skipped=$((skipped + ${s:-0}))
}

declare -A pid_of=()
running=0      # suites running in the common lanes
running_wait=0 # suites running in the waiting lane (0 or 1)
# reap - wait for any one running suite and report it
reap() {
    wait -n
    local n
    for n in "${!pid_of[@]}"; do
        if ! kill -0 "${pid_of[$n]}" 2>/dev/null; then
            wait "${pid_of[$n]}" 2>/dev/null
            unset "pid_of[$n]"
            if [[ $WAIT_SUITES == *" $n "* ]]; then
                running_wait=$((running_wait - 1))
            else
                running=$((running - 1))
            fi
            count "$n"
        fi
    done
}

# start ENTRY - start one suite of the table in the background
start() {
    local name envs cmd
    IFS='|' read -r name envs cmd <<<"$1"
    run_suite "$name" "$envs" "$cmd" &
    pid_of[$name]=$!
}

# the two queues, each in table order (longest first)
common=() waiting=()
for entry in "${suites[@]}"; do
    name=${entry%%|*}
    if [ -n "${FM_SUITES:-}" ] && [[ " $FM_SUITES " != *" $name "* ]]; then continue; fi
    if [[ $WAIT_SUITES == *" $name "* ]]; then waiting+=("$entry"); else common+=("$entry"); fi
done
while [ ${#common[@]} -gt 0 ] || [ ${#waiting[@]} -gt 0 ]; do
    if [ ${#waiting[@]} -gt 0 ] && [ "$running_wait" -eq 0 ]; then
        start "${waiting[0]}"
        waiting=("${waiting[@]:1}")
        running_wait=1
    elif [ ${#common[@]} -gt 0 ] && [ "$running" -lt "$jobs_max" ]; then
        start "${common[0]}"
        common=("${common[@]:1}")
        running=$((running + 1))
    else
        reap
    fi
done
while [ $((running + running_wait)) -gt 0 ]; do reap; done

echo
echo "suite wall times (s) and CPU times (user+sys, s), longest first:"
sort -t$'\t' -k2 -nr "$logdir/times.tsv" | awk -F'\t' '{printf "  %-24s %5s wall %5s CPU\n", $1, $2, $3} {w += $2; c += $3}
    END {printf "  %-24s %5d wall %5d CPU (sums over the suites)\n", "total", w, c}'
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
