/*
 * model/filetype - what a part is: binary magic (model/magic.c), text, script language guess,
 * declared vs detected type
 *
 * The contract is in model/filetype.h; every byte looked at here is chosen by the sender.
 *
 * Binary formats are recognised by model/magic.c. Text heuristics see only the first
 * FILETYPE_TEXT_WINDOW bytes; UTF-16 is folded into a thread-local view of half that size.
 *
 * Work is bounded: nothing recurses or allocates (the script signal table is built once, on
 * first use, thread-safe), and the script scorer makes one pass over
 * the window, trying at each position only the signals that share its first two letters.
 *
 * Tokens beyond the list in filetype.h: name "odf" and "vhdx"; sub "encrypted-ooxml",
 * "msg", "vsd", "vsdx", "vsdm"; lang "settingcontent".
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "lib/words.h"
#include "model/filetype.h"
#include "model/magic.h"
#include "lib/str.h"

#define SCRIPT_MIN_SCORE 7
#define SIG_MAX          160
#define MARKUP_MAX_STEPS 32
#define EML_MAX_LINES    64
#define EXT_MAX          32

#define LIT(s)   (s), (sizeof(s) - 1)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* lower - ASCII lower case, independent of the locale */
static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* starts_ci - the n bytes at s begin with lit, ignoring ASCII case */
static bool starts_ci(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);
    return m <= n && strncasecmp(s, lit, m) == 0;
}

/* next_item - the next sep-separated item of a static *list (advancing it); NULL at the end */
static const char *next_item(const char **list, char sep, size_t *len)
{
    const char *w = *list;
    const char *e;
    while (*w == sep)
        w++;
    e = strchr(w, sep);
    *len = e != NULL ? (size_t)(e - w) : strlen(w);
    *list = w + *len;
    return *len ? w : NULL;
}

/* in_list - word[0, wl) is one of the space-separated words of list, ignoring case */
static bool in_list(const char *list, const char *word, size_t wl)
{
    return words_has(list, word, wl);
}

/* text_view - is the window text (no NUL, at most 1% controls)? s gets an ASCII view:
 * the bytes themselves, or for BOM-marked UTF-16 a thread-local copy with non-ASCII as '?'.
 * DEL does not count in Script Encoder output (#@~^ first): its tables produce it. */
static bool text_view(const unsigned char *p, size_t n, const char **s, size_t *len)
{
    size_t lead = 0;
    while (lead < n && lead < 64 && strchr(" \t\r\n", p[lead]) != NULL && p[lead] != 0)
        lead++;
    bool encoded = magic_at(p, n, lead, LIT("#@~^"));
    static _Thread_local char view[FILETYPE_TEXT_WINDOW / 2]; /* (w - 2) / 2 units fit */
    size_t w = n < FILETYPE_TEXT_WINDOW ? n : FILETYPE_TEXT_WINDOW;
    size_t ctrl = 0;
    size_t skip;
    size_t units;
    int wide = magic_at(p, w, 0, LIT("\xff\xfe")) ? 1 : magic_at(p, w, 0, LIT("\xfe\xff")) ? 2 : 0;
    skip = wide ? 2 : magic_at(p, w, 0, LIT("\xef\xbb\xbf")) ? 3 : 0;
    units = wide ? (w - skip) / 2 : w - skip;
    for (size_t i = 0; i < units; i++) {
        const unsigned char *q = p + skip + (wide ? 2 * i : i);
        unsigned c = wide == 1 ? magic_le16(q) : wide == 2 ? (unsigned)q[0] << 8 | q[1] : q[0];
        if (c == 0)
            return false;
        /* controls plain text does not carry: all but \t..\r, DOS EOF and ESC */
        ctrl += (c < 0x20 && (c < '\t' || c > '\r') && c != 0x1a && c != 0x1b) ||
                (c == 0x7f && !encoded);
        if (wide)
            view[i] = c < 0x80 ? (char)c : '?';
    }
    *s = wide ? view : (const char *)p + skip;
    *len = units;
    return ctrl * 100 <= units;
}

