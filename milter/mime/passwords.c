/*
 * mime/passwords - candidate archive passwords stated in a message's text
 * (contract in mime/passwords.h)
 *
 * Why it is built this way:
 *  - The text is the sender's. One forward pass; every look-ahead is bounded (a raw token
 *    TOKEN_SCAN bytes, the separators after a keyword NEAR bytes), so the work stays linear
 *    in n whatever the input, and a keyword is compared only where its first character is.
 *  - Latin keywords must be whole words, so "compass", "passenger" and "passport" are not
 *    keywords. CJK text has no spaces, so CJK keywords need no left boundary, but they must
 *    be followed by a non-letter or a particle ("密码是", "パスワードは"): "密码学" and
 *    "パスワードを入力" are prose, not a password announcement.
 *  - '!' and '?' stay at the end of a token: they are common in passwords ("Inv2026!").
 *  - Without an explicit separator (":", "=", "is"), a keyword or filler word after the
 *    keyword ("the password for ...", "password password") is not taken, so junk does not
 *    use up the `max` slots that the archive opener will try.
 *  - Candidates are case-sensitive (passwords are), so duplicates are exact byte matches.
 *  - Tags (text between '<' and '>', when '<' starts a tag name) are skipped, so attribute
 *    values such as type="password" are never read as keywords.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "mime/passwords.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define TOKEN_MAX  64  /* longest candidate in bytes (passwords.h) */
#define TOKEN_SCAN 96  /* look-ahead for one raw token: the candidate plus quotes, punctuation */
#define NEAR       200 /* bytes between a keyword and a quoted or bold token */
#define PENDING    4   /* quoted or bold tokens remembered until a keyword comes near */
#define BOLD_MAX   64  /* <b>/<strong> nesting that is counted */
#define SPACE_RUN  8   /* blanks matched by one space inside a keyword ("mot de passe") */

typedef enum { W_LATIN, W_CJK, W_PARTICLE } WKIND;

typedef struct WORD {
    const char *s; /* lower case UTF-8; a space matches a short run of blanks */
    WKIND kind;    /* W_LATIN: whole word; W_CJK: no left boundary; W_PARTICLE: no boundary */
} WORD;

typedef struct SPAN {
    size_t start, end;
} SPAN;

typedef struct SCAN {
    const unsigned char *p;
    size_t n;
    char **out;
    size_t have, max;
    bool kw_seen;       /* a keyword was found ... */
    size_t kw_end;      /* ... and this is where the last one ended */
    int bold;           /* <b>/<strong> depth */
    size_t bold_toks;   /* tokens inside the outermost bold element */
    SPAN bold_tok;      /* the first of them */
    SPAN pend[PENDING]; /* quoted or bold tokens not yet near a keyword, oldest first */
    size_t npend;
} SCAN;

/* Longer keywords first where one is a prefix of another; whole-word matching decides anyway. */
static const WORD keywords[] = {
    {"password", W_LATIN}, {"passwort", W_LATIN},     {"passcode", W_LATIN},
    {"pass", W_LATIN},     {"pwd", W_LATIN},          {"pw", W_LATIN},
    {"kennwort", W_LATIN}, {"mot de passe", W_LATIN}, {"contraseña", W_LATIN},
    {"senha", W_LATIN},    {"wachtwoord", W_LATIN},   {"hasło", W_LATIN},
    {"пароль", W_LATIN},   {"パスワード", W_CJK},     {"密码", W_CJK},
    {"密碼", W_CJK},       {"암호", W_CJK},           {"비밀번호", W_CJK},
};

/* "is" in the keywords' languages, and the CJK particles that attach to the keyword */
static const WORD is_words[] = {
    {"is", W_LATIN},    {"ist", W_LATIN},   {"est", W_LATIN},   {"es", W_LATIN},
    {"é", W_LATIN},     {"是", W_PARTICLE}, {"为", W_PARTICLE}, {"為", W_PARTICLE},
    {"は", W_PARTICLE}, {"는", W_PARTICLE}, {"은", W_PARTICLE}, {"：", W_PARTICLE},
};

