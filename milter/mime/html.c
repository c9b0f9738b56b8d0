/*
 * mime/html - tolerant HTML walk and character-reference decoding (see mime/html.h)
 *
 * Why the work is linear: the lexer position only moves forward. Each scan (memchr or
 * memmem for '<', '>', "-->" or a closing quote) starts at the current position, and the
 * position then jumps past what was scanned. The search for "</script" in raw text looks
 * at each '<' once with a compare bounded by the tag name. Each attribute value and text
 * run is decoded once; srcset and refresh values are split in one forward pass. Names
 * are cut at HTML_MAX_NAME, references are read with bounded look-ahead, and anchor text
 * stops growing at max_text. All input bytes are sender-controlled, NUL bytes included,
 * so nothing here relies on NUL termination.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "mime/html.h"
#include "lib/str.h"

enum { ST_DATA, ST_ATTRS, ST_RAW };
enum { T_EOF, T_TEXT, T_RAWTEXT, T_START, T_ATTR, T_START_DONE, T_END };

typedef struct LEX {
    const char *s;
    size_t n, pos;
    int state;
    char tag[HTML_MAX_NAME + 1];  /* current tag name, lower case */
    char name[HTML_MAX_NAME + 1]; /* current attribute name, lower case */
    const char *val;              /* text or attribute value (raw), into s */
    size_t vlen;
} LEX;

typedef struct WALK {
    const HTML_SINK *sink;
    void *ctx;
    size_t max_text;
    BUF *tmp;            /* decoded attribute value or text */
    BUF *atext;          /* collapsed display text of the open <a> */
    void *anchor;        /* handle of the open <a href> */
    bool in_a, has_href; /* inside <a>; it had an href */
    bool space;          /* white space pending in atext */
    bool refresh;        /* <meta http-equiv=refresh> */
    const char *content; /* its content attribute, raw */
    size_t clen;
} WALK;

#define REF_MAX_NAME 12 /* longest named reference we look for, plus slack */

/* named references: the basics, plus punctuation spammers spell out to hide URLs */
static const struct {
    const char *name;
    const char *utf8;
    bool legacy; /* also recognised without the ';' */
} refs[] = {
    {"amp", "&", true},         {"lt", "<", true},          {"gt", ">", true},
    {"quot", "\"", true},       {"nbsp", "\xc2\xa0", true}, {"apos", "'", false},
    {"shy", "\xc2\xad", false}, {"colon", ":", false},      {"sol", "/", false},
    {"bsol", "\\", false},      {"period", ".", false},     {"commat", "@", false},
    {"num", "#", false},        {"quest", "?", false},      {"equals", "=", false},
    {"percnt", "%", false},     {"lpar", "(", false},       {"rpar", ")", false},
    {"lsqb", "[", false},       {"rsqb", "]", false},       {"comma", ",", false},
    {"semi", ";", false},       {"excl", "!", false},       {"tab", "\t", false},
    {"newline", "\n", false},
};

/* lex_init - start tokenizing the n bytes at s */
static void lex_init(LEX *lx, const char *s, size_t n)
{
    memset(lx, 0, sizeof(*lx));
    lx->s = s;
    lx->n = n;
    lx->state = ST_DATA;
}

/* is_space - HTML white space */
static bool is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* read_name - read a tag or attribute name at lx->pos into dst, lower-cased and cut */
static void read_name(LEX *lx, char *dst, bool attr)
{
    size_t k = 0;
    size_t start = lx->pos;
    while (lx->pos < lx->n) {
        unsigned char c = (unsigned char)lx->s[lx->pos];
        /* a '=' that starts an attribute name belongs to it, as in the HTML spec */
        if (is_space(c) || c == '/' || c == '>' || (attr && c == '=' && lx->pos > start))
            break;
        if (k < HTML_MAX_NAME)
            dst[k++] = (char)tolower(c);
        lx->pos++;
    }
    dst[k] = 0;
}

