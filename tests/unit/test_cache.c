/*
 * test_cache - unit tests for the cache's pure parts: the value codec (round trip and
 * hostile input), the memory backend's LRU (bounds, recency, expiry), the circuit
 * breaker, IOC files and sets, and the memory backend through the CACHE API
 * (lookup, store, prevalence, flush).
 *
 * Table-driven where there are cases: each failing case is printed with what it got
 * and what it wanted. No network: the Redis backend is tested by tests/cache/run.sh.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "cache/cache.h"
#include "core/config.h"
#include "core/ioc.h"
#include "lib/xalloc.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* sample - a value with one of everything */
static void sample(CACHE_VALUE *v)
{
    cache_value_init(v);
    memcpy(v->ctx, "0123456789abcdef", 17);
    v->flags = CACHE_V_ARCHIVE;
    v->hits = xcalloc(2, sizeof(CACHE_HIT));
    v->hits[0] =
        (CACHE_HIT){xstrdup("YARA_X"), xstrdup(">a.js"), xstrdup("rule x \\\\ y"), 2, true, 7.5};
    v->hits[1] =
        (CACHE_HIT){xstrdup("FILE_DOUBLE_EXTENSION"), xstrdup(""), xstrdup(""), 1, false, 0};
    v->nhits = v->caphits = 2;
    v->urls = xcalloc(1, sizeof(CACHE_URL));
    v->urls[0] = (CACHE_URL){xstrdup(">a.js"), xstrdup("http://evil.example/x?a=1,2")};
    v->nurls = v->capurls = 1;
    v->layers = xcalloc(1, sizeof(CACHE_LHASH));
    v->layers[0].rel = xstrdup(">a.js");
    memset(v->layers[0].sha256, 'a', 64);
    memset(v->layers[0].sha1, 'b', 40);
    memset(v->layers[0].md5, 'c', 32);
    v->nlayers = v->caplayers = 1;
}

/* encoded - the sample's encoding (caller frees) */
static BUF *encoded(void)
{
    CACHE_VALUE v;
    sample(&v);
    BUF *b = buf_new(256);
    cache_value_encode(&v, b);
    cache_value_clear(&v);
    return b;
}

/* test_roundtrip - decode(encode(v)) == v */
static void test_roundtrip(void **state)
{
    BUF *b = encoded();
    CACHE_VALUE v, w;
    BUF *why = buf_new(64);
    assert_int_equal(cache_value_decode(b->data, b->len, &v, why), 0);
    sample(&w);
    assert_string_equal(v.ctx, w.ctx);
    assert_int_equal(v.flags, w.flags);
    assert_int_equal(v.nhits, 2);
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(v.hits[i].symbol, w.hits[i].symbol);
        assert_string_equal(v.hits[i].rel, w.hits[i].rel);
        assert_string_equal(v.hits[i].detail, w.hits[i].detail);
        assert_int_equal(v.hits[i].count, w.hits[i].count);
        assert_int_equal(v.hits[i].has_preset, w.hits[i].has_preset);
    }
    assert_true(v.hits[0].preset == 7.5);
    assert_int_equal(v.nurls, 1);
    assert_string_equal(v.urls[0].raw, w.urls[0].raw);
    assert_int_equal(v.nlayers, 1);
    assert_string_equal(v.layers[0].md5, w.layers[0].md5);
    cache_value_clear(&v);
    cache_value_clear(&w);
    buf_free(why);
    buf_free(b);
}

/* test_truncations - every proper prefix of a good value is rejected */
static void test_truncations(void **state)
{
    BUF *b = encoded();
    CACHE_VALUE v;
    for (size_t n = 0; n < b->len; n++) {
        if (cache_value_decode(b->data, n, &v, NULL) == 0) {
            fprintf(stderr, "prefix of %zu bytes (of %zu) decoded\n", n, b->len);
            fail();
        }
        assert_int_equal(v.nhits + v.nurls + v.nlayers, 0);
    }
    buf_free(b);
}

/* test_mutations - any single byte changed or appended: never a crash, never garbage */
static void test_mutations(void **state)
{
    BUF *b = encoded();
    CACHE_VALUE v;
    unsigned char *m = xmalloc(b->len + 1);
    for (size_t i = 0; i < b->len; i++) {
        for (int c = 0; c < 256; c += 7) {
            memcpy(m, b->data, b->len);
            m[i] = (unsigned char)c;
            if (cache_value_decode(m, b->len, &v, NULL) == 0) { /* still well-formed */
                for (size_t k = 0; k < v.nhits; k++)
                    assert_true(strchr(v.hits[k].symbol, '\n') == NULL);
                cache_value_clear(&v);
            }
        }
    }
    memcpy(m, b->data, b->len);
    m[b->len] = 'e';
    assert_int_equal(cache_value_decode(m, b->len + 1, &v, NULL), -1);
    free(m);
    buf_free(b);
}

