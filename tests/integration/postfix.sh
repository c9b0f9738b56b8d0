#!/bin/bash
# integration/postfix.sh - the milter behind a real, private Postfix, end to end.
#
# Runs inside a private network namespace with only loopback (lib.sh: it_enter), so no
# packet, DNS included, leaves the machine. Postfix "in" (smtpd_milters = our "enforce"
# daemon) relays to an smtp-sink that keeps every delivered message as a file; Postfix
# "tag" uses a tag-only daemon; Postfix "out" has no milter and relays to "in": it is a
# sender that retries, for the kill test. Messages are sent with swaks.
#
# Cases: clean delivered with our headers; malicious rejected at DATA with 5.7.1, the
# ref id and a multi-line reply; quarantined held in Postfix's hold queue, not delivered;
# inbound X-Fileless-* headers replaced; tag-only delivers everything, tagged; policies per
# recipient (a tag-only and an enforce recipient in one message, split or rejected; a broken
# policy file on SIGHUP keeps the old policy); a scan
# longer than Postfix's milter_content_timeout kept alive by progress calls and ended by
# our scan_timeout (our 451 with the ref, not Postfix's own timeout reply); the milter
# killed (SIGKILL) during a burst: Postfix tempfails, the sender retries, and after a
# restart every message is delivered exactly once. The soak runs rounds of 320 messages over
# 32 concurrent SMTP sessions for FM_SOAK_SECONDS (default 15, at least 3 rounds so the RSS
# check compares rounds after the first; 0 skips): no error, none lost, RSS stable. make test
# runs the short one; `make soak` runs this suite with a long one (SOAK_POSTFIX_SECS, 600).
cd "$(dirname "$0")/../.."
T_SUITE=integration-postfix
. tests/lib.sh
. tests/integration/lib.sh
for tool in postfix smtp-sink swaks; do
    if ! command -v $tool >/dev/null && ! [ -x /usr/sbin/$tool ]; then
        skip "postfix suite" "$tool not installed (Debian packages postfix, swaks)"
        summary
        exit 0
    fi
done
it_enter "$0" "$@"
case $? in
0) ;;
*)
    skip "postfix suite" "cannot create a network namespace (unshare --net needs root)"
    summary
    exit 0
    ;;
esac
export PATH=$PATH:/usr/sbin
BIN=${FM_BIN:-milter/fileless-milter}
SAMPLES=contrib/samples


# sink_count NAME - messages the sink NAME has received
sink_count() { find "$IT/$1" -type f | wc -l; }




it_sink sink
it_milter enforce "quarantine_threshold = 8" \
    "reject_text = Message rejected: dangerous content (ref %s)\\nAsk your admin with this reference" \
    "scan_timeout = 3000" "progress_interval = 300" "yara_extra_dirs = $PWD/tests/integration/data" ||
    bad "start enforce milter" "$(tail -3 "$IT/milter-enforce.log")"
it_milter tagonly "mode = tag-only" || bad "start tag-only milter" "$(tail -3 "$IT/milter-tagonly.log")"
P_IN=$(it_port) P_TAG=$(it_port) P_OUT=$(it_port)
it_postfix in "$P_IN" "$SINK_PORT_sink" "inet:127.0.0.1:$MILTER_PORT_enforce" \
    "milter_content_timeout = 1s" || bad "start postfix in" "$(tail -5 "$IT/in.log")"
it_postfix tag "$P_TAG" "$SINK_PORT_sink" "inet:127.0.0.1:$MILTER_PORT_tagonly" ||
    bad "start postfix tag" "$(tail -5 "$IT/tag.log")"
it_postfix out "$P_OUT" "$P_IN" "" || bad "start postfix out" "$(tail -5 "$IT/out.log")"
grep -q 'TCP_NODELAY set on inet' "$IT/milter-enforce.log" && ok "TCP_NODELAY on the inet socket" ||
    bad "TCP_NODELAY on the inet socket" "$(grep -i nodelay "$IT/milter-enforce.log")"

# 1. clean: delivered, with our headers (a space after the colon: SMFIP_HDR_LEADSPC)
it_send "$P_IN" $SAMPLES/newsletter.eml
contains "clean accepted" "250 2.0.0 Ok: queued"
it_wait_for 10 it_in_sink sink 'Subject: Autumn offers' && ok "clean delivered" ||
    bad "clean delivered" "sink has $(sink_count sink) files"