/* skip_past - move lx->pos just past the first needle at or after from, or to the end */
static void skip_past(LEX *lx, size_t from, const char *needle)
{
    size_t m = strlen(needle);
    const char *q = from < lx->n ? memmem(lx->s + from, lx->n - from, needle, m) : NULL;
    lx->pos = q ? (size_t)(q - lx->s) + m : lx->n;
}

/* lex_text - a text token from lx->pos up to the next '<' (the first byte is always taken) */
static int lex_text(LEX *lx)
{
    size_t p = lx->pos;
    const char *q = memchr(lx->s + p + 1, '<', lx->n - p - 1);
    size_t e = q ? (size_t)(q - lx->s) : lx->n;
    lx->val = lx->s + p;
    lx->vlen = e - p;
    lx->pos = e;
    return T_TEXT;
}

/* lex_data - next token in ordinary content; comments and declarations are skipped */
static int lex_data(LEX *lx)
{
    const char *s = lx->s;
    while (lx->pos < lx->n) {
        size_t p = lx->pos;
        if (s[p] != '<' || p + 1 >= lx->n)
            return lex_text(lx);
        unsigned char c = (unsigned char)s[p + 1];
        if (c == '!' && p + 3 < lx->n && s[p + 2] == '-' && s[p + 3] == '-') {
            skip_past(lx, p + 2, "-->"); /* "<!-->" closes itself, as in browsers */
        } else if (c == '!' || c == '?') {
            skip_past(lx, p + 2, ">");
        } else if (c == '/' && p + 2 < lx->n && isalpha((unsigned char)s[p + 2])) {
            lx->pos = p + 2;
            read_name(lx, lx->tag, false);
            skip_past(lx, lx->pos, ">");
            return T_END;
        } else if (c == '/') {
            skip_past(lx, p + 2, ">");
        } else if (isalpha(c)) {
            lx->pos = p + 1;
            read_name(lx, lx->tag, false);
            lx->state = ST_ATTRS;
            return T_START;
        } else {
            return lex_text(lx);
        }
    }
    return T_EOF;
}

/* raw_tag - elements whose content is raw text, not markup */
static bool raw_tag(const char *tag)
{
    return strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0 || strcmp(tag, "xmp") == 0;
}

/* attr_value - read "= value" (quoted or not) after an attribute name, if present */
static void attr_value(LEX *lx)
{
    const char *s = lx->s;
    size_t n = lx->n;
    size_t p = lx->pos;
    lx->val = s + p;
    lx->vlen = 0;
    while (p < n && is_space(s[p]))
        p++;
    if (p >= n || s[p] != '=')
        return;
    for (p++; p < n && is_space(s[p]); p++)
        ;
    if (p < n && (s[p] == '"' || s[p] == '\'')) {
        const char *q = memchr(s + p + 1, s[p], n - p - 1);
        size_t e = q ? (size_t)(q - s) : n;
        lx->val = s + p + 1;
        lx->vlen = e - p - 1;
        lx->pos = q ? e + 1 : n;
        return;
    }
    size_t e = p;
    while (e < n && !is_space(s[e]) && s[e] != '>')
        e++;
    lx->val = s + p;
    lx->vlen = e - p;
    lx->pos = e;
}

/* lex_attr - next attribute of the open start tag, or the end of the tag */
static int lex_attr(LEX *lx)
{
    const char *s = lx->s;
    while (lx->pos < lx->n && (is_space(s[lx->pos]) || s[lx->pos] == '/'))
        lx->pos++;
    if (lx->pos >= lx->n || s[lx->pos] == '>') {
        if (lx->pos < lx->n)
            lx->pos++;
        lx->state = raw_tag(lx->tag) ? ST_RAW : ST_DATA;
        return T_START_DONE;
    }
    read_name(lx, lx->name, true);
    attr_value(lx);
    return T_ATTR;
}

