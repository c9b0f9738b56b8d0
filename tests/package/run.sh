#!/bin/bash
# package/run.sh - the rules overlay (rules_dir with several directories) and the Debian
# package: `make deb` builds it, its contents are checked, dpkg installs it on this machine,
# `systemd-analyze verify` checks the installed units, and the installed milter (as the
# package's system user, with the installed /etc/fileless-milter/milter.conf) filters mail
# for a private Postfix in a network namespace. The package is purged at the end and the
# purge is checked. When fileless-milter is already installed on the machine (an admin's
# install), the install part is skipped rather than replacing it.
#
# FM_PACKAGE=0 skips the package part (only the overlay checks run).
cd "$(dirname "$0")/../.."
T_SUITE=package
. tests/lib.sh
. tests/integration/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}

# ---- inside the namespace: the installed milter behind a private Postfix ----
if [ "${1:-}" = --inner ]; then
    it_enter "$0" "$@" || exit 1
    cd "$(dirname "$0")/../.." || exit 1
    setpriv --reuid=fileless-milter --regid=fileless-milter --init-groups \
        /usr/sbin/fileless-milter -f -c /etc/fileless-milter/milter.conf >>"$IT/installed.log" 2>&1 &
    IT_PIDS+=("$!")
    if it_wait_port 8890; then ok "installed milter listens on its default socket"; else
        bad "installed milter listens" "$(tail -5 "$IT/installed.log")"
        exit 0
    fi
    it_sink sink
    smtp=$(it_port)
    it_postfix pf "$smtp" "$SINK_PORT_sink" inet:127.0.0.1:8890
    it_send "$smtp" contrib/samples/newsletter.eml
    contains "installed milter: clean mail accepted" "250 2.0.0"
    it_wait_for 30 it_in_sink sink 'X-Fileless-Verdict: clean' && ok "installed milter: clean mail delivered with its verdict header" ||
        bad "installed milter: clean mail delivered with its verdict header" "$(grep -h X-Fileless "$IT"/sink/* 2>/dev/null | head -3)"
    it_send "$smtp" contrib/samples/invoice-zip-js.eml
    contains "installed milter: the dropper is rejected" "550 5.7.1"
    if grep -q 'verdict=reject' "$IT/installed.log"; then ok "installed milter logs to stderr (the journal)"; else
        bad "installed milter logs" "$(tail -3 "$IT/installed.log")"; fi
    exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- rules_dir with two directories: file-by-file override ----
mkdir -p "$tmp/etc/yara" "$tmp/etc/lists"
sed 's/^SCRIPT_COM_SHELL \+[0-9.]\+/SCRIPT_COM_SHELL 0.125/' rules/scoring.conf >"$tmp/etc/scoring.conf"
cat >"$tmp/etc/yara/local.yar" <<'EOF'
rule Local_Overlay_Test { meta: score = 1 strings: $a = "invoice" nocase condition: $a }
EOF
sed -e "s|^rules_dir = .*|rules_dir = $tmp/etc, $PWD/rules|" milter.conf >"$tmp/overlay.conf"
sed -e "s|^rules_dir = .*|rules_dir = $tmp/none, $PWD/rules|" milter.conf >"$tmp/plain.conf"
expect "-n loads two rules directories" 0 "$BIN" -c "$tmp/overlay.conf" -n
"$BIN" -c "$tmp/overlay.conf" -t --json contrib/samples/invoice-zip-js.eml >"$tmp/o.json" 2>/dev/null
w=$(jq -r '[.hits[] | select(.symbol == "SCRIPT_COM_SHELL") | .weight][0]' "$tmp/o.json")
if [ "$w" = 0.125 ]; then ok "a scoring.conf in the first directory overrides the shipped one"; else
    bad "scoring.conf override" "SCRIPT_COM_SHELL weight $w"; fi
if jq -e '.hits[] | select(.symbol == "YARA_Local_Overlay_Test")' "$tmp/o.json" >/dev/null; then
    ok "a YARA file in the first directory adds to the shipped rules"; else bad "YARA overlay" "no YARA_Local_Overlay_Test"; fi
if jq -e '.hits[] | select(.symbol | startswith("YARA_Fileless_"))' "$tmp/o.json" >/dev/null; then
    ok "the shipped YARA rules still load beside the local ones"; else bad "shipped YARA kept" "no YARA_Fileless_ hit"; fi
id_one=$("$BIN" -c milter.conf -n 2>&1 | sed -n 's/.*rules \([0-9a-f]\{16\}\):.*/\1/p' | head -1)
id_two=$("$BIN" -c "$tmp/plain.conf" -n 2>&1 | sed -n 's/.*rules \([0-9a-f]\{16\}\):.*/\1/p' | head -1)
if [ -n "$id_one" ] && [ "$id_one" = "$id_two" ]; then ok "an empty override directory keeps the ruleset id"; else
    bad "ruleset id with an empty override" "$id_one vs $id_two"; fi
left=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'fileless-rules-*' -newer "$tmp/overlay.conf" 2>/dev/null | wc -l)
if [ "$left" -eq 0 ]; then ok "the overlay directory is removed after loading"; else bad "overlay removed" "$left left"; fi
printf 'rules_dir = ,\n' >"$tmp/empty.conf"
expect "-n refuses an empty rules_dir" 1 "$BIN" -c "$tmp/empty.conf" -n

# ---- the Debian package ----
if [ "${FM_PACKAGE:-1}" = 0 ]; then
    skip "debian package" "FM_PACKAGE=0"
    summary
    exit
