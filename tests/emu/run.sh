#!/bin/bash
# emu/run.sh - the JavaScript emulation (milter/emu): the fileless-emu helper alone, the
# milter's -t reports with emulate on and off over tests/corpus/emu, hostile scripts, the
# daemon serving mail while its helpers die, and -n.
#
#  1. helper: `fileless-emu --run` on the hand-made droppers records the calls whose
#     strings exist only at run time; the seccomp filter is in force (a probe that makes
#     a forbidden system call after the lockdown dies with SIGSYS).
#  2. reports: each sample of gen/, real/ and benign/ is attached to a message
#     (tests/emu/mkeml.py) and scanned with `-t --json` twice (emulate = on / off);
#     the findings each case needs are asserted (cases below), every emulated call is its
#     own finding at `...>emu:<API>`, and the table sample | off | on | EMU findings goes
#     to tests/out/emu.md.
#  3. hostile/: each script ends with EMU_LIMIT (or EMU_ERROR) inside the limits
#     (emulate_ms = 300: the -t run of one message stays under 5 s wall time; with a
#     sanitized FM_BIN the time is recorded only), the static findings of the part are
#     still reported.
#  4. daemon (needs miltertest): hostile messages, then a dropper that must be rejected
#     through emulation: every message is answered, the helpers are restarted, and the
#     daemon still runs.
#  5. -n starts a helper (and fails with a missing one).
# FM_EMU_OUT / FM_EMU_TABLE move the work directory and the table (for a second variant).
cd "$(dirname "$0")/../.."
T_SUITE=emu
case ${FM_BIN:-} in */san-*) T_SUITE=emu-asan ;; esac
. tests/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}
EMU=$(dirname "$BIN")/fileless-emu
MAX_WALL=5000 # ms per hostile message, the report's own .ms (analysis time, not process
              # start-up or rule loading); a sanitized build is only recorded
RUN_MS=3000   # emulate_ms for the samples (a sanitized build is slower: more)
case $BIN in */san-*) MAX_WALL=999999 RUN_MS=8000 ;; esac
C=tests/corpus/emu
out=${FM_EMU_OUT:-tests/out/emu}
rm -rf "$out"
mkdir -p "$out"
if [ ! -x "$EMU" ]; then
    bad helper "$EMU not built"
    summary
    exit 1
fi

# conf NAME SETTINGS... - milter.conf with settings replaced, as $out/NAME.conf
conf() {
    local f=$out/$1.conf
    shift
    sed -e "s|^rules_dir = .*|rules_dir = $PWD/rules|" -e "s|^cache = .*|cache = off|" milter.conf >"$f"
    for kv in "$@"; do sed -i "s|^${kv%% =*} = .*|$kv|" "$f"; done
}
conf on "emulate = on" "emulate_ms = $RUN_MS"
conf off "emulate = off"
conf hostile "emulate = on" "emulate_ms = 300" "emulate_memory = 64M"

# --- 1. the helper alone
helper_has() { # NAME FILE TEXT...
    local name=$1 file=$2 o
    shift 2
    o=$("$EMU" --run "$file" -t $((RUN_MS * 2)) 2>&1)
    for t in "$@"; do
        case $o in *"$t"*) ;; *) bad "helper $name" "lacks '$t': $(echo "$o" | tail -2)"; return ;; esac
    done
    ok "helper $name"
}
helper_has kovter "$C/gen/kovter-runkey.js" \
    'C RegWrite | HKCU\Software\Microsoft\Windows\CurrentVersion\Run\upd | mshta javascript:eval(' \
    'C RegWrite | HKCU\Software\teststore\data | V1NjcmlwdC5FY2hv'
helper_has kovter-obfuscated "$C/gen/obf-kovter-rc4-cff.js" 'CurrentVersion\Run\upd | mshta javascript:'
helper_has poweliks "$C/gen/obf-poweliks-b64-debugprot.js" 'Run\ | rundll32.exe javascript:"\..\mshtml,RunHTMLApplication'
helper_has download-exec "$C/gen/obf-download-exec-full.js" 'C HttpOpen | GET | http://download.example.invalid/upd.exe' \
    'C RunDownloaded | C:\Users\user\AppData\Local\Temp\upd.exe'
