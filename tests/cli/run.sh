#!/bin/bash
# cli/run.sh - command-line behaviour of the real binary: -n, -d, -t, --json, errors, the
# policy file's default policy offline.
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

# -n names scoring.conf entries that no code reports (a misspelled symbol weighs nothing)
mkdir -p "$tmp/typo-rules"
sed 's/^VBA_AUTOEXEC /VBA_AUTOEXCE /' rules/scoring.conf >"$tmp/typo-rules/scoring.conf"
grep -q '^VBA_AUTOEXCE ' "$tmp/typo-rules/scoring.conf" || bad "typo fixture" "VBA_AUTOEXEC not in scoring.conf"
sed "s|^rules_dir = .*|rules_dir = $tmp/typo-rules, $PWD/rules|" milter.conf >"$tmp/typo-rules.conf"
expect "-n fails on a symbol nothing reports" 1 "$BIN" -c "$tmp/typo-rules.conf" -n
contains "-n names the unknown symbol" "VBA_AUTOEXCE"

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

# --extract writes the layers inside archives too: DIR/REF/PART.LN-NAME.bin with a name
# reduced to [A-Za-z0-9._-] (no leading dot, nothing outside DIR/REF), layers.tsv maps each
# file to its location, max_layers bounds the count
python3 - "$tmp/layers.eml" <<'PY'
import sys, io, zipfile
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.mime.application import MIMEApplication
b = io.BytesIO()
with zipfile.ZipFile(b, "w") as z:
    z.writestr("doc.js", 'var s = new ActiveXObject("WScript.Shell"); s.Run("calc");\n')
    z.writestr("../../evil.js", 'WScript.Echo("traversal");\n')
    z.writestr("a/b/.hidden.vbs", 'MsgBox "x"\n')
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z2:
        z2.writestr("deep.txt", "deep layer text\n")
    z.writestr("inner.zip", inner.getvalue())
m = MIMEMultipart()
m["Subject"], m["From"], m["To"] = "extract", "a@example.org", "b@example.net"
m.attach(MIMEText("see attachment"))
a = MIMEApplication(b.getvalue(), "zip")
a.add_header("Content-Disposition", "attachment", filename="invoice.zip")
m.attach(a)
open(sys.argv[1], "w").write(m.as_string())
PY
mkdir -p "$tmp/lx/run"
"$BIN" -c milter.conf -t --extract "$tmp/lx/run" "$tmp/layers.eml" >/dev/null 2>&1
ref=$(ls "$tmp/lx/run" | head -1)
d=$tmp/lx/run/$ref
f=$(awk -F'\t' '$3 == "2/invoice.zip>doc.js" {print $1}' "$d/layers.tsv" 2>/dev/null)
if [[ "$f" =~ ^2\.L[0-9]+-doc\.js\.bin$ ]] && grep -q 'ActiveXObject("WScript.Shell")' "$d/$f"; then
    ok "--extract writes an archive member (2/invoice.zip>doc.js -> $f)"
else
    bad "--extract writes an archive member" "$(cat "$d/layers.tsv" 2>&1; ls "$d")"
fi
if grep -q $'\t2/invoice.zip>inner.zip>deep.txt$' "$d/layers.tsv" && grep -q 'deep layer text' "$d"/2.L*-deep.txt.bin; then
    ok "--extract writes a layer two archives deep"
else
    bad "--extract writes a layer two archives deep" "$(cat "$d/layers.tsv" 2>&1)"
fi
outside=$(find "$tmp/lx" -mindepth 1 ! -path "$d" ! -path "$d/*" ! -path "$tmp/lx/run")
stray=$(find "$d" -mindepth 1 ! -type f -o -name '.*' -o -name '*/*')
if [ -z "$outside" ] && [ -z "$stray" ] && grep -q 'WScript.Echo("traversal")' "$d"/2.L*-evil.js.bin &&
    ls "$d" | grep -q '^2\.L[0-9]*-_hidden\.vbs\.bin$'; then
    ok "--extract: ../ and leading dots stay inside DIR/REF, sanitized"
else
    bad "--extract: names sanitized" "outside=[$outside] stray=[$stray] $(ls -a "$d")"
fi
sed -e 's/^max_layers = .*/max_layers = 2/' -e "s|^rules_dir = .*|rules_dir = $PWD/rules|" milter.conf >"$tmp/fewlayers.conf"
"$BIN" -c "$tmp/fewlayers.conf" -t --extract "$tmp/lx2" "$tmp/layers.eml" >/dev/null 2>&1
n=$(ls "$tmp/lx2"/*/ | grep -c '\.L[0-9]*-')
[ "$n" = 2 ] && ok "--extract: max_layers = 2 writes 2 layers" || bad "--extract: max_layers bounds the count" "$n files: $(ls "$tmp/lx2"/*/)"

