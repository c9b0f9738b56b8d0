#!/usr/bin/env python3
"""realmail.py - the real-mail bench corpus, assembled from ../shared/corpus at run time

Usage: realmail.py --out DIR [--corpus ../shared/corpus]

Writes DIR/ham, DIR/spam, DIR/phish (symbolic links named NNNNN.eml to messages of the
shared corpus, never copies) and DIR/png (one phishing mail carrying a single PNG of about
318 KB, built here, deterministic):
  ham    mime-zbateson-hunnysoft/emails/m*.txt   mails written by MUAs (Outlook, Netscape, PINE ...)
  spam   mime-rspamd/messages/*.eml              rspamd's spam-filter test mails
  phish  mime-spamscope-mailparser/mails/*,      real spam and malicious mails; phishing mails
         yara-rules-yararules/email/eml/*.eml    with .pdf.html attachments
  png    built: an HTML lure and one 1200x800 RGB PNG (gradient and noise, ~318 KB)
Prints one line per class (messages, MB). When the shared corpus is absent it prints
"absent" and exits 0 with only DIR/png written, so the bench skips the real-mail rows.
"""
import argparse
import base64
import os
import random
import struct
import sys
import zlib

SETS = {
    "ham": [("mime-zbateson-hunnysoft/emails", lambda n: n.startswith("m") and n.endswith(".txt"))],
    "spam": [("mime-rspamd/messages", lambda n: n.endswith(".eml"))],
    "phish": [("mime-spamscope-mailparser/mails", lambda n: not n.startswith(".")),
              ("yara-rules-yararules/email/eml", lambda n: n.endswith(".eml"))],
}


def png_image(width=1200, height=800, noise=0.21875, seed=7):
    """a PNG (Sub filter, zlib 9) of a gradient with sparse noise: about 318 KB"""
    rnd = random.Random(seed)
    rows = []
    for y in range(height):
        px = bytearray()
        for x in range(width):
            n = rnd.randrange(4) if rnd.random() < noise else 0
            px += bytes(((x * 255 // width + n) & 255, (y * 255 // height) & 255,
                         ((x + y) * 255 // (width + height)) & 255))
        sub = bytearray([1])
        for i in range(len(px)):
            sub.append((px[i] - (px[i - 3] if i >= 3 else 0)) & 255)
        rows.append(bytes(sub))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def png_phish():
    png = png_image()
    body = base64.encodebytes(png).decode()
    msg = f"""From: "Account Security" <security@paypa1-verify.example>
To: victim@example.net
Subject: Your account is limited - verify now
Date: Mon, 07 Dec 2026 10:00:00 +0000
Message-ID: <png-phish-1@paypa1-verify.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/html; charset=utf-8

<html><body><p>Dear customer, your account has been limited.
<a href="http://paypa1-verify.example/login">Verify your account</a> within 24 hours.</p>
<p>Your statement is attached.</p></body></html>
--b1
Content-Type: image/png; name="statement.png"
Content-Disposition: attachment; filename="statement.png"
Content-Transfer-Encoding: base64

{body}--b1--
"""
    return msg.replace("\n", "\r\n").encode(), len(png)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus", default=os.path.join(os.path.dirname(__file__), "../../../shared/corpus"))
    a = ap.parse_args()
    os.makedirs(os.path.join(a.out, "png"), exist_ok=True)
    raw, pngsize = png_phish()
    with open(os.path.join(a.out, "png", "00000.eml"), "wb") as f:
        f.write(raw)
    print(f"  png   {1:4d} messages {len(raw) / 1e6:7.2f} MB (one PNG of {pngsize} bytes)")
    corpus = os.path.realpath(a.corpus)
    if not os.path.isdir(corpus):
        print("absent")
        return 0
    for cls, sources in SETS.items():
        d = os.path.join(a.out, cls)
        os.makedirs(d, exist_ok=True)
        for old in os.listdir(d):
            os.unlink(os.path.join(d, old))
        k = size = 0
        for sub, want in sources:
            src = os.path.join(corpus, sub)
            if not os.path.isdir(src):
                continue
            for n in sorted(os.listdir(src)):
                p = os.path.join(src, n)
                if os.path.isfile(p) and want(n):
                    os.symlink(p, os.path.join(d, f"{k:05d}.eml"))
                    size += os.path.getsize(p)
                    k += 1
        print(f"  {cls:5s} {k:4d} messages {size / 1e6:7.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
