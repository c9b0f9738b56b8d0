/*
 * test_urlrep - unit tests for URL reputation's pure pieces: redirect unwrapping
 * (mime/redirect.c), the uribl_zones parser and return-code mapping (core/uribl.c), the
 * registrable domain (scan/regdom.c, libpsl) and the PDF/SVG link scanners (mime/urldoc.c)
 *
 * Table-driven: every failing case is printed with what it got and what it wanted.
 */
#include <setjmp.h> /* setjmp.h, stdarg.h and stddef.h must precede cmocka.h */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/uribl.h"
#include "lib/buf.h"
#include "lib/xalloc.h"
#include "mime/redirect.h"
#include "mime/urldoc.h"
#include "scan/regdom.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* unwrap - url_unwrap of a whole URL string (parsed first), NULL when it is not one */
static char *unwrap(const char *s)
{
    URL *u = url_parse(s, strlen(s));
    char *r = u ? url_unwrap(u->host, u->path, NULL) : NULL;
    url_free(u);
    return r;
}

static void test_unwrap(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want; /* want NULL: not a redirect */
    } cases[] = {
        {"https://www.google.com/url?q=https://evil.example.net/login%3Fa%3D1&sa=D",
         "https://evil.example.net/login?a=1"},
        {"https://www.google.de/url?sa=t&url=https%3A%2F%2Fevil.example%2Fx",
         "https://evil.example/x"},
        {"https://www.google.com/amp/s/evil.example.net/page", "https://evil.example.net/page"},
        {"https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example.net%2Fx%3Fy%3D1&h=AT0",
         "https://evil.example.net/x?y=1"},
        {"https://eur01.safelinks.protection.outlook.com/"
         "?url=https%3A%2F%2Fevil.example%2Fa&data=05",
         "https://evil.example/a"},
        {"https://urldefense.proofpoint.com/v2/"
         "url?u=https-3A__www.example.com_-40-40-21-40foobar&d=x",
         "https://www.example.com/@@!@foobar"},
        {"https://urldefense.com/v3/__https://example.com/*newsletter__;Iw!!abc$",
         "https://example.com/#newsletter"},
        {"https://www.bing.com/ck/a?!&&p=abc&u=a1aHR0cHM6Ly93d3cuY3JhenlnYW1lcy5jb20v&ntb=1",
         "https://www.crazygames.com/"},
        {"https://www.youtube.com/redirect?event=x&q=https%3A%2F%2Fevil.example%2F",
         "https://evil.example/"},
        /* doubly and triply percent-encoded, any host, a target name */
        {"https://shop.example/r?target=https%253A%252F%252Fevil.example%252Fp",
         "https://evil.example/p"},
        {"https://shop.example/r?redirect=https%25253A%25252F%25252Fevil.example%25252F",
         "https://evil.example/"},
        /* base64 in a target parameter */
        {"https://news.example/click?url=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvYg==",
         "https://evil.example/b"},
        {"https://news.example/click?u=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvYg", "https://evil.example/b"},
        /* embedded in the path */
        {"https://track.example/r/https://evil.example/z", "https://evil.example/z"},
        {"https://track.example/redir/https%3A%2F%2Fevil.example%2Fz", "https://evil.example/z"},
        /* not redirects */
        {"https://www.example.com/search?q=shoes", NULL},
        {"https://www.example.com/?u=12345", NULL},
        {"https://news.example/click?id=aHR0cHM6Ly9ldmlsLmV4YW1wbGUvYg==",
         NULL}, /* not a target name */
        {"https://www.example.com/https", NULL},
        {"https://www.google.com/url?q=javascript:alert(1)", NULL},
        {"https://urldefense.com/v3/__https://example.com/**Z__;AA!!$",
         NULL}, /* run past the data */
        {"https://urldefense.com/v3/__https://x.example/__", NULL},
    };
    int failed = 0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        char *got = unwrap(cases[i].in);
        bool same = got && cases[i].want ? strcmp(got, cases[i].want) == 0 : got == cases[i].want;
        if (!same) {
            fprintf(stderr, "unwrap %s: got %s, want %s\n", cases[i].in, got ? got : "NULL",
                    cases[i].want ? cases[i].want : "NULL");
            failed++;
        }
        free(got);
    }
    assert_int_equal(failed, 0);
}

