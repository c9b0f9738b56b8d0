#!/usr/bin/env python3
"""analysers/run.py - the analysers and scoring end to end through `fileless-milter -t --json`.

1. The Kovter-style dropper: invoice.zip > invoice.pdf.js whose JScript writes the Run
   key with an `mshta javascript:` value holding a base64 blob (inert, built here) must
   reach reject, and the report must name each step at its location.
2. Office macro samples (oletools, office-*): a table file -> symbols -> score; every
   sample whose macros auto-execute and write or execute scores >= quarantine; documents
   without macros get no macro symbol.
3. False-positive pressure: every message under mime-* that reaches tag or above is
   listed with its symbols; each must be explained in tests/analysers/FP-EXPLAINED.md.
Prints "@@ analysers passed=N failed=M skipped=K".
"""
import base64, csv, glob, io, json, os, re, subprocess, sys, tempfile, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
BIN = os.environ.get("FM_BIN", "milter/fileless-milter")
CORPUS = os.environ.get("FM_CORPUS", "../shared/corpus")
R = {"passed": 0, "failed": 0, "skipped": 0}
ORDER = {"clean": 0, "tag": 1, "quarantine": 2, "reject": 3}


def check(name, cond, why=""):
    """record one check"""
    R["passed" if cond else "failed"] += 1
    print(("ok   %s" if cond else "FAIL %s: " + str(why)) % name)


def skip(name, why):
    """record a skipped check"""
    R["skipped"] += 1
    print("skip %s: %s" % (name, why))


def scan(paths):
    """scan files, return their reports in order"""
    out = []
    for i in range(0, len(paths), 50):
        p = subprocess.run([BIN, "-c", "milter.conf", "-t", "--json"] + paths[i:i + 50],
                           capture_output=True, text=True)
        out += [json.loads(l) for l in p.stdout.split("\n") if l.strip()]
    return out


