/*
 * heur_file - file-level tricks of parts and layers; URL analysis (see heur_file.h)
 *
 * Symbols and what they mean are listed in rules/scoring.conf. Everything here is pure:
 * no I/O, no library beyond libc and lib/, no regular expressions.
 *
 * Names: the extension is what the OS will use, so it is taken after trailing dots,
 * white space and invisible characters are dropped (Windows strips the first two; the
 * last only hide). A double extension needs a decoy before a dangerous last extension
 * (`invoice.pdf.js`), or padding before the last dot (`photo.jpg        .exe`, the name
 * is cut in the mail client's column). Names are walked once from the end.
 *
 * Bidi and invisible characters: overrides, embeddings and isolates (U+202A-202E,
 * U+2066-2069) reorder what the user sees (`photo\u202Egpj.exe` shows as
 * `photoexe.jpg`); U+200B, U+2060-2064, U+180E and U+FEFF have no business in a name.
 * ZWNJ/ZWJ and LRM/RLM are left alone: Persian and Hebrew names use them honestly.
 *
 * HTML smuggling (a page that builds the payload in the browser, past the mail filter)
 * is recognised by three shapes: `new Blob(` together with createObjectURL or
 * msSaveOrOpenBlob; a download attribute or property together with a data: URL that is
 * not an image; atob() of a string literal of 1 KB or more. Each search moves forward
 * over the text with a fixed needle, so the cost is linear in the text.
 *
 * URLs: each URL of the set is reported at its first place (where[0] less its source
 * word) with the URL, cut to DETAIL_URL bytes, as detail; hits_add sanitizes it. Links
 * to allow-listed domains are skipped entirely. Defanged URLs are analysed like the
 * others: dedup ORs flags, so skipping them would let a sender hide a live link behind a
 * defanged copy. The display-text check needs the <a> text to name a host (a URL, a
 * www. name or host.tld with a well-known TLD, so `Node.js` or `README.md` do not
 * count) and compares registrable domains: the last two labels, three under a
 * two-level public suffix from a small table (co.uk, com.au ...). All per-URL work is
 * linear in the URL and its display text (bounded by URL_MAX_TEXT).
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "lib/buf.h"
#include "heur/file.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define EXT_MAX     32   /* longest extension looked at (settingcontent-ms fits) */
#define DETAIL_NAME 120  /* bytes of a file name quoted in a detail */
#define DETAIL_URL  160  /* bytes of a URL quoted in a detail */
#define B64_MIN     1024 /* atob() literal long enough to carry a payload */
#define HOST_MAX    256  /* display-text host kept for comparison */

/* decoy extensions: what the user is meant to believe the file is */
static const char decoys[] = "pdf doc docx xls xlsx ppt pptx txt rtf csv odt ods odp jpg jpeg "
                             "jpe png gif bmp tif tiff webp heic svg mp3 mp4 wav avi mov mpg "
                             "htm html xml eml msg zip rar 7z";
/* macro-enabled Office formats: in the dangerous list, but also sent honestly */
static const char macro_exts[] = "docm dotm xlsm xltm xlam xlsb pptm potm ppsm ppam sldm";
static const char script_exts[] = "js jse vbs vbe wsf wsh wsc sct hta ps1 psm1 bat cmd lnk";
static const char shortcut_exts[] = "url iqy slk settingcontent-ms website library-ms "
                                    "searchconnector-ms";
static const char shortcut_langs[] = "url iqy slk settingcontent";
static const char archives[] = "zip 7z rar gzip bzip2 xz tar cab jar iso udf vhd vhdx";
static const char disk_types[] = "iso udf vhd vhdx";
static const char disk_exts[] = "iso img udf vhd vhdx";
static const char archive_exts[] = "zip rar 7z gz tgz tar bz2 xz cab ace arj lzh r00 "
                                   "iso img vhd vhdx";
/* where[] sources that load a resource rather than offer a link */
static const char embed_srcs[] = "src srcset background poster lowsrc dynsrc cite longdesc";

