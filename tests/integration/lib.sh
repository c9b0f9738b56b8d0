# integration/lib.sh - a private network namespace, a private Postfix, an smtp-sink and our
# milter, for end-to-end tests through a real MTA (sourced after tests/lib.sh).
#
#   it_enter "$0" "$@"       re-run the calling script inside a new net+uts+mount namespace
#                            that has only `lo` (hostname mta.test, private /etc/hosts and
#                            /etc/resolv.conf pointing at 127.0.0.1): no packet, DNS
#                            included, can leave the machine. Returns in the child.
#   it_port                  a free loopback TCP port
#   it_milter NAME SETTINGS  start fileless-milter with milter.conf + "key = value" settings
#                            on inet:PORT@127.0.0.1; sets MILTER_PORT_<NAME>, MILTER_PID_<NAME>
#   it_sink NAME             an smtp-sink writing one file per message into $IT/NAME/;
#                            sets SINK_PORT_<NAME>, SINK_PID_<NAME>
#   it_postfix NAME SMTPPORT NEXTHOPPORT MILTERS [main.cf lines]
#                            a private Postfix (own config, queue and data dirs under
#                            $IT/NAME) listening on 127.0.0.1:SMTPPORT, relaying everything
#                            to 127.0.0.1:NEXTHOPPORT, with smtpd_milters = MILTERS
#   it_send PORT FILE [swaks options]   send one message with swaks; its dialogue in $OUT
#   it_sink_with NAME NEEDLE the files of sink NAME holding NEEDLE;  it_in_sink: any?
#   it_wait_for SECONDS CMD...          poll (every 0.1 s) until CMD succeeds (at least FM_WAIT_MIN s)
#   it_case_spoofed PORT, it_case_tagonly PORT   core cases shared by the MTA suites
#   it_cleanup               stop everything started here, by pid (installed as EXIT trap)
#
# Processes are stopped by the pids recorded here (Postfix by `postfix -c DIR stop` and its
# master pid); nothing is looked up by name.
IT=${IT:-}
IT_PIDS=()
IT_POSTFIX=()

# it_enter SCRIPT ARGS... - re-exec SCRIPT in a private namespace (once)
it_enter() {
    if [ -n "${FM_IN_NETNS:-}" ]; then
        ip link set lo up || return 1
        hostname mta.test
        mount --make-rprivate / 2>/dev/null
        IT=$(mktemp -d /tmp/fm-it.XXXXXX)
        chmod 755 "$IT"
        printf '127.0.0.1\tlocalhost mta.test mta\n::1\tlocalhost\n' >"$IT/hosts"
        printf 'nameserver 127.0.0.1\n' >"$IT/resolv.conf"
        mount --bind "$IT/hosts" /etc/hosts
        mount --bind "$IT/resolv.conf" /etc/resolv.conf
        trap it_cleanup EXIT
        trap 'exit 143' TERM INT
        return 0
    fi
    if ! command -v unshare >/dev/null || ! unshare --net --uts --mount true 2>/dev/null; then
        return 2
    fi
    FM_IN_NETNS=1 exec unshare --net --uts --mount --fork bash "$@"
}

