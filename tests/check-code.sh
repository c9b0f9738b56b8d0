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
only_in 'idn2\.h' milter/mime/url.c
only_in 'clamav\.h' milter/scan/clamav.c
only_in 'yara\.h' milter/scan/yara.c
only_in 'archive\.h' milter/scan/archive.c
only_in 'mspack\.h' milter/scan/chm.c
only_in 'hiredis/' milter/cache/redis.c
only_in 'libmilter/' 'milter/mta/mlfi.c milter/mta/mta.c'
only_in 'microhttpd\.h' milter/core/httpd.c
only_in 'crypt\.h' milter/ctl/webauth.c
only_in 'duktape\.h' milter/emu/engine.c
only_in 'seccomp\.h' milter/emu/sandbox.c

bad_lib=$(grep -hE '^#include' milter/lib/*.[ch] | grep -vE '^#include <(assert|ctype|errno|stdarg|stdbool|stddef|stdint|stdio|stdlib|string|strings|limits|unistd|fcntl|time|sys/[a-z]+)\.h>|^#include "lib/[a-z_]+\.h"' | sort -u)
if [ -z "$bad_lib" ]; then ok "lib/ includes only system and lib headers"; else bad "lib/ includes only system and lib headers" "$bad_lib"; fi

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
prefixes='LURE|CHAIN|FIRST|LIMIT|MIME|VBA|XLM|PS|JS|VBS|BAT|HTA|WSF|SCRIPT|HTML|REG|FILE|ARCHIVE|CONTAINER|URL|LNK|DOC|SCAN|IOC|EMU'
emitted=$(grep -ohE "\"($prefixes)_[A-Z0-9_]+\"" milter/*.c milter/*/*.c | tr -d '"' | sort -u)
weighted=$(grep -vE '^\s*(#|$)' rules/scoring.conf | grep -vE '^\S+\s+\S+\s+\S+\s+=' | awk '{print $1}' | grep -v '\*$' | grep -v '^YARA_DEFAULT$' | grep -vE '^(CLAMAV|YARA)_' | sort -u)
unweighted=$(comm -23 <(echo "$emitted") <(echo "$weighted"))
unused=$(comm -13 <(echo "$emitted") <(echo "$weighted"))
if [ -z "$unweighted" ]; then ok "every emitted symbol has a weight ($(echo "$emitted" | wc -l) symbols)"; else
    bad "every emitted symbol has a weight" "missing in rules/scoring.conf: $(echo $unweighted)"; fi
if [ -z "$unused" ]; then ok "scoring.conf names only emitted symbols"; else
    bad "scoring.conf names only emitted symbols" "never emitted: $(echo $unused)"; fi
summary
