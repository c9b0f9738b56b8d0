#!/bin/bash
# milter/run.sh - the real daemon over the milter protocol, driven by miltertest scripts.
# Two daemons on unix sockets in a temp dir: "enforce" (quarantine_threshold = 8,
# max_message_size = 2K, on_oversize = tempfail) and
# "tagonly" (mode = tag-only). Each *.lua script is one test (lib.lua holds helpers);
# tagonly.lua talks to the tag-only daemon, the rest to enforce. Also: SIGHUP reloads,
# SIGTERM stops cleanly. Skips when miltertest is not installed.
cd "$(dirname "$0")/../.."
T_SUITE=milter
. tests/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}
if ! command -v miltertest >/dev/null; then
    skip "milter suite" "miltertest not installed (Debian package miltertest)"
    summary
    exit 0
fi
tmp=$(mktemp -d)
pids=()
# stop_all - end the daemons this suite started, by pid
stop_all() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${FM_KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap stop_all EXIT

# start NAME SETTINGS... - a daemon with milter.conf plus settings; waits for its socket
start() {
    local name=$1
    shift
    sed -e "s|^socket = .*|socket = unix:$tmp/$name.sock|" \
        -e "s|^rules_dir = .*|rules_dir = $PWD/rules|" milter.conf >"$tmp/$name.conf"
    # later keys may not repeat: replace them in place
    for kv in "$@"; do
        k=${kv%% =*}
        sed -i "s|^$k = .*|$kv|" "$tmp/$name.conf"
    done
    "$BIN" -f -c "$tmp/$name.conf" >"$tmp/$name.log" 2>&1 &
    pids+=($!)
    eval "pid_$name=$!"
    for _ in $(seq 600); do # 60 s: sanitized builds compile the rules slowly on a busy machine
        [ -S "$tmp/$name.sock" ] && return 0
        sleep 0.1
    done
    bad "start $name" "no socket: $(tail -3 "$tmp/$name.log")"
    return 1
}

start enforce "quarantine_threshold = 8" "pidfile = $tmp/enforce.pid" \
    "max_message_size = 2K" "on_oversize = tempfail"
start tagonly "mode = tag-only"
start big "pidfile = $tmp/big.pid"

for t in tests/milter/*.lua; do
    name=$(basename "$t" .lua)
    [ "$name" = lib ] && continue
    d=enforce
    [ "$name" = tagonly ] && d=tagonly
    [ "$name" = flood ] && d=big
    out=$(FM_SOCK="unix:$tmp/$d.sock" FM_LOG="$tmp/$d.log" FM_DIR="$PWD/tests/milter" \
        FM_DATA="$PWD/contrib/samples" miltertest -s "$t" 2>&1)
    if [ $? -eq 0 ]; then ok "$name"; else bad "$name" "$out"; fi
done

# flood.lua ran on "big" (default limits): the header-line floods stay bounded and the
# memory goes back after them (malloc_trim in conn.c): peak <= 256 MB, kept <= 64 MB
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid_big/status" 2>/dev/null)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid_big/status" 2>/dev/null)
echo "flood daemon: peak RSS $((${hwm:-0} / 1024)) MB, after $((${rss:-0} / 1024)) MB"
mkdir -p tests/out
echo "milter daemon after flood.lua: peak RSS $((${hwm:-0} / 1024)) MB, RSS after $((${rss:-0} / 1024)) MB" >tests/out/milter-flood.txt
case $BIN in */san-*) san=1 ;; *) san=0 ;; esac # sanitized: RSS recorded, not asserted
if [ "$san" = 1 ]; then
    skip "header floods: RSS bounds" "$BIN is a sanitized build"
elif [ -n "$hwm" ] && [ "$hwm" -le $((256 * 1024)) ]; then ok "header floods: daemon peak RSS $((hwm / 1024)) MB <= 256"; else bad "header floods" "daemon peak RSS ${hwm:-?} KB over 256 MB"; fi
if [ "$san" = 1 ]; then
    :
elif [ -n "$rss" ] && [ "$rss" -le $((64 * 1024)) ]; then ok "header floods: memory returned ($((rss / 1024)) MB kept)"; else bad "header floods" "daemon keeps ${rss:-?} KB after the floods"; fi

# idle connections: a daemon started with a soft open-file limit of 128 (it raises it to
# the hard limit; before, accept failed with EMFILE and sessions hung) holds 300 idle
# connections and serves a normal session meanwhile; closing the idle ones is logged
old_nofile=$(ulimit -Sn)
ulimit -Sn 128
start idle "milter_timeout = 3"
ulimit -Sn "$old_nofile"
out=$(python3 tests/milter/idle.py "$tmp/idle.sock" 300 2 env FM_SOCK="unix:$tmp/idle.sock" \
    FM_LOG="$tmp/idle.log" FM_DIR="$PWD/tests/milter" FM_DATA="$PWD/contrib/samples" \
    miltertest -s tests/milter/clean.lua 2>&1)
