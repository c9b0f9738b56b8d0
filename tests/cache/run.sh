#!/bin/bash
# cache/run.sh - the part verdict cache, IOC hashes and prevalence against a real
# redis-server (started here on a free loopback port, stopped by pid), through
# `fileless-milter -t --json` runs (each its own process, so several processes share one
# Redis) and through daemons driven by miltertest (Redis killed, stopped and restarted
# under a running milter). Skips when redis-server is not installed.
cd "$(dirname "$0")/../.."
T_SUITE=cache
. tests/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}
CTL=${FM_CTL:-$(dirname "$BIN")/fileless-ctl}
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    skip "cache suite" "redis-server not installed (Debian package redis-server)"
    summary
    exit 0
fi
tmp=$(mktemp -d)
rpid= dpids=()
# cleanup - stop what this suite started, by pid
cleanup() {
    [ -n "$rpid" ] && kill -CONT "$rpid" 2>/dev/null && kill "$rpid" 2>/dev/null
    for p in "${dpids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TIMEOUT=200

# redis_start - a fresh, empty redis-server on $port
redis_start() {
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no >>"$tmp/redis.log" 2>&1 &
    rpid=$!
    for _ in $(seq 600); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
    bad "redis-server starts" "$(tail -3 "$tmp/redis.log")"
}
# redis_kill - SIGKILL the server and reap it
redis_kill() {
    kill -9 "$rpid" 2>/dev/null
    wait "$rpid" 2>/dev/null
    rpid=
}
rc() { redis-cli -p "$port" "$@"; }

# conf NAME RULES SETTINGS... - a config in $tmp/NAME.conf from milter.conf
conf() {
    local name=$1 rules=$2
    shift 2
    sed -e "s|^rules_dir = .*|rules_dir = $rules|" -e "s|^cache = .*|cache = redis|" \
        -e "s|^redis = .*|redis = 127.0.0.1:$port|" -e "s|^redis_timeout = .*|redis_timeout = $TIMEOUT|" \
        -e "s|^redis_connect_timeout = .*|redis_connect_timeout = $TIMEOUT|" \
        -e "s|^cache_breaker_seconds = .*|cache_breaker_seconds = 1|" \
        -e "s|^socket = .*|socket = unix:$tmp/$name.sock|" milter.conf >"$tmp/$name.conf"
    for kv in "$@"; do sed -i "s|^${kv%% =*} = .*|$kv|" "$tmp/$name.conf"; done
}
# scan CONF FILE... - JSON reports, one per line
scan() {
    local c=$1
    shift
    "$BIN" -c "$c" -t --json "$@" 2>>"$tmp/scan.err"
}
# field JSON JQ - one value out of a report
field() { printf '%s\n' "$1" | jq -c "$2"; }
fieldr() { printf '%s\n' "$1" | jq -r "$2"; }
# sameverdict NAME A B - verdict, score and hits (symbol, location, weight, detail) agree
sameverdict() {
    local q='{verdict, score, hits: [.hits[] | {symbol, location, weight, detail}]}'
    if [ "$(field "$2" "$q")" = "$(field "$3" "$q")" ]; then ok "$1"; else
        bad "$1" "$(diff <(field "$2" "$q" | jq .) <(field "$3" "$q" | jq .) | head -8)"; fi
}
# check NAME JQ_BOOL JSON - a jq predicate on a report
check() {
    if [ "$(field "$3" "$2")" = true ]; then ok "$1"; else bad "$1" "$(field "$3" "{cache, engine_calls, parts: [.parts[].cache]}")"; fi
}

cp -r rules "$tmp/rules"
cp -r rules "$tmp/rules2" # same rules, another place: the same ruleset id
conf a "$tmp/rules"
conf b "$tmp/rules2"
SAMPLE=contrib/samples/invoice-zip-js.eml

# ---- without Redis at all: the uncached reference verdicts ----
conf off "$tmp/rules" "cache = off"
ref=$(scan "$tmp/off.conf" "$SAMPLE")
check "cache = off: parts are 'off', engines run" '(.cache.backend=="off") and ([.parts[].cache]|all(.=="off")) and .engine_calls>0' "$ref"
conf mem "$tmp/rules" "cache = memory"
two=$(scan "$tmp/mem.conf" "$SAMPLE" "$SAMPLE")
check "memory: second scan in one process is a hit without engine calls" '.engine_calls==0 and .cache.hits==2 and .cache.misses==0' "$(echo "$two" | sed -n 2p)"
sameverdict "memory: hit gives the same verdict and hits" "$ref" "$(echo "$two" | sed -n 2p)"

redis_start
# ---- hit and miss, engines not called ----
r1=$(scan "$tmp/a.conf" "$SAMPLE")
check "redis: first scan misses and runs the engines" '.cache.backend=="redis" and .cache.misses==2 and .engine_calls>0 and .parts[2].cache=="miss"' "$r1"
r2=$(scan "$tmp/a.conf" "$SAMPLE")
check "redis: second scan (new process) is a hit, engine_calls=0" '.cache.hits==2 and .engine_calls==0 and .parts[1].cache=="hit" and .parts[2].cache=="hit"' "$r2"
sameverdict "redis: hit gives the same verdict and hits as no cache" "$ref" "$r2"
r3=$(scan "$tmp/b.conf" "$SAMPLE")
check "another milter process (other config, same rules elsewhere) gets the hit" '.cache.hits==2 and .engine_calls==0' "$r3"
rsid=$(fieldr "$r1" .ruleset)
sha=$(fieldr "$r1" '.parts[2].sha256')
# the key names the rules id (the ruleset id without the official ClamAV databases)
key=$(rc --scan --pattern "fm:2:*:part:$sha" | head -1)
kid=$(echo "$key" | cut -d: -f3)
if [[ "$kid" =~ ^[0-9a-f]{16}$ ]] && [ "$(rc --raw getrange "$key" 0 3)" = FMC2 ]; then ok "value stored under $key"; else bad "value stored" "$(rc --scan | head -5)"; fi
ttl=$(rc ttl "$key")
if [ "$ttl" -gt 604800 ]; then ok "scored part kept for cache_ttl_malicious ($ttl s)"; else bad "malicious ttl" "$ttl"; fi

# ---- a changed rule file: new ruleset id, miss ----
echo "# local addition" >>"$tmp/rules2/lists/shorteners.txt"
r4=$(scan "$tmp/b.conf" "$SAMPLE")
check "changed rule file: new ruleset id and a miss" ".ruleset != \"$rsid\" and .cache.misses==2 and .engine_calls>0" "$r4"

# ---- a ClamAV database update (freshclam) keeps the findings of YARA and the analysers ----
# clamav_db_dir holds a stand-in database (.ndb where freshclam keeps its .cvd/.cld); each
# -t run is a new process that loads it, as a daemon's reload does
db=$tmp/cdb
mkdir -p "$db"
sig() { printf 'FilelessStandIn.%s:0:*:%s\n' "$1" "$(printf '%s' "$2" | od -An -tx1 | tr -d ' \n')"; }
sig Test-1 'fileless-stand-in-one' >"$db/daily.ndb"
conf dbu "$tmp/rules" "clamav_db_dir = $db"
conf dboff "$tmp/rules" "clamav_db_dir = $db" "cache = off"
# samesorted NAME A B - verdict, score and the set of hits agree (order aside)
samesorted() {
    local q='{verdict, score, hits: ([.hits[] | {symbol, location, weight, detail}] | sort_by(.symbol, .location))}'
    if [ "$(field "$2" "$q")" = "$(field "$3" "$q")" ]; then ok "$1"; else
        bad "$1" "$(diff <(field "$2" "$q" | jq .) <(field "$3" "$q" | jq .) | head -8)"; fi
}
d1=$(scan "$tmp/dbu.conf" "$SAMPLE")
d2=$(scan "$tmp/dbu.conf" "$SAMPLE")
check "databases unchanged: a full hit" '.engine_calls==0 and .parts[2].cache=="hit" and .cache.misses==0' "$d2"
sig Test-2 'INERT TEST SAMPLE for fileless-milter' >>"$db/daily.ndb" # the update matches the script
d3=$(scan "$tmp/dbu.conf" "$SAMPLE")
check "database update: a partial hit, only libclamav runs (one call per part)" \
    '.parts[2].cache=="partial" and .cache.misses==0 and .engine_calls == ([.parts[] | select(.cache=="partial")] | length)' "$d3"
check "database update: the new signature is found inside the cached zip" \
    '[.hits[] | select(.symbol=="CLAMAV_FilelessStandIn.Test-2" and (.location | startswith("2/invoice.zip>")))] | length == 1' "$d3"
check "database update: YARA and analyser findings come from the cache" \
    '[.hits[].symbol] as $s | ($s | index("YARA_Fileless_Registry_Run_Key_Write")) != null and ($s | index("REG_DROPPER")) != null and ($s | index("CLAMAV_Fileless.Dropper.RunKeyLauncher")) != null' "$d3"
dref=$(scan "$tmp/dboff.conf" "$SAMPLE")
samesorted "partial hit = an uncached scan with the new databases" "$dref" "$d3"
d4=$(scan "$tmp/dbu.conf" "$SAMPLE")
check "refreshed value stored with the new stamp: a full hit with the new finding" \
    '.engine_calls==0 and .parts[2].cache=="hit" and ([.hits[].symbol] | index("CLAMAV_FilelessStandIn.Test-2")) != null' "$d4"
samesorted "full hit after the refresh = uncached scan" "$dref" "$d4"
sig Test-1 'fileless-stand-in-one' >"$db/daily.ndb" # the signature is withdrawn again
d5=$(scan "$tmp/dbu.conf" "$SAMPLE")
check "withdrawn signature: partial hit, the finding is gone" \
    '.parts[2].cache=="partial" and ([.hits[].symbol] | index("CLAMAV_FilelessStandIn.Test-2")) == null' "$d5"
samesorted "withdrawn signature: same as the first uncached scan" "$(scan "$tmp/dboff.conf" "$SAMPLE")" "$d5"
[ "$(fieldr "$d1" .ruleset)" != "$(fieldr "$d3" .ruleset)" ] && ok "the ruleset id still names the database state" || bad "ruleset id after the update" "$(fieldr "$d3" .ruleset)"

# ---- hostile values under our keys ----
good=$tmp/good.val
rc --raw get "$key" | head -c -1 >"$good"
head -c $(($(stat -c %s "$good") / 2)) "$good" >"$tmp/h-truncated"
python3 -c 'import sys; sys.stdout.write("FMC2c16:0123456789abcdef,f1:0,d4:none,h" + "9"*7 + ":" + "A"*3000000)' >"$tmp/h-huge"
sed 's/^FMC2/FMC1/' "$good" >"$tmp/h-schema"
head -c 4096 /dev/urandom >"$tmp/h-random"
printf 'FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,2:\x1b[,1:1,1:-,e' >"$tmp/h-control"
python3 -c 'import sys; sys.stdout.write("FMC2c16:0123456789abcdef,f1:0,d4:none," + "h1:X,0:,0:,1:1,1:-," * 2001 + "e")' >"$tmp/h-many"
for h in truncated huge schema random control many; do
    rc -x set "$key" <"$tmp/h-$h" >/dev/null
    out=$(scan "$tmp/a.conf" "$SAMPLE")
    check "hostile value ($h): a miss, counted corrupt" '.parts[2].cache=="miss" and .cache.corrupt==1' "$out"
    sameverdict "hostile value ($h): verdict unchanged" "$ref" "$out"
done
rc del "$key" >/dev/null
rc rpush "$key" a b >/dev/null
out=$(scan "$tmp/a.conf" "$SAMPLE")
check "hostile value (a list under our key): a miss" '.parts[2].cache=="miss" and .cache.corrupt==1' "$out"
rc del "$key" >/dev/null
scan "$tmp/a.conf" "$SAMPLE" >/dev/null
if grep -q 'cache: ignoring the value of part 2' "$tmp/scan.err"; then ok "a bad value is logged"; else bad "a bad value is logged" "$(tail -2 "$tmp/scan.err")"; fi
if grep -qiE 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/scan.err"; then bad "no sanitizer reports" "$(grep -iE 'AddressSanitizer|runtime error' "$tmp/scan.err" | head -2)"; fi

# ---- Redis down, hung, back ----
redis_kill
out=$(scan "$tmp/a.conf" "$SAMPLE")
sameverdict "redis killed: same verdict as without cache" "$ref" "$out"
check "redis killed: an error, parts scanned uncached" '.cache.errors==1 and .engine_calls>0' "$out"
echo "   measured cache wait, redis killed: $(field "$out" .cache.ms) ms"
redis_start
kill -STOP "$rpid"
out=$(scan "$tmp/a.conf" "$SAMPLE")
ms=$(field "$out" .cache.ms)
sameverdict "redis stopped (hangs): same verdict as without cache" "$ref" "$out"
check "redis stopped: an error" '.cache.errors==1' "$out"
if python3 -c "import sys; sys.exit(0 if ${ms:-1e9} <= $TIMEOUT + 100 else 1)"; then ok "redis stopped: waited $ms ms <= redis_timeout $TIMEOUT + 100"; else bad "redis stopped: wait bounded" "$ms ms"; fi
kill -CONT "$rpid"

# ---- the daemon: kill, restart, used again without restarting the milter ----
# lastlog NAME - the last message line of a daemon's log
lastlog() { grep ' qid=QID1 ' "$tmp/$1.log" | tail -1; }
# send NAME FILE EXPECT - one message through daemon NAME
send() {
    FM_SOCK="unix:$tmp/$1.sock" FM_LOG="$tmp/$1.log" FM_DIR="$PWD/tests/milter" FM_FILE="$2" \
        FM_EXPECT="$3" miltertest -s tests/cache/send.lua 2>&1
}
# daemon NAME - start the milter with $tmp/NAME.conf
daemon() {
    "$BIN" -f -c "$tmp/$1.conf" >"$tmp/$1.log" 2>&1 &
    dpids+=($!)
    for _ in $(seq 600); do [ -S "$tmp/$1.sock" ] && return 0; sleep 0.1; done
    bad "daemon $1 starts" "$(tail -3 "$tmp/$1.log")"
}
if command -v miltertest >/dev/null; then
    rc flushall >/dev/null
    conf da "$tmp/rules"
    conf db "$tmp/rules" "on_cache_error = tempfail"
    daemon da
    daemon db
    # logged NAME NEEDLE... - the daemon's last message line holds every needle
    logged() {
        local l n=$1
        l=$(lastlog "$n")
        shift
        for k in "$@"; do case "$l" in *"$k"*) ;; *) echo "$l"; return 1 ;; esac; done
    }
    out=$(send da "$SAMPLE" reject) && out=$(logged da " action=reject " " cache=0/2 ") &&
        ok "daemon: rejected, a miss (cache=0/2)" || bad "daemon: rejected, a miss" "$out"
    out=$(send db "$SAMPLE" reject) && out=$(logged db " action=reject " " cache=2/0 ") &&
        ok "second daemon: rejected from the first one's values (cache=2/0)" || bad "second daemon shares values" "$out"
    redis_kill
    out=$(send da "$SAMPLE" reject) && out=$(logged da " action=reject " " cache=0/0/error ") &&
        ok "daemon, redis killed: still rejected (cache=0/0/error)" || bad "daemon, redis killed" "$out"
    out=$(send db contrib/samples/newsletter.eml tempfail) && out=$(logged db " verdict=clean " " action=tempfail ") &&
        ok "on_cache_error = tempfail: clean mail gets 451 while redis is down" || bad "on_cache_error = tempfail" "$out"
    out=$(send da contrib/samples/newsletter.eml accept) && out=$(logged da " action=accept " "/error ") &&
        ok "on_cache_error = accept (default): clean mail passes while redis is down" || bad "on_cache_error accept" "$out"
    redis_start
    used=
    for _ in $(seq 40); do
        send da "$SAMPLE" reject >/dev/null
        case "$(lastlog da)" in *" cache=2/0 "*) used=1; break ;; esac
        sleep 0.5
    done
    if [ -n "$used" ]; then ok "redis restarted: the running daemon uses the cache again"; else bad "cache used again after restart" "$(lastlog da)"; fi
    if grep -q 'cache redis: working again' "$tmp/da.log"; then ok "daemon logs the recovery"; else bad "daemon logs the recovery" "$(grep cache "$tmp/da.log" | tail -3)"; fi