helper_has smuggle "$C/gen/smuggle-zip.html" 'C BlobSave | invoice.zip | 306' 'L blob | PK\x03\x04'
helper_has wsf "$C/gen/persist-task-wmi.wsf" 'C RegisterTask | Updater | C:\Windows\System32\wscript.exe //E:jscript' \
    'C WMIPut | CommandLineEventConsumer'
helper_has xsl-template-call "$C/gen/squiblytwo.xsl" 'C RegWrite | HKCU\Software\Microsoft\Windows\CurrentVersion\Run\sync | mshta vbscript:' \
    'C HttpOpen | GET | http://dl.example.invalid/stage2.exe' 'C RunDownloaded | C:\Users\user\AppData\Local\Temp\stage2.exe'
# ES2015: rewritten after the SyntaxError (downlevel.js); the same line node prints for it
helper_has es2015-rewrite "$C/benign/es2015-features.js" 'C Downlevel |' \
    'C Echo | awbin4c x|y|z/1,2 3:4 152 192 abm178 B<244 6 7Hi /a-c5 2' 'E ok'
helper_has es2015-obfuscated "$C/gen/obf-es2015-full.js" 'C RegWrite | HKCU\Software\Microsoft\Windows\CurrentVersion\Run\update | mshta javascript:' \
    'C RunDownloaded | C:\Users\user\AppData\Local\Temp\stage2.exe'
helper_has jscript-syntax "$C/real/20160301_5870ff0fd179c5bc2379b08558225803.js" 'C RunDownloaded'
# JScript/WSH answers droppers test for (SYSTEM environment, WScript.Path, a failing ProgID,
# getYear, cc_on in eval'd code, dotted and leaking function names, [].sort.apply())
helper_has jscript-host-checks "$C/gen/jscript-host-checks.js" 'C HttpOpen | GET | http://dl.example.invalid/stage.exe' \
    'C RunDownloaded | C:\Users\user\AppData\Local\Temp\stage.exe'
# a constant table rebuilt for every character is built once: the command is reached within
# 1000 ms of CPU (about 160 ms in the release build), while the same loop with the table
# written to (so not constant, never hoisted) ends at that deadline (about 3.7 s of CPU).
# The deadline is CPU time, so load does not move it; a sanitizer build is 20-30x slower
# than the budget is about, so the emu-asan run skips this pair (the release run asserts it).
case $BIN in
*/san-*) skip "helper table-per-iteration" "the CPU budget is the release build's" ;;
*)
    o=$("$EMU" --run "$C/gen/table-per-iteration.js" -t 1000 2>&1)
    case $o in *'C Run | table-hoisted.exe'*) ok "helper table-per-iteration in 1000 ms" ;;
    *) bad "helper table-per-iteration in 1000 ms" "$(echo "$o" | tail -2)" ;; esac
    sed 's/^var T = {/T = 0; var T = {/' "$C/gen/table-per-iteration.js" >"$out/table-written.js"
    o=$("$EMU" --run "$out/table-written.js" -t 1000 2>&1)
    case $o in *'E timeout'*) ok "helper table-per-iteration: the written table is not hoisted" ;;
    *) bad "helper table-per-iteration: the written table is not hoisted" "$(echo "$o" | tail -2)" ;; esac
    ;;
esac
helper_has quit-is-final "$C/hostile/quit-catch.js" 'E quit'
if "$EMU" --probe-sandbox >/dev/null 2>&1; then bad "seccomp in force" "the probe's system call was allowed"; else
    rc=$?
    if [ "$rc" -eq $((128 + 31)) ]; then ok "seccomp in force (probe killed by SIGSYS)"; else bad "seccomp in force" "probe exit $rc, want 159 (SIGSYS)"; fi
fi