/* in_words - w[0..n) is one of the space-separated words of list (ASCII case folded) */
static bool in_words(const char *list, const char *w, size_t n)
{
    for (const char *p = list; n && *p;) {
        size_t l = strcspn(p, " ");
        if (l == n && strncasecmp(p, w, n) == 0)
            return true;
        p += l + (p[l] == ' ');
    }
    return false;
}

/* in_wordz - in_words for a C string (NULL is in no list) */
static bool in_wordz(const char *list, const char *w)
{
    return w && in_words(list, w, strlen(w));
}

/* ---------------------------------------------------------------- names */

typedef struct NAME {
    char ext[EXT_MAX];  /* last extension, lower case, or "" */
    char prev[EXT_MAX]; /* the extension before it, or "" */
    size_t pad;         /* bytes of white space between them (before the last dot) */
} NAME;

/* blank_before - length of a white-space or invisible character ending at s[end-1] */
static size_t blank_before(const char *s, size_t end)
{
    const unsigned char *u = (const unsigned char *)s;
    if (end >= 1 && (u[end - 1] == ' ' || (u[end - 1] >= '\t' && u[end - 1] <= '\r')))
        return 1;
    if (end >= 2 && u[end - 2] == 0xc2 && u[end - 1] == 0xa0) /* NBSP */
        return 2;
    if (end < 3)
        return 0;
    unsigned cp = 0;
    if (utf8_seq(u + end - 3, 3, &cp) != 3)
        return 0;
    bool blank = (cp >= 0x2000 && cp <= 0x200b) || cp == 0x202f || cp == 0x205f ||
                 (cp >= 0x2060 && cp <= 0x2064) || cp == 0x3000 || cp == 0x180e || cp == 0xfeff ||
                 cp == 0x3164;
    return blank ? 3 : 0;
}

/* ext_byte - a byte an extension is made of */
static bool ext_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

/* copy_ext - lower-cased s[0..n) into out when it is a plausible extension */
static void copy_ext(char out[EXT_MAX], const char *s, size_t n)
{
    out[0] = 0;
    if (n == 0 || n >= EXT_MAX)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!ext_byte(s[i]))
            return;
        out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    }
    out[n] = 0;
}

/* name_parse - the last two extensions of the base name in s[0..n), walking back once */
static void name_parse(const char *s, size_t n, NAME *nm)
{
    memset(nm, 0, sizeof(*nm));
    size_t base = n, end = n, k;
    while (base > 0 && s[base - 1] != '/' && s[base - 1] != '\\')
        base--;
    while (end > base) { /* trailing dots and blanks, mixed: Windows drops them */
        if (s[end - 1] == '.')
            end--;
        else if ((k = blank_before(s, end)) != 0)
            end -= k;
        else
            break;
    }
    size_t dot = end;
    while (dot > base && s[dot - 1] != '.')
        dot--;
    if (dot <= base + 1) /* no dot, or ".profile" */
        return;
    copy_ext(nm->ext, s + dot, end - dot);
    size_t pend = dot - 1;
    while (pend > base && (k = blank_before(s, pend)) != 0)
        pend -= k, nm->pad += k;
    size_t pdot = pend;
    while (pdot > base && ext_byte(s[pdot - 1]))
        pdot--;
    if (pdot > base + 1 && s[pdot - 1] == '.')
        copy_ext(nm->prev, s + pdot, pend - pdot);
}

/* odd_char - first bidi control or invisible code point in a name, or 0 */
static unsigned odd_char(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned cp = 0;
        size_t l = utf8_seq(u + i, n - i, &cp);
        if (l == 0) {
            i++;
            continue;
        }
        if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200b ||
            (cp >= 0x2060 && cp <= 0x2064) || cp == 0x180e || cp == 0xfeff)
            return cp;
        i += l;
    }
    return 0;
}

/* ---------------------------------------------------------------- files */