if [ $? -eq 0 ]; then ok "300 idle connections: a normal session still gets its verdict"; else bad "idle connections" "$out"; fi
idle_logged() { [ "$(grep -c 'connection closed before the MTA negotiated' "$tmp/idle.log")" -ge 300 ]; }
wait_for 10 idle_logged # a TSan build logs 300 lines slowly on a busy machine
n=$(grep -c 'connection closed before the MTA negotiated' "$tmp/idle.log")
if [ "$n" -ge 300 ]; then ok "idle connections logged as dropped when they end ($n)"; else bad "idle connections logged" "$n of 300 logged"; fi

# the same floods (smaller) on a daemon without the line caps: GMime builds every field,
# and the memory must still go back afterwards (G_SLICE=always-malloc + malloc_trim)
start nolimit "max_header_lines = 10000000" "max_header_lines_total = 100000000"
out=$(FM_SOCK="unix:$tmp/nolimit.sock" FM_LOG="$tmp/nolimit.log" FM_DIR="$PWD/tests/milter" \
    FM_NOLIMIT=1 FM_PART_LINES=300000 FM_TOP_HEADERS=20000 miltertest -s tests/milter/flood.lua 2>&1)
if [ $? -eq 0 ]; then ok "flood without line caps: verdicts"; else bad "flood without line caps" "$out"; fi
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid_nolimit/status" 2>/dev/null)
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid_nolimit/status" 2>/dev/null)
echo "uncapped daemon after 300,000-line flood: peak RSS $((${hwm:-0} / 1024)) MB, RSS after $((${rss:-0} / 1024)) MB" >>tests/out/milter-flood.txt
if [ "$san" = 1 ]; then
    :
elif [ -n "$rss" ] && [ "$rss" -le $((64 * 1024)) ]; then ok "uncapped flood: memory returned ($((hwm / 1024)) MB peak, $((rss / 1024)) MB kept)"; else bad "uncapped flood" "daemon keeps ${rss:-?} KB after the flood (peak ${hwm:-?} KB)"; fi

if grep -q 'ref=[0-9a-f]\{16\} qid=QID1 client=client.example\[192.0.2.7\] from=<sender@example.org> rcpts=<user@example.net> size=[0-9]* verdict=reject score=[0-9.]* action=reject policy=default hits=[A-Z]' "$tmp/enforce.log"; then
    ok "one log line per message with the envelope"
else
    bad "one log line per message with the envelope" "$(grep qid= "$tmp/enforce.log" | head -2)"
fi
if [ "$(cat "$tmp/enforce.pid" 2>/dev/null)" = "$pid_enforce" ]; then ok "pidfile"; else bad "pidfile" "$(cat "$tmp/enforce.pid" 2>&1)"; fi

# log_has PATTERN - poll the daemon's log for PATTERN (60 s: a reload compiles every rule)
log_has() {
    for _ in $(seq 600); do
        grep -q "$1" "$tmp/enforce.log" && return 0
        sleep 0.1
    done
    return 1
}
kill -HUP "$pid_enforce"
if log_has 'reloaded ' && kill -0 "$pid_enforce" 2>/dev/null; then ok "SIGHUP reloads and keeps serving"; else bad "SIGHUP reloads and keeps serving" "$(tail -3 "$tmp/enforce.log")"; fi
echo 'tag_threshold = oops' >>"$tmp/enforce.conf"
kill -HUP "$pid_enforce"
if log_has 'reload of .* failed, old rules kept' && kill -0 "$pid_enforce" 2>/dev/null; then ok "a bad reload keeps the old rules"; else bad "a bad reload keeps the old rules" "$(tail -3 "$tmp/enforce.log")"; fi
out=$(FM_SOCK="unix:$tmp/enforce.sock" FM_LOG="$tmp/enforce.log" FM_DIR="$PWD/tests/milter" \
    FM_DATA="$PWD/contrib/samples" miltertest -s tests/milter/clean.lua 2>&1)
if [ $? -eq 0 ]; then ok "serving after reloads"; else bad "serving after reloads" "$out"; fi

kill -TERM "$pid_enforce"
gone() { ! kill -0 "$1" 2>/dev/null; }
wait_for 10 gone "$pid_enforce"
if ! kill -0 "$pid_enforce" 2>/dev/null && grep -q stopped "$tmp/enforce.log" && [ ! -e "$tmp/enforce.pid" ] && [ ! -e "$tmp/enforce.sock" ]; then
    ok "SIGTERM stops cleanly, removes pidfile and socket"
else
    bad "SIGTERM stops cleanly, removes pidfile and socket" "$(tail -3 "$tmp/enforce.log")"