/* test_random - random bytes, with and without the magic, are rejected */
static void test_random(void **state)
{
    unsigned char buf[512];
    uint32_t x = 12345;
    CACHE_VALUE v;
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(round % (int)sizeof(buf));
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (unsigned char)(x >> 16);
        }
        if (round & 1 && n >= 4)
            memcpy(buf, CACHE_MAGIC, 4);
        assert_int_equal(cache_value_decode(buf, n, &v, NULL), -1);
    }
    assert_int_equal(cache_value_decode(NULL, 0, &v, NULL), -1);
}

/* test_hostile_cases - crafted values that must each be rejected (with a reason) */
static void test_hostile_cases(void **state)
{
    static const char *const bad[] = {
        "FMC2c16:0123456789abcdef,f1:0,d4:none,d4:none,e",                /* other schema */
        "FMC2c16:0123456789ABCDEF,f1:0,e",                                /* upper-case tag */
        "FMC2c15:0123456789abcde,f1:0,e",                                 /* short tag */
        "FMC2c16:0123456789abcdef,f5:70000,e",                            /* flags range */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,",                         /* no end */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,ee",                       /* after the end */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,x1:a,e",                   /* unknown record */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,0:,1:0,1:-,e",     /* count 0 */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,1:x,0:,1:1,1:-,e",    /* rel not below */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,1:\x01,1:1,1:-,e", /* control byte */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,3:\xe2\x80\xae,1:1,1:-,e", /* bidi override
                                                                                   */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,1:\xff,1:1,1:-,e", /* ill-formed UTF-8 */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h3:X Y,0:,0:,1:1,1:-,e",   /* space in symbol */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,0:,1:1,3:nan,e",   /* preset nan */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,0:,1:1,4:1e99,e",  /* preset range */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,0:,1:1,e",         /* missing field */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h99999999:X,e",            /* length digits */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,h9999999:X,e",             /* length past end */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,u0:,0:,e",                 /* empty URL */
        "FMC2c16:0123456789abcdef,f1:0,d4:none,l0:,3:abc,0:,0:,e",        /* short hash */
        "FMC2c16:0123456789abcdef,f 1:0,e",                               /* space */
        "FMC2c16:0123456789abcdef,f1:0;e",                                /* bad terminator */
        "FMC2c16:0123456789abcdef,f1:0,e",                                /* no stamp */
        "FMC2c16:0123456789abcdef,f1:0,d3:abc,e",                         /* short stamp */
        "FMC2c16:0123456789abcdef,f1:0,d16:0123456789ABCDEF,e",           /* upper-case stamp */
        "FMC2c16:0123456789abcdef,f1:0,d4:nonf,e",                        /* not none */
        "",
    };
    int failures = 0;
    for (size_t i = 0; i < NELEM(bad); i++) {
        CACHE_VALUE v;
        BUF *why = buf_new(64);
        if (cache_value_decode(bad[i], strlen(bad[i]), &v, why) == 0 || why->len == 0) {
            fprintf(stderr, "case %zu '%s' got accepted or no reason\n", i, bad[i]);
            failures++;
        }
        buf_free(why);
    }
    assert_int_equal(failures, 0);
    const char *good = "FMC2c16:0123456789abcdef,f1:0,d4:none,h1:X,0:,2:\\\\,1:1,1:-,e";
    CACHE_VALUE v;
    assert_int_equal(cache_value_decode(good, strlen(good), &v, NULL), 0);
    assert_string_equal(v.hits[0].detail, "\\\\");
    assert_string_equal(v.db, "none");
    cache_value_clear(&v);
    const char *stamped = "FMC2c16:0123456789abcdef,f1:2,d16:00112233445566ff,e";
    assert_int_equal(cache_value_decode(stamped, strlen(stamped), &v, NULL), 0);
    assert_string_equal(v.db, "00112233445566ff");
    assert_int_equal(v.flags, CACHE_V_INNER);
    cache_value_clear(&v);
}

