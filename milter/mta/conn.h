/*
 * mta/conn - the state of one MTA connection and of its current transaction (milter stages)
 *
 * SYNOPSIS
 *   CONN *conn_new(bool leadspc);                   CONN *conn_free(CONN *c);
 *   void conn_connect(CONN *c, const char *name, const struct sockaddr *addr);
 *   void conn_helo(CONN *c, const char *helo);
 *   void conn_mail(CONN *c, const char *from, const MTA_OPS *ops, void *ctx);
 *   void conn_rcpt(CONN *c, const char *rcpt);
 *   void conn_header(CONN *c, const char *name, const char *value);
 *   void conn_eoh(CONN *c);
 *   bool conn_body(CONN *c, const void *p, size_t n);
 *   ACT_STATUS conn_eom(CONN *c, const MTA_OPS *ops, void *ctx);
 *   void conn_end(CONN *c);
 *   unsigned conn_live(void);
 *
 * DESCRIPTION
 *   One CONN per milter connection (mlfi.c keeps it with smfi_setpriv; libmilter runs
 *   the callbacks of one connection one at a time, possibly on different threads).
 *   conn_mail starts a transaction: it ends any previous one, takes a reference to the current
 *   ruleset (so a reload applies from the next message), draws the reference id and reads the
 *   macros {i} and {auth_authen} through ops; conn_rcpt keeps every recipient exactly as given
 *   (for the quarantine store; at most QMETA_MAX_RCPT, each cut at 1000 bytes) and a sanitized
 *   list for the log. conn_header re-assembles "Name: value\r\n" into the spool (with `leadspc`
 *   the value keeps its own leading space) and remembers inbound PREFIX-* headers (name and
 *   1-based index per name) and the first Subject and the first PREFIX-Release header; conn_eoh
 *   adds the empty line; conn_body appends a chunk and returns false once the message is past
 *   max_message_size (nothing more is stored). conn_eom analyses the spooled message, checks a
 *   release header (store/release.h: a valid one is kept, every other inbound PREFIX-* header is
 *   removed), plans the actions; when the plan says so it stores the message in the quarantine
 *   store first (store/quarantine.h: raw bytes, envelope, HELO, verdict and hits) and, when that
 *   fails (disk full, store over its cap, a message too large to keep whole), plans again with
 *   ACT_F_QUARANTINE (on_quarantine_error); then it applies the actions through ops, logs one
 *   line (ref qid client from rcpts size verdict score action hits cache=HITS/MISSES[/error] ms
 *   ms_scan; a cache error sets ACT_F_CACHE: on_cache_error) and returns the status; the
 *   transaction ends. conn_end drops a transaction (abort). Spool failures do not stop the
 *   transaction: conn_eom applies on_internal_error.
 *   Policies: conn_rcpt selects each recipient's policy (policyset_select: recipient, envelope
 *   sender, {auth_authen}, client address) and groups the recipients by policy. conn_eom
 *   scores the message once per group's policy (analyse_verdict), plans each, and lets
 *   policy/split.h decide which plan the message gets and which groups' recipients are
 *   removed (their copy is stored in the quarantine first when a store is configured and
 *   their action is reject or a stored quarantine; when that store fails the removed group's
 *   own action applies to the whole message instead). When every recipient's policy says
 *   `scan = no` the message is not scanned at all. The log line names the policy applied
 *   (policy=NAME) and a second line names removed recipients.
 *   conn_live counts the CONNs not yet freed (thread-safe): the daemon waits for them
 *   after smfi_main returns, because libmilter's worker pool may still be serving them.
 */
#ifndef FM_CONN_H
#define FM_CONN_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include "policy/action.h"
#include "lib/buf.h"
#include "mta/mta.h"
#include "core/ruleset.h"
#include "mta/spool.h"

typedef struct CONN {
    bool leadspc; /* SMFIP_HDR_LEADSPC negotiated */
    bool skip;    /* SMFIP_SKIP negotiated (set by mlfi.c) */
    char *client; /* "name[addr]", sanitized */
    char *helo;   /* as the client said it (capped), or NULL */
    /* the transaction; rs == NULL when there is none */
    RULESET *rs;
    SPOOL *spool;
    char ref[17];
    char *qid, *from, *auth;
    char *from_raw; /* the envelope sender exactly as the MTA gave it */
    BUF *rcpts;     /* sanitized, for the log line */
    size_t nrcpt;
    char **rcptv; /* every recipient as given (at most QMETA_MAX_RCPT) */
    size_t nrcptv;
    char *release; /* the first PREFIX-Release header value, or NULL */
    ACT_HDR *inbound;
    size_t ninbound, capinbound;
    size_t nprefixed; /* inbound PREFIX-* headers, all of them */
    char *subject;
    double t0;
    /* policies (policy/policyset.h): the client address, and the recipients' groups */
    POLICY_IP client_ip;
    const POLICY **gpol; /* one per distinct policy among the recipients (the rs's) */
    size_t ngroup;
    bool *gover;      /* the group has a recipient past QMETA_MAX_RCPT (cannot be named) */
    unsigned *rgroup; /* the group of each rcptv entry */
} CONN;

CONN *conn_new(bool leadspc);
CONN *conn_free(CONN *c);
void conn_connect(CONN *c, const char *name, const struct sockaddr *addr);
void conn_helo(CONN *c, const char *helo);
void conn_mail(CONN *c, const char *from, const MTA_OPS *ops, void *ctx);
void conn_rcpt(CONN *c, const char *rcpt);
void conn_header(CONN *c, const char *name, const char *value);
void conn_eoh(CONN *c);
bool conn_body(CONN *c, const void *p, size_t n);
ACT_STATUS conn_eom(CONN *c, const MTA_OPS *ops, void *ctx);
void conn_end(CONN *c);
unsigned conn_live(void);
#endif