# --- 2. reports with emulation on and off
# case: FILE|symbols required with emulate on (all)|verdict required with emulate on
cases="gen/kovter-runkey.js|EMU_REG_WRITE EMU_REG_RUNKEY EMU_REG_PAYLOAD EMU_RUNKEY_LAUNCHER|reject
gen/obf-kovter-rc4-cff.js|EMU_RUNKEY_LAUNCHER EMU_REG_PAYLOAD|reject
gen/poweliks-rundll32.js|EMU_RUNKEY_LAUNCHER|reject
gen/obf-poweliks-b64-debugprot.js|EMU_RUNKEY_LAUNCHER EMU_DYNAMIC_CODE|reject
gen/jscript-host-checks.js|EMU_DOWNLOAD EMU_DOWNLOAD_EXEC|-
gen/download-exec.js|EMU_DOWNLOAD EMU_WRITE_FILE EMU_EXEC EMU_DOWNLOAD_EXEC|-
gen/obf-download-exec-full.js|EMU_DOWNLOAD EMU_DOWNLOAD_EXEC|-
gen/smuggle-zip.html|EMU_BLOB_SAVE REG_DROPPER|reject
gen/smuggle-zip.svg|EMU_BLOB_SAVE REG_DROPPER|reject
gen/persist-task-wmi.wsf|EMU_SCHTASK EMU_WMI_PERSIST|-
gen/hta-encoded.hta|EMU_EXEC EMU_EXEC_LAUNCHER PS_ENCODED_COMMAND|-
gen/squiblytwo.xsl|XSL_SCRIPT EMU_RUNKEY_LAUNCHER EMU_DOWNLOAD EMU_DOWNLOAD_EXEC PS_ENCODED_COMMAND|reject
gen/obf-kovter-rc4-cff.jse|SCRIPT_ENCODED EMU_REG_RUNKEY EMU_RUNKEY_LAUNCHER EMU_REG_PAYLOAD|reject
real/20151115_633294afe5029359638c6f8e1998eefd.js|EMU_DOWNLOAD EMU_DOWNLOAD_EXEC EMU_DYNAMIC_CODE|-
real/20151116_c1882b085e9b7d7d39e19dd66bdce5f7.js|EMU_DOWNLOAD EMU_DOWNLOAD_EXEC|-
real/20160301_5870ff0fd179c5bc2379b08558225803.js|EMU_DOWNLOAD EMU_DOWNLOAD_EXEC|-
real/20170301_bf55dc97b611f894f3550515d45a4171.js|EMU_DOWNLOAD|-
benign/page.html|-|-
benign/tool.js|-|-
benign/report.xsl|-|-
benign/es6.js|-|-
benign/es2015-features.js|-|-
benign/es2020.js|EMU_ERROR|-
benign/format-lib.js|-|-
gen/date-gated-decoder.js|SCRIPT_COM_SHELL SCRIPT_COM_HTTP CHAIN_DOWNLOAD_EXECUTE|reject
gen/es2015-dropper.js|EMU_RUNKEY_LAUNCHER EMU_DOWNLOAD EMU_DOWNLOAD_EXEC|reject
gen/obf-es2015-rc4-cff.js|EMU_RUNKEY_LAUNCHER EMU_DOWNLOAD_EXEC|reject
gen/obf-es2015-full.js|EMU_RUNKEY_LAUNCHER EMU_DOWNLOAD_EXEC|reject"
table=${FM_EMU_TABLE:-tests/out/emu.md}
{
    echo "# Emulation on / off (tests/emu/run.sh)"
    echo
    echo "Each sample attached to one message, \`fileless-milter -t --json\` with \`emulate = off\` and \`on\`"
    echo "(emulate_ms = $RUN_MS). Score and verdict; EMU findings with emulation on."
    echo
    echo "| sample | off | on | EMU findings (on) | ms on |"
    echo "|---|---|---|---|---|"
} >"$table"
scan() { # EML CONF -> json on stdout
    "$BIN" -c "$out/$2.conf" -t --json "$1" 2>/dev/null
}
while IFS='|' read -r file need verdict; do
    name=$(basename "$file")
    eml=$out/$name.eml
    python3 tests/emu/mkeml.py "$eml" "$C/$file"
    scan "$eml" off >"$out/$name.off.json"
    scan "$eml" on >"$out/$name.on.json"
    vo=$(jq -r '"\(.verdict) \(.score)"' "$out/$name.off.json")
    von=$(jq -r '"\(.verdict) \(.score)"' "$out/$name.on.json")
    ms=$(jq -r '.ms // empty' "$out/$name.on.json")
    syms=$(jq -r '[.hits[].symbol] | unique | .[]' "$out/$name.on.json")
    emu=$(echo "$syms" | grep '^EMU_' | tr '\n' ' ')
    echo "| $file | $vo | $von | ${emu:--} | ${ms:-?} |" >>"$table"
    if jq -r '.hits[].symbol' "$out/$name.off.json" | grep -q '^EMU_'; then
        bad "$name off" "EMU findings with emulate = off"
    else ok "$name off: no EMU findings"; fi
    miss=""
    for s in $need; do [ "$s" = - ] || echo "$syms" | grep -qx "$s" || miss="$miss $s"; done
    if [ "$need" = - ] && [ -n "$(jq -r '.hits[] | select(.symbol | startswith("EMU_")) | select(.weight > 0) | .symbol' "$out/$name.on.json")" ]; then
        miss=" (weighted EMU findings on a benign sample: $emu)"
    fi
    if [ -n "$miss" ]; then bad "$name on" "missing$miss (has: $emu)"; else ok "$name on: ${emu:-no EMU findings}"; fi
    if [ "$verdict" != - ]; then
        v=$(jq -r .verdict "$out/$name.on.json")
        if [ "$v" = "$verdict" ]; then ok "$name verdict $v"; else bad "$name verdict" "$v, want $verdict"; fi
    fi
