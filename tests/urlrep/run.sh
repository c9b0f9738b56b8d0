#!/bin/bash
# urlrep/run.sh - URL reputation against real DNS servers on loopback: dnsmasq (Debian
# dnsmasq-base) serving test block-list zones, and tests/urlrep/fakedns.py for a black hole,
# SERVFAIL and a slow server; campaign prevalence shared by two milter processes through a
# real redis-server. Every server binds a free port on 127.0.0.1 and is stopped by pid.
# Timing is asserted with the milter's own accounting (the report's dns.wait_ms), never
# with wall-clock measurements of this script. Skips what is not installed.
cd "$(dirname "$0")/../.."
T_SUITE=urlrep
. tests/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}
CTL=${FM_CTL:-$(dirname "$BIN")/fileless-ctl}
DNSMASQ=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
if [ ! -x "$DNSMASQ" ]; then
    skip "urlrep suite" "dnsmasq not installed (Debian package dnsmasq-base)"
    summary
    exit 0
fi
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
freeport() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); t=socket.socket(); t.bind(("127.0.0.1", s.getsockname()[1])); print(s.getsockname()[1])'; }
# dnsq PORT NAME - one A question over UDP; prints the first address or the rcode
dnsq() {
    python3 - "$1" "$2" <<'PY'
import socket, struct, sys
port, name = int(sys.argv[1]), sys.argv[2]
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.5); s.sendto(q, ("127.0.0.1", port))
try:
    r = s.recv(512)
except socket.timeout:
    print("timeout"); sys.exit()
rc = r[3] & 15
print(".".join(str(b) for b in r[-4:]) if rc == 0 and struct.unpack(">H", r[6:8])[0] else "rcode%d" % rc)
PY
}

python3 tests/urlrep/mkmail.py "$tmp"
# ---- dnsmasq: the test zones ----
port=$(freeport)
"$DNSMASQ" --no-daemon --port="$port" --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
    --log-queries --log-facility="$tmp/dnsmasq.log" --pid-file= \
    --address=/dbl.test/ --address=/multi.test/ --address=/zen.test/ \
    --address=/evil-phish.example.dbl.test/127.0.1.4 --address=/spam.example.dbl.test/127.0.1.2 \
    --address=/blocked.example.dbl.test/127.255.255.254 \
    --address=/bad.example.multi.test/127.0.0.80 --address=/pdf-bad.example.multi.test/127.0.0.16 \
    --address=/pdfz-bad.example.multi.test/127.0.0.8 --address=/svg-bad.example.multi.test/127.0.0.8 \
    --address=/svgref-bad.example.multi.test/127.0.0.8 --address=/allowed.example.multi.test/127.0.0.8 \
    --address=/2.0.0.127.zen.test/127.0.0.2 --address=/2.0.0.127.zen.test/127.0.0.10 >"$tmp/dnsmasq.out" 2>&1 &
pids+=($!)
zones_up() { [ "$(dnsq "$port" spam.example.dbl.test)" = 127.0.1.2 ]; }
if wait_for 5 zones_up; then ok "dnsmasq serves the test zones on 127.0.0.1:$port"; else
    bad "dnsmasq starts" "no answer within ${FM_WAIT_MIN:-60} s: $(cat "$tmp/dnsmasq.out")"; summary; exit 1; fi

ZONES="dbl.test: host 127.0.1.2=spam 127.0.1.4=phish 127.0.1.255=error; multi.test: domain 8=phish 16=malware 64=abused; zen.test: ip weight=2.5 127.0.0.2-127.0.0.3=spam 127.0.0.10-127.0.0.11=ignore"
# conf NAME SERVER SETTINGS... - a config in $tmp/NAME.conf from milter.conf
conf() {
    local name=$1 server=$2
    shift 2
    sed -e "s|^uribl_zones = .*|uribl_zones = \"$ZONES\"|" -e "s|^dns_server = .*|dns_server = $server|" \
        -e "s|^uribl_allow_domains = .*|uribl_allow_domains = allowed.example|" \
        -e "s|^rules_dir = .*|rules_dir = $PWD/rules|" -e "s|^cache = .*|cache = off|" milter.conf >"$tmp/$name.conf"
    for kv in "$@"; do sed -i "s|^${kv%% =*} = .*|$kv|" "$tmp/$name.conf"; done
}
scan() { local c=$1; shift; "$BIN" -c "$c" -t --json "$@" 2>>"$tmp/scan.err"; }
# check NAME JQ_BOOL JSON
check() {
    if [ "$(printf '%s\n' "$3" | jq -c "$2")" = true ]; then ok "$1"; else
        bad "$1" "$(printf '%s\n' "$3" | jq -c '{hits: [.hits[] | {symbol, location, detail, weight}], dns}' | head -c 1500)"; fi
}
hit() { echo "([.hits[] | select(.symbol==\"$1\" and (.location | startswith(\"$2\")) and (.detail | contains(\"$3\")))] | length > 0)"; }
queries() { grep -c "query\[A\] $1 from" "$tmp/dnsmasq.log"; }

