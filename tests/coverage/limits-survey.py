#!/usr/bin/env python3
"""limits-survey.py - how often real mail hits a scan limit (the measurement behind on_limit).

Runs every message of the mail sets of ../shared/corpus (mime-*, msg-*) through
`fileless-milter -t --json` (release build, shipped milter.conf) and counts the messages
carrying a finding that says "not everything was looked at": LIMIT_*, ARCHIVE_UNREADABLE,
SCAN_ERROR. mime-spamscope-mailparser holds real spam and malicious mail; every other set
is parser test mail, counted as ham. Writes tests/out/limits-survey.md; prints
"@@ limits-survey passed=1 failed=0 skipped=0" (skipped=1 without the corpus).
"""
import collections, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.chdir(ROOT)
BIN = os.environ.get("FM_BIN", "milter/fileless-milter")
CORPUS = os.environ.get("FM_CORPUS", "../shared/corpus")
SKIPPED = ("LIMIT_", "ARCHIVE_UNREADABLE", "SCAN_ERROR")
if not os.path.isdir(CORPUS):
    print("skipped: no corpus at %s" % CORPUS)
    print("@@ limits-survey passed=0 failed=0 skipped=1")
    sys.exit(0)
files = []
for d in sorted(os.listdir(CORPUS)):
    if d.startswith(("mime-", "msg-")):
        for dp, _, fns in os.walk(os.path.join(CORPUS, d)):
            files += [os.path.join(dp, f) for f in sorted(fns)
                      if not f.endswith((".tsv", ".md", ".py", ".json", ".list", ".debian"))]
count = collections.Counter()
sym_msgs = {"ham": collections.Counter(), "spam": collections.Counter()}
examples = collections.defaultdict(list)
for f in files:
    kind = "spam" if "mime-spamscope-mailparser" in f else "ham"
    count[kind] += 1
    r = subprocess.run([BIN, "-t", "--json", f], capture_output=True, timeout=120)
    try:
        rep = json.loads(r.stdout.decode("utf-8", "replace").strip().splitlines()[-1])
    except (ValueError, IndexError):
        continue
    syms = {h["symbol"] for h in rep.get("hits", []) if h["symbol"].startswith(SKIPPED)}
    if syms:
        count[kind + "_limited"] += 1
    for s in syms:
        sym_msgs[kind][s] += 1
        if len(examples[s]) < 3:
            examples[s].append(os.path.relpath(f, CORPUS))
os.makedirs("tests/out", exist_ok=True)
with open("tests/out/limits-survey.md", "w") as o:
    o.write("| set | messages | with a skipped-content finding |\n|---|---|---|\n")
    for k in ("ham", "spam"):
        o.write("| %s | %d | %d |\n" % (k, count[k], count[k + "_limited"]))
    o.write("\n| finding | ham messages | spam messages | examples |\n|---|---|---|---|\n")
    for s in sorted(set(sym_msgs["ham"]) | set(sym_msgs["spam"])):
        o.write("| %s | %d | %d | %s |\n" % (s, sym_msgs["ham"][s], sym_msgs["spam"][s],
                                           ", ".join(examples[s])))
print(open("tests/out/limits-survey.md").read())
print("@@ limits-survey passed=1 failed=0 skipped=0")