done <<<"$cases"
# every emulated call is its own finding, at its own place, in the text report
"$BIN" -c "$out/on.conf" -t "$out/kovter-runkey.js.eml" >"$out/kovter.txt" 2>/dev/null
if grep -q 'EMU_RUNKEY_LAUNCHER @ 2/kovter-runkey.js>emu:RegWrite#2' "$out/kovter.txt" &&
    grep -q 'EMU_REG_WRITE @ 2/kovter-runkey.js>emu:RegWrite:' "$out/kovter.txt"; then
    ok "each call a finding at its place (>emu:RegWrite, >emu:RegWrite#2)"
else bad "each call a finding at its place" "$(grep EMU_ "$out/kovter.txt" | head -3)"; fi
# an XSL stylesheet: the JScript block emulated at the part, the VBScript block a layer for VBS analysers
if grep -q 'EMU_DOWNLOAD_EXEC @ 2/squiblytwo.xsl>emu:RunDownloaded' <("$BIN" -c "$out/on.conf" -t "$out/squiblytwo.xsl.eml" 2>/dev/null) &&
    jq -e '[.hits[] | select(.symbol == "PS_ENCODED_COMMAND" and (.location | endswith(">decoded:xslscript")))] | length == 1' "$out/squiblytwo.xsl.on.json" >/dev/null; then
    ok "xsl: JScript emulated (user:fetch called from the template), VBScript block analysed as a layer"
else bad "xsl: JScript emulated, VBScript block a layer" "$(jq -c '[.hits[] | "\(.symbol)@\(.location)"]' "$out/squiblytwo.xsl.on.json" | head -c 400)"; fi
# a .jse (Script Encoder): decoded by heur/deobf_vbe.c (>decoded:jse) and by ClamAV
# (>screnc.html, the script as a page's one block): the same code, emulated once (the
# message's set of emulated script digests; the first met runs)
if grep -qE 'EMU_RUNKEY_LAUNCHER @ 2/obf-kovter-rc4-cff.jse>(decoded:jse|screnc.html)>emu:RegWrite#2' <("$BIN" -c "$out/on.conf" -t "$out/obf-kovter-rc4-cff.jse.eml" 2>/dev/null) &&
    [ "$(jq '[.hits[] | select(.symbol == "EMU_RUNKEY_LAUNCHER")] | length' "$out/obf-kovter-rc4-cff.jse.on.json")" = 1 ] &&
    [ "$(jq '[.hits[] | select(.location | test(">emu")) | .location | sub(">emu.*"; "")] | unique | length' "$out/obf-kovter-rc4-cff.jse.on.json")" = 1 ]; then
    ok "jse: the decoded script is emulated once (one of >decoded:jse, >screnc.html)"
else bad "jse: the decoded script is emulated once" "$(jq -c '[.hits[] | select(.symbol | startswith("EMU_")) | .location]' "$out/obf-kovter-rc4-cff.jse.on.json")"; fi
if python3 tests/emu/screnc.py --selftest >/dev/null && python3 tests/emu/screnc.py "$C/gen/obf-kovter-rc4-cff.js" "$out/re.jse" &&
    cmp -s "$out/re.jse" "$C/gen/obf-kovter-rc4-cff.jse"; then
    ok "jse sample = tests/emu/screnc.py of gen/obf-kovter-rc4-cff.js (encoder matches the public reference)"
