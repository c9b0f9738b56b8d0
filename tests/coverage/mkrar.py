#!/usr/bin/env python3
"""mkrar.py - a minimal RAR 5 writer for tests: stored (uncompressed) members only.

rar5([(name, data), ...], encrypted=set()) -> bytes. Layout (RAR 5.0 technote): the
8-byte signature, a main archive header, one file header per member followed by its data,
an end-of-archive header. Each header is u32 CRC32 (of what follows it up to the header's
end), vint size, vint type, vint flags, ... . A member named in `encrypted` gets a file
encryption extra record (type 0x01) and random bytes as its data, as an encrypted member
would: the name stays readable, the content does not. Debian has no `rar`, and its 7-Zip
has no RAR codec, so test RAR files are written here.
"""
import os, struct, zlib

SIG = b"Rar!\x1a\x07\x01\x00"


def vint(n):
    """RAR 5 variable-length integer"""
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def block(body):
    """a header: CRC32 + vint size + body"""
    size = vint(len(body))
    return struct.pack("<I", zlib.crc32(size + body) & 0xFFFFFFFF) + size + body


def file_header(name, data, encrypted):
    extra = b""
    if encrypted:  # file encryption record: version 0, flags 0, kdf 15, salt, iv
        rec = vint(1) + vint(0) + vint(0) + bytes([15]) + os.urandom(16) + os.urandom(16)
        extra = vint(len(rec)) + rec
    fields = (vint(0x0004) + vint(len(data)) + vint(0x20) +  # file flags: CRC32; size; attrs
              struct.pack("<I", zlib.crc32(data) & 0xFFFFFFFF) +
              vint(0) + vint(0) + vint(len(name)) + name)  # stored, Windows, name
    hflags = 0x0002 | (0x0001 if extra else 0)  # data area (+ extra area)
    body = vint(2) + vint(hflags) + (vint(len(extra)) if extra else b"") + vint(len(data)) + \
        fields + extra
    return block(body) + data


def rar5(members, encrypted=()):
    """a RAR 5 archive of (name, data) stored members"""
    out = bytearray(SIG)
    out += block(vint(1) + vint(0) + vint(0))  # main header: no flags
    for name, data in members:
        name = name.encode() if isinstance(name, str) else name
        enc = name in {e.encode() if isinstance(e, str) else e for e in encrypted}
        out += file_header(name, os.urandom(len(data)) if enc else data, enc)
    out += block(vint(5) + vint(0) + vint(0))  # end of archive
    return bytes(out)


if __name__ == "__main__":
    import sys
    with open(sys.argv[1], "wb") as f:
        f.write(rar5([(os.path.basename(p), open(p, "rb").read()) for p in sys.argv[2:]]))
