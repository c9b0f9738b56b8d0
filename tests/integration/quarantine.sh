#!/bin/bash
# integration/quarantine.sh - the quarantine store through a real, private Postfix.
#
# In a private network namespace (lib.sh): Postfix "in" has our milter with a
# quarantine_dir (store, then discard) and relays to an smtp-sink. A message over the
# quarantine threshold is stored and not delivered; `fileless-ctl quarantine list` shows
# it; `release` re-injects it through Postfix (release_relay = Postfix's port) and the
# milter recognises the release header and lets it through: the sink gets it exactly once,
# carrying X-Fileless-Release; a second release refuses; delete and purge remove the files.
# A message to 200 recipients is released to all of them in one go (the release header is
# folded; Postfix splits the delivery, the sink gets every recipient once). A release whose
# SMTP handoff is tempfailed by the milter (a second Postfix whose milter now scores the
# message below quarantine and tempfails on its part size limit) fails, gives its per-recipient marks
# back (release_unclaim), and the item can then be released through the first Postfix.
cd "$(dirname "$0")/../.."
T_SUITE=integration-quarantine
. tests/lib.sh
. tests/integration/lib.sh
for tool in postfix smtp-sink swaks jq; do
    if ! command -v $tool >/dev/null && ! [ -x /usr/sbin/$tool ]; then
        skip "quarantine through postfix" "$tool not installed"
        summary
        exit 0
    fi
done
it_enter "$0" "$@"
[ $? -eq 0 ] || { skip "quarantine through postfix" "no network namespace (needs root)"; summary; exit 0; }
export PATH=$PATH:/usr/sbin
BIN=${FM_BIN:-milter/fileless-milter}
CTL=$(dirname "$BIN")/fileless-ctl


it_sink sink
P_IN=$(it_port)
Q=$IT/quarantine
it_milter q "quarantine_threshold = 8" "quarantine_dir = $Q" "release_relay = 127.0.0.1:$P_IN" \
    "audit_log = $IT/audit.log" || bad "start milter" "$(tail -3 "$IT/milter-q.log")"
it_postfix in "$P_IN" "$SINK_PORT_sink" "inet:127.0.0.1:$MILTER_PORT_q" ||
    bad "start postfix" "$(tail -5 "$IT/in.log")"
C="$CTL -c $IT/milter-q.conf"

it_send "$P_IN" contrib/samples/phish-link.eml
contains "quarantined message accepted by Postfix (stored, then discarded)" "250 2.0.0 Ok: queued"
# readiness: the milter has decided (its action=quarantine line); then nothing may arrive
stored() { grep -q "action=quarantine " "$IT/milter-q.log"; }
it_wait_for 20 stored || bad "milter decided" "no action=quarantine line: $(tail -2 "$IT/milter-q.log")"
[ -z "$(it_sink_with sink 'Subject: Password expires today')" ] && ok "stored message not delivered" ||
    bad "stored message not delivered" "found in the sink"
id=$($C quarantine list --json 2>/dev/null | jq -r .id)
[[ "$id" =~ ^[0-9a-f]{16}$ ]] && ok "list shows the stored message ($id)" || bad "list shows it" "id='$id'"
grep -q "ref=$id .*action=quarantine " "$IT/milter-q.log" && ok "milter log: stored (action=quarantine)" ||
    bad "milter log: stored and discarded" "$(tail -2 "$IT/milter-q.log")"
[ -f "$Q/items/$id.eml" ] && [ -f "$Q/items/$id.meta" ] && ok "item files exist" || bad "item files exist" "$(ls "$Q/items")"

expect "release" 0 $C quarantine release "$id"
delivered() { [ "$(it_sink_with sink 'Subject: Password expires today' | wc -l)" -ge 1 ]; }
it_wait_for 20 delivered && ok "released message delivered through Postfix" ||
    bad "released message delivered" "not in the sink; $(tail -3 "$IT/milter-q.log")"
# readiness for "exactly once": Postfix has nothing left to deliver (a second copy would be queued)
in_empty() { [ -z "$(postqueue -c "$IT/in/etc" -j 2>/dev/null)" ]; }
it_wait_for 20 in_empty || bad "postfix queue drained" "$(postqueue -c "$IT/in/etc" -p)"
n=$(it_sink_with sink 'Subject: Password expires today' | wc -l)
[ "$n" -eq 1 ] && ok "delivered exactly once" || bad "delivered exactly once" "$n copies"
f=$(it_sink_with sink 'Subject: Password expires today' | head -1)
grep -q "^X-Fileless-Release: $id" "$f" 2>/dev/null && ok "delivered copy carries the release header" ||
    bad "release header" "$(grep -i x-fileless "$f" 2>/dev/null)"
grep -qE '^X-Fileless-Verdict: quarantine; .*' "$f" 2>/dev/null && ok "released copy still tagged with its verdict" ||
    bad "released copy tagged" "$(grep -i x-fileless-verdict "$f" 2>/dev/null)"
[ "$($C quarantine list --json | jq -r .id | wc -l)" -eq 1 ] && ok "the released message was not quarantined again" ||
    bad "not quarantined again" "$($C quarantine list)"
expect "second release refuses" 1 $C quarantine release "$id"
expect "delete" 0 $C quarantine delete "$id"
[ ! -e "$Q/items/$id.eml" ] && [ ! -e "$Q/items/$id.meta" ] && ok "delete removed the files" ||
    bad "delete removed the files" "$(ls "$Q/items")"
