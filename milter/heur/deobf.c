/*
 * heur/deobf - deobfuscation passes over script text (see heur/deobf.h): the driver, the helpers
 *         every pass shares (deobf_int.h), and the base64 family of passes
 *
 * The passes live in files by kind: this one (base64 literals, PowerShell
 * -EncodedCommand, [Convert]::FromBase64String, and the gzip/deflate streams they carry,
 * inflated through core/inflate.c up to max_out bytes), deobf_fold.c (string
 * concatenation, char codes, escapes), deobf_edit.c (reversed and replaced literals),
 * deobf_vbe.c (Script Encoder #@~^ blocks, batch `set` substrings and carets),
 * deobf_ps.c + deobf_pstok.c (PowerShell token normalisation, IEX unwrapping) and
 * deobf_js.c (javascript-obfuscator string arrays). A UTF-16LE input is converted to
 * UTF-8 and handed back as its only output (the passes run on that layer next).
 *
 * Why it is safe on attacker text:
 *   - every pass is one forward scan. Where a pass looks ahead (a literal, an argument
 *     list) and the look-ahead fails, the scan resumes after the part it already read or
 *     at a bound (a literal that is not closed ends at its line end, and the rest of the
 *     line is not looked at again for that pass), so no byte is read more than a small
 *     constant number of times per pass;
 *   - results are built with deobf_put, which never grows a buffer past the bound the pass
 *     gives it (lim->max_out, or a few bytes for a number), and deobf_emit cuts and counts;
 *     a pass stops scanning when its result is full or max_outputs is reached;
 *   - nothing recurses: nested decoding (base64 of base64 ...) is one level per call, and
 *     scan.c feeds outputs back with its depth bound (max_decode_depth);
 *   - the steps whose cost is not per input byte (replace chains, cmd substitutions) are
 *     paid from DEOBF.work, a budget proportional to n.
 *
 * Base64: a run of the alphabet counts when it has at least lim->min_base64 characters,
 * both letter cases (hex digests and identifiers in one case are not base64), starts after
 * a quote, a bracket, a comma or white space (not after '=' or '/': URL query tokens and
 * paths are not payloads), and is not an image/font data: URL. Lines of 60+ characters
 * whose length is a multiple of 4 continue a run on the next line (wrapped base64). A
 * UTF-16LE result (PowerShell's encoding) is converted to UTF-8. A binary result is
 * emitted (lang NULL) when it starts with a known file magic or came from 256+ characters;
 * shorter binary noise is dropped.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/inflate.h"
#include "lib/words.h"
#include "lib/buf.h"
#include "heur/deobf.h"
#include "heur/deobf_int.h"
#include "lib/str.h"

#define GUESS_WINDOW 65536 /* bytes of a result looked at to guess its language */
#define B64_BINARY   256   /* a binary result from a shorter run is noise */
#define ENC_MIN      8     /* base64 characters after -EncodedCommand worth decoding */
#define HINT_BACK    96    /* bytes before FromBase64String searched for ::Unicode */
#define ZIP_HINT     512   /* bytes around a base64 run searched for a decompressing stream */

/* ---------------------------------------------------------------- helpers */

/* deobf_lang_in - lang is one of the space-separated tokens in list */
bool deobf_lang_in(const char *lang, const char *list)
{
    return words_hasz(list, lang);
}

/* deobf_full - max_outputs reached: passes stop */
bool deobf_full(const DEOBF *d)
{
    return d->count >= d->lim->max_outputs;
}

/* deobf_emit - hand one result out: worth it, differs from the input, cut at max_out */
void deobf_emit(DEOBF *d, const char *how, const char *lang, const char *p, size_t n)
{
    if (deobf_full(d) || n < DEOBF_MIN_OUT)
        return;
    if (n > d->lim->max_out)
        n = d->lim->max_out;
    if (n == d->n && memcmp(p, d->in, n) == 0)
        return;
    d->count++;
    if (d->out)
        d->out(d->ctx, how, lang, p, n);
}

/* deobf_put - append what fits under max; false when something did not fit */
bool deobf_put(BUF *b, size_t max, const void *p, size_t n)
{
    size_t room = b->len < max ? max - b->len : 0;
    bool all = n <= room;
    if (!all)
        n = room;
    if (n > 0 && !buf_try_cat(b, p, n))
        return false;
    return all;
}