/* test_limits - too large and too many */
static void test_limits(void **state)
{
    CACHE_VALUE v;
    char *big = xcalloc(1, CACHE_VALUE_MAX + 2);
    memcpy(big, "FMC2", 4);
    assert_int_equal(cache_value_decode(big, CACHE_VALUE_MAX + 1, &v, NULL), -1);
    free(big);
    BUF *b = buf_new(1 << 16);
    buf_puts(b, "FMC2c16:0123456789abcdef,f1:0,d4:none,");
    for (int i = 0; i <= CACHE_VALUE_HITS; i++)
        buf_puts(b, "h1:X,0:,0:,1:1,1:-,");
    buf_putc(b, 'e');
    assert_int_equal(cache_value_decode(b->data, b->len, &v, NULL), -1);
    buf_free(b);
}

/* test_lru - bounds, recency, replacement, expiry, delete */
static void test_lru(void **state)
{
    CACHE_LRU *l = cache_memory_lru_new(2, 1 << 20);
    unsigned char *v = NULL;
    size_t n = 0;
    cache_memory_lru_put(l, "a", "1", 1, 0);
    cache_memory_lru_put(l, "b", "22", 2, 0);
    assert_true(cache_memory_lru_get(l, "a", 1, &v, &n)); /* a is now the newest */
    assert_int_equal(n, 1);
    free(v);
    cache_memory_lru_put(l, "c", "333", 3, 0); /* evicts b, the least recently used */
    assert_false(cache_memory_lru_get(l, "b", 1, &v, &n));
    assert_true(cache_memory_lru_get(l, "c", 1, &v, &n));
    assert_memory_equal(v, "333", 3);
    free(v);
    cache_memory_lru_put(l, "c", "4", 1, 0); /* replace */
    assert_true(cache_memory_lru_get(l, "c", 1, &v, &n));
    assert_int_equal(n, 1);
    free(v);
    assert_int_equal(cache_memory_lru_count(l, NULL), 2);
    cache_memory_lru_put(l, "e", "x", 1, 10); /* expires at 10 */
    assert_true(cache_memory_lru_get(l, "e", 9, &v, &n));
    free(v);
    assert_false(cache_memory_lru_get(l, "e", 10, &v, &n));
    assert_true(cache_memory_lru_del(l, "c"));
    assert_false(cache_memory_lru_del(l, "c"));
    cache_memory_lru_free(l);
    /* the byte bound */
    l = cache_memory_lru_new(1000, 100);
    char key[16], val[40];
    memset(val, 'v', sizeof(val));
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        cache_memory_lru_put(l, key, val, sizeof(val), 0);
    }
    size_t bytes = 0;
    assert_true(cache_memory_lru_count(l, &bytes) <= 3);
    assert_true(bytes <= 100);
    assert_true(cache_memory_lru_get(l, "k49", 1, &v, &n));
    free(v);
    cache_memory_lru_free(l);
    assert_null(cache_memory_lru_free(NULL));
}

/* test_breaker - closed, open, one probe, longer after each failure, closed again */
static void test_breaker(void **state)
{
    CACHE_BREAKER b = {.base = 10};
    assert_true(cache_breaker_allow(&b, 0));
    cache_breaker_result(&b, false, 100); /* open until 110 */
    assert_false(cache_breaker_allow(&b, 105));
    assert_true(cache_breaker_allow(&b, 110));  /* the probe */
    assert_false(cache_breaker_allow(&b, 111)); /* others wait for it */
    cache_breaker_result(&b, false, 111);       /* open for 20 now */
    assert_false(cache_breaker_allow(&b, 130));
    assert_true(cache_breaker_allow(&b, 131));
    for (int i = 0; i < 10; i++)
        cache_breaker_result(&b, false, 200);
    assert_true(b.open_until == 200 + 10 * CACHE_BREAKER_SCALE); /* bounded backoff */
    assert_true(cache_breaker_allow(&b, 1000));
    cache_breaker_result(&b, true, 1000);
    assert_true(cache_breaker_allow(&b, 1000));
    assert_true(cache_breaker_allow(&b, 1000)); /* closed: everyone */
    assert_int_equal(b.fails, 0);
}

