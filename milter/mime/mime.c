/*
 * mime/mime - GMime walk into PART records (see mime/mime.h for the contract and limits)
 *
 * Why the walk is safe on hostile input: GMime bounds multipart nesting itself (1024
 * levels) and we stop descending at max_depth, so recursion here is bounded by the
 * config; every decoded byte is counted against max_part_bytes and max_total_bytes
 * before it is stored; hidden-content scans (uuencode, yEnc) are single linear passes
 * over bytes we already hold, and each block they find counts against max_parts.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "model/failure.h"
#include "lib/buf.h"
#include "core/digest.h"
#include "model/filetype.h"
#include "mime/hdrguard.h"
#include "mime/mime.h"
#include "lib/str.h"
#include "lib/xalloc.h"

#define READ_CHUNK        16384
#define MAX_HIDDEN_BLOCKS 64 /* uuencode/yEnc blocks taken from one text part */
#define MAX_REPARSE       4  /* base64-encoded message/rfc822 inside each other */

typedef struct WALK {
    const MIME_LIMITS *lim;
    PARTS *parts;
    HITS *hits;
    GMimeParserOptions *opts;
    size_t total;      /* decoded bytes stored so far */
    bool parts_full;   /* LIMIT_PARTS reported */
    bool total_full;   /* LIMIT_TOTAL_BYTES reported */
    unsigned reparse;  /* current depth of encoded-message re-parses */
    size_t hdr_budget; /* header fields GMime may still build (max_header_lines_total) */
    bool hdr_full;     /* LIMIT_HEADER_LINES reported */
} WALK;

static void walk_message(WALK *w, GMimeMessage *m, const char *base, int depth);
static GMimeMessage *parse_raw(WALK *w, const char *raw, size_t len);

/* warning_map - GMime parser complaints and the symbols we report them as */
static const struct {
    GMimeParserWarning code;
    const char *symbol;
} warning_map[] = {
    {GMIME_WARN_DUPLICATED_HEADER, "MIME_DUPLICATED_HEADER"},
    {GMIME_WARN_DUPLICATED_PARAMETER, "MIME_BAD_PARAMETER"},
    {GMIME_WARN_UNENCODED_8BIT_HEADER, "MIME_8BIT_HEADER"},
    {GMIME_WARN_INVALID_CONTENT_TYPE, "MIME_INVALID_CONTENT_TYPE"},
    {GMIME_WARN_INVALID_RFC2047_HEADER_VALUE, "MIME_BAD_RFC2047"},
    {GMIME_WARN_MALFORMED_MULTIPART, "MIME_MALFORMED_MULTIPART"},
    {GMIME_WARN_TRUNCATED_MESSAGE, "MIME_TRUNCATED"},
    {GMIME_WARN_MALFORMED_MESSAGE, "MIME_MALFORMED_MESSAGE"},
    {GMIME_WARN_INVALID_PARAMETER, "MIME_BAD_PARAMETER"},
    {GMIME_WARN_INVALID_ADDRESS_LIST, "MIME_BAD_ADDRESS"},
    {GMIME_CRIT_INVALID_HEADER_NAME, "MIME_INVALID_HEADER_NAME"},
    {GMIME_CRIT_CONFLICTING_HEADER, "MIME_CONFLICTING_HEADER"},
    {GMIME_CRIT_CONFLICTING_PARAMETER, "MIME_CONFLICTING_PARAMETER"},
    {GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY, "MIME_MULTIPART_NO_BOUNDARY"},
    {GMIME_CRIT_NESTING_OVERFLOW, "MIME_NESTING_OVERFLOW"},
    {GMIME_WARN_PART_WITHOUT_CONTENT, "MIME_EMPTY_PART"},
    {GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT, "MIME_EMPTY_PART"},
};

/* mime_init - initialize GMime once, before threads start */
void mime_init(void)
{
    g_mime_init();
}

