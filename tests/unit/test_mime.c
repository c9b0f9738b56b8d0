/*
 * test_mime - the GMime walk over messages built here: paths, filenames in every
 * encoding, nesting, hidden content (prologue, uuencode, yEnc, encoded rfc822), header
 * facts, charset conversion, malformations and every limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/buf.h"
#include "mime/mime.h"
#include "lib/xalloc.h"

static const MIME_LIMITS defaults = {32, 1000, 1 << 20, 1 << 22, 1 << 16, 1 << 16, 1000, 20000};

typedef struct RESULT {
    PARTS *parts;
    HITS *hits;
    MIME_HEADERS hdr;
} RESULT;

/* walk - run mime_walk over a C string message with the given limits */
static RESULT *walk(const char *msg, const MIME_LIMITS *lim)
{
    RESULT *r = xcalloc(1, sizeof(*r));
    r->parts = parts_new();
    r->hits = hits_new();
    mime_walk(msg, strlen(msg), lim ? lim : &defaults, r->parts, &r->hdr, r->hits);
    return r;
}

static void done(RESULT *r)
{
    parts_free(r->parts);
    hits_free(r->hits);
    mime_headers_clear(&r->hdr);
    free(r);
}

/* part - the part with this path, or fail */
static PART *part(RESULT *r, const char *path)
{
    for (size_t i = 0; i < r->parts->n; i++)
        if (strcmp(r->parts->v[i]->path, path) == 0)
            return r->parts->v[i];
    fail_msg("no part %s", path);
    return NULL;
}

static int setup(void **state)
{
    mime_init();
    return 0;
}

#define CLAM_B64 "Q2xhbUFWIHRlc3QgcGF5bG9hZA==" /* "ClamAV test payload" */

static const char filenames_msg[] =
    "From: =?UTF-8?B?SsO8cmdlbg==?= <a@example.org>\r\n"
    "Subject: =?ISO-8859-1?Q?Rechnung_f=FCr_Sie?=\r\n"
    "Received: from a\r\nReceived: from b\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=XYZ\r\n\r\n"
    "--XYZ\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n\r\nHallo f=FCr dich\r\n"
    "--XYZ\r\nContent-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename*=UTF-8''na%C3%AFve%20rechnung.exe\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" CLAM_B64 "\r\n"
    "--XYZ\r\nContent-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename=\"=?UTF-8?B?w6TDtsO8LnppcA==?=\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" CLAM_B64 "\r\n"
    "--XYZ\r\nContent-Type: application/octet-stream\r\n"
    "Content-Disposition: attachment; filename*0*=UTF-8''very%20long%20;\r\n"
    " filename*1=\"name part two\"; filename*2=\".pdf.exe\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" CLAM_B64 "\r\n"
    "--XYZ\r\nContent-Type: application/x-msdownload; name=\"only-in-ctype.scr\"\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\n" CLAM_B64 "\r\n"
    "--XYZ--\r\n";

static void test_filenames_and_paths(void **state)
{
    RESULT *r = walk(filenames_msg, NULL);
    assert_int_equal(r->parts->n, 6);
    assert_string_equal(part(r, "0")->content_type, "multipart/mixed");
    assert_int_equal(part(r, "0")->kind, PART_MULTIPART);
    assert_string_equal(part(r, "2")->filename, "na\xc3\xafve rechnung.exe");
    assert_string_equal(part(r, "3")->filename, "\xc3\xa4\xc3\xb6\xc3\xbc.zip");
    assert_string_equal(part(r, "4")->filename, "very long name part two.pdf.exe");
    assert_string_equal(part(r, "5")->filename, "only-in-ctype.scr");
    assert_null(part(r, "5")->disposition);
    assert_string_equal(part(r, "2")->disposition, "attachment");
    assert_int_equal(part(r, "2")->size, 19);
    assert_memory_equal(part(r, "2")->data->data, "ClamAV test payload", 19);
    assert_string_equal(part(r, "2")->sha256, part(r, "3")->sha256); /* same bytes, same hash */
    assert_int_equal(strlen(part(r, "2")->sha256), 64);
    assert_string_equal(part(r, "1")->text,
                        "Hallo f\xc3\xbcr dich"); /* CRLF before a boundary is the boundary's */
    assert_string_equal(part(r, "1")->encoding, "quoted-printable");
    done(r);
}

