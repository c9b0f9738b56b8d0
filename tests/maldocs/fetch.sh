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