/* on_warning - GMime parser callback: record the complaint as a MIME_* hit */
static void on_warning(gint64 offset, GMimeParserWarning code, const gchar *item, gpointer data)
{
    WALK *w = data;
    for (size_t i = 0; i < sizeof(warning_map) / sizeof(warning_map[0]); i++) {
        if (warning_map[i].code == code) {
            hits_add(w->hits, warning_map[i].symbol, "message", "at byte %lld%s%s",
                     (long long)offset, item ? ": " : "", item ? item : "");
            return;
        }
    }
}

/* child_path - path of child i (1-based) under base ("" at the top) */
static char *child_path(const char *base, int i)
{
    return *base ? xasprintf("%s.%d", base, i) : xasprintf("%d", i);
}

/* dup_lower - copy a GMime string lower-cased, or NULL */
static char *dup_lower(const char *s)
{
    if (s == NULL)
        return NULL;
    char *r = xstrdup(s);
    str_lower(r);
    return r;
}

/* header_list_bytes - size of an entity's header block as GMime holds it */
static size_t header_list_bytes(GMimeObject *obj)
{
    GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
    size_t total = 0;
    int n = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < n; i++) {
        GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
        const char *name = g_mime_header_get_name(h);
        const char *raw = g_mime_header_get_raw_value(h);
        total += (name ? strlen(name) : 0) + (raw ? strlen(raw) : 0) + 2;
    }
    return total;
}

/* fill_common - declared facts every entity has: type, disposition, name, encoding */
static void fill_common(WALK *w, PART *p, GMimeObject *obj)
{
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    if (ct) {
        char *mt = g_mime_content_type_get_mime_type(ct);
        p->content_type = dup_lower(mt);
        g_free(mt);
        p->charset = dup_lower(g_mime_content_type_get_parameter(ct, "charset"));
    }
    p->disposition = dup_lower(g_mime_object_get_disposition(obj));
    const char *fn = GMIME_IS_PART(obj) ? g_mime_part_get_filename(GMIME_PART(obj)) : NULL;
    if (fn == NULL)
        fn = g_mime_object_get_content_disposition_parameter(obj, "filename");
    if (fn == NULL)
        fn = g_mime_object_get_content_type_parameter(obj, "name");
    p->filename = fn ? xstrdup(fn) : NULL;
    const char *cte = g_mime_object_get_header(obj, "Content-Transfer-Encoding");
    if (cte) {
        char *t = xstrdup(cte);
        p->encoding = dup_lower(str_trim(t));
        free(t);
    }
    if (p->depth > 0 && header_list_bytes(obj) > w->lim->max_header_bytes)
        failure_hit(w->hits, MSG_ERR_LIMIT_HEADER_BYTES, p->path, "header block over %zu bytes",
                    w->lim->max_header_bytes);
}

/* budget - bytes the next part may still decode */
static size_t budget(const WALK *w)
{
    size_t left = w->total < w->lim->max_total_bytes ? w->lim->max_total_bytes - w->total : 0;
    return left < w->lim->max_part_bytes ? left : w->lim->max_part_bytes;
}

/* over_limit - a part could not be stored whole: mark it and report which limit */
static void over_limit(WALK *w, PART *p)
{
    p->truncated = true;
    if (w->total >= w->lim->max_total_bytes) {
        if (!w->total_full)
            failure_hit(w->hits, MSG_ERR_LIMIT_TOTAL_BYTES, p->path, "decoded bytes over %zu",
                        w->lim->max_total_bytes);
        w->total_full = true;
    } else {
        failure_hit(w->hits, MSG_ERR_LIMIT_PART_BYTES, p->path, "decoded part over %zu bytes",
                    w->lim->max_part_bytes);
    }
}