/* Extensions that decide the language of a text part on their own. */
static const struct {
    const char *lang, *exts;
} ext_langs[] = {
    {"js", "js"},        {"jse", "jse"},
    {"vbs", "vbs"},      {"vbe", "vbe"},
    {"ps1", "ps1 psm1"}, {"bat", "bat cmd"},
    {"hta", "hta"},      {"wsf", "wsf"},
    {"sct", "sct wsc"},  {"reg", "reg"},
    {"url", "url"},      {"iqy", "iqy"},
    {"slk", "slk"},      {"settingcontent", "settingcontent-ms"},
};

/* Formats recognised by their first bytes (after white space). */
static const struct {
    const char *lead, *lang;
} lead_langs[] = {
    {"WEB\r\n1\r\n", "iqy"}, {"WEB\n1\n", "iqy"},
    {"ID;P", "slk"},         {"Windows Registry Editor Version 5.00", "reg"},
    {"REGEDIT4", "reg"},     {"[InternetShortcut]", "url"},
};

/* encoded_lang - Script Encoder output (#@~^): JScript when the text says so, else VBScript */
static const char *encoded_lang(const char *s, size_t len)
{
    return str_memmem_ci(s, len, "jscript.encode") != NULL ? "jse" : "vbe";
}

/* lead_lang - the script language from the extension or the first bytes, or NULL */
static const char *lead_lang(const char *ext, const char *h, size_t hl, const char *s, size_t len)
{
    bool encoded = starts_ci(h, hl, "#@~^");
    for (size_t i = 0; *ext != 0 && i < NELEM(ext_langs); i++) {
        if (!in_list(ext_langs[i].exts, ext, strlen(ext)))
            continue;
        const char *lang = ext_langs[i].lang;
        if (encoded && strcmp(lang, "js") == 0)
            return "jse";
        return encoded && strcmp(lang, "vbs") == 0 ? "vbe" : lang;
    }
    if (encoded)
        return encoded_lang(s, len);
    for (size_t i = 0; i < NELEM(lead_langs); i++)
        if (starts_ci(h, hl, lead_langs[i].lead))
            return lead_langs[i].lang;
    return str_memmem_ci(s, len, "<hta:application") != NULL ? "hta" : NULL;
}

/* skip_ws - index of the first non-white-space byte at or after i */
static size_t skip_ws(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    return i;
}

/* skip_past - index just after the next `end` at or after i, or n when there is none */
static size_t skip_past(const char *s, size_t n, size_t i, const char *end)
{
    const char *q = i < n ? memmem(s + i, n - i, end, strlen(end)) : NULL;
    return q != NULL ? (size_t)(q - s) + strlen(end) : n;
}

/* markup_element - classify by the first element (t points at its '<') */
static const char *markup_element(const char *t, size_t tl, bool prolog, const char *s, size_t len,
                                  const char **lang)
{
    static const char html_tags[] = "html head body script iframe meta title style link div "
                                    "table p a form img br font center span base frameset "
                                    "noscript object embed h1 h2 h3";
    size_t k = 1;
    while (k < tl && k < 32 &&
           ((t[k] >= 'a' && t[k] <= 'z') || (t[k] >= 'A' && t[k] <= 'Z') ||
            (t[k] >= '0' && t[k] <= '9') || t[k] == ':' || t[k] == '_' || t[k] == '-'))
        k++;
    const char *tag = t + 1;
    bool scripted = str_memmem_ci(s, len, "<script") != NULL;
    if (scripted && (in_list("job package", tag, k - 1)))
        *lang = "wsf";
    else if (scripted && in_list("scriptlet component", tag, k - 1))
        *lang = "sct";
    else if (in_list("svg", tag, k - 1))
        return "svg";
    else if (in_list(html_tags, tag, k - 1))
        return "html";
    return prolog && *lang == NULL ? "xml" : NULL;
}

/* sniff_markup - svg, html, xml, wsf, sct: skip prolog, comments and doctype, then look
 * at the first element */
