/*
 * heur/deobf_vbe - Microsoft Script Encoder blocks (#@~^ ... ^#~@, .vbe/.jse and
 *             VBScript.Encode/JScript.Encode in markup) and batch obfuscation (`set`
 *             variables expanded with %X%, %X:~n,m% and %X:a=b%, carets) (see deobf.h)
 *
 * Script Encoder. A block is "#@~^", eight characters of header (the base64 of the
 * encoded length, a 32-bit little-endian number, then "=="), the encoded text, eight
 * characters of checksum (base64 of the sum of the decoded bytes) and "^#~@". In the
 * encoded text "@&" stands for LF, "@#" for CR, "@*" for '>', "@!" for '<' and "@$" for
 * '@'. Every other character below 0x80 that is TAB or printable (but not '<', '>', '@')
 * is substituted through one of three tables; which one is picked by PICK[k % 64], where
 * k counts the characters below 0x80 decoded so far (escapes count as one). Bytes from
 * 0x80 up pass unchanged and do not advance k. The decoder reads at most the header
 * length (or to the end of the input), so a block is read once; garbage after "#@~^"
 * that is not a header is skipped.
 *
 * Batch. Lines are processed as cmd.exe does, in order:
 *   1. percent expansion: %% is %, %0-%9 and %~.. (arguments) stay, %NAME% is the value
 *      of NAME (a batch file expands an undefined variable to nothing, which obfuscators
 *      use to split words; a shortcut's command line keeps it as written), with :~n,m
 *      substrings and :old=new substitutions. Common environment variables have their
 *      usual Windows values, so %COMSPEC:~-7,3% works; plain %TEMP% stays as written.
 *   2. carets: outside double quotes ^x is x (a caret at the line end joins the next
 *      line); each command (split at unquoted, unescaped & and |) that is `set NAME=value`
 *      or `set "NAME=value"` stores the variable (with `setlocal enabledelayedexpansion`
 *      or cmd /v:on, !NAME! is expanded in the command first).
 * At most MAX_VARS variables of at most NAME_MAX/VALUE_MAX bytes (cmd's own line limit)
 * are kept, in a fixed table. Substitution work is paid from the call's budget. The
 * result is emitted as "cmdset" when a variable was expanded, as "carets" when only
 * carets were removed.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "heur/deobf_int.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define MAX_VARS  256
#define SLOTS     512
#define PROBES    8
#define NAME_MAX  64
#define VALUE_MAX 8191
#define PCT_SCAN  256 /* a %name% longer than this is not a variable */

/* ---------------------------------------------------------------- Script Encoder */

/* Which of the three substitution tables decodes the k-th character. */
static const unsigned char PICK[64] = {
    0, 1, 2, 0, 1, 2, 1, 2, 2, 1, 2, 1, 0, 2, 1, 2, 0, 2, 1, 2, 0, 0, 1, 2, 2, 1, 0, 2, 1, 2, 2, 1,
    0, 0, 2, 1, 2, 1, 2, 0, 2, 0, 0, 1, 2, 0, 2, 1, 0, 2, 1, 2, 0, 0, 1, 2, 2, 0, 0, 1, 2, 0, 2, 1,
};

/* The substitution tables: TABLE[c] holds the plain character for encoded c in each of
 * the three tables (TAB and 0x20..0x7F; '<', '>' and '@' are never substituted). */