else bad "jse sample rebuilt" "screnc.py selftest or output differs"; fi
if jq -r '.parts[]?.layers[]?.location // empty, .layers[]?.location // empty' "$out/smuggle-zip.html.on.json" 2>/dev/null | grep -q 'emu-blob>invoice.js' ||
    grep -q 'emu-blob>invoice.js' "$out/smuggle-zip.html.on.json"; then
    ok "the smuggled zip and its script are layers"
else bad "the smuggled zip and its script are layers" "no emu-blob>invoice.js layer"; fi

# string decoders evaluated at their call sites although the run never takes the branch:
# the decoded layer exists, the helper's events hold no capability of the muted calls, and the
# verdict is quarantine or reject by content alone (rules with the ^name symbols at weight 0)
o=$("$EMU" --run "$C/gen/date-gated-decoder.js" -t $((RUN_MS * 2)) 2>&1)
if echo "$o" | grep -q '^L strings' && ! echo "$o" | grep -qE '^C (Echo|Host|Run|Call)\b'; then
    ok "helper date-gated-decoder: strings layer, no events from the decoder calls"
else bad "helper date-gated-decoder: strings layer, muted calls" "$(echo "$o" | cut -c1-100 | head -5)"; fi
mkdir -p "$out/content-rules"
cp -r rules/. "$out/content-rules/"
awk '!/^#/ && NF > 3 && ($4 == "^name" || $5 == "^name" || $6 == "^name") { $2 = 0 } { print }' rules/scoring.conf >"$out/content-rules/scoring.conf"
sed "s|^rules_dir = .*|rules_dir = $PWD/$out/content-rules|" "$out/on.conf" >"$out/content.conf"
scan "$out/date-gated-decoder.js.eml" content >"$out/date-gated.content.json"
v=$(jq -r .verdict "$out/date-gated.content.json")
if jq -e '[.hits[] | select(.location | endswith(">decoded:emu-strings"))] | length >= 3' "$out/date-gated.content.json" >/dev/null &&
    { [ "$v" = quarantine ] || [ "$v" = reject ]; }; then
    ok "date-gated decoder dropper: >decoded:emu-strings analysed, $v by content alone"
else bad "date-gated decoder dropper by content" "$v: $(jq -c '[.hits[] | "\(.symbol)@\(.location)"]' "$out/date-gated.content.json" | head -c 400)"; fi
# a benign library's helpers called with literals: a layer, and the same findings as with emulation off
if grep -q 'emu-strings' "$out/format-lib.js.on.json" &&
    [ "$(jq -c '[.hits[].symbol] | sort' "$out/format-lib.js.on.json")" = "$(jq -c '[.hits[].symbol] | sort' "$out/format-lib.js.off.json")" ]; then
    ok "format-lib: decoded layer, no new findings"
else bad "format-lib: no new findings" "$(jq -c '[.hits[].symbol]' "$out/format-lib.js.on.json")"; fi

