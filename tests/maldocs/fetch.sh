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
    blob=$(git --git-dir="$XGIT" rev-list --all | while read -r c; do
        git --git-dir="$XGIT" ls-tree "$c" tmp/tmp.zip; done | awk '{print $3; exit}')
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
mkdir -p "$OUT/docs" && tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for c in $(git --git-dir="$GIT" rev-list --all); do git --git-dir="$GIT" ls-tree -r "$c" maldocs; done |
    awk '{print $3, $4}' | grep -v '\.pcap$\|\.md$\|\.png$\|\.yara$\|\.exe$\|\.dll$' | sort -u -k1,1 >"$tmp/blobs"
n=0
while read -r blob path; do
    n=$((n + 1))
    f="$tmp/b$n"
    git --git-dir="$GIT" cat-file -p "$blob" >"$f" 2>/dev/null || continue
    fam=$(echo "$path" | cut -d/ -f2)
    case $(file -b "$f") in
    Zip*)
        mkdir -p "$tmp/z$n" && (cd "$tmp/z$n" && 7z x -pinfected -y "$f" >/dev/null 2>&1 ||
            unzip -P infected -o "$f" >/dev/null 2>&1)
        k=0 # member names may hold blanks: renamed before listing
        find "$tmp/z$n" -type f -print0 | while IFS= read -r -d '' m; do
            k=$((k + 1)) && mv "$m" "$tmp/z$n.$k" && echo "$tmp/z$n.$k $fam $path"
        done >>"$tmp/list" ;;
    *) echo "$f $fam $path" >>"$tmp/list" ;;
    esac
done <"$tmp/blobs"
while read -r f fam path; do
    case $(file -b "$f") in
    *"Composite Document"*Excel* | *"CDFV2 Microsoft Excel"*) ext=xls ;;
    *"Composite Document"*) ext=doc ;;
    *"Word 2007"*) ext=docx ;;
    *"Excel 2007"*) ext=xlsx ;;
    *"Rich Text"*) ext=rtf ;;
    PDF*) ext=pdf ;;
    *) case $(head -c 16 "$f" | od -An -tx1 | tr -d ' \n') in
       e4525c7b8cd8a74daeb15378d02996d3) ext=one ;;
       *) continue ;;
       esac ;;
    esac
    s=$(sha256sum "$f" | cut -c1-16)
    cp "$f" "$OUT/docs/${fam}_$s.$ext"
    printf '%s_%s.%s\t%s\t%s\n' "$fam" "$s" "$ext" "$(sha256sum "$f" | cut -d' ' -f1)" "$path"
done <"$tmp/list" | sort -u >"$OUT/provenance.tsv"
touch "$OUT/.done"
echo "fetched $(ls "$OUT/docs" | wc -l) documents into $OUT/docs"
