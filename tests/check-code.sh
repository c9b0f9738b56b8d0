#!/bin/bash
# check-code.sh - design rules that the compiler does not check:
#  - each third-party header is included by exactly one adapter file (libmilter: by
#    mta/mta.c, the MTA_OPS façade, and mta/mlfi.c, which needs the smfiDesc table);
#  - lib/ includes only system headers and lib/ headers;
#  - no source file over 800 lines (design.md budget);
#  - every milter/*.c and .h opens with a block comment (the module contract).
cd "$(dirname "$0")/.."
T_SUITE=code
. tests/lib.sh

# only_in HEADER_REGEX FILE - the header is included by FILE and by nothing else
only_in() {
    local users
    users=$(grep -lE "^#include <$1" milter/*.[ch] milter/*/*.[ch] 2>/dev/null | sort | tr '\n' ' ')
    if [ "$users" = "$2 " ]; then ok "<$1> only in $2"; else bad "<$1> only in $2" "included by: ${users:-nothing}"; fi
}
only_in 'gmime/' milter/mime/mime.c
only_in 'openssl/' milter/core/digest.c
only_in 'idn2\.h' milter/mime/urlparse.c
only_in 'clamav\.h' milter/scan/clamav.c
only_in 'yara\.h' milter/scan/yara.c
only_in 'archive\.h' milter/scan/archive.c
only_in 'mspack\.h' milter/scan/chm.c
only_in 'hiredis/' milter/cache/redis.c
only_in 'libmilter/' 'milter/mta/mlfi.c milter/mta/mta.c'
only_in 'microhttpd\.h' milter/core/httpd.c
only_in 'crypt\.h' milter/ctl/webauth.c
only_in 'zlib\.h' milter/core/inflate.c
only_in 'duktape\.h' milter/emu/engine.c
only_in 'seccomp\.h' milter/emu/sandbox.c
only_in 'linux/seccomp\.h' milter/scan/spawn.c
only_in 'ares\.h' milter/scan/dns.c
only_in 'libpsl\.h' milter/scan/regdom.c

bad_lib=$(grep -hE '^#include' milter/lib/*.[ch] | grep -vE '^#include <(assert|ctype|errno|stdarg|stdbool|stddef|stdint|stdio|stdlib|string|strings|limits|unistd|fcntl|time|sys/[a-z]+)\.h>|^#include "lib/[a-z_]+\.h"' | sort -u)
if [ -z "$bad_lib" ]; then ok "lib/ includes only system and lib headers"; else bad "lib/ includes only system and lib headers" "$bad_lib"; fi

# dependency rules (milter/README.md): a folder includes only headers of the folders listed
# for it (the top-level msg.h/analyse.h count as "msg" and "analyse"); the pure folders
# (libfm-pure.a: lib model heur policy) never reach the engines, the cache, the store or the MTA
declare -A may=(
    [lib]="lib"
    [model]="lib model core"
    [mime]="lib model core mime"
    [heur]="lib model core mime heur"
    [policy]="lib model core mime policy msg mta/mta"
    [core]="lib model core mime policy scan"
    [scan]="lib model core mime heur policy cache scan msg emu"
    [cache]="lib model core mime policy cache msg"
    [store]="lib model core policy store"
    [mta]="lib model core mime heur policy scan cache store mta msg analyse emu"
    [emu]="lib model core mime heur emu host_js" # host_js.h: generated from emu/host.js
    [ctl]="lib model core mime heur policy scan cache store ctl msg analyse"
)
bad_dep=""
for d in "${!may[@]}"; do
    for f in milter/$d/*.[ch]; do
        [ -e "$f" ] || continue
        while read -r inc; do
            ok_inc=0
            for a in ${may[$d]}; do
                case "$inc" in "$a"/* | "$a".h | "$a") ok_inc=1 ;; esac
            done
            [ "$ok_inc" = 1 ] || bad_dep="$bad_dep $f:$inc"
        done < <(grep -oE '^#include "[^"]+"' "$f" | sed -E 's/#include "//; s/"$//')
    done
done
if [ -z "$bad_dep" ]; then ok "includes follow the dependency rules (${#may[@]} folders)"; else
    bad "includes follow the dependency rules" "$bad_dep"; fi

# link separation: fileless-ctl does not need libmilter, and the unit tests of the pure core
# (UNIT_PURE in the Makefile) need no engine library; checked on what is built
ctl_bin=${FM_CTL:-milter/fileless-ctl}
if [ -x "$ctl_bin" ]; then
    if ldd "$ctl_bin" | grep -q libmilter; then bad "fileless-ctl without libmilter" "ldd $ctl_bin names libmilter"
    else ok "fileless-ctl without libmilter"; fi
else
    skip "fileless-ctl without libmilter" "$ctl_bin not built"
fi
pure_tests=$(sed -n '/^UNIT_PURE *:=/,/[^\\]$/p' Makefile | sed 's/^UNIT_PURE *:=//; s/\\//g' | tr -s ' \n' ' ')
bad_pure="" npure=0
for t in $pure_tests; do
    b=build/release/tests/unit/$t
    [ -x "$b" ] || continue
    npure=$((npure + 1))
    libs=$(ldd "$b" | grep -oE 'lib(clamav|yara|gmime-3\.0|hiredis|milter)[^ ]*' | tr '\n' ' ')
    [ -z "$libs" ] || bad_pure="$bad_pure $t($libs)"
done
if [ "$npure" = 0 ]; then skip "pure unit tests without engine libraries" "not built"
elif [ -z "$bad_pure" ]; then ok "pure unit tests without engine libraries ($npure tests)"
else bad "pure unit tests without engine libraries" "$bad_pure"; fi

# failure causes are flags (model/failure.h): their symbols come from its table only, and no
# code compares symbol names to find a failure (a typo would silently disable an on_* policy)
bad_fail=$(grep -nE 'hits_add\([^;]*"(LIMIT_[A-Z0-9_]+|SCAN_ERROR|MIME_UNPARSEABLE)"|str(n|case)?cmp\([^;]*"(LIMIT_|SCAN_ERROR|MIME_UNPARSEABLE)' \
    milter/*.c milter/*/*.c | grep -v '^milter/model/failure\.c:')