/* lex_raw - raw text up to the end tag that closes the current element */
static int lex_raw(LEX *lx)
{
    const char *s = lx->s;
    size_t n = lx->n;
    size_t tl = strlen(lx->tag);
    size_t p = lx->pos;
    lx->state = ST_DATA;
    while (p < n) {
        const char *q = memchr(s + p, '<', n - p);
        if (q == NULL) {
            p = n;
            break;
        }
        p = (size_t)(q - s);
        size_t e = p + 2 + tl;
        if (e <= n && s[p + 1] == '/' && strncasecmp(s + p + 2, lx->tag, tl) == 0 &&
            (e == n || is_space(s[e]) || s[e] == '/' || s[e] == '>'))
            break;
        p++;
    }
    lx->val = s + lx->pos;
    lx->vlen = p - lx->pos;
    lx->pos = p;
    return lx->vlen ? T_RAWTEXT : lex_data(lx);
}

/* lex_next - the next token */
static int lex_next(LEX *lx)
{
    if (lx->state == ST_ATTRS)
        return lex_attr(lx);
    if (lx->state == ST_RAW)
        return lex_raw(lx);
    return lex_data(lx);
}

/* put_cp - append code point cp as UTF-8 */
static void put_cp(BUF *out, uint32_t cp)
{
    char u[4];
    if (cp < 0x80) {
        buf_putc(out, (int)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xc0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3f));
        buf_cat(out, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xe0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[2] = (char)(0x80 | (cp & 0x3f));
        buf_cat(out, u, 3);
    } else {
        u[0] = (char)(0xf0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
        u[3] = (char)(0x80 | (cp & 0x3f));
        buf_cat(out, u, 4);
    }
}

/* numeric_ref - decode "&#NN;" or "&#xHH;" at s; bytes used, 0 when it is not one */
static size_t numeric_ref(BUF *out, const char *s, size_t n)
{
    size_t i = 2;
    bool hex = i < n && (s[i] == 'x' || s[i] == 'X');
    i += hex;
    size_t start = i;
    uint32_t cp = 0;
    for (; i < n && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i])); i++) {
        unsigned d = isdigit((unsigned char)s[i])
                         ? (unsigned)(s[i] - '0')
                         : (unsigned)(tolower((unsigned char)s[i]) - 'a' + 10);
        cp = cp * (hex ? 16 : 10) + d;
        if (cp > 0x10ffff)
            cp = 0x110000; /* saturate: a long digit run cannot overflow */
    }
    if (i == start)
        return 0;
    if (i < n && s[i] == ';')
        i++;
    if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    put_cp(out, cp);
    return i;
}

/* named_ref - decode a named reference at s; bytes used, 0 when it is not one we know */
static size_t named_ref(BUF *out, const char *s, size_t n, bool in_attr)
{
    size_t len = 0;
    while (1 + len < n && len < REF_MAX_NAME && isalnum((unsigned char)s[1 + len]))
        len++;
    bool semi = 1 + len < n && s[1 + len] == ';';
    for (size_t k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
        size_t m = strlen(refs[k].name);
        if (semi && m == len && memcmp(s + 1, refs[k].name, m) == 0) {
            buf_puts(out, refs[k].utf8);
            return m + 2;
        }
    }
    for (size_t k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
        size_t m = strlen(refs[k].name);
        if (!refs[k].legacy || m > len || memcmp(s + 1, refs[k].name, m) != 0)
            continue;
        unsigned char next = 1 + m < n ? (unsigned char)s[1 + m] : 0;
        if (in_attr && (isalnum(next) || next == '='))
            return 0;
        buf_puts(out, refs[k].utf8);
        return m + 1;
    }
    return 0;
}

