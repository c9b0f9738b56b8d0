/*
 * mta/mta - the MTA operations a message's verdict is applied through (a façade over libmilter)
 *
 * SYNOPSIS
 *   extern const MTA_OPS mta_libmilter;
 *   ops->addheader(ctx, name, value) ...            (ctx: the SMFICTX * as void *)
 *
 * DESCRIPTION
 *   MTA_OPS is a table of function pointers, so action.c stays pure and unit tests use a
 *   recording implementation. Every operation returns 0 on success and -1 on failure
 *   (the MTA refused or the connection broke); getsymval returns the macro's value or
 *   NULL. mta_libmilter is the real one (mta.c is, with mlfi.c, the only includer of
 *   libmilter/mfapi.h); it may only be used from the eom callback, except getsymval and
 *   setreply.
 *
 *   setreply takes the reply text as it should appear on the wire: the libmilter
 *   implementation escapes '%' as "%%" (smfi_setreply treats the text as a format) and
 *   refuses codes other than 4xx/5xx and texts holding CR; LF separates the lines of a
 *   multi-line reply (smfi_setmlreply; at most MTA_REPLY_LINES, the rest is dropped).
 *   delrcpt removes one envelope recipient (smfi_delrcpt; the address as RCPT TO gave it).
 *   chgheader with a NULL value deletes the idx-th (1-based) header of that name.
 */
#ifndef FM_MTA_H
#define FM_MTA_H
#define MTA_REPLY_LINES 10
typedef struct MTA_OPS {
    const char *(*getsymval)(void *ctx, const char *name);
    int (*addheader)(void *ctx, const char *name, const char *value);
    int (*insheader)(void *ctx, int idx, const char *name, const char *value);
    int (*chgheader)(void *ctx, const char *name, int idx, const char *value);
    int (*quarantine)(void *ctx, const char *reason);
    int (*setreply)(void *ctx, const char *rcode, const char *xcode, const char *text);
    int (*progress)(void *ctx);
    int (*delrcpt)(void *ctx, const char *rcpt); /* remove one recipient (as the MTA gave it) */
} MTA_OPS;
extern const MTA_OPS mta_libmilter;
#endif
