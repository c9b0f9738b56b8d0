#!/usr/bin/env python3
"""mkmail.py DIR - the test messages of the urlrep suite (generated, nothing copied)."""
import base64
import os
import sys
import zlib

d = sys.argv[1]


def mail(name, body, ctype="text/html", frm="alice@sender.example", extra=""):
    with open(os.path.join(d, name), "w") as f:
        f.write(f"From: {frm}\nTo: bob@rcpt.example\nSubject: {name}\nMessage-ID: <{name}@t>\n"
                f"MIME-Version: 1.0\nContent-Type: {ctype}\n\n{body}\n{extra}")


def attach(name, html, fname, ctype, data, frm="alice@sender.example"):
    b64 = base64.encodebytes(data).decode()
    body = (f"--B\nContent-Type: text/html\n\n{html}\n--B\nContent-Type: {ctype}; name={fname}\n"
            f"Content-Disposition: attachment; filename={fname}\nContent-Transfer-Encoding: base64\n\n"
            f"{b64}\n--B--\n")
    mail(name, body, 'multipart/mixed; boundary="B"', frm)


mail("direct.eml", '<p>Hi</p><a href="http://www.evil-phish.example/login">your account</a>')
mail("redirect.eml",
     '<a href="https://www.google.com/url?q=https%3A%2F%2Fwww.bad.example%2Fx%3Fa%3D1&amp;sa=D">a</a>'
     '<a href="https://click.example.net/r?target=https%253A%252F%252Fevil-phish.example%252Fp">b</a>')
mail("urldefense.eml",
     '<a href="https://urldefense.proofpoint.com/v2/url?u=https-3A__spam.example_path&amp;d=x">c</a>')
mail("ip.eml", "<a href='http://127.0.0.2/x'>ip</a>")
mail("errcode.eml", "<a href='http://blocked.example/'>blocked</a>")
mail("allowed.eml", "<a href='http://www.allowed.example/'>fine</a> <a href='http://clean.example/'>c</a>")
mail("wrapped.eml",
     '<a href="https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.partner.example%2F&amp;data=1">www.partner.example</a> '
     '<a href="https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.thief.example%2F&amp;data=2">www.bank.example</a>')
mail("clean.eml", "<a href='http://clean.example/'>clean</a>")

# a PDF with one link annotation in plain text and one inside a FlateDecode object stream
objstm = b"12 0 << /Type /Annot /Subtype /Link /A << /S /URI /URI (http://pdfz-bad.example/z) >> >>"
z = zlib.compress(objstm)
pdf = (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"3 0 obj\n<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /URI /URI (http://pdf-bad.example/doc\\051) >> >>\nendobj\n"
       b"4 0 obj\n<< /Type /ObjStm /N 1 /First 5 /Filter /FlateDecode /Length " + str(len(z)).encode()
       + b" >>\nstream\n" + z + b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
attach("pdf.eml", "<p>invoice attached</p>", "invoice.pdf", "application/pdf", pdf)

svg = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
       b'xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">\n'
       b'<a xlink:href="//svgref-bad.example/a"><rect width="10" height="10"/></a>\n'
       b'<script type="text/javascript"><![CDATA[ window.location.href = "https://svg-bad.example/x"; ]]></script>\n'
       b'</svg>\n')
attach("svg.eml", "<p>image attached</p>", "img.svg", "image/svg+xml", svg)

for i in range(1, 5):  # the same new URL from four senders (prevalence)
    mail(f"campaign{i}.eml", "<a href='https://campaign-new.example/offer?id=7'>offer</a>",
         frm=f"sender{i}@campaign{i}.example")