/* store - append decoded bytes to a part within the budget; false once it is full */
static bool store(WALK *w, PART *p, const char *d, size_t n)
{
    /* the part's own bytes count against max_part_bytes: budget() alone would let one
     * part grow to max_total_bytes */
    size_t room = budget(w);
    size_t left = p->size < w->lim->max_part_bytes ? w->lim->max_part_bytes - p->size : 0;
    room = room < left ? room : left;
    size_t take = n < room ? n : room;
    if (take && !buf_try_cat(p->data, d, take)) {
        p->truncated = true;
        failure_hit(w->hits, MSG_ERR_LIMIT_PART_BYTES, p->path, "out of memory at %zu bytes",
                    p->size);
        return false;
    }
    p->size += take;
    w->total += take;
    if (take < n) {
        over_limit(w, p);
        return false;
    }
    return true;
}

/*
 * b64_check - count bytes outside the base64 alphabet and alphabet characters; a
 * body an attacker stuffs with junk decodes differently in different MUAs and scanners.
 */
static void b64_check(const char *s, size_t n, size_t *bad, size_t *quanta)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '+' || c == '/' || c == '=')
            (*quanta)++;
        else if (c != '\r' && c != '\n' && c != ' ' && c != '\t')
            (*bad)++;
    }
}

/* decode_part - transfer-decode a leaf into p->data under the byte limits */
static void decode_part(WALK *w, PART *p, GMimePart *gp)
{
    GMimeDataWrapper *wrapper = g_mime_part_get_content(gp);
    GMimeStream *stream = wrapper ? g_mime_data_wrapper_get_stream(wrapper) : NULL;
    p->data = buf_new(1024);
    if (stream == NULL)
        return;
    if (budget(w) == 0) {
        over_limit(w, p);
        return;
    }
    GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(wrapper);
    GMimeStream *filtered = NULL;
    /* only GMime's uuencode filter skips to the "begin" line; the raw decoder does not */
    if (enc == GMIME_CONTENT_ENCODING_UUENCODE) {
        filtered = g_mime_stream_filter_new(stream);
        GMimeFilter *f = g_mime_filter_basic_new(enc, FALSE);
        g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), f);
        g_object_unref(f);
        stream = filtered;
        enc = GMIME_CONTENT_ENCODING_BINARY;
    }
    GMimeEncoding st;
    g_mime_encoding_init_decode(&st, enc);
    char *in = xmalloc(READ_CHUNK);
    char *out = xmalloc(2 * READ_CHUNK + 64);
    size_t bad = 0;
    size_t quanta = 0;
    g_mime_stream_reset(stream);
    for (;;) {
        ssize_t n = g_mime_stream_read(stream, in, READ_CHUNK);
        if (n <= 0)
            break;
        if (enc == GMIME_CONTENT_ENCODING_BASE64)
            b64_check(in, (size_t)n, &bad, &quanta);
        size_t o = g_mime_encoding_step(&st, in, (size_t)n, out);
        if (!store(w, p, out, o))
            goto out;
    }
    store(w, p, out, g_mime_encoding_flush(&st, in, 0, out));
    if (bad || quanta % 4)
        hits_add(w->hits, "MIME_BAD_BASE64", p->path, "%zu bytes outside the alphabet%s", bad,
                 quanta % 4 ? ", ends mid-quantum" : "");
out:
    if (filtered)
        g_object_unref(filtered);
    free(in);
    free(out);
}

/* to_utf8 - text of a part in UTF-8, converted from its declared charset */
static char *to_utf8(WALK *w, const char *charset, const char *s, size_t n, size_t *outlen)
{
    char *r = NULL;
    if (charset && !str_ieq(charset, "utf-8") && !str_ieq(charset, "us-ascii")) {
        iconv_t cd = g_mime_iconv_open("UTF-8", charset);
        if (cd != (iconv_t)-1) {
            r = g_mime_iconv_strndup(cd, s, n);
            g_mime_iconv_close(cd);
        }
    }
    if (r == NULL && utf8_valid(s, n) && memchr(s, 0, n) == NULL) {
        *outlen = n;
        return xstrndup(s, n);
    }
    if (r == NULL)
        r = g_mime_utils_decode_8bit(w->opts, s, n);
    char *copy = xstrdup(r ? r : "");
    g_free(r);
    *outlen = strlen(copy);
    return copy;
}

