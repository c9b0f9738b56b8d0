#!/usr/bin/env python3
"""coverage/run.py - issue 15: nothing passes unscanned, bombs stay cheap.

End to end through `fileless-milter -c <tmp conf> -t --json` (release build), with the
shipped rules plus the test-only clam.exe signatures (tests/data/clamav):
  - RAR v4/v5 unpacked through libarchive: members are layers at "2/a.rar>name" and go
    through libclamav, YARA and the analysers (libarchive's own test RARs, and RAR 5 files
    written by mkrar.py; clam.exe from ../shared/corpus when present);
  - encrypted members: their names scored like visible ones (zip and 7z by 7zz when
    installed, RAR 5 by mkrar.py) with ARCHIVE_ENCRYPTED; encrypted RAR headers flagged;
  - passwords stated in the body open encrypted 7z (7zz) and RAR 3/5 (unar) through the
    confined helpers of scan/extunpack.c (rarfile's test RARs, password "password"; 7z made
    by 7zz); a wrong password, an unopenable RAR or no helper stays ARCHIVE_ENCRYPTED; a
    1 GiB 7z bomb behind a password stops at max_total_bytes within 2 s CPU;
  - bombs: a 42.zip-style nested bomb (4 levels x 16 identical members, 32 MiB leaf) ends
    with ARCHIVE_BOMB within 2 s of CPU; a RAR of identical members is ARCHIVE_BOMB; a
    small max_work_bytes ends the scan with LIMIT_WORK_BUDGET;
  - fail closed: -n refuses a missing or unwritable clamav_tmpdir, naming the setting.
Prints per-check lines and "@@ coverage passed=N failed=M skipped=K".
"""
import base64, json, os, shutil, subprocess, sys, tempfile, zlib, struct

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests", "coverage"))
import mkrar  # noqa: E402

BIN = os.environ.get("FM_BIN", "milter/fileless-milter")
CORPUS = os.environ.get("FM_CORPUS", "../shared/corpus")
SAMPLES = "tests/corpus/archives"
R = {"passed": 0, "failed": 0, "skipped": 0}
JS = b'var s = new ActiveXObject("WScript.Shell"); s.Run("cmd /c calc");\r\n'


def ok(name):
    R["passed"] += 1
    print("ok   " + name)


def bad(name, why):
    R["failed"] += 1
    print("FAIL %s: %s" % (name, why))


def skip(name, why):
    R["skipped"] += 1
    print("skip %s: %s" % (name, why))


def setup(tmp, extra=""):
    """rules = shipped + test signatures; a config pointing at them, plus extra lines"""
    rules = os.path.join(tmp, "rules")
    if not os.path.isdir(rules):
        shutil.copytree("rules", rules)
        for f in os.listdir("tests/data/clamav"):
            shutil.copy(os.path.join("tests/data/clamav", f), os.path.join(rules, "clamav"))
    keys = {l.split("=")[0].strip() for l in extra.splitlines() if "=" in l}
    conf = os.path.join(tmp, "milter-%d.conf" % abs(hash(extra)))
    with open("milter.conf") as src, open(conf, "w") as dst:
        for line in src:
            k = line.split("=")[0].strip()
            if line.startswith("rules_dir ="):
                dst.write("rules_dir = %s\n" % rules)
            elif k not in keys:
                dst.write(line)
        dst.write(extra)
    return conf


def mail(name, data, body="See the attachment.\r\n"):
    b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return ("From: t@example.org\r\nTo: u@example.net\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n--BB\r\n"
            "Content-Type: application/octet-stream; name=\"%s\"\r\n"
            "Content-Disposition: attachment; filename=\"%s\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s--BB--\r\n"
            % (body, name, name, b64)).encode()


