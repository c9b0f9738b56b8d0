/*
 * heur/lnk_parse - Windows shell link (.lnk) parser (contract in heur/lnk.h)
 *
 * Layout read ([MS-SHLLINK]): ShellLinkHeader (76 bytes; LinkFlags at 0x14, icon index
 * at 0x38, show command at 0x3C); LinkTargetIDList (u16 size, then shell items of a u16
 * size each, a zero size ends them); LinkInfo (u32 size, a header of offsets counted from
 * its start, NUL-terminated strings inside it); StringData (per LinkFlags bit, in this
 * order: NAME, RELATIVE_PATH, WORKING_DIR, ARGUMENTS, ICON_LOCATION; each a u16 count of
 * characters, then the characters, no NUL); ExtraData blocks (u32 size, u32 signature)
 * up to a terminal block whose size is below 4.
 *
 * Why this is safe on an untrusted binary (every byte comes from the sender):
 *   - every read goes through a SPAN, the bytes of one structure clipped to what the file
 *     really holds. A size or offset read from the file is compared with the span length
 *     before use, as `off <= n && len <= n - off` (no overflow); a field read past the end
 *     is 0 and a sub-span past the end is empty, so no byte outside p[0..n) is touched.
 *   - strings are bounded: at most STR_MAX bytes of UTF-8 each (64 KB; the path joined from
 *     the ID list too), and a string whose NUL is missing ends with its structure.
 *   - work is linear and nothing recurses: every loop moves forward (a shell item by its
 *     size, at least 2; an ExtraData block by its size, at least 4), and the search for a
 *     long name reads each byte of an item a bounded number of times.
 *   - a truncated file, or a size that points past the end, yields what could be read and
 *     sets `truncated`; structures after the damage are not guessed at, as their position
 *     depends on the size that lied. A file without its terminal block counts as truncated.
 *
 * Text: StringData is UTF-16LE when IsUnicode (0x80) is set. Otherwise it, the LinkInfo
 * ANSI paths and the short names in shell items are in the creator's code page, which the
 * file does not name: we read those bytes as Latin-1, except that 0x80-0x9F take their
 * Windows-1252 meaning (Windows' "ANSI Latin 1": 0x8E is Z with caron, not a C1 control),
 * so the result is valid UTF-8 and nearly reversible (a CP1251 or GBK name comes out as
 * mojibake). Unpaired UTF-16 surrogates become U+FFFD. A string ends at its first NUL, as
 * Windows reads it. NAME, RELATIVE_PATH and WORKING_DIR are capped at 260 characters
 * the way the shell reads them (parse_strings).
 *
 * Target: LinkInfo LocalBasePath (the Unicode one when the header carries it) joined with
 * CommonPathSuffix; else the network share (net name, else device name) and the suffix;
 * else the path joined from the ID list: root folder GUIDs (This PC adds nothing, the
 * user's files folder is %USERPROFILE%, others their name or ::{GUID}), drive items
 * ("C:\"), file entries (the long name of their BEEF0004 block, else the primary name),
 * network locations ("\\server\share"). With ForceNoLinkInfo the LinkInfo is skipped, as
 * Windows ignores it. env_target is the EnvironmentVariableDataBlock (TargetUnicode,
 * else TargetAnsi); a missing ICON_LOCATION is taken from the IconEnvironmentDataBlock.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/buf.h"
#include "heur/lnk.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define HEADER_SIZE    0x4C
#define STR_MAX        65536 /* bytes of UTF-8 kept per string */
#define MAX_PATH_CHARS 260   /* MAX_PATH: the shell's buffer for the first three strings */
#define SIG_ENV        0xA0000001u
#define SIG_ICON       0xA0000007u

enum {
    F_IDLIST = 0x1,
    F_LINKINFO = 0x2,
    F_NAME = 0x4,
    F_RELPATH = 0x8,
    F_WORKDIR = 0x10,
    F_ARGS = 0x20,
    F_ICON = 0x40,
    F_UNICODE = 0x80,
    F_FORCE_NO_LINKINFO = 0x100
};

typedef struct SPAN {
    const unsigned char *p;
    size_t n;
} SPAN;

typedef struct PARSE {
    SPAN f;         /* the whole file */
    size_t pos;     /* offset of the next structure */
    LNK *l;         /* the result */
    BUF *idpath;    /* the target joined from the ID list */
    char *icon_env; /* IconEnvironmentDataBlock target */
    int icon_index; /* header IconIndex */
} PARSE;

