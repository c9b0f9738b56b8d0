#!/bin/bash
# cli/run.sh - command-line behaviour of the real binary: -n, -d, -t, --json, errors.
cd "$(dirname "$0")/../.."
T_SUITE=cli
. tests/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect "-n accepts the shipped config" 0 "$BIN" -c milter.conf -n
contains "-n names the ruleset" "rules "

sed 's/^max_total_bytes = /scan_size_mx = /' milter.conf >"$tmp/typo.conf"
line=$(grep -n '^scan_size_mx' "$tmp/typo.conf" | cut -d: -f1)
expect "-n rejects a misspelled key" 1 "$BIN" -c "$tmp/typo.conf" -n
contains "error names file, line and key" "typo.conf:$line: unknown key 'scan_size_mx'"

printf 'max_parts = many\n' >"$tmp/badval.conf"
expect "-n rejects a bad value" 1 "$BIN" -c "$tmp/badval.conf" -n
contains "bad value message" "badval.conf:1: bad integer 'many' for 'max_parts'"

printf 'rules_dir = /nonexistent\n' >"$tmp/norules.conf"
expect "-n fails when rules cannot load" 1 "$BIN" -c "$tmp/norules.conf" -n
contains "missing rules named" "/nonexistent/scoring.conf"

printf 'BAD LINE HERE\n' >"$tmp/scoring.conf"
printf 'rules_dir = .\n' >"$tmp/badrules.conf"
expect "-n fails on a bad scoring.conf line" 1 "$BIN" -c "$tmp/badrules.conf" -n
contains "scoring error has file and line" "scoring.conf:1:"

expect "-d prints defaults" 0 "$BIN" -d
if [ "$OUT" = "$(cat milter.conf)" ]; then ok "milter.conf is exactly the -d output"; else
    bad "milter.conf is exactly the -d output" "regenerate with: $BIN -d > milter.conf"; fi

expect "missing file exits 2" 2 "$BIN" -c milter.conf -t --json "$tmp/nope.eml"
contains "missing file named" "nope.eml"

samples=(contrib/samples/*.eml)
"$BIN" -c milter.conf -t --json "${samples[@]}" >"$tmp/out.json" 2>"$tmp/err"
n=$(wc -l <"$tmp/out.json")
if [ "$n" -eq "${#samples[@]}" ]; then ok "--json prints one line per file"; else
    bad "--json prints one line per file" "$n lines for ${#samples[@]} files"; fi
if jq -e 'has("file") and has("ref") and has("verdict") and has("score") and has("parts") and has("urls") and has("hits") and has("limits") and has("ms")' <"$tmp/out.json" >/dev/null; then
    ok "--json has the stable top-level fields"; else bad "--json has the stable top-level fields" "$(head -c 300 "$tmp/out.json")"; fi
if grep -q 'ref=[0-9a-f]\{16\} file=.* parts=[0-9]* urls=[0-9]* .*ms=' "$tmp/err"; then
    ok "one summary log line per message"; else bad "one summary log line per message" "$(head -2 "$tmp/err")"; fi

"$BIN" -c milter.conf -t "${samples[0]}" >"$tmp/text" 2>/dev/null
if grep -q '^ref [0-9a-f]\{16\}  verdict=' "$tmp/text" && grep -q '^parts:' "$tmp/text"; then
    ok "text report"; else bad "text report" "$(head -3 "$tmp/text")"; fi

"$BIN" -c milter.conf -t --json --extract "$tmp/x" tests/golden/nested-rfc822.eml >/dev/null 2>&1
if [ -n "$(find "$tmp/x" -name '2.2.bin' -size +0)" ]; then ok "--extract writes decoded parts"; else
    bad "--extract writes decoded parts" "$(find "$tmp/x" | head)"; fi

# man pages (make man): render without roff warnings; milter.conf(5) names every key of -d
if [ -f build/man/milter.conf.5 ] && command -v man >/dev/null; then
    for m in build/man/milter.conf.5 build/man/fileless-milter.8 build/man/fileless-ctl.8; do
        w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
        if [ -z "$w" ]; then ok "man $(basename "$m") renders cleanly"; else bad "man $(basename "$m")" "$w"; fi
    done
    missing=$("$BIN" -d | sed -n 's/^\([a-z_0-9]*\) = .*/\1/p' | while read -r k; do
        grep -qx ".B $k" build/man/milter.conf.5 || echo "$k"; done)
    if [ -z "$missing" ]; then ok "milter.conf(5) documents every key"; else
        bad "milter.conf(5) documents every key" "missing: $missing"; fi
else
    skip "man pages" "build/man not built (make man) or man not installed"
fi

summary
