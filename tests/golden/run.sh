#!/bin/bash
# golden/run.sh - each tests/golden/<case>.eml through `fileless-milter -t --json`,
# diffed against <case>.ref (pretty-printed JSON; `ms`, `cache.ms` and `ruleset` normalized).
# UPDATE=1 rewrites the .ref files: review the diff before committing.
cd "$(dirname "$0")/../.."
T_SUITE=golden
. tests/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}
norm='.ms = 0 | .ruleset = "RULESET" | .cache.ms = 0'
for eml in tests/golden/*.eml; do
    name=$(basename "$eml" .eml)
    ref=tests/golden/$name.ref
    got=$("$BIN" -c milter.conf -t --json "$eml" 2>/dev/null | jq "$norm")
    if [ -z "$got" ]; then
        bad "$name" "no JSON output"
    elif [ "${UPDATE:-0}" = 1 ]; then
        printf '%s\n' "$got" >"$ref"
        ok "$name (updated)"
    elif [ ! -f "$ref" ]; then
        bad "$name" "missing $ref (run UPDATE=1 $0)"
    elif diff -u "$ref" <(printf '%s\n' "$got") >"tests/out/golden-$name.diff" 2>&1; then
        ok "$name"
    else
        bad "$name" "differs from $ref:"
        head -40 "tests/out/golden-$name.diff"
    fi
done
summary