def attach(name, data, body="Please see the attachment.\r\n"):
    """a message with one base64 attachment"""
    b64 = base64.encodebytes(data).decode().replace("\n", "\r\n")
    return ("From: a@example.org\r\nTo: b@example.net\r\nSubject: document\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=BB\r\n\r\n--BB\r\nContent-Type: text/plain\r\n\r\n"
            "%s\r\n--BB\r\nContent-Type: application/octet-stream; name=\"%s\"\r\n"
            "Content-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            "%s--BB--\r\n" % (body, name, name, b64)).encode()


def test_dropper(tmp):
    """the Kovter-style zip > pdf.js dropper reaches reject, each step named"""
    blob = base64.b64encode(b"var i = 'inert test payload written by tests/analysers/run.py';" * 4).decode()
    js = ("// INERT test sample: models a Kovter-style dropper; never executed\r\n"
          "var sh = new ActiveXObject(\"WScript.Shell\");\r\n"
          "var k = \"HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\updater\";\r\n"
          "sh.RegWrite(k, \"mshta javascript:eval(atob('%s'))\", \"REG_SZ\");\r\n" % blob).encode()
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr("invoice.pdf.js", js)
    path = os.path.join(tmp, "dropper.eml")
    open(path, "wb").write(attach("invoice.zip", b.getvalue()))
    rep = scan([path])[0]
    print("   dropper: verdict=%s score=%s" % (rep["verdict"], rep["score"]))
    for h in rep["hits"]:
        print("     %+6.1f %-40s @ %s" % (h["weight"], h["symbol"], h["location"]))
    check("dropper: verdict reject", rep["verdict"] == "reject", rep["verdict"])
    locs = {h["location"] for h in rep["hits"]}
    syms = {h["symbol"] for h in rep["hits"]}
    member = "2/invoice.zip>invoice.pdf.js"
    check("dropper: hits at the member", member in locs, sorted(locs))
    check("dropper: double extension named", any(s.startswith("FILE_DOUBLE_EXT") for s in syms), sorted(syms))
    check("dropper: registry dropper named", any(s.startswith("REG_DROPPER") for s in syms), sorted(syms))
    check("dropper: decoded payload analysed", any(">decoded:" in l for l in locs) or
          any(">decoded:" in l["location"] for l in rep["layers"]), "no decoded layer")


def macro_files():
    """corpus documents with and without VBA, from files.tsv's notable column"""
    rows = list(csv.DictReader(open(os.path.join(CORPUS, "files.tsv"), encoding="utf-8"), delimiter="\t"))
    docs = []
    for r in rows:
        if not (r["set"] == "oletools" or r["set"].startswith("office-")):
            continue
        path = os.path.join(CORPUS, r["set"], r["relative_path"])
        ext = os.path.splitext(path)[1].lower()
        if ext not in (".doc", ".docm", ".docx", ".xls", ".xlsm", ".xlsx", ".xlsb", ".ppt", ".pptm",
                       ".pptx", ".bin", ".dotm", ".xlt", ".vsd", ".vsdm") or not os.path.isfile(path):
            continue
        notable = r.get("notable", "")
        tags = notable.split(",")
        docs.append((path, "vba" in tags or "xlm" in tags, "encrypted" in tags))
    return docs


def test_macros(tmp):
    """macro samples: table, auto-exec + write/execute >= quarantine, no macro symbol without VBA"""
    if not os.path.isdir(CORPUS):
        return skip("macro corpus", "corpus not found")
    docs = macro_files()
    paths = []
    for i, (p, _, _) in enumerate(docs):
        m = os.path.join(tmp, "doc%03d.eml" % i)
        open(m, "wb").write(attach(os.path.basename(p), open(p, "rb").read()))
        paths.append(m)
    reps = scan(paths)
    strong = weak = 0
    print("   %-58s %-10s %6s  %s" % ("file", "verdict", "score", "macro symbols"))
    for (p, has_vba, enc), rep in zip(docs, reps):
        syms = sorted({h["symbol"] for h in rep["hits"] if h["symbol"].startswith(("VBA_", "XLM_", "DOC_MACROS"))})
        print("   %-58s %-10s %6.1f  %s" % (os.path.relpath(p, CORPUS)[-58:], rep["verdict"], rep["score"], " ".join(syms)))
        dangerous = any(s in syms for s in ("VBA_AUTOEXEC_WRITE", "VBA_AUTOEXEC_EXECUTE", "VBA_AUTOEXEC_DOWNLOAD",
                                             "VBA_AUTOEXEC_EXEC_DOWNLOAD"))
        if dangerous:
            strong += 1
            check("auto-exec + write/execute >= quarantine: " + os.path.basename(p),
                  ORDER[rep["verdict"]] >= ORDER["quarantine"], "%s %s" % (rep["verdict"], rep["score"]))
        if not has_vba and not enc and not any(s.startswith("XLM_") or s == "DOC_MACROS_XLM" for s in syms):
            weak += 1
            vba_syms = [s for s in syms if s.startswith("VBA_") or s == "DOC_MACROS_VBA"]
            check("no macro symbol without macros: " + os.path.basename(p), not vba_syms, vba_syms)
    print("   macro corpus: %d documents, %d auto-exec+write/execute, %d without macros" % (len(docs), strong, weak))


HEADER_RE = re.compile(rb"^(From [^\n]*\n)?[A-Za-z][A-Za-z0-9-]*:[ \t]")


def is_message(path):
    """a file that starts like an RFC 822 message (a header field, maybe after "From ")"""
    with open(path, "rb") as f:
        return HEADER_RE.match(f.read(512)) is not None


def test_false_positives(tmp):
    """every mime-* message at tag or above must be explained in FP-EXPLAINED.md"""
    files = [f for f in glob.glob(os.path.join(CORPUS, "mime-*/**/*"), recursive=True)
             if os.path.isfile(f) and not f.endswith((".tsv", ".md", ".xml", ".out", ".json"))
             and "_decoded" not in f and "LICENSE" not in f and "NOTICE" not in f and "README" not in f
             and is_message(f)]
    if not files:
        return skip("false-positive pressure", "corpus not found")
    explained = set()
    path = "tests/analysers/FP-EXPLAINED.md"
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            if line.startswith("- `"):
                explained.add(line.split("`")[1])
    reps = scan(sorted(files))
    flagged = [r for r in reps if ORDER[r["verdict"]] >= ORDER["tag"]]
    print("   false-positive pressure: %d of %d mime-* messages reach tag or above" % (len(flagged), len(reps)))
    for r in flagged:
        rel = os.path.relpath(r["file"], CORPUS)
        syms = sorted({h["symbol"] for h in r["hits"] if h["weight"] > 0})
        print("     %-60s %-10s %6.1f %s" % (rel[-60:], r["verdict"], r["score"], " ".join(syms)))
        check("explained: " + rel, rel in explained, "add it to %s with the reason" % path)


def main():
    tmp = tempfile.mkdtemp(prefix="fm-analysers-")
    test_dropper(tmp)
    test_macros(tmp)
    test_false_positives(tmp)
    subprocess.run(["rm", "-rf", tmp])
    print("@@ analysers passed=%(passed)d failed=%(failed)d skipped=%(skipped)d" % R)
    return 1 if R["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