def scan(conf, tmp, raw):
    """scan one message; (report or None, CPU seconds of the child, peak RSS MB of this child:
    os.wait4's own rusage, not RUSAGE_CHILDREN whose ru_maxrss is the maximum over every
    child so far)"""
    path = os.path.join(tmp, "m.eml")
    with open(path, "wb") as f:
        f.write(raw)
    with open(os.path.join(tmp, "m.out"), "w+b") as out, open(os.path.join(tmp, "m.err"), "w+b") as err:
        p = subprocess.Popen([BIN, "-c", conf, "-t", "--json", path], stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    cpu = ru.ru_utime + ru.ru_stime
    rss = ru.ru_maxrss / 1024
    if p.returncode != 0 or not stdout.strip():
        print("   (exit %d: %s)" % (p.returncode, stderr.decode(errors="replace")[:300]))
        return None, cpu, rss
    return json.loads(stdout), cpu, rss


def has(rep, symbol, location=None):
    return any(h["symbol"] == symbol and (location is None or h["location"] == location)
               for h in (rep or {}).get("hits", []))


def layers(rep):
    return [l["location"] for l in (rep or {}).get("layers", [])]


def expect(name, rep, symbols=(), at=None, layer=None, absent=()):
    miss = [s for s in symbols if not has(rep, s, at)]
    extra = [s for s in absent if has(rep, s)]
    if rep is None:
        bad(name, "no report")
    elif miss or extra or (layer and layer not in layers(rep)):
        bad(name, "missing %s%s%s; hits %s; layers %s" % (
            miss, " unexpected %s" % extra if extra else "",
            " layer %s" % layer if layer and layer not in layers(rep) else "",
            sorted({(h["symbol"], h["location"]) for h in rep.get("hits", [])}), layers(rep)))
    else:
        ok(name)


# ---------------------------------------------------------------- RAR through libarchive
def test_rar(conf, tmp):
    rep, _, _ = scan(conf, tmp, mail("a.rar", mkrar.rar5([("invoice.pdf.js", JS)])))
    expect("rar5: a script member is a layer with its name, analysed", rep,
           ["FILE_DOUBLE_EXTENSION", "ARCHIVE_SCRIPT", "SCRIPT_PROCESS_LAUNCH"],
           at="2/a.rar>invoice.pdf.js", layer="2/a.rar>invoice.pdf.js")
    clam = os.path.join(CORPUS, "clamav-testfiles/files/clam.exe")
    if os.path.exists(clam):
        rep, _, _ = scan(conf, tmp, mail("a.rar", mkrar.rar5([("readme.txt", b"hi\n"),
                                                             ("clam.exe", open(clam, "rb").read())])))
        sig = [h for h in (rep or {}).get("hits", []) if h["symbol"].startswith("CLAMAV_")
               and h["location"] == "2/a.rar>clam.exe"]
        (ok if sig else lambda n: bad(n, "no CLAMAV_ hit at 2/a.rar>clam.exe: %s" % (
            rep or {}).get("hits")))("rar5: ClamAV's clam.exe in a RAR is found by libclamav")
    else:
        skip("rar5 clam.exe", "no corpus")
    path = os.path.join(tmp, "twice.eml")  # the cached value of the part holds the members' findings
    with open(path, "wb") as f:
        f.write(mail("a.rar", mkrar.rar5([("invoice.pdf.js", JS)])))
    p = subprocess.run([BIN, "-c", conf, "-t", "--json", path, path], capture_output=True)
    reps = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    if len(reps) == 2 and has(reps[1], "ARCHIVE_SCRIPT", "2/a.rar>invoice.pdf.js") and \
            reps[0]["verdict"] == reps[1]["verdict"]:
        ok("rar5: the member findings come back from the cache (second scan: %s)" % reps[1]["verdict"])
    else:
        bad("rar5 through the cache", "%s" % [(r["verdict"], len(r["hits"])) for r in reps])
    z1 = zip_of([(b"a.txt",) + deflate([b"hello a"])])
    rep, _, _ = scan(conf, tmp, mail("z.rar", mkrar.rar5([("one.zip", z1), ("two.txt", b"x")])))
    expect("rar5 holding a stored zip: the RAR's members, not the zip's, are listed", rep,
           layer="2/z.rar>one.zip")
    for f, member in (("libarchive_rar.rar", "test.txt"), ("libarchive_rar5_compressed.rar", "test.bin")):
        rep, _, _ = scan(conf, tmp, mail(f, open(os.path.join(SAMPLES, f), "rb").read()))
        expect("libarchive's %s: member %s unpacked" % (f, member), rep, layer="2/%s>%s" % (f, member),
               absent=["ARCHIVE_UNREADABLE", "SCAN_ERROR"])


def test_rar_encrypted(conf, tmp):
    raw = mkrar.rar5([("Invoice.pdf.js", JS), ("note.txt", b"hello\n")], encrypted={"Invoice.pdf.js"})
    rep, _, _ = scan(conf, tmp, mail("e.rar", raw))
    expect("rar5: encrypted member's name scored", rep,
           ["FILE_DOUBLE_EXTENSION", "ARCHIVE_ENCRYPTED_SCRIPT"], at="2/e.rar>Invoice.pdf.js")
    expect("rar5: encrypted member makes ARCHIVE_ENCRYPTED", rep, ["ARCHIVE_ENCRYPTED"], at="2/e.rar",
           layer="2/e.rar>note.txt")
    for f in ("libarchive_rar4_encrypted.rar", "libarchive_rar5_encrypted.rar",
              "libarchive_rar4_encrypted_filenames.rar", "libarchive_rar5_encrypted_filenames.rar"):
        rep, _, _ = scan(conf, tmp, mail(f, open(os.path.join(SAMPLES, f), "rb").read()))
        expect("libarchive's %s: ARCHIVE_ENCRYPTED" % f, rep, ["ARCHIVE_ENCRYPTED"], at="2/" + f)


def test_zip7z_encrypted(conf, tmp):
    z7 = shutil.which("7zz") or shutil.which("7z")
    if not z7:
        skip("encrypted zip/7z names", "no 7zz (Debian package 7zip)")
        return
    d = os.path.join(tmp, "enc")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "Invoice.pdf.js"), "wb") as f:
        f.write(JS)
    for arc, args in (("enc.zip", ["-tzip"]), ("enc.7z", [])):
        out = os.path.join(tmp, arc)
        if os.path.exists(out):
            os.unlink(out)
        subprocess.run([z7, "a"] + args + ["-psecret", out, "Invoice.pdf.js"], cwd=d,
                       capture_output=True, check=True)
        rep, _, _ = scan(conf, tmp, mail(arc, open(out, "rb").read()))
        expect("%s: encrypted member's name scored" % arc, rep,
               ["FILE_DOUBLE_EXTENSION", "ARCHIVE_ENCRYPTED_SCRIPT"], at="2/%s>Invoice.pdf.js" % arc)


