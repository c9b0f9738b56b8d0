#!/usr/bin/env python3
"""compare-upstream.py - compare our MIME walk with upstream parsers' expected results.

Sets and what is compared (see tests/corpus/README.md):
  mime-james-mime4j       leaf bodies vs <name>_decoded.xml bodies (ordered SHA-256 lists)
  mime-zbateson-hunnysoft attachments vs the original files in emails/files/
  mime-gmime              base64/uuencode/QP decodes and charset conversion to UTF-8
  mime-mimekit            base64/uuencode/QP/yEnc decodes; messages/* parse without error

Run from the repository root. Environment: FM_BIN (default milter/fileless-milter),
FM_CORPUS (default ../shared/corpus). A disagreement whose corpus path is listed in
tests/corpus/KNOWN-DIFFERENCES.md is "explained" and counts as skipped.
Last line: "@@ upstream passed=N failed=M skipped=K"; exit status non-zero iff M > 0.
"""
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zlib

FM_BIN = os.environ.get("FM_BIN") or "milter/fileless-milter"
CORPUS = os.environ.get("FM_CORPUS") or "../shared/corpus"
KNOWN_FILE = "tests/corpus/KNOWN-DIFFERENCES.md"
OUT_DIR = "tests/out/corpus"
BATCH = 100  # files per fileless-milter invocation

AGREE, AGREE_EOL, DISAGREE, NOT_COMPARED = "agree", "agree-eol", "disagree", "not-compared"


# ---------------------------------------------------------------- helpers

def sha256(data):
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def read(path):
    """Bytes of a file."""
    with open(path, "rb") as f:
        return f.read()


def rel(path):
    """A corpus path as set/relative/path (the key used in KNOWN-DIFFERENCES.md)."""
    return os.path.relpath(path, CORPUS).replace(os.sep, "/")


def eol_normal(data):
    """Bytes with CRLF/CR turned into LF and trailing line breaks removed."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").rstrip(b"\n")


def scan(paths, extract=None):
    """Run fileless-milter --json on paths (in batches); return {path: report dict}."""
    reports = {}
    for i in range(0, len(paths), BATCH):
        chunk = paths[i:i + BATCH]
        cmd = [FM_BIN, "-c", "milter.conf", "-t", "--json"]
        if extract:
            cmd += ["--extract", extract]
        proc = subprocess.run(cmd + chunk, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL)
        for line in proc.stdout.decode("utf-8", "replace").splitlines():
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict) and "file" in obj:
                obj["_rc"] = proc.returncode
                reports[obj["file"]] = obj
    return reports


def part_bytes(extract, report, path):
    """Decoded bytes of one part as written by --extract, or None."""
    f = os.path.join(extract, report["ref"], path + ".bin")
    return read(f) if os.path.exists(f) else None


def part_text(extract, report, path):
    """UTF-8 text of one part as written by --extract, or None."""
    f = os.path.join(extract, report["ref"], path + ".txt")
    return read(f) if os.path.exists(f) else None


def find_part(report, path):
    """The part with this path in a report, or None."""
    return next((p for p in report["parts"] if p["path"] == path), None)


def has_children(report, path):
    """True when some part lies below path (e.g. a reparsed encoded message/rfc822)."""
    return any(p["path"].startswith(path + ".") for p in report["parts"])


def load_known():
    """{set/relative/path: reason} from KNOWN-DIFFERENCES.md bullets."""
    known = {}
    if os.path.exists(KNOWN_FILE):
        with open(KNOWN_FILE, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^\s*[-*]\s+`([^`]+)`\s*:?\s*(.*)$", line)
                if m:
                    known[m.group(1)] = m.group(2).strip()
    return known


class SetReport:
    """The cases of one upstream set: (key, label, status, reason)."""

    def __init__(self, name):
        """Start an empty report for set `name`."""
        self.name = name
        self.rows = []

    def add(self, key, label, status, reason=""):
        """Record one case; key is the corpus path KNOWN-DIFFERENCES.md refers to."""
        self.rows.append((key, label, status, reason))


# ---------------------------------------------------------------- wrapping

def write_msg(tmp, name, headers, body):
    """Write a small message (headers: list of lines, body: bytes) to tmp/name; return its path."""
    path = os.path.join(tmp, name)
    head = "".join(h + "\n" for h in ["From: corpus@example.org", "To: test@example.org",
                                      "Subject: " + name, "MIME-Version: 1.0"] + headers)
    with open(path, "wb") as f:
        f.write(head.encode() + b"\n" + body)
    return path


def wrap_single(tmp, name, ctype, cte, body):
    """A single-part message whose body (part "1") is `body` sent with encoding cte."""
    hdrs = ["Content-Type: " + ctype]
    if cte:
        hdrs.append("Content-Transfer-Encoding: " + cte)
    return write_msg(tmp, name, hdrs, body)


def wrap_multipart(tmp, name, ctype, cte, body):
    """A multipart/mixed message whose part "2" is `body` sent with encoding cte."""
    part = b"Content-Type: " + ctype.encode() + b"\n"
    if cte:
        part += b"Content-Transfer-Encoding: " + cte.encode() + b"\n"
    return multipart_message(tmp, name, part + b"\n" + body)


def multipart_message(tmp, name, entity):
    """A multipart/mixed message: a short text part "1", then `entity` (headers+body) as "2"."""
    b = b"=-=corpus-boundary=-="
    if not entity.endswith(b"\n"):
        entity += b"\n"
    data = (b"--" + b + b"\nContent-Type: text/plain\n\nsee attachment\n"
            b"--" + b + b"\n" + entity + b"--" + b + b"--\n")
    return write_msg(tmp, name, ["Content-Type: multipart/mixed; boundary=\"%s\"" % b.decode()],
                     data)


def prepend_headers(tmp, name, entity):
    """Write message headers followed directly by the entity's own headers and body."""
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(b"From: corpus@example.org\nTo: test@example.org\nSubject: " + name.encode()
                + b"\nMIME-Version: 1.0\n" + entity)
    return path


