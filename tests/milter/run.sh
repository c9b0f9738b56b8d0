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

for t in tests/milter/*.lua; do
    name=$(basename "$t" .lua)
    [ "$name" = lib ] && continue
    d=enforce
    [ "$name" = tagonly ] && d=tagonly
    out=$(FM_SOCK="unix:$tmp/$d.sock" FM_LOG="$tmp/$d.log" FM_DIR="$PWD/tests/milter" \
        FM_DATA="$PWD/contrib/samples" miltertest -s "$t" 2>&1)
    if [ $? -eq 0 ]; then ok "$name"; else bad "$name" "$out"; fi
done

if grep -q 'ref=[0-9a-f]\{16\} qid=QID1 client=client.example\[192.0.2.7\] from=<sender@example.org> rcpts=<user@example.net> size=[0-9]* verdict=reject score=[0-9.]* action=reject hits=[A-Z]' "$tmp/enforce.log"; then
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
for _ in $(seq 100); do kill -0 "$pid_enforce" 2>/dev/null || break; sleep 0.1; done
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
printf 'FilelessStandIn.Test-2:0:*:%s\n' "$(printf 'fileless-stand-in-two' | od -An -tx1 | tr -d ' \n')" >"$db/bytecode.ndb"
if dblog 'clamav_db_dir .* changed' 1 && dblog '^.*reloaded ' 1; then ok "a database update reloads the rules by itself"; else
    bad "database update reloads" "$(tail -3 "$tmp/dbw.log")"; fi
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
