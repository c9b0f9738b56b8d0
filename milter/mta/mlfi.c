/*
 * mta/mlfi - smfiDesc and the xxfi_* callbacks (see mta/mlfi.h)
 *
 * With mta.c the only includer of libmilter/mfapi.h. Each callback stays under 40 lines.
 */
#include <libmilter/mfapi.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "mta/conn.h"
#include "core/log.h"
#include "mta/metrics.h"
#include "mta/mlfi.h"
#include "mta/mta.h"

#define WANT_ACTIONS                                                                               \
    (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_SETSYMLIST | SMFIF_DELRCPT)
#define WANT_STEPS (SMFIP_SKIP | SMFIP_HDR_LEADSPC | SMFIP_NOUNKNOWN | SMFIP_NODATA)

/*
 * After xxfi_close the MTA may start another session on the same connection
 * (SMFIC_QUIT_NC) without negotiating again, so the negotiated HDR_LEADSPC and SKIP must
 * outlive the CONN. They are kept in the private pointer itself, tagged by its low bit (a
 * CONN is aligned): nothing is allocated, so nothing leaks when the MTA quits for good.
 */
#define PRIV_TAG     1u
#define PRIV_LEADSPC 2u
#define PRIV_SKIP    4u

/* conn_of - the per-connection state (NULL before negotiate/connect and after close) */
static CONN *conn_of(SMFICTX *ctx)
{
    void *p = smfi_getpriv(ctx);
    return ((uintptr_t)p & PRIV_TAG) ? NULL : (CONN *)p;
}

/* conn_start - a CONN with the flags negotiated on this connection (see above) */
static CONN *conn_start(SMFICTX *ctx)
{
    uintptr_t tag = (uintptr_t)smfi_getpriv(ctx);
    bool known = (tag & PRIV_TAG) != 0;
    CONN *c = conn_new(known && (tag & PRIV_LEADSPC));
    c->skip = known && (tag & PRIV_SKIP);
    smfi_setpriv(ctx, c);
    return c;
}

/* fm_negotiate - pick actions and protocol steps; create the CONN */
static sfsistat fm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
                             unsigned long f3, unsigned long *pf0, unsigned long *pf1,
                             unsigned long *pf2, unsigned long *pf3)
{
    (void)f2, (void)f3;
    *pf0 = f0 & WANT_ACTIONS;
    *pf1 = f1 & WANT_STEPS;
    *pf2 = *pf3 = 0;
    if ((f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS)) != (SMFIF_ADDHDRS | SMFIF_CHGHDRS))
        log_warning("MTA does not offer header changes: verdict headers cannot be written");
    if (f0 & SMFIF_SETSYMLIST)
        smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_authen} {client_addr}");
    conn_free(conn_of(ctx));
    CONN *c = conn_new((f1 & SMFIP_HDR_LEADSPC) != 0);
    c->skip = (f1 & SMFIP_SKIP) != 0;
    smfi_setpriv(ctx, c);
    return SMFIS_CONTINUE;
}

static unsigned max_conns; /* 0: no limit (mlfi_limits) */

/* fm_connect - remember the client; over max_connections: refused (temporary failure) */
static sfsistat fm_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    CONN *c = conn_of(ctx);
    if (c == NULL)
        c = conn_start(ctx);
    conn_connect(c, host, addr);
    unsigned live = conn_live();
    if (max_conns && live > max_conns) {
        metrics_count(METRICS_CONN_REFUSED, 1);
        log_warning("connection from %s refused: %u connections over max_connections %u", c->client,
                    live, max_conns);
        return SMFIS_TEMPFAIL;
    }
    return SMFIS_CONTINUE;
}

/* fm_helo - the HELO/EHLO name, kept for the quarantine store */
static sfsistat fm_helo(SMFICTX *ctx, char *helo)
{
    CONN *c = conn_of(ctx);
    if (c == NULL)
        return SMFIS_TEMPFAIL;
    conn_helo(c, helo);
    return SMFIS_CONTINUE;
}

/* fm_envfrom - a new transaction */
static sfsistat fm_envfrom(SMFICTX *ctx, char **argv)
{
    CONN *c = conn_of(ctx);
    if (c == NULL)
        return SMFIS_TEMPFAIL;
    conn_mail(c, argv[0], &mta_libmilter, ctx);
    return SMFIS_CONTINUE;
}