/* only listed redirector hosts unwrap any parameter; depth bounds nesting */
static void test_unwrap_set(void **state)
{
    (void)state;
    URLSET *set = urlset_new(100);
    const char *s = "https://eur01.safelinks.protection.outlook.com/?url="
                    "https%3A%2F%2Fwww.google.com%2Furl%3Fq%3Dhttps%253A%252F%252Fdeep.example%252F"
                    "&data=1";
    url_add(set, s, strlen(s), "1", "href");
    assert_int_equal(url_unwrap_set(set, 0, NULL, 1), 2); /* one level: google /url only */
    assert_string_equal(set->v[1]->where[0], "1 redirect");
    assert_non_null(strstr(set->v[1]->normalized, "www.google.com/url"));
    assert_int_equal(url_unwrap_set(set, 1, NULL, 1), 3); /* the next level */
    assert_string_equal(set->v[2]->normalized, "https://deep.example/");
    assert_string_equal(set->v[2]->where[0], "1 redirect");
    urlset_free(set);
    set = urlset_new(100);
    url_add(set, s, strlen(s), "2.1", "href");
    assert_int_equal(url_unwrap_set(set, 0, NULL, 3), 3); /* both levels at once */
    assert_int_equal(url_unwrap_set(set, 0, NULL, 0), 3); /* depth 0: nothing */
    urlset_free(set);
}

static void test_uribl_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t zones;    /* SIZE_MAX: a parse error */
        const char *err; /* part of the reason */
    } cases[] = {
        {"", 0, NULL},
        {" ; ;", 0, NULL},
        {"dbl.example: host", 1, NULL},
        {"dbl.example: host 127.0.1.2=spam 127.0.1.4=phish 127.0.1.102-127.0.1.106=abused "
         "127.255.255.0/24=error; multi.example: domain weight=4.5 8=phish 16=malware 1=error; "
         "zen.example: ip",
         3, NULL},
        {"DBL.Example: host", 1, NULL},
        {"dbl.example host", SIZE_MAX, "expected 'ZONE: KIND"},
        {"dbl.example: url", SIZE_MAX, "expected domain, host or ip"},
        {"dbl.example:", SIZE_MAX, "expected domain, host or ip"},
        {"dbl..example: host", SIZE_MAX, "bad zone name"},
        {"-dbl.example: host", SIZE_MAX, "bad zone name"},
        {"dbl.example/x: host", SIZE_MAX, "bad zone name"},
        {"dbl.example: host 127.0.1.2", SIZE_MAX, "expected CODE=CATEGORY"},
        {"dbl.example: host 127.0.1.2=spamm", SIZE_MAX, "unknown category 'spamm'"},
        {"dbl.example: host 127.0.1=spam", SIZE_MAX, "bad return code"},
        {"dbl.example: host 256=spam", SIZE_MAX, "bad return code"},
        {"dbl.example: host 0=spam", SIZE_MAX, "bad return code"},
        {"dbl.example: host 127.0.1.9-127.0.1.2=spam", SIZE_MAX, "bad return code"},
        {"dbl.example: host 127.0.0.0/33=spam", SIZE_MAX, "bad return code"},
        {"dbl.example: host 127.0.0.0/=spam", SIZE_MAX, "bad return code"},
        {"dbl.example: host 127.0.0.1-127.0.0.2/8=spam", SIZE_MAX, "bad return code"},
        {"dbl.example: host weight=101", SIZE_MAX, "bad weight"},
        {"dbl.example: host weight=-1", SIZE_MAX, "bad weight"},
        {"dbl.example: host weight=x", SIZE_MAX, "bad weight"},
    };
    int failed = 0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        BUF *err = buf_new(64);
        URIBL_ZONES *z = uribl_parse(cases[i].in, err);
        size_t got = z ? z->n : SIZE_MAX;
        if (got != cases[i].zones || (cases[i].err && !strstr(err->data, cases[i].err))) {
            fprintf(stderr, "parse '%s': got %zu zones, err '%s'; want %zu, '%s'\n", cases[i].in,
                    got, err->data, cases[i].zones, cases[i].err ? cases[i].err : "");
            failed++;
        }
        uribl_free(z);
        buf_free(err);
    }
    BUF *err = buf_new(64);
    URIBL_ZONES *z = uribl_parse("DBL.Example: host weight=4.5; z.example: ip", err);
    assert_non_null(z);
    assert_string_equal(z->v[0].zone, "dbl.example");
    assert_int_equal(z->v[0].kind, URIBL_K_HOST);
    assert_true(z->v[0].has_weight);
    assert_true(z->v[0].weight == 4.5);
    assert_int_equal(z->v[1].kind, URIBL_K_IP);
    assert_false(z->v[1].has_weight);
    /* uribl_allow_domains, kept once: the domain and its subdomains, case-insensitive */
    assert_false(uribl_allowed(z, "allowed.example"));
    uribl_set_allow(z, " Allowed.Example,corp.test\tx.org ");
    assert_int_equal(z->nallow, 3);
    assert_true(uribl_allowed(z, "allowed.example"));
    assert_true(uribl_allowed(z, "www.ALLOWED.example"));
    assert_true(uribl_allowed(z, "a.b.corp.test"));
    assert_false(uribl_allowed(z, "notallowed.example")); /* not a label boundary */
    assert_false(uribl_allowed(z, "example"));
    assert_false(uribl_allowed(NULL, "x.org"));
    uribl_free(z);
    /* bounds: 64 rules per zone, 32 zones */
    BUF *many = buf_new(4096);
    buf_puts(many, "z.example: host");
    for (int i = 1; i <= 65; i++)
        buf_printf(many, " 127.0.2.%d=spam", i);
    assert_null(uribl_parse(many->data, err));
    buf_reset(many);
    for (int i = 0; i < 33; i++)
        buf_printf(many, "z%d.example: host;", i);
    assert_null(uribl_parse(many->data, err));
    buf_free(many);
    buf_free(err);
    assert_null(uribl_free(NULL));
    assert_int_equal(failed, 0);
}