/* deobf_utf8 - append code point cp as UTF-8 (U+FFFD for surrogates and > U+10FFFF) */
void deobf_utf8(BUF *b, size_t max, unsigned long cp)
{
    unsigned char u[4];
    size_t k;
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        u[1] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | cp >> 18);
        u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F)),
        u[3] = (unsigned char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    deobf_put(b, max, u, k);
}

/* deobf_idc - c can be part of an identifier */
bool deobf_idc(int c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* deobf_at - word (lower case) is at in[i], ignoring case */
bool deobf_at(const char *in, size_t n, size_t i, const char *word)
{
    size_t k = strlen(word);
    return i <= n && n - i >= k && strncasecmp(in + i, word, k) == 0;
}

/* deobf_ws - first index at or after i past white space and VBS ` _` line continuations */
size_t deobf_ws(const char *in, size_t n, size_t i)
{
    while (i < n) {
        char c = in[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
        } else if (c == '_' && i > 0 && (in[i - 1] == ' ' || in[i - 1] == '\t') && i + 1 < n &&
                   (in[i + 1] == '\r' || in[i + 1] == '\n')) {
            i++;
        } else {
            break;
        }
    }
    return i;
}

/*
 * deobf_lit - the string literal opening at in[i]: 1 when read, 0 when in[i] opens none,
 * -1 when it is not closed on its line (lit->end is then the line end: the caller skips
 * there, so a line of unclosed quotes is read once, not once per quote)
 */
int deobf_lit(const char *in, size_t n, size_t i, const DEOBF_SYN *s, DEOBF_LIT *lit)
{
    char q = in[i];
    if (!(q == '"' || (q == '\'' && s->sq)))
        return 0;
    for (size_t j = i + 1; j < n; j++) {
        char c = in[j];
        if (c == '\n' || c == '\r') {
            lit->end = j;
            return -1;
        }
        if ((c == '\\' && s->bs_esc) || (c == '`' && s->bt_esc && q == '"')) {
            j++;
        } else if (c == q && s->dbl_esc && j + 1 < n && in[j + 1] == q) {
            j++;
        } else if (c == q) {
            *lit = (DEOBF_LIT){i + 1, j, j + 1, q};
            return 1;
        }
    }
    lit->end = n;
    return -1;
}

/*
 * deobf_pat - match a small pattern at in[*i] and advance past it: ' ' is optional white
 * space, '#' an empty literal ("" or ''), any other character itself, ignoring case
 */
bool deobf_pat(const char *in, size_t n, size_t *i, const char *pat)
{
    size_t j = *i;
    for (const char *p = pat; *p; p++) {
        if (*p == ' ') {
            j = deobf_ws(in, n, j);
        } else if (*p == '#') {
            if (j + 1 >= n || (in[j] != '"' && in[j] != '\'') || in[j + 1] != in[j])
                return false;
            j += 2;
        } else {
            if (j >= n || tolower((unsigned char)in[j]) != tolower((unsigned char)*p))
                return false;
            j++;
        }
    }
    *i = j;
    return true;
}

/* deobf_charge - pay cost from the work budget; false (nothing paid) when it is spent */
bool deobf_charge(DEOBF *d, size_t cost)
{
    if (cost > d->budget - d->work)
        return false;
    d->work += cost;
    return true;
}

/* deobf_b64c - c is in the base64 alphabet (not '=') */
bool deobf_b64c(int c)
{
    return isalnum((unsigned char)c) || c == '+' || c == '/';
}

/* b64v - the 6-bit value of an alphabet character */
static unsigned b64v(int c)
{
    if (c >= 'A' && c <= 'Z')
        return (unsigned)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return (unsigned)(c - 'a' + 26);
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0' + 52);
    return c == '+' ? 62u : 63u;
}

/*
 * deobf_b64dec - decode base64 at p (white space skipped, ends at '=' or another byte)
 * into out, at most max bytes; returns the alphabet characters read. A trailing lone
 * character (6 bits) is dropped, as lenient decoders do.
 */
size_t deobf_b64dec(const char *p, size_t n, BUF *out, size_t max)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)p[i];
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
            continue;
        if (!deobf_b64c(c))
            break;
        used++;
        acc = (acc << 6 | b64v(c)) & 0xFFFFFF;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            unsigned char byte = (unsigned char)(acc >> bits);
            if (!deobf_put(out, max, &byte, 1))
                break;
        }
    }
    return used;
}

