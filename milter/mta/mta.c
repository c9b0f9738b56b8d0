/*
 * mta/mta - MTA_OPS over libmilter (see mta/mta.h)
 *
 * One of the two files that include libmilter/mfapi.h (the other is mlfi.c, for the
 * smfiDesc table). The functions translate MI_SUCCESS/MI_FAILURE into 0/-1.
 */
#include <libmilter/mfapi.h>
#include <string.h>

#include "lib/buf.h"
#include "mta/mta.h"

/* rc - MI_SUCCESS as 0, anything else as -1 */
static int rc(int r)
{
    return r == MI_SUCCESS ? 0 : -1;
}

/* m_getsymval - a macro's value, or NULL */
static const char *m_getsymval(void *ctx, const char *name)
{
    return smfi_getsymval((SMFICTX *)ctx, (char *)name);
}

/* m_addheader - append a header */
static int m_addheader(void *ctx, const char *name, const char *value)
{
    return rc(smfi_addheader((SMFICTX *)ctx, (char *)name, (char *)value));
}

/* m_insheader - insert a header at position idx */
static int m_insheader(void *ctx, int idx, const char *name, const char *value)
{
    return rc(smfi_insheader((SMFICTX *)ctx, idx, (char *)name, (char *)value));
}

/* m_chgheader - change (or with NULL delete) the idx-th header called name */
static int m_chgheader(void *ctx, const char *name, int idx, const char *value)
{
    return rc(smfi_chgheader((SMFICTX *)ctx, (char *)name, idx, (char *)value));
}

/* m_quarantine - put the message in the MTA's hold queue */
static int m_quarantine(void *ctx, const char *reason)
{
    return rc(smfi_quarantine((SMFICTX *)ctx, (char *)reason));
}

/* m_setreply - set the SMTP reply; the text is escaped for smfi's format handling, and
 * LF-separated lines (at most MTA_REPLY_LINES) become a multi-line reply */
static int m_setreply(void *ctx, const char *rcode, const char *xcode, const char *text)
{
    if (rcode == NULL || (rcode[0] != '4' && rcode[0] != '5') || strchr(text, '\r'))
        return -1;
    BUF *b = buf_new(strlen(text) + 16);
    char *line[MTA_REPLY_LINES + 1] = {NULL};
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '%')
            buf_putc(b, '%');
        buf_putc(b, *p == '\n' ? '\0' : *p);
    }
    for (size_t off = 0; off <= b->len && n < MTA_REPLY_LINES; off += strlen(b->data + off) + 1)
        line[n++] = b->data + off;
    int r;
    if (n == 1)
        r = rc(smfi_setreply((SMFICTX *)ctx, (char *)rcode, (char *)xcode, line[0]));
    else /* a NULL ends the list early */
        r = rc(smfi_setmlreply((SMFICTX *)ctx, rcode, xcode, line[0], line[1], line[2], line[3],
                               line[4], line[5], line[6], line[7], line[8], line[9], NULL));
    buf_free(b);
    return r;
}

/* m_progress - tell the MTA we are still working (resets its timeout) */
static int m_progress(void *ctx)
{
    return rc(smfi_progress((SMFICTX *)ctx));
}

/* m_delrcpt - smfi_delrcpt */
static int m_delrcpt(void *ctx, const char *rcpt)
{
    return rc(smfi_delrcpt((SMFICTX *)ctx, (char *)rcpt));
}

const MTA_OPS mta_libmilter = {.getsymval = m_getsymval,
                               .addheader = m_addheader,
                               .insheader = m_insheader,
                               .chgheader = m_chgheader,
                               .quarantine = m_quarantine,
                               .setreply = m_setreply,
                               .progress = m_progress,
                               .delrcpt = m_delrcpt};