static void test_header_facts(void **state)
{
    RESULT *r = walk(filenames_msg, NULL);
    assert_string_equal(r->hdr.subject, "Rechnung f\xc3\xbcr Sie");
    assert_non_null(strstr(r->hdr.from, "J\xc3\xbcrgen"));
    assert_int_equal(r->hdr.received_count, 2);
    assert_null(r->hdr.reply_to);
    done(r);
}

static const char nested_msg[] =
    "Subject: outer\r\nContent-Type: multipart/mixed; boundary=OUTER\r\n\r\n"
    "--OUTER\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
    "--OUTER\r\nContent-Type: message/rfc822\r\n\r\n"
    "Subject: inner\r\nContent-Type: multipart/mixed; boundary=INNER\r\n\r\n"
    "--INNER\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n"
    "--INNER\r\nContent-Type: application/zip; name=e.zip\r\n"
    "Content-Transfer-Encoding: base64\r\n\r\nUEsDBAo=\r\n"
    "--INNER--\r\n"
    "--OUTER--\r\n";

static void test_nested_message_paths(void **state)
{
    RESULT *r = walk(nested_msg, NULL);
    assert_int_equal(part(r, "2")->kind, PART_MESSAGE);
    assert_int_equal(part(r, "2.0")->kind, PART_MULTIPART);
    assert_string_equal(part(r, "2.1")->content_type, "text/html");
    assert_string_equal(part(r, "2.2")->filename, "e.zip");
    assert_int_equal(part(r, "2.2")->depth, 3);
    assert_string_equal(r->hdr.subject, "outer");
    done(r);
}

static void test_encoded_rfc822_is_walked(void **state)
{
    /* base64 of "Subject: in\r\nContent-Type: text/plain\r\n\r\nhidden body\r\n" */
    const char *m = "Subject: wrapped\r\nContent-Type: message/rfc822\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n"
                    "U3ViamVjdDogaW4NCkNvbnRlbnQtVHlwZTogdGV4dC9wbGFpbg0KDQpoaWRkZW4gYm9keQ0K\r\n";
    RESULT *r = walk(m, NULL);
    assert_int_equal(part(r, "1")->kind, PART_LEAF);
    assert_string_equal(part(r, "1.1")->text, "hidden body\r\n");
    done(r);
}

static void test_inline_uuencode_and_yenc(void **state)
{
    const char *m = "Content-Type: text/plain\r\n\r\nHere is the file:\r\n\r\n"
                    "begin 644 cat.txt\r\n#0V%T\r\n`\r\nend\r\n\r\nand a yEnc one\r\n"
                    "=ybegin line=128 size=3 name=y.bin\r\nm\x8b\x9e\r\n=yend size=3\r\n";
    RESULT *r = walk(m, NULL);
    PART *uu = part(r, "1~uu1");
    assert_int_equal(uu->origin, PART_UUENCODE);
    assert_string_equal(uu->filename, "cat.txt");
    assert_int_equal(uu->size, 3);
    assert_memory_equal(uu->data->data, "Cat", 3);
    PART *y = part(r, "1~yenc2");
    assert_string_equal(y->filename, "y.bin");
    assert_int_equal(y->size, 3);
    assert_memory_equal(y->data->data, "Cat", 3);
    done(r);
}

static void test_prologue_and_no_boundary(void **state)
{
    const char *m = "Content-Type: multipart/mixed; boundary=B\r\n\r\n"
                    "This is a multi-part message in MIME format.\r\n"
                    "--B\r\nContent-Type: text/plain\r\n\r\nbody\r\n--B--\r\n";
    RESULT *r = walk(m, NULL);
    assert_int_equal(r->parts->n, 2); /* boilerplate prologue is not a part */
    done(r);
    m = "Content-Type: multipart/mixed; boundary=B\r\n\r\n"
        "Visit http://hidden.example/ now\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nbody\r\n--B--\r\n";
    r = walk(m, NULL);
    assert_non_null(strstr(part(r, "0~prologue")->text, "hidden.example"));
    done(r);
    m = "Content-Type: multipart/mixed\r\n\r\n--abc\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        "--abc--\r\n";
    r = walk(m, NULL);
    assert_true(hits_has(r->hits, "MIME_MULTIPART_NO_BOUNDARY"));
    assert_non_null(strstr(part(r, "0~prologue")->text, "hello"));
    done(r);
}

static void test_bad_base64_and_truncation(void **state)
{
    const char *m = "Content-Type: multipart/mixed; boundary=B\r\n\r\n"
                    "--B\r\nContent-Type: application/octet-stream\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\nQ2xh!!!!@@@@bUFW\r\nQ2x\r\n";
    RESULT *r = walk(m, NULL);
    assert_true(hits_has(r->hits, "MIME_BAD_BASE64"));
    assert_true(hits_has(r->hits, "MIME_TRUNCATED"));
    done(r);
}