/* deobf_utf16le - p looks like UTF-16LE text: most high bytes 0, low bytes not */
bool deobf_utf16le(const unsigned char *p, size_t n)
{
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        p += 2;
        n -= 2;
    }
    size_t pairs = n / 2 < 4096 ? n / 2 : 4096;
    size_t hi0 = 0;
    size_t lo0 = 0;
    for (size_t i = 0; i < pairs; i++) {
        hi0 += p[2 * i + 1] == 0;
        lo0 += p[2 * i] == 0;
    }
    return pairs >= 2 && hi0 * 10 >= pairs * 9 && lo0 * 10 <= pairs;
}

/* deobf_from_utf16le - append UTF-16LE p as UTF-8 (a BOM dropped, lone surrogates U+FFFD) */
void deobf_from_utf16le(const unsigned char *p, size_t n, BUF *out, size_t max)
{
    size_t i = n >= 2 && p[0] == 0xFF && p[1] == 0xFE ? 2 : 0;
    for (; i + 1 < n && out->len < max; i += 2) {
        unsigned long u = p[i] | (unsigned long)p[i + 1] << 8;
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
            unsigned long v = p[i + 2] | (unsigned long)p[i + 3] << 8;
            if (v >= 0xDC00 && v <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                i += 2;
            }
        }
        deobf_utf8(out, max, u);
    }
}

/* deobf_is_text - the first 4 KB are text: at most 5% control bytes and bad UTF-8 */
bool deobf_is_text(const char *p, size_t n)
{
    size_t w = n < 4096 ? n : 4096;
    size_t bad = 0;
    for (size_t i = 0; i < w;) {
        unsigned char c = (unsigned char)p[i];
        unsigned cp;
        size_t k = c < 0x80 ? 1 : utf8_seq((const unsigned char *)p + i, n - i, &cp);
        if (k == 0) {
            bad++;
            k = 1;
        } else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
            bad++;
        i += k;
    }
    return w > 0 && bad * 20 <= w;
}

/* Markers of each language a decoded text may be in; a guess needs two of them. */
static const struct {
    const char *lang, *marks[18];
} guess_marks[] = {
    {"ps1",
     {"$env:", "iex", "invoke-", "new-object", "[system.", "[convert]", "-join", "[char]",
      "write-host", "get-", "set-", "frombase64string", "powershell", "$_", "-bxor", "[byte[]]",
      "param(", NULL}},
    {"js",
     {"function", "var ", "activexobject", "new ", "eval(", "wscript.", "document.", "window.",
      "=>", "let ", "const ", "===", "fromcharcode", ");", NULL}},
    {"vbs",
     {"dim ", "createobject", "end sub", "end function", "end if", "wscript.", "chr(", "\" & ",
      "set ", " then", "msgbox", "on error resume next", NULL}},
    {"bat",
     {"@echo off", "echo off", "%~", "goto ", "setlocal", "set ", "cmd /c", "rem ", "%%", NULL}},
    {"html", {"<html", "<script", "<body", "<div", "<head", "<meta", NULL}},
};

/* deobf_guess - language of a decoded result: NULL for binary, dflt when unsure */
const char *deobf_guess(const char *p, size_t n, const char *dflt)
{
    if (!deobf_is_text(p, n))
        return NULL;
    size_t w = n < GUESS_WINDOW ? n : GUESS_WINDOW;
    const char *best = NULL;
    int best_score = 1;
    for (size_t l = 0; l < sizeof(guess_marks) / sizeof(guess_marks[0]); l++) {
        int score = 0;
        for (size_t m = 0; guess_marks[l].marks[m]; m++)
            score += str_memmem_ci(p, w, guess_marks[l].marks[m]) != NULL;
        if (score > best_score) {
            best = guess_marks[l].lang;
            best_score = score;
        }
    }
    return best ? best : (dflt && *dflt ? dflt : NULL);
}

/* ---------------------------------------------------------------- base64 family */

/* mark_done - remember a run a specific pass decoded, so the generic pass skips it */
static void mark_done(DEOBF *d, size_t start)
{
    if (d->ndone < DEOBF_MAX_DONE)
        d->done[d->ndone++] = start;
}

/* is_done - a specific pass decoded the run at start */
static bool is_done(const DEOBF *d, size_t start)
{
    for (size_t i = 0; i < d->ndone; i++)
        if (d->done[i] == start)
            return true;
    return false;
}

