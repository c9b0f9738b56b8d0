/*
 * test_heur_file - unit tests for heur_file.c: file-name, type and container tricks,
 * HTML smuggling, and the URL analysis over sets built by the real extractor (url.c,
 * html.c)
 *
 * Table-driven: each case names its input and the exact set of symbols it must produce
 * (an empty set for the benign cases); every failing case is printed with what it got and
 * what it wanted before the test fails. The lists are written to a mkdtemp directory, so
 * the cases do not depend on the shipped rules/lists. `weights` mirrors the scoring.conf
 * lines of these symbols: every symbol produced must be in it (a new symbol without a
 * weight fails here), and the score tests use it with its caps.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "heur/file.h"
#include "heur/url.h"
#include "model/hit.h"
#include "core/lists.h"
#include "mime/url.h"
#include "lib/xalloc.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ weights */

static const struct {
    const char *symbol;
    double weight, cap; /* cap < 0: none */
} weights[] = {
    {"FILE_DANGEROUS_EXT", 5, 10},    {"FILE_MACRO_EXT", 1, 2},
    {"FILE_DOUBLE_EXTENSION", 6, 12}, {"FILE_BIDI_NAME", 6, 12},
    {"FILE_TYPE_MISMATCH", 4, 8},     {"FILE_EXECUTABLE", 6, 12},
    {"FILE_SHORTCUT_TYPES", 5, 10},   {"ARCHIVE_EXECUTABLE", 6, 12},
    {"ARCHIVE_SCRIPT", 5, 10},        {"ARCHIVE_ENCRYPTED_SCRIPT", 5, 10},
    {"CONTAINER_DISK_IMAGE", 5, 10},  {"CONTAINER_ONENOTE", 4, 8},
    {"HTML_SMUGGLING", 8, 10},        {"URL_DANGEROUS_SCHEME", 5, 10},
    {"URL_EXECUTABLE_LINK", 4, 8},    {"URL_ARCHIVE_LINK", 2, 4},
    {"URL_IP_LITERAL", 3, 4},         {"URL_IP_OBFUSCATED", 3, 6},
    {"URL_USERINFO", 3, 6},           {"URL_DISPLAY_MISMATCH", 3, 4},
    {"URL_PUNYCODE", 1, 2},           {"URL_MIXED_SCRIPT", 4, 8},
    {"URL_SHORTENER", 1, 2},          {"URL_BLOCKLISTED", 10, 15},
};

#define TAG 5.0

/* weight_of - row of a symbol in weights, or -1 */
static int weight_of(const char *symbol)
{
    for (size_t i = 0; i < NELEM(weights); i++)
        if (strcmp(weights[i].symbol, symbol) == 0)
            return (int)i;
    return -1;
}

/* score - total weight of the hits with caps, as score.c computes it */
static double score(const HITS *h)
{
    double used[NELEM(weights)] = {0}, total = 0;
    for (size_t i = 0; i < h->n; i++) {
        int k = weight_of(h->v[i].symbol);
        assert_true(k >= 0);
        double w = weights[k].weight;
        if (weights[k].cap >= 0 && used[k] + w > weights[k].cap)
            w = weights[k].cap - used[k];
        used[k] += w;
        total += w;
    }
    return total;
}

/* ------------------------------------------------------------------ helpers */

static LISTS *lists;
static char *list_dir;

/* put_file - write text to list_dir/name */
static void put_file(const char *name, const char *text)
{
    char *path = xasprintf("%s/%s", list_dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    free(path);
}

/* setup - test lists in a temporary directory */
static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    list_dir = xasprintf("%s/fm-test-heur-file-XXXXXX", base);
    if (mkdtemp(list_dir) == NULL)
        return -1;
    put_file("dangerous-extensions.txt",
             "# test copy of the shipped list\n"
             "exe\nscr\ncom\npif\ncpl\nmsi\ndll\nhta\njs\njse\nvbs\nvbe\nwsf\nsct\nps1\nbat\ncmd\n"
             "lnk\nurl\niqy\nslk\nsettingcontent-ms\nreg\niso\nimg\nvhd\nvhdx\none\njar\n"
             "application\nchm\nxll\ndocm\nxlsm\npptm\n");
    put_file("shorteners.txt", "bit.ly\ntinyurl.com\n");
    put_file("block-domains.txt", "evil.example\n");
    put_file("allow-domains.txt", "trusted.example\n");
    BUF *err = buf_new(64);
    lists = lists_load(list_dir, err);
    buf_free(err);
    return lists ? 0 : -1;
}

