/*
 * heur/xlm - Excel 4 (XLM) macro sheets: function names in text, BIFF formula tokens
 *
 * The contract is in heur/xlm.h; every byte looked at here is chosen by the sender.
 * heur_xlm scans bytes as ASCII and UTF-16LE at once (NULs skipped) and walks a BIFF stream
 * record by record, strictly forward: FORMULA function ids (strings stepped over), built-in
 * NAME Auto_Open, BOUNDSHEET visibility of macro sheets. Linear in the input.
 */
#include <stdbool.h>
#include <stddef.h>

#include "heur/xlm.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
/* identifier byte; ASCII lower case; little-endian 16 bits */
#define idc(c)                                                                                     \
    ((((c) | 32) >= 'a' && ((c) | 32) <= 'z') || ((c) >= '0' && (c) <= '9') || (c) == '_')
#define LOW(c)  ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
#define LE16(p) ((p)[0] | (unsigned)(p)[1] << 8)

/* the names looked for; X_N counts them */
enum {
    X_EXEC,
    X_CALL,
    X_REGISTER,
    X_CHAR,
    X_FORMULA,
    X_GOTO,
    X_HALT,
    X_DOWNLOAD,
    X_URLMON,
    X_SHELLEXEC,
    X_AUTO,
    X_N
};

static const char *const xkws[X_N] = {"exec(",    "call(",        "register(", "char(",
                                      "formula(", "goto(",        "halt(",     "urldownloadtofile",
                                      "urlmon",   "shellexecute", "auto_open"};

/* xmatch - lower-case w at d[i] in any case, with at most one NUL between its bytes */
static bool xmatch(const unsigned char *d, size_t n, size_t i, const char *w)
{
    for (size_t k = 0; w[k]; k++, i++) {
        i += k > 0 && i < n && d[i] == 0;
        if (i >= n || LOW(d[i]) != w[k])
            return false;
    }
    return true;
}

/* xlm_text - XLM names in the bytes as ASCII or UTF-16LE; a name must not follow a letter,
 * except in SYLK's `;E` formula and `;N` name fields */
static void xlm_text(size_t *cnt, const unsigned char *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int p[2] = {0, 0}; /* the two bytes before, NULs of UTF-16 skipped */
        for (size_t j = i, q = 0; j > 0 && q < 2 && i - j < 4;) {
            p[q] = d[--j];
            q += d[j] != 0;
        }
        if (d[i] == 0 || (idc(p[0]) && !((LOW(p[0]) == 'e' || LOW(p[0]) == 'n') && p[1] == ';')))
            continue;
        for (int k = 0; k < X_N; k++)
            cnt[k] += LOW(d[i]) == xkws[k][0] && xmatch(d, n, i, xkws[k]);
    }
}

/* xlm_rgce - function tokens of one BIFF formula (ptgFunc, ptgFuncVar; bit 15 of a FuncVar
 * id marks a command); string tokens are stepped over */
static void xlm_rgce(size_t *cnt, const unsigned char *r, size_t m, bool b8)
{
    static const unsigned ids[][2] = {{0x006e, X_EXEC},   {0x0096, X_CALL}, {0x0095, X_REGISTER},
                                      {0x006f, X_CHAR},   {0x0035, X_GOTO}, {0x0036, X_HALT},
                                      {0x8060, X_FORMULA}};
    for (size_t j = 0; j < m;) {
        unsigned ptg = r[j], tab = 0xffff;
        if (ptg == 0x17 && j + 2 < m) { /* ptgStr: cch [fHighByte] chars */
            j += b8 ? 3 + r[j + 1] * ((r[j + 2] & 1) ? 2u : 1u) : 2u + r[j + 1];
        } else if ((ptg == 0x21 || ptg == 0x41 || ptg == 0x61) && j + 2 < m) {
            tab = LE16(r + j + 1);
            j += 3;
        } else if ((ptg == 0x22 || ptg == 0x42 || ptg == 0x62) && j + 3 < m) {
            tab = LE16(r + j + 2);
            j += 4;
        } else {
            j++;
        }
        for (size_t k = 0; k < NELEM(ids); k++)
            cnt[ids[k][1]] += ids[k][0] == tab;
    }
}

