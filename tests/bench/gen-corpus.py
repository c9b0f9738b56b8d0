#!/usr/bin/env python3
"""gen-corpus.py - a deterministic (seeded) benchmark corpus of business-like mail.

Usage: gen-corpus.py [--out DIR] [--seed N] [--mixed N] [--campaign N] [--sizes LIST]

Writes, below DIR (default tests/out/bench, never committed):
  mixed/      N messages: plain and HTML newsletters with many links, replies with quoted
              text, messages with PDF/DOCX/XLSX/ZIP attachments (10 KB - 5 MB), a few macro
              documents and inert script droppers, a few EICAR zips.
  campaign/   N messages whose attachments are drawn from one small pool (the same malicious
              and clean files again and again, as in a mail campaign); only headers, envelope
              text and body wording vary, so a content cache can answer for the attachments.
  sizes/S/    messages of about S bytes (10K 100K 1M 10M ...) with one attachment each, for
              cost per message against size.
  MANIFEST    what was written (kind counts, bytes), also printed; each directory has an
              INDEX (file, kind, bytes).

Every file is built with the python3 standard library: OOXML and ZIP with zipfile (fixed
timestamps so the bytes repeat), a small hand-built PDF with a FlateDecode text stream and an
opaque image stream. Macro documents come from ../shared/corpus (benign samples of xlsxwriter
and oletools) when it is present; without it the corpus has none and MANIFEST says so. Script
droppers are inert text modelled on tests/analysers/run.py (nothing here runs).
"""
import argparse
import base64
import io
import os
import quopri
import random
import shutil
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(ROOT, "..", "shared", "corpus")
ZDATE = (2026, 1, 15, 9, 30, 0)
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")

WORDS = ("the of and to in for on with as by at from this that we our your you will be are is "
         "invoice order payment delivery meeting report quarter budget project customer account "
         "please review attached document update schedule team office contract offer price "
         "service support request team shipment warehouse supplier forecast revenue margin "
         "approval signature deadline monday tuesday friday week month agenda minutes draft "
         "final version comments regards thanks kind best training policy security travel "
         "expense claim audit compliance quality product launch campaign customer partner").split()
DOMAINS = ["example.com", "example.net", "example.org", "shop.example", "corp.example",
           "partner.example", "news.example", "cdn.example", "bank.example", "supplier.example"]
NAMES = ["Anna Berg", "Jonas Weber", "Maria Rossi", "Li Wei", "Sam Okafor", "Eva Novak",
         "Tom Becker", "Ines Costa", "Karl Huber", "Nina Petrova", "Omar Haddad", "Sara Lind"]


def words(rng, n):
    """n pseudo-random words as one string"""
    return " ".join(rng.choice(WORDS) for _ in range(n))


def paragraph(rng, lo=20, hi=80):
    """one sentence-like paragraph"""
    s = words(rng, rng.randint(lo, hi))
    return s[0].upper() + s[1:] + "."


def wrap(text, width=72):
    """wrap text at spaces into CRLF lines"""
    out, line = [], ""
    for w in text.split(" "):
        if len(line) + len(w) + 1 > width:
            out.append(line)
            line = w
        else:
            line = (line + " " + w) if line else w
    out.append(line)
    return "\r\n".join(out)


def addr(rng, domain=None):
    """a display name and address"""
    n = rng.choice(NAMES)
    d = domain or rng.choice(DOMAINS)
    return n, "%s.%s@%s" % (n.split()[0].lower(), n.split()[1].lower(), d)


def url(rng, domain=None):
    """a realistic tracking-style URL"""
    d = domain or rng.choice(DOMAINS)
    path = "/".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    return "https://%s/%s?utm_source=newsletter&utm_campaign=%s&id=%d" % (
        d, path, rng.choice(WORDS), rng.randint(1000, 999999))