conf good "127.0.0.1:$port"
out=$(scan "$tmp/good.conf" "$tmp/direct.eml")
check "listed host found directly: URIBL_PHISH at the part" "$(hit URIBL_PHISH 1 'www.evil-phish.example listed in dbl.test (127.0.1.4 phish)')" "$out"
check "the message's DNS accounting: answered, nothing timed out" '.dns.sent >= 2 and .dns.timeouts == 0 and .dns.listed == 1' "$out"
out=$(scan "$tmp/good.conf" "$tmp/redirect.eml")
check "behind google /url?q=: bad.example (127.0.0.80) is malware and abused" "$(hit URIBL_MALWARE 1 'bad.example listed in multi.test (127.0.0.80 malware), behind a redirect') and $(hit URIBL_ABUSED 1 'bad.example')" "$out"
check "behind a doubly-encoded target= on any host: evil-phish.example" "$(hit URIBL_PHISH 1 'evil-phish.example listed in dbl.test (127.0.1.4 phish), behind a redirect')" "$out"
check "the unwrapped URLs are URLs of the report, found at '1 redirect'" '[.urls[] | select(.found | index("1 redirect"))] | length == 2' "$out"
out=$(scan "$tmp/good.conf" "$tmp/wrapped.eml")
check "a Safelinks-wrapped link to the host its text names is no display mismatch; one to another host is" '[.hits[] | select(.symbol=="URL_DISPLAY_MISMATCH")] | (length == 1 and (.[0].detail | contains("www.bank.example")))' "$out"
out=$(scan "$tmp/good.conf" "$tmp/urldefense.eml")
check "urldefense v2 target: spam.example is spam" "$(hit URIBL_SPAM 1 'spam.example listed in dbl.test')" "$out"
out=$(scan "$tmp/good.conf" "$tmp/pdf.eml")
check "PDF /URI annotation: pdf-bad.example is malware, at the PDF's place" "$(hit URIBL_MALWARE 2/invoice.pdf 'pdf-bad.example listed in multi.test')" "$out"
check "PDF /URI inside a FlateDecode object stream: pdfz-bad.example" "$(hit URIBL_PHISH 2/invoice.pdf 'pdfz-bad.example')" "$out"
check "PDF: both annotation targets found by the /URI scanner (pdf-uri)" '[.urls[] | select(.found | index("2/invoice.pdf pdf-uri"))] | length == 2' "$out"
out=$(scan "$tmp/good.conf" "$tmp/svg.eml")
check "SVG window.location.href and xlink:href //host: two phish listings at the SVG" '[.hits[] | select(.symbol=="URIBL_PHISH" and .location=="2/img.svg")][0].count == 2 and .dns.listed == 2' "$out"
check "SVG: the script's target is a URL found as svg-script" '[.urls[] | select(.url=="https://svg-bad.example/x" and (.found | index("2/img.svg svg-script")))] | length == 1' "$out"
check "SVG: the xlink:href target" '[.urls[] | select(.url=="http://svgref-bad.example/a")] | length == 1' "$out"
out=$(scan "$tmp/good.conf" "$tmp/ip.eml")
check "IP literal: 2.0.0.127.zen.test, two A records, the zone's weight=2.5, the ignored code ignored" "$(hit URIBL_SPAM 1 '2.0.0.127 listed in zen.test') and ([.hits[] | select(.symbol==\"URIBL_SPAM\")][0].weight == 2.5) and ([.hits[] | select(.symbol==\"URIBL_LISTED\")] | length == 0)" "$out"
out=$(scan "$tmp/good.conf" "$tmp/errcode.eml")
check "an error code (127.255.255.254) is URIBL_ERROR, not a listing" "$(hit URIBL_ERROR message '1 of 1 lookups in dbl.test failed') and .dns.listed == 0 and ([.hits[] | select(.symbol | test(\"URIBL_(SPAM|PHISH|LISTED)\"))] | length == 0)" "$out"
out=$(scan "$tmp/good.conf" "$tmp/allowed.eml")
check "allow-listed domain: not listed although the zone lists it" '[.hits[] | select(.symbol | startswith("URIBL_"))] | length == 0' "$out"
if [ "$(queries allowed.example.multi.test)" = 0 ] && [ "$(queries clean.example.multi.test)" -ge 1 ]; then
    ok "allow-listed domain never asked (server log), the other one was"; else
    bad "allow-listed domain never asked" "allowed=$(queries allowed.example.multi.test) clean=$(queries clean.example.multi.test)"; fi