# ---------------------------------------------------------------- stated passwords: 7z and RAR
def test_7z_password(conf, tmp):
    z7 = shutil.which("7zz")
    if not z7 or not os.access("/usr/bin/7zz", os.X_OK):
        skip("encrypted 7z with a stated password", "no /usr/bin/7zz (Debian package 7zip)")
        return
    d = os.path.join(tmp, "enc7")
    os.makedirs(os.path.join(d, "sub"), exist_ok=True)
    with open(os.path.join(d, "Invoice.pdf.js"), "wb") as f:
        f.write(JS)
    with open(os.path.join(d, "sub", "note.txt"), "wb") as f:
        f.write(b"hello\n")
    body = "Hello,\r\nthe archive password is: Qx7-secret\r\n"
    for arc, args in (("pw.7z", []), ("pwhdr.7z", ["-mhe=on"])):
        out = os.path.join(tmp, arc)
        if os.path.exists(out):
            os.unlink(out)
        subprocess.run([z7, "a"] + args + ["-pQx7-secret", out, "Invoice.pdf.js", "sub"], cwd=d,
                       capture_output=True, check=True)
        raw = open(out, "rb").read()
        rep, _, _ = scan(conf, tmp, mail(arc, raw, body))
        loc = "2/%s[pw]>Invoice.pdf.js" % arc
        expect("%s: opened with the password stated in the body" % arc, rep,
               ["ARCHIVE_PASSWORD_FROM_BODY"], at="2/" + arc, layer="2/%s[pw]>sub/note.txt" % arc)
        expect("%s: the decrypted script is analysed" % arc, rep,
               ["SCRIPT_PROCESS_LAUNCH", "FILE_DOUBLE_EXTENSION"], at=loc, layer=loc)
        rep, _, _ = scan(conf, tmp, mail(arc, raw, "the password is: wrong-one\r\n"))
        expect("%s: a wrong stated password leaves it ARCHIVE_ENCRYPTED" % arc, rep,
               ["ARCHIVE_ENCRYPTED"], at="2/" + arc, absent=["ARCHIVE_PASSWORD_FROM_BODY"])
    off = setup(tmp, "unpack_7z_helper = \n")
    rep, _, _ = scan(off, tmp, mail("pw.7z", open(os.path.join(tmp, "pw.7z"), "rb").read(), body))
    expect("unpack_7z_helper empty: ARCHIVE_ENCRYPTED and ARCHIVE_UNREADABLE say why", rep,
           ["ARCHIVE_ENCRYPTED", "ARCHIVE_UNREADABLE"], at="2/pw.7z",
           absent=["ARCHIVE_PASSWORD_FROM_BODY"])