static const char TABLE[128][3] = {
    [9] = {'\x57', '\x6E', '\x7B'},   [32] = {'\x2E', '\x2D', '\x32'},
    [33] = {'\x47', '\x75', '\x30'},  [34] = {'\x7A', '\x52', '\x21'},
    [35] = {'\x56', '\x60', '\x29'},  [36] = {'\x42', '\x71', '\x5B'},
    [37] = {'\x6A', '\x5E', '\x38'},  [38] = {'\x2F', '\x49', '\x33'},
    [39] = {'\x26', '\x5C', '\x3D'},  [40] = {'\x49', '\x62', '\x58'},
    [41] = {'\x41', '\x7D', '\x3A'},  [42] = {'\x34', '\x29', '\x35'},
    [43] = {'\x32', '\x36', '\x65'},  [44] = {'\x5B', '\x20', '\x39'},
    [45] = {'\x76', '\x7C', '\x5C'},  [46] = {'\x72', '\x7A', '\x56'},
    [47] = {'\x43', '\x7F', '\x73'},  [48] = {'\x38', '\x6B', '\x66'},
    [49] = {'\x39', '\x63', '\x4E'},  [50] = {'\x70', '\x33', '\x45'},
    [51] = {'\x45', '\x2B', '\x6B'},  [52] = {'\x68', '\x68', '\x62'},
    [53] = {'\x71', '\x51', '\x59'},  [54] = {'\x4F', '\x66', '\x78'},
    [55] = {'\x09', '\x76', '\x5E'},  [56] = {'\x62', '\x31', '\x7D'},
    [57] = {'\x44', '\x64', '\x4A'},  [58] = {'\x23', '\x54', '\x6D'},
    [59] = {'\x75', '\x43', '\x71'},  [61] = {'\x7E', '\x3A', '\x60'},
    [63] = {'\x5E', '\x7E', '\x53'},  [65] = {'\x77', '\x45', '\x42'},
    [66] = {'\x4A', '\x2C', '\x27'},  [67] = {'\x61', '\x2A', '\x48'},
    [68] = {'\x5D', '\x74', '\x72'},  [69] = {'\x22', '\x27', '\x75'},
    [70] = {'\x4B', '\x37', '\x31'},  [71] = {'\x6F', '\x44', '\x37'},
    [72] = {'\x4E', '\x79', '\x4D'},  [73] = {'\x3B', '\x59', '\x52'},
    [74] = {'\x4C', '\x2F', '\x22'},  [75] = {'\x50', '\x6F', '\x54'},
    [76] = {'\x67', '\x26', '\x6A'},  [77] = {'\x2A', '\x72', '\x47'},
    [78] = {'\x7D', '\x6A', '\x64'},  [79] = {'\x74', '\x39', '\x2D'},
    [80] = {'\x54', '\x7B', '\x20'},  [81] = {'\x2B', '\x3F', '\x7F'},
    [82] = {'\x2D', '\x38', '\x2E'},  [83] = {'\x2C', '\x77', '\x4C'},
    [84] = {'\x30', '\x67', '\x5D'},  [85] = {'\x6E', '\x53', '\x7E'},
    [86] = {'\x6B', '\x47', '\x6C'},  [87] = {'\x66', '\x34', '\x6F'},
    [88] = {'\x35', '\x78', '\x79'},  [89] = {'\x25', '\x5D', '\x74'},
    [90] = {'\x21', '\x30', '\x43'},  [91] = {'\x64', '\x23', '\x26'},
    [92] = {'\x4D', '\x5A', '\x76'},  [93] = {'\x52', '\x5B', '\x25'},
    [94] = {'\x63', '\x6C', '\x24'},  [95] = {'\x3F', '\x48', '\x2B'},
    [96] = {'\x7B', '\x55', '\x28'},  [97] = {'\x78', '\x70', '\x23'},
    [98] = {'\x29', '\x69', '\x41'},  [99] = {'\x28', '\x2E', '\x34'},
    [100] = {'\x73', '\x4C', '\x09'}, [101] = {'\x59', '\x21', '\x2A'},
    [102] = {'\x33', '\x24', '\x44'}, [103] = {'\x7F', '\x4E', '\x3F'},
    [104] = {'\x6D', '\x50', '\x77'}, [105] = {'\x55', '\x09', '\x3B'},
    [106] = {'\x53', '\x56', '\x55'}, [107] = {'\x7C', '\x73', '\x69'},
    [108] = {'\x3A', '\x35', '\x61'}, [109] = {'\x5F', '\x61', '\x63'},
    [110] = {'\x65', '\x4B', '\x50'}, [111] = {'\x46', '\x58', '\x67'},
    [112] = {'\x58', '\x3B', '\x51'}, [113] = {'\x31', '\x57', '\x49'},
    [114] = {'\x69', '\x22', '\x4F'}, [115] = {'\x6C', '\x6D', '\x46'},
    [116] = {'\x5A', '\x4D', '\x68'}, [117] = {'\x48', '\x25', '\x7C'},
    [118] = {'\x27', '\x28', '\x36'}, [119] = {'\x5C', '\x46', '\x70'},
    [120] = {'\x3D', '\x4A', '\x6E'}, [121] = {'\x24', '\x32', '\x7A'},
    [122] = {'\x79', '\x41', '\x2F'}, [123] = {'\x37', '\x3D', '\x5F'},
    [124] = {'\x60', '\x5F', '\x4B'}, [125] = {'\x51', '\x4F', '\x5A'},
    [126] = {'\x20', '\x42', '\x2C'}, [127] = {'\x36', '\x65', '\x57'},
};