static const char *sniff_markup(const char *h, size_t hl, const char *s, size_t len,
                                const char **lang)
{
    size_t i = 0;
    bool prolog = false;
    for (int step = 0; step < MARKUP_MAX_STEPS && i < hl && h[i] == '<'; step++) {
        const char *t = h + i;
        size_t tl = hl - i;
        if (starts_ci(t, tl, "<!--")) {
            i = skip_past(h, hl, i + 4, "-->");
        } else if (starts_ci(t, tl, "<?")) {
            prolog = prolog || starts_ci(t, tl, "<?xml");
            i = skip_past(h, hl, i + 2, "?>");
        } else if (starts_ci(t, tl, "<!doctype")) {
            size_t d = skip_ws(h, hl, i + 9);
            if (starts_ci(h + d, hl - d, "html"))
                return "html";
            if (starts_ci(h + d, hl - d, "svg"))
                return "svg";
            i = skip_past(h, hl, d, ">");
        } else {
            return markup_element(t, tl, prolog, s, len, lang);
        }
        i = skip_ws(h, hl, i);
    }
    return prolog ? "xml" : NULL;
}

/* is_eml - an mbox "From " line or a block of RFC 5322 message header fields at the start */
static bool is_eml(const char *s, size_t n)
{
    static const char mail_headers[] = "received from to subject message-id date return-path "
                                       "mime-version delivered-to reply-to sender cc x-mailer "
                                       "dkim-signature authentication-results in-reply-to "
                                       "references thread-topic x-originating-ip arc-seal";
    size_t i = 0;
    size_t lines = 0;
    size_t known = 0;
    size_t need = 2;
    if (n >= 5 && memcmp(s, "From ", 5) == 0) { /* mbox separator, then the headers */
        const char *nl = memchr(s, '\n', n);
        i = nl != NULL ? (size_t)(nl - s) + 1 : n;
        need = 1;
    }
    for (; i < n && lines < EML_MAX_LINES; lines++) {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl != NULL ? (size_t)(nl - s) + 1 : n;
        size_t l = e - i;
        size_t k = 0;
        while (l > 0 && (s[i + l - 1] == '\n' || s[i + l - 1] == '\r'))
            l--;
        if (l == 0)
            break;
        if (s[i] == ' ' || s[i] == '\t') { /* a folded line continues the field above */
            if (lines == 0)
                return false;
        } else {
            while (k < l && s[i + k] > ' ' && s[i + k] < 0x7f && s[i + k] != ':')
                k++;
            if (k == 0 || k == l || s[i + k] != ':')
                return false;
            known += in_list(mail_headers, s + i, k);
        }
        i = e;
    }
    return known >= need;
}

enum { L_PS1, L_JS, L_VBS, L_BAT, L_N };
static const char *const lang_tokens[L_N] = {"ps1", "js", "vbs", "bat"};

/* Script signals: '|'-separated needles (matched ignoring case), each counted once with
 * its row's weight; bol rows count only at the start of a line. Plain prose, CSV and logs
 * rarely reach SCRIPT_MIN_SCORE with these. */
static const struct {
    unsigned char lang, weight;
    bool bol;
    const char *needles;
} signal_rows[] = {
    {L_PS1, 3, false,
     "-encodedcommand|invoke-expression|iex(|iex (|[system.|new-object |frombase64string(|"
     "$env:|downloadstring(|invoke-webrequest|start-process |[convert]::|param(|"
     "-executionpolicy|get-childitem|foreach-object|where-object|write-host"},
    {L_PS1, 2, false,
     "downloadfile(|-noprofile|-windowstyle|get-content|set-content|out-file|$true|$false|$null|$_."
     "|-bxor"},
    {L_JS, 3, false,
     "activexobject|string.fromcharcode|function(|eval(|document.write(|.prototype."},
    {L_JS, 2, false,
     "=>|unescape(|var |typeof |===|!==|});|function |.charcodeat(|parseint(|wscript."},
    {L_JS, 2, true, "const "},
    {L_VBS, 3, false,
     "createobject(|end sub|end function|on error resume next|wscript.echo|msgbox|"
     "executeglobal|vbcrlf|redim "},
    {L_VBS, 2, false, "getobject(|wscript.|chrw(|.run |execute "},
    {L_VBS, 2, true, "end if|dim |sub "},
    {L_VBS, 1, true, "set "},
    {L_BAT, 3, false,
     "@echo off|goto :|%~dp0|cmd /c|cmd.exe /c|setlocal|enabledelayedexpansion|start \"\"|"
     "%comspec%|errorlevel|exit /b|call :|set /a |set /p "},
    {L_BAT, 2, false, "%~"},
    {L_BAT, 2, true, "echo |rem |goto |if exist "},
    {L_BAT, 1, true, "::|set "},
};