else
    skip "daemon cache tests" "miltertest not installed"
fi

# ---- IOC hashes, prevalence, retro-hunt ----
mkmsg() { # mkmsg OUT FROM TO NAME FILE - a message with one attachment
    { printf 'From: %s\r\nTo: %s\r\nSubject: documents\r\nMessage-ID: <%s@test>\r\nMIME-Version: 1.0\r\n' "$2" "$3" "$RANDOM$RANDOM"
      printf 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\nPlease see the attachment.\r\n'
      printf -- '--b1\r\nContent-Type: application/octet-stream; name="%s"\r\nContent-Disposition: attachment; filename="%s"\r\nContent-Transfer-Encoding: base64\r\n\r\n' "$4" "$4"
      base64 "$5" | sed 's/$/\r/'
      printf -- '--b1--\r\n'; } >"$1"
}
head -c 3000 /dev/urandom >"$tmp/blob.bin"
printf 'harmless inner text %s\n' "$RANDOM" >"$tmp/inner.txt"
python3 -c "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w'); z.write(sys.argv[2],'inner.txt'); z.close()" "$tmp/pack.zip" "$tmp/inner.txt"
mkmsg "$tmp/m1.eml" "Alice <alice@example.org>" "bob@example.net" report.bin "$tmp/blob.bin"
mkmsg "$tmp/m2.eml" "Carol <carol@example.org>" "dave@example.net" pack.zip "$tmp/pack.zip"
bsha=$(sha256sum "$tmp/blob.bin" | cut -d' ' -f1)
imd5=$(md5sum "$tmp/inner.txt" | cut -d' ' -f1)
e1=$(scan "$tmp/a.conf" "$tmp/m1.eml")
e2=$(scan "$tmp/a.conf" "$tmp/m2.eml")
check "before import: no IOC_HASH" '[.hits[].symbol] | index("IOC_HASH") == null' "$e1"
expect "where: the attachment was seen" 0 "$CTL" -c "$tmp/a.conf" where "$bsha"
contains "where: names the message and its sender" "ref=$(fieldr "$e1" .ref)"
contains "where: sender from the From header (offline)" "alice@example.org"
printf '# test IOCs\n%s Test.Blob\n%s Test.Inner\n' "$bsha" "$imd5" >"$tmp/iocs.txt"
expect "ioc import --hunt" 0 "$CTL" -c "$tmp/a.conf" ioc import --hunt "$tmp/iocs.txt"
contains "import count" "imported 2 hashes"
contains "--hunt lists the earlier message" "ref=$(fieldr "$e1" .ref)"
contains "hunt summary (prevalence tracks parts, not members)" "hunt: 1 of 2"
f1=$(scan "$tmp/a.conf" "$tmp/m1.eml")
check "IOC (SHA-256 of the attachment): rejected with IOC_HASH" '.verdict=="reject" and ([.hits[]|select(.symbol=="IOC_HASH")|.location] == ["2/report.bin"])' "$f1"
f2=$(scan "$tmp/a.conf" "$tmp/m2.eml")
check "IOC (MD5 of a zip member) on a cache hit: IOC_HASH at the layer" '.verdict=="reject" and .parts[2].cache=="hit" and ([.hits[]|select(.symbol=="IOC_HASH")|.location] == ["2/pack.zip>inner.txt"])' "$f2"
expect "ioc list" 0 "$CTL" -c "$tmp/a.conf" ioc list
contains "ioc list shows an imported hash" "$imd5 md5 redis Test.Inner"
expect "ioc remove" 0 "$CTL" -c "$tmp/a.conf" ioc remove "$imd5"
f2=$(scan "$tmp/a.conf" "$tmp/m2.eml")
check "after ioc remove: no IOC_HASH" '.verdict!="reject" and ([.hits[].symbol] | index("IOC_HASH") == null)' "$f2"
expect "ioc remove of an unknown hash fails" 1 "$CTL" -c "$tmp/a.conf" ioc remove "$imd5"
expect "ioc import of a bad file fails with the line" 1 "$CTL" -c "$tmp/a.conf" ioc import "$SAMPLE"
contains "bad IOC line named" "invoice-zip-js.eml:1:"
# file IOCs: rules/lists/ioc-*.txt, memory backend, new ruleset id
cp -r rules "$tmp/rules3"
printf '%s file-listed\n' "$bsha" >"$tmp/rules3/lists/ioc-local.txt"
conf m3 "$tmp/rules3" "cache = memory"
g=$(scan "$tmp/m3.conf" "$tmp/m1.eml")
check "ioc-*.txt file, memory backend: IOC_HASH and a new ruleset id" ".verdict==\"reject\" and .ruleset != \"$rsid\" and ([.hits[].symbol]|index(\"IOC_HASH\")!=null)" "$g"
# FIRST_SEEN when weighted
sed -i 's/^FIRST_SEEN  *0 /FIRST_SEEN 1 /' "$tmp/rules3/scoring.conf"
rm "$tmp/rules3/lists/ioc-local.txt"
two=$(scan "$tmp/m3.conf" "$tmp/m1.eml" "$tmp/m1.eml")
check "FIRST_SEEN (weight 1): on the first sighting" '[.hits[].symbol]|index("FIRST_SEEN")!=null' "$(echo "$two" | sed -n 1p)"
check "FIRST_SEEN: not on the second" '[.hits[].symbol]|index("FIRST_SEEN")==null' "$(echo "$two" | sed -n 2p)"

