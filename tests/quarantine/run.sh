#!/bin/bash
# quarantine/run.sh - the quarantine store end to end, standalone (no MTA): the real daemon
# driven by miltertest stores a message (quarantine_dir, discard after storing); the real
# fileless-ctl lists, shows, releases it to an smtp-sink (Postfix's test server) with the
# release header; the captured message goes through the daemon again and is not
# quarantined; a forged header is; second release refused; rescan and bulk release;
# delete and purge; permissions; a full disk (tmpfs) tempfails; quarantine_rejects stores a
# reject (still 550) and quarantine is counted as such in the log and metrics; the review page: no page
# without a session, CSRF, escaping, downloads; and (when node, npm and chromium are
# present) headless Chromium shows a hostile message without running anything.
# FM_BIN picks the daemon; fileless-ctl is taken from the same directory.
# FM_BROWSER=0 skips the browser part.
cd "$(dirname "$0")/../.."
T_SUITE=quarantine
. tests/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}
CTL=$(dirname "$BIN")/fileless-ctl
for tool in miltertest smtp-sink jq curl; do
    if ! command -v $tool >/dev/null; then
        skip "quarantine suite" "$tool not installed"
        summary
        exit 0
    fi
done
tmp=$(mktemp -d)
chmod 711 "$tmp" # smtp-sink runs as postfix and writes below it
pids=()
mounted=
# cleanup - stop what this suite started (by pid), unmount the tmpfs, remove the tree
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "$mounted" ] && umount "$mounted"
    [ -n "${FM_KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# sink
mkdir "$tmp/sink" && chown postfix "$tmp/sink"
sport=$(port)
smtp-sink -d "$tmp/sink/%M." -u postfix "127.0.0.1:$sport" 256 2>"$tmp/sink.log" &
pids+=($!)

# conf NAME SETTINGS... - milter.conf with the socket, rules and settings replaced
conf() {
    local name=$1
    shift
    sed -e "s|^socket = .*|socket = unix:$tmp/$name.sock|" \
        -e "s|^rules_dir = .*|rules_dir = $PWD/rules|" milter.conf >"$tmp/$name.conf"
    for kv in "$@"; do
        sed -i "s|^${kv%% =*} = .*|$kv|" "$tmp/$name.conf"
    done
}
# start NAME - the daemon of NAME.conf; waits for its socket
start() {
    "$BIN" -f -c "$tmp/$1.conf" >"$tmp/$1.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 600); do
        [ -S "$tmp/$1.sock" ] && return 0
        sleep 0.1
    done
    bad "start $1" "no socket: $(tail -3 "$tmp/$1.log")"
    return 1
}
# send NAME FILE WANT [VERDICT_PATTERN [DELETED_HEADER [KEPT_HEADER]]] - one message through
# daemon NAME (see send.lua)
send() {
    FM_SOCK="unix:$tmp/$1.sock" FM_LOG="$tmp/$1.log" FM_DIR="$PWD/tests/milter" FM_MSG="$2" \
        FM_WANT="$3" FM_VERDICT="${4:-}" FM_DELETED="${5:-}" FM_KEPT="${6:-}" \
        miltertest -s tests/quarantine/send.lua 2>&1
}
# check NAME CMD... - CMD succeeds
check() {
    local name=$1
    shift
    if OUT=$("$@" 2>&1); then ok "$name"; else bad "$name" "$(echo "$OUT" | head -3)"; fi
}
items() { ls "$tmp/q/items" 2>/dev/null | grep -c '\.meta$'; }

printf 'admin:%s\n' "$(echo 'correct horse' | "$CTL" -c milter.conf web --hash-password)" >"$tmp/users"
conf store "quarantine_dir = $tmp/q" "quarantine_threshold = 8" "reject_threshold = 100" \
    "release_relay = 127.0.0.1:$sport" "web_users = $tmp/users"
start store || { summary; exit 1; }
C="$CTL -c $tmp/store.conf"

# 1. stored and discarded
check "quarantined message is stored and discarded" send store contrib/samples/phish-link.eml discard
id=$($C quarantine list --json | jq -r .id)
if [[ "$id" =~ ^[0-9a-f]{16}$ ]] && [ "$(items)" = 1 ]; then ok "one item, id $id"; else bad "one item" "id='$id' items=$(items)"; fi
grep -q "ref=$id .*verdict=quarantine .*action=quarantine " "$tmp/store.log" && ok "log line says quarantine (stored, then discarded by the MTA)" || bad "log line says quarantine" "$(grep "ref=$id" "$tmp/store.log")"
[ "$($C quarantine list --json | jq -r .action)" = quarantine ] && ok "metadata: action quarantine" || bad "metadata: action quarantine" "$($C quarantine list --json)"
expect "list" 0 $C quarantine list
contains "list shows the item" "$id"
contains "list shows the subject" "Password expires today"
[ "$($C quarantine list --symbol URL_IP_LITERAL --sender sender@ --rcpt user@example.net --verdict quarantine --since 1d --json | jq -r .id)" = "$id" ] && ok "list filters match" || bad "list filters match" "no match"
[ -z "$($C quarantine list --rcpt nobody@ --json)" ] && ok "list filter excludes" || bad "list filter excludes" "listed"
expect "show" 0 $C quarantine show "${id:0:6}"
contains "show: envelope" "<user@example.net>"
contains "show: hit with location" "URL_IP_LITERAL"
contains "show: MIME tree" "text/html"
contains "show: HELO" "helo       client.example"
if $C quarantine show "$id" --raw | cmp -s - "$tmp/q/items/$id.eml"; then ok "show --raw gives the stored bytes"; else bad "show --raw" "differs"; fi
expect "show of an unknown id fails" 1 $C quarantine show ffffffffffffffff

# 2. permissions
perm() { stat -c %a "$1"; }
if [ "$(perm "$tmp/q")$(perm "$tmp/q/items")$(perm "$tmp/q/tmp")" = 700700700 ] &&
    [ "$(perm "$tmp/q/items/$id.eml")$(perm "$tmp/q/items/$id.meta")" = 600600 ]; then
    ok "store tree 0700, files 0600"
else
    bad "store tree 0700, files 0600" "$(ls -la "$tmp/q" "$tmp/q/items")"
fi

# 3. release once, refuse twice
expect "release" 0 $C quarantine release "$id"
contains "release says where" "released to <user@example.net>"
sunk=$(ls "$tmp/sink" | wc -l)
f1=$tmp/sink/$(ls "$tmp/sink" | head -1)
if [ "$sunk" = 1 ] && grep -q "^X-Fileless-Release: $id; t=[0-9]*; r=[0-9a-f]\{16\}; mac=[0-9a-f]\{64\}" "$f1" &&
    grep -q "Password expires today" "$f1" && grep -q "^X-Rcpt-Args: <user@example.net>" "$f1"; then
    ok "the sink got the message once, with the release header"
else
    bad "the sink got the message once, with the release header" "$sunk files: $(head -12 "$f1" 2>&1)"
fi
expect "second release refused" 1 $C quarantine release "$id"
contains "refusal names --force" "already released"
[ "$(ls "$tmp/sink" | wc -l)" = 1 ] && ok "nothing sent the second time" || bad "nothing sent the second time" "$(ls "$tmp/sink")"
expect "show: released" 0 $C quarantine show "$id"
contains "show: released by whom" "by $(id -un)"

# 3b. the release header binds Subject, From, Content-Type (boundary), the recipients and
# the body, and is good once per recipient: replays through a second daemon that shares
# the key (release_secret_file) but keeps its own store are quarantined again
conf replay "quarantine_dir = $tmp/q2" "quarantine_threshold = 8" "reject_threshold = 100" \
    "release_secret_file = $tmp/q/release.key"
start replay
sed 's/^Subject: .*/Subject: RE: Password expires today/' "$f1" >"$tmp/r-subject.eml"
sed 's/^From: .*/From: IT Support <it@evil.example>/' "$f1" >"$tmp/r-from.eml"
sed 's|^\(Content-Type:[^\r]*\)|\1; boundary="b"|' "$f1" >"$tmp/r-ctype.eml"
cmp -s "$f1" "$tmp/r-ctype.eml" && bad "release replay: Content-Type variant" "sed changed nothing"
for v in subject from ctype; do
    check "release replay with another ${v}: quarantined again" send replay "$tmp/r-$v.eml" discard "" X-Fileless-Release
done
check "release replay to another recipient: quarantined again" \
    env FM_RCPT="<other@example.net>" bash -c "$(declare -f send); tmp=$tmp send replay $f1 discard '' X-Fileless-Release"
check "the released message, first time for its recipient: delivered" \
    send replay "$f1" accept "released=$id" "" X-Fileless-Release
check "the same release replayed for the same recipient: quarantined again" \
    send replay "$f1" discard "" X-Fileless-Release
grep -q "release .* already used for <user@example.net>" "$tmp/replay.log" && ok "replay logged as already used" || bad "replay logged" "$(grep 'release header' "$tmp/replay.log" | tail -2)"
[ "$(grep -c 'release header invalid, ignored' "$tmp/replay.log")" = 5 ] && ok "every replay logged as invalid" || bad "replays logged" "$(grep 'release header' "$tmp/replay.log")"

# 4. the released message through the milter again: tagged, not quarantined; forged: quarantined
check "released message is not quarantined again, its release header kept" \
    send store "$f1" accept "released=$id" "" X-Fileless-Release
[ "$(items)" = 1 ] && ok "not stored again" || bad "not stored again" "$(items) items"
sed 's/mac=\([0-9a-f]\)/mac=0\1/; s/mac=\(.\{64\}\)./mac=\1/' "$f1" >"$tmp/forged.eml"
check "forged release header: removed, quarantined again" \
    send store "$tmp/forged.eml" discard "" X-Fileless-Release
grep -q "release header invalid, ignored" "$tmp/store.log" && ok "forged header logged as invalid" || bad "forged header logged" "$(tail -2 "$tmp/store.log")"
[ "$(items)" = 2 ] && ok "forged one stored" || bad "forged one stored" "$(items) items"

# 5. rescan with looser rules, bulk release of what is clean now
sed -e 's/^tag_threshold = .*/tag_threshold = 50/' -e 's/^quarantine_threshold = .*/quarantine_threshold = 60/' \
    "$tmp/store.conf" >"$tmp/loose.conf"
expect "rescan --all" 0 $CTL -c "$tmp/loose.conf" quarantine rescan --all
contains "rescan reports the new verdict" "-> clean"
[ "$($C quarantine list --verdict clean --json | wc -l)" = 2 ] && ok "both items clean after rescan" || bad "both clean" "$($C quarantine list)"
expect "release --verdict clean" 0 $C quarantine release --verdict clean
contains "bulk release skips the released one" "1 released, 0 failed"
[ "$(ls "$tmp/sink" | wc -l)" = 2 ] && ok "bulk release delivered one" || bad "bulk release delivered one" "$(ls "$tmp/sink")"

# 6. the review page
wport=$(port)
$C web --listen "127.0.0.1:$wport" 2>"$tmp/web.log" &
pids+=($!)
for _ in $(seq 600); do curl -s -o /dev/null "http://127.0.0.1:$wport/login" && break; sleep 0.1; done
B=http://127.0.0.1:$wport
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "$B/")" = 303 ] && [ "$(curl -s -o /dev/null -w '%{redirect_url}' "$B/")" = "$B/login" ] && ok "web: list without a session redirects to login" || bad "web: redirect" "$(code "$B/")"
for p in "/item/$id" "/item/$id/raw" "/item/$id/part?path=1" "/nonexistent"; do
    c=$(code "$B$p")
    [ "$c" = 303 ] || [ "$c" = 401 ] && ok "web: $p without a session: $c" || bad "web: $p without a session" "$c"