/* html_decode - append s to out with character references decoded (see html.h) */
void html_decode(BUF *out, const char *s, size_t n, bool in_attr)
{
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t j = amp ? (size_t)(amp - s) : n;
        buf_cat(out, s + i, j - i);
        if (j >= n)
            break;
        size_t used = 0;
        if (j + 1 < n && s[j + 1] == '#')
            used = numeric_ref(out, s + j, n - j);
        else if (j + 1 < n && isalpha((unsigned char)s[j + 1]))
            used = named_ref(out, s + j, n - j, in_attr);
        if (used == 0) {
            buf_putc(out, '&');
            used = 1;
        }
        i = j + used;
    }
}

/* ---------------------------------------------------------------- the walk */

/* attributes holding one URL; srcset and data-* are handled apart */
static const char *const url_attrs[] = {
    "href",     "src",    "action", "formaction", "background", "poster",   "cite",
    "longdesc", "lowsrc", "dynsrc", "xlink:href", "data",       "codebase", "srcset",
};

/* emit_url - hand one URL candidate to the sink, without TAB/CR/LF ("java\tscript:") */
static void *emit_url(WALK *w, char *v, size_t n, const char *src)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] != '\t' && v[i] != '\r' && v[i] != '\n')
            v[k++] = v[i];
    return w->sink->url(w->ctx, v, k, src);
}

/* srcset - every candidate URL of a srcset value; width/density descriptors dropped */
static void srcset(WALK *w, char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        while (i < n && (is_space(s[i]) || s[i] == ','))
            i++;
        size_t b = i;
        while (i < n && !is_space(s[i]))
            i++;
        size_t e = i;
        while (e > b && s[e - 1] == ',')
            e--;
        if (e > b)
            emit_url(w, s + b, e - b, "srcset");
        if (e < i) /* "a.png," has no descriptors */
            continue;
        for (int depth = 0; i < n && (s[i] != ',' || depth > 0); i++)
            depth = s[i] == '(' ? depth + 1 : s[i] == ')' && depth > 0 ? depth - 1 : depth;
    }
}

/* meta_refresh - the URL in a refresh content value: "5; url='http://x'" */
static void meta_refresh(WALK *w, char *s, size_t n)
{
    size_t i = 0;
    size_t e = n;
    while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.' || is_space(s[i])))
        i++;
    if (i < n && (s[i] == ';' || s[i] == ','))
        i++;
    while (i < n && is_space(s[i]))
        i++;
    if (n - i >= 3 && strncasecmp(s + i, "url", 3) == 0) {
        size_t j = i + 3;
        while (j < n && is_space(s[j]))
            j++;
        if (j < n && s[j] == '=')
            for (i = j + 1; i < n && is_space(s[i]); i++)
                ;
    }
    if (i < n && (s[i] == '\'' || s[i] == '"')) {
        const char *q = memchr(s + i + 1, s[i], n - i - 1);
        e = q ? (size_t)(q - s) : n;
        i++;
    }
    emit_url(w, s + i, e - i, "meta-refresh");
}

/* url_source - the source name of a URL-bearing attribute, or NULL */
static const char *url_source(const char *name)
{
    for (size_t i = 0; i < sizeof(url_attrs) / sizeof(url_attrs[0]); i++)
        if (strcmp(name, url_attrs[i]) == 0)
            return url_attrs[i];
    return strncmp(name, "data-", 5) == 0 ? "data-*" : NULL;
}

/* on_attr - one attribute of a start tag */
static void on_attr(WALK *w, const LEX *lx)
{
    if (strcmp(lx->tag, "meta") == 0) {
        if (strcmp(lx->name, "content") == 0) {
            w->content = lx->val;
            w->clen = lx->vlen;
        } else if (strcmp(lx->name, "http-equiv") == 0) {
            buf_reset(w->tmp);
            html_decode(w->tmp, lx->val, lx->vlen, true);
            w->refresh = strcasecmp(str_trim(w->tmp->data), "refresh") == 0;
        }
    }
    const char *src = url_source(lx->name);
    if (src == NULL)
        return;
    buf_reset(w->tmp);
    html_decode(w->tmp, lx->val, lx->vlen, true);
    if (strcmp(src, "srcset") == 0) {
        srcset(w, w->tmp->data, w->tmp->len);
        return;
    }
    bool a_href = w->in_a && !w->has_href && strcmp(lx->tag, "a") == 0 && strcmp(src, "href") == 0;
    void *handle = emit_url(w, w->tmp->data, w->tmp->len, src);
    if (a_href) {
        w->anchor = handle;
        w->has_href = true;
    }
}