/* name_tricks - extension list, macro formats, double extensions, bidi characters */
static void name_tricks(HEUR_CTX *c, const char *fn, const NAME *nm)
{
    bool danger = nm->ext[0] && lists_has(c->lists, LIST_DANGEROUS_EXT, nm->ext);
    if (danger && in_wordz(macro_exts, nm->ext))
        hits_add(c->hits, "FILE_MACRO_EXT", c->location, "'%.*s': macro-enabled Office .%s",
                 DETAIL_NAME, fn, nm->ext);
    else if (danger)
        hits_add(c->hits, "FILE_DANGEROUS_EXT", c->location, "'%.*s' has the extension .%s",
                 DETAIL_NAME, fn, nm->ext);
    if (danger && (in_wordz(decoys, nm->prev) || (nm->pad >= 3 && !in_wordz(macro_exts, nm->ext))))
        hits_add(c->hits, "FILE_DOUBLE_EXTENSION", c->location, "'%.*s': .%s then .%s%s",
                 DETAIL_NAME, fn, nm->prev[0] ? nm->prev : "(padding)", nm->ext,
                 nm->pad ? " behind white space" : "");
    unsigned cp = odd_char(fn);
    if (cp)
        hits_add(c->hits, "FILE_BIDI_NAME", c->location, "'%.*s' holds U+%04X", DETAIL_NAME, fn,
                 cp);
}

/* scriptish - a script or shortcut, by detected type or (unreadable content) by name */
static bool scriptish(const FILETYPE *ft, const NAME *nm)
{
    const char *tn = ft && ft->name ? ft->name : "";
    return strcmp(tn, "script") == 0 || strcmp(tn, "lnk") == 0 || in_wordz(script_exts, nm->ext);
}

/* code_tricks - executables and scripts, inside archives or encrypted containers */
static void code_tricks(HEUR_CTX *c, const FILE_FACTS *f, const char *fn, const NAME *nm)
{
    const char *tn = f->ft && f->ft->name ? f->ft->name : "";
    bool exe = in_wordz("pe elf macho", tn), script = !exe && scriptish(f->ft, nm);
    bool inside = f->depth > 0 && in_wordz(archives, f->container);
    const char *what = f->ft && f->ft->lang                           ? f->ft->lang
                       : exe || strcmp(tn, "lnk") == 0 || !nm->ext[0] ? tn
                                                                      : nm->ext;
    if (exe && inside)
        hits_add(c->hits, "ARCHIVE_EXECUTABLE", c->location, "%s '%.*s' inside a %s", tn,
                 DETAIL_NAME, fn, f->container);
    else if (exe)
        hits_add(c->hits, "FILE_EXECUTABLE", c->location, "%s file '%.*s'", tn, DETAIL_NAME, fn);
    if (script && inside)
        hits_add(c->hits, "ARCHIVE_SCRIPT", c->location, "%s '%.*s' inside a %s", what, DETAIL_NAME,
                 fn, f->container);
    if ((exe || script) && f->depth > 0 && f->encrypted)
        hits_add(c->hits, "ARCHIVE_ENCRYPTED_SCRIPT", c->location,
                 "%s '%.*s' came out of an encrypted %s", what, DETAIL_NAME, fn,
                 f->container ? f->container : "container");
}

/* container_tricks - disk images, OneNote, shortcut formats, type mismatch */
static void container_tricks(HEUR_CTX *c, const FILE_FACTS *f, const char *fn, const NAME *nm)
{
    const char *tn = f->ft && f->ft->name ? f->ft->name : "";
    const char *lang = f->ft ? f->ft->lang : NULL;
    if (in_wordz(disk_types, tn) || in_wordz(disk_exts, nm->ext))
        hits_add(c->hits, "CONTAINER_DISK_IMAGE", c->location, "disk image '%.*s' (%s)",
                 DETAIL_NAME, fn, *tn ? tn : nm->ext);
    if (strcmp(tn, "onenote") == 0 || in_wordz("one onepkg", nm->ext))
        hits_add(c->hits, "CONTAINER_ONENOTE", c->location, "OneNote file '%.*s'", DETAIL_NAME, fn);
    if (in_wordz(shortcut_exts, nm->ext) || in_wordz(shortcut_langs, lang) ||
        strcmp(tn, "lnk") == 0)
        hits_add(c->hits, "FILE_SHORTCUT_TYPES", c->location, "%s shortcut '%.*s'",
                 lang                          ? lang
                 : *tn && strcmp(tn, "script") ? tn
                                               : nm->ext,
                 DETAIL_NAME, fn);
    if (f->type_mismatch)
        hits_add(c->hits, "FILE_TYPE_MISMATCH", c->location,
                 "'%.*s' declared %.60s, detected %s%s%s", DETAIL_NAME, fn,
                 f->declared ? f->declared : "(none)", *tn ? tn : "?", lang ? "/" : "",
                 lang ? lang : "");
}