def headers(rng, n, subject, extra=()):
    """a header block: Received chain, DKIM, list headers; returns CRLF text"""
    fname, faddr = addr(rng)
    tname, taddr = addr(rng)
    day = 1 + n % 28
    h = []
    for hop in range(rng.randint(2, 4)):
        h.append("Received: from mx%d.%s (mx%d.%s [192.0.2.%d])\r\n\tby mail.example.net with "
                 "ESMTPS id %08X%d\r\n\tfor <%s>; Thu, %02d Jan 2026 10:%02d:%02d +0000"
                 % (hop, rng.choice(DOMAINS), hop, rng.choice(DOMAINS), rng.randint(1, 254),
                    rng.getrandbits(32), hop, taddr, day, rng.randint(0, 59), rng.randint(0, 59)))
    dk = base64.b64encode(rng.randbytes(180)).decode()
    h.append("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=sel1;\r\n\th=from:to:"
             "subject:date:message-id; bh=%s;\r\n\tb=%s\r\n\t %s" % (
                 faddr.split("@")[1], base64.b64encode(rng.randbytes(32)).decode(), dk[:76], dk[76:]))
    h += ["From: \"%s\" <%s>" % (fname, faddr), "To: \"%s\" <%s>" % (tname, taddr),
          "Subject: %s" % subject, "Date: Thu, %02d Jan 2026 10:%02d:%02d +0000" % (
              day, rng.randint(0, 59), rng.randint(0, 59)),
          "Message-ID: <%d.%08x@%s>" % (n, rng.getrandbits(32), faddr.split("@")[1]),
          "MIME-Version: 1.0"]
    h += list(extra)
    return "\r\n".join(h) + "\r\n"


def b64(data):
    """base64 in 76-column CRLF lines"""
    return base64.encodebytes(data).decode().replace("\n", "\r\n")


def qp_text(text):
    """text/plain part (7bit: the generator only writes ASCII)"""
    return "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + text + "\r\n"


def zip_bytes(members, compress=zipfile.ZIP_DEFLATED):
    """a zip with fixed timestamps from (name, bytes) pairs"""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", compress) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, ZDATE)
            zi.compress_type = compress
            z.writestr(zi, data)
    return b.getvalue()