# -t --exit-code: the worst verdict as the exit status (0 clean, 3 tag, 4 quarantine, 5 reject)
expect "-t --exit-code: clean newsletter exits 0" 0 "$BIN" -c milter.conf -t --exit-code contrib/samples/newsletter.eml
"$BIN" -c milter.conf -t --json contrib/samples/invoice-zip-js.eml >"$tmp/v.json" 2>/dev/null
v=$(jq -r .verdict "$tmp/v.json")
want=$(case "$v" in clean) echo 0 ;; tag) echo 3 ;; quarantine) echo 4 ;; reject) echo 5 ;; esac)
expect "-t --exit-code: the dropper's verdict ($v) is the exit status" "$want" \
    "$BIN" -c milter.conf -t --exit-code contrib/samples/invoice-zip-js.eml
expect "-t --exit-code: the worst of several files" "$want" \
    "$BIN" -c milter.conf -t --exit-code contrib/samples/newsletter.eml contrib/samples/invoice-zip-js.eml
expect "-t without --exit-code exits 0 whatever the verdict" 0 "$BIN" -c milter.conf -t contrib/samples/invoice-zip-js.eml
expect "-t --exit-code: an unreadable file still exits 2" 2 "$BIN" -c milter.conf -t --exit-code "$tmp/nope.eml"

# fileless-ctl: no command is bad usage; --help on every command and subcommand exits 0
CTL=${FM_CTL:-$(dirname "$BIN")/fileless-ctl}
if [ -x "$CTL" ]; then
    CTL=$(cd "$(dirname "$CTL")" && pwd)/$(basename "$CTL")
    expect "fileless-ctl without a command exits 2" 2 "$CTL"
    for args in "--help" "help" "help quarantine" "quarantine --help" "quarantine list --help" \
        "quarantine show --help" "quarantine release --help" "quarantine purge -h" "ioc --help" \
        "ioc import --help" "cache --help" "cache flush --help" "where --help" "web --help"; do
        # shellcheck disable=SC2086
        expect "fileless-ctl $args exits 0 with the usage on stdout" 0 sh -c "\"$CTL\" -c /nonexistent $args 2>/dev/null"
        contains "fileless-ctl $args prints a usage" "usage: fileless-ctl"
    done
    expect "fileless-ctl bad usage exits 2" 2 "$CTL" -c milter.conf cache bogus
    h=$(cd "$tmp" && echo 'a long passphrase' | "$CTL" web --hash-password 2>"$tmp/hp.err")
    if [ "${h:0:3}" = '$6$' ]; then ok "web --hash-password works without a config file"; else
        bad "web --hash-password without a config file" "got '$h' $(cat "$tmp/hp.err")"; fi
    expect "web --hash-password with a named but missing config still fails" 1 sh -c \
        "echo pw | \"$CTL\" -c \"$tmp/missing.conf\" web --hash-password"
else
    skip "fileless-ctl checks" "$CTL not built"
fi

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


# the policy file's [default] applies to the offline scan: its thresholds and weights
printf '[default]\nquarantine_threshold = 1000\nreject_threshold = 1000\nweight EMU_RUNKEY_LAUNCHER = 0\n' >"$tmp/policy.conf"
sed -e "s|^policy_file = .*|policy_file = $tmp/policy.conf|" -e "s|^rules_dir = .*|rules_dir = $PWD/rules|" \
    milter.conf >"$tmp/policy-m.conf"
"$BIN" -c milter.conf -t --json contrib/samples/invoice-zip-js.eml >"$tmp/p0.json" 2>/dev/null
"$BIN" -c "$tmp/policy-m.conf" -t --json contrib/samples/invoice-zip-js.eml >"$tmp/p1.json" 2>/dev/null
if [ "$(jq -r .verdict "$tmp/p0.json")" = reject ] && [ "$(jq -r .verdict "$tmp/p1.json")" = tag ] &&
    [ "$(jq -r .policy "$tmp/p1.json")" = default ] &&
    [ "$(jq '[.hits[] | select(.symbol == "EMU_RUNKEY_LAUNCHER") | .weight] | max' "$tmp/p1.json")" = 0 ] &&
    [ "$(jq -n --slurpfile a "$tmp/p0.json" --slurpfile b "$tmp/p1.json" '$b[0].score < $a[0].score')" = true ]; then
    ok "policy [default]: thresholds and a weight change the offline verdict"
else
    bad "policy [default] offline" "$(jq -c '{verdict, score, policy}' "$tmp/p0.json" "$tmp/p1.json")"
fi
printf '[x]\nmatch = client:10.0.0.0/8\nweight NO_SUCH_SYMBOL = 2\n' >"$tmp/policy.conf"
expect "-n fails on a policy weight of an unknown symbol" 1 "$BIN" -c "$tmp/policy-m.conf" -n
contains "policy error names file and line" "$tmp/policy.conf:3: unknown symbol 'NO_SUCH_SYMBOL' (not in scoring.conf)"

summary