/* at_bol - position i starts a line (after blanks and a batch '@') */
static bool at_bol(const char *s, size_t i)
{
    while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t' || s[i - 1] == '@'))
        i--;
    return i == 0 || s[i - 1] == '\n' || s[i - 1] == '\r';
}

/* word_len - length of the identifier at s, capped; the sigil before it is never part
 * of one, so the calls from score_shapes cover disjoint bytes */
static size_t word_len(const char *s, size_t n)
{
    size_t k = 0;
    while (k < n && k < 64 &&
           ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
            (s[k] >= '0' && s[k] <= '9') || s[k] == '_'))
        k++;
    return k;
}

/* score_shapes - signals no fixed needle catches: $var =, %VAR%, ';' line ends, Chr( & */
static void score_shapes(const char *s, size_t len, int score[L_N])
{
    size_t assigns = 0;
    size_t pcts = 0;
    size_t semis = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '$') {
            size_t k = word_len(s + i + 1, len - i - 1);
            size_t j = skip_ws(s, len, i + 1 + k);
            assigns += k > 0 && j + 1 < len && s[j] == '=' && s[j + 1] != '=';
        } else if (s[i] == '%') {
            size_t k = word_len(s + i + 1, len - i - 1);
            pcts += k > 0 && i + 1 + k < len && s[i + 1 + k] == '%';
        } else if (s[i] == ';') {
            semis += i + 1 == len || s[i + 1] == '\n' || s[i + 1] == '\r';
        }
    }
    score[L_PS1] += assigns >= 3 ? 4 : assigns >= 1 ? 2 : 0;
    score[L_BAT] += pcts >= 3 ? 3 : pcts >= 1 ? 2 : 0;
    score[L_JS] += semis >= 3 ? 2 : 0;
    if (memchr(s, '&', len) != NULL && str_memmem_ci(s, len, "chr(") != NULL)
        score[L_VBS] += 3;
}

/* pair - bucket of the lower-cased byte pair a b: needles are indexed by their first two
 * bytes, so a text byte costs one lookup (usually an empty bucket), not a walk of every
 * needle with the same first letter */
#define PAIR_BUCKETS 1024
static unsigned pair(char a, char b)
{
    return ((unsigned)(unsigned char)lower(a) * 31u + (unsigned char)lower(b)) & (PAIR_BUCKETS - 1);
}

/* the needle table: signal_rows split once, bucketed by their first two bytes */
static const char *needle[SIG_MAX];
static size_t nlen[SIG_MAX];
static unsigned char needle_row[SIG_MAX];
static short head[PAIR_BUCKETS];
static short next[SIG_MAX];
static pthread_once_t needles_once = PTHREAD_ONCE_INIT;

/* needles_build - split the rows into needle[], bucket by pair (once, see needles_once) */
static void needles_build(void)
{
    size_t count = 0;
    size_t l;
    memset(head, -1, sizeof(head));
    for (size_t r = 0; r < NELEM(signal_rows); r++) {
        const char *list = signal_rows[r].needles;
        for (const char *w; count < SIG_MAX && (w = next_item(&list, '|', &l)) != NULL;) {
            if (l < 2) /* the scan needs two bytes to find the bucket */
                continue;
            unsigned h = pair(w[0], w[1]);
            needle[count] = w;
            nlen[count] = l;
            needle_row[count] = (unsigned char)r;
            next[count] = head[h];
            head[h] = (short)count++;
        }
    }
}

/* score_lang - the script language with the best signal score, NULL below the threshold */
static const char *score_lang(const char *s, size_t len)
{
    bool seen[SIG_MAX] = {false};
    int score[L_N] = {0};
    int best = -1;
    pthread_once(&needles_once, needles_build);
    for (size_t i = 0; i + 1 < len; i++) { /* every needle has two bytes at least */
        for (short k = head[pair(s[i], s[i + 1])]; k >= 0; k = next[k]) {
            if (seen[k] || nlen[k] > len - i || lower(s[i]) != lower(needle[k][0]) ||
                lower(s[i + 1]) != lower(needle[k][1]) ||
                strncasecmp(s + i, needle[k], nlen[k]) != 0 ||
                (signal_rows[needle_row[k]].bol && !at_bol(s, i)))
                continue;
            seen[k] = true;
            score[signal_rows[needle_row[k]].lang] += signal_rows[needle_row[k]].weight;
        }
    }
    score_shapes(s, len, score);
    for (int j = 0; j < L_N; j++)
        if (score[j] >= SCRIPT_MIN_SCORE && (best < 0 || score[j] > score[best]))
            best = j;
    return best < 0 ? NULL : lang_tokens[best];
}

