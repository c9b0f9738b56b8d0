/*
 * test_scan_clamav - scan_clamav.c against the installed libclamav (1.4):
 *   built here: EICAR alone and in stored zips written by zip_build (locations, layer
 *   records, on_layer, dedupe of repeated layers and of virus_found repeats, hostile and
 *   long member names, location cap), encrypted members, limits, an empty signature
 *   directory, four threads on one engine;
 *   ../shared/corpus (each test skips when it is absent): every clamav-testfiles sample
 *   against tests/data/clamav/test.hdb (MD5 of the 544-byte clam.exe), Apache POI's
 *   SimpleMacro.* VBA against the SimpleMacro.vba source shipped beside them, oletools'
 *   encrypted zips, ECMA-376 encrypted OOXML and Excel 4.0 macros.
 * Run from the repository root. No network, no downloaded databases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ctype.h>
#include <dirent.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "core/digest.h"
#include "model/failure.h"
#include "model/hit.h"
#include "model/layer.h"
#include "scan/clamav.h"
#include "lib/xalloc.h"
#include "core/log.h"

#define CORPUS  "../shared/corpus"
#define SIGDIR  "tests/data/clamav"
#define TESTSIG "CLAMAV_ClamAV-Test-File"

/* the EICAR test string, split so this source file is not itself a detection */
#define EICAR                                                                                      \
    "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR"                                                           \
    "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

static CLAMAV *engine; /* tests/data/clamav, default limits */

typedef struct RUN {
    LAYERS *layers;
    HITS *hits;
    size_t on_layer, on_vba;
} RUN;

typedef struct ZMEMBER {
    const char *name;
    const void *data;
    size_t len;
    bool encrypted;
} ZMEMBER;

/* ---- helpers ---- */

/* on_layer - count calls; the bytes handed over are the layer's */
static void on_layer(void *ctx, const LAYER *y, const unsigned char *data, size_t n)
{
    RUN *r = ctx;
    char sha[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(data, n, sha);
    assert_string_equal(sha, y->sha256);
    assert_int_equal(n, y->size);
    assert_non_null(y->engine_type);
    r->on_layer++;
}

/* on_vba - count calls */
static void on_vba(void *ctx, const VBA_MODULE *m)
{
    RUN *r = ctx;
    assert_non_null(m->source);
    r->on_vba++;
}

/* run_new - fresh layer and hit lists */
static RUN run_new(void)
{
    return (RUN){layers_new(), hits_new(), 0, 0};
}

/* run_free - release a RUN's lists */
static void run_free(RUN *r)
{
    r->layers = layers_free(r->layers);
    r->hits = hits_free(r->hits);
}

/* scan - scan a buffer that sits at `location` (part = text before the first '/') */
static int scan(const CLAMAV *c, RUN *r, const char *location, const char *filename, const void *p,
                size_t n)
{
    char part[64];
    snprintf(part, sizeof(part), "%.*s", (int)strcspn(location, "/"), location);
    CLAMAV_JOB job = {.location = location,
                      .part = part,
                      .filename = filename,
                      .depth = 0,
                      .data = p,
                      .len = n,
                      .layers = r->layers,
                      .hits = r->hits,
                      .on_layer = on_layer,
                      .on_vba = on_vba,
                      .ctx = r};
    return clamav_scan(c, &job);
}

/* hit_at - the hit with this symbol and location, or NULL */
static const HIT *hit_at(const HITS *h, const char *symbol, const char *location)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, symbol) == 0 && strcmp(h->v[i].location, location) == 0)
            return &h->v[i];
    return NULL;
}

/* hit_of - the first hit with this symbol, or NULL */
static const HIT *hit_of(const HITS *h, const char *symbol)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].symbol, symbol) == 0)
            return &h->v[i];
    return NULL;
}

/* layer_at - the layer recorded at location, or NULL */
static const LAYER *layer_at(const LAYERS *l, const char *location)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i]->location, location) == 0)
            return l->v[i];
    return NULL;
}

/* dump_hits - print hits (for a failing assertion's context) */
static void dump_hits(const char *what, const HITS *h)
{
    for (size_t i = 0; i < h->n; i++)
        printf("    %s: %s @ %s (%s) x%u\n", what, h->v[i].symbol, h->v[i].location, h->v[i].detail,
               h->v[i].count);
}

/* crc32 - the zip CRC of n bytes */
static uint32_t crc32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