static const unsigned char link_clsid[16] = {0x01, 0x14, 0x02, 0, 0, 0, 0, 0,
                                             0xC0, 0,    0,    0, 0, 0, 0, 0x46};

/*
 * Windows-1252 ("ANSI Latin 1") for bytes 0x80-0x9F; 0 keeps the byte's C1 code point,
 * as Windows' own conversion does for the five bytes cp1252 leaves undefined. Every other
 * byte is Latin-1.
 */
static const unsigned short cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* root folder shell items: "" adds nothing (a drive or a UNC path follows) */
static const struct {
    const char *guid, *name;
} roots[] = {
    {"20D04FE0-3AEA-1069-A2D8-08002B30309D", ""}, /* This PC */
    {"59031A47-3F72-44A7-89C5-5595FE6B30EE", "%USERPROFILE%"},
    {"450D8FBA-AD25-11D0-98A8-0800361B1103", "%USERPROFILE%\\Documents"},
    {"208D2C60-3AEA-1069-A2D7-08002B30309D", ""}, /* Network */
    {"F02C1A0D-BE21-4350-88B0-7367FC96EF3C", ""}, /* Network */
    {"21EC2020-3AEA-1069-A2DD-08002B30309D", "Control Panel"},
    {"26EE0668-A00A-44D7-9371-BEB064C98683", "Control Panel"},
    {"645FF040-5081-101B-9F08-00AA002F954E", "Recycle Bin"},
    {"031E4825-7B94-4DC3-B131-E946B44C8DD5", "Libraries"},
    {"871C5380-42A0-1069-A2EA-08002B30309D", "Internet Explorer"},
};

/* ---------------------------------------------------------------- bytes */

/* has - s holds len bytes at off */
static bool has(SPAN s, size_t off, size_t len)
{
    return off <= s.n && len <= s.n - off;
}

/* sub - the bytes [off, off+len) of s clipped to s; empty when off is past its end */
static SPAN sub(SPAN s, size_t off, size_t len)
{
    SPAN r = {s.p, 0};
    if (off > s.n)
        return r;
    r.p = s.p + off;
    r.n = len < s.n - off ? len : s.n - off;
    return r;
}

/* rd16 - little-endian u16 at off; 0 past the end */
static unsigned rd16(SPAN s, size_t off)
{
    return has(s, off, 2) ? (unsigned)s.p[off] | (unsigned)s.p[off + 1] << 8 : 0;
}

/* rd32 - little-endian u32 at off; 0 past the end */
static uint32_t rd32(SPAN s, size_t off)
{
    if (!has(s, off, 4))
        return 0;
    return (uint32_t)s.p[off] | (uint32_t)s.p[off + 1] << 8 | (uint32_t)s.p[off + 2] << 16 |
           (uint32_t)s.p[off + 3] << 24;
}

/* ---------------------------------------------------------------- text */

