#!/usr/bin/env python3
"""seeds.py TARGET OUTDIR - copy seed inputs for one fuzz target into OUTDIR at run time.

Sources: the committed hand-made seeds (tests/fuzz/corpus/TARGET), our own fixtures
(tests/golden/*.eml, contrib/samples/*.eml) and, when ../shared/corpus exists, files
picked by their tags in ../shared/corpus/files.tsv. Nothing from ../shared is committed:
OUTDIR lives under tests/out/. Targets that take a selector byte (fuzz_url, fuzz_script,
fuzz_deobf, fuzz_vba) get it prepended here, so a shared file lands in the right mode.
Prints how many seeds were written.
"""
import csv, glob, hashlib, os, re, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
# the selector tables of fuzz_script.c and fuzz_deobf.c, in order
SCRIPT_LANGS = ["js", "jse", "vbs", "vbe", "wsf", "sct", "hta", "ps1", "bat", "cmd", "url", "iqy",
                "slk", "settingcontent", "reg", "html", "svg", "lnk", ""]
DEOBF_LANGS = ["js", "jse", "vbs", "vbe", "ps1", "bat", "cmd", "lnk", "hta", "wsf", "sct", "html",
               "svg", ""]


def shared(tag_re, max_size):
    """(path, bytes) of shared files whose tags match tag_re, at most max_size bytes."""
    tsv = os.path.join(SHARED, "files.tsv")
    if not os.path.exists(tsv):
        return
    with open(tsv, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            tags = row.get("notable") or ""
            if not re.search(tag_re, tags) or "expected-output" in tags and "email" not in tags:
                continue
            path = os.path.join(SHARED, row["set"], row["relative_path"])
            try:
                if os.path.getsize(path) <= max_size:
                    with open(path, "rb") as g:
                        yield path, g.read()
            except OSError:
                continue


def fixtures():
    for p in sorted(glob.glob(os.path.join(ROOT, "tests/golden/*.eml")) +
                    glob.glob(os.path.join(ROOT, "contrib/samples/*.eml"))):
        with open(p, "rb") as f:
            yield p, f.read()


def header_fields(msg):
    """Subject, From, Content-Type and Content-Disposition parameters as fuzz_header wants
    them: one per line, folded lines joined (the last one, the disposition, may not hold LF)."""
    head = re.split(rb"\r?\n\r?\n", msg, 1)[0]
    def one(pattern, text):
        m = list(re.finditer(pattern, text, re.M | re.I))
        return re.sub(rb"\r?\n[ \t]*", b" ", m[-1].group(1)).strip() if m else b""
    folded = rb"((?:.*)(?:\r?\n[ \t].*)*)"
    return b"\n".join([one(rb"^Subject:[ \t]*" + folded, head), one(rb"^From:[ \t]*" + folded, head),
                       one(rb"^Content-Type:[^;\n]*;" + folded, msg),
                       one(rb"^Content-Disposition:[^;\n]*;" + folded, msg)])


def lang_of(path, data):
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if ext in ("html", "htm"):
        return "html"
    if ext in SCRIPT_LANGS and ext:
        return ext
    if data.startswith(b"#@~^") or b"#@~^" in data[:4096]:
        return "vbe"
    return ""


def seeds(target):
    emails = lambda n: shared(r"(^|,)email(,|$)", n)
    if target in ("fuzz_mime", "fuzz_msg"):
        yield from fixtures()
        yield from emails(131072 if target == "fuzz_mime" else 65536)
    elif target == "fuzz_header":
        for p, d in list(fixtures()) + list(emails(131072)):
            yield p, header_fields(d)
    elif target == "fuzz_url":
        for p, d in shared(r"(^|,)(html|url-rich)(,|$)", 131072):
            html = p.endswith((".html", ".htm")) or b"<a " in d.lower()
            yield p, (b"\x02" if html else b"\x01") + d
        for name in ("url_valid.txt", "url_invalid.txt"):
            p = os.path.join(SHARED, "mime-flanker", name)
            if os.path.exists(p):
                for i, line in enumerate(open(p, "rb").read().splitlines()[:400]):
                    yield "%s:%d" % (p, i), b"\x00" + line
    elif target in ("fuzz_script", "fuzz_deobf"):
        table = SCRIPT_LANGS if target == "fuzz_script" else DEOBF_LANGS
        for p, d in shared(r"(^|,)(script-encoded|html|vba-source)(,|$)", 131072):
            lang = "vbs" if p.endswith(".vba") else lang_of(p, d)
            yield p, bytes([table.index(lang if lang in table else "")]) + d
    elif target == "fuzz_vba":
        for p, d in shared(r"(^|,)vba-source(,|$)", 131072):
            yield p, b"\x00" + d.lower()
        for p, d in shared(r"(^|,)xlm(,|$)", 262144):
            yield p, b"\x01" + d
    elif target == "fuzz_lnk":
        yield from shared(r"(^|,)lnk(,|$)", 131072)
    elif target == "fuzz_officecrypt":
        for p, d in shared(r"(^|,)encrypted(,|$)", 262144):
            if d.startswith(b"\xd0\xcf\x11\xe0"):
                yield p, b"\x00" + d
                yield p + ":cfb", b"\x02" + d
        for p in sorted(glob.glob(os.path.join(SHARED, "clamav-testfiles/files/*.chm"))):
            with open(p, "rb") as f:
                yield p, b"\x01" + f.read()


def main():
    target, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    n = 0
    for _, data in seeds(target):
        if not data:
            continue
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        n += 1
    print("%s: %d seeds from fixtures and ../shared/corpus" % (target, n))


if __name__ == "__main__":
    main()
