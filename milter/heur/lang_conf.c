/*
 * lang_conf - heur_lang's declarative formats: WMI .mof event subscriptions, .inf files
 *             run by CMSTP/advpack, and .reg files with hex-encoded values
 *             (see heur/lang.h, heur/lang_int.h)
 *
 * MOF: each `instance of <class> ... { ... };` is read once, its end found by a scan that
 * skips "..." strings; the properties that hold what runs (CommandLineTemplate,
 * ExecutablePath, ScriptText) are MOF string sequences ("a" "b" concatenate; \" \\ \n
 * \t \r escapes) and become layers.
 *
 * INF: one pass indexes the [sections] (at most LANG_MAX_SECTIONS); the keys
 * RunPreSetupCommands, RunPostSetupCommands, RegisterOCXs and UnRegisterOCXs name
 * sections (comma-separated, an optional :flag after each) whose lines are what
 * advpack runs: commands, or DLLs it registers (scrobj.dll with a URL is the CMSTP/
 * Squiblydoo remote scriptlet).
 *
 * REG: value lines `"name"=hex(2):41,00,...` (continued by a trailing backslash) are
 * REG_EXPAND_SZ, hex(7) REG_MULTI_SZ, hex(1) REG_SZ, all UTF-16LE; `hex:` REG_BINARY is
 * taken when it decodes to UTF-16LE or printable text. The layer is the file with those
 * values written as "name"="text", so heur_registry sees the payload next to its key.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "heur/lang_int.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define PROP_WINDOW 256 /* bytes between a property name and its '=' value start */

/* ---------------------------------------------------------------- MOF */

/* mof_end - offset just after the '}' closing the block opened at or after i */
static size_t mof_end(const char *p, size_t n, size_t i)
{
    char q = 0;
    for (; i < n; i++) {
        if (q == '"') {
            if (p[i] == '\\')
                i++;
            else if (p[i] == '"')
                q = 0;
        } else if (p[i] == '"') {
            q = '"';
        } else if (p[i] == '}') {
            return i + 1;
        }
    }
    return n;
}

/* mof_string - the MOF string sequence at p[i..e) ("a" "b" ...) appended unescaped */
static void mof_string(const char *p, size_t e, size_t i, BUF *out, size_t max)
{
    for (;;) {
        while (i < e && isspace((unsigned char)p[i]))
            i++;
        if (i >= e || p[i] != '"')
            return;
        for (i++; i < e && p[i] != '"' && out->len < max; i++) {
            char c = p[i];
            if (c == '\\' && i + 1 < e) {
                c = p[++i];
                c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c;
            }
            buf_putc(out, c);
        }
        if (i < e)
            i++;
    }
}

/* mof_prop - property name = string in the block p[b0..b1): appended to out */
static bool mof_prop(const LX *x, size_t b0, size_t b1, const char *name, BUF *out)
{
    size_t k = strlen(name);
    for (size_t i = b0; (i = lang_find(x->p, b1, i, name)) < b1; i += k) {
        if (i > 0 && (isalnum((unsigned char)x->p[i - 1]) || x->p[i - 1] == '_'))
            continue;
        size_t j = i + k;
        while (j < b1 && j - i < PROP_WINDOW && isspace((unsigned char)x->p[j]))
            j++;
        if (j >= b1 || x->p[j] != '=')
            continue;
        mof_string(x->p, b1, j + 1, out, x->max);
        return out->len > 0;
    }
    return false;
}

/* mof_class - the class name after "instance of" at i: [c, c+k) */
static size_t mof_class(const char *p, size_t n, size_t i, size_t *c)
{
    while (i < n && isspace((unsigned char)p[i]))
        i++;
    *c = i;
    while (i < n && (isalnum((unsigned char)p[i]) || p[i] == '_'))
        i++;
    return i - *c;
}