def split_entity(entity):
    """(header bytes, body bytes) of a MIME entity."""
    for sep in (b"\r\n\r\n", b"\n\n"):
        i = entity.find(sep)
        if i >= 0:
            return entity[:i + len(sep)], entity[i + len(sep):]
    return entity, b""


# ---------------------------------------------------------------- decode cases

class DecodeCases:
    """Synthesized messages whose part must decode to an expected file (sets c and d)."""

    def __init__(self, tmp):
        """Collect cases under the temp dir tmp."""
        self.tmp = tmp
        self.cases = []  # (set report, key, label, message path, check function)

    def add(self, rep, key, label, msg, check):
        """Queue one case; check(report, extract_dir) returns (status, reason)."""
        self.cases.append((rep, key, label, msg, check))

    def run(self):
        """Scan every queued message with --extract and record each case's result."""
        extract = os.path.join(self.tmp, "extract")
        os.makedirs(extract, exist_ok=True)
        reports = scan([c[3] for c in self.cases], extract)
        for rep, key, label, msg, check in self.cases:
            r = reports.get(msg)
            if r is None:
                rep.add(key, label, DISAGREE, "no JSON output for the wrapped message")
                continue
            status, reason = check(r, extract)
            rep.add(key, label, status, reason)


def expect_bytes(path, expected, text=False):
    """A check: part `path` decodes to `expected` (or, with text, its UTF-8 .txt does)."""

    def check(r, extract):
        """Compare one part's extracted bytes with the expectation."""
        p = find_part(r, path)
        if p is None:
            have = ", ".join("%s(%s,%s)" % (q["path"], q["origin"], q["content_type"])
                             for q in r["parts"])
            return DISAGREE, "no part %s; parts: %s" % (path, have)
        got = part_text(extract, r, path) if text else part_bytes(extract, r, path)
        if got is None:
            return DISAGREE, "part %s has no extracted %s" % (path, ".txt" if text else ".bin")
        return compare_bytes(got, expected)

    return check