/* le - append a little-endian integer of `bytes` bytes */
static void le(BUF *b, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        buf_putc(b, (int)((v >> (8 * i)) & 0xff));
}

/* zip_header - the fields local and central headers share, from "version needed" on */
static void zip_header(BUF *b, const ZMEMBER *m)
{
    uint32_t crc = crc32(m->data, m->len);
    le(b, 20, 2);                   /* version needed */
    le(b, m->encrypted ? 1 : 0, 2); /* flags: bit 0 = encrypted */
    le(b, 0, 2);                    /* method: stored */
    le(b, 0, 2);                    /* time */
    le(b, 0x21, 2);                 /* date: 1980-01-01 */
    le(b, crc, 4);
    le(b, (uint32_t)m->len, 4); /* compressed size */
    le(b, (uint32_t)m->len, 4); /* size */
    le(b, (uint32_t)strlen(m->name), 2);
    le(b, 0, 2); /* extra length */
}

/* zip_build - a stored zip: local headers, central directory, end record */
static BUF *zip_build(const ZMEMBER *m, size_t nm)
{
    BUF *b = buf_new(256);
    uint32_t *off = xcalloc(nm, sizeof(*off));
    for (size_t i = 0; i < nm; i++) {
        off[i] = (uint32_t)b->len;
        le(b, 0x04034b50, 4);
        zip_header(b, &m[i]);
        buf_puts(b, m[i].name);
        buf_cat(b, m[i].data, m[i].len);
    }
    uint32_t cd = (uint32_t)b->len;
    for (size_t i = 0; i < nm; i++) {
        le(b, 0x02014b50, 4);
        le(b, 20, 2); /* version made by */
        zip_header(b, &m[i]);
        le(b, 0, 2); /* comment length */
        le(b, 0, 2); /* disk */
        le(b, 0, 2); /* internal attributes */
        le(b, 0, 4); /* external attributes */
        le(b, off[i], 4);
        buf_puts(b, m[i].name);
    }
    uint32_t cdlen = (uint32_t)b->len - cd;
    le(b, 0x06054b50, 4);
    le(b, 0, 4);
    le(b, (uint32_t)nm, 2);
    le(b, (uint32_t)nm, 2);
    le(b, cdlen, 4);
    le(b, cd, 4);
    le(b, 0, 2);
    free(off);
    return b;
}

/* zip1 - a stored zip holding one member */
static BUF *zip1(const char *name, const void *data, size_t len)
{
    ZMEMBER m = {name, data, len, false};
    return zip_build(&m, 1);
}

/* read_file - whole file, or NULL */
static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *p = xmalloc(size > 0 ? (size_t)size : 1);
    *n = size > 0 ? fread(p, 1, (size_t)size, f) : 0;
    fclose(f);
    return p;
}

/* corpus_present - the shared corpus is checked out next to the repository */
static bool corpus_present(void)
{
    struct stat st;
    return stat(CORPUS, &st) == 0 && S_ISDIR(st.st_mode);
}

/* base_name - the part after the last '/' */
static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* scan_path - scan a corpus file as part 1; false when the file is missing */
static bool scan_path(const CLAMAV *c, RUN *r, const char *path, char *loc, size_t locsize)
{
    size_t n = 0;
    unsigned char *p = read_file(path, &n);
    if (p == NULL)
        return false;
    snprintf(loc, locsize, "1/%s", base_name(path));
    assert_int_equal(scan(c, r, loc, base_name(path), p, n), 0);
    free(p);
    return true;
}

/* ---- built inputs ---- */

/* test_version - version string and signature count of tests/data/clamav */
static void test_version(void **state)
{
    (void)state;
    assert_true(isdigit((unsigned char)clamav_version()[0]));
    assert_int_equal(clamav_signatures(engine), 2); /* test.hdb + eicar.ndb */
    assert_null(clamav_free(NULL));
    BUF *err = buf_new(16);
    assert_int_equal(clamav_init(err), 0); /* idempotent */
    buf_free(err);
}

/* test_empty_dir - no database file is an error with libclamav's reason */
static void test_empty_dir(void **state)
{
    log_expect(true); /* a negative test: the warnings it logs are expected */
    (void)state;
    char dir[] = "/tmp/fm-clamav-empty-XXXXXX";
    assert_non_null(mkdtemp(dir));
    BUF *err = buf_new(64);
    assert_null(clamav_load(dir, NULL, err));
    printf("    empty dir: %s\n", err->data);
    assert_non_null(strstr(err->data, "cl_load"));
    assert_non_null(strstr(err->data, "No supported database files"));
    rmdir(dir);
    buf_reset(err);
    assert_null(clamav_load("/nonexistent/fm-clamav", NULL, err));
    assert_true(err->len > 0);
    buf_free(err);
    log_expect(false);
}