def test_rar_password(conf, tmp):
    if not os.access("/usr/bin/unar", os.X_OK) or not os.access("/usr/bin/lsar", os.X_OK):
        skip("encrypted RAR with a stated password", "no /usr/bin/unar (Debian package unar)")
        return
    body = "Password: password\r\n"
    for f, member in (("rarfile_rar5-psw.rar", "stest1.txt"), ("rarfile_rar5-hpsw.rar", "stest1.txt"),
                      ("rarfile_rar3-comment-psw.rar", "file1.txt")):
        raw = open(os.path.join(SAMPLES, f), "rb").read()
        rep, _, _ = scan(conf, tmp, mail(f, raw, body))
        expect("%s: opened by unar with the stated password" % f, rep,
               ["ARCHIVE_PASSWORD_FROM_BODY"], at="2/" + f, layer="2/%s[pw]>%s" % (f, member))
    for f in ("rarfile_rar5-psw.rar", "rarfile_rar5-hpsw.rar"):
        raw = open(os.path.join(SAMPLES, f), "rb").read()
        rep, _, _ = scan(conf, tmp, mail(f, raw, "Password: not-it\r\n"))
        expect("%s: a wrong password leaves it ARCHIVE_ENCRYPTED, nothing delivered" % f, rep,
               ["ARCHIVE_ENCRYPTED"], at="2/" + f, absent=["ARCHIVE_PASSWORD_FROM_BODY"])
        if rep is not None and any("[pw]" in l for l in layers(rep)):
            bad("%s wrong password layers" % f, layers(rep))
    f = "rarfile_rar3-comment-hpsw.rar"  # RAR 3 with encrypted headers: unar 1.10.1 cannot
    rep, _, _ = scan(conf, tmp, mail(f, open(os.path.join(SAMPLES, f), "rb").read(), body))
    expect("%s: not opened, stays ARCHIVE_ENCRYPTED" % f, rep, ["ARCHIVE_ENCRYPTED"], at="2/" + f)