def compare_bytes(got, expected):
    """(status, reason) for decoded bytes against expected bytes."""
    if got == expected:
        return AGREE, ""
    if eol_normal(got) == eol_normal(expected):
        return AGREE_EOL, "line endings differ (%d vs %d bytes)" % (len(got), len(expected))
    i = next((k for k in range(min(len(got), len(expected))) if got[k] != expected[k]),
             min(len(got), len(expected)))
    return DISAGREE, "%d bytes vs expected %d, first difference at byte %d (%r vs %r)" % (
        len(got), len(expected), i, got[i:i + 12], expected[i:i + 12])


def encoded_forms(dc, rep, enc_file, expected, name):
    """Queue the forms of one encoded file (.b64/.uu/.qp): single part, multipart, inline uu."""
    data = read(enc_file)
    key = rel(enc_file)
    tag = rep.name.replace("mime-", "")
    if enc_file.endswith(".qp"):
        m = wrap_single(dc.tmp, "%s-%s-qp.eml" % (tag, name), "text/plain; charset=utf-8",
                        "quoted-printable", data)
        dc.add(rep, key, "quoted-printable body", m, expect_bytes("1", expected))
        return
    cte = "base64" if enc_file.endswith(".b64") else "x-uuencode"
    ct = "application/octet-stream"
    m = wrap_single(dc.tmp, "%s-%s-%s-single.eml" % (tag, name, cte), ct, cte, data)
    dc.add(rep, key, "%s single-part body" % cte, m, expect_bytes("1", expected))
    m = wrap_multipart(dc.tmp, "%s-%s-%s-multi.eml" % (tag, name, cte), ct, cte, data)
    dc.add(rep, key, "%s part of multipart/mixed" % cte, m, expect_bytes("2", expected))
    if cte == "x-uuencode":
        m = wrap_single(dc.tmp, "%s-%s-uu-inline.eml" % (tag, name), "text/plain", "7bit",
                        b"Here is the file:\n\n" + data + b"\nbye\n")
        dc.add(rep, key, "uuencode inline in text/plain (hidden-content finder)", m,
               expect_bytes("1~uu1", expected))


def entity_forms(dc, rep, entity_file, expected, name):
    """Queue the forms of a file that is a whole MIME entity (gmime raptors.*.txt)."""
    data = read(entity_file)
    key = rel(entity_file)
    m = prepend_headers(dc.tmp, "gmime-%s-single.eml" % name, data)
    dc.add(rep, key, "entity as the message body", m, expect_bytes("1", expected))
    m = multipart_message(dc.tmp, "gmime-%s-multi.eml" % name, data)
    dc.add(rep, key, "entity as part 2 of multipart/mixed", m, expect_bytes("2", expected))
    if b"x-uuencode" in split_entity(data)[0].lower():
        body = split_entity(data)[1]
        m = wrap_single(dc.tmp, "gmime-%s-uu-inline.eml" % name, "text/plain", "7bit",
                        b"Raptors:\n\n" + body)
        dc.add(rep, key, "uuencode inline in text/plain (hidden-content finder)", m,
               expect_bytes("1~uu1", expected))


# ---------------------------------------------------------------- (a) mime4j

BODY_RE = re.compile(rb'<(text|binary)-body name="([^"]+)"\s*/>')


def mime4j_expected(xml_path):
    """Ordered list of body file paths referenced by a mime4j _decoded.xml."""
    d = os.path.dirname(xml_path)
    return [os.path.join(d, m.group(2).decode()) for m in BODY_RE.finditer(read(xml_path))]


