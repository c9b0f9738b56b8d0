#!/bin/bash
# fetch.sh - test-only step: the public maldoc samples of tests/corpus/maldocs/MANIFEST into
# build/maldocs/ (never into the repository, never executed).
#
# Source: a git snapshot of jstrosch/malware-samples (FM_MALDOCS_GIT, default the local
# mirror /work/.mirror/jstrosch+malware-samples/repo). Every blob under maldocs/ in the
# whole history is read (the samples were later moved into password zips); zips are opened
# with the collection's password "infected"; only documents are kept (OLE2, OOXML, RTF,
# PDF, OneNote), named <family>_<sha256-16>.<ext>. PE files are never written.
# Exit 0 with "skipped" when the snapshot is absent.
set -u
cd "$(dirname "$0")/../.." || exit 1
GIT=${FM_MALDOCS_GIT:-/work/.mirror/jstrosch+malware-samples/repo}
OUT=${FM_MALDOCS:-build/maldocs}
XGIT=${FM_XLMDEOBF_GIT:-/work/.mirror/DissectMalware+XLMMacroDeobfuscator/repo}

# Excel 4 macro droppers (.xls, .xlsm and the same files saved by Excel as .xlsb) and two
# test workbooks of DissectMalware/XLMMacroDeobfuscator: the blob of tmp/tmp.zip (password
# "infected") into $OUT/xlm, with provenance.tsv. Skipped when that snapshot is absent.
xlm_fetch() {
    [ -d "$XGIT" ] || { echo "skipped: no snapshot of XLMMacroDeobfuscator at $XGIT"; return 0; }
    [ -f "$OUT/xlm/.done" ] && return 0
    local t blob
    t=$(mktemp -d) || return 1
    # first commit (rev-list order) holding tmp/tmp.zip, one batch query for all commits
    blob=$(git --git-dir="$XGIT" rev-list --all | sed 's|$|:tmp/tmp.zip|' |
        git --git-dir="$XGIT" cat-file --batch-check | awk '$2 != "missing" {print $1; exit}')
    [ -n "$blob" ] && git --git-dir="$XGIT" cat-file -p "$blob" >"$t/tmp.zip" &&
        (cd "$t" && mkdir z && cd z && unzip -P infected -q ../tmp.zip >/dev/null 2>&1) || {
        echo "skipped: tmp/tmp.zip not readable in $XGIT"
        rm -rf "$t"
        return 0
    }
    mkdir -p "$OUT/xlm"
    find "$t/z" -type f \( -name '*.xls' -o -name '*.xlsm' -o -name '*.xlsb' \) -print0 |
        while IFS= read -r -d '' f; do
            n=$(basename "$f" | tr -d '[]')
            case "$f" in */xlsb/*.xlsm) n="xlsb-dir_$n" ;; esac
            cp "$f" "$OUT/xlm/$n"
            printf '%s\t%s\tgithub:DissectMalware/XLMMacroDeobfuscator %s tmp/tmp.zip:%s\n' "$n" \
                "$(sha256sum "$f" | cut -d' ' -f1)" "$blob" "${f#"$t"/z/}"
        done | sort >"$OUT/xlm/provenance.tsv"
    touch "$OUT/xlm/.done"
    rm -rf "$t"
    echo "fetched $(ls "$OUT/xlm" | grep -c 'xls') Excel 4 workbooks into $OUT/xlm"
}
xlm_fetch

# Benign OneNote notebooks of parser test suites: msiemens/onenote.rs tests/samples (MPL-2.0)
# and volexity/one-extract tests/files/example.one (BSD-3-Clause, one embedded PNG), into
# $OUT/one with provenance.tsv. Skipped per source when its snapshot is absent.
one_fetch() {
    [ -f "$OUT/one/.done" ] && return 0
    mkdir -p "$OUT/one"
    local src git c
    for src in msiemens/onenote.rs volexity/one-extract; do
        git=/work/.mirror/${src/\//+}/repo
        [ -n "${FM_ONE_GIT_DIR:-}" ] && git=$FM_ONE_GIT_DIR/${src/\//+}/repo
        [ -d "$git" ] || { echo "skipped: no snapshot of $src at $git"; continue; }
        c=$(git --git-dir="$git" rev-parse HEAD)
        git --git-dir="$git" ls-tree -r "$c" | awk -F'\t' '$2 ~ /\.one$/ {print $1 "\t" $2}' |
            while IFS=$'\t' read -r meta path; do
                n="${src%%/*}_$(basename "$path" | tr ' ' '_')"
                [ -e "$OUT/one/$n" ] && n="${n%.one}_$(echo "$path" | sha256sum | cut -c1-6).one"
                git --git-dir="$git" cat-file -p "${meta##* }" >"$OUT/one/$n"
                printf '%s\t%s\tgithub:%s %s %s\n' "$n" "$(sha256sum "$OUT/one/$n" | cut -d' ' -f1)" \
                    "$src" "$c" "$path"
            done >>"$OUT/one/provenance.tsv"
    done
    touch "$OUT/one/.done"
    echo "fetched $(ls "$OUT/one" | grep -c '\.one$') benign notebooks into $OUT/one"
}
one_fetch
if [ ! -d "$GIT" ]; then
    echo "skipped: no snapshot of jstrosch/malware-samples at $GIT"
    exit 0
fi
[ -f "$OUT/.done" ] && { echo "already fetched: $OUT"; exit 0; }
# One git cat-file stream, one `file` run, sha256 in-process (was ~86 s CPU per clone).
python3 tests/maldocs/fetch_docs.py "$GIT" "$OUT" || exit 1
touch "$OUT/.done"
echo "fetched $(ls "$OUT/docs" | wc -l) documents into $OUT/docs"