def test_7z_password_bomb(conf, tmp):
    """1 GiB of zeros behind a password: the helper's output stops at max_total_bytes"""
    z7 = shutil.which("7zz")
    if not z7:
        skip("7z bomb behind a password", "no 7zz")
        return
    out = os.path.join(tmp, "zb.7z")
    p = subprocess.Popen([z7, "a", "-t7z", "-mx=1", "-pbomb-pw", "-mhe=on", "-sizeros.bin", out],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    chunk = bytes(1 << 24)
    for _ in range(64):
        p.stdin.write(chunk)
    p.stdin.close()
    p.wait()
    rep, cpu, rss = scan(conf, tmp, mail("zb.7z", open(out, "rb").read(), "password: bomb-pw\r\n"))
    expect("7z bomb behind a stated password: opened, stopped at a size limit", rep,
           ["ARCHIVE_PASSWORD_FROM_BODY", "LIMIT_ARCHIVE_MEMBERS"], at="2/zb.7z")
    if rep is not None and rep.get("verdict") != "clean" and cpu <= 2.0 and rss <= 256:
        ok("7z bomb behind a password: verdict %s in %.2f s CPU (helper included), %.0f MB" % (
            rep["verdict"], cpu, rss))
    else:
        bad("7z bomb behind a password bounds", "verdict %s, %.2f s CPU, %.0f MB" % (
            (rep or {}).get("verdict"), cpu, rss))


# ---------------------------------------------------------------- TNEF names
def tnef(attachments):
    """a TNEF stream: per attachment an 8.3 title, the data and the long name as a
    PT_UNICODE PR_ATTACH_LONG_FILENAME MAPI property (as Outlook writes it)"""
    def attr(level, aid, data):
        return bytes([level]) + struct.pack("<II", aid, len(data)) + data + \
            struct.pack("<H", sum(data) & 0xFFFF)
    out = bytearray(b"\x78\x9f\x3e\x22\x01\x00")
    out += attr(1, 0x00089006, struct.pack("<I", 0x00010000))
    for title, longname, data in attachments:
        name = longname.encode("utf-16-le") + b"\0\0"
        name += b"\0" * (-len(name) % 4)
        mapi = struct.pack("<IHHI", 1, 0x001F, 0x3707, 1) + struct.pack("<I", len(longname) * 2 + 2) + name
        out += attr(2, 0x00069002, bytes(14))
        out += attr(2, 0x00018010, title.encode() + b"\0")
        out += attr(2, 0x0006800F, data)
        out += attr(2, 0x00069005, mapi)
    return bytes(out)


def test_tnef(conf, tmp):
    raw = tnef([("NOTES~1.TXT", "notes.txt", b"meeting notes\r\n"),
                ("INVOIC~1.JS", "Invoice.pdf.js", JS)])
    rep, _, _ = scan(conf, tmp, mail("winmail.dat", raw))
    expect("tnef: attachment keeps its long name; name findings fire", rep,
           ["FILE_DOUBLE_EXTENSION", "FILE_DANGEROUS_EXT"], at="2/winmail.dat>Invoice.pdf.js")
    expect("tnef: each attachment is its own layer", rep, layer="2/winmail.dat>notes.txt")
    two = os.path.join(CORPUS, "mime-mimekit/tnef/two-files.tnef")
    if os.path.exists(two):
        rep, _, _ = scan(conf, tmp, mail("winmail.dat", open(two, "rb").read()))
        expect("MimeKit's two-files.tnef: AUTHORS and README by name", rep,
               layer="2/winmail.dat>README")
        expect("MimeKit's two-files.tnef: AUTHORS", rep, layer="2/winmail.dat>AUTHORS")
    else:
        skip("MimeKit two-files.tnef", "no corpus")


# ---------------------------------------------------------------- bombs and budget
def deflate(chunks):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for ch in chunks:
        crc = zlib.crc32(ch, crc)
        size += len(ch)
        out.append(c.compress(ch))
    out.append(c.flush())
    return b"".join(out), crc, size


def zip_of(members):
    body, central = bytearray(), bytearray()
    for name, comp, crc, usize in members:
        off = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(comp), usize,
                            len(name), 0) + name + comp
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                               len(comp), usize, len(name), 0, 0, 0, 0, 0, off) + name
    return bytes(body + central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members),
                                              len(members), len(central), len(body), 0))


def bomb42():
    """4 levels x 16 identical members, a 32 MiB leaf of zeros"""
    comp, crc, size = deflate(bytes(1 << 24) for _ in range(2))
    layer = zip_of([(b"%d.bin" % i, comp, crc, size) for i in range(16)])
    for depth in range(3):
        comp, crc, size = deflate([layer])
        layer = zip_of([(b"lib%d_%d.zip" % (depth, i), comp, crc, size) for i in range(16)])
    return layer


