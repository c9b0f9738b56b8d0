#!/usr/bin/env python3
"""engines/run.py - the content engines end to end through `fileless-milter -t --json`.

Every message is built here at test time (nothing live is committed): ClamAV test files
and corpus documents wrapped as MIME attachments, EICAR nested zip > rfc822 > multipart,
encrypted zips with and without their password in the body. Rules are a temporary copy
of rules/ plus the test-only signatures in tests/data/clamav/ (the clam.exe hash).
Prints per-check lines and "@@ engines passed=N failed=M skipped=K".
"""
import base64, glob, io, json, os, shutil, subprocess, sys, tempfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
BIN = os.environ.get("FM_BIN", "milter/fileless-milter")
CORPUS = os.environ.get("FM_CORPUS", "../shared/corpus")
RESULTS = {"passed": 0, "failed": 0, "skipped": 0}


def ok(name):
    """record a passing check"""
    RESULTS["passed"] += 1
    print("ok   " + name)


def bad(name, why):
    """record a failing check"""
    RESULTS["failed"] += 1
    print("FAIL %s: %s" % (name, why))


def skip(name, why):
    """record a skipped check"""
    RESULTS["skipped"] += 1
    print("skip %s: %s" % (name, why))


def check(name, cond, why=""):
    """ok or bad depending on cond"""
    (ok(name) if cond else bad(name, why))


def setup_rules(tmp):
    """a config and rules dir: the shipped rules plus the test-only clam.exe signatures"""
    rules = os.path.join(tmp, "rules")
    shutil.copytree("rules", rules)
    for f in glob.glob("tests/data/clamav/*"):
        shutil.copy(f, os.path.join(rules, "clamav"))
    conf = os.path.join(tmp, "milter.conf")
    with open("milter.conf") as src, open(conf, "w") as dst:
        for line in src:
            dst.write("rules_dir = %s\n" % rules if line.startswith("rules_dir =") else line)
    return conf


def attach(name, data, body="See the attachment.\r\n", subject="test", ctype="application/octet-stream"):
    """a multipart/mixed message: a text part and one base64 attachment"""
    b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return ("From: t@example.org\r\nTo: u@example.net\r\nSubject: %s\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n--BB\r\n"
            "Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s--BB--\r\n"
            % (subject, body, ctype, name, name, b64)).encode()


def scan(conf, tmp, raw, name="m.eml"):
    """scan one message; returns the parsed report"""
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(raw)
    return scan_file(conf, path)


def scan_file(conf, path):
    """scan a file as it is; returns the parsed report (or None)"""
    p = subprocess.run([BIN, "-c", conf, "-t", "--json", path], capture_output=True)
    if p.returncode != 0 or not p.stdout.strip():
        print("   (exit %d: %s)" % (p.returncode, p.stderr.decode(errors="replace")[:300]))
        return None
    return json.loads(p.stdout)


def hits(rep, prefix):
    """the hits whose symbol starts with prefix"""
    return [h for h in (rep or {}).get("hits", []) if h["symbol"].startswith(prefix)]


def test_clamav_testfiles(conf, tmp):
    """every ClamAV test file, attached to a message, is found with its layer path"""
    files = sorted(glob.glob(os.path.join(CORPUS, "clamav-testfiles/files/*")))
    if not files:
        return skip("clamav-testfiles", "corpus not found")
    found, missed = 0, []
    for f in files:
        name = os.path.basename(f)
        rep = scan(conf, tmp, attach(name, open(f, "rb").read()), "ct.eml")
        h = [x for x in hits(rep, "CLAMAV_ClamAV-Test-File")]
        if h:
            found += 1
            print("     %-40s %s" % (name, h[0]["location"]))
        else:
            missed.append(name)
    print("   clamav-testfiles: %d/%d found as MIME attachments" % (found, len(files)))
    check("clamav-testfiles all found", not missed, "missed: %s" % ", ".join(missed))


def test_malformed_mails(conf, tmp):
    """the 7 malformed-MIME mails of clamav-unittest-input against upstream's expectation"""
    mails = sorted(glob.glob(os.path.join(CORPUS, "clamav-unittest-input/scanfiles_decoded/clam.mail-*")))
    if not mails:
        return skip("malformed mails", "corpus not found")
    tsv = os.path.join(CORPUS, "clamav-unittest-input/UPSTREAM-EXPECTATIONS.tsv")
    observed = {}
    for line in open(tsv, encoding="utf-8"):
        cols = line.rstrip("\n").split("\t")
        if len(cols) >= 3 and cols[1] == "observed-local":
            observed[os.path.basename(cols[0])] = "FOUND" in cols[2]
    ours = 0
    for m in mails:
        rep = scan_file(conf, m)
        h = hits(rep, "CLAMAV_ClamAV-Test-File")
        name = os.path.basename(m)
        ours += bool(h)
        print("     %-52s upstream: detected  clamscan-1.4.6: %-8s ours: %s" % (
            name, "found" if observed.get(name) else "missed",
            h[0]["location"] if h else "MISSED"))
        check("malformed mail detected: " + name, bool(h), "upstream expects ClamAV-Test-File")
    print("   malformed mails: ours %d/%d, clamscan 1.4.6 %d/%d, upstream expects %d/%d" % (
        ours, len(mails), sum(observed.get(os.path.basename(m), False) for m in mails),
        len(mails), len(mails), len(mails)))


def zip_bytes(members):
    """a zip in memory from (name, bytes) pairs"""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members:
            z.writestr(n, d)
    return b.getvalue()