/* Words that follow a keyword in prose; taken only after an explicit separator */
static const WORD fillers[] = {
    {"the", W_LATIN},  {"a", W_LATIN},     {"an", W_LATIN},   {"to", W_LATIN},   {"for", W_LATIN},
    {"of", W_LATIN},   {"on", W_LATIN},    {"in", W_LATIN},   {"it", W_LATIN},   {"and", W_LATIN},
    {"or", W_LATIN},   {"you", W_LATIN},   {"your", W_LATIN}, {"will", W_LATIN}, {"was", W_LATIN},
    {"has", W_LATIN},  {"be", W_LATIN},    {"this", W_LATIN}, {"that", W_LATIN}, {"with", W_LATIN},
    {"from", W_LATIN}, {"below", W_LATIN}, {"und", W_LATIN},  {"für", W_LATIN},  {"der", W_LATIN},
    {"die", W_LATIN},  {"das", W_LATIN},   {"pour", W_LATIN}, {"le", W_LATIN},   {"la", W_LATIN},
    {"de", W_LATIN},   {"du", W_LATIN},    {"el", W_LATIN},   {"para", W_LATIN}, {"do", W_LATIN},
    {"da", W_LATIN},   {"voor", W_LATIN},  {"het", W_LATIN},  {"van", W_LATIN},  {"reset", W_LATIN},
};

/* Quote marks stripped around a token */
static const char *const quotes[] = {"'", "\"", "`", "“",  "”",  "„",  "‘",
                                     "’", "«",  "»", "「", "」", "『", "』"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* cp_at - code point at p[i] and its length; an ill-formed byte is U+FFFD of length 1 */
static size_t cp_at(const unsigned char *p, size_t n, size_t i, unsigned *cp)
{
    size_t l = utf8_seq(p + i, n - i, cp);
    if (l == 0) {
        *cp = 0xfffd;
        l = 1;
    }
    return l;
}

/* fold - lower-case a code point in ASCII, Latin-1, Latin Extended-A and Cyrillic */
static unsigned fold(unsigned cp)
{
    if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
        (cp >= 0x410 && cp <= 0x42f))
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40f)
        return cp + 0x50;
    if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14a && cp <= 0x177))
        return cp | 1;
    if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) && (cp & 1))
        return cp + 1;
    return cp;
}

/* is_word_cp - letters and digits of any script; punctuation and symbols are not */
static bool is_word_cp(unsigned cp)
{
    if (cp < 0x80)
        return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
               cp == '_';
    if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 || cp == 0xfeff || cp == 0xfffd)
        return false;
    return !(cp >= 0x2000 && cp <= 0x2bff) && !(cp >= 0x3000 && cp <= 0x303f) &&
           !(cp >= 0xfe30 && cp <= 0xfe4f) && !(cp >= 0xff00 && cp <= 0xff20);
}

/* space_len - length of the blank at p (ASCII white space, NBSP, U+2000-U+200A, U+3000) */
static size_t space_len(const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r'))
        return 1;
    if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0)
        return 2;
    if (n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] <= 0x8a)
        return 3;
    if (n >= 3 && p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80)
        return 3;
    return 0;
}

/* word_match - end of word w matched at i (case folded), or 0 */
static size_t word_match(const unsigned char *p, size_t n, size_t i, const char *w)
{
    const unsigned char *k = (const unsigned char *)w;
    size_t kn = strlen(w);
    size_t ki = 0;
    while (ki < kn) {
        unsigned kc;
        unsigned tc;
        if (k[ki] == ' ') {
            size_t l;
            size_t runs = 0;
            while (runs < SPACE_RUN && (l = space_len(p + i, n - i))) {
                i += l;
                runs++;
            }
            if (runs == 0)
                return 0;
            ki++;
            continue;
        }
        size_t kl = utf8_seq(k + ki, kn - ki, &kc);
        size_t tl = utf8_seq(p + i, n - i, &tc);
        if (kl == 0 || tl == 0 || fold(tc) != kc)
            return 0;
        ki += kl;
        i += tl;
    }
    return i;
}

/* particle_at - true when a CJK particle starts at i */
static bool particle_at(const SCAN *s, size_t i)
{
    for (size_t k = 0; k < NELEM(is_words); k++)
        if (is_words[k].kind == W_PARTICLE && word_match(s->p, s->n, i, is_words[k].s))
            return true;
    return false;
}

