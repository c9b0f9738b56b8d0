#!/bin/bash
# integration/sendmail.sh - the milter behind a real, private Sendmail 8.17, end to end.
#
# Sendmail conflicts with Postfix as a package, so `make deps` downloads sendmail-bin,
# sendmail-base, sendmail-cf and libwrap0 (apt-get download) and unpacks them under
# build/sendmail/root (dpkg -x); this suite runs a private copy of the binary without its
# set-gid bit (the loader ignores LD_LIBRARY_PATH for set-gid programs), with a .cf built
# by m4 from a test .mc that includes contrib/sendmail/fileless-milter.mc's
# INPUT_MAIL_FILTER line (only the port changed). Everything runs in a private network
# namespace with only loopback; the next hop is an smtp-sink.
#
# Cases: clean delivered with our headers; malicious rejected 550 5.7.1 with the ref;
# quarantined kept in Sendmail's queue as an hf* file, not delivered; tag-only delivers
# the malicious message tagged; spoofed X-Fileless-* headers replaced; milter down:
# 4xx (F=T).
cd "$(dirname "$0")/../.."
T_SUITE=integration-sendmail
. tests/lib.sh
. tests/integration/lib.sh
ROOT=$PWD/build/sendmail/root
SM=$ROOT/usr/libexec/sendmail/sendmail
if ! [ -x "$SM" ] || ! command -v m4 >/dev/null || ! command -v swaks >/dev/null ||
    ! [ -x /usr/sbin/smtp-sink ]; then
    skip "sendmail suite" "needs build/sendmail/root (make deps), m4, swaks and smtp-sink"
    summary
    exit 0
fi
it_enter "$0" "$@"
case $? in
0) ;;
*)
    skip "sendmail suite" "cannot create a network namespace (unshare --net needs root)"
    summary
    exit 0
    ;;
esac
export PATH=$PATH:/usr/sbin
SAMPLES=contrib/samples


# sendmail_start NAME PORT SINKPORT MILTERPORT - a private sendmail daemon
sendmail_start() {
    local name=$1 port=$2 sink=$3 mport=$4 d=$IT/$1
    mkdir -p "$d/mqueue" "$d/clientmqueue"
    chmod 700 "$d/mqueue"
    cp "$SM" "$d/sendmail" # a copy without the set-gid bit, so LD_LIBRARY_PATH applies
    chmod 755 "$d/sendmail"
    : >"$d/aliases"
    printf 'hosts files\naliases files\n' >"$d/service.switch" # no DNS: the namespace has none
    {
        echo "divert(-1)"
        echo "divert(0)dnl"
        echo "OSTYPE(\`linux')dnl"
        echo "define(\`QUEUE_DIR', \`$d/mqueue')dnl"
        echo "define(\`MSP_QUEUE_DIR', \`$d/clientmqueue')dnl"
        echo "define(\`STATUS_FILE', \`$d/statistics')dnl"
        echo "define(\`confPID_FILE', \`$d/sendmail.pid')dnl"
        echo "define(\`ALIAS_FILE', \`$d/aliases')dnl"
        echo "define(\`confDONT_PROBE_INTERFACES', \`True')dnl"
        echo "define(\`confDOMAIN_NAME', \`mta.test')dnl"
        echo "define(\`SMART_HOST', \`relay:[127.0.0.1]')dnl" # relay: [127.0.0.1] alone is in class w (ourselves)
        echo "define(\`RELAY_MAILER_ARGS', \`TCP \$h $sink')dnl"
        echo "define(\`ESMTP_MAILER_ARGS', \`TCP \$h $sink')dnl"
        echo "define(\`SMTP_MAILER_ARGS', \`TCP \$h $sink')dnl"
        echo "DAEMON_OPTIONS(\`Port=$port, Addr=127.0.0.1, Name=MTA')dnl"
        echo "define(\`confSERVICE_SWITCH_FILE', \`$d/service.switch')dnl"
        echo "FEATURE(\`nocanonify')dnl"
        echo "FEATURE(\`no_default_msa')dnl"
        echo "FEATURE(\`promiscuous_relay')dnl"
        echo "FEATURE(\`accept_unresolvable_domains')dnl"
        sed "s/inet:8890@127.0.0.1/inet:$mport@127.0.0.1/" contrib/sendmail/fileless-milter.mc
        echo "MAILER(\`local')dnl"
        echo "MAILER(\`smtp')dnl"
    } >"$d/test.mc"
    m4 -D_CF_DIR_="$ROOT/usr/share/sendmail/cf/" "$ROOT/usr/share/sendmail/cf/m4/cf.m4" \
        "$d/test.mc" >"$d/sendmail.cf" 2>"$d/m4.err" || return 1
    LD_LIBRARY_PATH=$ROOT/usr/lib/x86_64-linux-gnu "$d/sendmail" -C "$d/sendmail.cf" -bD -q1m \
        >"$d/out.log" 2>&1 &
    IT_PIDS+=("$!")
    eval "SM_PID_$name=$!"
    it_wait_port "$port"
}