/* teardown - remove the lists */
static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"dangerous-extensions.txt", "shorteners.txt",
                                        "block-domains.txt", "allow-domains.txt"};
    for (size_t i = 0; i < NELEM(names); i++) {
        char *path = xasprintf("%s/%s", list_dir, names[i]);
        unlink(path);
        free(path);
    }
    rmdir(list_dir);
    free(list_dir);
    lists = lists_free(lists);
    return 0;
}

/* cmp_str - qsort comparator for strings */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* symbols - the distinct symbols of h, sorted, space-separated (caller frees); every
 * symbol must have a weight and a family prefix */
static char *symbols(const HITS *h)
{
    const char **v = xcalloc(h->n + 1, sizeof(char *));
    for (size_t i = 0; i < h->n; i++) {
        v[i] = h->v[i].symbol;
        if (weight_of(v[i]) < 0)
            print_error("symbol %s has no weight in the test table\n", v[i]);
        assert_true(weight_of(v[i]) >= 0);
    }
    qsort(v, h->n, sizeof(char *), cmp_str);
    BUF *b = buf_new(64);
    for (size_t i = 0; i < h->n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            buf_printf(b, "%s%s", b->len ? " " : "", v[i]);
    free(v);
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

/* sorted - the words of want sorted, space-separated (caller frees) */
static char *sorted(const char *want)
{
    char *copy = xstrdup(want), *save = NULL;
    const char *v[64];
    size_t n = 0;
    for (char *t = strtok_r(copy, " ", &save); t && n < NELEM(v); t = strtok_r(NULL, " ", &save))
        v[n++] = t;
    qsort(v, n, sizeof(char *), cmp_str);
    BUF *b = buf_new(64);
    for (size_t i = 0; i < n; i++)
        buf_printf(b, "%s%s", i ? " " : "", v[i]);
    free(copy);
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

/* check_set - compare the symbols of h with want; returns 1 when it failed */
static int check_set(const char *what, const HITS *h, const char *want)
{
    char *got = symbols(h), *exp = sorted(want);
    int bad = strcmp(got, exp) != 0;
    if (bad) {
        print_error("FAIL %s\n  got:   %s\n  want:  %s\n", what, got, exp);
        for (size_t i = 0; i < h->n; i++)
            print_error("    %s @ %s: %s\n", h->v[i].symbol, h->v[i].location, h->v[i].detail);
    }
    free(got);
    free(exp);
    return bad;
}

/* ctx - an analyser context over h */
static HEUR_CTX ctx(HITS *h, const char *location)
{
    return (HEUR_CTX){.hits = h, .location = location, .lists = lists};
}

/* ------------------------------------------------------------------ heur_file */

typedef struct FCASE {
    const char *what;
    const char *filename;
    const char *type, *lang; /* detected */
    const char *declared;
    bool mismatch;
    int depth;
    const char *container;
    bool encrypted;
    const char *text;
    const char *want; /* symbols, space-separated; "" for none */
} FCASE;

static const FCASE file_cases[] = {
    /* tricks */
    {"js attachment", "invoice.js", "script", "js", NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT"},
    {"upper-case extension", "INVOICE.JS", "script", "js", NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT"},
    {"double extension", "invoice.pdf.js", "script", "js", NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT FILE_DOUBLE_EXTENSION"},
    {"space before the dot", "x.doc .exe", "pe", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT FILE_DOUBLE_EXTENSION FILE_EXECUTABLE"},
    {"padding before the dot", "photo.jpg        .exe", "pe", NULL, NULL, false, 0, NULL, false,
     NULL, "FILE_DANGEROUS_EXT FILE_DOUBLE_EXTENSION FILE_EXECUTABLE"},
    {"unicode padding", "photo.jpg\xe2\x80\x83\xe2\x80\x83\xe2\x80\x83.scr", "pe", NULL, NULL,
     false, 0, NULL, false, NULL, "FILE_DANGEROUS_EXT FILE_DOUBLE_EXTENSION FILE_EXECUTABLE"},
    {"padding without decoy", "invoice            .scr", "pe", NULL, NULL, false, 0, NULL, false,
     NULL, "FILE_DANGEROUS_EXT FILE_DOUBLE_EXTENSION FILE_EXECUTABLE"},
    {"trailing dots and blanks", "setup.exe. . ", "pe", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT FILE_EXECUTABLE"},
    {"RTLO", "photo\xe2\x80\xaegpj.exe", "pe", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_BIDI_NAME FILE_DANGEROUS_EXT FILE_EXECUTABLE"},
    {"RTLO on a real pdf",
     "report\xe2\x80\xae"
     "fdp.pdf",
     "pdf", NULL, NULL, false, 0, NULL, false, NULL, "FILE_BIDI_NAME"},
    {"LRO", "a\xe2\x80\xad.pdf", "pdf", NULL, NULL, false, 0, NULL, false, NULL, "FILE_BIDI_NAME"},
    {"isolate U+2067", "x\xe2\x81\xa7y.pdf", "pdf", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_BIDI_NAME"},
    {"zero-width space", "in\xe2\x80\x8bvoice.pdf", "pdf", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_BIDI_NAME"},
    {"BOM in a name", "\xef\xbb\xbfscan.pdf", "pdf", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_BIDI_NAME"},
    {"type mismatch", "invoice.pdf", "pe", NULL, "application/pdf", true, 0, NULL, false, NULL,
     "FILE_TYPE_MISMATCH FILE_EXECUTABLE"},
    {"script named txt", "notes.txt", "script", "vbs", "text/plain", true, 0, NULL, false, NULL,
     "FILE_TYPE_MISMATCH"},
    {"exe in zip", "doc.exe", "pe", NULL, NULL, false, 1, "zip", false, NULL,
     "FILE_DANGEROUS_EXT ARCHIVE_EXECUTABLE"},
    {"elf in 7z", "run", "elf", NULL, NULL, false, 1, "7z", false, NULL, "ARCHIVE_EXECUTABLE"},
    {"js in zip", "doc.js", "script", "js", NULL, false, 1, "zip", false, NULL,
     "FILE_DANGEROUS_EXT ARCHIVE_SCRIPT"},
    {"path in zip", "dir/sub/invoice.pdf.exe", "pe", NULL, NULL, false, 2, "zip", false, NULL,
     "FILE_DANGEROUS_EXT FILE_DOUBLE_EXTENSION ARCHIVE_EXECUTABLE"},
    {"PE named .pdf.js in zip", "invoice.pdf.js", "pe", NULL, NULL, false, 1, "zip", false, NULL,
     "FILE_DANGEROUS_EXT FILE_DOUBLE_EXTENSION ARCHIVE_EXECUTABLE"},
    {"script not sniffed, named .vbs", "a.vbs", "text", NULL, NULL, false, 1, "rar", false, NULL,
     "FILE_DANGEROUS_EXT ARCHIVE_SCRIPT"},
    {"lnk in zip", "doc.lnk", "lnk", NULL, NULL, false, 1, "zip", false, NULL,
     "FILE_DANGEROUS_EXT ARCHIVE_SCRIPT FILE_SHORTCUT_TYPES"},
    {"vbs from encrypted zip", "doc.vbs", "script", "vbs", NULL, false, 1, "zip", true, NULL,
     "FILE_DANGEROUS_EXT ARCHIVE_SCRIPT ARCHIVE_ENCRYPTED_SCRIPT"},
    {"exe from encrypted zip", "a.exe", "pe", NULL, NULL, false, 1, "zip", true, NULL,
     "FILE_DANGEROUS_EXT ARCHIVE_EXECUTABLE ARCHIVE_ENCRYPTED_SCRIPT"},
    {"exe in iso", "setup.exe", "pe", NULL, NULL, false, 1, "iso", false, NULL,
     "FILE_DANGEROUS_EXT ARCHIVE_EXECUTABLE"},
    {"exe in a Word document", "oleObject1.bin", "pe", NULL, NULL, false, 1, "ooxml", false, NULL,
     "FILE_EXECUTABLE"},
    {"iso attachment", "invoice.iso", "iso", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT CONTAINER_DISK_IMAGE"},
    {"img by name only", "disk.img", "binary", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT CONTAINER_DISK_IMAGE"},
    {"udf renamed", "scan.dat", "udf", NULL, NULL, false, 0, NULL, false, NULL,
     "CONTAINER_DISK_IMAGE"},
    {"vhdx", "x.vhdx", "vhdx", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT CONTAINER_DISK_IMAGE"},
    {"onenote", "notes.one", "onenote", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT CONTAINER_ONENOTE"},
    {".url", "link.url", "script", "url", NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT FILE_SHORTCUT_TYPES"},
    {".iqy upper case", "DATA.IQY", "script", "iqy", NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT FILE_SHORTCUT_TYPES"},
    {".slk", "sheet.slk", "script", "slk", NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT FILE_SHORTCUT_TYPES"},
    {".settingcontent-ms", "a.settingcontent-ms", "script", "settingcontent", NULL, false, 0, NULL,
     false, NULL, "FILE_DANGEROUS_EXT FILE_SHORTCUT_TYPES"},
    {"macro document", "report.docm", "ooxml", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_MACRO_EXT"},
    {"HTML smuggling: Blob", "invoice.html", "html", NULL, NULL, false, 0, NULL, false,
     "<html><script>var d=atob(p);var b = new Blob([d], {type:'application/zip'});\n"
     "var u = window.URL.createObjectURL(b); a.href=u; a.click();</script></html>",
     "HTML_SMUGGLING"},
    {"HTML smuggling: msSaveOrOpenBlob", "doc.htm", "html", NULL, NULL, false, 0, NULL, false,
     "<script>if (navigator.msSaveOrOpenBlob) navigator.msSaveOrOpenBlob(NEW\tBLOB ([x]), n)"
     "</script>",
     "HTML_SMUGGLING"},
    {"HTML smuggling: download data:", "invoice.html", "html", NULL, NULL, false, 0, NULL, false,
     "<a id=x href=\"data:application/octet-stream;base64,UEsDBBQAAAAIAA==\" "
     "download=\"invoice.zip\">x</a><script>x.click()</script>",
     "HTML_SMUGGLING"},
    {"HTML smuggling: download property", "a.html", "html", NULL, NULL, false, 0, NULL, false,
     "<script>var a=document.createElement('a');a.href='data:;base64,TVqQAAMAAAAEAAAA';"
     "a.download = 'setup.exe';a.click();</script>",
     "HTML_SMUGGLING"},
    {"SVG smuggling", "image.svg", "svg", NULL, NULL, false, 0, NULL, false,
     "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>let b=new Blob([atob(s)]);"
     "location=URL.createObjectURL(b)</script></svg>",
     "HTML_SMUGGLING"},
    /* benign */
    {"pdf that is a pdf", "report.pdf", "pdf", NULL, "application/pdf", false, 0, NULL, false, NULL,
     ""},
    {"jpeg that is a jpeg", "photo.jpg", "jpeg", NULL, "image/jpeg", false, 0, NULL, false, NULL,
     ""},
    {"docx at depth 0", "letter.docx", "ooxml", NULL, NULL, false, 0, NULL, false, NULL, ""},
    {"pdf in a zip", "scan.pdf", "pdf", NULL, NULL, false, 1, "zip", false, NULL, ""},
    {"pdf from an encrypted zip", "scan.pdf", "pdf", NULL, NULL, false, 1, "zip", true, NULL, ""},
    {"Word document layer", "word/document.xml", "xml", NULL, NULL, false, 1, "ooxml", false, NULL,
     ""},
    {"zip of a pdf named .pdf.zip", "invoice.pdf.zip", "zip", NULL, NULL, false, 0, NULL, false,
     NULL, ""},
    {"tar.gz", "release-1.2.3.tar.gz", "gzip", NULL, NULL, false, 0, NULL, false, NULL, ""},
    {"version dots", "setup.v2.exe", "pe", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT FILE_EXECUTABLE"},
    {"spaces in a name", "my file v2 final.exe", "pe", NULL, NULL, false, 0, NULL, false, NULL,
     "FILE_DANGEROUS_EXT FILE_EXECUTABLE"},
    {"one space before the dot, no decoy", "Invoice 2024 .exe", "pe", NULL, NULL, false, 0, NULL,
     false, NULL, "FILE_DANGEROUS_EXT FILE_EXECUTABLE"},
    {"Persian ZWNJ", "\xd9\x86\xd8\xa7\xe2\x80\x8c\xd9\x85\xd9\x87.pdf", "pdf", NULL, NULL, false,
     0, NULL, false, NULL, ""},
    {"dot file", ".exe", "text", NULL, NULL, false, 0, NULL, false, NULL, ""},
    {"no name: text body", NULL, "text", NULL, "text/plain", false, 0, NULL, false,
     "Please download the report from our portal. new blob (joke) data: none", ""},
    {"newsletter HTML body", NULL, "html", NULL, "text/html", false, 0, NULL, false,
     "<p>Click to download our app.</p><img src=\"data:image/png;base64,iVBORw0KGgo=\">"
     "<a href=\"https://shop.example/app\" download>get it</a><p>metadata:x</p>",
     ""},
    {"Blob without a sink", "page.html", "html", NULL, NULL, false, 0, NULL, false,
     "<script>var b = new Blob(['x']); upload(b);</script>", ""},
    {"smuggling text in a pdf part", "x.pdf", "pdf", NULL, NULL, false, 0, NULL, false,
     "new Blob([x]); URL.createObjectURL(b)", ""},
    {"short atob literal", "page.html", "html", NULL, NULL, false, 0, NULL, false,
     "<script>var x = atob('aGVsbG8gd29ybGQ=');</script>", ""},
};

static void test_file_cases(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < NELEM(file_cases); i++) {
        const FCASE *k = &file_cases[i];
        FILETYPE ft = {k->type, NULL, k->lang, false};
        FILE_FACTS f = {k->filename,  &ft,      k->declared,
                        k->mismatch,  k->depth, k->container,
                        k->encrypted, k->text,  k->text ? strlen(k->text) : 0};
        HITS *h = hits_new();
        HEUR_CTX c = ctx(h, "2");
        heur_file(&c, &f);
        failed += check_set(k->what, h, k->want);
        for (size_t j = 0; j < h->n; j++)
            if (strcmp(h->v[j].location, "2") != 0)
                failed++, print_error("FAIL %s: location %s\n", k->what, h->v[j].location);
        hits_free(h);
    }
    assert_int_equal(failed, 0);
}

static void test_file_atob(void **state)
{
    (void)state;
    BUF *t = buf_new(4096);
    buf_puts(t, "<script>var p = atob( \"");
    for (int i = 0; i < 1100; i++)
        buf_putc(t, "TVqQ"[i % 4]);
    buf_puts(t, "\");</script>");
    FILETYPE ft = {"html", NULL, NULL, true};
    FILE_FACTS f = {"invoice.html", &ft, "text/html", false, 0, NULL, false, t->data, t->len};
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, "2");
    heur_file(&c, &f);
    assert_int_equal(check_set("atob of 1100 bytes", h, "HTML_SMUGGLING"), 0);
    hits_free(h);
    /* hta: the same shapes count in an HTML application */
    FILETYPE hta = {"script", NULL, "hta", true};
    FILE_FACTS g = {"x.hta", &hta, NULL, false, 0, NULL, false, t->data, t->len};
    h = hits_new();
    c = ctx(h, "2");
    heur_file(&c, &g);
    assert_int_equal(check_set("atob in hta", h, "FILE_DANGEROUS_EXT HTML_SMUGGLING"), 0);
    hits_free(h);
    buf_free(t);
}

static void test_file_details_and_edges(void **state)
{
    (void)state;
    FILETYPE ft = {"pe", NULL, NULL, false};
    FILE_FACTS f = {"photo\xe2\x80\xaegpj.exe", &ft, NULL, false, 0, NULL, false, NULL, 0};
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, "2");
    heur_file(&c, &f);
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, "FILE_BIDI_NAME") == 0) /* sanitized: no raw RTLO */
            assert_non_null(strstr(h->v[i].detail, "\\u{202e}"));
    hits_free(h);
    /* without lists nothing is dangerous by name; type-based symbols still work */
    h = hits_new();
    c = ctx(h, "2");
    c.lists = NULL;
    FILE_FACTS g = {"invoice.pdf.exe", &ft, NULL, false, 0, NULL, false, NULL, 0};
    heur_file(&c, &g);
    assert_int_equal(check_set("no lists", h, "FILE_EXECUTABLE"), 0);
    /* NULL arguments and a NULL type */
    heur_file(&c, NULL);
    heur_file(NULL, &g);
    FILE_FACTS e = {NULL, NULL, NULL, false, 0, NULL, false, NULL, 0};
    heur_file(&c, &e);
    assert_int_equal(h->n, 1);
    hits_free(h);
    /* a very long name: details stay bounded */
    BUF *name = buf_new(10000);
    for (int i = 0; i < 5000; i++)
        buf_puts(name, "a.");
    buf_puts(name, "pdf.exe");
    h = hits_new();
    c = ctx(h, "2");
    g.filename = name->data;
    heur_file(&c, &g);
    assert_int_equal(
        check_set("long name", h, "FILE_DANGEROUS_EXT FILE_DOUBLE_EXTENSION FILE_EXECUTABLE"), 0);
    for (size_t i = 0; i < h->n; i++)
        assert_true(strlen(h->v[i].detail) <= HIT_DETAIL_MAX + 3);
    hits_free(h);
    buf_free(name);
}

/* ------------------------------------------------------------------ heur_url */

typedef struct UCASE {
    const char *what;
    const char *html; /* the body of an HTML part "1.2" (or text when text is set) */
    bool text;
    const char *want;
} UCASE;

static const UCASE url_cases[] = {
    /* display text */
    {"IP link, bank name shown", "<a href=\"http://192.0.2.1/login\">www.mybank.com</a>", false,
     "URL_IP_LITERAL URL_DISPLAY_MISMATCH"},
    {"lookalike host, URL shown",
     "<a href=\"https://www.paypal.com.evil-login.net/\">https://www.paypal.com/signin</a>", false,
     "URL_DISPLAY_MISMATCH"},
    {"bare domain shown", "<a href=\"https://login.evil-site.net/\">Sign in at paypal.com</a>",
     false, "URL_DISPLAY_MISMATCH"},
    {"two-level suffix, other domain", "<a href=\"https://evil.co.uk/\">www.barclays.co.uk</a>",
     false, "URL_DISPLAY_MISMATCH"},
    {"two-level suffix, same domain",
     "<a href=\"https://online.barclays.co.uk/x\">barclays.co.uk</a>", false, ""},
    {"same registrable domain", "<a href=\"https://click.shop.example/t/1\">www.shop.example</a>",
     false, ""},
    {"display URL with userinfo trick",
     "<a href=\"https://evil.example.net/\">https://paypal.com@evil.example.net/</a>", false,
     "URL_USERINFO"}, /* the host shown is the href's; the text URL has the userinfo */
    {"file names are not domains",
     "<a href=\"https://nodejs.org/\">Node.js</a> <a href=\"https://github.com/x/y\">README.md"
     "</a> <a href=\"https://python.org/\">setup.py</a>",
     false, ""},
    {"mail address shown", "<a href=\"https://help.example.net/\">support@mybank.com</a>", false,
     ""},
    {"prose shown", "<a href=\"https://example.net/\">Click here to read more.</a>", false, ""},
    /* hosts */
    {"userinfo trick", "<a href=\"https://bank.example@192.0.2.1/\">log in</a>", false,
     "URL_USERINFO URL_IP_LITERAL"},
    {"decimal IP", "<a href=\"http://3221225985/x\">x</a>", false,
     "URL_IP_LITERAL URL_IP_OBFUSCATED"},
    {"hex IP", "<a href=\"http://0xC0.0x00.0x02.0x01/\">x</a>", false,
     "URL_IP_LITERAL URL_IP_OBFUSCATED"},
    {"IPv6", "<a href=\"http://[2001:db8::1]/\">x</a>", false, "URL_IP_LITERAL"},
    {"punycode, one script", "<a href=\"https://xn--80ak6aa92e.com/\">x</a>", false,
     "URL_PUNYCODE"},
    {"mixed Latin/Cyrillic", "<a href=\"https://p\xd0\xb0ypal.com/\">x</a>", false,
     "URL_PUNYCODE URL_MIXED_SCRIPT"},
    {"mixed Latin/Greek", "<a href=\"https://g\xce\xbfogle.com/\">x</a>", false,
     "URL_PUNYCODE URL_MIXED_SCRIPT"},
    {"German IDN", "<a href=\"https://m\xc3\xbcller.de/\">x</a>", false, "URL_PUNYCODE"},
    {"shortener", "<a href=\"https://bit.ly/3xYz\">offer</a>", false, "URL_SHORTENER"},
    {"shortener subdomain", "<a href=\"https://WWW.TinyURL.com/abc\">x</a>", false,
     "URL_SHORTENER"},
    {"block-listed", "<a href=\"https://cdn.evil.example/a\">x</a>", false, "URL_BLOCKLISTED"},
    {"block-listed lookalike is not", "<a href=\"https://evil.example.org/a\">x</a>", false, ""},
    {"allow-listed: skipped",
     "<a href=\"https://files.trusted.example/setup.exe\">www.other.com</a>", false, ""},
    /* paths */
    {"exe link", "<a href=\"https://files.example.net/invoice.pdf.exe\">x</a>", false,
     "URL_EXECUTABLE_LINK"},
    {"js link with query", "<a href=\"https://x.example.net/a/b.JS?v=1#top\">x</a>", false,
     "URL_EXECUTABLE_LINK"},
    {"iso link", "<a href=\"https://x.example.net/d/invoice.iso\">x</a>", false,
     "URL_EXECUTABLE_LINK"},
    {"zip link", "<a href=\"https://x.example.net/d/invoice.zip\">x</a>", false,
     "URL_ARCHIVE_LINK"},
    {"7z link", "<a href=\"https://x.example.net/d/a.7z\">x</a>", false, "URL_ARCHIVE_LINK"},
    {"script include", "<script src=\"https://cdn.example.net/jquery.min.js\"></script>", false,
     ""},
    {"redirector path ending in .com", "<a href=\"https://r.example.net/go/www.example.com\">x</a>",
     false, ""},
    {"ordinary pages", "<a href=\"https://shop.example/p/42.html\">x</a>", false, ""},
    /* schemes */
    /* a javascript: href is code of the page: heur/html.c puts it in the decoded:script
     * layer, judged there as script (test_html), not a second time as a link */
    {"javascript:", "<a href=\"javascript:eval(atob('YWxlcnQoMSk='))\">x</a>", false, ""},
    {"javascript:void(0)", "<a href=\"javascript:void(0)\">menu</a>", false, ""},
    {"vbscript:", "<a href=\"vbscript:msgbox(1)\">x</a>", false, "URL_DANGEROUS_SCHEME"},
    {"data: html", "<a href=\"data:text/html;base64,PGh0bWw+\">x</a>", false,
     "URL_DANGEROUS_SCHEME"},
    {"data: svg image", "<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">", false,
     "URL_DANGEROUS_SCHEME"},
    {"data: png image", "<img src=\"data:image/png;base64,iVBORw0KGgo=\">", false, ""},
    {"ms-msdt", "<a href=\"ms-msdt:/id PCWDiagnostic /skip force\">x</a>", false,
     "URL_DANGEROUS_SCHEME"},
    {"search-ms",
     "<a href=\"search-ms:query=invoice&crumb=location:\\\\198.51.100.7@80\\share\">x</a>", false,
     "URL_DANGEROUS_SCHEME"},
    {"ms-word ofe", "<a href=\"ms-word:ofe|u|https://x.example.net/a.docx\">open</a>", false,
     "URL_DANGEROUS_SCHEME"},
    {"ms-excel abbreviated form", "<a href=\"ms-excel:https://x.example.net/a.xlsx\">x</a>", false,
     "URL_DANGEROUS_SCHEME"},
    {"ms-excel, no document", "<a href=\"ms-excel:about\">x</a>", false, ""},
    {"ms-officecmd", "<a href=\"ms-officecmd:{&quot;id&quot;:3}\">x</a>", false,
     "URL_DANGEROUS_SCHEME"},
    {"file: on an IP share", "<a href=\"file://192.0.2.7/share/doc.lnk\">x</a>", false,
     "URL_DANGEROUS_SCHEME URL_IP_LITERAL URL_EXECUTABLE_LINK"},
    /* plain text */
    {"text: IP exe link", "Get it at http://198.51.100.7/payload.exe today", true,
     "URL_IP_LITERAL URL_EXECUTABLE_LINK"},
    {"text: defanged advisory IP", "Blocked: hxxp://198[.]51[.]100[.]7/x", true, "URL_IP_LITERAL"},
    {"text: ordinary", "See https://www.example.org/docs and www.example.com.", true, ""},
    /* a quoted command line in plain text is a mention, no link a client follows */
    {"text: mshta javascript: quoted", "Seen: mshta javascript:a=GetObject(\"script:x\")", true,
     ""},
    {"text: mshta vbscript: quoted", "Seen: mshta vbscript:Execute(\"CreateObject(x)\")", true, ""},
};

/* url_hits - heur_url over the URLs of one HTML (or text) part "1.2" */
static HITS *url_hits(const char *body, bool text)
{
    URLSET *set = urlset_new(1000);
    if (text)
        url_extract_text(set, body, strlen(body), "1.2");
    else
        url_extract_html(set, body, strlen(body), "1.2");
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, "message");
    heur_url(&c, set);
    urlset_free(set);
    return h;
}

static void test_url_cases(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < NELEM(url_cases); i++) {
        const UCASE *k = &url_cases[i];
        HITS *h = url_hits(k->html, k->text);
        failed += check_set(k->what, h, k->want);
        for (size_t j = 0; j < h->n; j++)
            if (strcmp(h->v[j].location, "1.2") != 0)
                failed++, print_error("FAIL %s: location %s\n", k->what, h->v[j].location);
        hits_free(h);
    }
    assert_int_equal(failed, 0);
}

static void test_url_scores(void **state)
{
    (void)state;
    static const struct {
        const char *what, *html;
        bool tag; /* reaches the tag threshold on URL symbols alone */
    } cases[] = {
        {"IP link showing a bank", "<a href=\"http://192.0.2.1/login\">www.mybank.com</a>", true},
        {"userinfo trick on an IP", "<a href=\"https://mybank.com@192.0.2.1/\">x</a>", true},
        {"decimal IP", "<a href=\"http://3221225985/\">x</a>", true},
        {"homograph", "<a href=\"https://p\xd0\xb0ypal.com/\">x</a>", true},
        {"Follina link", "<a href=\"ms-msdt:/id PCWDiagnostic\">x</a>", true},
        {"tracked link showing the shop",
         "<a href=\"https://t.mailer.example/c/1\">"
         "www.shop.example</a>",
         false},
        {"one shortened link", "<a href=\"https://bit.ly/x\">x</a>", false},
        {"zip download", "<a href=\"https://shop.example/catalog.zip\">catalog</a>", false},
    };
    int failed = 0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        HITS *h = url_hits(cases[i].html, false);
        double s = score(h);
        if ((s >= TAG) != cases[i].tag) {
            print_error("FAIL %s: score %.1f, want %s %.0f\n", cases[i].what, s,
                        cases[i].tag ? ">=" : "<", TAG);
            failed++;
        }
        hits_free(h);
    }
    assert_int_equal(failed, 0);
}

/* newsletter - an HTML newsletter with 200 distinct https links to a few shops, some
 * through bit.ly, images, a view-in-browser and an unsubscribe link */
static char *newsletter(void)
{
    static const char *const shops[] = {"shop-one.example", "www.shoptwo.com",
                                        "store.brand-three.co.uk", "deals.shopfour.de"};
    BUF *b = buf_new(65536);
    buf_puts(b, "<html><body><p><a href=\"https://news.shop-one.example/view?id=77\">View in "
                "browser</a></p><table>");
    for (int i = 0; i < 200; i++) {
        const char *shop = shops[i % 4];
        buf_printf(b,
                   "<tr><td><a href=\"https://%s/p/%d?utm_source=news&amp;utm_medium=mail\">"
                   "<img src=\"https://cdn.%s/img/%d.jpg\" alt=\"Product %d\"></a></td>",
                   shop, i, shop, i, i);
        if (i % 40 == 0)
            buf_printf(b, "<td><a href=\"https://bit.ly/sale%d\">Limited offer</a></td>", i);
        else if (i % 10 == 0)
            buf_printf(b, "<td>Visit <a href=\"https://%s/\">%s</a></td>", shop, shop);
        else
            buf_printf(b, "<td><a href=\"https://%s/p/%d#buy\">Shop now</a></td>", shop, i);
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</table><p>Follow us: https://www.shoptwo.com/social</p><p><a href=\"https://"
                "shop-one.example/unsubscribe?u=abc\">Unsubscribe</a> | <a href=\"mailto:"
                "help@shop-one.example\">help@shop-one.example</a></p></body></html>");
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

static void test_url_newsletter(void **state)
{
    (void)state;
    char *html = newsletter();
    URLSET *set = urlset_new(5000);
    url_extract_html(set, html, strlen(html), "1.2");
    assert_true(set->n >= 200);
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, "message");
    heur_url(&c, set);
    static const char *const never[] = {
        "URL_DISPLAY_MISMATCH", "URL_IP_LITERAL", "URL_IP_OBFUSCATED", "URL_DANGEROUS_SCHEME",
        "URL_EXECUTABLE_LINK",  "URL_USERINFO",   "URL_MIXED_SCRIPT",  "URL_BLOCKLISTED"};
    for (size_t i = 0; i < NELEM(never); i++)
        if (hits_has(h, never[i]))
            print_error("newsletter: %s\n", never[i]);
    for (size_t i = 0; i < NELEM(never); i++)
        assert_false(hits_has(h, never[i]));
    assert_true(hits_has(h, "URL_SHORTENER")); /* found, once per place */
    size_t shortener = 0;
    for (size_t i = 0; i < h->n; i++)
        shortener += strcmp(h->v[i].symbol, "URL_SHORTENER") == 0;
    assert_int_equal(shortener, 1);
    double s = score(h);
    if (s >= TAG)
        print_error("newsletter scored %.1f\n", s);
    assert_true(s < TAG);
    /* the same mail as text/plain and text/html: two places, still below the threshold */
    url_extract_text(set, html, strlen(html), "1.1");
    hits_free(h);
    h = hits_new();
    c = ctx(h, "message");
    heur_url(&c, set);
    assert_true(score(h) < TAG);
    hits_free(h);
    urlset_free(set);
    free(html);
}

static void test_url_edges(void **state)
{
    (void)state;
    heur_url(NULL, NULL);
    HITS *h = hits_new();
    HEUR_CTX c = ctx(h, "message");
    heur_url(&c, NULL);
    URLSET *set = urlset_new(10);
    heur_url(&c, set); /* empty set */
    assert_int_equal(h->n, 0);
    /* a URL without a place is reported at the context's location; details are bounded */
    BUF *b = buf_new(20000);
    buf_puts(b, "http://192.0.2.9/");
    for (int i = 0; i < 2000; i++) /* 6 KB: under URL_MAX_LEN */
        buf_puts(b, "aa/");
    buf_puts(b, "x.exe");
    url_extract_text(set, b->data, b->len, NULL);
    c.lists = lists;
    heur_url(&c, set);
    assert_int_equal(check_set("long URL", h, "URL_IP_LITERAL URL_EXECUTABLE_LINK"), 0);
    for (size_t i = 0; i < h->n; i++) {
        assert_string_equal(h->v[i].location, "message");
        assert_true(strlen(h->v[i].detail) <= HIT_DETAIL_MAX + 3);
    }
    /* no lists: list-based symbols are off, the rest still work */
    hits_free(h);
    h = hits_new();
    c = ctx(h, "message");
    c.lists = NULL;
    heur_url(&c, set);
    assert_int_equal(check_set("no lists", h, "URL_IP_LITERAL"), 0);
    hits_free(h);
    buf_free(b);
    urlset_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_cases),
        cmocka_unit_test(test_file_atob),
        cmocka_unit_test(test_file_details_and_edges),
        cmocka_unit_test(test_url_cases),
        cmocka_unit_test(test_url_scores),
        cmocka_unit_test(test_url_newsletter),
        cmocka_unit_test(test_url_edges),
    };
    return cmocka_run_group_tests_name("heur_file", tests, setup, teardown);
}