/* sniff_text - name and language of text: extension, lead bytes, markup, mail, score */
static void sniff_text(const char *s, size_t len, const char *ext, FILETYPE *ft)
{
    size_t i = skip_ws(s, len, 0);
    size_t hl = len - i;
    const char *h = s + i;
    const char *name = NULL;
    const char *lang = lead_lang(ext, h, hl, s, len);
    if (lang == NULL && (name = sniff_markup(h, hl, s, len, &lang)) == NULL && lang == NULL) {
        if (starts_ci(h, hl, "BEGIN:VCALENDAR"))
            name = "ics";
        else if (is_eml(h, hl))
            name = "eml";
        else if (memmem(s, len, "#@~^", 4) != NULL)
            lang = encoded_lang(s, len);
        else
            lang = score_lang(s, len);
    }
    ft->name = lang != NULL ? "script" : name != NULL ? name : "text";
    ft->lang = lang;
}

/* filetype_sniff - fill ft from the first n bytes of a part (see filetype.h) */
void filetype_sniff(const unsigned char *p, size_t n, const char *filename, FILETYPE *ft)
{
    const char *sub = NULL;
    const char *s = NULL;
    const char *name;
    size_t len = 0;
    *ft = (FILETYPE){"binary", NULL, NULL, false};
    if (p == NULL || n == 0) {
        ft->name = "empty";
        return;
    }
    if ((name = magic_sniff(p, n, &sub)) != NULL) {
        ft->name = name;
        ft->sub = sub;
        ft->is_text = strcmp(name, "rtf") == 0 && text_view(p, n, &s, &len);
        return;
    }
    if (!text_view(p, n, &s, &len))
        return;
    ft->is_text = true;
    sniff_text(s, len, filetype_ext(filename), ft);
}

/* Families for filetype_mismatch. A type in `detected` may be labelled as its own family or
 * one in `also`: Office formats wear each other's names (docx sent as application/msword,
 * a password-protected docx is OLE2), archives too. A MIME type ending in '/' or '.' is a
 * prefix; the first row that matches wins, so text/ comes last. Generic types
 * (application/octet-stream, unknown application/x-*) are in no row: they never count. */
static const struct {
    const char *fam, *detected, *also, *exts, *types;
} families[] = {
    {"exe", "pe elf macho", "", "exe dll scr com cpl ocx sys pif so dylib elf",
     "application/x-msdownload application/x-dosexec application/x-executable "
     "application/x-msdos-program application/vnd.microsoft.portable-executable"},
    {"script", "script", "",
     "js jse vbs vbe ps1 psm1 bat cmd hta wsf wsc sct reg url iqy slk settingcontent-ms",
     "text/javascript text/vbscript text/x-powershell application/javascript "
     "application/x-javascript application/x-vbscript application/hta application/x-bat"},
    {"lnk", "lnk", "", "lnk", "application/x-ms-shortcut"},
    {"ole", "ole2", "ooxml", "doc dot xls xlt xla ppt pps pot msg msi vsd pub mpp",
     "application/msword application/vnd.ms-excel application/vnd.ms-powerpoint "
     "application/vnd.ms-outlook application/vnd.visio application/vnd.ms-office "
     "application/x-msi application/x-ole-storage"},
    {"ooxml", "ooxml", "ole zip",
     "docx docm dotx dotm xlsx xlsm xltx xltm xlam xlsb pptx pptm potx potm ppsx ppsm ppam "
     "vsdx vsdm xps",
     "application/vnd.openxmlformats-officedocument. application/vnd.ms-word. "
     "application/vnd.ms-excel. application/vnd.ms-powerpoint. application/vnd.ms-xpsdocument"},
    {"odf", "odf", "zip", "odt ods odp odg ott", "application/vnd.oasis.opendocument."},
    {"zip", "zip", "ooxml odf archive", "zip jar apk xpi war epub kmz nupkg",
     "application/zip application/x-zip-compressed application/x-zip application/java-archive "
     "application/vnd.android.package-archive"},
    {"archive", "jar rar 7z cab", "zip", "rar 7z cab gz tgz bz2 xz tar arj lzh ace",
     "application/vnd.rar application/x-rar-compressed application/x-7z-compressed "
     "application/vnd.ms-cab-compressed application/gzip application/x-gzip application/x-tar "
     "application/x-bzip2 application/x-xz"},
    {"disk", "iso udf vhd vhdx", "", "iso img udf vhd vhdx",
     "application/x-iso9660-image application/x-cd-image"},
    {"onenote", "onenote", "", "one onepkg", "application/onenote application/msonenote"},
    {"chm", "chm", "", "chm", "application/vnd.ms-htmlhelp"},
    {"image", "", "", "jpg jpeg jpe png gif bmp tif tiff webp ico svg heic", "image/"},
    {"media", "", "", "mp3 mp4 wav avi mov mkv m4a ogg wma wmv mpg", "audio/ video/"},
    {"pdf", "", "", "pdf", "application/pdf"},
    {"rtf", "", "", "rtf", "application/rtf text/rtf"},
    {"html", "", "", "htm html xhtml", "text/html application/xhtml+xml"},
    {"mail", "", "", "eml", "message/"},
    {"text", "", "", "txt csv log md json xml ics vcf tsv", "text/"},
};