/* test_eicar_alone - a signature hit at the buffer itself; level 0 is no layer */
static void test_eicar_alone(void **state)
{
    (void)state;
    RUN r = run_new();
    assert_int_equal(scan(engine, &r, "1/eicar.com", "eicar.com", EICAR, strlen(EICAR)), 0);
    dump_hits("eicar", r.hits);
    const HIT *h = hit_at(r.hits, "CLAMAV_Test.EICAR", "1/eicar.com");
    assert_non_null(h);
    assert_int_equal(h->count, 1);
    assert_int_equal(r.hits->n, 1);
    assert_int_equal(r.layers->n, 0);
    assert_int_equal(r.on_layer, 0);
    run_free(&r);
    /* no filename, and an empty buffer */
    r = run_new();
    assert_int_equal(scan(engine, &r, "2", NULL, EICAR, strlen(EICAR)), 0);
    assert_non_null(hit_at(r.hits, "CLAMAV_Test.EICAR", "2"));
    assert_int_equal(scan(engine, &r, "3", NULL, "", 0), 0);
    assert_int_equal(r.hits->n, 1);
    run_free(&r);
}

/* test_eicar_in_zip - the hit goes to the member, once; members become layers */
static void test_eicar_in_zip(void **state)
{
    (void)state;
    ZMEMBER m[] = {{"eicar.com", EICAR, strlen(EICAR), false}, {"readme.txt", "hello\n", 6, false}};
    BUF *z = zip_build(m, 2);
    RUN r = run_new();
    assert_int_equal(scan(engine, &r, "T/eicar.zip", "eicar.zip", z->data, z->len), 0);
    dump_hits("zip", r.hits);
    const HIT *h = hit_at(r.hits, "CLAMAV_Test.EICAR", "T/eicar.zip>eicar.com");
    assert_non_null(h);
    assert_int_equal(h->count, 1);
    assert_int_equal(r.hits->n, 1); /* not again at the zip */
    assert_int_equal(r.layers->n, 2);
    assert_int_equal(r.on_layer, 2);
    const LAYER *y = layer_at(r.layers, "T/eicar.zip>eicar.com");
    assert_non_null(y);
    assert_string_equal(y->name, "eicar.com");
    assert_string_equal(y->part, "T");
    assert_string_equal(y->engine_type, "text_ascii");
    assert_int_equal(y->depth, 1);
    assert_int_equal(y->size, strlen(EICAR));
    assert_false(y->encrypted);
    assert_non_null(layer_at(r.layers, "T/eicar.zip>readme.txt"));
    /* the same zip again, same message: no new layers, the hit is still found */
    HITS *again = hits_new();
    HITS *first = r.hits;
    r.hits = again;
    assert_int_equal(scan(engine, &r, "U/copy.zip", "copy.zip", z->data, z->len), 0);
    assert_int_equal(r.layers->n, 2);
    assert_int_equal(r.on_layer, 2);
    assert_non_null(hit_at(again, "CLAMAV_Test.EICAR", "U/copy.zip>eicar.com"));
    hits_free(first);
    run_free(&r);
    buf_free(z);
}

/* the layer callback of test_nested_error: a libclamav error arrives while the outer scan
 * runs (cl_load of an empty folder reports one), then, as scan.c's layer callback does when
 * it analyses a layer, a nested clamav_scan of a clean buffer */
typedef struct NEST {
    bool err_first; /* make the error before the nested scan */
    bool nested;    /* run the nested scan */
    bool done;
    int inner_rc;
    size_t inner_hits;
} NEST;

static void on_layer_nest(void *ctx, const LAYER *y, const unsigned char *data, size_t n)
{
    (void)y, (void)data, (void)n;
    NEST *x = ctx;
    if (x->done)
        return;
    x->done = true;
    if (x->err_first) {
        char dir[] = "/tmp/fm-clamav-nest-XXXXXX";
        assert_non_null(mkdtemp(dir));
        BUF *err = buf_new(64);
        assert_null(clamav_load(dir, NULL, err));
        buf_free(err);
        rmdir(dir);
    }
    if (x->nested) {
        RUN in = run_new();
        x->inner_rc = scan(engine, &in, "N>inner", "inner.txt", "plain words\n", 12);
        x->inner_hits = in.hits->n;
        run_free(&in);
    }
}