/* lang_mof - WMI event filters and the consumers that run commands or scripts */
void lang_mof(LX *x)
{
    const char *p = x->p;
    size_t n = x->n;
    size_t i = 0;
    size_t blocks = 0;
    BUF *v = buf_new(256);
    BUF *eng = buf_new(32);
    while (blocks++ < LANG_MAX_BLOCKS && (i = lang_find(p, n, i, "instance of")) < n) {
        size_t c;
        size_t k = mof_class(p, n, i + 11, &c);
        size_t b0 = c + k;
        size_t b1 = mof_end(p, n, b0);
        i = b1;
        buf_reset(v);
        if (k == 13 && strncasecmp(p + c, "__EventFilter", k) == 0) {
            mof_prop(x, b0, b1, "Query", v);
            lang_hit(x, "MOF_EVENT_FILTER", "WMI __EventFilter (permanent event subscription) '%s'",
                     v->data);
        } else if (k == 24 && strncasecmp(p + c, "CommandLineEventConsumer", k) == 0) {
            if (!mof_prop(x, b0, b1, "CommandLineTemplate", v))
                mof_prop(x, b0, b1, "ExecutablePath", v);
            lang_emit(x, "mofcommand", "bat", v->data, v->len);
            lang_hit(x, "MOF_COMMAND_CONSUMER", "WMI CommandLineEventConsumer runs '%s'", v->data);
        } else if (k == 25 && strncasecmp(p + c, "ActiveScriptEventConsumer", k) == 0) {
            buf_reset(eng);
            mof_prop(x, b0, b1, "ScriptingEngine", eng);
            bool vb = str_memmem_ci(eng->data, eng->len, "vb") != NULL;
            if (mof_prop(x, b0, b1, "ScriptText", v))
                lang_emit(x, "mofscript", vb ? "vbs" : "js", v->data, v->len);
            lang_hit(x, "MOF_SCRIPT_CONSUMER", "WMI ActiveScriptEventConsumer (%s)",
                     vb ? "VBScript" : "JScript");
        }
    }
    buf_free(v);
    buf_free(eng);
}

/* ---------------------------------------------------------------- INF */

typedef struct SECTION {
    size_t name, nlen; /* the name between the brackets */
    size_t b0, b1;     /* its lines */
} SECTION;

/* line_end - offset of the end of the line at i (its '\n' or n) */
static size_t line_end(const char *p, size_t n, size_t i)
{
    const char *e = memchr(p + i, '\n', n - i);
    return e ? (size_t)(e - p) : n;
}

/* sections - index the [sections] of the text; returns their count */
static size_t sections(const LX *x, SECTION *s)
{
    size_t ns = 0;
    for (size_t i = 0; i < x->n && ns < LANG_MAX_SECTIONS;) {
        size_t e = line_end(x->p, x->n, i);
        size_t j = i;
        while (j < e && isspace((unsigned char)x->p[j]))
            j++;
        if (j < e && x->p[j] == '[') {
            const char *rb = memchr(x->p + j, ']', e - j);
            if (rb) {
                if (ns > 0)
                    s[ns - 1].b1 = i;
                s[ns++] = (SECTION){j + 1, (size_t)(rb - x->p) - j - 1, e, x->n};
            }
        }
        i = e + 1;
    }
    return ns;
}

/* find_section - the section named p[v..v+k), ignoring case and blanks, or NULL */
static const SECTION *find_section(const LX *x, const SECTION *s, size_t ns, size_t v, size_t k)
{
    for (size_t i = 0; i < ns; i++)
        if (s[i].nlen == k && strncasecmp(x->p + s[i].name, x->p + v, k) == 0)
            return &s[i];
    return NULL;
}

/* section_lines - the non-empty, non-comment lines of a section, one per line, into out */
static void section_lines(const LX *x, const SECTION *s, BUF *out)
{
    for (size_t i = s->b0; i < s->b1 && out->len < x->max;) {
        size_t e = line_end(x->p, s->b1, i);
        size_t a = i;
        size_t b = e;
        while (a < b && isspace((unsigned char)x->p[a]))
            a++;
        while (b > a && isspace((unsigned char)x->p[b - 1]))
            b--;
        if (b > a && x->p[a] != ';') {
            buf_cat(out, x->p + a, b - a);
            buf_putc(out, '\n');
        }
        i = e + 1;
    }
}