/* ---------------------------------------------------------------- HTML smuggling */

/* word_at - s[i] is a letter, digit or '_' */
static bool word_at(const char *s, size_t n, size_t i)
{
    return i < n && ext_byte(s[i]) && s[i] != '-';
}

/* skip_blank - first index at or after i that is not ASCII white space */
static size_t skip_blank(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
        i++;
    return i;
}

/* new_blob - "new" white space "Blob" white space "(" somewhere in t */
static bool new_blob(const char *t, size_t n)
{
    for (const char *p = t; (p = str_memmem_ci(p, n - (size_t)(p - t), "new")) != NULL; p += 3) {
        size_t i = (size_t)(p - t), j = skip_blank(t, n, i + 3);
        if ((i > 0 && word_at(t, n, i - 1)) || j == i + 3 || n - j < 4 ||
            strncasecmp(t + j, "blob", 4) != 0)
            continue;
        j = skip_blank(t, n, j + 4);
        if (j < n && t[j] == '(')
            return true;
    }
    return false;
}

/* download_word - a download attribute or property: "download" after white space or
 * '.', followed by '=' (white space allowed) or, as a bare attribute, by '>' or '/' */
static bool download_word(const char *t, size_t n)
{
    for (const char *p = t; (p = str_memmem_ci(p, n - (size_t)(p - t), "download")) != NULL;
         p += 8) {
        size_t i = (size_t)(p - t), j = skip_blank(t, n, i + 8);
        char before = i > 0 ? t[i - 1] : 0;
        if (!(before == '.' || before == ' ' || (before >= '\t' && before <= '\r')))
            continue;
        if (j < n && (t[j] == '=' || ((t[j] == '>' || t[j] == '/') && j == i + 8)))
            return true;
    }
    return false;
}

/* data_file_url - a data: URL that is not an image or a style sheet resource */
static bool data_file_url(const char *t, size_t n)
{
    for (const char *p = t; (p = str_memmem_ci(p, n - (size_t)(p - t), "data:")) != NULL; p += 5) {
        size_t i = (size_t)(p - t), j = i + 5, left = n - j;
        if ((i > 0 && word_at(t, n, i - 1)) || j >= n || !(word_at(t, n, j) || t[j] == ';'))
            continue; /* "metadata:", "Data: none" */
        bool image = left >= 6 && strncasecmp(t + j, "image/", 6) == 0 &&
                     !(left >= 9 && strncasecmp(t + j, "image/svg", 9) == 0);
        bool font = left >= 5 && strncasecmp(t + j, "font/", 5) == 0;
        if (!image && !font)
            return true;
    }
    return false;
}

/* atob_literal - atob() of a quoted base64 literal of at least B64_MIN bytes */
static bool atob_literal(const char *t, size_t n)
{
    for (const char *p = t; (p = str_memmem_ci(p, n - (size_t)(p - t), "atob")) != NULL;) {
        size_t i = (size_t)(p - t), j = skip_blank(t, n, i + 4);
        p += 4;
        if ((i > 0 && word_at(t, n, i - 1)) || j >= n || t[j] != '(')
            continue;
        j = skip_blank(t, n, j + 1);
        if (j >= n || !strchr("'\"`", t[j]))
            continue;
        size_t k = j + 1;
        while (k < n && (word_at(t, n, k) || t[k] == '+' || t[k] == '/' || t[k] == '='))
            k++;
        if (k - j - 1 >= B64_MIN)
            return true;
        p = t + k; /* the literal is not searched again: linear */
    }
    return false;
}