#define A(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (d))
#define C(x)          (1u << URIBL_C_##x)

static void test_uribl_classify(void **state)
{
    (void)state;
    BUF *err = buf_new(64);
    URIBL_ZONES *z = uribl_parse(
        "dbl.example: host 127.0.1.2=spam 127.0.1.4=phish 127.0.1.5=malware 127.0.1.6=botnet "
        "127.0.1.102-127.0.1.106=abused 127.0.1.255=error; "
        "multi.example: domain 8=phish 16=malware 64=abused 128=abused 1=error 2=ignore; "
        "zen.example: ip 127.0.0.2-127.0.0.3=spam 127.0.0.10/31=ignore",
        err);
    assert_non_null(z);
    static const struct {
        size_t zone;
        uint32_t codes[3];
        size_t n;
        unsigned want;
    } cases[] = {
        {0, {A(127, 0, 1, 2)}, 1, C(SPAM)},
        {0, {A(127, 0, 1, 4)}, 1, C(PHISH)},
        {0, {A(127, 0, 1, 103)}, 1, C(ABUSED)},
        {0, {A(127, 0, 1, 255)}, 1, C(ERROR)},
        {0, {A(127, 0, 1, 7)}, 1, C(LISTED)},      /* unmapped 127/8 */
        {0, {A(127, 255, 255, 254)}, 1, C(ERROR)}, /* open resolver */
        {0, {A(10, 0, 0, 1)}, 1, C(ERROR)},        /* not 127/8 */
        {0, {A(127, 0, 1, 2), A(127, 0, 1, 5)}, 2, C(SPAM) | C(MALWARE)},
        {1, {A(127, 0, 0, 80)}, 1, C(MALWARE) | C(ABUSED)},   /* 16 + 64 */
        {1, {A(127, 0, 0, 24)}, 1, C(PHISH) | C(MALWARE)},    /* 8 + 16 */
        {1, {A(127, 0, 0, 1)}, 1, C(ERROR)},                  /* URIBL "query refused" */
        {1, {A(127, 0, 0, 2)}, 1, 0},                         /* only an ignored bit */
        {1, {A(127, 0, 0, 4)}, 1, C(LISTED)},                 /* no bit rule matches */
        {1, {A(127, 0, 1, 8)}, 1, C(LISTED)},                 /* bits only on 127.0.0.x */
        {2, {A(127, 0, 0, 2), A(127, 0, 0, 10)}, 2, C(SPAM)}, /* ZEN: SBL + PBL ignored */
        {2, {A(127, 0, 0, 11)}, 1, 0},
        {2, {A(127, 0, 0, 4)}, 1, C(LISTED)},
        {2, {0}, 0, 0},
    };
    int failed = 0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        unsigned got = uribl_classify(&z->v[cases[i].zone], cases[i].codes, cases[i].n);
        if (got != cases[i].want) {
            fprintf(stderr, "classify case %zu: got %#x, want %#x\n", i, got, cases[i].want);
            failed++;
        }
    }
    assert_string_equal(uribl_symbol(URIBL_C_PHISH), "URIBL_PHISH");
    assert_null(uribl_symbol(URIBL_C_IGNORE));
    assert_string_equal(uribl_cat_name(URIBL_C_ABUSED), "abused");
    uribl_free(z);
    buf_free(err);
    assert_int_equal(failed, 0);
}