/* vbe_header - the encoded length from the 8 header characters at p, or -1 */
static long long vbe_header(const char *p, size_t n)
{
    if (n < 8 || p[6] != '=' || p[7] != '=')
        return -1;
    for (size_t i = 0; i < 6; i++)
        if (!deobf_b64c(p[i]))
            return -1;
    BUF *b = buf_new(8);
    deobf_b64dec(p, 6, b, 4);
    long long len = b->len == 4 ? (long long)((unsigned char)b->data[0] |
                                              (unsigned)(unsigned char)b->data[1] << 8 |
                                              (unsigned long)(unsigned char)b->data[2] << 16 |
                                              (unsigned long)(unsigned char)b->data[3] << 24)
                                : -1;
    buf_free(b);
    return len;
}

/* vbe_escape - the character "@x" stands for, or 0 */
static char vbe_escape(char x)
{
    switch (x) {
    case '&':
        return '\n';
    case '#':
        return '\r';
    case '*':
        return '>';
    case '!':
        return '<';
    case '$':
        return '@';
    default:
        return 0;
    }
}

/* vbe_decode - decode p[0..n) into out (at most max bytes) */
static void vbe_decode(const char *p, size_t n, BUF *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n && out->len < max; i++) {
        unsigned char c = (unsigned char)p[i];
        char e = c == '@' && i + 1 < n ? vbe_escape(p[i + 1]) : 0;
        if (e) {
            i++;
            k++;
            deobf_put(out, max, &e, 1);
            continue;
        }
        char plain = (char)c;
        if (c < 0x80) {
            if ((c == 9 || c >= 32) && c != '<' && c != '>' && c != '@')
                plain = TABLE[c][PICK[k % 64]];
            k++;
        }
        deobf_put(out, max, &plain, 1);
    }
}

/* vbe_lang - the language of a block at `at`: from the input language or the markup */
static const char *vbe_lang(const DEOBF *d, size_t at, const char *dec, size_t len)
{
    if (deobf_lang_in(d->lang, "vbe vbs"))
        return "vbs";
    if (deobf_lang_in(d->lang, "jse js"))
        return "js";
    size_t back = at > 512 ? at - 512 : 0;
    const char *j = str_memmem_ci(d->in + back, at - back, "jscript.encode");
    const char *v = str_memmem_ci(d->in + back, at - back, "vbscript.encode");
    if (j && v)
        return j > v ? "js" : "vbs"; /* the nearer language attribute */
    if (j || v)
        return j ? "js" : "vbs";
    const char *g = deobf_guess(dec, len, "vbs");
    return g && strcmp(g, "js") == 0 ? "js" : "vbs";
}

/* deobf_vbe - every #@~^ block decoded (see the top of this file) */
void deobf_vbe(DEOBF *d)
{
    const char *in = d->in;
    size_t n = d->n;
    for (size_t i = 0; i + 12 <= n && !deobf_full(d); i++) {
        if (in[i] != '#' || memcmp(in + i, "#@~^", 4) != 0)
            continue;
        long long len = vbe_header(in + i + 4, n - i - 4);
        size_t s = i + 12;
        if (len <= 0)
            continue;
        if ((unsigned long long)len > n - s) { /* a cut or lying header: up to the trailer */
            const char *t = memmem(in + s, n - s, "^#~@", 4);
            size_t e = t ? (size_t)(t - in) : n;
            e = t && e >= s + 8 ? e - 8 : e; /* not the checksum before the trailer */
            len = (long long)(e - s);
        }
        if (len <= 0)
            continue;
        BUF *b = buf_new((size_t)len < d->lim->max_out ? (size_t)len + 1 : d->lim->max_out + 1);
        vbe_decode(in + s, (size_t)len, b, d->lim->max_out);
        const char *lang = vbe_lang(d, i, b->data, b->len);
        deobf_emit(d, strcmp(lang, "js") == 0 ? "jse" : "vbe", lang, b->data, b->len);
        buf_free(b);
        i = s + (size_t)len - 1;
    }
}