done
[ "$(code -X POST -d x=1 "$B/item/$id/delete")" = 401 ] && ok "web: POST without a session: 401" || bad "web: POST without a session" "$(code -X POST "$B/item/$id/delete")"
[ "$(code -d user=admin -d password=wrong "$B/login")" = 401 ] && ok "web: wrong password refused" || bad "web: wrong password" "accepted"
[ "$(code -c "$tmp/cj" -d user=admin --data-urlencode 'password=correct horse' "$B/login")" = 303 ] && ok "web: login" || bad "web: login" "failed"
grep -q 'HttpOnly_127.0.0.1.*fm_session' "$tmp/cj" && ok "web: session cookie is HttpOnly" || bad "web: cookie" "$(cat "$tmp/cj")"
hdrs=$(curl -s -D - -o "$tmp/list.html" -b "$tmp/cj" "$B/")
echo "$hdrs" | grep -qi "^Set-Cookie:" && bad "web: no cookie on pages" "set" # the login sets it, pages do not
echo "$hdrs" | grep -qi "^Content-Security-Policy: default-src 'none'; style-src 'self'" && ok "web: strict CSP" || bad "web: strict CSP" "$hdrs"
grep -q "$id" "$tmp/list.html" && ok "web: list shows the item" || bad "web: list" "$(head -c 300 "$tmp/list.html")"
csrf=$(grep -o 'name="csrf" value="[0-9a-f]*"' "$tmp/list.html" | head -1 | sed 's/.*value="\(.*\)"/\1/')
[ "$(code -b "$tmp/cj" -d to=x@example.net "$B/item/$id/release")" = 403 ] && ok "web: release without CSRF token refused" || bad "web: release without CSRF" "not 403"
[ "$(code -b "$tmp/cj" -d csrf=00 "$B/item/$id/delete")" = 403 ] && ok "web: wrong CSRF token refused" || bad "web: wrong CSRF" "not 403"
[ "$(code -b "$tmp/cj" -H "Origin: http://evil.example" -d "csrf=$csrf" "$B/item/$id/delete")" = 403 ] && ok "web: foreign Origin refused" || bad "web: foreign Origin" "not 403"
[ -e "$tmp/q/items/$id.meta" ] && [ "$(ls "$tmp/sink" | wc -l)" = 2 ] && ok "web: refused posts changed nothing" || bad "web: refused posts changed nothing" "changed"
dl=$(curl -s -D - -o "$tmp/dl.eml" -b "$tmp/cj" "$B/item/$id/raw")
echo "$dl" | grep -qi '^Content-Disposition: attachment' && echo "$dl" | grep -qi '^Content-Type: application/octet-stream' &&
    echo "$dl" | grep -qi '^X-Content-Type-Options: nosniff' && cmp -s "$tmp/dl.eml" "$tmp/q/items/$id.eml" &&
    ok "web: raw message is a download" || bad "web: raw message is a download" "$dl"

# hostile message: stored, then shown escaped
check "hostile message stored" send store tests/quarantine/xss.eml discard
xid=$($C quarantine list --search alert --json | jq -r .id | head -1)
curl -s -b "$tmp/cj" "$B/?q=alert" >"$tmp/xlist.html"
curl -s -b "$tmp/cj" "$B/item/$xid" >"$tmp/xitem.html"
for f in xlist xitem; do
    # live markup: an unescaped tag; escaped text such as "&lt;img onerror=" is harmless
    if grep -qiE '<script|<img|<iframe|<[a-z][^>]* on[a-z]+=|<meta http-equiv|<link [^>]*href="http' "$tmp/$f.html"; then
        bad "web: $f has no live markup from the mail" "$(grep -oiE '.{40}(<script|<img|<iframe|<meta http-equiv).{40}' "$tmp/$f.html" | head -3)"
    else
        ok "web: $f has no live markup from the mail"
    fi
done
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt; line\\x0d\\x0aX-Injected: yes' "$tmp/xitem.html" &&
    ok "web: Subject shown escaped, CRLF visible" || bad "web: Subject shown escaped" "$(grep -o 'Subject</th><td>.\{120\}' "$tmp/xitem.html")"
grep -q '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\\x0d\\x0aSet-Cookie: x=1.txt' "$tmp/xitem.html" &&
    ok "web: filename shown escaped" || bad "web: filename shown escaped" "$(grep -o 'Set-Cookie.\{40\}' "$tmp/xitem.html")"
pd=$(curl -s -D - -o /dev/null -b "$tmp/cj" "$B/item/$xid/part?path=2")
echo "$pd" | grep -qi '^Content-Disposition: attachment; filename="'"$xid"'-part-2.bin"' && ok "web: part download named by us" || bad "web: part download" "$pd"

PW_VERSION=1.65.2 # pinned (the version the checks were written against), never the newest
if [ "${FM_BROWSER:-1}" = 0 ]; then
    skip "web: headless Chromium" "FM_BROWSER=0"
elif ! command -v node >/dev/null || ! command -v npm >/dev/null || [ ! -x /usr/bin/chromium ]; then
    skip "web: headless Chromium" "needs node, npm and /usr/bin/chromium (Debian package chromium)"
elif [ "$(jq -r .version tests/out/node_modules/playwright-core/package.json 2>/dev/null)" != "$PW_VERSION" ] &&
    ! (cd tests/out && timeout 300 npm install --no-audit --no-fund --silent "playwright-core@$PW_VERSION" >/dev/null 2>&1); then
    skip "web: headless Chromium" "npm could not install playwright-core@$PW_VERSION"
else
    res=$(PW_DIR=$PWD/tests/out BASE=$B WEB_USER=admin WEB_PASS='correct horse' ITEM=$xid OUT_DIR=$PWD/tests/out \
        timeout 120 node tests/quarantine/web-check.js 2>"$tmp/pw.log")
    echo "$res" | jq -e '.after_login | endswith("/")' >/dev/null && ok "chromium: logged in through the form" || bad "chromium: login" "$res $(tail -3 "$tmp/pw.log")"
    echo "$res" | jq -e '.dialogs == []' >/dev/null && ok "chromium: no dialog (no script ran)" || bad "chromium: no dialog" "$(echo "$res" | jq -c .dialogs)"
    echo "$res" | jq -e '.foreign == [] and .requests > 0' >/dev/null && ok "chromium: no request left 127.0.0.1" || bad "chromium: foreign requests" "$(echo "$res" | jq -c .foreign)"
    echo "$res" | jq -e '([.list,.item] | all(.scripts == 0 and .imgs == 0 and .iframes == 0)) and .item.metas == 0 and .item.links == 0' >/dev/null &&
        ok "chromium: no script, img, iframe, meta refresh or foreign stylesheet element" || bad "chromium: elements" "$(echo "$res" | jq -c '[.list,.item] | map(del(.text))')"
    echo "$res" | jq -e '.item.text | contains("<script>alert(1)</script>") and contains("\"><img src=x onerror=alert(1)>")' >/dev/null &&
        ok "chromium: the payloads are shown as text" || bad "chromium: payloads as text" "$(echo "$res" | jq -r .item.text | head -20)"
    [ -s tests/out/quarantine-web.png ] && ok "chromium: screenshot tests/out/quarantine-web.png" || bad "chromium: screenshot" "missing"
fi

# web: delete through the page with the token
[ "$(code -b "$tmp/cj" -d "csrf=$csrf" "$B/item/$xid/delete")" = 303 ] && [ ! -e "$tmp/q/items/$xid.eml" ] && ok "web: delete with the CSRF token" || bad "web: delete" "still there"
grep -q "who=admin/web action=delete id=$xid result=ok" "$tmp/q/audit.log" && ok "audit: web delete recorded" || bad "audit: web delete" "$(tail -3 "$tmp/q/audit.log")"

# web: login lockout per client address and user name (curl --interface picks the
# loopback source address); a client that has not been failing is never locked out
wrong() { code --interface "$1" -d "user=${2:-admin}" -d password=wrong "$B/login"; }
right() { code --interface "$1" -d user=admin --data-urlencode 'password=correct horse' "$B/login"; }
codes=""
for i in $(seq 8); do codes="$codes $(wrong 127.0.0.2)"; done
case $codes in *429*) ok "web: a guessing client is locked out (429)" ;; *) bad "web: guessing client locked" "$codes" ;; esac
[ "$(right 127.0.0.2)" = 429 ] && ok "web: the locked client waits even with the right password" || bad "web: locked client" "not 429"
[ "$(right 127.0.0.3)" = 303 ] && ok "web: another client logs in meanwhile" || bad "web: another client locked out" "$(right 127.0.0.3)"
for i in $(seq 10 22); do wrong "127.0.0.$i" >/dev/null; done # 13 addresses, 1 failure each: user admin locked
wrong 127.0.0.10 >/dev/null # 127.0.0.10 is failing now (2)
[ "$(right 127.0.0.10)" = 429 ] && ok "web: user name locked for failing clients" || bad "web: user lock" "$(right 127.0.0.10)"
[ "$(right 127.0.0.4)" = 303 ] && ok "web: user name lock spares a client that has not been failing" || bad "web: user lock hit a clean client" "not 303"
grep -q "Too many failed logins: wait" <(curl -s --interface 127.0.0.2 -d user=admin -d password=x "$B/login") && ok "web: lockout says how long to wait" || bad "web: lockout text" "missing"