/* right_ok - whether a word of this kind may end at i */
static bool right_ok(const SCAN *s, size_t i, WKIND kind)
{
    unsigned cp;
    if (kind == W_PARTICLE || i >= s->n)
        return true;
    cp_at(s->p, s->n, i, &cp);
    if (!is_word_cp(cp))
        return true;
    return kind == W_CJK && particle_at(s, i);
}

/* word_at - end of the first table word at i with its boundaries, or 0; after_word: i is
 * inside a word, so Latin words cannot start there */
static size_t word_at(const SCAN *s, size_t i, const WORD *tab, size_t ntab, bool after_word)
{
    unsigned char c = s->p[i];
    unsigned char lc = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 0x20) : c;
    for (size_t k = 0; k < ntab; k++) {
        const unsigned char *w = (const unsigned char *)tab[k].s;
        if ((tab[k].kind == W_LATIN && after_word) || (w[0] < 0x80 ? lc != w[0] : c < 0x80))
            continue;
        size_t e = word_match(s->p, s->n, i, tab[k].s);
        if (e && right_ok(s, e, tab[k].kind))
            return e;
    }
    return 0;
}

/* is_one_of - whether span t is exactly one word of the table */
static bool is_one_of(const SCAN *s, SPAN t, const WORD *tab, size_t ntab)
{
    SCAN sub = *s;
    sub.n = t.end; /* the word must end with the token */
    return t.end > t.start && word_at(&sub, t.start, tab, ntab, false) == t.end;
}

/* quote_at - length of a quote mark at p[i] (end: ending at p[i]), or 0 */
static size_t quote_at(const unsigned char *p, size_t start, size_t end, bool at_end)
{
    if (end <= start)
        return 0;
    unsigned char b = at_end ? p[end - 1] : p[start];  /* the ASCII quotes are ' " `; the */
    if (b < 0x80 && b != '\'' && b != '"' && b != '`') /* others start and end >= 0x80 */
        return 0;
    for (size_t k = 0; k < NELEM(quotes); k++) {
        size_t l = strlen(quotes[k]);
        if (end - start < l)
            continue;
        if (memcmp(at_end ? p + end - l : p + start, quotes[k], l) == 0)
            return l;
    }
    return 0;
}

/* strip_punct - drop trailing ".,;:)]" from t */
static void strip_punct(const unsigned char *p, SPAN *t)
{
    while (t->end > t->start && p[t->end - 1] && strchr(".,;:)]", p[t->end - 1]))
        t->end--;
}

/* clean - strip surrounding quotes, an opening bracket and trailing punctuation */
static void clean(const unsigned char *p, SPAN *t)
{
    for (;;) {
        size_t l;
        strip_punct(p, t);
        if ((l = quote_at(p, t->start, t->end, true)))
            t->end -= l;
        else if ((l = quote_at(p, t->start, t->end, false)))
            t->start += l;
        else if (t->end > t->start && (p[t->start] == '(' || p[t->start] == '['))
            t->start++;
        else
            return;
    }
}

/* emit - add the bytes of t as a candidate unless unfit or already there */
static void emit(SCAN *s, SPAN t)
{
    const unsigned char *q = s->p + t.start;
    size_t len = t.end - t.start;
    if (len == 0 || len > TOKEN_MAX || s->have >= s->max || !utf8_valid((const char *)q, len))
        return;
    for (size_t i = 0; i < len; i++)
        if (q[i] < 0x20 || q[i] == 0x7f)
            return;
    for (size_t k = 0; k < s->have; k++)
        if (s->out[k] && strlen(s->out[k]) == len && memcmp(s->out[k], q, len) == 0)
            return;
    s->out[s->have++] = xstrndup((const char *)q, len);
}

/* emit_near - emit a quoted or bold token unless it is a keyword itself */
static void emit_near(SCAN *s, SPAN t)
{
    clean(s->p, &t);
    if (!is_one_of(s, t, keywords, NELEM(keywords)))
        emit(s, t);
}

/* tag_start - whether '<' at i opens a tag (a name, '/', '!' or '?' follows) */
static bool tag_start(const SCAN *s, size_t i)
{
    if (s->p[i] != '<' || i + 1 >= s->n)
        return false;
    unsigned char c = s->p[i + 1];
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!' || c == '?';
}