/* analyse_leaf - hash, sniff and (for text) convert one leaf's decoded bytes */
static void analyse_leaf(WALK *w, PART *p)
{
    const unsigned char *d = p->data ? (const unsigned char *)p->data->data : NULL;
    if (d)
        digest_sha256_hex(d, p->size, p->sha256);
    filetype_sniff(d ? d : (const unsigned char *)"", d ? p->size : 0, p->filename, &p->ft);
    p->type_mismatch = filetype_mismatch(p->content_type, p->filename, &p->ft);
    bool textual = p->content_type && (strcmp(p->content_type, "text/plain") == 0 ||
                                       strcmp(p->content_type, "text/html") == 0);
    if (d && (textual || p->origin == PART_PROLOGUE || p->origin == PART_EPILOGUE))
        p->text = to_utf8(w, p->charset, (const char *)d, p->size, &p->text_len);
}

/* take_part - add a part unless max_parts is reached (then report it once) */
static PART *take_part(WALK *w, const char *path, int depth)
{
    if (w->parts->n >= w->lim->max_parts) {
        if (!w->parts_full)
            failure_hit(w->hits, MSG_ERR_LIMIT_PARTS, path, "more than %zu parts",
                        w->lim->max_parts);
        w->parts_full = true;
        return NULL;
    }
    PART *p = parts_add(w->parts, path);
    p->depth = depth;
    return p;
}

/* hidden_part - record decoded hidden content (uuencode, yEnc, prologue) as a part */
static PART *hidden_part(WALK *w, const char *path, int depth, enum part_origin origin,
                         const char *filename, const char *bytes, size_t n)
{
    PART *p = take_part(w, path, depth);
    if (p == NULL)
        return NULL;
    p->origin = origin;
    p->content_type =
        xstrdup(origin == PART_PROLOGUE || origin == PART_EPILOGUE ? "text/plain"
                                                                   : "application/octet-stream");
    p->filename = filename ? xstrdup(filename) : NULL;
    p->data = buf_new(n + 1);
    store(w, p, bytes, n);
    analyse_leaf(w, p);
    return p;
}

/* line_end - index just past the line starting at i */
static size_t line_end(const char *s, size_t n, size_t i)
{
    const char *nl = memchr(s + i, '\n', n - i);
    return nl ? (size_t)(nl - s) + 1 : n;
}

/* line_len - length of the line at i without its CR/LF */
static size_t line_len(const char *s, size_t n, size_t i)
{
    size_t e = line_end(s, n, i);
    while (e > i && (s[e - 1] == '\n' || s[e - 1] == '\r'))
        e--;
    return e - i;
}

/* uu_begin - is the line at s a uuencode "begin NNN name" line; copies the name */
static bool uu_begin(const char *s, size_t len, char *name, size_t namesz)
{
    if (len < 10 || memcmp(s, "begin ", 6) != 0)
        return false;
    size_t i = 6;
    size_t digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '7' && digits < 5) {
        i++;
        digits++;
    }
    if (digits < 3 || digits > 4 || i >= len || s[i] != ' ')
        return false;
    while (len > i + 1 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--; /* "evil.exe " must not slip past extension checks */
    size_t nl = len - i - 1 < namesz - 1 ? len - i - 1 : namesz - 1;
    memcpy(name, s + i + 1, nl);
    name[nl] = 0;
    return nl > 0;
}