def our_leaves(report):
    """Our MIME leaves in walk order, minus message/* leaves that we reparsed (encoded form)
    and minus content we found hidden below another part (paths with '~': prologue,
    uuencode, yEnc and MIME entities inside text are our extra findings, not the tree)."""
    out = []
    for p in report["parts"]:
        if p["kind"] != "leaf" or p["origin"] != "mime" or "~" in p["path"]:
            continue
        ct = p["content_type"] or ""
        if ct.startswith("message/") and has_children(report, p["path"]):
            continue
        out.append(p)
    return out


def describe_leaves(leaves):
    """Short text listing parts as path:type:size."""
    return " ".join("%s:%s:%d" % (p["path"], p["content_type"], p["size"])
                    for p in leaves) or "-"


def compare_mime4j(tmp):
    """Set (a): our leaf bodies against mime4j's expected decoded tree."""
    rep = SetReport("mime-james-mime4j")
    top = os.path.join(CORPUS, rep.name)
    msgs = []
    for sub in ("testmsgs", "mimetools-testmsgs"):
        d = os.path.join(top, sub)
        if os.path.isdir(d):
            msgs += sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".msg"))
    extract = os.path.join(tmp, "mime4j")
    reports = scan(msgs, extract)
    counts = [0, 0]  # messages compared, messages with equal body counts
    for msg in msgs:
        key = rel(msg)
        xml = msg[:-4] + "_decoded.xml"
        if not os.path.exists(xml):
            rep.add(key, "", NOT_COMPARED, "no _decoded.xml")
            continue
        r = reports.get(msg)
        if r is None:
            rep.add(key, "", DISAGREE, "no JSON output")
            continue
        exp_files = mime4j_expected(xml)
        exp = [read(f) if os.path.exists(f) else None for f in exp_files]
        ours = our_leaves(r)
        got = [part_bytes(extract, r, p["path"]) or b"" for p in ours]
        counts[0] += 1
        counts[1] += len(ours) == len(exp)
        status, reason = mime4j_verdict(exp_files, exp, ours, got,
                                        [p for p in r["parts"] if p["kind"] != "multipart"])
        rep.add(key, "%d bodies" % len(exp), status, reason)
    rep.extra = ["count agreement: %d of %d messages have as many leaves as upstream bodies"
                 % (counts[1], counts[0])]
    return rep


def mime4j_verdict(exp_files, exp, ours, got, all_parts):
    """(status, reason) for one mime4j message: ordered SHA-256 lists, then modulo EOL."""
    missing = [os.path.basename(f) for f, e in zip(exp_files, exp) if e is None]
    if missing:
        return NOT_COMPARED, "expected body file missing: " + ", ".join(missing)
    if [sha256(e) for e in exp] == [p["sha256"] for p in ours]:
        return AGREE, ""
    if len(exp) != len(ours):
        hint = ""
        if [sha256(e) for e in exp if e] == [p["sha256"] for p in ours if p["size"]]:
            hint = " (equal when empty bodies are ignored)"
        upstream = " ".join("%s:%d" % (os.path.basename(f)[-20:], len(e))
                            for f, e in zip(exp_files, exp))
        return DISAGREE, "count: we have %d leaves [%s], upstream %d bodies [%s]%s; " \
            "all our parts: %s" % (len(ours), describe_leaves(ours), len(exp), upstream, hint,
                                   describe_leaves(all_parts))
    if all(eol_normal(a) == eol_normal(b) for a, b in zip(got, exp)):
        diffs = [i for i, (a, b) in enumerate(zip(got, exp)) if a != b]
        return AGREE_EOL, "; ".join("%s: %d vs %d bytes (%r vs %r at end)" % (
            ours[i]["path"], len(got[i]), len(exp[i]), got[i][-4:], exp[i][-4:]) for i in diffs)
    reasons = []
    for i, (a, b) in enumerate(zip(got, exp)):
        if a != b:
            reasons.append("%s (%s): %s" % (ours[i]["path"], os.path.basename(exp_files[i]),
                                            compare_bytes(a, b)[1]))
    return DISAGREE, "; ".join(reasons)


# ---------------------------------------------------------------- (b) hunnysoft