# web: idle connections do not block the page (70 from as many addresses, 40 from one)
out=$(python3 tests/quarantine/idle.py "$wport" 70 32 2>&1)
if [ $? -eq 0 ]; then ok "web: login page answers with 70 idle connections held ($out)"; else bad "web: idle connections" "$out"; fi
case $out in *"kept 32 of 40"*) ok "web: one address holds at most 32 connections" ;; *) bad "web: per-client limit" "$out" ;; esac

# fileless-ctl without the rights (as nobody): the real error, not "no such item";
# the page refuses to start when it cannot write the audit log
if setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    pub=$(mktemp -d)
    chmod 755 "$pub"
    cp "$tmp/store.conf" "$pub/store.conf"
    chmod 644 "$pub/store.conf"
    sed -i "s|^rules_dir = .*|rules_dir = $PWD/rules|" "$pub/store.conf"
    N="setpriv --reuid=nobody --regid=nogroup --clear-groups $CTL -c $pub/store.conf"
    expect "unprivileged: show fails" 1 $N quarantine show "$id"
    contains "unprivileged: show says permission denied" "Permission denied"
    case $OUT in *"no such item"*) bad "unprivileged: show" "says no such item: $OUT" ;; esac
    expect "unprivileged: purge fails" 1 $N quarantine purge --older-than 0
    contains "unprivileged: purge says permission denied" "Permission denied"
    case $OUT in *"items older"*"removed"*) bad "unprivileged: purge" "claims a count: $OUT" ;; esac
    expect "unprivileged: web refuses to start" 1 timeout 10 $N web --listen "127.0.0.1:$(port)"
    contains "unprivileged: web names the audit log" "audit log"
    rm -rf "$pub"