# ---- context: an encrypted zip whose password is in some messages' text ----
if command -v bsdtar >/dev/null; then
    printf 'var s=new ActiveXObject("WScript.Shell");s.Run("mshta javascript:eval(1)");\n' >"$tmp/invoice.js"
    bsdtar -a -cf "$tmp/enc.zip" --options zip:encryption=zipcrypt --passphrase Secret123 -C "$tmp" invoice.js
    mkmsg "$tmp/nopw.eml" a@example.org b@example.net enc.zip "$tmp/enc.zip"
    sed 's/Please see the attachment./The password is: Secret123/' "$tmp/nopw.eml" >"$tmp/pw.eml"
    q='{v: .verdict, c: .parts[2].cache, pw: ([.hits[] | select(.location | test("\\[pw\\]"))] | length > 0)}'
    got=$(scan "$tmp/mem.conf" "$tmp/nopw.eml" "$tmp/pw.eml" "$tmp/nopw.eml" "$tmp/pw.eml" | jq -c "$q" | tr '\n' ' ')
    # without the password the member's name is still scored (tag: an encrypted invoice.js)
    want='{"v":"tag","c":"miss","pw":false} {"v":"reject","c":"miss","pw":true} {"v":"tag","c":"hit","pw":false} {"v":"reject","c":"miss","pw":true} '
    if [ "$got" = "$want" ]; then ok "encrypted zip: cached without a password, always scanned when the text holds one"; else bad "password context" "$got"; fi