/* ---------------------------------------------------------------- batch */

typedef struct CVAR {
    char *name, *val; /* name in lower case */
    size_t nlen, vlen;
    bool env; /* a seeded environment variable: plain %NAME% stays as written */
} CVAR;

typedef struct CMD {
    DEOBF *d;
    CVAR *slots; /* SLOTS entries, name NULL when free */
    size_t nvars;
    bool lnk;     /* a command line: unknown %X% stays, quotes do not protect & */
    bool delayed; /* !X! is expanded too */
    size_t expanded, carets;
} CMD;

/* Environment variables with their usual values, for %X:~n,m% tricks. */
static const struct {
    const char *name, *value;
} env_seed[] = {
    {"comspec", "C:\\Windows\\system32\\cmd.exe"},
    {"windir", "C:\\Windows"},
    {"systemroot", "C:\\Windows"},
    {"systemdrive", "C:"},
    {"programdata", "C:\\ProgramData"},
    {"allusersprofile", "C:\\ProgramData"},
    {"public", "C:\\Users\\Public"},
    {"userprofile", "C:\\Users\\user"},
    {"appdata", "C:\\Users\\user\\AppData\\Roaming"},
    {"localappdata", "C:\\Users\\user\\AppData\\Local"},
    {"temp", "C:\\Users\\user\\AppData\\Local\\Temp"},
    {"tmp", "C:\\Users\\user\\AppData\\Local\\Temp"},
    {"programfiles", "C:\\Program Files"},
    {"commonprogramfiles", "C:\\Program Files\\Common Files"},
    {"homedrive", "C:"},
    {"homepath", "\\Users\\user"},
    {"os", "Windows_NT"},
    {"pathext", ".COM;.EXE;.BAT;.CMD;.VBS;.VBE;.JS;.JSE;.WSF;.WSH;.MSC"},
};

/* cvar_find - the variable called name[0..k) (any case); with add a new slot, or NULL */
static CVAR *cvar_find(CMD *m, const char *name, size_t k, bool add)
{
    if (k == 0 || k > NAME_MAX)
        return NULL;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < k; i++)
        h = (h ^ (unsigned char)tolower((unsigned char)name[i])) * 16777619u;
    for (size_t p = 0; p < PROBES; p++) {
        CVAR *v = &m->slots[(h + p) % SLOTS];
        if (v->name == NULL) {
            if (!add || m->nvars >= MAX_VARS)
                return NULL;
            v->name = xmemdup(name, k + 1);
            v->name[k] = 0;
            str_lower(v->name);
            v->nlen = k;
            m->nvars++;
            return v;
        }
        if (v->nlen == k && strncasecmp(v->name, name, k) == 0)
            return v;
    }
    return NULL;
}

/* cvar_set - store a value (cut at VALUE_MAX) */
static void cvar_set(CMD *m, const char *name, size_t k, const char *val, size_t vn, bool env)
{
    CVAR *v = cvar_find(m, name, k, true);
    if (v == NULL)
        return;
    if (vn > VALUE_MAX)
        vn = VALUE_MAX;
    free(v->val);
    v->val = xmemdup(val, vn + 1);
    v->val[vn] = 0;
    v->vlen = vn;
    v->env = env;
}

/* snum - a signed decimal at p[*i] */
static bool snum(const char *p, size_t n, size_t *i, long *v)
{
    size_t j = *i;
    bool neg = j < n && p[j] == '-';
    j += neg;
    long x = 0;
    size_t d0 = j;
    while (j < n && isdigit((unsigned char)p[j]) && j - d0 < 6)
        x = x * 10 + (p[j++] - '0');
    if (j == d0)
        return false;
    *v = neg ? -x : x;
    *i = j;
    return true;
}