/* smuggling - which HTML smuggling shape t shows, or NULL */
static const char *smuggling(const char *t, size_t n)
{
    if (new_blob(t, n) &&
        (str_memmem_ci(t, n, "createobjecturl") || str_memmem_ci(t, n, "mssaveoropenblob") ||
         str_memmem_ci(t, n, "mssaveblob")))
        return "new Blob() handed to createObjectURL/msSaveOrOpenBlob";
    if (download_word(t, n) && data_file_url(t, n))
        return "download of a data: URL";
    if (atob_literal(t, n))
        return "atob() of a large base64 literal";
    return NULL;
}

/* heur_file - file-level tricks of one part or layer (see heur_file.h) */
void heur_file(HEUR_CTX *c, const FILE_FACTS *f)
{
    if (c == NULL || f == NULL)
        return;
    const char *fn = f->filename ? f->filename : "";
    NAME nm;
    name_parse(fn, strlen(fn), &nm);
    name_tricks(c, fn, &nm);
    code_tricks(c, f, fn, &nm);
    container_tricks(c, f, fn, &nm);
    const char *tn = f->ft && f->ft->name ? f->ft->name : "";
    bool markup = in_wordz("html svg xml", tn) || in_wordz("hta", f->ft ? f->ft->lang : NULL);
    const char *how = markup && f->text ? smuggling(f->text, f->text_len) : NULL;
    if (how)
        hits_add(c->hits, "HTML_SMUGGLING", c->location, "%s in '%.*s'", how, DETAIL_NAME, fn);
}

/* ---------------------------------------------------------------- URLs */

/* two-level public suffixes under which the registrable domain has three labels */
static const char two_level[] =
    "co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk nhs.uk com.au net.au org.au edu.au "
    "gov.au co.nz org.nz net.nz govt.nz co.jp ne.jp or.jp ac.jp go.jp co.za org.za com.br "
    "net.br org.br gov.br com.cn net.cn org.cn gov.cn com.mx com.ar com.tr co.in net.in org.in "
    "co.kr or.kr co.il com.sg com.hk com.tw com.my co.id co.th com.vn com.ph com.ua com.pl "
    "com.es com.pk com.ng co.ke com.eg com.sa com.co com.pe co.at or.at";
/* TLDs a bare `host.tld` in display text must end in (file names such as Node.js,
 * README.md or setup.py must not pass for domains) */
static const char known_tlds[] =
    "com net org edu gov mil int info biz name pro mobi io co me tv app dev xyz online site "
    "shop store top club live tech cloud email link click page blog news art ly gl uk de fr "
    "it es nl be ch at se no dk fi ie pt gr cz sk hu ro bg ru ua by kz jp cn kr in au nz ca "
    "us br mx ar cl pe za tr il sg hk tw my id th vn ph eu pl lt lv ee si hr ae sa qa eg ng "
    "ke ma ir pk bd lk";
static const char office_schemes[] = "ms-word ms-excel ms-powerpoint ms-visio ms-access "
                                     "ms-project ms-publisher ms-spd ms-infopath";
static const char bad_schemes[] = "vbscript file search-ms search ms-msdt ms-officecmd ms-cxh "
                                  "ms-cxh-full ms-appinstaller ms-its";

typedef struct UREP {
    HEUR_CTX *c;
    const URL *u;
    const char *loc; /* where the URL was first found */
} UREP;

/* report - one URL finding at the URL's first place */
static void report(const UREP *r, const char *symbol, const char *why)
{
    hits_add(r->c->hits, symbol, r->loc, "%s%s%.*s", why ? why : "", why ? ": " : "", DETAIL_URL,
             r->u->raw ? r->u->raw : r->u->normalized);
}