else
    skip "password context" "bsdtar not installed"
fi

# ---- cache stats and flush ----
rc set other:key keep >/dev/null
expect "cache stats" 0 "$CTL" -c "$tmp/a.conf" cache stats
contains "stats: values counted" "values: "
expect "cache flush --ruleset current" 0 "$CTL" -c "$tmp/a.conf" cache flush --ruleset current
contains "flush: deleted values of the rules id" "of ruleset $kid"
left=$(rc --scan --pattern "fm:2:$kid:part:*" | wc -l)
if [ "$left" -eq 0 ] && [ "$(rc get other:key)" = keep ] && [ "$(rc exists "fm:prev:$bsha")" = 1 ] && [ "$(rc exists fm:ioc)" = 1 ]; then
    ok "flush: only our values are gone (other keys, prevalence and IOC kept)"
else bad "flush scope" "left=$left other=$(rc get other:key)"; fi
out=$(scan "$tmp/a.conf" "$SAMPLE")
check "after flush: a miss" '.cache.misses==2' "$out"
expect "cache flush with a bad id" 2 "$CTL" -c "$tmp/a.conf" cache flush --ruleset nothex
expect "where with memory backend explains" 1 "$CTL" -c "$tmp/mem.conf" where "$bsha"
contains "needs redis" "needs cache = redis"