def name_variants(fn):
    """A decoded filename and its last path component (for C:\\TEMP\\x.png style names)."""
    return {fn, re.split(r"[\\/]", fn)[-1]}


def compare_hunnysoft(tmp):
    """Set (b): attachments we decode against the originals in emails/files/."""
    rep = SetReport("mime-zbateson-hunnysoft")
    edir = os.path.join(CORPUS, rep.name, "emails")
    fdir = os.path.join(edir, "files")
    originals = {f: read(os.path.join(fdir, f)) for f in sorted(os.listdir(fdir))}
    by_sha = {}
    for f, data in originals.items():
        by_sha.setdefault(sha256(data), []).append(f)
    msgs = sorted(os.path.join(edir, f) for f in os.listdir(edir)
                  if re.match(r"^m\d+\.txt$", f))
    extract = os.path.join(tmp, "hunnysoft")
    reports = scan(msgs, extract)
    seen_names, seen_content, stats = set(), {}, {"name": 0, "bytes": 0}
    for msg in msgs:
        r = reports.get(msg)
        if r is None:
            rep.add(rel(msg), "", DISAGREE, "no JSON output")
            continue
        for p in r["parts"]:
            if p["kind"] != "leaf" or not p["filename"] or not p["sha256"]:
                continue
            for orig in by_sha.get(p["sha256"], ()):
                seen_content.setdefault(orig, set()).add(p["filename"])
            hit = next((v for v in sorted(name_variants(p["filename"])) if v in originals), None)
            if hit is None:
                continue
            seen_names.add(hit)
            stats["name"] += 1
            label = "%s %s (%s)" % (p["path"], p["filename"], p["origin"])
            status, reason = compare_bytes(part_bytes(extract, r, p["path"]) or b"",
                                           originals[hit])
            if status == AGREE:
                stats["bytes"] += 1
            rep.add(rel(msg), label, status, reason and "vs files/%s: %s" % (hit, reason))
    rep.extra = hunnysoft_notes(originals, by_sha, seen_names, seen_content, stats)
    return rep


def hunnysoft_notes(originals, by_sha, seen_names, seen_content, stats):
    """Text lines: filename/byte match counts and files/ names none of our parts has."""
    lines = ["filename matches: %d, exact byte matches: %d" % (stats["name"], stats["bytes"])]
    for names in by_sha.values():
        if len(names) > 1:
            lines.append("files/%s have identical bytes" % " and files/".join(names))
    for fn in sorted(originals):
        if fn in seen_names:
            continue
        names = sorted(seen_content.get(fn, ()))
        if names:
            lines.append("files/%s: no part has this name; its bytes are in parts named %s"
                         % (fn, ", ".join(repr(n) for n in names)))
        else:
            lines.append("files/%s: no part has this name or these bytes" % fn)
    return lines


# ---------------------------------------------------------------- (c) gmime