/* dash_len - bytes of a parameter dash at in[i]: '-', '/', or an en/em dash or bar */
static size_t dash_len(const char *in, size_t n, size_t i)
{
    if (in[i] == '-' || in[i] == '/')
        return 1;
    const unsigned char *u = (const unsigned char *)in + i;
    return n - i >= 3 && u[0] == 0xE2 && u[1] == 0x80 && u[2] >= 0x93 && u[2] <= 0x95 ? 3 : 0;
}

/* enc_flag - a PowerShell parameter name that means -EncodedCommand */
static bool enc_flag(const char *w, size_t k)
{
    if (k == 2 && strncasecmp(w, "ec", 2) == 0)
        return true;
    return k >= 1 && k <= 14 && strncasecmp(w, "encodedcommand", k) == 0;
}

/* decode_ps - decode base64 at in[b0..) that must be UTF-16LE; emit it as PowerShell */
static bool decode_ps(DEOBF *d, const char *how, size_t b0, size_t len)
{
    BUF *raw = buf_new(len);
    BUF *txt = buf_new(len);
    deobf_b64dec(d->in + b0, len, raw, 2 * d->lim->max_out);
    bool ok = deobf_utf16le((const unsigned char *)raw->data, raw->len);
    if (ok) {
        deobf_from_utf16le((const unsigned char *)raw->data, raw->len, txt, d->lim->max_out);
        deobf_emit(d, how, "ps1", txt->data, txt->len);
        mark_done(d, b0);
    }
    buf_free(raw);
    buf_free(txt);
    return ok;
}

/* deobf_encodedcommand - powershell -e/-enc/-EncodedCommand <base64 of UTF-16LE> */
void deobf_encodedcommand(DEOBF *d)
{
    const char *in = d->in;
    size_t n = d->n;
    for (size_t i = 0; i < n && !deobf_full(d); i++) {
        size_t dl = dash_len(in, n, i);
        if (dl == 0 || (i > 0 && (in[i - 1] == 0 || !strchr(" \t\r\n\"'", in[i - 1]))))
            continue;
        size_t k = i + dl;
        size_t w = k;
        while (w < n && w - k < 16 && isalpha((unsigned char)in[w]))
            w++;
        if (w == k || !enc_flag(in + k, w - k) || w >= n || (in[w] != ' ' && in[w] != '\t'))
            continue;
        size_t v = w;
        while (v < n && (in[v] == ' ' || in[v] == '\t'))
            v++;
        if (v < n && (in[v] == '"' || in[v] == '\''))
            v++;
        size_t b0 = v;
        while (v < n && deobf_b64c(in[v]))
            v++;
        if (v - b0 >= ENC_MIN && decode_ps(d, "encodedcommand", b0, v - b0))
            i = v - 1;
    }
}

/* compress_hint - a decompressing stream is named near the base64 run in[s..e) */
static bool compress_hint(const DEOBF *d, size_t s, size_t e)
{
    size_t a = s > ZIP_HINT ? s - ZIP_HINT : 0;
    size_t b = d->n - e > ZIP_HINT ? e + ZIP_HINT : d->n;
    return str_memmem_ci(d->in + a, s - a, "compression") ||
           str_memmem_ci(d->in + a, s - a, "gzip") || str_memmem_ci(d->in + a, s - a, "deflate") ||
           str_memmem_ci(d->in + e, b - e, "compression") ||
           str_memmem_ci(d->in + e, b - e, "gzipstream") ||
           str_memmem_ci(d->in + e, b - e, "deflatestream");
}

/*
 * try_inflate - raw is a gzip stream, or a zlib/raw deflate stream where hint says one is
 * decompressed: its content emitted as an "inflate" layer (at most max_out bytes,
 * core/inflate.c); false when it is not one
 */
static bool try_inflate(DEOBF *d, const BUF *raw, bool hint)
{
    const unsigned char *u = (const unsigned char *)raw->data;
    bool gz = raw->len >= 2 && u[0] == 0x1F && u[1] == 0x8B;
    if (!gz && !hint)
        return false;
    BUF *out = buf_new(4096);
    bool ok = zinflate(u, raw->len, out, d->lim->max_out) != ZINFLATE_BAD;
    if (ok && deobf_is_text(out->data, out->len))
        deobf_emit(d, "inflate", deobf_guess(out->data, out->len, "ps1"), out->data, out->len);
    else if (ok && out->len >= DEOBF_MIN_OUT)
        deobf_emit(d, "inflate", NULL, out->data, out->len);
    else
        ok = false;
    buf_free(out);
    return ok;
}