static void test_regdom(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"a.b.example.co.uk", "example.co.uk"},
        {"A.B.EXAMPLE.CO.UK", "example.co.uk"},
        {"www.example.com.", "example.com"},
        {"x.user.github.io", "user.github.io"},
        {"a.b.nosuchtld", "b.nosuchtld"},
        {"www.xn--bcher-kva.de", "xn--bcher-kva.de"},
        {"co.uk", NULL},
        {"com", NULL},
        {"192.168.1.1", NULL},
        {"2001:db8::1", NULL},
        {"", NULL},
        {NULL, NULL},
    };
    int failed = 0;
    for (size_t i = 0; i < NELEM(cases); i++) {
        char out[256];
        bool ok = regdom_of(cases[i].in, out, sizeof(out));
        if (ok != (cases[i].want != NULL) || (ok && strcmp(out, cases[i].want) != 0)) {
            fprintf(stderr, "regdom %s: got %s, want %s\n", cases[i].in ? cases[i].in : "NULL",
                    ok ? out : "NULL", cases[i].want ? cases[i].want : "NULL");
            failed++;
        }
    }
    char small[8];
    assert_false(regdom_of("www.example.com", small, sizeof(small)));
    assert_int_equal(failed, 0);
}

/* has_url - the set holds normalized URL u found at where */
static bool has_url(const URLSET *set, const char *u, const char *where)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i]->normalized, u) == 0)
            for (size_t k = 0; k < set->v[i]->nwhere; k++)
                if (strcmp(set->v[i]->where[k], where) == 0)
                    return true;
    return false;
}

static void test_pdf_svg(void **state)
{
    (void)state;
    URLSET *set = urlset_new(100);
    static const char pdf[] =
        "%PDF-1.4\n1 0 obj << /A << /S /URI /URI (http://a.example/p\\(1\\)) >> >> endobj\n"
        "2 0 obj << /URI <687474703a2f2f622e6578616d706c652f> >> endobj\n"
        "3 0 obj << /URI (ht\\164p://c.example/\\\nx) >> endobj\n"
        "4 0 obj << /URIs (http://not.example/) /URI /Name >> endobj\n"
        "5 0 obj << /URI (http://d.example/unterminated";
    url_extract_pdf(set, (const unsigned char *)pdf, sizeof(pdf) - 1, "2");
    assert_true(has_url(set, "http://a.example/p(1)", "2 pdf-uri"));
    assert_true(has_url(set, "http://b.example/", "2 pdf-uri"));
    assert_true(has_url(set, "http://c.example/x", "2 pdf-uri"));
    assert_true(has_url(set, "http://d.example/unterminated", "2 pdf-uri"));
    for (size_t i = 0; i < set->n; i++)
        assert_null(strstr(set->v[i]->normalized, "not.example"));
    urlset_free(set);
    set = urlset_new(100);
    static const char svg[] =
        "<svg><a href=\"https://e.example/\">x</a><script>"
        "location = 'https://f.example/';  window.location.href=\"//g.example/q\";"
        "location.replace( 'https://h.example/' ); window.open(`https://i.example/`);"
        "if (location == 'https://no.example/') {} mylocation = 'https://no2.example/';"
        "</script></svg>";
    url_extract_svg(set, svg, sizeof(svg) - 1, "3");
    assert_true(has_url(set, "https://e.example/", "3 href"));
    assert_true(has_url(set, "https://f.example/", "3 svg-script"));
    assert_true(has_url(set, "https://g.example/q", "3 svg-script"));
    assert_true(has_url(set, "https://h.example/", "3 svg-script"));
    assert_true(has_url(set, "https://i.example/", "3 svg-script"));
    assert_false(has_url(set, "https://no.example/", "3 svg-script"));
    assert_false(has_url(set, "https://no2.example/", "3 svg-script"));
    urlset_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unwrap),      cmocka_unit_test(test_unwrap_set),
        cmocka_unit_test(test_uribl_parse), cmocka_unit_test(test_uribl_classify),
        cmocka_unit_test(test_regdom),      cmocka_unit_test(test_pdf_svg),
    };
    return cmocka_run_group_tests_name("urlrep", tests, NULL, NULL);
}