/* inf_key - the sections named by every `key = a, b:flag` line; lines appended to out */
static void inf_key(const LX *x, const SECTION *s, size_t ns, const char *key, BUF *out)
{
    size_t k = strlen(key);
    size_t refs = 0;
    for (size_t i = 0; refs < LANG_MAX_BLOCKS && (i = lang_find(x->p, x->n, i, key)) < x->n;
         i += k) {
        size_t j = i + k;
        size_t e = line_end(x->p, x->n, i);
        if (i > 0 && !isspace((unsigned char)x->p[i - 1]))
            continue;
        while (j < e && (x->p[j] == ' ' || x->p[j] == '\t'))
            j++;
        if (j >= e || x->p[j] != '=')
            continue;
        for (j++; j < e && refs < LANG_MAX_BLOCKS; refs++) {
            while (j < e && (isspace((unsigned char)x->p[j]) || x->p[j] == '"'))
                j++;
            size_t v = j;
            while (j < e && x->p[j] != ',' && x->p[j] != ':' && x->p[j] != ';' && x->p[j] != '"' &&
                   !isspace((unsigned char)x->p[j]))
                j++;
            const SECTION *sec = j > v ? find_section(x, s, ns, v, j - v) : NULL;
            if (sec)
                section_lines(x, sec, out);
            while (j < e && x->p[j] != ',')
                j++;
            j++;
        }
    }
}

/* first_line - the first line of b, for a detail */
static const char *first_line(BUF *b)
{
    char *nl = memchr(b->data, '\n', b->len);
    if (nl)
        *nl = 0;
    return b->data;
}

/* lang_inf - setup commands and OCX registrations advpack/CMSTP would run */
void lang_inf(LX *x)
{
    SECTION *s = xcalloc(LANG_MAX_SECTIONS, sizeof(SECTION));
    size_t ns = sections(x, s);
    BUF *cmds = buf_new(256);
    BUF *ocx = buf_new(256);
    inf_key(x, s, ns, "RunPreSetupCommands", cmds);
    inf_key(x, s, ns, "RunPostSetupCommands", cmds);
    inf_key(x, s, ns, "RegisterOCXs", ocx);
    inf_key(x, s, ns, "UnRegisterOCXs", ocx);
    if (cmds->len > 0) {
        lang_emit(x, "infcommand", "bat", cmds->data, cmds->len);
        lang_hit(x, "INF_SETUP_COMMANDS", "INF RunPre/PostSetupCommands runs '%s'",
                 first_line(cmds));
    }
    if (ocx->len > 0) {
        const char *scrobj = str_memmem_ci(ocx->data, ocx->len, "scrobj");
        bool remote = scrobj && (str_memmem_ci(ocx->data, ocx->len, "http:") ||
                                 str_memmem_ci(ocx->data, ocx->len, "https:") ||
                                 memmem(ocx->data, ocx->len, "\\\\", 2));
        if (remote)
            lang_hit(x, "INF_SCROBJ_REMOTE",
                     "INF registers scrobj.dll with a remote scriptlet '%s'", first_line(ocx));
        else
            lang_hit(x, "INF_REGISTER_OCX", "INF (Un)RegisterOCXs loads '%s'", first_line(ocx));
    }
    buf_free(cmds);
    buf_free(ocx);
    free(s);
}

/* ---------------------------------------------------------------- REG */

/* hexbytes - the bytes of a hex value list from p[i..) (commas, "\\\n" continuations);
 * returns where the list ends */
static size_t hexbytes(const char *p, size_t n, size_t i, BUF *out, size_t max)
{
    while (i < n && out->len < max) {
        char c = p[i];
        if (isxdigit((unsigned char)c) && i + 1 < n && isxdigit((unsigned char)p[i + 1])) {
            char h[3] = {c, p[i + 1], 0};
            buf_putc(out, (int)strtol(h, NULL, 16));
            i += 2;
        } else if (c == ',' || c == ' ' || c == '\t') {
            i++;
        } else if (c == '\\') { /* continuation: skip to the next line */
            size_t e = line_end(p, n, i);
            i = e < n ? e + 1 : n;
        } else {
            break;
        }
    }
    return i;
}