def queue_gmime(dc):
    """Set (c): GMime's encoding, mime-part and charset-filter expectations."""
    rep = SetReport("mime-gmime")
    data = os.path.join(CORPUS, rep.name, "data")
    enc = os.path.join(data, "encodings")
    for f, exp in (("photo.b64", "photo.jpg"), ("photo.uu", "photo.jpg"),
                   ("wikipedia.qp", "wikipedia.txt")):
        if os.path.exists(os.path.join(enc, f)):
            encoded_forms(dc, rep, os.path.join(enc, f), read(os.path.join(enc, exp)), f)
    mp = os.path.join(data, "mime-part")
    for f in ("raptors.b64.txt", "raptors.uu.txt"):
        if os.path.exists(os.path.join(mp, f)):
            entity_forms(dc, rep, os.path.join(mp, f), read(os.path.join(mp, "raptors.png")), f)
    filt = os.path.join(data, "filters")
    for f in sorted(os.listdir(filt)) if os.path.isdir(filt) else []:
        m = re.match(r"^([a-z-]+)\.([A-Za-z0-9_-]+)\.txt$", f)
        if not m or m.group(2).lower() == "utf-8":
            continue
        utf8 = os.path.join(filt, "%s.utf-8.txt" % m.group(1))
        if not os.path.exists(utf8):
            rep.add(rel(os.path.join(filt, f)), "charset %s" % m.group(2), NOT_COMPARED,
                    "no %s.utf-8.txt to compare with" % m.group(1))
            continue
        raw = read(os.path.join(filt, f))
        if not codec_agrees(raw, m.group(2), read(utf8)):
            rep.add(rel(os.path.join(filt, f)), "charset %s" % m.group(2), NOT_COMPARED,
                    "Python's %s codec does not give %s.utf-8.txt either: the file is a lossy "
                    "conversion (upstream's own test of it is disabled)" % (m.group(2), m.group(1)))
            continue
        msg = wrap_single(dc.tmp, "gmime-filter-%s" % f, "text/plain; charset=%s" % m.group(2),
                          "base64", base64.encodebytes(raw))
        dc.add(rep, rel(os.path.join(filt, f)), "charset %s -> UTF-8" % m.group(2), msg,
               expect_bytes("1", read(utf8), text=True))
    part = os.path.join(data, "partial")
    if os.path.isdir(part):
        rep.add("mime-gmime/data/partial/input/photo-discuss", "reassembly", NOT_COMPARED,
                "message/partial reassembly (out of scope)")
    if os.path.exists(os.path.join(data, "mbox", "output", "jwz.mbox")):
        rep.add("mime-gmime/data/mbox/output/jwz.mbox", "mbox", NOT_COMPARED,
                "mbox re-serialisation (out of scope: one message per file)")
    return rep


def codec_agrees(raw, charset, utf8):
    """False when Python's codec for charset also fails to turn raw into utf8 (bad expectation)."""
    try:
        return raw.decode(charset) == utf8.decode("utf-8")
    except LookupError:
        return True
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------- (d) mimekit

YEND_RE = re.compile(rb"^=yend .*?size=(\d+).*?\b(?:crc32|pcrc32)=([0-9a-fA-F]{8})", re.M)
YPART_RE = re.compile(rb"^=ypart begin=(\d+) end=(\d+)", re.M)
YNAME_RE = re.compile(rb"^=ybegin .*? name=(.*)$", re.M)


def yenc_name(data):
    """The file name of the first =ybegin line, trimmed as the yEnc spec tells decoders to."""
    m = YNAME_RE.search(data)
    return m.group(1).strip().decode("latin-1") if m else None


def yenc_check(name, expected=None, ypart=None):
    """A check on our yEnc part: its name, then bytes equal expected or size/CRC32 of =yend."""

    def check(r, extract):
        """Compare the first yEnc part we found."""
        p = next((q for q in r["parts"] if q["origin"] == "yenc"), None)
        if p is None:
            return DISAGREE, "no yEnc part found"
        got = part_bytes(extract, r, p["path"]) or b""
        if expected is not None:
            status, reason = compare_bytes(got, expected)
        else:
            size, crc = int(ypart[0]), int(ypart[1], 16)
            status, reason = AGREE, ""
            if len(got) != size or zlib.crc32(got) != crc:
                status, reason = DISAGREE, "%d bytes crc32 %08x, =yend says %d bytes crc32 " \
                    "%08x" % (len(got), zlib.crc32(got), size, crc)
        if name is not None and p["filename"] != name:
            return DISAGREE, "filename %r, =ybegin gives %r (the yEnc spec has decoders trim " \
                "spaces); bytes: %s" % (p["filename"], name, reason or status)
        return status, reason

    return check