def pdf_bytes(rng, size):
    """a small valid PDF: one page, a FlateDecode text stream and an opaque image stream"""
    text = "BT /F1 11 Tf 50 780 Td 14 TL\n" + "".join(
        "(%s) '\n" % words(rng, 10) for _ in range(40)) + "ET\n"
    content = zlib.compress(text.encode())
    img = rng.randbytes(max(0, size - len(content) - 900))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceRGB "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n" % len(img) + img +
            b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(out.tell())
        out.write(b"%d 0 obj\n" % i + o + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for o in offs:
        out.write(b"%010d 00000 n \n" % o)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


CT = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>%s</Types>'
RELS = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="%s"/></Relationships>'


def docx_bytes(rng, size, vba=None):
    """a minimal valid DOCX (DOCM with vbaProject.bin when vba is given), padded by an image"""
    paras = "".join('<w:p><w:r><w:t>%s</w:t></w:r></w:p>' % paragraph(rng) for _ in range(60))
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.'
           'openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>' % paras)
    main = ("application/vnd.ms-word.document.macroEnabled.main+xml" if vba else
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
    over = '<Override PartName="/word/document.xml" ContentType="%s"/>' % main
    members = [("[Content_Types].xml", CT % over), ("_rels/.rels", RELS % "word/document.xml"),
               ("word/document.xml", doc)]
    if vba:
        members.append(("word/_rels/document.xml.rels", RELS.replace("officeDocument/2006/relationships/"
                        "officeDocument", "officeDocument/2006/relationships/vbaProject") % "vbaProject.bin"))
        members.append(("word/vbaProject.bin", vba))
    pad = size - len(zip_bytes(members))
    if pad > 0:
        members.append(("word/media/image1.jpeg", b"\xff\xd8\xff\xe0" + rng.randbytes(pad)))
    return zip_bytes(members)


def xlsx_bytes(rng, size):
    """a minimal valid XLSX whose sheet grows to about size bytes compressed"""
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.'
          'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
          'officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
          '</sheets></workbook>')
    wbrels = RELS.replace("officeDocument/2006/relationships/officeDocument",
                          "officeDocument/2006/relationships/worksheet") % "worksheets/sheet1.xml"
    rows, est, r = [], 0, 1
    while est < size:
        cells = "".join('<c r="%s%d"><v>%d.%02d</v></c>' % (chr(65 + c), r, rng.randint(0, 99999),
                                                             rng.randint(0, 99)) for c in range(8))
        rows.append('<row r="%d">%s</row>' % (r, cells))
        est += 60  # random digits compress to about this per row
        r += 1
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>' % "".join(rows))
    over = ('<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
    return zip_bytes([("[Content_Types].xml", CT % over), ("_rels/.rels", RELS % "xl/workbook.xml"),
                      ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", wbrels),
                      ("xl/worksheets/sheet1.xml", sheet)])


def zip_attachment(rng, size):
    """a zip of a PDF, a CSV and a text file"""
    csv = "\r\n".join("%d;%s;%d.%02d" % (i, words(rng, 3), rng.randint(1, 9999), rng.randint(0, 99))
                      for i in range(200))
    return zip_bytes([("report.pdf", pdf_bytes(rng, max(2000, size - 8000))), ("data.csv", csv),
                      ("readme.txt", wrap(paragraph(rng, 80, 160)))])


def dropper(rng, kind):
    """an inert script dropper (zip > .js / .vbs, or an .hta), modelled on tests/analysers"""
    blob = base64.b64encode(("var i = 'inert benchmark payload %d';" % rng.randint(0, 99)).encode() * 4).decode()
    if kind == "js":
        js = ("// INERT benchmark sample: models a Kovter-style dropper; never executed\r\n"
              "var sh = new ActiveXObject(\"WScript.Shell\");\r\n"
              "var k = \"HKCU\\\\Software\\\\Microsoft\\\\Windows\\\\CurrentVersion\\\\Run\\\\updater\";\r\n"
              "sh.RegWrite(k, \"mshta javascript:eval(atob('%s'))\", \"REG_SZ\");\r\n" % blob)
        return "invoice.zip", zip_bytes([("invoice.pdf.js", js)])
    if kind == "vbs":
        vbs = ("' INERT benchmark sample; never executed\r\nSet s = CreateObject(\"WScript.Shell\")\r\n"
               "s.Run \"powershell -nop -w hidden -enc %s\", 0\r\n" %
               base64.b64encode("Write-Output 'inert'".encode("utf-16-le")).decode())
        return "scan_0042.zip", zip_bytes([("scan_0042.vbs", vbs)])
    hta = ('<html><head><HTA:APPLICATION id="x"/></head><body><script language="JScript">\r\n'
           '// INERT benchmark sample\r\nvar s = new ActiveXObject("WScript.Shell");\r\n'
           's.Run("rundll32.exe javascript:\\"\\\\..\\\\mshtml,RunHTMLApplication \\";alert(1)");\r\n'
           '</script></body></html>\r\n')
    return "document.hta", hta.encode()


def macro_pool():
    """benign macro documents from the shared corpus: (filename, bytes), or [] without it"""
    picks = ["office-xlsxwriter-vba/xlsx_files/macro01.xlsm", "oletools/test-data/msodde/dde-test.docm",
             "oletools/test-data/excel4-macros/excel4_sample_macro.xlsm",
             "oletools/test-data/olevba/sample_with_vba.ppt", "oletools/test-data/oleform/oleform-PR314.docm"]
    out = []
    for p in picks:
        f = os.path.join(SHARED, p)
        if os.path.isfile(f):
            out.append((os.path.basename(f), open(f, "rb").read()))
    vba = os.path.join(SHARED, "office-xlsxwriter-vba/examples/vbaProject.bin")
    if os.path.isfile(vba):
        out.append(("vba", open(vba, "rb").read()))
    return out


MIME_OF = {".pdf": "application/pdf", ".zip": "application/zip", ".hta": "application/hta",
           ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           ".docm": "application/vnd.ms-word.document.macroEnabled.12",
           ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
           ".ppt": "application/vnd.ms-powerpoint"}


def with_attachments(rng, n, subject, text, files):
    """multipart/mixed: a text part and base64 attachments [(name, bytes)]"""
    bnd = "=_mixed_%08x" % rng.getrandbits(32)
    body = "This is a multi-part message in MIME format.\r\n\r\n--%s\r\n%s" % (bnd, qp_text(text))
    for name, data in files:
        ctype = MIME_OF.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
        body += ("--%s\r\nContent-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n%s" % (bnd, ctype, name, name, b64(data)))
    body += "--%s--\r\n" % bnd
    return headers(rng, n, subject, ["Content-Type: multipart/mixed; boundary=\"%s\"" % bnd]) + "\r\n" + body


def newsletter(rng, n):
    """multipart/alternative newsletter with many links (text and HTML)"""
    links = [url(rng) for _ in range(rng.randint(20, 120))]
    text = "\r\n\r\n".join("%s\r\n%s" % (wrap(paragraph(rng)), l) for l in links[:30])
    html = "<html><head><style>p{font-family:Arial}</style></head><body><table>" + "".join(
        '<tr><td><img src="https://cdn.example/img/%d.png" width="120"></td><td><p>%s</p>'
        '<a href="%s">%s</a></td></tr>\r\n' % (i, paragraph(rng), l, words(rng, 3))
        for i, l in enumerate(links)) + '</table><p><a href="%s">Unsubscribe</a></p></body></html>' % url(rng)
    bnd = "=_alt_%08x" % rng.getrandbits(32)
    qp = quopri.encodestring(html.encode()).decode().replace("\r\n", "\n").replace("\n", "\r\n")
    body = ("--%s\r\n%s--%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: "
            "quoted-printable\r\n\r\n%s\r\n--%s--\r\n" % (bnd, qp_text(text), bnd, qp, bnd))
    extra = ["List-Unsubscribe: <%s>" % url(rng), "List-Id: <news.%s>" % rng.choice(DOMAINS),
             "Precedence: bulk", "Content-Type: multipart/alternative; boundary=\"%s\"" % bnd]
    return headers(rng, n, "Newsletter: " + words(rng, 5), extra) + "\r\n" + body


def reply(rng, n):
    """a plain-text reply with several levels of quoted text"""
    text = wrap(paragraph(rng)) + "\r\n\r\n"
    for level in range(1, rng.randint(2, 5)):
        name, a = addr(rng)
        text += "%s On Wed, %d Jan 2026, %s <%s> wrote:\r\n" % (">" * (level - 1), level + 3, name, a)
        for p in range(rng.randint(2, 6)):
            text += "\r\n".join(">" * level + " " + l for l in wrap(paragraph(rng)).split("\r\n")) + "\r\n"
    extra = ["In-Reply-To: <%d@corp.example>" % rng.randint(1, 10 ** 6),
             "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 7bit"]
    return headers(rng, n, "Re: " + words(rng, 4), extra) + "\r\n" + text + "\r\n"


def attachment_size(rng):
    """10 KB - 5 MB, log-uniform, so most are small as in real mail"""
    return int(10_000 * (500 ** (rng.random() ** 3)))


def business_file(rng, size):
    """one clean business attachment of about size bytes"""
    kind = rng.choice(["pdf", "pdf", "docx", "xlsx", "zip"])
    name = "%s_%d.%s" % (rng.choice(["invoice", "report", "offer", "minutes", "statement"]), rng.randint(1, 9999), kind)
    if kind == "pdf":
        return name, pdf_bytes(rng, size)
    if kind == "docx":
        return name, docx_bytes(rng, size)
    if kind == "xlsx":
        return name, xlsx_bytes(rng, size)
    return name, zip_attachment(rng, size)


def bad_file(rng, macros):
    """one malicious-looking attachment: macro document, script dropper or EICAR zip"""
    choice = rng.random()
    if macros and choice < 0.4:
        name, data = rng.choice(macros)
        if name == "vba":
            return "order_%d.docm" % rng.randint(1, 999), docx_bytes(rng, 30_000, vba=data)
        return name, data
    if choice < 0.85:
        return dropper(rng, rng.choice(["js", "vbs", "hta"]))
    return "eicar.zip", zip_bytes([("eicar.com", EICAR)])


def gen_mixed(rng, out, count, macros, stats):
    """the mixed corpus"""
    for n in range(count):
        r = rng.random()
        if r < 0.25:
            kind, msg = "newsletter", newsletter(rng, n)
        elif r < 0.50:
            kind, msg = "reply", reply(rng, n)
        elif r < 0.60:
            kind = "plain"
            msg = headers(rng, n, words(rng, 5), ["Content-Type: text/plain; charset=utf-8"]) + "\r\n" + \
                "\r\n\r\n".join(wrap(paragraph(rng)) for _ in range(rng.randint(2, 8))) + "\r\n"
        elif r < 0.93:
            kind = "attachment"
            files = [business_file(rng, attachment_size(rng)) for _ in range(rng.choice([1, 1, 1, 2]))]
            msg = with_attachments(rng, n, words(rng, 4), wrap(paragraph(rng)), files)
        else:
            kind = "malicious"
            msg = with_attachments(rng, n, "Invoice " + str(rng.randint(1000, 9999)),
                                   "Please open the attached document.", [bad_file(rng, macros)])
        write(out, n, msg, kind, stats)


def gen_campaign(rng, out, count, macros, stats):
    """campaign: a fixed pool of attachments recurring across many messages"""
    pool_rng = random.Random(4242)
    pool = [("clean", business_file(pool_rng, s)) for s in (20_000, 60_000, 150_000, 300_000)]
    pool += [("malicious", dropper(pool_rng, k)) for k in ("js", "vbs", "hta")]
    pool += [("malicious", ("eicar.zip", zip_bytes([("eicar.com", EICAR)])))]
    pool += [("malicious", m) for m in macros[:2]]
    for n in range(count):
        kind, f = rng.choice(pool)
        if f[0] == "vba":
            f = ("order.docm", docx_bytes(pool_rng, 30_000, vba=f[1]))
        text = "Dear %s,\r\n\r\n%s\r\n\r\n%s" % (rng.choice(NAMES), wrap(paragraph(rng, 10, 30)), rng.choice(NAMES))
        write(out, n, with_attachments(rng, n, "Your document " + str(rng.randint(1000, 99999)), text, [f]),
              "campaign-" + kind, stats)


def gen_sizes(rng, out, sizes, per, stats):
    """messages of about each size with one PDF attachment (cost against size)"""
    for s in sizes:
        d = os.path.join(out, label(s))
        os.makedirs(d, exist_ok=True)
        for n in range(per):
            raw = int((s - 3000) * 3 / 4)  # base64 grows by 4/3
            msg = with_attachments(rng, n, "size " + label(s), wrap(paragraph(rng)),
                                   [("scan_%d.pdf" % n, pdf_bytes(rng, max(2000, raw)))])
            write(d, n, msg, "size-" + label(s), stats)


def label(s):
    """10000 -> 10K, 1000000 -> 1M"""
    for unit, v in (("M", 1_000_000), ("K", 1000)):
        if s >= v and s % v == 0:
            return "%d%s" % (s // v, unit)
    return str(s)


def parse_size(t):
    """10K / 1M / 123 -> int"""
    t = t.strip().upper()
    mult = {"K": 1000, "M": 1_000_000}.get(t[-1:], 1)
    return int(t[:-1] if mult > 1 else t) * mult


def write(d, n, msg, kind, stats):
    """write one message and count it"""
    data = msg.encode() if isinstance(msg, str) else msg
    with open(os.path.join(d, "%05d.eml" % n), "wb") as f:
        f.write(data)
    with open(os.path.join(d, "INDEX"), "a") as f:
        f.write("%05d.eml %s %d\n" % (n, kind, len(data)))
    c = stats.setdefault(kind, [0, 0])
    c[0] += 1
    c[1] += len(data)


def main():
    """parse arguments, build the three corpora, write MANIFEST"""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "tests", "out", "bench"))
    ap.add_argument("--seed", type=int, default=20260115)
    ap.add_argument("--mixed", type=int, default=300)
    ap.add_argument("--campaign", type=int, default=2000)
    ap.add_argument("--sizes", default="10K,100K,1M,10M")
    ap.add_argument("--per-size", type=int, default=4)
    a = ap.parse_args()
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    macros = macro_pool()
    manifest = ["seed %d" % a.seed, "macro documents from ../shared/corpus: %d" % len(macros)
                + ("" if macros else " (shared corpus absent: no macro documents)")]
    for name, fn in (("mixed", lambda r, d, s: gen_mixed(r, d, a.mixed, macros, s)),
                     ("campaign", lambda r, d, s: gen_campaign(r, d, a.campaign, macros, s)),
                     ("sizes", lambda r, d, s: gen_sizes(r, d, [parse_size(x) for x in a.sizes.split(",")],
                                                          a.per_size, s))):
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        stats = {}
        fn(random.Random("%d-%s" % (a.seed, name)), d, stats)
        total = sum(c[0] for c in stats.values()), sum(c[1] for c in stats.values())
        manifest.append("%s: %d messages, %.1f MB" % (name, total[0], total[1] / 1e6))
        for k in sorted(stats):
            manifest.append("  %-22s %6d messages %9.1f KB mean" % (k, stats[k][0], stats[k][1] / 1e3 / stats[k][0]))
    text = "\n".join(manifest) + "\n"
    open(os.path.join(a.out, "MANIFEST"), "w").write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