# --- 3. hostile scripts
{
    echo
    echo "## Hostile scripts (emulate_ms = 300, emulate_memory = 64M)"
    echo
    echo "| script | EMU finding | detail | analysis s (report .ms) |"
    echo "|---|---|---|---|"
} >>"$table"
for f in "$C"/hostile/*.js; do
    name=$(basename "$f")
    eml=$out/hostile-$name.eml
    python3 tests/emu/mkeml.py "$eml" "$f"
    "$BIN" -c "$out/hostile.conf" -t --json "$eml" >"$out/hostile-$name.json" 2>/dev/null
    rc=$?
    wall=$(jq -r '.ms // 999999999 | floor' "$out/hostile-$name.json" 2>/dev/null)
    wall=${wall:-999999999}
    lim=$(jq -r '.hits[] | select(.symbol == "EMU_LIMIT" or .symbol == "EMU_ERROR") | "\(.symbol)|\(.detail)"' "$out/hostile-$name.json" | head -1)
    echo "| $name | ${lim%%|*} | $(echo "${lim#*|}" | cut -c1-80 | tr '|' '/') | $(awk "BEGIN{printf \"%.2f\", $wall/1000}") |" >>"$table"
    if [ "$name" = quit-catch.js ]; then # WScript.Quit ends the run; catching it does not help
        if [ "$rc" -eq 0 ] && [ -z "$lim" ] && [ "$wall" -le "$MAX_WALL" ]; then ok "hostile $name: ended by WScript.Quit in $wall ms"; else bad "hostile $name" "exit $rc, $lim, $wall ms"; fi
        continue
    fi
    if [ "$rc" -ne 0 ] || [ -z "$lim" ]; then
        bad "hostile $name" "exit $rc, no EMU_LIMIT: $(jq -c '[.hits[].symbol]' "$out/hostile-$name.json" 2>&1 | head -c 300)"
    elif [ "$wall" -gt "$MAX_WALL" ]; then
        bad "hostile $name" "took $wall ms"
    else ok "hostile $name: ${lim%%|*} in $wall ms"; fi
done
if jq -r '.hits[].symbol' "$out/hostile-event-flood.js.json" | grep -q '^SCRIPT_COM_SHELL$' &&
    jq -r '.hits[].symbol' "$out/hostile-event-flood.js.json" | grep -q '^EMU_REG_WRITE$'; then
    ok "a limited run keeps the static findings and what it recorded"
else bad "a limited run keeps the static findings and what it recorded" "$(jq -c '[.hits[].symbol]' "$out/hostile-event-flood.js.json")"; fi

# --- 4. the daemon keeps serving while helpers hit their limits
if ! command -v miltertest >/dev/null; then
    skip "daemon" "miltertest not installed"
else
    conf daemon "emulate = on" "emulate_ms = 400" "emulate_workers = 2" "emulate_memory = 64M" \
        "socket = unix:$PWD/$out/daemon.sock" "pidfile = $PWD/$out/daemon.pid"
    "$BIN" -f -c "$out/daemon.conf" >"$out/daemon.log" 2>&1 &
    dpid=$!
    if ! wait_for 10 test -S "$out/daemon.sock"; then
        bad "daemon" "no socket $out/daemon.sock after ${FM_WAIT_MIN:-60} s: $(tail -3 "$out/daemon.log")"
    fi
    served=0
    # (not the 200 KB rewrite bomb: miltertest does not retry a partial write of a large body)
    for h in loop.js membomb.js native-loop.js strbomb.js catch-timeout.js finally-continue.js; do
        if FM_SOCK="unix:$out/daemon.sock" FM_DIR="$PWD/tests/milter" FM_MSG="$out/hostile-$h.eml" \
            miltertest -s tests/emu/answered.lua >"$out/daemon-$h.log" 2>&1; then
            served=$((served + 1))
        else bad "daemon answers hostile $h" "$(cat "$out/daemon-$h.log" | head -3)"; fi
    done
    [ "$served" -eq 6 ] && ok "daemon answered 6 hostile messages"
    if FM_SOCK="unix:$out/daemon.sock" FM_DIR="$PWD/tests/milter" FM_MSG="$out/kovter-runkey.js.eml" FM_WANT=reject \
        miltertest -s tests/emu/answered.lua >"$out/daemon-kovter.log" 2>&1; then
        ok "daemon rejects an emulated dropper after the hostile ones"
    else bad "daemon rejects an emulated dropper after the hostile ones" "$(head -3 "$out/daemon-kovter.log")"; fi
    nlim=$(grep -c 'EMU_LIMIT' "$out/daemon.log")
    if [ "$nlim" -ge 6 ]; then ok "EMU_LIMIT logged for each hostile message"; else bad "EMU_LIMIT logged" "$nlim lines"; fi
    kids=$(ps -o comm= --ppid "$dpid" | grep -c fileless-emu)
    if kill -0 "$dpid" 2>/dev/null && [ "$kids" -ge 1 ]; then ok "daemon alive with $kids helpers"; else bad "daemon alive with helpers" "alive=$(kill -0 $dpid 2>&1) helpers=$kids"; fi
    kill "$dpid" 2>/dev/null
    wait "$dpid" 2>/dev/null
fi

# --- 5. -n
expect "-n starts the helper" 0 "$BIN" -c "$out/on.conf" -n
contains "-n says so" "emulation helper OK"
conf nohelper "emulate_helper = /nonexistent/fileless-emu"
expect "-n fails without a helper" 1 "$BIN" -c "$out/nohelper.conf" -n
contains "-n names the helper" "/nonexistent/fileless-emu"
summary
