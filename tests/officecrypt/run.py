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


def main():
    tmp = tempfile.mkdtemp(prefix="fm-officecrypt-")
    try:
        conf = E.setup_rules(tmp)
        test_velvet_xls(conf, tmp)
        test_stated_xls(conf, tmp)
        test_corpus(conf, tmp)
        test_spin_budget(conf, tmp)
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