# it_port - a free TCP port on 127.0.0.1
it_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# it_wait_port PORT - wait until something listens on 127.0.0.1:PORT (FM_WAIT_MIN s, 60 by
# default: a deadline only bounds a failure, so it is generous for loaded machines)
it_wait_port() {
    for _ in $(seq $((${FM_WAIT_MIN:-60} * 10))); do
        (: >/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# it_conf_set FILE "key = value" - replace the key's line (or append it), taking the value
# literally (backslashes, | and & included)
it_conf_set() {
    KV=$2 awk 'BEGIN { kv = ENVIRON["KV"]; k = kv; sub(/ =.*/, "", k) }
        index($0, k " = ") == 1 { if (!done) print kv; done = 1; next }
        { print } END { if (!done) print kv }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# it_send PORT FILE [swaks options] - one message from sender@example.org to
# rcpt@example.net; the SMTP dialogue in $OUT
it_send() {
    local port=$1 file=$2
    shift 2
    OUT=$(swaks --server "127.0.0.1:$port" --from sender@example.org --to rcpt@example.net \
        --data "@$file" --timeout 60 "$@" 2>&1)
}

# it_sink_with NAME NEEDLE - the files of sink NAME holding NEEDLE
it_sink_with() { grep -l -F -- "$2" "$IT/$1"/* 2>/dev/null; }

# it_in_sink NAME NEEDLE - some file of sink NAME holds NEEDLE
it_in_sink() { [ -n "$(it_sink_with "$1" "$2")" ]; }

# it_wait_for SECONDS CMD... - poll until CMD succeeds; false after SECONDS, or after
# FM_WAIT_MIN (60) when that is longer: on a loaded machine a short deadline is a flake
it_wait_for() {
    local s=$1 min=${FM_WAIT_MIN:-60}
    [ "$s" -lt "$min" ] && s=$min
    local n=$((s * 10))
    shift
    for _ in $(seq "$n"); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# it_case_spoofed PORT - a message carrying forged X-Fileless-* headers, sent to the MTA on
# PORT, reaches sink "sink" with exactly one X-Fileless-Verdict, ours (the same core case
# for every MTA)
it_case_spoofed() {
    sed 's/^Subject: Autumn offers/Subject: spoof test\nX-Fileless-Verdict: clean; forged\nX-Fileless-Report: forged/' \
        contrib/samples/newsletter.eml >"$IT/spoof.eml"
    it_send "$1" "$IT/spoof.eml"
    it_wait_for 20 it_in_sink sink 'Subject: spoof test'
    local f
    f=$(it_sink_with sink 'Subject: spoof test' | head -1)
    if [ -n "$f" ] && ! grep -q forged "$f" && [ "$(grep -c '^X-Fileless-Verdict:' "$f")" -eq 1 ]; then
        ok "spoofed headers replaced"
    else
        bad "spoofed headers replaced" "$(grep X-Fileless "$f" 2>/dev/null)"
    fi
}

# it_case_tagonly PORT - through the MTA on PORT (whose milter runs mode = tag-only) the
# malicious sample is accepted and delivered to sink "sink" tagged would=reject
it_case_tagonly() {
    it_send "$1" contrib/samples/invoice-zip-js.eml
    contains "tag-only accepts the malicious message" "250 2.0.0"
    it_wait_for 20 it_in_sink sink 'would=reject' && ok "tag-only delivered with would=reject" ||
        bad "tag-only delivered with would=reject" "not in the sink"
}

# it_milter NAME SETTINGS... - our daemon on a loopback port
it_milter() {
    local name=$1 port
    shift
    port=$(it_port)
    local conf=$IT/milter-$name.conf
    sed -e "s|^socket = .*|socket = inet:$port@127.0.0.1|" \
        -e "s|^rules_dir = .*|rules_dir = $PWD/rules|" milter.conf >"$conf"
    for kv in "$@"; do it_conf_set "$conf" "$kv"; done
    "${FM_BIN:-milter/fileless-milter}" -f -c "$conf" >>"$IT/milter-$name.log" 2>&1 &
    local pid=$!
    IT_PIDS+=("$pid")
    eval "MILTER_PORT_$name=$port MILTER_PID_$name=$pid"
    it_wait_port "$port"
}

# it_sink NAME - smtp-sink that keeps every message as a file in $IT/NAME/
it_sink() {
    local name=$1 port
    port=$(it_port)
    mkdir -p "$IT/$name"
    chown postfix "$IT/$name"
    smtp-sink -d "$IT/$name/%M." -u postfix "127.0.0.1:$port" 256 >>"$IT/$name.log" 2>&1 &
    local pid=$!
    IT_PIDS+=("$pid")
    eval "SINK_PORT_$name=$port SINK_PID_$name=$pid"
    it_wait_port "$port"
}

# it_postfix NAME SMTPPORT NEXTHOPPORT MILTERS [MAIN.CF LINES...] - a private Postfix
it_postfix() {
    local name=$1 port=$2 next=$3 milters=$4
    shift 4
    local d=$IT/$name
    mkdir -p "$d/etc" "$d/queue" "$d/data"
    chown postfix "$d/data"
    cat >"$d/etc/main.cf" <<MAINCF
compatibility_level = 3.6
config_directory = $d/etc
queue_directory = $d/queue
data_directory = $d/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mta.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$next
smtp_host_lookup = native
smtp_tls_security_level = none
smtpd_tls_security_level = none
always_add_missing_headers = no
enable_long_queue_ids = yes
smtpd_client_port_logging = yes
in_flow_delay = 0
smtpd_error_sleep_time = 0
notify_classes =
maillog_file = $d/maillog
maillog_file_prefixes = $d
smtpd_milters = $milters
non_smtpd_milters = $milters
milter_protocol = 6
milter_default_action = tempfail
milter_connect_timeout = 5s
milter_command_timeout = 10s
milter_content_timeout = 60s
queue_run_delay = 1s
minimal_backoff_time = 1s
maximum_backoff_time = 2s
MAINCF
    for line in "$@"; do postconf -c "$d/etc" -e "$line"; done
    # master.cf: smtpd on our port, no chroot, postlogd for maillog_file
    cat >"$d/etc/master.cf" <<MASTERCF
127.0.0.1:$port inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
MASTERCF
    postfix -c "$d/etc" check >>"$IT/$name.log" 2>&1
    postfix -c "$d/etc" start >>"$IT/$name.log" 2>&1 || return 1
    IT_POSTFIX+=("$d")
    it_wait_port "$port"
}

# it_postfix_stop DIR - stop one private Postfix and wait for its master to go
it_postfix_stop() {
    local d=$1 pid
    pid=$(head -1 "$d/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
    postfix -c "$d/etc" stop >/dev/null 2>&1
    for _ in $(seq 100); do
        [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
}

# it_cleanup - stop what this file started
it_cleanup() {
    for d in "${IT_POSTFIX[@]}"; do it_postfix_stop "$d"; done
    for p in "${IT_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${FM_KEEP:-}" ] && { echo "kept $IT"; return; }
    [ -n "$IT" ] && rm -rf "$IT"
}