/* deobf_frombase64 - [Convert]::FromBase64String('...'), with ::Unicode.GetString around */
void deobf_frombase64(DEOBF *d)
{
    const char *in = d->in;
    size_t n = d->n;
    for (size_t i = 0; i + 16 < n && !deobf_full(d); i++) {
        if ((in[i] | 0x20) != 'f' || !deobf_at(in, n, i, "frombase64string"))
            continue;
        size_t j = i + 16;
        if (!deobf_pat(in, n, &j, " ( ") || j >= n || (in[j] != '"' && in[j] != '\''))
            continue;
        char q = in[j++];
        size_t b0 = j;
        while (j < n && (deobf_b64c(in[j]) || in[j] == '='))
            j++;
        if (j >= n || in[j] != q || j - b0 < ENC_MIN)
            continue;
        size_t back = i > HINT_BACK ? i - HINT_BACK : 0;
        bool unicode = str_memmem_ci(in + back, i - back, "unicode") != NULL;
        if (unicode && decode_ps(d, "frombase64string", b0, j - b0)) {
            i = j;
            continue;
        }
        BUF *raw = buf_new(j - b0);
        deobf_b64dec(in + b0, j - b0, raw, d->lim->max_out);
        if (!try_inflate(d, raw, compress_hint(d, b0, j)))
            deobf_emit(d, "frombase64string", deobf_guess(raw->data, raw->len, "ps1"), raw->data,
                       raw->len);
        mark_done(d, b0);
        buf_free(raw);
        i = j;
    }
}

/* Magic bytes that make a short binary result worth scanning. */
static const struct {
    const char *m;
    size_t k;
} magics[] = {
    {"MZ", 2},
    {"PK\x03\x04", 4},
    {"%PDF", 4},
    {"\xD0\xCF\x11\xE0", 4},
    {"{\\rt", 4},
    {"\x1F\x8B", 2},
    {"7z\xBC\xAF", 4},
    {"Rar!", 4},
    {"\x7F"
     "ELF",
     4},
    {"L\0\0\0", 4},
    {"MSCF", 4},
    {"ITSF", 4},
};

/* has_magic - p starts with a known file magic */
static bool has_magic(const char *p, size_t n)
{
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
        if (n >= magics[i].k && memcmp(p, magics[i].m, magics[i].k) == 0)
            return true;
    return false;
}

/* resource_data_url - the run at s follows "data:image/...," (or font, audio, video) */
static bool resource_data_url(const char *in, size_t s)
{
    if (s == 0 || in[s - 1] != ',')
        return false;
    size_t back = s > 96 ? s - 96 : 0;
    const char *p = str_memmem_ci(in + back, s - back, "data:");
    for (const char *q = p; q; q = str_memmem_ci(q + 5, (size_t)(in + s - q) - 5, "data:"))
        p = q;
    if (p == NULL)
        return false;
    size_t left = (size_t)(in + s - p) - 5;
    return deobf_at(p + 5, left, 0, "image/") || deobf_at(p + 5, left, 0, "font/") ||
           deobf_at(p + 5, left, 0, "audio/") || deobf_at(p + 5, left, 0, "video/");
}

/* b64_run - the extent of the run at in[s]: alphabet count, both cases, end */
static size_t b64_run(const char *in, size_t n, size_t s, size_t *count, bool *mixed)
{
    size_t i = s;
    size_t seg = 0;
    size_t k = 0;
    bool up = false;
    bool lo = false;
    while (i < n) {
        char c = in[i];
        if (deobf_b64c(c)) {
            up |= isupper((unsigned char)c);
            lo |= islower((unsigned char)c);
            i++;
            seg++;
            k++;
        } else if ((c == '\r' || c == '\n') && seg >= 60 && seg % 4 == 0) {
            size_t j = i;
            while (j < n && (in[j] == '\r' || in[j] == '\n'))
                j++;
            if (j >= n || !deobf_b64c(in[j]))
                break;
            i = j;
            seg = 0;
        } else {
            break;
        }
    }
    while (i < n && in[i] == '=' && i - s < k + 2)
        i++;
    *count = k;
    *mixed = up && lo;
    return i;
}