/* nest_scan - scan a one-member zip with on_layer_nest; the outer result */
static int nest_scan(NEST *x, HITS *hits)
{
    BUF *z = zip1("notes.txt", "some notes\n", 11);
    LAYERS *layers = layers_new();
    CLAMAV_JOB job = {.location = "N/n.zip",
                      .part = "N",
                      .filename = "n.zip",
                      .data = (const unsigned char *)z->data,
                      .len = z->len,
                      .layers = layers,
                      .hits = hits,
                      .on_layer = on_layer_nest,
                      .ctx = x};
    int rc = clamav_scan(engine, &job);
    assert_true(x->done);
    layers_free(layers);
    buf_free(z);
    return rc;
}

/* test_nested_error - an error of the outer scan survives a nested scan that found none
 * (it used to clear the flag: the message came out clean instead of SCAN_ERROR), and the
 * nested scan reports only its own state */
static void test_nested_error(void **state)
{
    (void)state;
    NEST plain = {.err_first = false, .nested = true}; /* no error anywhere: clean */
    HITS *h = hits_new();
    assert_int_equal(nest_scan(&plain, h), 0);
    assert_null(hit_of(h, "SCAN_ERROR"));
    h = hits_free(h);
    NEST alone = {.err_first = true, .nested = false}; /* the error alone: SCAN_ERROR */
    h = hits_new();
    assert_int_equal(nest_scan(&alone, h), -1);
    assert_non_null(hit_of(h, "SCAN_ERROR"));
    h = hits_free(h);
    NEST both = {.err_first = true, .nested = true}; /* the error, then a clean nested scan */
    h = hits_new();
    int rc = nest_scan(&both, h);
    dump_hits("nested error", h);
    assert_int_equal(both.inner_rc, 0); /* the nested scan is clean ... */
    assert_int_equal(both.inner_hits, 0);
    assert_int_equal(rc, -1); /* ... and the outer one still failed */
    const HIT *e = hit_of(h, "SCAN_ERROR");
    assert_non_null(e);
    assert_true(h->errs & MSG_ERR_BIT(MSG_ERR_SCANNER));
    assert_non_null(strstr(e->detail, "No supported database files"));
    hits_free(h);
}

/* test_nested - zip in zip: locations chain, depth counts, identical members dedupe */
static void test_nested(void **state)
{
    (void)state;
    ZMEMBER in[] = {{"a.com", EICAR, strlen(EICAR), false}, {"b.com", EICAR, strlen(EICAR), false}};
    BUF *inner = zip_build(in, 2);
    BUF *outer = zip1("inner.zip", inner->data, inner->len);
    RUN r = run_new();
    assert_int_equal(scan(engine, &r, "2/outer.zip", "outer.zip", outer->data, outer->len), 0);
    dump_hits("nested", r.hits);
    for (size_t i = 0; i < r.layers->n; i++)
        printf("    layer %s depth=%d %s\n", r.layers->v[i]->location, r.layers->v[i]->depth,
               r.layers->v[i]->engine_type);
    const LAYER *y = layer_at(r.layers, "2/outer.zip>inner.zip");
    assert_non_null(y);
    assert_int_equal(y->depth, 1);
    assert_string_equal(y->engine_type, "zip");
    y = layer_at(r.layers, "2/outer.zip>inner.zip>a.com");
    assert_non_null(y);
    assert_int_equal(y->depth, 2);
    /* b.com has a.com's bytes: one layer, and one hit at the first place */
    assert_int_equal(r.layers->n, 2);
    assert_non_null(hit_at(r.hits, "CLAMAV_Test.EICAR", "2/outer.zip>inner.zip>a.com"));
    assert_int_equal(r.hits->n, 1);
    run_free(&r);
    buf_free(inner);
    buf_free(outer);
}