else
    skip "unprivileged fileless-ctl" "setpriv cannot switch to nobody"
fi

# 7. delete and purge
expect "delete" 0 $C quarantine delete "$id"
[ ! -e "$tmp/q/items/$id.eml" ] && [ ! -e "$tmp/q/items/$id.meta" ] && ok "delete removed both files" || bad "delete removed both files" "$(ls "$tmp/q/items")"
expect "delete again fails" 1 $C quarantine delete "$id"
sleep 1 # purge --older-than 0 takes what was stored before this second
expect "purge --older-than 0" 0 $C quarantine purge --older-than 0
contains "purge counts" "1 item older than 0 days removed"
[ "$(ls "$tmp/q/items" | wc -l)" = 0 ] && ok "purge removed the files" || bad "purge removed the files" "$(ls "$tmp/q/items")"
for a in "action=release id=$id to=(recipients) result=ok" "action=release id=$id .*result=failed: .*already released" \
    "action=rescan" "action=delete id=$id result=ok" "action=purge"; do
    grep -q -- "$a" "$tmp/q/audit.log" && ok "audit: $a" || bad "audit: $a" "$(cat "$tmp/q/audit.log")"
done
[ "$(perm "$tmp/q/audit.log")" = 600 ] && ok "audit log 0600" || bad "audit log 0600" "$(perm "$tmp/q/audit.log")"

