#!/bin/bash
# langs/run.sh - end to end (-t --json) over one mail per script-carrying language
# (tests/langs/mkmail.py): the symbols of heur_lang and of the PowerShell passes are
# reported at the attachment or at the decoded layer they made, and the clean XSLT and
# driver .inf report none of them.
cd "$(dirname "$0")/../.."
T_SUITE=langs
. tests/lib.sh
BIN=${FM_BIN:-milter/fileless-milter}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 tests/langs/mkmail.py "$tmp"

# has MAIL SYMBOL [LOCATION-SUFFIX] - the scan of MAIL reports SYMBOL (at a location ending so)
has() {
    local json
    json=$("$BIN" -c milter.conf -t --json "$tmp/$1.eml" 2>/dev/null)
    if echo "$json" | jq -e --arg s "$2" --arg l "${3:-}" \
        '[.hits[] | select(.symbol == $s and (.location | endswith($l)))] | length > 0' >/dev/null; then
        ok "$1: $2${3:+ at *$3}"
    else
        bad "$1: $2${3:+ at *$3}" "$(echo "$json" | jq -c '[.hits[] | [.symbol, .location]]' 2>/dev/null | head -c 600)"
    fi
}
# none MAIL PREFIX-REGEX - no symbol matching the regex
none() {
    local got
    got=$("$BIN" -c milter.conf -t --json "$tmp/$1.eml" 2>/dev/null |
        jq -r --arg r "$2" '.hits[] | select(.symbol | test($r)) | .symbol')
    if [ -z "$got" ]; then ok "$1: no $2"; else bad "$1: no $2" "$got"; fi
}

has xsl XSL_SCRIPT style.xsl
has xsl SCRIPT_PROCESS_LAUNCH '>decoded:xslscript'
has mof MOF_EVENT_FILTER update.mof
has mof MOF_COMMAND_CONSUMER update.mof
has mof SCRIPT_PROCESS_LAUNCH '>decoded:mofcommand'
has inf INF_SCROBJ_REMOTE setup.inf
has sct SCT_REGISTRATION_SCRIPT file.sct
has sct SCRIPT_PROCESS_LAUNCH '>decoded:sctscript'
has reg REG_LAUNCHER_VALUE '>decoded:regvalue'
has chm CHM_SHORTCUT_EXEC topic.htm
has chm CHM_SHORTCUT_AUTOCLICK topic.htm
has ps1-tokens SCRIPT_OBFUSCATED a.ps1
has ps1-tokens SCRIPT_DOWNLOAD '>decoded:psnorm'
has ps1-deflate SCRIPT_DOWNLOAD_EXEC '>decoded:inflate'
has ps1-utf16 SCRIPT_DOWNLOAD_EXEC '>decoded:utf16'
has js-strarray SCRIPT_OBFUSCATED d.js
has js-strarray SCRIPT_PROCESS_LAUNCH '>decoded:strarray'
none clean-xsl '^(XSL|SCT|CHM|MOF|INF)_'
none clean-inf '^(XSL|SCT|CHM|MOF|INF)_'
summary