/* nest - n multipart levels around a text part */
static char *nest(int n)
{
    BUF *b = buf_new(1024);
    for (int i = 0; i < n; i++)
        buf_printf(b, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
    buf_puts(b, "Content-Type: text/plain\r\n\r\ndeep\r\n");
    for (int i = n - 1; i >= 0; i--)
        buf_printf(b, "--b%d--\r\n", i);
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}

static void test_depth_limit(void **state)
{
    MIME_LIMITS lim = defaults;
    lim.max_depth = 10;
    char *m = nest(50);
    RESULT *r = walk(m, &lim);
    assert_true(hits_has(r->hits, "LIMIT_MIME_DEPTH"));
    assert_int_equal(r->parts->n, 11);
    done(r);
    free(m);
}

static void test_parts_and_byte_limits(void **state)
{
    BUF *b = buf_new(4096);
    buf_puts(b, "Content-Type: multipart/mixed; boundary=B\r\n\r\n");
    for (int i = 0; i < 20; i++)
        buf_printf(b, "--B\r\nContent-Type: text/plain\r\n\r\n%0200d\r\n", i);
    buf_puts(b, "--B--\r\n");
    MIME_LIMITS lim = defaults;
    lim.max_parts = 5;
    RESULT *r = walk(b->data, &lim);
    assert_int_equal(r->parts->n, 5);
    assert_true(hits_has(r->hits, "LIMIT_PARTS"));
    done(r);
    lim = defaults;
    lim.max_part_bytes = 100;
    r = walk(b->data, &lim);
    assert_true(hits_has(r->hits, "LIMIT_PART_BYTES"));
    assert_true(part(r, "1")->truncated);
    assert_int_equal(part(r, "1")->size, 100);
    done(r);
    lim = defaults;
    lim.max_total_bytes = 1000;
    r = walk(b->data, &lim);
    assert_true(hits_has(r->hits, "LIMIT_TOTAL_BYTES"));
    assert_int_equal(part(r, "20")->size, 0);
    assert_true(part(r, "20")->truncated);
    done(r);
    buf_free(b);
}

/* a part decoded over many reads is held to max_part_bytes, not to max_total_bytes
 * (regression: the per-part budget ignored the bytes the part already held) */
static void test_part_bytes_over_many_reads(void **state)
{
    BUF *b = buf_new(400000);
    buf_puts(b, "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n"
                "Content-Type: application/octet-stream\r\n\r\n");
    for (int i = 0; i < 4000; i++)
        buf_puts(b, "0123456789012345678901234567890123456789012345678901234567890123456789\r\n");
    buf_puts(b, "--B--\r\n");
    MIME_LIMITS lim = defaults;
    lim.max_part_bytes = 100000; /* several READ_CHUNKs; the part holds 288000 bytes */
    RESULT *r = walk(b->data, &lim);
    assert_true(hits_has(r->hits, "LIMIT_PART_BYTES"));
    assert_true(part(r, "1")->truncated);
    assert_int_equal(part(r, "1")->size, 100000);
    done(r);
    buf_free(b);
}

static void test_header_limit_and_garbage(void **state)
{
    MIME_LIMITS lim = defaults;
    lim.max_header_bytes = 64;
    RESULT *r = walk("Subject: a rather long subject line that goes past the limit set\r\n"
                     "X-More: padding padding padding\r\n\r\nbody\r\n",
                     &lim);
    assert_true(hits_has(r->hits, "LIMIT_HEADER_BYTES"));
    done(r);
    r = walk("   \r\n\r\n", NULL); /* nothing MIME-shaped at all: still one part, no crash */
    assert_true(r->parts->n >= 1);
    done(r);
    r = walk("", NULL);
    assert_true(r->parts->n <= 1);
    done(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filenames_and_paths),
        cmocka_unit_test(test_part_bytes_over_many_reads),
        cmocka_unit_test(test_header_facts),
        cmocka_unit_test(test_nested_message_paths),
        cmocka_unit_test(test_encoded_rfc822_is_walked),
        cmocka_unit_test(test_inline_uuencode_and_yenc),
        cmocka_unit_test(test_prologue_and_no_boundary),
        cmocka_unit_test(test_bad_base64_and_truncation),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_parts_and_byte_limits),
        cmocka_unit_test(test_header_limit_and_garbage),
    };
    return cmocka_run_group_tests_name("mime", tests, setup, NULL);
}
