#!/bin/sh
# run-unit.sh - run cmocka unit test binaries; print each one's summary and a total.
# Exit status is non-zero when any binary fails.
fail=0
for t in "$@"; do
    "$t" || fail=1
done
exit $fail