/* b64_one - decode one accepted run and emit it by what it turned out to be */
static void b64_one(DEOBF *d, size_t s, size_t e, size_t count)
{
    BUF *raw = buf_new(e - s);
    BUF *txt = NULL;
    deobf_b64dec(d->in + s, e - s, raw, 2 * d->lim->max_out);
    const char *dflt = *d->lang ? d->lang : NULL;
    if (try_inflate(d, raw, compress_hint(d, s, e))) {
        /* a compressed payload: its content is the layer */
    } else if (deobf_utf16le((const unsigned char *)raw->data, raw->len)) {
        txt = buf_new(raw->len);
        deobf_from_utf16le((const unsigned char *)raw->data, raw->len, txt, d->lim->max_out);
        deobf_emit(d, "base64", deobf_guess(txt->data, txt->len, dflt), txt->data, txt->len);
    } else if (deobf_is_text(raw->data, raw->len)) {
        deobf_emit(d, "base64", deobf_guess(raw->data, raw->len, dflt), raw->data, raw->len);
    } else if (has_magic(raw->data, raw->len) || count >= B64_BINARY) {
        deobf_emit(d, "base64", NULL, raw->data, raw->len);
    }
    buf_free(raw);
    buf_free(txt);
}

/* deobf_base64 - every base64 run that qualifies (see the top of this file), one level */
void deobf_base64(DEOBF *d)
{
    const char *in = d->in;
    size_t n = d->n;
    size_t min = d->lim->min_base64 ? d->lim->min_base64 : 1;
    for (size_t i = 0; i < n && !deobf_full(d);) {
        if (!deobf_b64c(in[i])) {
            i++;
            continue;
        }
        size_t s = i, count;
        bool mixed;
        i = b64_run(in, n, s, &count, &mixed);
        bool open = s == 0 || (in[s - 1] != 0 && strchr(" \t\r\n\"'`(,>[:", in[s - 1]));
        bool url_safe = i < n && (in[i] == '-' || in[i] == '_');
        if (count < min || !mixed || !open || url_safe || is_done(d, s) || resource_data_url(in, s))
            continue;
        b64_one(d, s, i, count);
    }
}

/* ---------------------------------------------------------------- driver */

/* syntax - how literals and concatenation look in lang */
static DEOBF_SYN syntax(const char *lang)
{
    DEOBF_SYN s = {0};
    if (deobf_lang_in(lang, "js jse html svg xml")) {
        s = (DEOBF_SYN){.on = true, .sq = true, .bs_esc = true, .js = true};
    } else if (deobf_lang_in(lang, "vbs vbe")) {
        s = (DEOBF_SYN){.on = true, .dbl_esc = true, .amp = true, .vbs = true};
    } else if (deobf_lang_in(lang, "ps1 bat cmd lnk")) {
        s = (DEOBF_SYN){.on = true, .sq = true, .dbl_esc = true, .bt_esc = true, .ps = true};
    } else if (deobf_lang_in(lang, "hta wsf sct")) {
        s = (DEOBF_SYN){
            .on = true, .sq = true, .bs_esc = true, .amp = true, .js = true, .vbs = true};
    }
    return s;
}

/* deobf_run - every pass that applies to lang, one level (see deobf.h) */
size_t deobf_run(const char *lang, const char *in, size_t n, const DEOBF_LIMITS *lim,
                 deobf_out_fn out, void *ctx)
{
    if (in == NULL || n == 0 || lim == NULL || lim->max_out == 0 || lim->max_outputs == 0)
        return 0;
    DEOBF d = {.lang = lang ? lang : "", .in = in, .n = n, .lim = lim, .out = out, .ctx = ctx};
    d.syn = syntax(d.lang);
    d.budget = n < SIZE_MAX / 32 - (1u << 20) ? 16 * n + (1u << 20) : SIZE_MAX / 2;
    if (deobf_utf16le((const unsigned char *)in, n)) { /* a UTF-16LE script: as UTF-8 first */
        BUF *t = buf_new(n / 2 + 1);
        deobf_from_utf16le((const unsigned char *)in, n, t, lim->max_out);
        deobf_emit(&d, "utf16", *d.lang ? d.lang : deobf_guess(t->data, t->len, NULL), t->data,
                   t->len);
        buf_free(t);
        return d.count;
    }
    void (*const passes[])(DEOBF *) = {
        deobf_vbe,    deobf_encodedcommand, deobf_frombase64, deobf_base64,  deobf_cmdset,
        deobf_concat, deobf_charcodes,      deobf_escapes,    deobf_reverse, deobf_replace,
        deobf_psnorm, deobf_strarray,       deobf_eval,
    };
    for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]) && !deobf_full(&d); i++)
        passes[i](&d);
    return d.count;
}