it_sink sink
it_milter enforce "quarantine_threshold = 8" || bad "start enforce milter" "$(tail -3 "$IT/milter-enforce.log")"
it_milter tagonly "mode = tag-only" || bad "start tag-only milter" "$(tail -3 "$IT/milter-tagonly.log")"
P_SM=$(it_port) P_TAG=$(it_port)
sendmail_start sm "$P_SM" "$SINK_PORT_sink" "$MILTER_PORT_enforce" ||
    bad "start sendmail" "$(cat "$IT/sm/m4.err" "$IT/sm/out.log" 2>/dev/null | tail -5)"
sendmail_start tag "$P_TAG" "$SINK_PORT_sink" "$MILTER_PORT_tagonly" ||
    bad "start sendmail (tag-only)" "$(tail -5 "$IT/tag/out.log" 2>/dev/null)"

it_send "$P_SM" $SAMPLES/newsletter.eml
contains "clean accepted" "250 2.0.0"
it_wait_for 20 it_in_sink sink 'Subject: Autumn offers' && ok "clean delivered" || bad "clean delivered" "not in the sink"
f=$(it_sink_with sink 'Subject: Autumn offers' | head -1)
grep -qE '^X-Fileless-Verdict: clean; score=0\.00; ref=[0-9a-f]{16}' "$f" 2>/dev/null &&
    ok "clean has X-Fileless-Verdict" || bad "clean has X-Fileless-Verdict" "$(grep X-Fileless "$f" 2>/dev/null)"

it_send "$P_SM" $SAMPLES/invoice-zip-js.eml
echo "$OUT" | grep -qE '550 5\.7\.1 Message rejected: dangerous content \(ref [0-9a-f]{16}\)' &&
    ok "malicious rejected 550 5.7.1 with the ref" || bad "malicious rejected" "$(echo "$OUT" | grep '^<' | tail -3)"

it_send "$P_SM" $SAMPLES/phish-link.eml
contains "quarantined message accepted" "250 2.0.0"
hf() { ls "$IT/sm/mqueue"/hf* >/dev/null 2>&1; }
it_wait_for 10 hf && ok "quarantined message kept as an hf* file in the queue" ||
    bad "quarantined message kept in the queue" "$(ls "$IT/sm/mqueue")"
sleep 1
[ -z "$(it_sink_with sink 'Subject: Password expires today')" ] && ok "quarantined message not delivered" ||
    bad "quarantined message not delivered" "found in the sink"

it_case_spoofed "$P_SM"

it_case_tagonly "$P_TAG"

kill "$MILTER_PID_enforce"
wait "$MILTER_PID_enforce" 2>/dev/null
it_send "$P_SM" $SAMPLES/newsletter.eml
echo "$OUT" | grep -qE '^<\** *4[0-9][0-9]' && ok "milter down: sendmail tempfails (F=T)" ||
    bad "milter down: sendmail tempfails" "$(echo "$OUT" | grep '^<' | tail -3)"
summary