/* substring - %X:~start[,len]% of value v, cmd's rules for negative numbers */
static bool substring(const CVAR *v, const char *mod, size_t mn, BUF *out, size_t max)
{
    size_t i = 1;
    long a;
    long b = 0;
    if (!snum(mod, mn, &i, &a))
        return false;
    bool has_b = i < mn && mod[i] == ',';
    if ((has_b && (i++, !snum(mod, mn, &i, &b))) || i != mn)
        return false;
    long len = (long)v->vlen;
    long s = a < 0 ? (a + len < 0 ? 0 : a + len) : (a > len ? len : a);
    long e = !has_b ? len : b < 0 ? len + b : s + b;
    if (e > len)
        e = len;
    if (e > s)
        deobf_put(out, max, v->val + s, (size_t)(e - s));
    return true;
}

/* substitute - %X:old=new% (all, any case; *old replaces up to the first old) */
static bool substitute(CMD *m, const CVAR *v, const char *mod, size_t mn, BUF *out, size_t max)
{
    const char *eq = memchr(mod, '=', mn);
    if (eq == NULL || eq == mod || !deobf_charge(m->d, v->vlen * (size_t)(eq - mod) + 1))
        return false;
    bool star = mod[0] == '*';
    char *old = xstrndup(mod + star, (size_t)(eq - mod) - star);
    size_t on = strlen(old);
    size_t from = 0;
    const char *rep = eq + 1;
    size_t rn = mn - (size_t)(rep - mod);
    const char *hit;
    while (on > 0 && (hit = str_memmem_ci(v->val + from, v->vlen - from, old)) != NULL) {
        size_t at = (size_t)(hit - v->val);
        if (!star)
            deobf_put(out, max, v->val + from, at - from);
        deobf_put(out, max, rep, rn);
        from = at + on;
        if (star)
            break;
    }
    deobf_put(out, max, v->val + from, v->vlen - from);
    free(old);
    return true;
}

/* expand - the value of %name[:mod]% into out; false when it stays as written */
static bool expand(CMD *m, const char *name, size_t k, BUF *out)
{
    size_t max = m->d->lim->max_out;
    const char *colon = memchr(name, ':', k);
    size_t bn = colon ? (size_t)(colon - name) : k;
    CVAR *v = cvar_find(m, name, bn, false);
    if (colon == NULL && v == NULL && !m->lnk) {
        m->expanded++; /* an undefined variable: nothing, as a batch file runs it */
        return true;
    }
    if (v == NULL || (colon == NULL && v->env))
        return false;
    bool ok = true;
    if (colon == NULL)
        deobf_put(out, max, v->val, v->vlen);
    else if (colon[1] == '~')
        ok = substring(v, colon + 1, k - bn - 1, out, max);
    else
        ok = substitute(m, v, colon + 1, k - bn - 1, out, max);
    m->expanded += ok;
    return ok;
}

/* pct_line - phase 1: %-expansion of one line (delim '%'), or of !X! (delim '!') */
static void pct_line(CMD *m, const char *p, size_t n, BUF *out, char delim)
{
    size_t max = m->d->lim->max_out;
    for (size_t i = 0; i < n && out->len < max;) {
        char c = p[i];
        char next = i + 1 < n ? p[i + 1] : 0;
        if (c != delim) {
            deobf_put(out, max, p + i++, 1);
            continue;
        }
        if (delim == '%' &&
            (next == '%' || isdigit((unsigned char)next) || next == '~' || next == '*')) {
            deobf_put(out, max, p + i, next == '%' ? 1 : 2);
            i += 2;
            continue;
        }
        size_t j = i + 1;
        while (j < n && j - i <= PCT_SCAN && p[j] != delim)
            j++;
        if (j < n && p[j] == delim && j > i + 1 && expand(m, p + i + 1, j - i - 1, out)) {
            i = j + 1;
        } else {
            deobf_put(out, max, p + i++, 1);
        }
    }
}

