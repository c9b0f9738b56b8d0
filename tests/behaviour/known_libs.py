#!/usr/bin/env python3
"""known_libs.py - build or check rules/lists/known-libraries.txt from real npm packages.

Each PACKAGES entry is an exact npm version and the library files in its tarball (the
files a project vendors: dist builds, minified and not). `npm pack NAME@VERSION` runs in
tests/out/known-libs (test-only; the milter never touches the network); each file's SHA-256
becomes one line `DIGEST  NAME@VERSION/PATH (npm, LICENCE)` of the list.

  tests/behaviour/known_libs.py           check: every file of PACKAGES is in the list
                                          (skipped when npm is unreachable)
  tests/behaviour/known_libs.py --write   rewrite the list (keeps lines an admin added
                                          below the '# local' marker)
Prints "@@ known-libs passed=N failed=M skipped=K".
"""
import glob, hashlib, os, subprocess, sys, tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if __name__ == "__main__":
    os.chdir(ROOT)
LIST = "rules/lists/known-libraries.txt"
OUT = "tests/out/known-libs"

# name, version, licence, files (paths inside the tarball, under package/)
PACKAGES = [
    ("jquery", "3.7.1", "MIT", ["dist/jquery.js", "dist/jquery.min.js", "dist/jquery.slim.js",
                                "dist/jquery.slim.min.js"]),
    ("jquery", "3.6.4", "MIT", ["dist/jquery.js", "dist/jquery.min.js"]),
    ("jquery", "3.5.1", "MIT", ["dist/jquery.js", "dist/jquery.min.js"]),
    ("jquery", "2.2.4", "MIT", ["dist/jquery.js", "dist/jquery.min.js"]),
    ("jquery", "1.12.4", "MIT", ["dist/jquery.js", "dist/jquery.min.js"]),
    ("bootstrap", "5.3.3", "MIT", ["dist/js/bootstrap.js", "dist/js/bootstrap.min.js",
                                   "dist/js/bootstrap.bundle.js", "dist/js/bootstrap.bundle.min.js"]),
    ("bootstrap", "4.6.2", "MIT", ["dist/js/bootstrap.js", "dist/js/bootstrap.min.js",
                                   "dist/js/bootstrap.bundle.js", "dist/js/bootstrap.bundle.min.js"]),
    ("bootstrap", "3.4.1", "MIT", ["dist/js/bootstrap.js", "dist/js/bootstrap.min.js"]),
    ("@popperjs/core", "2.11.8", "MIT", ["dist/umd/popper.js", "dist/umd/popper.min.js"]),
    ("lodash", "4.17.21", "MIT", ["lodash.js", "lodash.min.js", "core.js", "core.min.js"]),
    ("underscore", "1.13.7", "MIT", ["underscore.js", "underscore-min.js", "underscore-umd.js",
                                     "underscore-umd-min.js"]),
    ("moment", "2.30.1", "MIT", ["moment.js", "min/moment.min.js",
                                 "min/moment-with-locales.min.js"]),
    ("d3", "7.9.0", "ISC", ["dist/d3.js", "dist/d3.min.js"]),
    ("chart.js", "4.4.1", "MIT", ["dist/chart.umd.js"]),
    ("vue", "3.4.21", "MIT", ["dist/vue.global.js", "dist/vue.global.prod.js"]),
    ("vue", "2.7.16", "MIT", ["dist/vue.js", "dist/vue.min.js"]),
    ("angular", "1.8.3", "MIT", ["angular.js", "angular.min.js"]),
    ("react", "18.2.0", "MIT", ["umd/react.development.js", "umd/react.production.min.js"]),
    ("react-dom", "18.2.0", "MIT", ["umd/react-dom.development.js",
                                    "umd/react-dom.production.min.js"]),
    ("axios", "1.6.8", "MIT", ["dist/axios.js", "dist/axios.min.js"]),
]
R = {"passed": 0, "failed": 0, "skipped": 0}


def pack(name, version):
    """the tarball of name@version in OUT (None when npm fails)"""
    os.makedirs(OUT, exist_ok=True)
    base = name.lstrip("@").replace("/", "-")
    tgz = os.path.join(OUT, "%s-%s.tgz" % (base, version))
    if not os.path.exists(tgz):
        p = subprocess.run(["npm", "pack", "--silent", "%s@%s" % (name, version)], cwd=OUT,
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0 or not os.path.exists(tgz):
            return None
    return tgz


def entries():
    """(digest, label) of every file of PACKAGES; None when npm is unreachable"""
    out = []
    for name, version, licence, files in PACKAGES:
        tgz = pack(name, version)
        if tgz is None:
            return None
        with tarfile.open(tgz) as t:
            for f in files:
                data = t.extractfile("package/" + f).read()
                out.append((hashlib.sha256(data).hexdigest(),
                            "%s@%s/%s (npm, %s)" % (name, version, f, licence)))
    return out


HEADER = """# known-libraries.txt - SHA-256 digests of published JavaScript library files.
#
# A JavaScript part, archive member or layer whose SHA-256 is listed is reported as
# JS_KNOWN_LIBRARY (^known, weight 0): its name (a .js in a zip) and its code findings weigh
# nothing. Only the exact bytes match: a modified copy is analysed as any other script.
#
# Format: one entry per line, `DIGEST  NAME`, DIGEST = 64 hex digits, NAME = free text
# (shown in reports). `#` starts a comment. Reload with SIGHUP after editing.
#
# Adding a library: put its digest and a name on a line below the '# local' marker, e.g.
#   sha256sum vendor/js/app-framework.min.js
#   echo "<digest>  app-framework@2.1.0/app-framework.min.js (our vendor copy)" >> this file
# The lines above '# local' are generated by tests/behaviour/known_libs.py --write from the
# npm registry (`npm pack NAME@VERSION`, the files named in its PACKAGES table); the same
# script without --write checks them. Provenance: each NAME says package@version/path and
# the package's licence.
"""


def main():
    got = entries()
    if got is None:
        R["skipped"] += 1
        print("skip known-libs: npm unreachable")
        return
    if "--write" in sys.argv[1:]:
        local = []
        if os.path.exists(LIST):
            text = open(LIST).read()
            if "\n# local\n" in text:
                local = text.split("\n# local\n", 1)[1].splitlines()
        with open(LIST, "w") as f:
            f.write(HEADER + "\n")
            for d, label in got:
                f.write("%s  %s\n" % (d, label))
            f.write("\n# local\n" + "".join(l + "\n" for l in local))
        print("   wrote %s (%d digests)" % (LIST, len(got)))
    have = {l.split()[0] for l in open(LIST) if l.strip() and not l.startswith("#")}
    for d, label in got:
        ok = d in have
        R["passed" if ok else "failed"] += 1
        print(("ok   %s" if ok else "FAIL %s: digest not in " + LIST) % label)


if __name__ == "__main__":
    main()
    print("@@ known-libs passed=%d failed=%d skipped=%d" % (R["passed"], R["failed"], R["skipped"]))
    sys.exit(1 if R["failed"] else 0)