/* trivial_js - javascript: hrefs that do nothing ("void(0)", ";"), common in templates */
static bool trivial_js(const char *p)
{
    char t[16];
    size_t n = 0;
    for (; *p && n < sizeof(t) - 1; p++)
        if (*p != ' ' && *p != '\t')
            t[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    if (*p)
        return false;
    t[n] = 0;
    return in_words("void(0) void(0); void0 void0; ; // returnfalse returnfalse;", t, n) || n == 0;
}

/* only_in_text - every place of the URL is plain text (no href, src or action) */
static bool only_in_text(const URL *u)
{
    for (size_t i = 0; i < u->nwhere; i++) {
        const char *sp = strrchr(u->where[i], ' ');
        if (sp == NULL || strcmp(sp + 1, "text") != 0)
            return false;
    }
    return u->nwhere > 0;
}

/* scheme_danger - why the URL's scheme is dangerous, or NULL */
static const char *scheme_danger(const URL *u)
{
    const char *s = u->scheme ? u->scheme : "", *p = u->path ? u->path : "";
    if (strcmp(s, "javascript") == 0) /* in plain text a mention: no client follows it */
        return trivial_js(p) || only_in_text(u) ? NULL : "javascript: link";
    if (strcmp(s, "data") == 0) /* inline images are everyday HTML mail; SVG can script */
        return str_istarts(p, "image/") && !str_istarts(p, "image/svg") ? NULL : "data: URL";
    if (strcmp(s, "vbscript") == 0 && only_in_text(u))
        return NULL; /* a quoted command line, not a link */
    if (in_wordz(bad_schemes, s))
        return "dangerous scheme";
    if (in_wordz(office_schemes, s) && /* command form, or the abbreviated ms-word:<uri> */
        (str_istarts(p, "ofe|") || str_istarts(p, "ofv|") || str_istarts(p, "nft|") ||
         str_istarts(p, "http:") || str_istarts(p, "https:") || str_istarts(p, "file:") ||
         str_istarts(p, "\\\\")))
        return "Office URI opening a remote document";
    return NULL;
}

/* mixed_script - a label of the Unicode host mixes Latin, Cyrillic and Greek letters */
static bool mixed_script(const char *h)
{
    const unsigned char *u = (const unsigned char *)h;
    size_t n = strlen(h);
    unsigned seen = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp = 0;
        size_t l = utf8_seq(u + i, n - i, &cp);
        if (l == 0)
            cp = 0, l = 1;
        if (cp == '.')
            seen = 0;
        else if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            seen |= 1;
        else if ((cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
                 (cp >= 0x1e00 && cp <= 0x1eff))
            seen |= 1;
        else if ((cp >= 0x400 && cp <= 0x52f) || (cp >= 0x1c80 && cp <= 0x1c8f) ||
                 (cp >= 0x2de0 && cp <= 0x2dff) || (cp >= 0xa640 && cp <= 0xa69f))
            seen |= 2;
        else if ((cp >= 0x370 && cp <= 0x3ff) || (cp >= 0x1f00 && cp <= 0x1fff))
            seen |= 4;
        if (seen && (seen & (seen - 1))) /* two scripts in one label */
            return true;
        i += l;
    }
    return false;
}

/* host_checks - IP literals, IDN tricks, userinfo, shorteners, block list */
static void host_checks(const UREP *r)
{
    const URL *u = r->u;
    if (u->flags & URL_F_IP)
        report(r, "URL_IP_LITERAL", "IP address host");
    if (u->flags & URL_F_IP_OBFUSCATED)
        hits_add(r->c->hits, "URL_IP_OBFUSCATED", r->loc, "host written as %.*s is %s", DETAIL_URL,
                 u->raw ? u->raw : "", u->ip ? u->ip : "?");
    if (u->flags & URL_F_IDN)
        hits_add(r->c->hits, "URL_PUNYCODE", r->loc, "IDN host %.*s (%.*s)", DETAIL_URL,
                 u->host_unicode ? u->host_unicode
                 : u->host       ? u->host
                                 : "",
                 DETAIL_URL, u->host ? u->host : "");
    const char *uh = u->host_unicode ? u->host_unicode : u->host;
    if ((u->flags & URL_F_IDN) && uh && mixed_script(uh))
        hits_add(r->c->hits, "URL_MIXED_SCRIPT", r->loc, "host %.*s mixes scripts in a label",
                 DETAIL_URL, uh);
    if ((u->flags & URL_F_USERINFO) && u->userinfo)
        hits_add(r->c->hits, "URL_USERINFO", r->loc, "'%.*s@' before host %.*s", DETAIL_NAME,
                 u->userinfo, DETAIL_NAME, u->host ? u->host : "");
    if (u->host && lists_domain_in(r->c->lists, LIST_SHORTENERS, u->host))
        report(r, "URL_SHORTENER", NULL);
    if (u->host && lists_domain_in(r->c->lists, LIST_BLOCK_DOMAINS, u->host))
        report(r, "URL_BLOCKLISTED", "block-listed domain");
}

/* offered - the URL was offered as a link somewhere, not only loaded as a resource */
static bool offered(const URL *u)
{
    for (size_t i = 0; i < u->nwhere; i++) {
        const char *sp = strrchr(u->where[i], ' ');
        if (!in_wordz(embed_srcs, sp ? sp + 1 : u->where[i]))
            return true;
    }
    return u->nwhere == 0;
}

/* path_checks - links to executables, scripts and archives (by the last path segment) */
static void path_checks(const UREP *r)
{
    const URL *u = r->u;
    if (u->path == NULL || !in_wordz("http https ftp ftps file", u->scheme) || !offered(u))
        return;
    size_t end = strcspn(u->path, "?#"), seg = end;
    while (seg > 0 && u->path[seg - 1] != '/' && u->path[seg - 1] != '\\')
        seg--;
    NAME nm;
    name_parse(u->path + seg, end - seg, &nm);
    if (nm.ext[0] == 0)
        return;
    /* ".com" ends redirector paths that embed a host (/r/www.example.com), not programs */
    if (strcmp(nm.ext, "com") != 0 && lists_has(r->c->lists, LIST_DANGEROUS_EXT, nm.ext))
        report(r, "URL_EXECUTABLE_LINK", nm.ext);
    else if (in_wordz(archive_exts, nm.ext))
        report(r, "URL_ARCHIVE_LINK", nm.ext);
}

/* registrable - offset of the registrable domain in h[0..n): last two labels, or three
 * under a two-level public suffix */
static size_t registrable(const char *h, size_t n)
{
    size_t d1 = n, d2, d3;
    while (d1 > 0 && h[d1 - 1] != '.')
        d1--;
    if (d1 == 0)
        return 0;
    for (d2 = d1 - 1; d2 > 0 && h[d2 - 1] != '.';)
        d2--;
    if (d2 == 0 || !in_words(two_level, h + d2, n - d2))
        return d2;
    for (d3 = d2 - 1; d3 > 0 && h[d3 - 1] != '.';)
        d3--;
    return d3;
}

/* host_shape - h[0..n) is a plausible host: labels of letters, digits, '-' or UTF-8,
 * at least two; `strong` (written with a scheme or www.) or a well-known TLD */
static bool host_shape(const char *h, size_t n, bool strong)
{
    size_t labels = 1, last = 0;
    bool digits = true;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)h[i];
        if (b == '.') {
            if (i == last || i + 1 == n)
                return false;
            labels++, last = i + 1;
        } else if (!(ext_byte(h[i]) || b >= 0x80) || b == '_') {
            return false;
        }
        digits = digits && (b == '.' || (b >= '0' && b <= '9'));
    }
    if (labels < 2)
        return false;
    if (digits)
        return labels == 4; /* a dotted quad */
    bool alpha = n - last >= 2;
    for (size_t i = last; i < n; i++)
        alpha = alpha && (((h[i] | 0x20) >= 'a' && (h[i] | 0x20) <= 'z') || (h[i] & 0x80));
    return alpha && (strong || in_words(known_tlds, h + last, n - last));
}