/* tag_end - index after the '>' closing the tag at i, searching below lim; 0 if none */
static size_t tag_end(const SCAN *s, size_t i, size_t lim)
{
    const unsigned char *gt = memchr(s->p + i, '>', lim - i);
    return gt ? (size_t)(gt - s->p) + 1 : 0;
}

/* token_stop - CJK punctuation that ends a token: "密码：abc123，请查收", "「abc」です" */
static bool token_stop(unsigned cp)
{
    return cp == 0x3001 || cp == 0x3002 || cp == 0x300d || cp == 0x300f || cp == 0xff01 ||
           cp == 0xff0c || cp == 0xff1a || cp == 0xff1b || cp == 0xff1f;
}

/* cjk_script - kana, CJK ideographs, hangul: prose that may follow an ASCII password unspaced */
static bool cjk_script(unsigned cp)
{
    return (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0x3400 && cp <= 0x9fff) ||
           (cp >= 0xac00 && cp <= 0xd7af);
}

/* raw_token - the token starting at i (up to a blank, '<', CJK punctuation, CJK prose right
 * after ASCII, or the end); end 0 when it is longer than TOKEN_SCAN */
static SPAN raw_token(const SCAN *s, size_t i)
{
    SPAN t = {i, i};
    bool prev_ascii = false;
    while (t.end < s->n && s->p[t.end] != '<' && !space_len(s->p + t.end, s->n - t.end)) {
        unsigned cp;
        size_t l = cp_at(s->p, s->n, t.end, &cp);
        if (token_stop(cp) || (prev_ascii && cjk_script(cp)))
            break;
        if (t.end + l - i > TOKEN_SCAN)
            return (SPAN){0, 0};
        prev_ascii = cp < 0x80;
        t.end += l;
    }
    return t;
}

/* near_token - a quoted or bold token: emit it now if a keyword is near, else keep it */
static void near_token(SCAN *s, SPAN t)
{
    if (s->kw_seen && (t.start < s->kw_end || t.start - s->kw_end <= NEAR)) {
        emit_near(s, t);
        return;
    }
    if (s->npend == PENDING) {
        memmove(s->pend, s->pend + 1, (PENDING - 1) * sizeof(s->pend[0]));
        s->npend--;
    }
    s->pend[s->npend++] = t;
}

/* on_tag - note <b>/<strong> opening and closing; returns the index after the tag */
static size_t on_tag(SCAN *s, size_t i)
{
    size_t e = tag_end(s, i, s->n);
    size_t j = i + 1;
    bool closing = s->p[j] == '/';
    j += closing;
    size_t name = j;
    while (j < s->n && ((s->p[j] | 0x20) >= 'a' && (s->p[j] | 0x20) <= 'z'))
        j++;
    bool bold = (j - name == 1 && (s->p[name] | 0x20) == 'b') ||
                (j - name == 6 && strncasecmp((const char *)s->p + name, "strong", 6) == 0);
    if (bold && !closing && s->bold < BOLD_MAX) {
        if (s->bold++ == 0)
            s->bold_toks = 0;
    } else if (bold && closing && s->bold > 0) {
        if (--s->bold == 0 && s->bold_toks == 1)
            near_token(s, s->bold_tok);
    }
    return e ? e : s->n; /* an unterminated tag runs to the end, as in HTML */
}

/* on_token - a token starts at i: count it inside bold, take it if it is quoted */
static void on_token(SCAN *s, size_t i)
{
    SPAN t = raw_token(s, i);
    if (s->bold > 0 && s->bold_toks++ == 0)
        s->bold_tok = t;
    if (t.end == 0)
        return;
    SPAN u = t;
    strip_punct(s->p, &u);
    size_t ql = quote_at(s->p, u.start, u.end, false);
    size_t qr = ql ? quote_at(s->p, u.start + ql, u.end, true) : 0;
    if (ql && qr && u.end - u.start > ql + qr)
        near_token(s, t);
}

/* skip_separators - index of the token after a keyword ending at i, or 0 when there is none;
 * *explicit is set when ':', '=', '：' or an "is" word was seen */
