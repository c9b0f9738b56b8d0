#!/usr/bin/env python3
"""screnc.py - Windows Script Encoder (screnc.exe) for test samples: JScript -> .jse

    screnc.py IN.js OUT.jse        encode a whole file as one #@~^ ... ^#~@ block
    screnc.py --selftest           check against the public reference block

The algorithm (documented by the decoders published since 2001: scrdec, Didier
Stevens' decode-vbe.py, CyberChef's "Microsoft Script Decoder"): a block is "#@~^",
the base64 of the encoded length (32-bit little endian, 6 characters + "=="), the
encoded text, the base64 of the checksum (sum of the plain bytes), "^#~@". LF, CR, '<',
'>' and '@' are written as "@&", "@#", "@!", "@*", "@$"; every other TAB or printable
ASCII character is substituted through one of three tables, chosen by PICK[k % 64]
where k counts the ASCII characters encoded so far (escapes count as one); bytes from
0x80 pass unchanged and do not advance k. Test-only tool: the milter decodes these
blocks in heur/deobf_vbe.c; this file is written independently of it, in the encoding
direction.
"""
import base64
import struct
import sys

PICK = "0120121221210212021200122102122100212120200120210212001220012021"
PLAIN = "\t" + "".join(chr(c) for c in range(0x20, 0x80) if chr(c) not in "<>@")
# ENC[t][i] is the encoded character of PLAIN[i] in table t
ENC = (
    "7~ZE:yY'vcbMQSR &Tq+f*X\x7f{01lIx_)$/93o!u(BFJ\\H6K}]jPi#\tpet,wD?m|C8^[nWL4r%VshUG25.dO;-Aaz\"`kN=g",
    "i,er[fuLEv*C3B cJZ8y2Wl+FRO=p{Qz~;GAwV_&xndtg}h5\"U:`jqoI\\]'Y%|#m(19\x7f6T4bN0^s\tKa$MkD!7SXH.P-)?/",
    "dP\"Ja^][B`#e_~ORz!F &c*vG%,)i'gbAZf2sMCq9|SH1rnpI?Kj.\x7f(5}$-T7{=l4mN+0otkL3V:xWw;D/YE\\h6Xy\tu8UQ",
)
ESC = {"\n": "@&", "\r": "@#", "<": "@!", ">": "@*", "@": "@$"}
# The block for `MsgBox "Hello"` published with CyberChef's decoder tests
# (gchq/CyberChef tests/operations/tests/MS.mjs; it holds a raw DEL byte after "JC").
REFERENCE = ('MsgBox "Hello"', "#@~^DgAAAA==\\ko$K6,JC\x7fV^GJqAQAAA==^#~@")


def b64le(n):
    return base64.b64encode(struct.pack("<I", n & 0xFFFFFFFF)).decode()[:6] + "=="


def encode_text(text):
    out, k = [], 0
    for ch in text:
        if ch in ESC:
            out.append(ESC[ch])
            k += 1
        elif ord(ch) >= 0x80:
            out.append(ch)
        else:
            i = PLAIN.find(ch)
            out.append(ENC[int(PICK[k % 64])][i] if i >= 0 else ch)
            k += 1
    return "".join(out)


def encode(text):
    body = encode_text(text)
    total = sum(ord(c) for c in text)
    return "#@~^" + b64le(len(body)) + body + b64le(total) + "^#~@"


def main():
    if sys.argv[1:] == ["--selftest"]:
        got = encode(REFERENCE[0])
        if got != REFERENCE[1]:
            sys.exit("screnc: %r encodes to %r, reference %r" % (REFERENCE[0], got, REFERENCE[1]))
        print("screnc: reference ok")
        return
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="latin-1") as f:
        text = f.read()
    with open(sys.argv[2], "w", encoding="latin-1", newline="") as f:
        f.write(encode(text))


if __name__ == "__main__":
    main()
