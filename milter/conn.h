/*
 * conn - the state of one MTA connection and of its current transaction (milter stages)
 *
 * SYNOPSIS
 *   CONN *conn_new(bool leadspc);                   CONN *conn_free(CONN *c);
 *   void conn_connect(CONN *c, const char *name, const struct sockaddr *addr);
 *   void conn_mail(CONN *c, const char *from, const MTA_OPS *ops, void *ctx);
 *   void conn_rcpt(CONN *c, const char *rcpt);
 *   void conn_header(CONN *c, const char *name, const char *value);
 *   void conn_eoh(CONN *c);
 *   bool conn_body(CONN *c, const void *p, size_t n);
 *   ACT_STATUS conn_eom(CONN *c, const MTA_OPS *ops, void *ctx);
 *   void conn_end(CONN *c);
 *   size_t conn_wait_idle(long ms);
 *
 * DESCRIPTION
 *   One CONN per milter connection (mlfi.c keeps it with smfi_setpriv; libmilter runs
 *   the callbacks of one connection one at a time, possibly on different threads).
 *   conn_mail starts a transaction: it ends any previous one, takes a reference to the
 *   current ruleset (so a reload applies from the next message), draws the reference id
 *   and reads the macros {i} and {auth_authen} through ops. conn_header re-assembles
 *   "Name: value\r\n" into the spool (with `leadspc` the value keeps its own leading
 *   space) and remembers inbound PREFIX-* headers (name and 1-based index per name) and
 *   the first Subject; conn_eoh adds the empty line; conn_body appends a chunk and
 *   returns false once the message is past max_message_size (nothing more is stored).
 *   conn_eom analyses the spooled message, plans and applies the actions through ops,
 *   logs one line (ref qid client from rcpts size verdict score action hits ms) and
 *   returns the status; the transaction ends. conn_end drops a transaction (abort).
 *   Spool failures do not stop the transaction: conn_eom applies on_internal_error.
 *   conn_wait_idle waits (at most ms) until no thread is inside conn_eom and returns how
 *   many still are: the daemon calls it before exiting, because smfi_main returns at a
 *   stop without waiting for callbacks in flight, and exit handlers (OpenSSL's) would
 *   free what a running scan uses.
 */
#ifndef FM_CONN_H
#define FM_CONN_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include "action.h"
#include "buf.h"
#include "mta.h"
#include "ruleset.h"
#include "spool.h"

typedef struct CONN {
    bool leadspc; /* SMFIP_HDR_LEADSPC negotiated */
    bool skip;    /* SMFIP_SKIP negotiated (set by mlfi.c) */
    char *client; /* "name[addr]", sanitized */
    /* the transaction; rs == NULL when there is none */
    RULESET *rs;
    SPOOL *spool;
    char ref[17];
    char *qid, *from, *auth;
    BUF *rcpts;
    size_t nrcpt;
    ACT_HDR *inbound;
    size_t ninbound, capinbound;
    char *subject;
    double t0;
} CONN;

CONN *conn_new(bool leadspc);
CONN *conn_free(CONN *c);
void conn_connect(CONN *c, const char *name, const struct sockaddr *addr);
void conn_mail(CONN *c, const char *from, const MTA_OPS *ops, void *ctx);
void conn_rcpt(CONN *c, const char *rcpt);
void conn_header(CONN *c, const char *name, const char *value);
void conn_eoh(CONN *c);
bool conn_body(CONN *c, const void *p, size_t n);
ACT_STATUS conn_eom(CONN *c, const MTA_OPS *ops, void *ctx);
void conn_end(CONN *c);
size_t conn_wait_idle(long ms);
#endif
