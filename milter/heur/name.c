/*
 * heur/name - what a file name says: its last two extensions, padding, odd characters
 *
 * The contract is in heur/name.h.
 * Names: the extension is what the OS will use, so it is taken after trailing dots,
 * white space and invisible characters are dropped (Windows strips the first two; the
 * last only hide). A double extension needs a decoy before a dangerous last extension
 * (`invoice.pdf.js`), or padding before the last dot (`photo.jpg        .exe`, the name
 * is cut in the mail client's column). Names are walked once from the end. Everything here is pure
 * (libc and lib/).
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "heur/name.h"
#include "lib/str.h"

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

/* copy_ext - lower-cased s[0..n) into out when it is a plausible extension */
static void copy_ext(char out[NAME_EXT_MAX], const char *s, size_t n)
{
    out[0] = 0;
    if (n == 0 || n >= NAME_EXT_MAX)
        return;
    for (size_t i = 0; i < n; i++) {
        if (!name_ext_byte(s[i]))
            return;
        out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    }
    out[n] = 0;
}

/* name_parse - see heur/name.h; walks back from the end once */
void name_parse(const char *s, size_t n, NAME *nm)
{
    memset(nm, 0, sizeof(*nm));
    size_t base = n;
    size_t end = n;
    size_t k;
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
    while (pend > base && (k = blank_before(s, pend)) != 0) {
        pend -= k;
        nm->pad += k;
    }
    size_t pdot = pend;
    while (pdot > base && name_ext_byte(s[pdot - 1]))
        pdot--;
    if (pdot > base + 1 && s[pdot - 1] == '.')
        copy_ext(nm->prev, s + pdot, pend - pdot);
}

/* name_odd_char - first bidi control or invisible code point in a name, or 0 */
unsigned name_odd_char(const char *s)
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