/* xlm_biff - walk a BIFF5/8 stream: FORMULA tokens, built-in NAME Auto_Open, macro sheet
 * visibility (bit 0: hidden, bit 1: very hidden). false: not BIFF */
static bool xlm_biff(size_t *cnt, unsigned *hidden, const unsigned char *d, size_t n)
{
    if (n < 8 || LE16(d) != 0x0809 || (LE16(d + 2) != 8 && LE16(d + 2) != 16))
        return false;
    bool b8 = LE16(d + 4) == 0x0600;
    for (size_t i = 0; n - i >= 4;) {
        unsigned type = LE16(d + i);
        size_t len = LE16(d + i + 2);
        const unsigned char *b = d + i + 4;
        if (len > n - i - 4)
            break;
        if (type == 0x0006 && len >= 22)
            xlm_rgce(cnt, b + 22, LE16(b + 20) < len - 22 ? LE16(b + 20) : len - 22, b8);
        if (type == 0x0018 && len >= 16 && (LE16(b) & 0x20)) /* built-in: code 1 = Auto_Open */
            cnt[X_AUTO] += (b8 ? b[15] : b[14]) == 0x01;
        if (type == 0x0085 && len >= 6 && b[5] == 1 && (b[4] & 3)) /* BOUNDSHEET, macro sheet */
            *hidden |= b[4] & 3;
        i += 4 + len;
    }
    return true;
}

/* heur_xlm - see heur/xlm.h */
void heur_xlm(HEUR_CTX *c, const unsigned char *data, size_t n)
{
    size_t k[X_N] = {0};
    unsigned hid = 0;
    if (c == NULL || c->hits == NULL || data == NULL)
        return;
    const char *how = xlm_biff(k, &hid, data, n) ? " (BIFF)" : "", *at = c->location;
    xlm_text(k, data, n);
    bool cr = k[X_CALL] || k[X_REGISTER], ex = k[X_EXEC] || (k[X_SHELLEXEC] && cr);
    bool dl = k[X_DOWNLOAD] || (k[X_URLMON] && cr);
    if (k[X_AUTO])
        hits_add(c->hits, "XLM_AUTO_OPEN", at, "Auto_Open x%zu%s", k[X_AUTO], how);
    if (ex)
        hits_add(c->hits, "XLM_EXEC", at, "EXEC x%zu, ShellExecute x%zu%s", k[X_EXEC],
                 k[X_SHELLEXEC], how);
    if (cr)
        hits_add(c->hits, "XLM_CALL_REGISTER", at, "CALL x%zu, REGISTER x%zu%s", k[X_CALL],
                 k[X_REGISTER], how);
    if (dl)
        hits_add(c->hits, "XLM_DOWNLOAD", at, "%s", k[X_DOWNLOAD] ? "URLDownloadToFile" : "urlmon");
    if ((k[X_CHAR] >= 10 && (k[X_FORMULA] || k[X_GOTO] || k[X_HALT])) || k[X_CHAR] >= 50)
        hits_add(c->hits, "XLM_OBFUSCATION", at, "CHAR x%zu, FORMULA x%zu, GOTO x%zu%s", k[X_CHAR],
                 k[X_FORMULA], k[X_GOTO], how);
    if (hid)
        hits_add(c->hits, "XLM_HIDDEN_SHEET", at, "%s macro sheet",
                 hid & 2 ? "very hidden" : "hidden");
    if (k[X_AUTO] && (ex || cr || dl))
        hits_add(c->hits, "XLM_AUTO_OPEN_EXEC", at, "Auto_Open + %s",
                 ex   ? "EXEC"
                 : cr ? "CALL/REGISTER"
                      : "download");
}
