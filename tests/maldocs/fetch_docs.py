#!/usr/bin/env python3
"""fetch_docs.py GIT OUT - the maldocs/ part of tests/maldocs/fetch.sh (test-only step).

Reads every blob under maldocs/ in the whole history of the git snapshot GIT
(jstrosch/malware-samples) and writes the documents among them (OLE2, OOXML, RTF, PDF,
OneNote) to OUT/docs as <family>_<sha256-16>.<ext>, with OUT/provenance.tsv. Zips are
opened with the collection's password "infected". PE files are never written.

Contract: output (file names, contents, provenance.tsv) is byte-identical to the former
per-blob shell loop; only the cost differs. The same decisions are made the same way:
  - blob -> path: `git ls-tree -r <commit> maldocs` for every commit of `rev-list --all`
    (run once per distinct maldocs tree), first occurrence per blob, awk's $4 (the path up
    to the first blank), the same extension filter;
  - blobs come from one `git cat-file --batch` stream instead of one process per blob;
  - file types come from `file -b` run once over all files (the same libmagic verdicts);
  - zips are extracted with `7z x -pinfected` or else `unzip -P infected`, as before;
  - sha256 in-process; the final list is ordered by `sort -u` (same locale as before).
"""
import fnmatch
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

SKIP_SUFFIXES = (".pcap", ".md", ".png", ".yara", ".exe", ".dll")
ONE_MAGIC = bytes.fromhex("e4525c7b8cd8a74daeb15378d02996d3")


def git(gitdir, *args, data=None):
    return subprocess.run(["git", "--git-dir=" + gitdir, *args], input=data,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          check=False).stdout


def blob_list(gitdir):
    """(blob, path) pairs: first path per blob in history order, sorted by blob."""
    commits = git(gitdir, "rev-list", "--all").split()
    query = b"".join(c + b":maldocs\n" for c in commits)
    trees = git(gitdir, "cat-file", "--batch-check", data=query).splitlines()
    listing = {}
    seen = {}
    order = []
    for c, t in zip(commits, trees):
        key = t.split()[0]
        if key not in listing:
            listing[key] = git(gitdir, "ls-tree", "-r", c.decode(), "maldocs")
        for line in listing[key].splitlines():
            f = line.split()  # awk '{print $3, $4}'
            if len(f) < 4:
                continue
            blob, path = f[2].decode(), f[3].decode("utf-8", "surrogateescape")
            if path.endswith(SKIP_SUFFIXES) or blob in seen:
                continue
            seen[blob] = path
            order.append(blob)
    return sorted((b, seen[b]) for b in order)


def cat_blobs(gitdir, blobs, tmp):
    """Write each blob to tmp/b<n>; yields (file, path) for the readable ones."""
    proc = subprocess.Popen(["git", "--git-dir=" + gitdir, "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    proc.stdin.write("".join(b + "\n" for b, _ in blobs).encode())
    proc.stdin.close()
    out = []
    for n, (_, path) in enumerate(blobs, 1):
        head = proc.stdout.readline().split()
        if len(head) != 3:  # "<id> missing"
            continue
        size = int(head[2])
        f = os.path.join(tmp, "b%d" % n)
        with open(f, "wb") as fh:
            left = size
            while left:
                chunk = proc.stdout.read(min(left, 1 << 20))
                if not chunk:
                    raise SystemExit("fetch_docs: short read from git cat-file")
                fh.write(chunk)
                left -= len(chunk)
        proc.stdout.read(1)  # the LF after the content
        out.append((n, f, path))
    proc.wait()
    return out


def file_types(files):
    """`file -b` of every file, one process (per 2000 names)."""
    types = []
    for i in range(0, len(files), 2000):
        part = files[i:i + 2000]
        res = subprocess.run(["file", "-b", "--", *part], stdout=subprocess.PIPE,
                             check=True).stdout.decode("utf-8", "surrogateescape")
        types += res.split("\n")[:len(part)]
    return types


def extract(zipf, dest):
    """Zip members (regular files) of zipf, extracted as the shell step did."""
    os.makedirs(dest, exist_ok=True)
    null = subprocess.DEVNULL
    try:
        ok = subprocess.run(["7z", "x", "-pinfected", "-y", zipf], cwd=dest, stdout=null,
                            stderr=null, check=False).returncode == 0
    except FileNotFoundError:
        ok = False
    if not ok:
        subprocess.run(["unzip", "-P", "infected", "-o", zipf], cwd=dest, stdout=null,
                       stderr=null, check=False)
    members = []
    for root, _, names in os.walk(dest):
        for name in names:
            m = os.path.join(root, name)
            if os.path.isfile(m) and not os.path.islink(m):
                members.append(m)
    return members


def extension(ftype, path):
    pats = (("*Composite Document*Excel*", "xls"), ("*CDFV2 Microsoft Excel*", "xls"),
            ("*Composite Document*", "doc"), ("*Word 2007*", "docx"),
            ("*Excel 2007*", "xlsx"), ("*Rich Text*", "rtf"), ("PDF*", "pdf"))
    for pat, ext in pats:
        if fnmatch.fnmatchcase(ftype, pat):
            return ext
    with open(path, "rb") as fh:
        return "one" if fh.read(16) == ONE_MAGIC else None


def main():
    gitdir, out = sys.argv[1], sys.argv[2]
    os.makedirs(os.path.join(out, "docs"), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        blobs = cat_blobs(gitdir, blob_list(gitdir), tmp)
        types = file_types([f for _, f, _ in blobs])
        items = []  # (file, family, path, type or None)
        for (n, f, path), t in zip(blobs, types):
            fam = path.split("/")[1] if "/" in path else path
            if t.startswith("Zip"):
                for k, m in enumerate(extract(f, os.path.join(tmp, "z%d" % n)), 1):
                    dst = os.path.join(tmp, "z%d.%d" % (n, k))  # names may hold blanks
                    os.rename(m, dst)
                    items.append((dst, fam, path, None))
            else:
                items.append((f, fam, path, t))
        todo = [i for i, it in enumerate(items) if it[3] is None]
        for i, t in zip(todo, file_types([items[i][0] for i in todo])):
            items[i] = items[i][:3] + (t,)
        lines = []
        for f, fam, path, t in items:
            ext = extension(t, f)
            if ext is None:
                continue
            with open(f, "rb") as fh:
                sha = hashlib.sha256(fh.read()).hexdigest()
            name = "%s_%s.%s" % (fam, sha[:16], ext)
            shutil.copyfile(f, os.path.join(out, "docs", name))
            lines.append("%s\t%s\t%s\n" % (name, sha, path))
    data = "".join(lines).encode("utf-8", "surrogateescape")
    with open(os.path.join(out, "provenance.tsv"), "wb") as fh:
        fh.write(subprocess.run(["sort", "-u"], input=data, stdout=subprocess.PIPE,
                                check=True).stdout)


if __name__ == "__main__":
    main()