/* test_ioc - line syntax, kinds, lookups */
static void test_ioc(void **state)
{
    static const struct {
        const char *line;
        int want;
        const char *hash, *name;
    } cases[] = {
        {"", 0, NULL, NULL},
        {"   # comment", 0, NULL, NULL},
        {"d41d8cd98f00b204e9800998ecf8427e", 1, "d41d8cd98f00b204e9800998ecf8427e", ""},
        {"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709  Some Name  \n", 1,
         "da39a3ee5e6b4b0d3255bfef95601890afd80709", "Some Name"},
        {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\tx\x01y", 1,
         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "x?y"},
        {"d41d8cd98f00b204e9800998ecf8427", -1, NULL, NULL},
        {"g41d8cd98f00b204e9800998ecf8427e", -1, NULL, NULL},
    };
    int failures = 0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        char hash[65] = "", name[IOC_NAME_MAX] = "";
        int r = ioc_parse_line(cases[i].line, hash, name, sizeof(name));
        if (r != cases[i].want ||
            (r == 1 && (strcmp(hash, cases[i].hash) != 0 || strcmp(name, cases[i].name) != 0))) {
            fprintf(stderr, "case %zu: got %d '%s' '%s'\n", i, r, hash, name);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
    IOCSET *s = ioc_new();
    assert_false(ioc_add(s, "xyz", "n"));
    for (int i = 0; i < 1000; i++) {
        char h[65];
        snprintf(h, sizeof(h), "%064x", i);
        assert_true(ioc_add(s, h, i == 7 ? "seven" : ""));
    }
    assert_int_equal(ioc_count(s), 1000);
    char h[65];
    snprintf(h, sizeof(h), "%064x", 7);
    assert_string_equal(ioc_find(s, h), "seven");
    snprintf(h, sizeof(h), "%064x", 5000);
    assert_null(ioc_find(s, h));
    assert_string_equal(ioc_kind("d41d8cd98f00b204e9800998ecf8427e"), "md5");
    assert_null(ioc_kind("d41d8cd98f00b204e9800998ecf8427"));
    ioc_free(s);
    assert_null(ioc_find(NULL, h));
}

/* test_memory_backend - lookup, store, prevalence and flush through the CACHE API */
static void test_memory_backend(void **state)
{
    CONFIG *cfg = config_new();
    BUF *err = buf_new(64);
    CACHE *c = cache_open(cfg, err);
    assert_non_null(c);
    assert_string_equal(cache_name(c), "memory");
    char sha[65];
    memset(sha, '1', 64);
    sha[64] = 0;
    char *key = cache_part_key(c, "00000000000000aa", sha);
    assert_int_equal(strncmp(key, "fm:2:00000000000000aa:part:1111", 31), 0);
    CACHE_Q q = {key, sha, NULL, 0, false, 0};
    assert_int_equal(cache_lookup(c, &q, 1, 200), 0);
    assert_null(q.val);
    assert_int_equal(q.seen, 0);
    CACHE_PUT p = {key, "FMC2", 4, 60};
    char sha1[41], md5[33];
    memset(sha1, '2', 40), sha1[40] = 0;
    memset(md5, '3', 32), md5[32] = 0;
    CACHE_SIGHT s = {sha, sha1, md5, "ref1\t1\tme\tyou", 1};
    assert_int_equal(cache_store(c, &p, 1, &s, 1, 200), 0);
    assert_int_equal(cache_lookup(c, &q, 1, 200), 0);
    assert_int_equal(q.len, 4);
    assert_int_equal(q.seen, 1);
    free(q.val);
    CACHE_PREV prev;
    assert_int_equal(cache_where(c, md5, &prev, err), 0);
    assert_true(prev.found);
    assert_int_equal(prev.count, 1);
    assert_int_equal(prev.n, 1);
    assert_string_equal(prev.entries[0], "ref1\t1\tme\tyou");
    cache_prev_clear(&prev);
    size_t deleted = 0;
    assert_int_equal(cache_flush(c, "00000000000000aa", &deleted, err), 0);
    assert_int_equal(deleted, 1);
    assert_int_equal(cache_where(c, sha, &prev, err), 0); /* prevalence survives a flush */
    assert_true(prev.found);
    cache_prev_clear(&prev);
    assert_int_equal(cache_ioc_import(c, NULL, err), -1); /* needs redis */
    free(key);
    cache_close(c);
    cfg->cache = CFG_CACHE_OFF;
    buf_reset(err);
    assert_null(cache_open(cfg, err));
    assert_int_equal(err->len, 0);
    cfg->cache = CFG_CACHE_REDIS;
    assert_null(cache_open(cfg, err)); /* redis = "" */
    assert_true(err->len > 0);
    config_free(cfg);
    buf_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),     cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_mutations),     cmocka_unit_test(test_random),
        cmocka_unit_test(test_hostile_cases), cmocka_unit_test(test_limits),
        cmocka_unit_test(test_lru),           cmocka_unit_test(test_breaker),
        cmocka_unit_test(test_ioc),           cmocka_unit_test(test_memory_backend),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