it_send "$P_IN" contrib/samples/phish-link.eml
listed() { [ -n "$($C quarantine list --json 2>/dev/null | jq -r .id)" ]; }
it_wait_for 20 listed || bad "second item listed" "$($C quarantine list)"
id2=$($C quarantine list --json | jq -r .id)
expect "purge --older-than 30 keeps a new item" 0 $C quarantine purge --older-than 30
[ -e "$Q/items/$id2.eml" ] && ok "a new item stays" || bad "a new item stays" "purged"
sleep 1
expect "purge --older-than 0" 0 $C quarantine purge --older-than 0
[ -z "$(ls "$Q/items" 2>/dev/null)" ] && ok "purge removed the old item" || bad "purge removed the old item" "$(ls "$Q/items")"

# --- 200 recipients: one release reaches every one of them
rcpts=$(seq -f 'r%g@example.net' 200 | paste -sd,)
sed 's/^Subject: Password expires today/Subject: many recipients/' contrib/samples/phish-link.eml >"$IT/many.eml"
it_send "$P_IN" "$IT/many.eml" --to "$rcpts"
contains "200-recipient message accepted" "250 2.0.0 Ok: queued"
it_wait_for 20 listed || bad "200-recipient item listed" "$($C quarantine list)"
id3=$($C quarantine list --json | jq -r .id)
nr=$($C quarantine list --json | jq -r '.rcpt | length' 2>/dev/null)
expect "release to 200 recipients" 0 $C quarantine release "$id3"
# sink files of this message, and the recipients they were delivered to (X-Rcpt-Args lines)
many_rcpts() { it_sink_with sink 'Subject: many recipients' | xargs -r grep -h '^X-Rcpt-Args: ' | sort -u | wc -l; }
all_there() { [ "$(many_rcpts)" -ge 200 ]; }
it_wait_for 30 all_there && ok "released to all 200 recipients (stored rcpt list: ${nr:-?})" ||
    bad "released to all 200 recipients" "$(many_rcpts) delivered; $(grep "ref=$id3" "$IT/milter-q.log" | tail -2)"
it_wait_for 20 in_empty || bad "postfix queue drained" "$(postqueue -c "$IT/in/etc" -p)"
[ "$(it_sink_with sink 'Subject: many recipients' | xargs -r grep -h '^X-Rcpt-Args: ' | wc -l)" -eq 200 ] &&
    ok "each of the 200 recipients got it once" || bad "each recipient once" "$(many_rcpts)"
nohdr=$(it_sink_with sink 'Subject: many recipients' | xargs -r grep -L "^X-Fileless-Release: $id3")
[ -z "$nohdr" ] && ok "every copy carries the (folded) release header" || bad "release header on every copy" "$nohdr"
grep -qE "ref=[0-9a-f]+ release header $id3\$" "$IT/milter-q.log" && ok "milter accepted the 200-recipient release" ||
    bad "milter accepted the release" "$(grep 'release header' "$IT/milter-q.log" | tail -2)"
[ "$($C quarantine list --json | jq -r .id | wc -l)" -eq 1 ] && ok "the 200-recipient release was not quarantined again" ||
    bad "not quarantined again" "$($C quarantine list)"
expect "delete the 200-recipient item" 0 $C quarantine delete "$id3"

# --- a release whose SMTP handoff is tempfailed gives its marks back and can be retried
it_milter t "quarantine_threshold = 50" "reject_threshold = 60" "max_part_bytes = 1K" "on_limit = tempfail" \
    "quarantine_dir = $Q" "cache = off" || bad "start milter t" "$(tail -3 "$IT/milter-t.log")"
P_T=$(it_port)
it_postfix tf "$P_T" "$SINK_PORT_sink" "inet:127.0.0.1:$MILTER_PORT_t" ||
    bad "start postfix tf" "$(tail -5 "$IT/tf.log")"
{ sed 's/^Subject: Password expires today/Subject: release tempfail/' contrib/samples/phish-link.eml
  for i in $(seq 40); do echo "<p>padding line $i of the notice, to pass one kilobyte</p>"; done; } >"$IT/tf.eml"
it_send "$P_IN" "$IT/tf.eml"
it_wait_for 20 listed || bad "tempfail item listed" "$($C quarantine list)"
id4=$($C quarantine list --json | jq -r .id)
sed "s|^release_relay = .*|release_relay = 127.0.0.1:$P_T|" "$IT/milter-q.conf" >"$IT/ctl-t.conf"
out=$($CTL -c "$IT/ctl-t.conf" quarantine release "$id4" 2>&1)
rc=$?
[ $rc -ne 0 ] && [[ "$out" == *451* ]] && ok "release through a tempfailing milter fails (451)" ||
    bad "release through a tempfailing milter fails" "rc=$rc $out"
grep -q "release header $id4" "$IT/milter-t.log" && ok "the tempfailing milter had accepted the release header" ||
    bad "release header seen by milter t" "$(grep 'release header' "$IT/milter-t.log" | tail -2)"
[ -z "$(ls "$Q/released" 2>/dev/null | grep "^$id4\.")" ] && ok "tempfail: the release marks were given back" ||
    bad "tempfail: release marks given back" "$(ls "$Q/released")"
[ -z "$(it_sink_with sink 'Subject: release tempfail')" ] && ok "tempfailed release not delivered" ||
    bad "tempfailed release not delivered" "in the sink"
expect "release again after the tempfail" 0 $C quarantine release "$id4"
tf_delivered() { it_in_sink sink 'Subject: release tempfail'; }
it_wait_for 20 tf_delivered && ok "the retried release was delivered" ||
    bad "retried release delivered" "$(grep 'release header' "$IT/milter-q.log" | tail -2)"
[ "$($C quarantine list --json | jq -r .id | wc -l)" -eq 1 ] && ok "the retried release was not quarantined again" ||
    bad "retried release not quarantined again" "$($C quarantine list)"
summary
