/*
 * fuzz_header - header and filename decoding: RFC 2047 words, RFC 2231 parameters,
 *               broken quoting, raw 8-bit, NUL and control bytes in names and subjects
 *
 * The input is split at LF into up to four fields (the last one takes the rest, LFs
 * included): Subject value, From value, Content-Type parameters, Content-Disposition
 * parameters. They are pasted into a fixed two-part message, which goes through
 * hdrguard_cap (with a small cap, so the cutting code runs) and mime_walk. Every name
 * found then goes where the pipeline sends names: filetype_ext, heur_file's checks
 * (double extension, RTLO, dangerous extension), str_sanitize and json_str. Checks:
 * str_sanitize leaves no control character (CR/LF included) and valid UTF-8; json_str
 * yields valid UTF-8; hdrguard grows the message by at most CRLF per cut field.
 */
#include <stdint.h>
#include <string.h>

#include "lib/buf.h"
#include "core/config.h"
#include "model/filetype.h"
#include "fuzz.h"
#include "mime/hdrguard.h"
#include "heur/file.h"
#include "model/hit.h"
#include "mime/mime.h"
#include "model/part.h"

/* field - the next LF-terminated piece of the input (the last one takes the rest) */
static const char *field(const uint8_t **p, size_t *n, size_t *len, bool last)
{
    const char *s = (const char *)*p;
    const char *nl = last ? NULL : memchr(s, '\n', *n);
    *len = nl ? (size_t)(nl - s) : *n;
    *p += *len + (nl != NULL);
    *n -= *len + (nl != NULL);
    return s;
}

/* build - the message with the fields pasted in */
static BUF *build(const uint8_t *data, size_t size)
{
    size_t l[4];
    const char *f[4];
    for (int i = 0; i < 4; i++)
        f[i] = field(&data, &size, &l[i], i == 3);
    BUF *b = buf_new(512 + l[0] + l[1] + l[2] + l[3]);
    buf_puts(b, "Subject: ");
    buf_cat(b, f[0], l[0]);
    buf_puts(b, "\r\nFrom: ");
    buf_cat(b, f[1], l[1]);
    buf_puts(b, "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"=b=\"\r\n\r\n"
                "--=b=\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                "--=b=\r\nContent-Type: application/octet-stream;");
    buf_cat(b, f[2], l[2]);
    buf_puts(b, "\r\nContent-Disposition: attachment;");
    buf_cat(b, f[3], l[3]);
    buf_puts(b, "\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAA\r\n"
                "--=b=--\r\n");
    return b;
}

/* names - what the pipeline does with a part's filename */
static void names(const PART *p, HITS *hits)
{
    if (p->filename == NULL)
        return;
    size_t n = strlen(p->filename);
    fuzz_sane_text(p->filename, n);
    BUF *j = buf_new(64);
    json_str(j, p->filename, n);
    FUZZ_CHECK(utf8_valid(j->data, j->len));
    buf_free(j);
    const char *ext = filetype_ext(p->filename);
    FUZZ_CHECK(ext != NULL && strlen(ext) <= n);
    HEUR_CTX c;
    fuzz_heur(&c, hits);
    FILE_FACTS f = {p->filename, &p->ft, p->content_type, p->type_mismatch, 0, NULL, false,
                    NULL,        0};
    heur_file(&c, &f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const MIME_LIMITS lim = {32, 1000, 1u << 20, 4u << 20, 1u << 20, 65536, 1000, 20000};
    static bool init;
    if (!init)
        mime_init(), init = true;
    BUF *raw = build(data, size);
    size_t outlen = 0, cut = 0;
    char *capped = hdrguard_cap(raw->data, raw->len, 256, &outlen, &cut);
    if (capped)
        FUZZ_CHECK(outlen <= raw->len + 2 * cut && cut > 0); /* a cut line gains at most CRLF */
    free(capped);
    PARTS *parts = parts_new();
    HITS *hits = hits_new();
    MIME_HEADERS hdr = {0};
    mime_walk(raw->data, raw->len, &lim, parts, &hdr, hits);
    for (size_t i = 0; i < parts->n; i++)
        names(parts->v[i], hits);
    const char *hs[] = {hdr.subject, hdr.from, hdr.to, hdr.reply_to, hdr.message_id};
    for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++)
        if (hs[i])
            fuzz_sane_text(hs[i], strlen(hs[i]));
    mime_headers_clear(&hdr);
    hits_free(hits);
    parts_free(parts);
    buf_free(raw);
    return 0;
}