def queue_mimekit(dc, messages):
    """Set (d): MimeKit's encoder and yEnc expectations; messages/* queued for a parse check."""
    rep = SetReport("mime-mimekit")
    top = os.path.join(CORPUS, rep.name)
    enc = os.path.join(top, "encoders")
    for f, exp in (("photo.b64", "photo.jpg"), ("photo.uu", "photo.jpg"),
                   ("photo.uu-states", "photo.jpg"), ("wikipedia.qp", "wikipedia.txt")):
        if os.path.exists(os.path.join(enc, f)):
            encoded_forms(dc, rep, os.path.join(enc, f), read(os.path.join(enc, exp)),
                          f.replace("photo.uu-states", "photo-states.uu"))
    queue_yenc(dc, rep, os.path.join(top, "yenc"))
    mdir = os.path.join(top, "messages")
    if os.path.isdir(mdir):
        messages += [(rep, os.path.join(mdir, f)) for f in sorted(os.listdir(mdir))]
    for sub, what in (("partial", "message/partial reassembly"), ("tnef", "TNEF decoding"),
                      ("mbox", "mbox offsets")):
        d = os.path.join(top, sub)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if (sub == "partial" and re.match(r"^[^.]+\.eml$", f)) or \
               (sub == "tnef" and f.endswith((".tnef", ".eml"))) or \
               (sub == "mbox" and f.endswith(".mbox.txt") and
                    os.path.exists(os.path.join(d, f.replace(".mbox.txt", "-summary.txt")))):
                rep.add(rel(os.path.join(d, f)), sub, NOT_COMPARED, what + " (out of scope)")
    return rep


def queue_yenc(dc, rep, ydir):
    """yEnc: multi-part joystick.jpg (per part and joined), single-part files by their CRC."""
    if not os.path.isdir(ydir):
        return
    joy = os.path.join(ydir, "joystick.jpg")
    joined = []
    for f in sorted(os.listdir(ydir)):
        path = os.path.join(ydir, f)
        data = read(path)
        part = YPART_RE.search(data)
        if part and os.path.exists(joy):
            lo, hi = int(part.group(1)), int(part.group(2))
            dc.add(rep, rel(path), "yEnc part %d-%d of joystick.jpg" % (lo, hi), path,
                   yenc_check(yenc_name(data), read(joy)[lo - 1:hi]))
            joined.append((lo, path))
            continue
        yend = YEND_RE.search(data)
        if yend is None:
            continue
        msg = path
        if not data.startswith(b"From:"):
            msg = wrap_single(dc.tmp, "mimekit-yenc-%s.eml" % f, "text/plain", "8bit", data)
        dc.add(rep, rel(path), "yEnc block (size and crc32 of =yend)", msg,
               yenc_check(yenc_name(data), ypart=(yend.group(1), yend.group(2).decode())))
    if len(joined) > 1:
        rep.joystick = [p for _, p in sorted(joined)]


def check_joystick(rep, tmp):
    """The yEnc parts of joystick.jpg joined in order must equal joystick.jpg."""
    parts = getattr(rep, "joystick", None)
    if not parts:
        return
    extract = os.path.join(tmp, "joystick")
    reports = scan(parts, extract)
    data = b""
    for p in parts:
        r = reports.get(p)
        yp = next((q for q in r["parts"] if q["origin"] == "yenc"), None) if r else None
        data += (part_bytes(extract, r, yp["path"]) or b"") if yp else b""
    joy = os.path.join(os.path.dirname(parts[0]), "joystick.jpg")
    status, reason = compare_bytes(data, read(joy))
    rep.add(rel(joy), "joined yEnc parts", status, reason)


def check_parses(messages):
    """mimekit messages/*: each must give one report, exit 0 and no MIME_UNPARSEABLE."""
    for rep, m in messages:
        r = scan([m]).get(m)  # one run per file, so the exit status is this file's
        if r is None:
            rep.add(rel(m), "parse", DISAGREE, "no JSON output")
        elif r["_rc"] != 0:
            rep.add(rel(m), "parse", DISAGREE, "exit status %d" % r["_rc"])
        elif any(h["symbol"] == "MIME_UNPARSEABLE" for h in r["hits"]):
            rep.add(rel(m), "parse", DISAGREE, "MIME_UNPARSEABLE")
        elif not r["parts"]:
            rep.add(rel(m), "parse", DISAGREE, "no parts")
        else:
            rep.add(rel(m), "parse (%d parts)" % len(r["parts"]), AGREE)