/* command - one command of a processed line (out from s0): !X! and `set NAME=value` */
static void command(CMD *m, BUF *out, size_t s0)
{
    if (m->delayed && memchr(out->data + s0, '!', out->len - s0)) {
        BUF *t = buf_new(out->len - s0 + 1);
        pct_line(m, out->data + s0, out->len - s0, t, '!');
        buf_truncate(out, s0);
        deobf_put(out, m->d->lim->max_out, t->data, t->len);
        buf_free(t);
    }
    const char *p = out->data + s0;
    size_t n = out->len - s0;
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '@' || p[i] == '('))
        i++;
    if (deobf_at(p, n, i, "call "))
        i = deobf_ws(p, n, i + 5);
    if (!deobf_at(p, n, i, "set") || i + 3 >= n || (p[i + 3] != ' ' && p[i + 3] != '"'))
        return;
    i = deobf_ws(p, n, i + 3);
    bool quoted = i < n && p[i] == '"';
    const char *eq = memchr(p + i + quoted, '=', n - i - quoted);
    if (i >= n || p[i] == '/' || eq == NULL)
        return;
    const char *name = p + i + quoted;
    const char *val = eq + 1;
    const char *end = p + n;
    if (quoted) {
        const char *q = memrchr(val, '"', (size_t)(end - val));
        end = q ? q : end;
    }
    cvar_set(m, name, (size_t)(eq - name), val, (size_t)(end - val), false);
}

/* caret_line - phase 2: carets removed outside quotes, commands split at & and | */
static bool caret_line(CMD *m, const char *p, size_t n, BUF *out)
{
    size_t max = m->d->lim->max_out;
    size_t s0 = out->len;
    bool quoted = false;
    for (size_t i = 0; i < n && out->len < max; i++) {
        char c = p[i];
        if (c == '"' && !m->lnk)
            quoted = !quoted;
        if (c == '^' && !quoted) {
            m->carets++;
            if (i + 1 >= n)
                return true; /* a caret at the line end joins the next line */
            deobf_put(out, max, p + ++i, 1);
            continue;
        }
        if ((c == '&' || c == '|') && !quoted) {
            command(m, out, s0);
            deobf_put(out, max, &c, 1);
            s0 = out->len;
            continue;
        }
        deobf_put(out, max, &c, 1);
    }
    command(m, out, s0);
    return false;
}

/* cmd_free - release the variable table */
static void cmd_free(CMD *m)
{
    for (size_t i = 0; i < SLOTS; i++) {
        free(m->slots[i].name);
        free(m->slots[i].val);
    }
    free(m->slots);
}

/* deobf_cmdset - batch variables and carets (see the top of this file) */
void deobf_cmdset(DEOBF *d)
{
    if (!deobf_lang_in(d->lang, "bat cmd lnk") || deobf_full(d))
        return;
    const char *in = d->in;
    size_t n = d->n;
    size_t max = d->lim->max_out;
    CMD m = {d, xcalloc(SLOTS, sizeof(CVAR)), 0, strcmp(d->lang, "lnk") == 0, false, 0, 0};
    for (size_t i = 0; i < sizeof(env_seed) / sizeof(env_seed[0]); i++)
        cvar_set(&m, env_seed[i].name, strlen(env_seed[i].name), env_seed[i].value,
                 strlen(env_seed[i].value), true);
    m.delayed = str_memmem_ci(in, n, "enabledelayedexpansion") || str_memmem_ci(in, n, "/v:on") ||
                str_memmem_ci(in, n, "/v on");
    BUF *o = buf_new(n < max ? n + 1 : max + 1);
    BUF *line = buf_new(256);
    for (size_t ls = 0; ls < n && o->len < max;) {
        const char *nl = memchr(in + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - in) : n;
        size_t ce = le > ls && in[le - 1] == '\r' ? le - 1 : le;
        buf_reset(line);
        pct_line(&m, in + ls, ce - ls, line, '%');
        if (!caret_line(&m, line->data, line->len, o))
            deobf_put(o, max, in + ce, le + (nl != NULL) - ce);
        ls = le + (nl != NULL);
    }
    if (m.expanded > 0)
        deobf_emit(d, "cmdset", "bat", o->data, o->len);
    else if (m.carets > 0)
        deobf_emit(d, "carets", "bat", o->data, o->len);
    buf_free(o);
    buf_free(line);
    cmd_free(&m);
}