/* token_host - the host named by one display-text token t[0..n), lower-cased into out */
static bool token_host(const char *t, size_t n, char out[HOST_MAX])
{
    bool strong = false;
    if (n >= 7 && strncasecmp(t, "http://", 7) == 0)
        t += 7, n -= 7, strong = true;
    else if (n >= 8 && strncasecmp(t, "https://", 8) == 0)
        t += 8, n -= 8, strong = true;
    size_t a = 0;
    while (a < n && !strchr("/?#\\", t[a]))
        a++;
    const char *at = memrchr(t, '@', a);
    if (at && !strong)
        return false; /* a mail address */
    if (at)
        a -= (size_t)(at + 1 - t), t = at + 1;
    const char *colon = memchr(t, ':', a);
    if (colon)
        a = (size_t)(colon - t);
    strong = strong || (a > 4 && strncasecmp(t, "www.", 4) == 0);
    if (a == 0 || a >= HOST_MAX || !host_shape(t, a, strong))
        return false;
    for (size_t i = 0; i < a; i++)
        out[i] = (char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] - 'A' + 'a' : t[i]);
    out[a] = 0;
    return true;
}

/* display_host - the first host the display text names, into out */
static bool display_host(const char *text, char out[HOST_MAX])
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " "), b = 0, e = n;
        while (b < e && strchr("<([{\"'", p[b]))
            b++;
        while (e > b && strchr(">)]}\"'.,;:!?", p[e - 1]))
            e--;
        if (token_host(p + b, e - b, out))
            return true;
        p += n + (p[n] == ' ');
    }
    return false;
}