static size_t skip_separators(const SCAN *s, size_t i, bool *explicit)
{
    size_t lim = s->n - i > NEAR ? i + NEAR : s->n;
    size_t kw_end = i;
    size_t l;
    while (i < lim) {
        unsigned char c = s->p[i];
        if ((l = space_len(s->p + i, s->n - i))) {
            i += l;
        } else if (c == ':' || c == '=') {
            *explicit = true;
            i++;
        } else if (c == '-') {
            bool blank_after = space_len(s->p + i + 1, s->n - i - 1) > 0;
            if (!blank_after && i == kw_end)
                return 0; /* "password-protected": a compound, not a separator */
            if (!blank_after)
                return i;
            i++;
        } else if (tag_start(s, i)) {
            if ((i = tag_end(s, i, lim)) == 0)
                return 0;
        } else if ((l = word_at(s, i, is_words, NELEM(is_words), false))) {
            *explicit = true;
            i = l;
        } else {
            return i;
        }
    }
    return 0;
}

/* on_keyword - a keyword spans [ks, ke): release near tokens, take the token after it */
static void on_keyword(SCAN *s, size_t ks, size_t ke)
{
    for (size_t k = 0; k < s->npend; k++)
        if (s->pend[k].end <= ks && ks - s->pend[k].end <= NEAR)
            emit_near(s, s->pend[k]);
    s->npend = 0;
    s->kw_seen = true;
    s->kw_end = ke;

    bool expl = false;
    size_t i = skip_separators(s, ke, &expl);
    if (i == 0)
        return;
    SPAN t = raw_token(s, i);
    if (t.end == 0)
        return;
    clean(s->p, &t);
    if (!expl &&
        (is_one_of(s, t, keywords, NELEM(keywords)) || is_one_of(s, t, fillers, NELEM(fillers))))
        return;
    emit(s, t);
}

/* folds_lead - a UTF-8 lead byte of code points fold() changes, or of their folded forms
 * (Latin-1, Latin Extended-A, Cyrillic): a word starting there may match text whose lead
 * byte differs */
static bool folds_lead(unsigned char b)
{
    return (b >= 0xc3 && b <= 0xc5) || b == 0xd0 || b == 0xd1;
}

/* lead_bytes - first[b] is set for every byte b at which a word of tab may start: both cases
 * of an ASCII initial, the lead byte of another one (all the folding lead bytes when it is
 * one of them). word_at finds nothing where first[] is clear, so the scan skips those bytes
 * (most of a text) without looking at the table. */
static void lead_bytes(const WORD *tab, size_t ntab, bool first[256])
{
    memset(first, 0, 256 * sizeof(bool));
    for (size_t k = 0; k < ntab; k++) {
        unsigned char w = (unsigned char)tab[k].s[0];
        first[w] = true;
        if (w >= 'a' && w <= 'z')
            first[w - 0x20] = true;
        for (unsigned b = 0xc3; folds_lead(w) && b <= 0xd1; b++)
            first[b] |= folds_lead((unsigned char)b);
    }
}

/* passwords_collect - append candidate passwords found in text to out[have..max-1] */
size_t passwords_collect(const char *text, size_t n, char **out, size_t have, size_t max)
{
    if (text == NULL || out == NULL || have >= max)
        return have;
    SCAN s = {.p = (const unsigned char *)text, .n = n, .out = out, .have = have, .max = max};
    bool first[256];
    lead_bytes(keywords, NELEM(keywords), first);
    size_t i = 0;
    bool prev_word = false;
    bool in_tok = false;
    while (i < n && s.have < s.max) {
        size_t l;
        unsigned cp;
        if (tag_start(&s, i)) {
            i = on_tag(&s, i);
            prev_word = in_tok = false;
            continue;
        }
        if ((l = space_len(s.p + i, n - i))) {
            i += l;
            prev_word = in_tok = false;
            continue;
        }
        if (!in_tok)
            on_token(&s, i);
        in_tok = true;
        if (first[s.p[i]] && (l = word_at(&s, i, keywords, NELEM(keywords), prev_word))) {
            on_keyword(&s, i, l);
            i = l;
            prev_word = true;
            continue;
        }
        i += cp_at(s.p, n, i, &cp);
        prev_word = is_word_cp(cp);
    }
    return s.have;
}