def test_eicar_nested(conf, tmp):
    """EICAR in a zip in a message/rfc822 in a multipart/mixed: found at 2.x/eicar.zip>eicar.com"""
    eicar = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()
    inner = attach("eicar.zip", zip_bytes([("eicar.com", eicar)]), subject="inner")
    outer = ("From: t@example.org\r\nSubject: fwd\r\nMIME-Version: 1.0\r\n"
             "Content-Type: multipart/mixed; boundary=OO\r\n\r\n--OO\r\nContent-Type: text/plain\r\n\r\n"
             "forwarded\r\n--OO\r\nContent-Type: message/rfc822\r\n\r\n").encode() + inner + b"\r\n--OO--\r\n"
    rep = scan(conf, tmp, outer)
    h = hits(rep, "CLAMAV_Fileless.Test.EICAR")
    locs = [x["location"] for x in h]
    check("EICAR nested: found at its path", "2.2/eicar.zip>eicar.com" in locs, "got %s" % locs)
    check("EICAR nested: verdict reject", rep and rep["verdict"] == "reject", rep and rep["verdict"])


DROPPER = (b"// inert test script built by tests/engines/run.py; it is never executed\r\n"
           b"var sh = new ActiveXObject(\"WScript.Shell\");\r\n"
           b"sh.RegWrite(\"HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\upd\", "
           b"\"mshta javascript:eval(atob('ZWNobyAiaW5lcnQgdGVzdCI='))\");\r\n")


def encrypted_zip(tmp, method, password):
    """an encrypted zip holding invoice.js, written by bsdtar (libarchive); None if absent"""
    if not shutil.which("bsdtar"):
        return None
    d = tempfile.mkdtemp(dir=tmp)
    with open(os.path.join(d, "invoice.js"), "wb") as f:
        f.write(DROPPER)
    out = os.path.join(d, "invoice.zip")
    subprocess.run(["bsdtar", "-a", "-cf", out, "--options", "zip:encryption=" + method,
                    "--passphrase", password, "-C", d, "invoice.js"], check=True)
    return open(out, "rb").read()


def test_password_zip(conf, tmp):
    """an encrypted zip opened with the password from the body; flagged when there is none"""
    for method in ("traditional", "aes256"):
        z = encrypted_zip(tmp, method, "Inv2026x")
        if z is None:
            return skip("password zip", "bsdtar (libarchive-tools) not installed")
        rep = scan(conf, tmp, attach("invoice.zip", z, body="Your invoice. Password: Inv2026x\r\n"))
        layers = [l["location"] for l in (rep or {}).get("layers", [])]
        check("password zip (%s): member opened" % method,
              "2/invoice.zip[pw]>invoice.js" in layers, "layers %s" % layers)
        check("password zip (%s): password hit" % method, hits(rep, "ARCHIVE_PASSWORD_FROM_BODY"))
        inner = [h for h in rep["hits"] if h["location"] == "2/invoice.zip[pw]>invoice.js"] if rep else []
        check("password zip (%s): script analysed" % method, inner, "no hit inside the member")
        rep = scan(conf, tmp, attach("invoice.zip", z, body="Your invoice.\r\n"))
        check("encrypted zip without password: ARCHIVE_ENCRYPTED",
              hits(rep, "ARCHIVE_ENCRYPTED") and not hits(rep, "ARCHIVE_PASSWORD_FROM_BODY"))


def test_encrypted_docs(conf, tmp):
    """encrypted .docx gives DOC_ENCRYPTED"""
    docs = glob.glob(os.path.join(CORPUS, "oletools/**/encrypted.docx"), recursive=True)
    if not docs:
        return skip("encrypted docx", "corpus not found")
    rep = scan(conf, tmp, attach("encrypted.docx", open(docs[0], "rb").read()))
    check("encrypted docx: DOC_ENCRYPTED", hits(rep, "DOC_ENCRYPTED"))


def test_vba_reported(conf, tmp):
    """xlsxwriter and oletools macro documents show their VBA modules in the report"""
    files = sorted(glob.glob(os.path.join(CORPUS, "office-xlsxwriter-vba/**/*.xlsm"), recursive=True))
    files += [f for f in glob.glob(os.path.join(CORPUS, "oletools/**/*"), recursive=True)
              if os.path.basename(f) in ("sample_with_vba.ppt", "oleform-PR314.docm")]
    if not files:
        return skip("vba modules", "corpus not found")
    for f in files:
        rep = scan(conf, tmp, attach(os.path.basename(f), open(f, "rb").read()))
        names = [v["name"] for v in (rep or {}).get("vba", [])]
        print("     %-40s modules: %s" % (os.path.basename(f), ", ".join(names)))
        check("vba modules shown: " + os.path.basename(f), names)


def test_broken_rule(tmp):
    """-n with a YARA syntax error names the file and line and exits 1"""
    d = tempfile.mkdtemp(dir=tmp)
    conf = setup_rules(d)
    with open(os.path.join(d, "rules/yara/broken.yar"), "w") as f:
        f.write("rule ok_rule { condition: true }\n\nrule broken { strings: $a = \"x\" condition: $b }\n")
    p = subprocess.run([BIN, "-c", conf, "-n"], capture_output=True, text=True)
    check("broken YARA rule: -n exits 1", p.returncode == 1, "exit %d" % p.returncode)
    check("broken YARA rule: error names file:line", "broken.yar:3:" in p.stderr, p.stderr[:300])


def main():
    tmp = tempfile.mkdtemp(prefix="fm-engines-")
    try:
        conf = setup_rules(tmp)
        test_eicar_nested(conf, tmp)
        test_password_zip(conf, tmp)
        test_broken_rule(tmp)
        test_clamav_testfiles(conf, tmp)
        test_malformed_mails(conf, tmp)
        test_encrypted_docs(conf, tmp)
        test_vba_reported(conf, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("@@ engines passed=%(passed)d failed=%(failed)d skipped=%(skipped)d" % RESULTS)
    return 1 if RESULTS["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
