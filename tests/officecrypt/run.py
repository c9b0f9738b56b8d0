#!/usr/bin/env python3
"""officecrypt/run.py - encrypted Office files and CHM help files end to end through
`fileless-milter -t --json` (scan/officecrypt.c, scan/chm.c).

Built here at test time (nothing binary is committed): a BIFF8 workbook whose macro sheet
holds an XLM `=EXEC(...)` FORMULA record (tokens, as Excel writes it) and a built-in Auto_Open name, encrypted with RC4
(MS-OFFCRYPTO 2.3.6, the same scheme Excel and LibreOffice write for .xls) under the default
password VelvetSweatshop or under a password stated in the message, inside a minimal OLE2
compound file. The XLM findings can only come from the decrypted copy: in the encrypted
file the formula bytes are RC4 ciphertext. Corpus cases (skipped when ../shared/corpus is
absent): oletools' VelvetSweatshop .xlsm with an Auto_Open VBA macro (ECMA-376 Agile),
msoffcrypto-tool's password .docx/.doc with the password in the body.
PowerPoint RC4 CryptoAPI (MS-PPT 2.3.7): msoffcrypto-tool's and POI's encrypted .ppt opened
with the password in the body, and msoffcrypto's file re-keyed here (ppt_rekey) under
VelvetSweatshop opened without one.
Agile files asking 1M and 10M hash rounds (a real file with its spinCount rewritten) stay
within 2 s of CPU and say LIMIT_DECRYPT_ROUNDS.
Prints per-check lines and "@@ officecrypt passed=N failed=M skipped=K".
"""
import hashlib, importlib.util, os, resource, shutil, struct, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("engines", os.path.join(HERE, "..", "engines", "run.py"))
E = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(E)  # chdir to the repo root; ok/bad/skip/check/scan/attach/hits
CORPUS = E.CORPUS

# ---------------------------------------------------------------- BIFF8 + RC4 + OLE2


def rec(rtype, data):
    return struct.pack("<HH", rtype, len(data)) + data


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 255
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for c in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(c ^ s[(s[i] + s[j]) & 255])
    return bytes(out)


def rc4_keys(password, salt):
    """MS-OFFCRYPTO 2.3.6.2: the 5-byte intermediate; key of block b = MD5(h1 || LE32(b))"""
    h0 = hashlib.md5(password.encode("utf-16-le")).digest()[:5]
    h1 = hashlib.md5((h0 + salt) * 16).digest()[:5]
    return lambda b: hashlib.md5(h1 + struct.pack("<I", b)).digest()


def workbook(filepass):
    """globals (BOF, FILEPASS, BOUNDSHEET of a hidden macro sheet, built-in NAME Auto_Open,
    EOF), then the macro sheet as Excel stores it: FORMULA records (MS-XLS 2.4.127) whose
    tokens are =EXEC("cmd.exe /c calc.exe") and =HALT(), and filler so that the stream is
    over 4096 bytes (no mini stream in the compound file)"""
    bof = lambda dt: rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x1FAA, 0x07CD, 0, 0x0206))
    name = rec(0x0018, struct.pack("<HBBHHHI", 0x0020, 0, 1, 0, 0, 0, 0) + b"\x00\x01")
    cmd = b"cmd.exe /c calc.exe"
    exec_ = bytes([0x17, len(cmd), 0]) + cmd + bytes([0x42, 1, 0x6E, 0x00])  # ptgStr, EXEC
    halt = bytes([0x42, 0, 0x36, 0x00])  # ptgFuncVar HALT, no argument
    fmla = lambda row, rgce: rec(0x0006, struct.pack("<HHH", row, 0, 15) + b"\x00" * 8 +
                                 struct.pack("<HIH", 0, 0, len(rgce)) + rgce)
    sheet = bof(0x0040) + fmla(0, exec_) + fmla(1, halt) + \
        rec(0x1066, b"\x00" * 4200) + rec(0x000A, b"")
    bs = lambda pos: rec(0x0085, struct.pack("<IBBBB", pos, 1, 1, 6, 0) + b"Macro1")  # hidden macro sheet
    head = bof(5) + rec(0x002F, filepass)
    tail = name + rec(0x000A, b"")
    g = head + bs(len(head) + len(bs(0)) + len(tail)) + tail  # lbPlyPos: the sheet's BOF
    return g + sheet


