#!/bin/bash
# integration/quarantine.sh - the quarantine store through a real, private Postfix.
#
# In a private network namespace (lib.sh): Postfix "in" has our milter with a
# quarantine_dir (store, then discard) and relays to an smtp-sink. A message over the
# quarantine threshold is stored and not delivered; `fileless-ctl quarantine list` shows
# it; `release` re-injects it through Postfix (release_relay = Postfix's port) and the
# milter recognises the release header and lets it through: the sink gets it exactly once,
# carrying X-Fileless-Release; a second release refuses; delete and purge remove the files.
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
summary