/* yenc_name - is the line a "=ybegin ... name=X" line; copies X */
static bool yenc_name(const char *s, size_t len, char *name, size_t namesz)
{
    if (len < 8 || memcmp(s, "=ybegin ", 8) != 0)
        return false;
    const char *k = str_memmem_ci(s, len, " name=");
    if (k == NULL)
        return false;
    size_t off = (size_t)(k - s) + 6;
    while (len > off && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    size_t nl = len - off < namesz - 1 ? len - off : namesz - 1;
    memcpy(name, s + off, nl);
    name[nl] = 0;
    return nl > 0;
}

/* decode_uu - decode one uuencoded block (the lines after "begin") */
static size_t decode_uu(const char *s, size_t n, char *out)
{
    int state = GMIME_UUDECODE_STATE_BEGIN;
    guint32 save = 0;
    return g_mime_encoding_uudecode_step((const unsigned char *)s, n, (unsigned char *)out, &state,
                                         &save);
}

/* decode_yenc - decode one yEnc block (the data lines after =ybegin/=ypart) */
static size_t decode_yenc(const char *s, size_t n, char *out)
{
    int state = GMIME_YDECODE_STATE_INIT;
    guint32 pcrc = GMIME_YENCODE_CRC_INIT;
    guint32 crc = GMIME_YENCODE_CRC_INIT;
    return g_mime_ydecode_step((const unsigned char *)s, n, (unsigned char *)out, &state, &pcrc,
                               &crc);
}

/* find_line - index of the first line at or after i that starts with tag, or n */
static size_t find_line(const char *s, size_t n, size_t i, const char *tag, bool exact)
{
    size_t tl = strlen(tag);
    while (i < n) {
        size_t ll = line_len(s, n, i);
        if (ll >= tl && memcmp(s + i, tag, tl) == 0 && (!exact || ll == tl))
            return i;
        i = line_end(s, n, i);
    }
    return n;
}

/* entity_at - a "--boundary" line followed by a Content-* header: a MIME entity */
static bool entity_at(const char *s, size_t n, size_t i, size_t ll)
{
    size_t next = line_end(s, n, i);
    return ll >= 3 && s[i] == '-' && s[i + 1] == '-' && next + 8 <= n &&
           strncasecmp(s + next, "content-", 8) == 0;
}

/*
 * hidden_entity - a MIME entity sitting in text: the MIME structure around it was
 * built so that some parsers (ours included) see text where others (the MUA) see an
 * attachment (a comment in a header name, two boundary parameters). Parse the entity on
 * its own and walk it below the text part. Returns where the entity ends.
 */
static size_t hidden_entity(WALK *w, PART *p, size_t start, unsigned found)
{
    const char *s = p->data->data;
    size_t n = p->size;
    size_t stop = start;
    while (stop < n && !(s[stop] == '-' && stop + 1 < n && s[stop + 1] == '-'))
        stop = line_end(s, n, stop);
    hits_add(w->hits, "MIME_HIDDEN_ENTITY", p->path, "a MIME entity inside %s text",
             part_origin_name(p->origin));
    GMimeMessage *m = w->reparse < MAX_REPARSE ? parse_raw(w, s + start, stop - start) : NULL;
    if (m) {
        char *path = xasprintf("%s~mime%u", p->path, found);
        w->reparse++;
        walk_message(w, m, path, p->depth + 1);
        w->reparse--;
        g_object_unref(m);
        free(path);
    }
    return stop;
}

/*
 * scan_hidden - find what text parts hide: inline uuencoded and yEnc blocks (GMime only
 * decodes them when they are the whole part's transfer encoding) and MIME entities
 * outside the structure; add each as a part.
 */
static void scan_hidden(WALK *w, PART *p)
{
    const char *s = p->data->data;
    size_t n = p->size;
    size_t i = 0;
    unsigned found = 0;
    char name[256];
    char *path;
    while (i < n && found < MAX_HIDDEN_BLOCKS) {
        size_t ll = line_len(s, n, i);
        size_t next = line_end(s, n, i);
        if (entity_at(s, n, i, ll)) {
            i = hidden_entity(w, p, next, ++found);
            continue;
        }
        bool uu = uu_begin(s + i, ll, name, sizeof(name));
        if (!uu && !yenc_name(s + i, ll, name, sizeof(name))) {
            i = next;
            continue;
        }
        size_t start = next;
        if (!uu && start < n && n - start > 7 && memcmp(s + start, "=ypart ", 7) == 0)
            start = line_end(s, n, start);
        size_t stop = find_line(s, n, start, uu ? "end" : "=yend", uu);
        /* GMime's decoders expect LF line ends; CR is never data in either encoding */
        char *lf = xmalloc(stop - start + 1);
        char *out = xmalloc(stop - start + 1);
        size_t k = 0;
        for (size_t j = start; j < stop; j++)
            if (s[j] != '\r')
                lf[k++] = s[j];
        size_t olen = uu ? decode_uu(lf, k, out) : decode_yenc(lf, k, out);
        free(lf);
        found++;
        path = xasprintf("%s~%s%u", p->path, uu ? "uu" : "yenc", found);
        hidden_part(w, path, p->depth + 1, uu ? PART_UUENCODE : PART_YENC, name, out, olen);
        free(path);
        free(out);
        i = stop < n ? line_end(s, n, stop) : n;
    }
}

/* boilerplate - is a prologue blank or just the usual "This is a multi-part message" line */
static bool boilerplate(const char *s)
{
    static const char *const lines[] = {"this is a multi-part message in mime format",
                                        "this is a multipart message in mime format",
                                        "this is a mime-encapsulated message",
                                        "this is a mime-formatted message",
                                        "this is a message with multiple parts in mime format",
                                        "multipart message"};
    while (isspace((unsigned char)*s))
        s++;
    for (size_t i = 0; *s && i < sizeof(lines) / sizeof(lines[0]); i++) {
        if (str_istarts(s, lines[i])) {
            s += strlen(lines[i]);
            break;
        }
    }
    while (*s == '.' || *s == '-' || isspace((unsigned char)*s))
        s++;
    return *s == 0;
}

/* hidden_text - record a multipart's non-trivial prologue or epilogue */
static void hidden_text(WALK *w, PART *mp, const char *text, enum part_origin origin)
{
    if (text == NULL || boilerplate(text))
        return;
    char *path = xasprintf("%s~%s", mp->path, origin == PART_PROLOGUE ? "prologue" : "epilogue");
    PART *p = hidden_part(w, path, mp->depth + 1, origin, NULL, text, strlen(text));
    if (p && p->data)
        scan_hidden(w, p);
    free(path);
}

/*
 * parse_raw - parse bytes as a message; NULL when GMime cannot. Leading blank or
 * white-space-only lines (which make GMime give up) are skipped first.
 */
static GMimeMessage *parse_raw(WALK *w, const char *raw, size_t len)
{
    size_t skip = 0;
    while (skip < len) {
        size_t e = line_end(raw, len, skip);
        size_t i = skip;
        while (i < e && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' || raw[i] == '\n'))
            i++;
        if (i < e)
            break;
        skip = e;
    }
    if (skip)
        hits_add(w->hits, "MIME_MALFORMED_MESSAGE", "message",
                 "%zu bytes of blank lines before the header", skip);
    raw += skip;
    len -= skip;
    size_t per_block = w->lim->max_header_lines ? w->lim->max_header_lines : SIZE_MAX;
    size_t dropped = 0;
    size_t nuls = 0;
    char *fewer = hdrguard_lines(raw, len, per_block, &w->hdr_budget, &len, &dropped, &nuls);
    if (nuls)
        hits_add(w->hits, "MIME_NUL_IN_NAME", "message",
                 "%zu encoded NUL in header parameters or encoded words (shown as U+2400)", nuls);
    if (dropped && !w->hdr_full) {
        failure_hit(w->hits, MSG_ERR_LIMIT_HEADER_LINES, "message",
                    "%zu header fields dropped before parsing (max_header_lines %zu, total %zu)",
                    dropped, w->lim->max_header_lines, w->lim->max_header_lines_total);
        w->hdr_full = true;
    }
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(fewer ? fewer : raw, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage *m = g_mime_parser_construct_message(parser, w->opts);
    g_object_unref(parser);
    g_object_unref(stream);
    free(fewer);
    return m;
}

/*
 * reparse_leaf - a message/rfc822 sent base64 or quoted-printable is a leaf to GMime;
 * its decoded bytes are a message, so parse and walk them too: what an MUA would show
 * is what we scan.
 */
static void reparse_leaf(WALK *w, PART *p)
{
    if (w->reparse >= MAX_REPARSE || p->data == NULL || p->size == 0)
        return;
    GMimeMessage *m = parse_raw(w, p->data->data, p->size);
    if (m) {
        w->reparse++;
        walk_message(w, m, p->path, p->depth + 1);
        w->reparse--;
        g_object_unref(m);
    }
}

/* walk_object - record one entity and descend into its children */
static void walk_object(WALK *w, GMimeObject *obj, const char *own, const char *base, int depth)
{
    if ((size_t)depth > w->lim->max_depth) {
        failure_hit(w->hits, MSG_ERR_LIMIT_MIME_DEPTH, own, "nested deeper than %zu",
                    w->lim->max_depth);
        return;
    }
    PART *p = take_part(w, own, depth);
    if (p == NULL)
        return;
    fill_common(w, p, obj);
    if (GMIME_IS_MULTIPART(obj)) {
        GMimeMultipart *mp = GMIME_MULTIPART(obj);
        p->kind = PART_MULTIPART;
        hidden_text(w, p, g_mime_multipart_get_prologue(mp), PART_PROLOGUE);
        int count = g_mime_multipart_get_count(mp);
        for (int i = 0; i < count && !w->parts_full; i++) {
            char *cp = child_path(base, i + 1);
            walk_object(w, g_mime_multipart_get_part(mp, i), cp, cp, depth + 1);
            free(cp);
        }
        hidden_text(w, p, g_mime_multipart_get_epilogue(mp), PART_EPILOGUE);
    } else if (GMIME_IS_MESSAGE_PART(obj)) {
        p->kind = PART_MESSAGE;
        GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
        if (inner)
            walk_message(w, inner, own, depth + 1);
    } else if (GMIME_IS_PART(obj)) {
        decode_part(w, p, GMIME_PART(obj));
        analyse_leaf(w, p);
        bool message = p->content_type && str_istarts(p->content_type, "message/");
        if (message) /* its bytes are a message: walked below it, not searched as text */
            reparse_leaf(w, p);
        else if ((p->ft.is_text || (p->content_type && str_istarts(p->content_type, "text/"))) &&
                 p->size)
            scan_hidden(w, p);
    }
}

/* walk_message - walk a message's body; base is the path of the message part ("" at top) */
static void walk_message(WALK *w, GMimeMessage *m, const char *base, int depth)
{
    GMimeObject *root = g_mime_message_get_mime_part(m);
    if (root == NULL)
        return;
    char *own = GMIME_IS_MULTIPART(root) ? (*base ? xasprintf("%s.0", base) : xstrdup("0"))
                                         : child_path(base, 1);
    walk_object(w, root, own, base, depth);
    free(own);
}

/* addr_string - an address list header as text, or NULL when empty */
static char *addr_string(InternetAddressList *l)
{
    if (l == NULL || internet_address_list_length(l) == 0)
        return NULL;
    char *s = internet_address_list_to_string(l, NULL, FALSE);
    char *r = s ? xstrdup(s) : NULL;
    g_free(s);
    return r;
}

/* dup_opt - copy a possibly NULL GMime string */
static char *dup_opt(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

/* collect_headers - the top-level header facts */
static void collect_headers(GMimeMessage *m, MIME_HEADERS *hdr)
{
    GMimeObject *o = GMIME_OBJECT(m);
    hdr->from = addr_string(g_mime_message_get_from(m));
    hdr->to = addr_string(g_mime_message_get_to(m));
    hdr->reply_to = addr_string(g_mime_message_get_reply_to(m));
    hdr->return_path = dup_opt(g_mime_object_get_header(o, "Return-Path"));
    hdr->subject = dup_opt(g_mime_message_get_subject(m));
    hdr->message_id = dup_opt(g_mime_message_get_message_id(m));
    hdr->date = dup_opt(g_mime_object_get_header(o, "Date"));
    GMimeHeaderList *hl = g_mime_object_get_header_list(o);
    int n = hl ? g_mime_header_list_get_count(hl) : 0;
    for (int i = 0; i < n; i++) {
        const char *name = g_mime_header_get_name(g_mime_header_list_get_header_at(hl, i));
        if (name && strcasecmp(name, "Received") == 0)
            hdr->received_count++;
    }
}

/* header_block_len - bytes before the blank line that ends the top-level header */
static size_t header_block_len(const char *raw, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (raw[i] != '\n')
            continue;
        if (i + 1 < len && raw[i + 1] == '\n')
            return i + 1;
        if (i + 2 < len && raw[i + 1] == '\r' && raw[i + 2] == '\n')
            return i + 1;
    }
    return len;
}

/* mime_walk - parse and walk a message (see mime.h) */
void mime_walk(const char *raw, size_t len, const MIME_LIMITS *lim, PARTS *parts, MIME_HEADERS *hdr,
               HITS *hits)
{
    WALK w = {.lim = lim, .parts = parts, .hits = hits};
    w.hdr_budget = lim->max_header_lines_total ? lim->max_header_lines_total : SIZE_MAX;
    size_t capped_len = 0;
    size_t cut = 0;
    char *capped = hdrguard_cap(raw, len, lim->max_header_field, &capped_len, &cut);
    if (capped) {
        failure_hit(hits, MSG_ERR_LIMIT_HEADER_FIELD, "message",
                    "%zu header fields cut to %zu bytes", cut, lim->max_header_field);
        raw = capped;
        len = capped_len;
    }
    size_t delims = 0;
    size_t keep = hdrguard_entities(raw, len, 2 * lim->max_parts + 16, &delims);
    if (keep < len) { /* see hdrguard.h: the parser would build every entity first */
        failure_hit(hits, MSG_ERR_LIMIT_PARTS, "message",
                    "over %zu MIME boundaries; parsed up to byte %zu", 2 * lim->max_parts + 16,
                    keep);
        len = keep;
    }
    hdr->header_bytes = header_block_len(raw, len);
    if (hdr->header_bytes > lim->max_header_bytes)
        failure_hit(hits, MSG_ERR_LIMIT_HEADER_BYTES, "message",
                    "header block of %zu bytes over %zu", hdr->header_bytes, lim->max_header_bytes);
    w.opts = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(w.opts, on_warning, &w);
    g_mime_parser_options_set_rfc2047_compliance_mode(w.opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_parameter_compliance_mode(w.opts, GMIME_RFC_COMPLIANCE_LOOSE);
    g_mime_parser_options_set_address_compliance_mode(w.opts, GMIME_RFC_COMPLIANCE_LOOSE);
    GMimeMessage *m = parse_raw(&w, raw, len);
    if (m) {
        collect_headers(m, hdr);
        walk_message(&w, m, "", 0);
        g_object_unref(m);
    } else {
        /* nothing MIME-shaped: keep the bytes as one opaque part so they are still scanned */
        failure_hit(hits, MSG_ERR_PARSE, "message", "GMime could not build a message");
        hidden_part(&w, "1", 0, PART_MIME, NULL, raw, len);
    }
    g_mime_parser_options_free(w.opts);
    free(capped);
}

/* mime_headers_clear - free the header facts */
void mime_headers_clear(MIME_HEADERS *hdr)
{
    free(hdr->from);
    free(hdr->to);
    free(hdr->reply_to);
    free(hdr->return_path);
    free(hdr->subject);
    free(hdr->message_id);
    free(hdr->date);
    memset(hdr, 0, sizeof(*hdr));
}