# ---------------------------------------------------------------- output

def summarize(reports, known):
    """Print the table, the disagreements and the @@ line; return the number of failures."""
    totals = {"passed": 0, "failed": 0, "skipped": 0}
    print("%-26s %8s %6s %10s %9s %9s %12s" % ("set", "compared", "agree", "agree-eol",
                                              "disagree", "explained", "not-compared"))
    for rep in reports:
        c = {AGREE: 0, AGREE_EOL: 0, DISAGREE: 0, NOT_COMPARED: 0, "explained": 0}
        for key, _, status, _ in rep.rows:
            if status == DISAGREE and key in known:
                c["explained"] += 1
            else:
                c[status] += 1
        compared = c[AGREE] + c[AGREE_EOL] + c[DISAGREE] + c["explained"]
        print("%-26s %8d %6d %10d %9d %9d %12d" % (rep.name, compared, c[AGREE], c[AGREE_EOL],
                                                  c[DISAGREE], c["explained"], c[NOT_COMPARED]))
        totals["passed"] += c[AGREE] + c[AGREE_EOL]
        totals["failed"] += c[DISAGREE]
        totals["skipped"] += c[NOT_COMPARED] + c["explained"]
    for rep in reports:
        print_details(rep, known)
    print("@@ upstream passed=%(passed)d failed=%(failed)d skipped=%(skipped)d" % totals)
    return totals["failed"]


def print_details(rep, known):
    """Per set: disagreements (unexplained first), agreements modulo EOL, notes."""
    rows = rep.rows
    bad = [r for r in rows if r[2] == DISAGREE and r[0] not in known]
    expl = [r for r in rows if r[2] == DISAGREE and r[0] in known]
    eol = [r for r in rows if r[2] == AGREE_EOL]
    nc = [r for r in rows if r[2] == NOT_COMPARED]
    extra = getattr(rep, "extra", [])
    if not (bad or expl or eol or nc or extra):
        return
    print("\n== %s" % rep.name)
    for title, lst in (("DISAGREE", bad), ("explained", expl), ("agree modulo line endings", eol),
                       ("not compared", nc)):
        for key, label, _, reason in lst:
            why = known.get(key, reason) if title == "explained" else reason
            print("  %s: %s%s: %s" % (title, key, " [%s]" % label if label else "", why))
    for line in extra:
        print("  note: %s" % line)


def main():
    """Run all four comparisons and print the summary."""
    os.chdir(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    if not os.path.isdir(CORPUS):
        print("skipped: ../shared/corpus not found (%s)" % CORPUS)
        print("@@ upstream passed=0 failed=0 skipped=1")
        return 0
    if not os.access(FM_BIN, os.X_OK):
        print("compare-upstream: FM_BIN=%s is not an executable (run make)" % FM_BIN,
              file=sys.stderr)
        print("@@ upstream passed=0 failed=1 skipped=0")
        return 1
    os.makedirs(OUT_DIR, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="compare-upstream.", dir=OUT_DIR)
    try:
        reports, messages = [], []
        dc = DecodeCases(tmp)
        for name, fn in (("mime-james-mime4j", lambda: compare_mime4j(tmp)),
                         ("mime-zbateson-hunnysoft", lambda: compare_hunnysoft(tmp)),
                         ("mime-gmime", lambda: queue_gmime(dc)),
                         ("mime-mimekit", lambda: queue_mimekit(dc, messages))):
            if os.path.isdir(os.path.join(CORPUS, name)):
                reports.append(fn())
            else:
                print("skipped: %s not in the corpus" % name)
        dc.run()
        check_parses(messages)
        for rep in reports:
            check_joystick(rep, tmp)
        failed = summarize(reports, load_known())
    finally:
        if not os.environ.get("FM_KEEP"):
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print("kept work files in %s" % tmp, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