# 8. a full disk: tempfail, nothing delivered, nothing half-written
mkdir -p "$tmp/full/q"
# 16 KiB: two small files fit (tmpfs counts whole 4 KiB pages); a 40 KB message does not
# (and stays under miltertest's 64 KB body chunk)
if mount -t tmpfs -o size=16k,mode=0700 tmpfs "$tmp/full/q" 2>/dev/null; then
    mounted=$tmp/full/q
    conf full "quarantine_dir = $tmp/full/q" "quarantine_threshold = 8"
    start full
    { cat contrib/samples/phish-link.eml; for i in $(seq 800); do echo "filler line $i to fill the disk................"; done; } >"$tmp/big.eml"
    check "disk full: 451, not accepted" send full "$tmp/big.eml" tempfail
    grep -q "quarantine store failed: .*No space left on device" "$tmp/full.log" && ok "disk full: reason logged" || bad "disk full: reason logged" "$(grep ref= "$tmp/full.log" | tail -2)"
    [ -z "$(find "$tmp/full/q" -type f)" ] && ok "disk full: nothing left behind" || bad "disk full: nothing left behind" "$(ls -la "$tmp/full/q/items" "$tmp/full/q/tmp")"
    check "disk full: a small message still fits" send full contrib/samples/phish-link.eml discard