if [ -z "$bad_fail" ]; then ok "failure causes set and read as flags (model/failure.h)"; else
    bad "failure causes set and read as flags (model/failure.h)" "$bad_fail"; fi

for f in milter/*.[ch] milter/*/*.[ch]; do
    n=$(wc -l <"$f")
    if [ "$n" -gt 800 ]; then bad "size $f" "$n lines (budget 800)"; fi
    if ! head -1 "$f" | grep -q '^/\*'; then bad "header comment $f" "file does not open with a block comment"; fi
done
ok "file sizes and header comments checked ($(ls milter/*.[ch] milter/*/*.[ch] | wc -l) files)"
# symbols: every symbol the code can emit has a weight in rules/scoring.conf, and every
# symbol scoring.conf names is emitted somewhere (families such as CLAMAV_* and the
# YARA_DEFAULT weight are dynamic and exempt, and so are chains: `=` lines emitted by
# policy/chain.c from the table itself)
prefixes='URIBL|LOLBIN|LURE|CHAIN|WSH|FIRST|LIMIT|MIME|VBA|XLM|PS|JS|VBS|BAT|HTA|WSF|SCRIPT|HTML|REG|XSL|SCT|CHM|MOF|INF|FILE|ARCHIVE|CONTAINER|URL|LNK|DOC|SCAN|IOC|RTF|OLE|MSI|ONENOTE|OOXML|DDE|EMU'
emitted=$(grep -ohE "\"($prefixes)_[A-Z0-9_]+\"" milter/*.c milter/*/*.c | tr -d '"' | sort -u)
weighted=$(grep -vE '^\s*(#|$)' rules/scoring.conf | grep -vE '^\S+\s+\S+\s+\S+\s+=' | awk '{print $1}' | grep -v '\*$' | grep -v '^YARA_DEFAULT$' | grep -vE '^(CLAMAV|YARA)_' | sort -u)
unweighted=$(comm -23 <(echo "$emitted") <(echo "$weighted"))
unused=$(comm -13 <(echo "$emitted") <(echo "$weighted"))
if [ -z "$unweighted" ]; then ok "every emitted symbol has a weight ($(echo "$emitted" | wc -l) symbols)"; else
    bad "every emitted symbol has a weight" "missing in rules/scoring.conf: $(echo $unweighted)"; fi
if [ -z "$unused" ]; then ok "scoring.conf names only emitted symbols"; else
    bad "scoring.conf names only emitted symbols" "never emitted: $(echo $unused)"; fi
summary