/* test_hostile_names - member names are sanitized in locations, kept raw in LAYER.name */
static void test_hostile_names(void **state)
{
    (void)state;
    const char *evil = "in\r\nvoice\xe2\x80\xae"
                       "moc.txt";
    BUF *z = zip1(evil, EICAR, strlen(EICAR));
    RUN r = run_new();
    assert_int_equal(scan(engine, &r, "1/z.zip", "z.zip", z->data, z->len), 0);
    const char *want = "1/z.zip>in\\x0d\\x0avoice\\u{202e}moc.txt";
    const LAYER *y = layer_at(r.layers, want);
    assert_non_null(y);
    assert_string_equal(y->name, evil);
    assert_non_null(hit_at(r.hits, "CLAMAV_Test.EICAR", want));
    run_free(&r);
    buf_free(z);
    /* 12 nested zips with 200-byte names: each name is cut, the location stays bounded */
    char name[201];
    memset(name, 'n', 200);
    name[200] = '\0';
    BUF *cur = zip1(name, "deep", 4);
    for (int i = 0; i < 11; i++) {
        name[0] = (char)('a' + i);
        BUF *next = zip1(name, cur->data, cur->len);
        buf_free(cur);
        cur = next;
    }
    r = run_new();
    assert_int_equal(scan(engine, &r, "1/deep.zip", "deep.zip", cur->data, cur->len), 0);
    size_t longest = 0;
    for (size_t i = 0; i < r.layers->n; i++) {
        size_t len = strlen(r.layers->v[i]->location);
        assert_true(len <= 1024);
        longest = len > longest ? len : longest;
    }
    printf("    deep: %zu layers, longest location %zu bytes\n", r.layers->n, longest);
    assert_true(r.layers->n >= 8);
    assert_int_equal(longest, 1024);
    assert_non_null(strstr(r.layers->v[1]->location, "nnn...>")); /* a name cut at 128 */
    run_free(&r);
    buf_free(cur);
}

/* test_encrypted_member - ARCHIVE_ENCRYPTED at the archive, nested or not */
static void test_encrypted_member(void **state)
{
    (void)state;
    static const char cipher[] = "0123456789ab-payload-";
    ZMEMBER m[] = {{"secret.exe", cipher, sizeof(cipher) - 1, true}};
    BUF *enc = zip_build(m, 1);
    RUN r = run_new();
    assert_int_equal(scan(engine, &r, "1/enc.zip", "enc.zip", enc->data, enc->len), 0);
    dump_hits("enc", r.hits);
    const HIT *h = hit_at(r.hits, "ARCHIVE_ENCRYPTED", "1/enc.zip");
    assert_non_null(h);
    assert_non_null(strstr(h->detail, "secret.exe"));
    assert_int_equal(h->count, 1); /* meta twice + the heuristic: one report */
    run_free(&r);
    BUF *outer = zip1("enc.zip", enc->data, enc->len);
    r = run_new();
    assert_int_equal(scan(engine, &r, "1/outer.zip", "outer.zip", outer->data, outer->len), 0);
    dump_hits("outer", r.hits);
    assert_non_null(hit_at(r.hits, "ARCHIVE_ENCRYPTED", "1/outer.zip>enc.zip"));
    assert_null(hit_at(r.hits, "ARCHIVE_ENCRYPTED", "1/outer.zip"));
    const LAYER *y = layer_at(r.layers, "1/outer.zip>enc.zip");
    assert_non_null(y);
    assert_true(y->encrypted);
    run_free(&r);
    buf_free(enc);
    buf_free(outer);
}

/* test_limits - exceeded limits are hits, not silent passes */
static void test_limits(void **state)
{
    (void)state;
    BUF *err = buf_new(64);
    CLAMAV_LIMITS lim = {.max_recursion = 1};
    CLAMAV *c = clamav_load(SIGDIR, &lim, err);
    assert_non_null(c);
    BUF *inner = zip1("eicar.com", EICAR, strlen(EICAR));
    BUF *outer = zip1("inner.zip", inner->data, inner->len);
    RUN r = run_new();
    assert_int_equal(scan(c, &r, "1/outer.zip", "outer.zip", outer->data, outer->len), 0);
    dump_hits("recursion 1", r.hits);
    assert_non_null(hit_of(r.hits, "LIMIT_CLAMAV_RECURSION"));
    run_free(&r);
    c = clamav_free(c);

    lim = (CLAMAV_LIMITS){.max_file_size = 100};
    c = clamav_load(SIGDIR, &lim, err);
    assert_non_null(c);
    r = run_new();
    assert_int_equal(scan(c, &r, "1/outer.zip", "outer.zip", outer->data, outer->len), 0);
    dump_hits("file size 100", r.hits);
    assert_non_null(hit_at(r.hits, "LIMIT_CLAMAV_FILE_SIZE", "1/outer.zip"));
    assert_null(hit_of(r.hits, "CLAMAV_Test.EICAR"));
    run_free(&r);
    c = clamav_free(c);
    buf_free(inner);
    buf_free(outer);
    buf_free(err);
}