f=$(it_sink_with sink 'Subject: Autumn offers' | head -1)
grep -qE '^X-Fileless-Verdict: clean; score=0\.00; ref=[0-9a-f]{16}; rules=[0-9a-f]{16}' "$f" &&
    ok "clean has X-Fileless-Verdict" || bad "clean has X-Fileless-Verdict" "$(grep X-Fileless "$f")"
grep -q '^X-Fileless-Report: none' "$f" && ok "clean has X-Fileless-Report" ||
    bad "clean has X-Fileless-Report" "$(grep X-Fileless "$f")"

# 2. malicious: 550 5.7.1 at DATA, with the ref, on two lines; not delivered
before=$(sink_count sink)
it_send "$P_IN" $SAMPLES/invoice-zip-js.eml
ref=$(echo "$OUT" | sed -n 's/.*550-5\.7\.1 Message rejected: dangerous content (ref \([0-9a-f]\{16\}\)).*/\1/p')
[ -n "$ref" ] && ok "malicious rejected 550 5.7.1 with the ref" || bad "malicious rejected" "$(echo "$OUT" | grep '^<')"
contains "multi-line reply" "550 5.7.1 Ask your admin with this reference"
grep -q "ref=$ref .*verdict=reject .*action=reject" "$IT/milter-enforce.log" && ok "reject logged with the same ref" ||
    bad "reject logged with the same ref" "ref=$ref not in the milter log"