/* put_cp - append code point cp as UTF-8; false when that would pass STR_MAX */
static bool put_cp(BUF *b, unsigned cp)
{
    unsigned char u[4];
    size_t k;
    if (cp < 0x80) {
        u[0] = (unsigned char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (unsigned char)(0xC0 | cp >> 6);
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (unsigned char)(0xE0 | cp >> 12);
        k = 3;
    } else {
        u[0] = (unsigned char)(0xF0 | cp >> 18);
        k = 4;
    }
    for (size_t i = 1; i < k; i++)
        u[i] = (unsigned char)(0x80 | ((cp >> (6 * (k - 1 - i))) & 0x3F));
    if (b->len + k > STR_MAX)
        return false;
    buf_cat(b, u, k);
    return true;
}

/* steal - the buffer's text as a malloc'd string; frees the BUF */
static char *steal(BUF *b)
{
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* ansi_text - code-page text up to a NUL or the span end, read as Windows-1252 */
static char *ansi_text(SPAN s)
{
    BUF *b = buf_new(s.n < 256 ? s.n + 1 : 256);
    for (size_t i = 0; i < s.n && s.p[i] != 0; i++) {
        unsigned c = s.p[i];
        if (c >= 0x80 && c < 0xA0 && cp1252[c - 0x80] != 0)
            c = cp1252[c - 0x80];
        if (!put_cp(b, c))
            break;
    }
    return steal(b);
}

/* utf16_text - UTF-16LE text up to a NUL unit or the span end (an odd last byte is dropped) */
static char *utf16_text(SPAN s)
{
    BUF *b = buf_new(s.n < 256 ? s.n + 1 : 256);
    for (size_t i = 0; i + 1 < s.n; i += 2) {
        unsigned u = rd16(s, i);
        if (u == 0)
            break;
        if (u >= 0xD800 && u < 0xDC00 && has(s, i + 2, 2)) {
            unsigned v = rd16(s, i + 2);
            if (v >= 0xDC00 && v < 0xE000) {
                u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u < 0xE000)
            u = 0xFFFD; /* an unpaired surrogate */
        if (!put_cp(b, u))
            break;
    }
    return steal(b);
}

/* text - UTF-16LE or code-page text as UTF-8 */
static char *text(SPAN s, bool wide)
{
    return wide ? utf16_text(s) : ansi_text(s);
}

/* nonempty - s when it holds text; else frees it and returns NULL */
static char *nonempty(char *s)
{
    if (s && *s)
        return s;
    free(s);
    return NULL;
}

/* path_add - append a component to a backslash-joined path, within STR_MAX */
static void path_add(BUF *b, const char *comp)
{
    size_t k = strlen(comp);
    if (k == 0)
        return;
    size_t sep = b->len > 0 && b->data[b->len - 1] != '\\' && comp[0] != '\\';
    if (b->len + sep + k > STR_MAX)
        return;
    if (sep)
        buf_putc(b, '\\');
    buf_cat(b, comp, k);
}

/* ---------------------------------------------------------------- LinkTargetIDList */

/* root_name - the name of a root folder item (GUID at offset 4): a known folder or ::{GUID} */
static char *root_name(SPAN it)
{
    char g[40];
    const unsigned char *d = it.p + 12;
    snprintf(g, sizeof(g), "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
             (unsigned)rd32(it, 4), rd16(it, 8), rd16(it, 10), d[0], d[1], d[2], d[3], d[4], d[5],
             d[6], d[7]);
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
        if (strcmp(g, roots[i].guid) == 0)
            return xstrdup(roots[i].name);
    return xasprintf("::{%s}", g);
}

/*
 * long_name - the long name in the first BEEF0004 extension block found at or after
 * `from`, or NULL. The name's place depends on the block version (libfwsi's notes on
 * the Windows Shell Item format): 20 for XP (3), 38 for Vista (7), 42 for 7 (8), 46 after.
 */
static char *long_name(SPAN it, size_t from)
{
    static const unsigned char sig[4] = {0x04, 0x00, 0xEF, 0xBE};
    for (size_t i = from < 4 ? 4 : from; has(it, i, 4); i++) {
        if (memcmp(it.p + i, sig, 4) != 0)
            continue;
        SPAN blk = sub(it, i - 4, rd16(it, i - 4));
        unsigned ver = rd16(blk, 2);
        size_t off = ver >= 9 ? 46 : ver == 8 ? 42 : ver == 7 ? 38 : ver >= 3 ? 20 : 0;
        if (off == 0 || off >= blk.n)
            return NULL;
        return nonempty(utf16_text(sub(blk, off, blk.n - off)));
    }
    return NULL;
}

/* entry_name - a file entry (at `base` in the item): its long name, else its primary name */
static char *entry_name(SPAN it, size_t base)
{
    char *name = long_name(it, base + 14);
    if (name)
        return name;
    bool wide = (rd16(it, base + 2) & 0x04) != 0; /* class type: Unicode primary name */
    return nonempty(text(sub(it, base + 14, it.n), wide));
}

/* item_name - the path component of one shell item, or NULL; *abs when it starts a path */
static char *item_name(SPAN it, bool *abs)
{
    unsigned type = rd16(it, 2) & 0xFF;
    *abs = false;
    if (type == 0x1F && has(it, 4, 16))
        return root_name(it);
    if ((type & 0x70) == 0x30)
        return entry_name(it, 0);
    if ((type & 0x70) == 0x20 && (type & 0x01)) { /* drive: "C:\" */
        *abs = true;
        return nonempty(ansi_text(sub(it, 3, it.n)));
    }
    if ((type & 0x70) == 0x40) { /* network location: "\\server\share" */
        *abs = true;
        return nonempty(ansi_text(sub(it, 5, it.n)));
    }
    if (type == 0x74 && has(it, 6, 4) && memcmp(it.p + 6, "CFSF", 4) == 0)
        return entry_name(it, 10); /* delegate item wrapping a file entry */
    return NULL;
}

/* parse_idlist - join the ID list's items into ps->idpath; false when the list is cut */
static bool parse_idlist(PARSE *ps)
{
    if (!has(ps->f, ps->pos, 2))
        return false;
    size_t size = rd16(ps->f, ps->pos);
    SPAN list = sub(ps->f, ps->pos + 2, size);
    for (size_t off = 0; has(list, off, 2);) {
        size_t isz = rd16(list, off);
        if (isz == 0)
            break; /* TerminalID */
        if (isz < 2 || !has(list, off, isz)) {
            ps->l->truncated = true; /* an item past the list: keep what was joined */
            break;
        }
        bool abs;
        char *name = item_name(sub(list, off, isz), &abs);
        if (name && abs)
            buf_reset(ps->idpath);
        if (name)
            path_add(ps->idpath, name);
        free(name);
        off += isz;
    }
    if (list.n < size)
        return false;
    ps->pos += 2 + size;
    return true;
}

/* ---------------------------------------------------------------- LinkInfo */

/* li_string - the NUL-terminated string at off in span s; NULL when off is 0 or outside */
static char *li_string(SPAN s, size_t off, bool wide)
{
    if (off == 0 || off >= s.n)
        return NULL;
    return text(sub(s, off, s.n - off), wide);
}

/* li_pick - the Unicode string at offset field uoff when there is one, else the ANSI one */
static char *li_pick(SPAN s, bool uni, size_t uoff, size_t aoff)
{
    char *r = uni ? nonempty(li_string(s, rd32(s, uoff), true)) : NULL;
    return r ? r : li_string(s, rd32(s, aoff), false);
}

/* li_network - net name (else device name) of the CommonNetworkRelativeLink at off */
static char *li_network(SPAN li, size_t off)
{
    if (off == 0)
        return NULL;
    SPAN cn = sub(li, off, rd32(li, off));
    if (cn.n < 0x14)
        return NULL;
    bool uni = rd32(cn, 8) > 0x14; /* NetNameOffset > 0x14: the Unicode offsets follow */
    char *net = nonempty(li_pick(cn, uni, 0x14, 8));
    if (net == NULL && (rd32(cn, 4) & 1)) /* ValidDevice */
        net = nonempty(li_pick(cn, uni, 0x18, 12));
    return net;
}

/* li_paths - the target and network share named by a LinkInfo */
static void li_paths(PARSE *ps, SPAN li)
{
    bool uni = rd32(li, 4) >= 0x24; /* LinkInfoHeaderSize: the Unicode offsets follow */
    uint32_t flags = rd32(li, 8);
    char *base = NULL;
    char *net = NULL;
    if (flags & 1) /* VolumeIDAndLocalBasePath */
        base = li_pick(li, uni, 28, 16);
    if (flags & 2) /* CommonNetworkRelativeLinkAndPathSuffix */
        net = li_network(li, rd32(li, 20));
    char *suffix = li_pick(li, uni, 32, 24);
    const char *root = base ? base : net;
    if (root) {
        BUF *b = buf_new(64);
        path_add(b, root);
        path_add(b, suffix ? suffix : "");
        ps->l->target = steal(b);
    }
    ps->l->network_share = net;
    free(base);
    free(suffix);
}

/* parse_linkinfo - read (or, with ForceNoLinkInfo, skip) LinkInfo; false when it is cut */
static bool parse_linkinfo(PARSE *ps)
{
    if (!has(ps->f, ps->pos, 4))
        return false;
    uint32_t size = rd32(ps->f, ps->pos);
    if (size < 0x1C)
        return false; /* smaller than its own header: where StringData starts is unknown */
    SPAN li = sub(ps->f, ps->pos, size);
    if (!(ps->l->flags & F_FORCE_NO_LINKINFO))
        li_paths(ps, li);
    if (li.n < size)
        return false;
    ps->pos += size;
    return true;
}

/* ---------------------------------------------------------------- StringData, ExtraData */

/*
 * parse_strings - the StringData fields the flags announce; false when one is cut.
 * NAME, RELATIVE_PATH and WORKING_DIR are read into MAX_PATH buffers by the shell: of a
 * count above 260 it reads 260 characters and takes the next field right after them
 * (the rest is never shown). Droppers use that to hide a padded working directory whose
 * count covers the arguments from parsers that trust the count (LnkParse3 reads them so
 * too, padded_cli_arguments in its tests); ARGUMENTS and ICON_LOCATION are not capped.
 */
static bool parse_strings(PARSE *ps)
{
    static const unsigned bits[5] = {F_NAME, F_RELPATH, F_WORKDIR, F_ARGS, F_ICON};
    LNK *l = ps->l;
    char **dst[5] = {&l->name, &l->relative_path, &l->working_dir, &l->arguments,
                     &l->icon_location};
    bool wide = (l->flags & F_UNICODE) != 0;
    for (size_t i = 0; i < 5; i++) {
        if (!(l->flags & bits[i]))
            continue;
        if (!has(ps->f, ps->pos, 2))
            return false;
        size_t count = rd16(ps->f, ps->pos);
        if (i < 3 && count > MAX_PATH_CHARS)
            count = MAX_PATH_CHARS;
        size_t bytes = count * (wide ? 2 : 1);
        SPAN s = sub(ps->f, ps->pos + 2, bytes);
        *dst[i] = text(s, wide); /* a cut string keeps what is there */
        if (s.n < bytes)
            return false;
        ps->pos += 2 + bytes;
    }
    return true;
}

/* env_text - TargetUnicode (520 bytes at 268) of an environment block, else TargetAnsi */
static char *env_text(SPAN blk)
{
    char *u = nonempty(utf16_text(sub(blk, 268, 520)));
    return u ? u : ansi_text(sub(blk, 8, 260));
}

/* parse_extra - walk the ExtraData blocks up to the terminal block; false when cut */
static bool parse_extra(PARSE *ps)
{
    for (;;) {
        if (!has(ps->f, ps->pos, 4))
            return false; /* no terminal block */
        uint32_t size = rd32(ps->f, ps->pos);
        if (size < 4)
            return true; /* TerminalBlock */
        SPAN blk = sub(ps->f, ps->pos, size);
        uint32_t sig = rd32(blk, 4);
        if (sig == SIG_ENV && ps->l->env_target == NULL)
            ps->l->env_target = env_text(blk);
        else if (sig == SIG_ICON && ps->icon_env == NULL)
            ps->icon_env = env_text(blk);
        if (blk.n < size)
            return false;
        ps->pos += size;
    }
}

/* ---------------------------------------------------------------- parse */

/* is_link - the header size and as much of the CLSID as the buffer holds match */
static bool is_link(SPAN f)
{
    if (f.n < 4 || rd32(f, 0) != HEADER_SIZE)
        return false;
    size_t k = f.n - 4 < 16 ? f.n - 4 : 16;
    return memcmp(f.p + 4, link_clsid, k) == 0;
}

/* parse - parse into ps (ps->idpath is the caller's to free); NULL when not a shell link */
static LNK *parse(PARSE *ps, const unsigned char *p, size_t n)
{
    memset(ps, 0, sizeof(*ps));
    if (p == NULL || n < 4)
        return NULL;
    ps->f = (SPAN){p, n};
    if (!is_link(ps->f))
        return NULL;
    LNK *l = ps->l = xcalloc(1, sizeof(*l));
    ps->idpath = buf_new(64);
    l->flags = rd32(ps->f, 0x14);
    uint32_t show = rd32(ps->f, 0x3C);
    l->show_command = show > 0xFFFF ? -1 : (int)show;
    ps->icon_index = (int)(int32_t)rd32(ps->f, 0x38);
    ps->pos = HEADER_SIZE;
    bool ok = n >= HEADER_SIZE;
    if (ok && (l->flags & F_IDLIST))
        ok = parse_idlist(ps);
    if (ok && (l->flags & F_LINKINFO))
        ok = parse_linkinfo(ps);
    if (ok)
        ok = parse_strings(ps);
    if (ok)
        ok = parse_extra(ps);
    if (!ok)
        l->truncated = true;
    if (l->target == NULL && ps->idpath->len > 0)
        l->target = xstrdup(ps->idpath->data);
    l->idlist_path = xstrdup(ps->idpath->len > 0 ? ps->idpath->data : "");
    l->icon_index = ps->icon_index;
    if (l->icon_location == NULL) {
        l->icon_location = ps->icon_env;
        ps->icon_env = NULL;
    }
    free(ps->icon_env);
    ps->icon_env = NULL;
    return l;
}

/* lnk_parse - parse a shell link (see lnk.h); NULL when p is not one */
LNK *lnk_parse(const unsigned char *p, size_t n)
{
    PARSE ps;
    LNK *l = parse(&ps, p, n);
    buf_free(ps.idpath);
    return l;
}

/* lnk_free - release a parsed link; accepts NULL, returns NULL */
LNK *lnk_free(LNK *l)
{
    if (l == NULL)
        return NULL;
    free(l->target);
    free(l->arguments);
    free(l->working_dir);
    free(l->relative_path);
    free(l->name);
    free(l->icon_location);
    free(l->env_target);
    free(l->network_share);
    free(l->idlist_path);
    free(l);
    return NULL;
}