/* fm_envrcpt - one recipient */
static sfsistat fm_envrcpt(SMFICTX *ctx, char **argv)
{
    CONN *c = conn_of(ctx);
    if (c == NULL)
        return SMFIS_TEMPFAIL;
    conn_rcpt(c, argv[0]);
    return SMFIS_CONTINUE;
}

/* fm_header - one header */
static sfsistat fm_header(SMFICTX *ctx, char *name, char *value)
{
    CONN *c = conn_of(ctx);
    if (c == NULL)
        return SMFIS_TEMPFAIL;
    conn_header(c, name, value);
    return SMFIS_CONTINUE;
}

/* fm_eoh - end of the header */
static sfsistat fm_eoh(SMFICTX *ctx)
{
    CONN *c = conn_of(ctx);
    if (c == NULL)
        return SMFIS_TEMPFAIL;
    conn_eoh(c);
    return SMFIS_CONTINUE;
}

/* fm_body - one body chunk; SKIP the rest once past the size cap */
static sfsistat fm_body(SMFICTX *ctx, unsigned char *p, size_t n)
{
    CONN *c = conn_of(ctx);
    if (c == NULL)
        return SMFIS_TEMPFAIL;
    if (!conn_body(c, p, n) && c->skip)
        return SMFIS_SKIP;
    return SMFIS_CONTINUE;
}

/* fm_eom - analyse and act */
static sfsistat fm_eom(SMFICTX *ctx)
{
    CONN *c = conn_of(ctx);
    if (c == NULL)
        return SMFIS_TEMPFAIL;
    switch (conn_eom(c, &mta_libmilter, ctx)) {
    case ACT_REJECT:
        return SMFIS_REJECT;
    case ACT_TEMPFAIL:
        return SMFIS_TEMPFAIL;
    case ACT_DISCARD:
        return SMFIS_DISCARD;
    default:
        return SMFIS_CONTINUE;
    }
}

/* fm_abort - the transaction was dropped */
static sfsistat fm_abort(SMFICTX *ctx)
{
    CONN *c = conn_of(ctx);
    if (c)
        conn_end(c);
    return SMFIS_CONTINUE;
}

/* fm_close - the connection ended */
static sfsistat fm_close(SMFICTX *ctx)
{
    CONN *c = conn_of(ctx);
    uintptr_t tag = (uintptr_t)smfi_getpriv(ctx); /* already a tag when c is NULL */
    if (tag == 0) { /* never negotiated: idle until milter_timeout, or not an MTA */
        metrics_count(METRICS_CONN_DROPPED, 1);
        log_notice("connection closed before the MTA negotiated (idle or not a milter client)");
    }
    if (c)
        tag = PRIV_TAG | (c->leadspc ? PRIV_LEADSPC : 0) | (c->skip ? PRIV_SKIP : 0);
    conn_free(c);
    smfi_setpriv(ctx, (void *)tag);
    return SMFIS_CONTINUE;
}

/* mlfi_register - register the callback table with libmilter */
static int mlfi_register(void)
{
    static struct smfiDesc desc = {
        .xxfi_name = "fileless-milter",
        .xxfi_version = SMFI_VERSION,
        .xxfi_flags = WANT_ACTIONS,
        .xxfi_connect = fm_connect,
        .xxfi_helo = fm_helo,
        .xxfi_envfrom = fm_envfrom,
        .xxfi_envrcpt = fm_envrcpt,
        .xxfi_header = fm_header,
        .xxfi_eoh = fm_eoh,
        .xxfi_body = fm_body,
        .xxfi_eom = fm_eom,
        .xxfi_abort = fm_abort,
        .xxfi_close = fm_close,
        .xxfi_negotiate = fm_negotiate,
    };
    return smfi_register(desc) == MI_SUCCESS ? 0 : -1;
}

/* mlfi_limits - the read timeout and the connection limit (see mlfi.h) */
int mlfi_limits(int timeout_s, unsigned max_connections)
{
    max_conns = max_connections;
    return smfi_settimeout(timeout_s) == MI_SUCCESS ? 0 : -1;
}

/* mlfi_open - register and bind the socket (see mlfi.h) */
int mlfi_open(const char *spec)
{
    if (smfi_setconn((char *)spec) != MI_SUCCESS || mlfi_register() != 0)
        return -1;
    return smfi_opensocket(1) == MI_SUCCESS ? 0 : -1;
}

/* mlfi_main - serve connections until libmilter is told to stop (SIGTERM/SIGINT) */
int mlfi_main(void)
{
    return smfi_main() == MI_SUCCESS ? 0 : -1;
}