# 3. quarantine: held in Postfix's hold queue, not delivered
it_send "$P_IN" $SAMPLES/phish-link.eml
contains "quarantined message accepted by the MTA" "250 2.0.0 Ok: queued"
qid=$(echo "$OUT" | sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' | tail -1)
held() { postqueue -c "$IT/in/etc" -j 2>/dev/null | grep -q "\"queue_id\": *\"$qid\".*\"queue_name\": *\"hold\"\|\"queue_name\": *\"hold\".*\"queue_id\": *\"$qid\""; }
it_wait_for 10 held && ok "quarantined message is in the hold queue" ||
    bad "quarantined message is in the hold queue" "$(postqueue -c "$IT/in/etc" -j)"
grep -q "qid=$qid .*action=quarantine" "$IT/milter-enforce.log" && ok "quarantine reason logged" ||
    bad "quarantine reason logged" "$(tail -2 "$IT/milter-enforce.log")"
[ -z "$(it_sink_with sink 'Subject: Password expires today')" ] && ok "quarantined message not delivered" ||
    bad "quarantined message not delivered" "found in the sink"
[ "$(sink_count sink)" -eq "$before" ] && ok "rejected message not delivered" ||
    bad "rejected message not delivered" "sink grew from $before to $(sink_count sink)"

# 4. spoofed inbound X-Fileless-* headers are removed before ours are added
it_case_spoofed "$P_IN"

# 5. tag-only: everything delivered, tagged with the action it would have taken
it_case_tagonly "$P_TAG"

# 5b. policies per recipient (README "Policy per domain and recipient"): lab.example.net is
# tag-only, everyone else enforce; with a quarantine store a message to both is split (the
# enforce recipient removed, its copy stored; the lab recipient gets it tagged); without a
# store the reject applies to both; a broken policy file on SIGHUP keeps the old policy
mkdir -p "$IT/polq"
cat >"$IT/policy.conf" <<'POL'
[lab]
match = rcpt-domain:LAB.example.net
mode = tag-only
# an allow-list by sender domain alone: the envelope sender is not verified, never honoured
[forged]
match = sender-domain:example.org
scan = no
# an allow-list by sender domain from the partner's own address: honoured
[partner]
match = sender-domain:partner.example client:127.0.0.0/8
scan = no
POL
it_milter policy "policy_file = $IT/policy.conf" "quarantine_dir = $IT/polq" ||
    bad "start policy milter" "$(tail -3 "$IT/milter-policy.log")"
P_POL=$(it_port)
it_postfix pol "$P_POL" "$SINK_PORT_sink" "inet:127.0.0.1:$MILTER_PORT_policy" ||
    bad "start postfix pol" "$(tail -5 "$IT/pol.log")"
grep -q "policy file $IT/policy.conf: 3 policies" "$IT/milter-policy.log" && ok "policy: file loaded" ||
    bad "policy: file loaded" "$(grep -i policy "$IT/milter-policy.log" | head -3)"
# pol_msg TAG - the malicious sample with a Subject of its own
pol_msg() { sed "s/^Subject: .*/Subject: policy $1/" $SAMPLES/invoice-zip-js.eml >"$IT/pol-$1.eml"; }
pol_msg lab
it_send "$P_POL" "$IT/pol-lab.eml" --to user@lab.example.net
contains "policy: tag-only recipient accepts the malicious message" "250 2.0.0"
it_wait_for 20 it_in_sink sink 'Subject: policy lab' && f=$(it_sink_with sink 'Subject: policy lab' | head -1)
grep -qE '^X-Fileless-Verdict: reject; .*mode=tag-only; would=reject; policy=lab' "$f" 2>/dev/null &&
    ok "policy: tag-only recipient gets it tagged, policy named" ||
    bad "policy: tag-only recipient tagged" "$(grep X-Fileless "$f" 2>/dev/null)"
grep -q "action=tag/would=reject policy=lab " "$IT/milter-policy.log" && ok "policy: log line names the policy" ||
    bad "policy: log line names the policy" "$(grep 'action=' "$IT/milter-policy.log" | tail -1)"
pol_msg enforce
it_send "$P_POL" "$IT/pol-enforce.eml" --to rcpt@example.net
contains "policy: an unverified sender-domain allow-list is not honoured" "550 5.7.1"
pol_msg partner
it_send "$P_POL" "$IT/pol-partner.eml" --from x@partner.example --to rcpt@example.net
contains "policy: sender-domain + client allow-list: accepted" "250 2.0.0"
grep -q "verdict=unscanned score=0.00 action=accept policy=partner " "$IT/milter-policy.log" &&
    ok "policy: allow-listed message not scanned (logged)" ||
    bad "policy: allow-listed message not scanned" "$(grep 'action=' "$IT/milter-policy.log" | tail -1)"
pol_msg both
it_send "$P_POL" "$IT/pol-both.eml" --to user@lab.example.net,rcpt@example.net
contains "policy: lab + enforce recipients, with a store: accepted" "250 2.0.0"
it_wait_for 20 it_in_sink sink 'Subject: policy both' && f=$(it_sink_with sink 'Subject: policy both' | head -1)
grep -q '^X-Rcpt-Args: <user@lab.example.net>' "$f" 2>/dev/null && ! grep -qi 'rcpt@example.net' "$f" &&
    ok "policy: split delivers to the tag-only recipient only" ||
    bad "policy: split delivers to the tag-only recipient only" "$(grep -i 'rcpt\|^To:' "$f" 2>/dev/null)"
grep -q "recipient <rcpt@example.net> removed: policy=default action=reject" "$IT/milter-policy.log" &&
    ok "policy: enforce recipient removed (logged)" ||
    bad "policy: enforce recipient removed" "$(grep removed "$IT/milter-policy.log")"
stored() { grep -rlq 'rcpt@example.net' "$IT/polq" 2>/dev/null; }
stored && ! grep -rq 'user@lab.example.net' "$IT/polq" &&
    ok "policy: the removed recipient's copy is in the quarantine store" ||
    bad "policy: removed recipient's copy stored" "$(ls -R "$IT/polq" | head)"
# reload_done N - the milter logged its Nth reload (ok or failed)
reload_done() { [ "$(grep -c 'reloaded \|reload of .* failed' "$IT/milter-policy.log")" -ge "$1" ]; }
# without a store, the strictest: the reject applies to both recipients
it_conf_set "$IT/milter-policy.conf" 'quarantine_dir = ""'
kill -HUP "$MILTER_PID_policy"
it_wait_for 30 reload_done 1 && ok "policy: SIGHUP reload" || bad "policy: SIGHUP reload" "$(tail -2 "$IT/milter-policy.log")"
pol_msg strict
it_send "$P_POL" "$IT/pol-strict.eml" --to user@lab.example.net,rcpt@example.net
contains "policy: lab + enforce recipients, without a store: rejected for both" "550 5.7.1"
# a broken policy file: the reload fails with FILE:LINE, the old policy stays
printf '[lab]\nmatch = rcpt-domain:lab.example.net\nmode = sometimes\n' >"$IT/policy.conf"
kill -HUP "$MILTER_PID_policy"
it_wait_for 30 reload_done 2 && grep -q "reload of .* failed, old rules kept: $IT/policy.conf:3: bad value 'sometimes' for 'mode'" "$IT/milter-policy.log" &&
    ok "policy: broken file on SIGHUP: FILE:LINE logged" ||
    bad "policy: broken file logged" "$(tail -2 "$IT/milter-policy.log")"
pol_msg kept
it_send "$P_POL" "$IT/pol-kept.eml" --to user@lab.example.net
contains "policy: old policy kept after the broken reload (still tag-only)" "250 2.0.0"
"$BIN" -c "$IT/milter-policy.conf" -n >"$IT/pol-n.out" 2>&1 &&
    bad "policy: -n fails on the broken file" "exit 0" ||
    { grep -q "$IT/policy.conf:3: bad value 'sometimes' for 'mode'" "$IT/pol-n.out" &&
        ok "policy: -n names FILE:LINE" || bad "policy: -n names FILE:LINE" "$(cat "$IT/pol-n.out")"; }

# 6. a scan longer than Postfix's milter_content_timeout (1 s): progress keeps Postfix
# waiting, our scan_timeout (3 s) ends it with our own 451 and the ref
python3 - "$IT/slow.eml" <<'EOF'
import base64, sys
body = base64.encodebytes(b"a" * 3000000).decode().replace("\n", "\r\n")
open(sys.argv[1], "w", newline="").write(
    "From: a@example.org\r\nTo: b@example.net\r\nSubject: slow scan\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
    "hello\r\n--B\r\nContent-Type: application/octet-stream; name=a.bin\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + body + "--B--\r\n")
EOF
it_send "$P_IN" "$IT/slow.eml"
contains "slow scan: our scan_timeout answers (progress kept Postfix waiting)" \
    "451 4.7.1 Message could not be scanned, try again later (ref "
grep -q "LIMIT_SCAN_TIME" "$IT/milter-enforce.log" && ok "slow scan logged LIMIT_SCAN_TIME" ||
    bad "slow scan logged LIMIT_SCAN_TIME" "$(tail -2 "$IT/milter-enforce.log")"
it_send "$P_IN" $SAMPLES/newsletter.eml
contains "milter still answers after an abandoned scan" "250 2.0.0 Ok: queued"

# 7. milter killed during a burst: Postfix tempfails, "out" retries, each message once
n=20
for i in $(seq $n); do
    sed "s/^Subject: Autumn offers/Subject: burst $i of $n/; s/^Message-ID: <n1@/Message-ID: <burst$i@/" \
        $SAMPLES/newsletter.eml >"$IT/burst-$i.eml"
done
for i in $(seq $n); do
    it_send "$P_OUT" "$IT/burst-$i.eml"
    [ "$i" -eq 5 ] && kill -9 "$MILTER_PID_enforce" && wait "$MILTER_PID_enforce" 2>/dev/null
done
# readiness: "out" has tried to relay a message after the kill and "in" refused it (the milter
# is down: milter_default_action = tempfail); then not all may have arrived
deferred() { grep -q 'status=deferred' "$IT/out/maillog" 2>/dev/null; }
it_wait_for 20 deferred || bad "burst: a relay attempt deferred" "$(tail -3 "$IT/out/maillog" 2>/dev/null)"
it_send "$P_IN" $SAMPLES/newsletter.eml
contains "milter down: Postfix tempfails (4xx)" "451 4.7.1"
delivered=$(grep -l 'Subject: burst ' "$IT/sink"/* 2>/dev/null | wc -l)
[ "$delivered" -lt "$n" ] && ok "burst: messages wait while the milter is down ($delivered of $n)" ||
    bad "burst: messages wait while the milter is down" "all $n delivered without the milter"
MP=$(it_port)
it_milter enforce "quarantine_threshold = 8" "metrics_listen = 127.0.0.1:$MP" ||
    bad "restart milter" "$(tail -3 "$IT/milter-enforce.log")"
postconf -c "$IT/in/etc" -e "smtpd_milters = inet:127.0.0.1:$MILTER_PORT_enforce" \
    "non_smtpd_milters = inet:127.0.0.1:$MILTER_PORT_enforce"
postfix -c "$IT/in/etc" reload >/dev/null 2>&1
postqueue -c "$IT/out/etc" -f
all_in() { [ "$(grep -l 'Subject: burst ' "$IT/sink"/* 2>/dev/null | wc -l)" -ge "$n" ]; }
it_wait_for 60 all_in
# readiness for "each once": "out" has nothing left to retry (a duplicate would come from its queue)
out_empty() { [ -z "$(postqueue -c "$IT/out/etc" -j 2>/dev/null)" ]; }
it_wait_for 20 out_empty || bad "burst: out queue drained" "$(postqueue -c "$IT/out/etc" -p)"
dups=0 lost=0
for i in $(seq $n); do
    c=$(grep -l "^Subject: burst $i of $n\$" "$IT/sink"/* 2>/dev/null | wc -l)
    [ "$c" -eq 0 ] && lost=$((lost + 1))
    [ "$c" -gt 1 ] && dups=$((dups + 1))
done
[ "$lost" -eq 0 ] && ok "burst: nothing lost after the milter restarted" || bad "burst: nothing lost" "$lost of $n missing"
[ "$dups" -eq 0 ] && ok "burst: each message delivered once" || bad "burst: each message delivered once" "$dups delivered twice"
f=$(grep -l "^Subject: burst 1 of $n\$" "$IT/sink"/* | head -1)
grep -q '^X-Fileless-Verdict: clean' "$f" && ok "burst: retried messages were scanned" ||
    bad "burst: retried messages were scanned" "no verdict header"

# metrics: Prometheus text counts what the restarted milter did
OUT=$(curl -s "http://127.0.0.1:$MP/metrics")
scanned=$(echo "$OUT" | sed -n 's/^fileless_messages_total{verdict="clean"} //p')
[ "${scanned:-0}" -eq $((n - delivered)) ] && ok "metrics: the $scanned retried messages counted clean" ||
    bad "metrics: clean messages counted" "$(echo "$OUT" | grep messages_total)"
contains "metrics: latency histogram" 'fileless_message_seconds_bucket{le="+Inf"}'
contains "metrics: ruleset id" 'fileless_ruleset_info{id="'
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MP/other")" = 404 ] &&
    ok "metrics: other paths 404" || bad "metrics: other paths 404" "not 404"

# 8. soak: 32 concurrent sessions for FM_SOAK_SECONDS (at least 3 rounds) through Postfix "in"
soak=${FM_SOAK_SECONDS:-15}
if [ "$soak" -gt 0 ]; then
    rss() { awk '/^VmRSS/ {print $2}' "/proc/$MILTER_PID_enforce/status"; }
    before=$(sink_count sink) sent=0 errors=0 samples=()
    start=$SECONDS end=$((SECONDS + soak))
    while [ $SECONDS -lt $end ] || [ "${#samples[@]}" -lt 3 ]; do
        smtp-source -s 32 -m 320 -f sender@example.org -t rcpt@example.net \
            -F $SAMPLES/newsletter.eml "127.0.0.1:$P_IN" >"$IT/soak.out" 2>&1 || errors=$((errors + 1))
        grep -qi 'error\|fatal\|warning' "$IT/soak.out" && errors=$((errors + 1))
        sent=$((sent + 320))
        samples+=("$(rss)")
    done
    got() { [ $(($(sink_count sink) - before)) -ge "$sent" ]; }
    it_wait_for 60 got
    delivered=$(($(sink_count sink) - before))
    [ "$errors" -eq 0 ] && ok "soak: $sent messages in $((SECONDS - start))s over 32 sessions, no SMTP error" ||
        bad "soak: no SMTP error" "$errors rounds had errors: $(head -3 "$IT/soak.out")"
    [ "$delivered" -eq "$sent" ] && ok "soak: all $sent delivered, none lost or doubled" ||
        bad "soak: all delivered" "$delivered of $sent"
    # RSS stable: the last sample within 20 % (+8 MB) of the one after the first round
    first=${samples[0]} last=${samples[-1]}
    echo "   soak RSS kB per round: ${samples[*]}"
    [ "$last" -le $((first * 12 / 10 + 8192)) ] && ok "soak: RSS stable ($first kB -> $last kB)" ||
        bad "soak: RSS stable" "$first kB -> $last kB"
    grep -c 'action=accept' "$IT/milter-enforce.log" >/dev/null
else
    skip "soak" "FM_SOAK_SECONDS=0"
fi
summary