/* worker - 25 scans of a nested zip on the shared engine; the count of right answers */
static void *worker(void *arg)
{
    const BUF *z = arg;
    size_t *good = xcalloc(1, sizeof(*good));
    for (int i = 0; i < 25; i++) {
        LAYERS *l = layers_new();
        HITS *h = hits_new();
        CLAMAV_JOB job = {.location = "1/o.zip",
                          .part = "1",
                          .filename = "o.zip",
                          .data = (const unsigned char *)z->data,
                          .len = z->len,
                          .layers = l,
                          .hits = h};
        if (clamav_scan(engine, &job) == 0 && h->n == 1 && l->n == 2 &&
            strcmp(h->v[0].location, "1/o.zip>i.zip>eicar.com") == 0)
            (*good)++;
        layers_free(l);
        hits_free(h);
    }
    return good;
}

/* test_threads - one engine, 4 threads scanning at once, each with its own lists */
static void test_threads(void **state)
{
    (void)state;
    BUF *inner = zip1("eicar.com", EICAR, strlen(EICAR));
    BUF *outer = zip1("i.zip", inner->data, inner->len);
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, outer), 0);
    for (int i = 0; i < 4; i++) {
        void *good;
        assert_int_equal(pthread_join(t[i], &good), 0);
        assert_int_equal(*(size_t *)good, 25);
        free(good);
    }
    buf_free(inner);
    buf_free(outer);
}

/* ---- corpus ---- */

/* cmp_str - qsort order of C strings */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_dir - sorted regular file names of dir, or NULL */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return NULL;
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        XGROW(v, *n, cap);
        v[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(v, *n, sizeof(*v), cmp_str);
    return v;
}

/* miss_reason - why the test file was not found in one scan */
static void miss_reason(const RUN *r, BUF *why)
{
    for (size_t i = 0; i < r->hits->n; i++)
        buf_printf(why, "%s%s", why->len ? ", " : "", r->hits->v[i].symbol);
    buf_printf(why, "%s%zu layers:", why->len ? "; " : "", r->layers->n);
    for (size_t i = 0; i < r->layers->n && i < 8; i++)
        buf_printf(why, " %s(%zu)", r->layers->v[i]->engine_type, r->layers->v[i]->size);
}