enum { BY_DETECTED, BY_EXT, BY_MIME };

/* family_of - row of the first family whose list `by` holds word, or -1 */
static int family_of(int by, const char *word)
{
    size_t wl = strlen(word);
    size_t len;
    for (size_t i = 0; wl > 0 && i < NELEM(families); i++) {
        const char *list = by == BY_DETECTED ? families[i].detected
                           : by == BY_EXT    ? families[i].exts
                                             : families[i].types;
        for (const char *w; (w = next_item(&list, ' ', &len)) != NULL;) {
            bool prefix = by == BY_MIME && (w[len - 1] == '/' || w[len - 1] == '.');
            if ((prefix ? wl >= len : wl == len) && strncasecmp(word, w, len) == 0)
                return (int)i;
        }
    }
    return -1;
}

/* wears - a part detected as row d may honestly be labelled as row f (-1: no label) */
static bool wears(int d, int f)
{
    return f < 0 || f == d || in_list(families[d].also, families[f].fam, strlen(families[f].fam));
}

/* filetype_mismatch - does the declaration disguise a risky detected type? (filetype.h) */
bool filetype_mismatch(const char *declared_ctype, const char *filename, const FILETYPE *ft)
{
    int d = ft != NULL && ft->name != NULL ? family_of(BY_DETECTED, ft->name) : -1;
    if (d < 0)
        return false;
    int e = family_of(BY_EXT, filetype_ext(filename));
    int m = declared_ctype != NULL ? family_of(BY_MIME, declared_ctype) : -1;
    /* MUAs label .js/.vbs/.ps1 text/plain, mime.types (Debian, Python) .bat/.cmd
     * application/x-msdos-program: under its own script name that is no disguise */
    if (e >= 0 && strcmp(families[e].fam, "script") == 0 && m >= 0 &&
        (strcmp(families[m].fam, "text") == 0 ||
         strcasecmp(declared_ctype, "application/x-msdos-program") == 0))
        m = -1;
    return !wears(d, e) || !wears(d, m);
}

/* filetype_ext - lower-case extension after the last dot, "" when none (filetype.h) */
const char *filetype_ext(const char *filename)
{
    static _Thread_local char ext[EXT_MAX];
    size_t end = filename != NULL ? strlen(filename) : 0;
    size_t dot;
    size_t len;
    ext[0] = 0;
    while (end > 0 && (filename[end - 1] == '.' || filename[end - 1] == ' ' ||
                       (filename[end - 1] >= '\t' && filename[end - 1] <= '\r')))
        end--;
    for (dot = end; dot > 0 && filename[dot - 1] != '.'; dot--)
        if (filename[dot - 1] == '/' || filename[dot - 1] == '\\')
            return ext;
    if (dot == 0)
        return ext;
    len = end - dot < EXT_MAX - 1 ? end - dot : EXT_MAX - 1;
    for (size_t i = 0; i < len; i++)
        ext[i] = lower(filename[dot + i]);
    ext[len] = 0;
    return ext;
}
