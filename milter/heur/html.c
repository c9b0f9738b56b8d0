/*
 * heur/html - script elements, event handlers and javascript: URLs of a page (see html.h)
 *
 * One forward pass over the bytes: outside a tag, '<' opens one; a tag's attributes are
 * read name by name (value quoted or bare); after <script ...> the content runs to the
 * next "</script" (case-insensitive, found with one memmem-style scan from there). Every
 * byte is looked at a bounded number of times, so the pass is linear in n.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "heur/html.h"
#include "lib/str.h"

/* put - append p[0..k) under max */
static void put(BUF *out, size_t max, const char *p, size_t k)
{
    if (out->len >= max)
        return;
    if (k > max - out->len)
        k = max - out->len;
    buf_cat(out, p, k);
}

/* put_value - an attribute value with the common entities decoded, then a newline */
static void put_value(BUF *out, size_t max, const char *v, size_t k)
{
    static const struct {
        const char *ent, *ch;
    } ents[] = {{"&quot;", "\""}, {"&#34;", "\""}, {"&#39;", "'"}, {"&apos;", "'"},
                {"&amp;", "&"},   {"&lt;", "<"},   {"&gt;", ">"}};
    for (size_t i = 0; i < k; i++) {
        size_t e = 0;
        if (v[i] == '&')
            for (; e < sizeof(ents) / sizeof(*ents); e++)
                if (k - i >= strlen(ents[e].ent) &&
                    strncasecmp(v + i, ents[e].ent, strlen(ents[e].ent)) == 0)
                    break;
        if (v[i] == '&' && e < sizeof(ents) / sizeof(*ents)) {
            put(out, max, ents[e].ch, 1);
            i += strlen(ents[e].ent) - 1;
        } else {
            put(out, max, v + i, 1);
        }
    }
    put(out, max, "\n", 1);
}

/* code_type - a <script type/language> value that is code (empty: no attribute) */
static bool code_type(const char *t, size_t k, bool *vbs)
{
    if (k == 0)
        return true;
    if (str_memmem_ci(t, k, "vbscript")) {
        *vbs = true;
        return true;
    }
    return str_memmem_ci(t, k, "javascript") || str_memmem_ci(t, k, "jscript") ||
           str_memmem_ci(t, k, "ecmascript") || str_memmem_ci(t, k, "module");
}

typedef struct TAG {
    bool script;      /* <script> */
    const char *type; /* its type or language value */
    size_t tlen;
} TAG;

/* attribute - one attribute at p[*i] of a tag; code goes to out; false at the tag end */
static bool attribute(const char *p, size_t n, size_t *i, TAG *t, BUF *out, size_t max)
{
    size_t j = *i;
    while (j < n && (isspace((unsigned char)p[j]) || p[j] == '/'))
        j++;
    if (j >= n || p[j] == '>') {
        *i = j < n ? j + 1 : n;
        return false;
    }
    size_t name = j;
    while (j < n && !isspace((unsigned char)p[j]) && p[j] != '=' && p[j] != '>' && p[j] != '/')
        j++;
    size_t nlen = j - name;
    if (nlen == 0) { /* a stray '=' or quote: skip it */
        *i = j + 1;
        return true;
    }
    while (j < n && isspace((unsigned char)p[j]))
        j++;
    const char *v = NULL;
    size_t vlen = 0;
    if (j < n && p[j] == '=') {
        j++;
        while (j < n && isspace((unsigned char)p[j]))
            j++;
        if (j < n && (p[j] == '"' || p[j] == '\'')) {
            const char *end = memchr(p + j + 1, p[j], n - j - 1);
            v = p + j + 1;
            vlen = end ? (size_t)(end - v) : n - j - 1;
            j = end ? (size_t)(end - p) + 1 : n;
        } else {
            v = p + j;
            while (j < n && !isspace((unsigned char)p[j]) && p[j] != '>')
                j++;
            vlen = (size_t)(p + j - v);
        }
    }
    *i = j;
    const char *a = p + name;
    if (v && nlen > 2 && strncasecmp(a, "on", 2) == 0) {
        put_value(out, max, v, vlen); /* an event handler */
    } else if (v) {
        size_t s = 0;
        while (s < vlen && isspace((unsigned char)v[s]))
            s++;
        if (vlen - s > 11 && strncasecmp(v + s, "javascript:", 11) == 0)
            put_value(out, max, v + s + 11, vlen - s - 11);
        else if (vlen - s > 9 && strncasecmp(v + s, "vbscript:", 9) == 0)
            put_value(out, max, v + s + 9, vlen - s - 9);
        if (t->script && ((nlen == 4 && strncasecmp(a, "type", 4) == 0) ||
                          (nlen == 8 && strncasecmp(a, "language", 8) == 0))) {
            t->type = v;
            t->tlen = vlen;
        }
    }
    return true;
}

/* script_end - the index of the "</script" at or after i, or n */
static size_t script_end(const char *p, size_t n, size_t i)
{
    while (i < n) {
        const char *lt = memchr(p + i, '<', n - i);
        if (lt == NULL)
            return n;
        i = (size_t)(lt - p);
        if (n - i >= 8 && strncasecmp(lt, "</script", 8) == 0)
            return i;
        i++;
    }
    return n;
}

/* html_script - see html.h */
size_t html_script(const char *p, size_t n, BUF *out, size_t max, bool *vbs)
{
    *vbs = false;
    size_t i = 0;
    while (i < n && out->len < max) {
        const char *lt = memchr(p + i, '<', n - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - p) + 1;
        if (i < n && p[i] == '!') { /* a comment or doctype: to its end */
            const char *end = n - i >= 3 && strncmp(p + i, "!--", 3) == 0
                                  ? str_memmem_ci(p + i, n - i, "-->")
                                  : memchr(p + i, '>', n - i);
            i = end ? (size_t)(end - p) + 1 : n;
            continue;
        }
        if (i >= n || !isalpha((unsigned char)p[i]))
            continue;
        size_t name = i;
        while (i < n && isalnum((unsigned char)p[i]))
            i++;
        TAG t = {.script = i - name == 6 && strncasecmp(p + name, "script", 6) == 0};
        while (attribute(p, n, &i, &t, out, max))
            ;
        if (!t.script)
            continue;
        size_t end = script_end(p, n, i);
        if (code_type(t.type, t.tlen, vbs) && end > i) {
            put(out, max, p + i, end - i);
            put(out, max, "\n", 1);
        }
        i = end;
    }
    return out->len;
}

/* heur_html - see html.h */
void heur_html(HEUR_CTX *c, const unsigned char *p, size_t n)
{
    if (c->emit == NULL || n == 0)
        return;
    size_t max = c->max_decoded ? c->max_decoded : (1u << 20);
    BUF *out = buf_new(256);
    bool vbs = false;
    html_script((const char *)p, n, out, max, &vbs);
    size_t s = 0;
    while (s < out->len && isspace((unsigned char)out->data[s]))
        s++;
    if (s < out->len)
        c->emit(c->emit_ctx, "script", vbs ? "hta" : "js", (const unsigned char *)out->data,
                out->len);
    buf_free(out);
}