/* test_corpus_testfiles - every clamav-testfiles sample against test.hdb */
static void test_corpus_testfiles(void **state)
{
    (void)state;
    /* must be found (libraries.md §1.3), at this layer path when one is given */
    static const struct {
        const char *file, *location;
    } must[] = {
        {"clam.zip", "1/clam.zip>clam.exe"},
        {"clam.7z", "1/clam.7z>clam.exe"},
        {"clam.cab", "1/clam.cab>clam.exe"},
        {"clam.tar.gz", "1/clam.tar.gz>(posix_tar)>clam.exe"},
        {"clam.ole.doc", NULL},
        {"clam.exe.rtf", "1/clam.exe.rtf>(msexe)"},
        {"clam.pdf", "1/clam.pdf>(msexe)"},
        {"clam.chm", "1/clam.chm>/clam.exe.txt"},
        {"clam.exe", "1/clam.exe"},
    };
    const char *dir = CORPUS "/clamav-testfiles/files";
    size_t n = 0, found = 0;
    char **names = corpus_present() ? list_dir(dir, &n) : NULL;
    if (names == NULL || n == 0)
        skip();
    char path[512], loc[300];
    BUF *missed = buf_new(256);
    for (size_t i = 0; i < n; i++) {
        RUN r = run_new();
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        assert_true(scan_path(engine, &r, path, loc, sizeof(loc)));
        const HIT *h = hit_of(r.hits, TESTSIG);
        if (h) {
            found++;
            printf("    found %-22s at %s\n", names[i], h->location);
        } else {
            BUF *why = buf_new(64);
            miss_reason(&r, why);
            buf_printf(missed, "    MISSED %s: %s\n", names[i], why->data);
            buf_free(why);
        }
        for (size_t k = 0; k < sizeof(must) / sizeof(must[0]); k++) {
            if (strcmp(names[i], must[k].file) != 0)
                continue;
            if (h == NULL)
                fail_msg("%s: ClamAV-Test-File not found", names[i]);
            if (must[k].location)
                assert_string_equal(h->location, must[k].location);
        }
        run_free(&r);
    }
    printf("%s    clamav-testfiles: %zu/%zu found\n", missed->data, found, n);
    buf_free(missed);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* vba_norm - drop `attribute` lines, lower-case, drop white space */
static char *vba_norm(const char *s)
{
    BUF *b = buf_new(strlen(s) + 1);
    bool bol = true;
    while (*s) {
        if (bol && strncasecmp(s, "attribute ", 10) == 0) {
            s += strcspn(s, "\n");
            continue;
        }
        bol = (*s == '\n');
        if (!isspace((unsigned char)*s))
            buf_putc(b, tolower((unsigned char)*s));
        s++;
    }
    char *r = buf_steal(b, NULL);
    buf_free(b);
    return r;
}

/* vba_file - scan one SimpleMacro file; true when a module equals the expected source */
static bool vba_file(const char *path, const char *want, size_t *modules)
{
    RUN r = run_new();
    char loc[300];
    assert_true(scan_path(engine, &r, path, loc, sizeof(loc)));
    bool match = false;
    for (size_t i = 0; i < r.layers->nvba; i++) {
        const VBA_MODULE *m = r.layers->vba[i];
        assert_true(strncmp(m->location, loc, strlen(loc)) == 0);
        assert_string_equal(m->part, "1");
        char *got = vba_norm(m->source);
        if (strcmp(got, want) == 0)
            match = true;
        free(got);
    }
    *modules = r.layers->nvba;
    assert_int_equal(r.on_vba, r.layers->nvba);
    printf("    %-40s %zu module(s), %s, DOC_MACROS_VBA %s\n", path + strlen(CORPUS) + 1, *modules,
           match ? "TestMacro source matches" : "no module matches",
           hit_of(r.hits, "DOC_MACROS_VBA") ? "yes" : "no");
    run_free(&r);
    return match;
}

/* test_corpus_vba - Apache POI SimpleMacro.*: the module equals SimpleMacro.vba */
static void test_corpus_vba(void **state)
{
    (void)state;
    glob_t g;
    size_t files = 0, matched = 0;
    if (!corpus_present() || glob(CORPUS "/office-apache-poi/*/SimpleMacro.*", 0, NULL, &g) != 0)
        skip();
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *path = g.gl_pathv[i];
        size_t len = strlen(path), n = 0;
        if (len > 4 && strcmp(path + len - 4, ".vba") == 0)
            continue;
        char *vba = xasprintf("%.*s.vba", (int)(strrchr(path, '.') - path), path);
        unsigned char *src = read_file(vba, &n);
        free(vba);
        if (src == NULL)
            continue;
        char *text = xstrndup((const char *)src, n);
        char *want = vba_norm(text);
        size_t modules = 0;
        bool ok = vba_file(path, want, &modules);
        files++;
        matched += ok;
        /* Visio binary (.vsd) keeps its VBA project inside the VisioDocument stream, not as
         * an OLE2 VBA storage: libclamav 1.4 sees 4 streams and extracts no module */
        if (strcmp(path + len - 4, ".vsd") == 0) {
            assert_int_equal(modules, 0);
        } else {
            assert_true(modules > 0);
            assert_true(ok);
        }
        free(want);
        free(text);
        free(src);
    }
    printf("    SimpleMacro: %zu/%zu files give the shipped source (.vsd: none expected)\n",
           matched, files);
    globfree(&g);
    if (files == 0)
        skip();
}

/* expect - scan a corpus file; the symbol must be at want_location ("" = the file) */
static bool expect(const char *rel, const char *symbol)
{
    char path[512], loc[300];
    RUN r = run_new();
    snprintf(path, sizeof(path), CORPUS "/%s", rel);
    bool present = scan_path(engine, &r, path, loc, sizeof(loc));
    if (present) {
        const HIT *h = hit_at(r.hits, symbol, loc);
        printf("    %-60s %s %s\n", rel, symbol, h ? "yes" : "NO");
        if (h == NULL)
            dump_hits(rel, r.hits);
        assert_non_null(h);
    }
    run_free(&r);
    return present;
}

