#!/bin/bash
# run.sh - the maldocs suite: the test-only fetch of the public samples (fetch.sh, skipped
# when the snapshot is absent, done once into build/maldocs), then the per-type table and
# checks of run.py (tests/out/maldocs.md). Ends with "@@ maldocs passed=N failed=M skipped=K".
cd "$(dirname "$0")/../.." || exit 1
tests/maldocs/fetch.sh
exec python3 tests/maldocs/run.py "$@"