# ---- corpus: a hit gives what a scan gives (skips without ../shared/corpus) ----
if [ -d ../shared/corpus ]; then
    n=0 diffs=0
    while IFS= read -r f; do
        out=$(scan "$tmp/mem.conf" "$f" "$f")
        a=$(echo "$out" | sed -n 1p | jq -c '{verdict, score, hits: [.hits[]|{symbol,location,detail}]}' 2>/dev/null)
        b=$(echo "$out" | sed -n 2p | jq -c '{verdict, score, hits: [.hits[]|{symbol,location,detail}]}' 2>/dev/null)
        n=$((n + 1))
        [ "$a" = "$b" ] || { diffs=$((diffs + 1)); echo "   differs: $f"; }
    done < <(find ../shared/corpus -name '*.eml' | sort | head -${FM_CACHE_CORPUS:-150})
    if [ "$diffs" -eq 0 ]; then ok "corpus: $n messages, cached verdicts and hits equal scanned ones"; else bad "corpus equivalence" "$diffs of $n differ"; fi
else
    skip "corpus equivalence" "../shared/corpus absent"
fi
for p in "${dpids[@]}"; do kill "$p" 2>/dev/null && wait "$p"; done # exit-time leak reports too
dpids=()
if grep -qiE 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp"/*.log "$tmp/scan.err" 2>/dev/null; then bad "sanitizers" "$(grep -ihE 'AddressSanitizer|runtime error' "$tmp"/*.log "$tmp/scan.err" | head -3)"; fi
summary
