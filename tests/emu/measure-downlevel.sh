#!/bin/bash
# measure-downlevel.sh [DIR...] - how many scripts the ES2015 rewrite (milter/emu/downlevel.js)
# brings from "does not compile" to an emulated run. Each .js/.html/.htm/.hta/.wsf/.sct/.svg/
# .xsl file under the DIRs (default: tests/corpus/emu, tests/corpus/behaviour, ../shared/corpus)
# runs in `fileless-emu --run` (5 s); a file whose run recorded Downlevel did not compile
# as it was (the whole script, or one markup block) - without the rewrite it ended EMU_ERROR
# (or lost that block). Prints one line per such file: the final status and how many calls
# it recorded besides Downlevel/Member/BlockSyntax, then the totals. Measurement only.
cd "$(dirname "$0")/../.."
EMU=${FM_EMU:-milter/fileless-emu}
[ $# -gt 0 ] || set -- tests/corpus/emu tests/corpus/behaviour ../shared/corpus
total=0 needed=0 fixed=0 calls_total=0
while IFS= read -r -d '' f; do
    total=$((total + 1))
    o=$(timeout 60 "$EMU" --run "$f" -t 5000 2>/dev/null)
    grep -q '^C Downlevel' <<<"$o" || continue
    needed=$((needed + 1))
    st=$(grep '^E ' <<<"$o" | tail -1 | cut -d' ' -f2)
    calls=$(grep '^C ' <<<"$o" | grep -cvE '^C (Downlevel|Member|BlockSyntax|BlockError) ')
    still=$(grep -c '^C BlockSyntax' <<<"$o")
    case $st in ok | quit | exception) [ "$still" -eq 0 ] && fixed=$((fixed + 1)) ;; esac
    calls_total=$((calls_total + calls))
    echo "$st calls=$calls block-syntax=$still $f"
done < <(find "$@" -type f \( -iname '*.js' -o -iname '*.html' -o -iname '*.htm' -o -iname '*.hta' \
    -o -iname '*.wsf' -o -iname '*.sct' -o -iname '*.svg' -o -iname '*.xsl' \) -print0 2>/dev/null | sort -z)
echo "files $total; needed the rewrite $needed; now compile and run $fixed; calls recorded by them $calls_total"
