/*
 * msg - the record of one message under analysis (see msg.h; the pipeline is analyse.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/digest.h"
#include "msg.h"
#include "lib/xalloc.h"

/* msg_new - empty message state with a reference id */
MSG *msg_new(const char *ref)
{
    MSG *m = xcalloc(1, sizeof(MSG));
    snprintf(m->ref, sizeof(m->ref), "%s", ref);
    m->parts = parts_new();
    m->layers = layers_new();
    m->hits = hits_new();
    m->cache.backend = "off";
    return m;
}

/* msg_free - release everything; accepts NULL, returns NULL */
MSG *msg_free(MSG *m)
{
    if (m == NULL)
        return NULL;
    parts_free(m->parts);
    layers_free(m->layers);
    urlset_free(m->urls);
    hits_free(m->hits);
    mime_headers_clear(&m->hdr);
    free(m->cache.part);
    free(m->sender);
    free(m->rcpts);
    free(m);
    return NULL;
}

/* msg_set_envelope - sender and recipients for the prevalence records (copied) */
void msg_set_envelope(MSG *m, const char *sender, const char *rcpts)
{
    free(m->sender);
    free(m->rcpts);
    m->sender = sender ? xstrdup(sender) : NULL;
    m->rcpts = rcpts ? xstrdup(rcpts) : NULL;
}

/* msg_ref_random - 16 random hex digits */
void msg_ref_random(char ref[17])
{
    unsigned char r[8];
    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long x =
            (unsigned long long)ts.tv_nsec ^ ((unsigned long long)ts.tv_sec << 20);
        memcpy(r, &x, sizeof(r));
    }
    for (int i = 0; i < 8; i++)
        snprintf(ref + 2 * i, 3, "%02x", r[i]);
}

/* msg_ref_from_bytes - 16 hex digits of the SHA-256 of the message */
void msg_ref_from_bytes(const char *p, size_t n, char ref[17])
{
    char hex[DIGEST_HEX_LEN + 1];
    digest_sha256_hex(p, n, hex);
    memcpy(ref, hex, 16);
    ref[16] = 0;
}