fi
wait "$pid_enforce"
rc=$?
if [ "$rc" -eq 0 ]; then ok "exit status 0 after SIGTERM"; else bad "exit status 0 after SIGTERM" "exit $rc"; fi
if grep -qiE 'AddressSanitizer|runtime error' "$tmp"/*.log; then bad "sanitizers" "$(grep -iE 'AddressSanitizer|runtime error' "$tmp"/*.log | head -3)"; fi

# clamav_db_dir: a folder of official databases (a stand-in .ndb where freshclam keeps its
# .cvd/.cld) loads beside rules/clamav; a change in it reloads the rules without a signal
db=$tmp/clamdb
mkdir -p "$db"
printf 'FilelessStandIn.Test-1:0:*:%s\n' "$(printf 'fileless-stand-in-one' | od -An -tx1 | tr -d ' \n')" >"$db/daily.ndb"
start dbw "clamav_db_dir = $db" "clamav_db_check = 1"
dblog() {
    for _ in $(seq 600); do
        [ "$(grep -c "$1" "$tmp/dbw.log")" -ge "$2" ] && return 0
        sleep 0.1
    done
    return 1
}
if grep -q "with the databases of $db" "$tmp/dbw.log"; then ok "clamav_db_dir loads with rules/clamav"; else
    bad "clamav_db_dir loads" "$(grep 'rules ' "$tmp/dbw.log" | head -2)"; fi
# dbsend - the dropper sample through the dbw daemon (cache = memory): rejected
dbsend() {
    FM_SOCK="unix:$tmp/dbw.sock" FM_LOG="$tmp/dbw.log" FM_DIR="$PWD/tests/milter" \
        FM_MSG="$PWD/contrib/samples/invoice-zip-js.eml" FM_WANT=reject miltertest -s tests/quarantine/send.lua 2>&1
}
out=$(dbsend) && ok "database folder: a message before the update" || bad "message before the update" "$out"
# the update: a signature that matches the script inside the sample's zip
printf 'FilelessStandIn.Test-2:0:*:%s\n' "$(printf 'INERT TEST SAMPLE for fileless-milter' | od -An -tx1 | tr -d ' \n')" >"$db/bytecode.ndb"
if dblog 'clamav_db_dir .* changed' 1 && dblog '^.*reloaded ' 1; then ok "a database update reloads the rules by itself"; else
    bad "database update reloads" "$(tail -3 "$tmp/dbw.log")"; fi
out=$(dbsend) && ok "database folder: the same message after the update" || bad "message after the update" "$out"
l1=$(grep 'qid=QID1 ' "$tmp/dbw.log" | head -1)
l2=$(grep 'qid=QID1 ' "$tmp/dbw.log" | sed -n 2p)
if [[ "$l1" == *" cache=0/2 "* ]] && [[ "$l2" == *" cache=2/0/partial="[12]" "* ]]; then
    ok "after the reload the cached findings are reused (log: cache=2/0/partial=N)"
else
    bad "cache kept across a database reload" "$l1 // $l2"
fi
if [[ "$l2" == *CLAMAV_FilelessStandIn.Test-2* ]] && [[ "$l1" != *CLAMAV_FilelessStandIn* ]]; then
    ok "the new signature is found in the cached part"; else bad "new signature after reload" "$l2"; fi
id0=$(sed -n 's/.*listening on .*, rules \([0-9a-f]\{16\}\),.*/\1/p' "$tmp/dbw.log" | head -1)
id1=$(sed -n 's/.*reloaded .*, rules \([0-9a-f]\{16\}\).*/\1/p' "$tmp/dbw.log" | head -1)
if [ -n "$id0" ] && [ -n "$id1" ] && [ "$id0" != "$id1" ]; then
    ok "the update gives a new ruleset id ($id0 -> $id1)"; else bad "new ruleset id" "'$id0' -> '$id1'"; fi
printf 'broken line\n' >"$db/daily.ndb"
if dblog 'reload of .* failed, old rules kept' 1 && kill -0 "$pid_dbw" 2>/dev/null; then
    ok "a broken database update keeps the old rules and the daemon serving"; else
    bad "broken database update" "$(tail -3 "$tmp/dbw.log")"; fi
kill -TERM "$pid_dbw"
wait "$pid_dbw"
rc=$?
if [ "$rc" -eq 0 ]; then ok "the database watcher stops with the daemon"; else bad "watcher stop" "exit $rc"; fi
if grep -qiE 'AddressSanitizer|runtime error|ThreadSanitizer' "$tmp/dbw.log"; then bad "sanitizers (dbw)" "$(grep -iE 'Sanitizer|runtime error' "$tmp/dbw.log" | head -3)"; fi

printf 'socket = unix:/nonexistent/dir/s.sock\nrules_dir = %s/rules\n' "$PWD" >"$tmp/bad.conf"
expect "unbindable socket: exit 1" 1 timeout 20 "$BIN" -f -c "$tmp/bad.conf"
contains "unbindable socket: reason logged" "cannot listen on unix:/nonexistent/dir/s.sock"
summary