/* expect_in_zip - the corpus file inside a zip built here: the hit is at the member */
static void expect_in_zip(const char *rel, const char *symbol)
{
    char path[512], want[300];
    size_t n = 0;
    snprintf(path, sizeof(path), CORPUS "/%s", rel);
    unsigned char *p = read_file(path, &n);
    if (p == NULL)
        return;
    BUF *z = zip1(base_name(rel), p, n);
    RUN r = run_new();
    assert_int_equal(scan(engine, &r, "4/wrap.zip", "wrap.zip", z->data, z->len), 0);
    snprintf(want, sizeof(want), "4/wrap.zip>%s", base_name(rel));
    if (hit_at(r.hits, symbol, want) == NULL)
        dump_hits(rel, r.hits);
    assert_non_null(hit_at(r.hits, symbol, want));
    assert_null(hit_at(r.hits, symbol, "4/wrap.zip"));
    run_free(&r);
    buf_free(z);
    free(p);
}

/* test_corpus_encrypted_xlm - encrypted zips and OOXML, Excel 4.0 macros */
static void test_corpus_encrypted_xlm(void **state)
{
    (void)state;
    size_t checked = 0;
    if (!corpus_present())
        skip();
    checked += expect("oletools/test-data/msodde/dde-in-word2007.xml.zip", "ARCHIVE_ENCRYPTED");
    checked += expect("oletools/test-data/rtfobj/issue_185.rtf.zip", "ARCHIVE_ENCRYPTED");
    checked += expect("oletools/test-data/encrypted/encrypted.docx", "DOC_ENCRYPTED");
    checked += expect("oletools/test-data/encrypted/encrypted.docm", "DOC_ENCRYPTED");
    checked += expect("oletools/test-data/encrypted/autostart-encrypt-standardpassword.xlsm",
                      "DOC_ENCRYPTED");
    checked +=
        expect("oletools/test-data/excel4-macros/excel4_sample_macro.xlsm", "DOC_MACROS_XLM");
    checked += expect("oletools/test-data/excel4-macros/excel4_sample_macro.xls", "DOC_MACROS_XLM");
    checked += expect("oletools/test-data/encrypted/autostart-encrypt-standardpassword.xls",
                      "DOC_MACROS_VBA");
    expect_in_zip("oletools/test-data/excel4-macros/excel4_sample_macro.xls", "DOC_MACROS_XLM");
    expect_in_zip("oletools/test-data/excel4-macros/excel4_sample_macro.xlsm", "DOC_MACROS_XLM");
    expect_in_zip("oletools/test-data/encrypted/encrypted.docx", "DOC_ENCRYPTED");
    expect_in_zip("oletools/test-data/msodde/dde-in-word2007.xml.zip", "ARCHIVE_ENCRYPTED");
    if (checked == 0)
        skip();
}

/* test_corpus_limits - max_recursion 1 on clam.tar.gz */
static void test_corpus_limits(void **state)
{
    (void)state;
    char loc[300];
    const char *path = CORPUS "/clamav-testfiles/files/clam.tar.gz";
    if (!corpus_present() || access(path, R_OK) != 0)
        skip();
    BUF *err = buf_new(64);
    CLAMAV_LIMITS lim = {.max_recursion = 1};
    CLAMAV *c = clamav_load(SIGDIR, &lim, err);
    assert_non_null(c);
    RUN r = run_new();
    assert_true(scan_path(c, &r, path, loc, sizeof(loc)));
    dump_hits("clam.tar.gz recursion 1", r.hits);
    assert_non_null(hit_of(r.hits, "LIMIT_CLAMAV_RECURSION"));
    run_free(&r);
    clamav_free(c);
    buf_free(err);
}

/* setup - one engine over tests/data/clamav for the whole group */
static int setup(void **state)
{
    (void)state;
    BUF *err = buf_new(64);
    if (clamav_init(err) != 0 || (engine = clamav_load(SIGDIR, NULL, err)) == NULL) {
        fprintf(stderr, "clamav: %s\n", err->data);
        buf_free(err);
        return -1;
    }
    buf_free(err);
    return 0;
}

/* teardown - free the engine */
static int teardown(void **state)
{
    (void)state;
    engine = clamav_free(engine);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_empty_dir),
        cmocka_unit_test(test_eicar_alone),
        cmocka_unit_test(test_eicar_in_zip),
        cmocka_unit_test(test_nested),
        cmocka_unit_test(test_nested_error),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_encrypted_member),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_corpus_testfiles),
        cmocka_unit_test(test_corpus_vba),
        cmocka_unit_test(test_corpus_encrypted_xlm),
        cmocka_unit_test(test_corpus_limits),
    };
    return cmocka_run_group_tests_name("scan_clamav", tests, setup, teardown);
}