def test_bombs(conf, tmp):
    rep, cpu, rss = scan(conf, tmp, mail("42.zip", bomb42()))
    expect("42.zip-style bomb: ARCHIVE_BOMB", rep, ["ARCHIVE_BOMB"], at="2/42.zip")
    if rep is not None and rep.get("verdict") != "clean" and cpu <= 2.0 and rss <= 256:
        ok("42.zip-style bomb: verdict %s in %.2f s CPU, %.0f MB" % (rep["verdict"], cpu, rss))
    else:
        bad("42.zip-style bomb bounds", "verdict %s, %.2f s CPU, %.0f MB" % (
            (rep or {}).get("verdict"), cpu, rss))
    inner = zip_of([(b"x%d.bin" % i,) + deflate([bytes(4 << 20)]) for i in range(4)])
    raw = mkrar.rar5([("copy%d.zip" % i, inner) for i in range(12)])
    rep, cpu, rss = scan(conf, tmp, mail("b.rar", raw))
    expect("rar of 12 identical zips: ARCHIVE_BOMB at the RAR", rep, ["ARCHIVE_BOMB"], at="2/b.rar")
    small = setup(tmp, "max_work_bytes = 1M\n")
    zipped = zip_of([(b"r%d.bin" % i,) + deflate([os.urandom(600000)]) for i in range(3)])
    rep, _, _ = scan(small, tmp, mail("r.zip", zipped))
    expect("max_work_bytes 1M over 1.8 MB of members: LIMIT_WORK_BUDGET", rep, ["LIMIT_WORK_BUDGET"])
    rep, _, _ = scan(conf, tmp, mail("r.zip", zipped))
    expect("the same within the default budget: no LIMIT_WORK_BUDGET", rep, absent=["LIMIT_WORK_BUDGET"])


# ---------------------------------------------------------------- fail closed
def test_tmpdir(tmp):
    conf = setup(tmp, "clamav_tmpdir = %s/missing\n" % tmp)
    p = subprocess.run([BIN, "-c", conf, "-n"], capture_output=True, text=True)
    if p.returncode != 0 and "clamav_tmpdir" in p.stderr:
        ok("-n refuses a missing clamav_tmpdir: %s" % p.stderr.strip().splitlines()[-1][:100])
    else:
        bad("-n missing clamav_tmpdir", "exit %d: %s" % (p.returncode, p.stderr[:200]))
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        skip("unwritable clamav_tmpdir", "needs root and setpriv")
        return
    ro = os.path.join(tmp, "ro")
    os.makedirs(ro, exist_ok=True)
    os.chmod(ro, 0o555)
    os.chmod(tmp, 0o755)
    conf = setup(tmp, "clamav_tmpdir = %s\n" % ro)
    os.chmod(conf, 0o644)
    p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                        os.path.abspath(BIN), "-c", conf, "-n"], capture_output=True, text=True)
    if p.returncode != 0 and "clamav_tmpdir" in p.stderr and "cannot create" in p.stderr:
        ok("-n refuses an unwritable clamav_tmpdir")
    else:
        bad("-n unwritable clamav_tmpdir", "exit %d: %s" % (p.returncode, p.stderr[:200]))
    p = subprocess.run([BIN, "-c", setup(tmp), "-n"], capture_output=True, text=True,
                       env=dict(os.environ, TMPDIR=os.path.join(tmp, "nope")))
    if p.returncode != 0 and "TMPDIR" in p.stderr:
        ok("-n refuses a missing $TMPDIR (spool and libclamav temp files)")
    else:
        bad("-n missing TMPDIR", "exit %d: %s" % (p.returncode, p.stderr[:200]))


def main():
    tmp = tempfile.mkdtemp(prefix="fm-coverage-")
    try:
        os.chmod(tmp, 0o755)
        conf = setup(tmp)
        test_rar(conf, tmp)
        test_rar_encrypted(conf, tmp)
        test_zip7z_encrypted(conf, tmp)
        # the helpers' wall-clock budget is generous here: a loaded test machine (2 shared
        # cores) can take seconds to start unar's GNUstep runtime; CPU stays bounded
        slow = setup(tmp, "unpack_helper_ms = 60000\n")
        test_7z_password(slow, tmp)
        test_rar_password(slow, tmp)
        test_7z_password_bomb(slow, tmp)
        test_tnef(conf, tmp)
        test_bombs(conf, tmp)
        test_tmpdir(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("@@ coverage passed=%d failed=%d skipped=%d" % (R["passed"], R["failed"], R["skipped"]))
    sys.exit(1 if R["failed"] else 0)


if __name__ == "__main__":
    main()
