#!/bin/bash
# integration/faults.sh - faults injected under a real Postfix, and proof that nothing is
# lost: Postfix "out" (no milter) is the sender and retries; Postfix "in" has our milter and
# relays to an smtp-sink. Runs in a private network namespace (lib.sh), whose private
# mounts also hold the small tmpfs file systems used here.
#
#   temp directory full   the milter's spool spills past spool_memory_max into TMPDIR, a
#                         full 1 MiB tmpfs: the MTA gets 451 4.7.1 with the ref
#                         (on_internal_error); once space is back the retried message is
#                         delivered exactly once, scanned
#   clamav_tmpdir full    libclamav cannot unpack an archive: SCAN_ERROR, on_scanner_error
#                         (451); delivered once after space is back
# The other faults of tests/README.md are covered by tests/cache (Redis), tests/quarantine
# (store full), tests/milter (broken rules at reload) and tests/integration/postfix.sh
# (SIGKILL during a burst, scan_timeout).
cd "$(dirname "$0")/../.."
T_SUITE=integration-faults
. tests/lib.sh
. tests/integration/lib.sh
for tool in postfix smtp-sink swaks; do
    if ! command -v $tool >/dev/null && ! [ -x /usr/sbin/$tool ]; then
        skip "faults" "$tool not installed"
        summary
        exit 0
    fi
done
it_enter "$0" "$@"
[ $? -eq 0 ] || { skip "faults" "no network namespace (needs root)"; summary; exit 0; }
export PATH=$PATH:/usr/sbin
BIN=${FM_BIN:-milter/fileless-milter}

# count NEEDLE - sink files holding NEEDLE
count() { it_sink_with sink "$1" | wc -l; }
# delivered_once NEEDLE - wait until one copy arrived; false if none or several
delivered_once() {
    local needle=$1
    got() { [ "$(count "$needle")" -ge 1 ]; }
    it_wait_for 60 got || return 1
    sleep 2
    [ "$(count "$needle")" -eq 1 ]
}
# queued_at_out - messages waiting in Postfix "out"'s queue
queued_at_out() { postqueue -c "$IT/out/etc" -j 2>/dev/null | wc -l; }

it_sink sink
P_IN=$(it_port) P_OUT=$(it_port)

# 1. the temp directory is full
mkdir -p "$IT/tmpfull"
mount -t tmpfs -o size=1m tmpfs "$IT/tmpfull" || bad "mount tmpfs" "needs root"
dd if=/dev/zero of="$IT/tmpfull/fill" bs=4k count=1000 2>/dev/null # fill it up
TMPDIR=$IT/tmpfull it_milter spool "spool_memory_max = 4K" || bad "start milter" "$(tail -3 "$IT/milter-spool.log")"
it_postfix in "$P_IN" "$SINK_PORT_sink" "inet:127.0.0.1:$MILTER_PORT_spool" || bad "start postfix in" "$(tail -5 "$IT/in.log")"
it_postfix out "$P_OUT" "$P_IN" "" || bad "start postfix out" "$(tail -5 "$IT/out.log")"
{ sed 's/^Subject: Autumn offers/Subject: fault tmpdir/' contrib/samples/newsletter.eml
  for i in $(seq 1500); do echo "a long newsletter line number $i, to pass spool_memory_max"; done; } >"$IT/big.eml"
it_send "$P_IN" "$IT/big.eml"
contains "temp dir full: the MTA gets 451 4.7.1" "451 4.7.1"
grep -q 'spool: No space left on device' "$IT/milter-spool.log" && ok "temp dir full: reason logged" ||
    bad "temp dir full: reason logged" "$(grep ref= "$IT/milter-spool.log" | tail -2)"
it_send "$P_OUT" "$IT/big.eml"
contains "through a retrying sender: accepted by it" "250 2.0.0 Ok: queued"
sleep 3
[ "$(count 'Subject: fault tmpdir')" -eq 0 ] && [ "$(queued_at_out)" -ge 1 ] &&
    ok "temp dir full: not delivered, waiting in the sender's queue" ||
    bad "temp dir full: waiting in the sender's queue" "sink $(count 'Subject: fault tmpdir'), queue $(queued_at_out)"
rm -f "$IT/tmpfull/fill" # space is back
postqueue -c "$IT/out/etc" -f
delivered_once 'Subject: fault tmpdir' && ok "temp dir full: delivered exactly once after space came back" ||
    bad "temp dir full: delivered once" "$(count 'Subject: fault tmpdir') copies"
f=$(it_sink_with sink 'Subject: fault tmpdir' | head -1)
grep -q '^X-Fileless-Verdict: clean' "$f" 2>/dev/null && ok "temp dir full: the retried message was scanned" ||
    bad "temp dir full: scanned" "no verdict header"

# 2. clamav_tmpdir is full: libclamav cannot unpack the zip
mkdir -p "$IT/clamfull"
mount -t tmpfs -o size=1m tmpfs "$IT/clamfull"
dd if=/dev/zero of="$IT/clamfull/fill" bs=4k count=1000 2>/dev/null
it_milter clam "clamav_tmpdir = $IT/clamfull" || bad "start milter" "$(tail -3 "$IT/milter-clam.log")"
postconf -c "$IT/in/etc" -e "smtpd_milters = inet:127.0.0.1:$MILTER_PORT_clam"
postfix -c "$IT/in/etc" reload >/dev/null 2>&1
sleep 1
python3 - "$IT/zip.eml" <<'PY'
import base64, io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("report.txt", "quarterly numbers\n" * 20000)
data = base64.encodebytes(b.getvalue()).decode().replace("\n", "\r\n")
open(sys.argv[1], "w", newline="").write(
    "From: a@example.org\r\nTo: b@example.net\r\nSubject: fault clamtmp\r\nMIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\n"
    "report attached\r\n--B\r\nContent-Type: application/zip; name=report.zip\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" + data + "--B--\r\n")
PY
it_send "$P_IN" "$IT/zip.eml"
contains "clamav_tmpdir full: the MTA gets 451 4.7.1" "451 4.7.1"
grep -q 'SCAN_ERROR' "$IT/milter-clam.log" && ok "clamav_tmpdir full: SCAN_ERROR logged" ||
    bad "clamav_tmpdir full: SCAN_ERROR logged" "$(grep ref= "$IT/milter-clam.log" | tail -2)"
it_send "$P_OUT" "$IT/zip.eml"
sleep 3
[ "$(count 'Subject: fault clamtmp')" -eq 0 ] && ok "clamav_tmpdir full: not delivered unscanned" ||
    bad "clamav_tmpdir full: not delivered unscanned" "in the sink"
rm -f "$IT/clamfull/fill"
postqueue -c "$IT/out/etc" -f
delivered_once 'Subject: fault clamtmp' && ok "clamav_tmpdir full: delivered exactly once after space came back" ||
    bad "clamav_tmpdir full: delivered once" "$(count 'Subject: fault clamtmp') copies"
summary