/* display_checks - the <a> text names a host of another registrable domain */
static void display_checks(const UREP *r)
{
    const URL *u = r->u;
    char dh[HOST_MAX];
    if (u->text == NULL || u->host == NULL || !display_host(u->text, dh))
        return;
    bool idn = false;
    for (const char *p = dh; *p; p++)
        idn = idn || (*p & 0x80);
    const char *hh = u->ip ? u->ip : idn && u->host_unicode ? u->host_unicode : u->host;
    size_t dn = strlen(dh), hn = strlen(hh);
    size_t dr = u->ip ? 0 : registrable(dh, dn), hr = u->ip ? 0 : registrable(hh, hn);
    if (dn - dr == hn - hr && strncasecmp(dh + dr, hh + hr, dn - dr) == 0)
        return;
    hits_add(r->c->hits, "URL_DISPLAY_MISMATCH", r->loc, "text names %s, link goes to %.*s", dh,
             DETAIL_URL, hh);
}

/* url_check - every URL check on one URL, reported at its first place */
static void url_check(HEUR_CTX *c, const URL *u, BUF *loc)
{
    if (u->host && lists_domain_in(c->lists, LIST_ALLOW_DOMAINS, u->host))
        return;
    buf_reset(loc);
    const char *w = u->nwhere ? u->where[0] : NULL, *sp = w ? strrchr(w, ' ') : NULL;
    if (sp)
        buf_cat(loc, w, (size_t)(sp - w)); /* "1.2 href" -> "1.2" */
    else
        buf_puts(loc, c->location ? c->location : "message");
    UREP r = {c, u, loc->data};
    const char *why = scheme_danger(u);
    if (why)
        report(&r, "URL_DANGEROUS_SCHEME", why);
    host_checks(&r);
    path_checks(&r);
    display_checks(&r);
}

/* heur_url - every URL of the message (see heur_file.h) */
void heur_url(HEUR_CTX *c, const URLSET *urls)
{
    if (c == NULL || urls == NULL)
        return;
    BUF *loc = buf_new(64);
    for (size_t i = 0; i < urls->n; i++)
        if (urls->v[i])
            url_check(c, urls->v[i], loc);
    buf_free(loc);
}