fi
if ! command -v dpkg-buildpackage >/dev/null || ! dpkg-query -W debhelper >/dev/null 2>&1; then
    skip "debian package" "dpkg-dev or debhelper not installed (make deps)"
    summary
    exit
fi
if make deb DEB_REUSE=${FM_DEB_REUSE-1} >"$tmp/deb.log" 2>&1; then ok "make deb builds the package"; else
    bad "make deb" "$(tail -15 "$tmp/deb.log")"
    summary
    exit
fi
deb=$(ls build/deb/fileless-milter_*_amd64.deb 2>/dev/null | head -1)
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$tmp/contents"
for f in /usr/sbin/fileless-milter /usr/sbin/fileless-ctl /usr/sbin/fileless-emu /usr/share/man/man5/milter.conf.5.gz \
    /usr/share/man/man8/fileless-milter.8.gz /usr/share/man/man8/fileless-ctl.8.gz \
    /usr/share/fileless-milter/rules/scoring.conf /usr/share/fileless-milter/rules/yara/ \
    /usr/share/fileless-milter/rules/clamav/ /usr/share/fileless-milter/rules/lists/ \
    /etc/fileless-milter/milter.conf /etc/fileless-milter/rules/README \
    /lib/systemd/system/fileless-milter.service /lib/systemd/system/fileless-milter-web.service \
    /lib/systemd/system/fileless-milter-purge.service /lib/systemd/system/fileless-milter-purge.timer \
    /usr/share/doc/fileless-milter/examples/main.cf.snippet; do
    grep -qxF "$f" "$tmp/contents" || bad "package holds $f" "missing"
done
ok "package holds binaries, man pages, rules, config, units and examples"
dpkg-deb -e "$deb" "$tmp/ctl"
if [ "$(sort "$tmp/ctl/conffiles" | tr '\n' ' ')" = "/etc/fileless-milter/milter.conf /etc/fileless-milter/rules/README " ]; then
    ok "configuration files are conffiles"; else bad "conffiles" "$(cat "$tmp/ctl/conffiles")"; fi
if grep -q adduser "$tmp/ctl/postinst" && grep -q 'fileless-milter-purge.timer' "$tmp/ctl/postinst"; then
    ok "postinst creates the system user and enables the purge timer"; else bad "postinst" "$(head -20 "$tmp/ctl/postinst")"; fi
if grep -rqE 'postfix|sendmail' "$tmp/ctl/postinst" "$tmp/ctl/preinst" 2>/dev/null; then
    bad "no change to the MTA" "a maintainer script names the MTA"; else ok "the maintainer scripts leave the MTA's configuration alone"; fi

if dpkg-query -W -f='${Status}' fileless-milter 2>/dev/null | grep -q 'ok installed'; then
    skip "dpkg install" "fileless-milter is already installed on this machine: not replacing it"
    summary
    exit
fi
purge() { dpkg --purge fileless-milter >>"$tmp/dpkg.log" 2>&1; }
trap 'purge; rm -rf "$tmp"' EXIT
if dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1; then ok "dpkg installs the package"; else
    bad "dpkg -i" "$(tail -5 "$tmp/dpkg.log")"
    summary
    exit
fi
if id fileless-milter >/dev/null 2>&1 && [ "$(stat -c %U /var/lib/fileless-milter/quarantine)" = fileless-milter ]; then
    ok "system user and its quarantine directory exist"; else bad "system user" "$(id fileless-milter 2>&1)"; fi
if [ "$(stat -c '%a %G' /etc/fileless-milter/milter.conf)" = "640 fileless-milter" ]; then
    ok "milter.conf is readable by the service only"; else bad "milter.conf mode" "$(stat -c '%a %U %G' /etc/fileless-milter/milter.conf)"; fi
if command -v systemd-analyze >/dev/null; then
    if v=$(systemd-analyze verify /lib/systemd/system/fileless-milter.service /lib/systemd/system/fileless-milter-web.service \
        /lib/systemd/system/fileless-milter-purge.service /lib/systemd/system/fileless-milter-purge.timer 2>&1); then
        ok "systemd-analyze verify accepts the units"; else bad "systemd-analyze verify" "$v"; fi
else
    skip "systemd-analyze verify" "systemd not installed"
fi
expect "installed -n accepts the installed config (as the service user)" 0 \
    setpriv --reuid=fileless-milter --regid=fileless-milter --init-groups \
    /usr/sbin/fileless-milter -n -c /etc/fileless-milter/milter.conf
expect "installed fileless-ctl runs the purge (as the service user)" 0 \
    setpriv --reuid=fileless-milter --regid=fileless-milter --init-groups \
    /usr/sbin/fileless-ctl -c /etc/fileless-milter/milter.conf quarantine purge
if command -v postfix >/dev/null && command -v swaks >/dev/null; then
    inner=$(bash "$0" --inner 2>&1)
    echo "$inner"
    T_PASS=$((T_PASS + $(grep -c '^ok ' <<<"$inner")))
    T_FAIL=$((T_FAIL + $(grep -c '^FAIL ' <<<"$inner")))
    grep -q '^ok ' <<<"$inner" || bad "installed milter behind Postfix" "the namespace run printed no result"
else
    skip "installed milter behind Postfix" "postfix or swaks missing"
fi
purge
if ! id fileless-milter >/dev/null 2>&1 && [ ! -e /etc/fileless-milter ] && [ ! -e /var/lib/fileless-milter ]; then
    ok "dpkg --purge removes the user, the config and the state"; else
    bad "purge" "$(ls -d /etc/fileless-milter /var/lib/fileless-milter 2>&1; id fileless-milter 2>&1)"; fi
trap 'rm -rf "$tmp"' EXIT
summary
