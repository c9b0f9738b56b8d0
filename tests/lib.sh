# lib.sh - tiny assertion helpers for shell test suites (sourced).
# ok NAME / bad NAME REASON record results; summary prints the "@@" line for run-all.sh.
T_PASS=0 T_FAIL=0 T_SKIP=0
T_SUITE=${T_SUITE:-suite}

ok() { T_PASS=$((T_PASS + 1)); echo "ok   $1"; }
bad() { T_FAIL=$((T_FAIL + 1)); echo "FAIL $1: $2"; }
skip() { T_SKIP=$((T_SKIP + 1)); echo "skip $1: $2"; }

# expect NAME WANT_STATUS CMD... - run CMD, compare its exit status; output in $OUT
expect() {
    local name=$1 want=$2
    shift 2
    OUT=$("$@" 2>&1)
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$name"; else bad "$name" "exit $rc, want $want: $(echo "$OUT" | head -3)"; fi
}

# contains NAME NEEDLE - the last command's output ($OUT) contains NEEDLE
contains() {
    case "$OUT" in
    *"$2"*) ok "$1" ;;
    *) bad "$1" "output lacks '$2': $(echo "$OUT" | head -3)" ;;
    esac
}

# wait_for SECONDS CMD... - poll until CMD succeeds (readiness); false after SECONDS, or after
# FM_WAIT_MIN (60) when that is longer: on a loaded machine (ASan, TSan, 2 shared cores) a
# short deadline is a flake, and a ready result returns at once anyway
wait_for() {
    local s=$1 min=${FM_WAIT_MIN:-60}
    [ "$s" -lt "$min" ] && s=$min
    local end=$((SECONDS + s))
    shift
    while :; do
        "$@" && return 0
        [ "$SECONDS" -ge "$end" ] && return 1
        sleep 0.1
    done
}

summary() {
    echo "@@ $T_SUITE passed=$T_PASS failed=$T_FAIL skipped=$T_SKIP"
    [ "$T_FAIL" -eq 0 ]
}