/* anchor_text - add decoded text to the open anchor's display text: white space
 * collapsed; collection stops just past max_text bytes, so memory stays bounded */
static void anchor_text(WALK *w, const char *s, size_t n)
{
    BUF *b = w->atext;
    for (size_t i = 0; i < n && b->len <= w->max_text; i++) {
        unsigned char c = (unsigned char)s[i];
        bool sp = c == ' ' || (c >= '\t' && c <= '\r');
        if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] == 0xa0) {
            sp = true;
            i++;
        }
        if (sp) {
            w->space = b->len > 0;
            continue;
        }
        if (w->space)
            buf_putc(b, ' ');
        w->space = false;
        buf_putc(b, c);
    }
}

/* anchor_close - end the open <a>: report its text, cut on a UTF-8 boundary */
static void anchor_close(WALK *w)
{
    BUF *b = w->atext;
    if (w->has_href) {
        if (b->len > w->max_text) {
            size_t k = w->max_text;
            while (k > 0 && w->max_text - k < 3 && ((unsigned char)b->data[k] & 0xc0) == 0x80)
                k--;
            buf_truncate(b, k);
        }
        while (b->len && b->data[b->len - 1] == ' ')
            buf_truncate(b, b->len - 1);
        w->sink->anchor(w->ctx, w->anchor, b->data, b->len);
    }
    buf_reset(b);
    w->anchor = NULL;
    w->in_a = w->has_href = w->space = false;
}

/* on_token - handle one token of the walk */
static void on_token(WALK *w, const LEX *lx, int t)
{
    if (t == T_TEXT) {
        buf_reset(w->tmp);
        html_decode(w->tmp, lx->val, lx->vlen, false);
        w->sink->text(w->ctx, w->tmp->data, w->tmp->len);
        if (w->in_a)
            anchor_text(w, w->tmp->data, w->tmp->len);
    } else if (t == T_RAWTEXT) { /* scripts and styles hold URLs too */
        w->sink->text(w->ctx, lx->val, lx->vlen);
    } else if (t == T_START) {
        if (strcmp(lx->tag, "a") == 0) {
            anchor_close(w);
            w->in_a = true;
        }
        w->refresh = false;
        w->content = NULL;
    } else if (t == T_ATTR) {
        on_attr(w, lx);
    } else if (t == T_START_DONE && w->refresh && w->content && strcmp(lx->tag, "meta") == 0) {
        buf_reset(w->tmp);
        html_decode(w->tmp, w->content, w->clen, true);
        meta_refresh(w, w->tmp->data, w->tmp->len);
    } else if (t == T_END && strcmp(lx->tag, "a") == 0) {
        anchor_close(w);
    }
}

/* html_walk - tokenize HTML and report URLs, text and anchor text (see html.h) */
void html_walk(const char *s, size_t n, size_t max_text, const HTML_SINK *sink, void *ctx)
{
    WALK w = {.sink = sink, .ctx = ctx, .max_text = max_text};
    LEX lx;
    w.tmp = buf_new(256);
    w.atext = buf_new(max_text + 8);
    lex_init(&lx, s, n);
    for (int t; (t = lex_next(&lx)) != T_EOF;)
        on_token(&w, &lx, t);
    anchor_close(&w);
    buf_free(w.tmp);
    buf_free(w.atext);
}