/* utf16_text - UTF-16LE bytes as text (NULs of REG_MULTI_SZ as newlines); false if not */
static bool utf16_text(const BUF *raw, BUF *out)
{
    size_t ascii = 0;
    size_t units = raw->len / 2;
    for (size_t i = 0; i + 1 < raw->len; i += 2)
        ascii +=
            raw->data[i + 1] == 0 && (raw->data[i] == 0 || isprint((unsigned char)raw->data[i]) ||
                                      isspace((unsigned char)raw->data[i]));
    if (units == 0 || ascii * 10 < units * 9)
        return false;
    for (size_t i = 0; i + 1 < raw->len; i += 2) {
        unsigned u = (unsigned char)raw->data[i] | (unsigned)(unsigned char)raw->data[i + 1] << 8;
        if (u == 0)
            buf_putc(out, '\n');
        else
            buf_putc(out, u < 0x80 ? (int)u : '?');
    }
    while (out->len > 0 && out->data[out->len - 1] == '\n')
        buf_truncate(out, out->len - 1);
    return true;
}

/* printable - raw bytes are printable text */
static bool printable(const BUF *raw)
{
    for (size_t i = 0; i < raw->len; i++)
        if (!isprint((unsigned char)raw->data[i]) && !isspace((unsigned char)raw->data[i]) &&
            raw->data[i] != 0)
            return false;
    return raw->len > 0;
}

/* lang_reg - the .reg file with its hex values written out as text, as a layer */
void lang_reg(LX *x)
{
    if (x->n >= 4 && (unsigned char)x->p[0] == 0xFF && (unsigned char)x->p[1] == 0xFE) {
        BUF *narrow = buf_new(x->n / 2 + 1); /* regedit writes UTF-16LE with a BOM */
        for (size_t i = 2; i + 1 < x->n; i += 2)
            buf_putc(narrow, x->p[i + 1] == 0 ? x->p[i] : '?');
        LX y = *x;
        y.p = narrow->data;
        y.n = narrow->len;
        lang_reg(&y);
        x->layers = y.layers;
        buf_free(narrow);
        return;
    }
    const char *p = x->p;
    size_t n = x->n;
    size_t last = 0;
    size_t values = 0;
    BUF *out = buf_new(n < x->max ? n : x->max);
    BUF *raw = buf_new(256);
    BUF *txt = buf_new(256);
    for (size_t i = 0; (i = lang_find(p, n, i, "=hex")) < n && out->len < x->max;) {
        size_t j = i + 4;
        size_t type = 3;
        if (j + 2 < n && p[j] == '(' && p[j + 2] == ')') {
            type = (size_t)(p[j + 1] - '0');
            j += 3;
        }
        if (j >= n || p[j] != ':' || (type != 1 && type != 2 && type != 7 && type != 3)) {
            i = j;
            continue;
        }
        buf_reset(raw), buf_reset(txt);
        size_t e = hexbytes(p, n, j + 1, raw, x->max);
        bool ok = utf16_text(raw, txt);
        if (!ok && type == 3 && printable(raw)) {
            buf_cat(txt, raw->data, raw->len);
            ok = true;
        }
        if (ok && txt->len > 0) {
            buf_cat(out, p + last, i - last);
            buf_puts(out, "=\"");
            buf_cat(out, txt->data, txt->len);
            buf_putc(out, '"');
            last = e;
            values++;
        }
        i = e > i ? e : i + 4;
    }
    if (values > 0) {
        buf_cat(out, p + last, n - last);
        lang_emit(x, "regvalue", "reg", out->data, out->len);
    }
    buf_free(out);
    buf_free(raw);
    buf_free(txt);
}