else
    skip "disk full" "cannot mount a tmpfs (needs root)"
fi

# 9. quarantine_rejects: a rejected message is stored too (action=reject), the reply stays
# 550; a quarantined one is counted as quarantine, not discard, in the log and the metrics
mport=$(port)
conf rej "quarantine_dir = $tmp/rq" "quarantine_rejects = yes" "quarantine_threshold = 8" "metrics_listen = 127.0.0.1:$mport"
start rej
R="$CTL -c $tmp/rej.conf"
check "quarantine_rejects: the reply stays 550 5.7.1" send rej contrib/samples/invoice-zip-js.eml reject
rid=$(grep -o 'ref=[0-9a-f]* qid=.*verdict=reject .*action=reject ' "$tmp/rej.log" | tail -1 | sed 's/ref=\([0-9a-f]*\).*/\1/')
[ -n "$rid" ] && ok "log line: verdict=reject action=reject" || bad "log line: verdict=reject action=reject" "$(grep ref= "$tmp/rej.log" | tail -2)"
grep -q "ref=$rid stored in quarantine" "$tmp/rej.log" && ok "quarantine_rejects: stored" || bad "quarantine_rejects: stored" "$(grep "ref=$rid" "$tmp/rej.log")"
[ "$($R quarantine list --json | jq -r 'select(.id == "'"$rid"'") | .action + " " + .verdict')" = "reject reject" ] &&
    ok "list --json marks it rejected (action reject)" || bad "list marks it rejected" "$($R quarantine list --json)"