# ---- cache hits: the second message in one process asks nothing ----
before=$(queries clean.example.multi.test)
out=$(scan "$tmp/good.conf" "$tmp/clean.eml" "$tmp/clean.eml" | sed -n 2p)
check "second message: every question answered from memory, none sent" '.dns.questions == .dns.cached and .dns.sent == 0' "$out"
if [ "$(queries clean.example.multi.test)" = $((before + 1)) ]; then ok "cache hit: the server saw one query for two messages"; else
    bad "cache hit: one query" "before=$before after=$(queries clean.example.multi.test)"; fi
conf nocache "127.0.0.1:$port" "dns_cache_ttl = 0"
before=$(queries clean.example.multi.test)
scan "$tmp/nocache.conf" "$tmp/clean.eml" "$tmp/clean.eml" >/dev/null
if [ "$(queries clean.example.multi.test)" = $((before + 2)) ]; then ok "dns_cache_ttl = 0: two messages, two queries (the count can fail)"; else
    bad "no cache: two queries" "before=$before after=$(queries clean.example.multi.test)"; fi

# ---- a dead server, SERVFAIL, a slow server (python responders) ----
# fake MODE - start tests/urlrep/fakedns.py; its port in $fport
fake() {
    local pf=$tmp/fake-${1//:/-}
    python3 tests/urlrep/fakedns.py "$1" "$pf" &
    pids+=($!)
    if ! wait_for 5 test -s "$pf"; then
        bad "fakedns.py $1 starts" "no port file $pf within ${FM_WAIT_MIN:-60} s"
        summary
        exit 1
    fi
    fport=$(cat "$pf")
}
fake drop
conf dead "127.0.0.1:$fport" "dns_timeout = 300"
out=$(scan "$tmp/dead.conf" "$tmp/redirect.eml")
check "dead server: URIBL_TIMEOUT per zone, the mail is not held (verdict from the rest)" "$(hit URIBL_TIMEOUT message 'unanswered') and .verdict != \"tempfail\" and .dns.timeouts == .dns.sent and .dns.sent > 0" "$out"
check "dead server: the milter gave up (dns_timeout 300) instead of waiting for an answer (wait_ms < 1000)" '.dns.wait_ms < 1000' "$out"
if [ "$(wc -l <"$tmp/fake-drop.log")" -ge 1 ]; then ok "dead server received the questions"; else bad "dead server got questions" "none"; fi
fake servfail
conf sf "127.0.0.1:$fport"
out=$(scan "$tmp/sf.conf" "$tmp/direct.eml")
check "SERVFAIL: URIBL_ERROR, no listing, no timeout" "$(hit URIBL_ERROR message 'failed') and .dns.timeouts == 0 and .dns.listed == 0" "$out"
fake slow:1500
conf slow "127.0.0.1:$fport" "dns_timeout = 250"
out=$(scan "$tmp/slow.conf" "$tmp/direct.eml")
check "slow server (1.5 s) with dns_timeout 250: timed out without waiting for the slow answer (wait_ms < 1500)" "$(hit URIBL_TIMEOUT message 'unanswered') and .dns.wait_ms < 1500 and .dns.answered == 0" "$out"
fake slow:100
conf slow2 "127.0.0.1:$fport" "dns_timeout = 3000"
out=$(scan "$tmp/slow2.conf" "$tmp/direct.eml")
check "slow server (100 ms) within dns_timeout: answered (127.0.0.2, unmapped: URIBL_LISTED)" '.dns.timeouts == 0 and .dns.answered == .dns.sent and ([.hits[] | select(.symbol=="URIBL_LISTED")] | length >= 1)' "$out"

# ---- -n checks the zones ----
conf badz "127.0.0.1:$port" 'uribl_zones = "dbl.test: host 127.0.1.2=spamm"'
expect "-n rejects an unknown category" 1 "$BIN" -n -c "$tmp/badz.conf"
contains "-n names the bad category" "unknown category 'spamm'"
conf badsrv "127.0.0.1::$port"
expect "-n rejects a dns_server c-ares cannot parse" 1 "$BIN" -n -c "$tmp/badsrv.conf"
contains "-n names the server" "dns: 127.0.0.1::$port"

# ---- two milters share DNS answers and URL prevalence through Redis ----
if ! command -v redis-server >/dev/null; then
    skip "redis cases" "redis-server not installed"
    summary
    exit $?
fi
rport=$(freeport)
redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no >"$tmp/redis.log" 2>&1 &
pids+=($!)
if ! wait_for 10 redis-cli -p "$rport" ping >/dev/null 2>&1; then
    bad "redis-server starts" "no PONG on 127.0.0.1:$rport within ${FM_WAIT_MIN:-60} s: $(tail -3 "$tmp/redis.log")"
    summary
    exit 1
fi
R="cache = redis"
conf ra "127.0.0.1:$port" "$R" "redis = 127.0.0.1:$rport" "url_burst_senders = 3"
conf rb "127.0.0.1:$port" "$R" "redis = 127.0.0.1:$rport" "url_burst_senders = 3" "cache_memory_entries = 10"
before=$(queries spam.example.dbl.test)
scan "$tmp/ra.conf" "$tmp/urldefense.eml" >/dev/null
out=$(scan "$tmp/rb.conf" "$tmp/urldefense.eml")
check "Redis: a second milter process gets the answers from Redis" '.dns.cached == .dns.questions and .dns.sent == 0' "$out"
if [ "$(queries spam.example.dbl.test)" = $((before + 1)) ]; then ok "Redis: one DNS query for two processes"; else
    bad "Redis DNS cache" "before=$before after=$(queries spam.example.dbl.test)"; fi
o1=$(scan "$tmp/ra.conf" "$tmp/campaign1.eml")
o2=$(scan "$tmp/rb.conf" "$tmp/campaign2.eml")
o3=$(scan "$tmp/ra.conf" "$tmp/campaign3.eml")
check "prevalence: 1st sender, no burst" '[.hits[] | select(.symbol=="URL_BURST")] | length == 0' "$o1"
check "prevalence: 2nd sender (other milter), no burst" '[.hits[] | select(.symbol=="URL_BURST")] | length == 0' "$o2"
check "prevalence: the 3rd distinct sender (other milter) makes URL_BURST" "$(hit URL_BURST 1 'then 3 messages from 3 senders')" "$o3"
OUT=$("$CTL" -c "$tmp/rb.conf" where 'https://campaign-new.example/offer?id=7' 2>&1)
contains "fileless-ctl where URL: messages in the window" "3 messages from 3 senders"
contains "fileless-ctl where URL: the URL" "https://campaign-new.example/offer?id=7"
OUT=$("$CTL" -c "$tmp/rb.conf" where 'https://never-seen.example/' 2>&1)
contains "fileless-ctl where URL: an unknown URL" "not seen"
id=$(python3 -c 'import hashlib; print(hashlib.sha256(b"https://campaign-new.example/offer?id=7").hexdigest()[:32])')
keys=$(redis-cli -p "$rport" --scan --pattern "fm:url:*$id*" | wc -l)
if [ "$keys" = 4 ]; then ok "prevalence of one URL: 4 keys (first, info, one slot of messages and of senders)"; else
    bad "prevalence keys" "$(redis-cli -p "$rport" --scan --pattern 'fm:url:*')"; fi
ttl=$(redis-cli -p "$rport" ttl "$(redis-cli -p "$rport" --scan --pattern "fm:url:s:$id:*" | head -1)")
if [ "$ttl" -gt 0 ] && [ "$ttl" -le 4200 ]; then ok "sender counts expire with the window ($ttl s)"; else bad "window ttl" "$ttl"; fi
if grep -qiE 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/scan.err"; then
    bad "no sanitizer reports" "$(grep -iE 'AddressSanitizer|runtime error' "$tmp/scan.err" | head -2)"; fi
summary