def encrypt_xls(password):
    """the Workbook stream encrypted with RC4 v1.1 under password (MS-XLS 2.2.10)"""
    salt, verifier = os.urandom(16), os.urandom(16)
    key = rc4_keys(password, salt)
    enc_v = rc4(key(0), verifier + hashlib.md5(verifier).digest())
    filepass = struct.pack("<HHH", 1, 1, 1) + salt + enc_v
    plain = workbook(filepass)
    stream = bytearray()
    for off in range(0, len(plain), 1024):
        stream += rc4(key(off // 1024), plain[off:off + 1024])
    off = 0  # put back what stays plain: headers, BOF, FILEPASS, BOUNDSHEET.lbPlyPos
    while off + 4 <= len(plain):
        rtype, n = struct.unpack_from("<HH", plain, off)
        stream[off:off + 4] = plain[off:off + 4]
        if rtype in (0x0809, 0x002F):
            stream[off + 4:off + 4 + n] = plain[off + 4:off + 4 + n]
        elif rtype == 0x0085:
            stream[off + 4:off + 8] = plain[off + 4:off + 8]
        off += 4 + n
    return bytes(stream), plain


def ole2(streams):
    """a version 3 compound file: header, one FAT sector, one directory sector, the
    streams (each at least 4096 bytes, so none lives in the mini stream)"""
    ss, end, free, fatsect = 512, 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat, body, entries = [fatsect, end], b"", []
    nxt = 2
    for name, data in streams:
        assert len(data) >= 4096
        n = (len(data) + ss - 1) // ss
        fat += [nxt + i + 1 for i in range(n - 1)] + [end]
        entries.append((name, nxt, len(data)))
        body += data + b"\x00" * (n * ss - len(data))
        nxt += n
    assert len(fat) <= ss // 4
    fat += [free] * (ss // 4 - len(fat))

    def entry(name, etype, child, left, right, start, size):
        u = (name + "\x00").encode("utf-16-le")
        return (u + b"\x00" * (64 - len(u)) + struct.pack("<HBB", len(u), etype, 1) +
                struct.pack("<III", left, right, child) + b"\x00" * 36 + struct.pack("<IQ", start, size))
    d = entry("Root Entry", 5, 1, free, free, end, 0)
    for i, (name, start, size) in enumerate(entries):  # a right-leaning chain of siblings
        d += entry(name, 2, free, free, i + 2 if i + 1 < len(entries) else free, start, size)
    d += b"".join(entry("", 0, free, free, free, 0, 0) for _ in range(4 - 1 - len(entries)))
    hdr = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 +
           struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6 +
           struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0) +
           struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(hdr) == 512
    return hdr + struct.pack("<%dI" % len(fat), *fat) + d + body


# ---------------------------------------------------------------- checks


def at(rep, symbol, location):
    return [h for h in E.hits(rep, symbol) if h["symbol"] == symbol and h["location"] == location]


def under(rep, symbol, location):
    """symbol at location or in a layer below it"""
    return [h for h in (rep or {}).get("hits", []) if h["symbol"] == symbol
            and (h["location"] == location or h["location"].startswith(location + ">"))]


def xlm_under(rep, location):
    """an Excel 4 macro finding at location or in a layer below it"""
    return [h for h in (rep or {}).get("hits", []) if h["symbol"] in ("XLM_EXEC", "XLM_AUTO_OPEN")
            and (h["location"] == location or h["location"].startswith(location + ">"))]


def test_velvet_xls(conf, tmp):
    """VelvetSweatshop RC4 .xls: decrypted, the XLM formula found only in the decrypted copy"""
    stream, plain = encrypt_xls("VelvetSweatshop")
    assert b"cmd.exe /c calc.exe" in plain and b"cmd.exe /c calc.exe" not in stream
    rep = E.scan(conf, tmp, E.attach("invoice.xls", ole2([("Workbook", stream)])))
    loc = "2/invoice.xls"
    E.check("velvet xls: DOC_DEFAULT_PASSWORD at the file", at(rep, "DOC_DEFAULT_PASSWORD", loc), rep and rep["hits"])
    E.check("velvet xls: XLM macro found in >decrypted", xlm_under(rep, loc + ">decrypted"), rep and rep["hits"])
    E.check("velvet xls: libclamav sees the macro sheet (DOC_MACROS_XLM) at >decrypted",
            at(rep, "DOC_MACROS_XLM", loc + ">decrypted"))
    E.check("velvet xls: XLM_EXEC from the EXEC formula tokens at >decrypted",
            under(rep, "XLM_EXEC", loc + ">decrypted"), rep and rep["hits"])
    E.check("velvet xls: XLM_AUTO_OPEN_EXEC at >decrypted",
            under(rep, "XLM_AUTO_OPEN_EXEC", loc + ">decrypted"))
    E.check("velvet xls: no XLM_EXEC on the ciphertext", not at(rep, "XLM_EXEC", loc))
    E.check("velvet xls: no DOC_ENCRYPTED once opened", not E.hits(rep, "DOC_ENCRYPTED"))
    E.check("velvet xls: the decrypted layer is listed",
            any(l.get("location") == loc + ">decrypted" for l in (rep or {}).get("layers", [])),
            [l.get("location") for l in (rep or {}).get("layers", [])])


def test_stated_xls(conf, tmp):
    """a password stated in the body opens the .xls; without it the file stays DOC_ENCRYPTED"""
    stream, _ = encrypt_xls("Sommer2026!")
    data = ole2([("Workbook", stream)])
    loc = "2/rechnung.xls"
    rep = E.scan(conf, tmp, E.attach("rechnung.xls", data, body="Das Passwort: Sommer2026!\r\n"))
    E.check("stated xls: DOC_PASSWORD_FROM_BODY", at(rep, "DOC_PASSWORD_FROM_BODY", loc), rep and rep["hits"])
    E.check("stated xls: XLM macro found in >decrypted", xlm_under(rep, loc + ">decrypted"))
    E.check("stated xls: XLM_EXEC at >decrypted", under(rep, "XLM_EXEC", loc + ">decrypted"),
            rep and rep["hits"])
    rep = E.scan(conf, tmp, E.attach("rechnung.xls", data, body="Anbei die Rechnung.\r\n"))
    enc = at(rep, "DOC_ENCRYPTED", loc)
    E.check("no password: DOC_ENCRYPTED with the reason",
            enc and "no candidate password matches" in enc[0]["detail"], rep and rep["hits"])
    E.check("no password: no XLM finding", not E.hits(rep, "XLM_"))


def test_corpus(conf, tmp):
    """real files: Agile .xlsm with VBA Auto_Open (VelvetSweatshop), stated-password docx/doc"""
    xlsm = os.path.join(CORPUS, "oletools/test-data/encrypted/autostart-encrypt-standardpassword.xlsm")
    if not os.path.exists(xlsm):
        return E.skip("officecrypt corpus", "corpus not found")
    rep = E.scan(conf, tmp, E.attach("a.xlsm", open(xlsm, "rb").read()))
    E.check("velvet xlsm: DOC_DEFAULT_PASSWORD", at(rep, "DOC_DEFAULT_PASSWORD", "2/a.xlsm"))
    E.check("velvet xlsm: VBA_AUTOEXEC in the decrypted package",
            at(rep, "VBA_AUTOEXEC", "2/a.xlsm>decrypted>vbaProject.bin"), rep and rep["hits"])
    mods = [v["name"] for v in (rep or {}).get("vba", [])]
    E.check("velvet xlsm: VBA modules listed", "Modul1" in mods, mods)
    for name in ("example_password.docx", "rc4cryptoapi_password.doc", "ecma376standard_password.docx"):
        f = os.path.join(CORPUS, "office-msoffcrypto-tool/inputs", name)
        rep = E.scan(conf, tmp, E.attach(name, open(f, "rb").read(), body="password: Password1234_\r\n"))
        E.check("stated %s: DOC_PASSWORD_FROM_BODY" % name, at(rep, "DOC_PASSWORD_FROM_BODY", "2/" + name),
                rep and rep["hits"])


def test_spin_budget(conf, tmp):
    """an Agile file asking for more hash rounds than office_decrypt_max_rounds: bounded CPU,
    LIMIT_DECRYPT_ROUNDS and DOC_ENCRYPTED (the spinCount is rewritten in a real file)"""
    f = os.path.join(CORPUS, "office-msoffcrypto-tool/inputs/example_password.xlsx")
    if not os.path.exists(f):
        return E.skip("spin budget", "corpus not found")
    d = open(f, "rb").read()
    assert d.count(b'spinCount="100000" ') == 1
    for spins, tag in ((b'spinCount="9999999"', "10M rounds"), (b'spinCount="999999" ', "1M rounds")):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        rep = E.scan(conf, tmp, E.attach("spin.xlsx", d.replace(b'spinCount="100000" ', spins),
                                         body="password: Password1234_\r\n"))
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
        print("     %s: %.2f s CPU" % (tag, cpu))
        E.check("spin %s: LIMIT_DECRYPT_ROUNDS" % tag, at(rep, "LIMIT_DECRYPT_ROUNDS", "2/spin.xlsx"),
                rep and rep["hits"])
        E.check("spin %s: DOC_ENCRYPTED (not opened)" % tag, at(rep, "DOC_ENCRYPTED", "2/spin.xlsx"))
        limit = 8.0 if "/san-" in E.BIN else 2.0  # sanitizer builds run our loop ~5x slower
        E.check("spin %s: within %.0f s CPU" % (tag, limit), cpu < limit, "%.2f s" % cpu)


# ---------------------------------------------------------------- BIFF8 XOR obfuscation
XOR_PAD = [0xBB, 0xFF, 0xFF, 0xBA, 0xFF, 0xFF, 0xB9, 0x80, 0x00, 0xBE, 0x0F, 0x00, 0xBF, 0x0F, 0x00]
XOR_INITIAL = [0xE1F0, 0x1D0F, 0xCC9C, 0x84C0, 0x110C, 0x0E10, 0xF1CE, 0x313E, 0x1872, 0xE139,
               0xD40F, 0x84F9, 0x280C, 0xA96A, 0x4EC3]
XOR_MATRIX = [  # MS-OFFCRYPTO 2.3.7.2, 15 rows of 7
    0xAEFC, 0x4DD9, 0x9BB2, 0x2745, 0x4E8A, 0x9D14, 0x2A09, 0x7B61, 0xF6C2, 0xFDA5, 0xEB6B, 0xC6F7,
    0x9DCF, 0x2BBF, 0x4563, 0x8AC6, 0x05AD, 0x0B5A, 0x16B4, 0x2D68, 0x5AD0, 0x0375, 0x06EA, 0x0DD4,
    0x1BA8, 0x3750, 0x6EA0, 0xDD40, 0xD849, 0xA0B3, 0x5147, 0xA28E, 0x553D, 0xAA7A, 0x44D5, 0x6F45,
    0xDE8A, 0xAD35, 0x4A4B, 0x9496, 0x390D, 0x721A, 0xEB23, 0xC667, 0x9CEF, 0x29FF, 0x53FE, 0xA7FC,
    0x5FD9, 0x47D3, 0x8FA6, 0x0F6D, 0x1EDA, 0x3DB4, 0x7B68, 0xF6D0, 0xB861, 0x60E3, 0xC1C6, 0x93AD,
    0x377B, 0x6EF6, 0xDDEC, 0x45A0, 0x8B40, 0x06A1, 0x0D42, 0x1A84, 0x3508, 0x6A10, 0xAA51, 0x4483,
    0x8906, 0x022D, 0x045A, 0x08B4, 0x1168, 0x76B4, 0xED68, 0xCAF1, 0x85C3, 0x1BA7, 0x374E, 0x6E9C,
    0x3730, 0x6E60, 0xDCC0, 0xA9A1, 0x4363, 0x86C6, 0x1DAD, 0x3331, 0x6662, 0xCCC4, 0x89A9, 0x0373,
    0x06E6, 0x0DCC, 0x1021, 0x2042, 0x4084, 0x8108, 0x1231, 0x2462, 0x48C4]


def xor_obfuscate_xls(password):
    """the Workbook stream obfuscated with XOR method 1 (MS-OFFCRYPTO 2.3.7.1-2.3.7.3): key
    and verifier in FILEPASS type 0, byte p of a record of n data bytes = rol5(plain) ^
    array[(p + n) % 16]"""
    pw = password.encode("latin-1")
    v = 0
    for b in reversed([len(pw)] + list(pw)):
        v = ((1 if v & 0x4000 else 0) | ((v << 1) & 0x7FFF)) ^ b
    verifier = v ^ 0xCE4B
    key, e = XOR_INITIAL[len(pw) - 1], 0x68
    for c in reversed(pw):
        for _ in range(7):
            key ^= XOR_MATRIX[e] if c & 0x40 else 0
            c, e = (c << 1) & 0xFF, e - 1
    ror1 = lambda a, b: (((a ^ b) >> 1) | ((a ^ b) << 7)) & 0xFF
    hi, lo = key >> 8, key & 0xFF
    arr = [ror1(pw[i], lo if i % 2 == 0 else hi) if i < len(pw) else
           ror1(XOR_PAD[i - len(pw)], lo if i % 2 == 0 else hi) for i in range(16)]
    plain = workbook(struct.pack("<HHH", 0, key, verifier))
    stream, off = bytearray(plain), 0
    while off + 4 <= len(plain):
        rtype, n = struct.unpack_from("<HH", plain, off)
        if rtype not in (0x0809, 0x002F):
            for p in range(off + 4 + (4 if rtype == 0x0085 else 0), off + 4 + n):
                x = plain[p]
                stream[p] = (((x << 5) | (x >> 3)) & 0xFF) ^ arr[(p + n) % 16]
        off += 4 + n
    return bytes(stream), plain


def test_xor_xls(conf, tmp):
    """XOR-obfuscated .xls: VelvetSweatshop (made here) and stated passwords (POI, msoffcrypto)"""
    stream, plain = xor_obfuscate_xls("VelvetSweatshop")
    assert stream != plain and b"calc.exe" in plain and b"calc.exe" not in stream
    loc = "2/xor.xls"
    rep = E.scan(conf, tmp, E.attach("xor.xls", ole2([("Workbook", stream)])))
    E.check("velvet xor xls: DOC_DEFAULT_PASSWORD", at(rep, "DOC_DEFAULT_PASSWORD", loc), rep and rep["hits"])
    E.check("velvet xor xls: XLM macro found in >decrypted", xlm_under(rep, loc + ">decrypted"),
            rep and rep["hits"])
    stream, _ = xor_obfuscate_xls("Geheim-42")
    rep = E.scan(conf, tmp, E.attach("xor.xls", ole2([("Workbook", stream)]), body="Passwort: Geheim-42\r\n"))
    E.check("stated xor xls: DOC_PASSWORD_FROM_BODY and the XLM macro",
            at(rep, "DOC_PASSWORD_FROM_BODY", loc) and xlm_under(rep, loc + ">decrypted"), rep and rep["hits"])
    rep = E.scan(conf, tmp, E.attach("xor.xls", ole2([("Workbook", stream)]), body="no password\r\n"))
    enc = at(rep, "DOC_ENCRYPTED", loc)
    E.check("xor xls without its password: DOC_ENCRYPTED, XOR named, no XLM",
            enc and "XOR" in enc[0]["detail"] and not E.hits(rep, "XLM_"), rep and rep["hits"])
    for rel, pw in (("office-apache-poi/spreadsheet/xor-encryption-abc.xls", "abc"),
                    ("office-msoffcrypto-tool/inputs/xor_password_123456789012345.xls", "123456789012345")):
        f = os.path.join(CORPUS, rel)
        if not os.path.exists(f):
            E.skip("xor corpus %s" % rel, "corpus not found")
            continue
        rep = E.scan(conf, tmp, E.attach("x.xls", open(f, "rb").read(), body="password: %s\r\n" % pw))
        E.check("stated xor %s: DOC_PASSWORD_FROM_BODY" % os.path.basename(rel),
                at(rep, "DOC_PASSWORD_FROM_BODY", "2/x.xls"), rep and rep["hits"])


# ---------------------------------------------------------------- PowerPoint RC4 CryptoAPI


def ppt_rekey(cu, doc, old_pw, new_pw):
    """the PowerPoint Document stream of an RC4 CryptoAPI .ppt re-encrypted under new_pw
    (MS-PPT 2.3.7): every persist object decrypted with the old key of block = its persist
    id and encrypted with the new one, and the verifier re-encrypted (block 0)"""
    u32 = lambda b, o: struct.unpack_from("<I", b, o)[0]
    rtype = lambda o: struct.unpack_from("<H", doc, o + 2)[0]
    objs, edit, session = [], u32(cu, 16), None
    for _ in range(64):
        assert rtype(edit) == 0x0FF5
        session = u32(doc, edit + 36) if session is None else session
        pdir = u32(doc, edit + 20)
        assert rtype(pdir) == 0x1772
        p, end = pdir + 8, pdir + 8 + u32(doc, pdir + 4)
        while p < end:
            x = u32(doc, p)
            for i in range(x >> 20):
                objs.append(((x & 0xFFFFF) + i, u32(doc, p + 4 + 4 * i)))
            p += 4 + 4 * (x >> 20)
        if u32(doc, edit + 16) == 0:
            break
        edit = u32(doc, edit + 16)
    where = dict(reversed(objs))  # the newest edit's offset wins
    body = where[session] + 8
    hdr = body + 12
    kl = u32(doc, hdr + 16) // 8 or 5
    v = hdr + u32(doc, body + 8)
    salt = doc[v + 4:v + 20]

    def keys(pw):  # a 40-bit key is used as 16 bytes, zero-padded
        h0 = hashlib.sha1(salt + pw.encode("utf-16-le")).digest()
        pad = b"\x00" * 11 if kl == 5 else b""
        return lambda b: hashlib.sha1(h0 + struct.pack("<I", b)).digest()[:kl] + pad
    old, new = keys(old_pw), keys(new_pw)
    out = bytearray(doc)
    for pid, o in set(objs):
        if o == where[session] or rtype(o) in (0x0FF5, 0x1772):
            continue
        n = min(8 + u32(rc4(old(pid), doc[o:o + 8]), 4), len(doc) - o)
        out[o:o + n] = rc4(new(pid), rc4(old(pid), doc[o:o + n]))
    vv = rc4(new(0), rc4(old(0), doc[v + 20:v + 36] + doc[v + 40:v + 60]))
    out[v + 20:v + 36], out[v + 40:v + 60] = vv[:16], vv[16:]
    return bytes(out)


def ole_streams(path, names):
    """the named root streams of a compound file (MS-CFB; header DIFAT only, which holds
    every FAT sector of a file under 7 MB): a few lines instead of a python3-olefile
    dependency"""
    d = open(path, "rb").read()
    u32 = lambda o: struct.unpack_from("<I", d, o)[0]
    ss = 1 << struct.unpack_from("<H", d, 30)[0]
    sec = lambda n: d[512 + n * ss:512 + (n + 1) * ss]
    fat = []
    for i in range(min(u32(44), 109)):
        fat += struct.unpack("<%dI" % (ss // 4), sec(u32(76 + 4 * i)))

    def chain(start, table, get):
        out, n = b"", start
        while n < 0xFFFFFFFA and len(out) < len(d) * 8:
            out, n = out + get(n), table[n]
        return out
    dirs = chain(u32(48), fat, sec)
    ents = {}
    for o in range(0, len(dirs), 128):
        nl = struct.unpack_from("<H", dirs, o + 64)[0]
        ents[dirs[o:o + max(nl - 2, 0)].decode("utf-16-le")] = struct.unpack_from("<IQ", dirs, o + 116)
    minifat = list(struct.unpack("<%dI" % (len(chain(u32(60), fat, sec)) // 4), chain(u32(60), fat, sec))) \
        if u32(60) < 0xFFFFFFFA else []
    ministream = chain(ents["Root Entry"][0], fat, sec)
    out = []
    for name in names:
        start, size = ents[name]
        if size < 4096:
            out.append(chain(start, minifat, lambda n: ministream[n * 64:(n + 1) * 64])[:size])
        else:
            out.append(chain(start, fat, sec)[:size])
    return out


def test_ppt(conf, tmp):
    """RC4 CryptoAPI .ppt (MS-PPT 2.3.7): stated passwords (msoffcrypto-tool's 128-bit and
    POI's 40-bit samples) and the default password (msoffcrypto's file re-keyed here)"""
    cases = (("office-msoffcrypto-tool/inputs/rc4cryptoapi_password.ppt", "Password1234_"),
             ("office-apache-poi/slideshow/Password_Protected-hello.ppt", "hello"),
             ("office-apache-poi/slideshow/ppt_with_png_encrypted.ppt", "password"))
    if not os.path.exists(os.path.join(CORPUS, cases[0][0])):
        return E.skip("ppt decryption", "corpus not found")
    for rel, pw in cases:
        data = open(os.path.join(CORPUS, rel), "rb").read()
        loc = "2/deck.ppt"
        rep = E.scan(conf, tmp, E.attach("deck.ppt", data, body="Kennwort: %s\r\n" % pw))
        E.check("stated ppt %s: DOC_PASSWORD_FROM_BODY" % os.path.basename(rel),
                at(rep, "DOC_PASSWORD_FROM_BODY", loc), rep and rep["hits"])
        E.check("stated ppt %s: decrypted layer, no DOC_ENCRYPTED" % os.path.basename(rel),
                any(l.get("location") == loc + ">decrypted" for l in (rep or {}).get("layers", []))
                and not E.hits(rep, "DOC_ENCRYPTED"), rep and rep["hits"])
        rep = E.scan(conf, tmp, E.attach("deck.ppt", data, body="no password here\r\n"))
        enc = at(rep, "DOC_ENCRYPTED", loc)
        E.check("ppt %s without its password: DOC_ENCRYPTED says why" % os.path.basename(rel),
                enc and "no candidate password matches" in enc[0]["detail"], rep and rep["hits"])
    cu, doc = ole_streams(os.path.join(CORPUS, cases[0][0]), ["Current User", "PowerPoint Document"])
    velvet = ppt_rekey(cu, doc, "Password1234_", "VelvetSweatshop")
    assert velvet != doc
    data = ole2([("Current User", cu + b"\x00" * (4096 - len(cu))), ("PowerPoint Document", velvet)])
    rep = E.scan(conf, tmp, E.attach("velvet.ppt", data))
    E.check("velvet ppt: DOC_DEFAULT_PASSWORD", at(rep, "DOC_DEFAULT_PASSWORD", "2/velvet.ppt"),
            rep and rep["hits"])


def main():
    tmp = tempfile.mkdtemp(prefix="fm-officecrypt-")
    try:
        conf = E.setup_rules(tmp)
        test_velvet_xls(conf, tmp)
        test_stated_xls(conf, tmp)
        test_corpus(conf, tmp)
        test_spin_budget(conf, tmp)
        test_ppt(conf, tmp)
        test_xor_xls(conf, tmp)
        if os.path.exists(os.path.join(HERE, "chm.py")):
            spec = importlib.util.spec_from_file_location("chm", os.path.join(HERE, "chm.py"))
            chm = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(chm)
            chm.run(E, conf, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    R = E.RESULTS
    print("@@ officecrypt passed=%d failed=%d skipped=%d" % (R["passed"], R["failed"], R["skipped"]))
    return 1 if R["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