expect "show of the rejected item" 0 $R quarantine show "$rid"
contains "show: action reject" "reject"
check "quarantine_rejects: a quarantined message is still stored and discarded" send rej contrib/samples/phish-link.eml discard
[ "$($R quarantine list --json | wc -l)" = 2 ] && ok "two items (reject, quarantine)" || bad "two items" "$($R quarantine list)"
met=$(curl -s "http://127.0.0.1:$mport/metrics")
if grep -q '^fileless_actions_total{action="quarantine"} 1$' <<<"$met" &&
    grep -q '^fileless_actions_total{action="discard"} 0$' <<<"$met" &&
    grep -q '^fileless_actions_total{action="reject"} 1$' <<<"$met"; then
    ok "metrics: quarantine 1, discard 0, reject 1"
else
    bad "metrics: quarantine 1, discard 0, reject 1" "$(grep fileless_actions_total <<<"$met")"
fi
conf norej "quarantine_dir = $tmp/nq"
start norej
check "quarantine_rejects = no (default): 550" send norej contrib/samples/invoice-zip-js.eml reject
[ -z "$("$CTL" -c "$tmp/norej.conf" quarantine list --json)" ] && ok "default: a reject is not stored" || bad "default: a reject is not stored" "$("$CTL" -c "$tmp/norej.conf" quarantine list)"

# stop the daemons and the page now, so their exit (leak checks included) is in the logs
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
pids=()
if grep -qiE 'AddressSanitizer|runtime error|LeakSanitizer' "$tmp"/*.log; then
    bad "sanitizers" "$(grep -iE 'AddressSanitizer|runtime error|LeakSanitizer' "$tmp"/*.log | head -3)"
fi
summary
