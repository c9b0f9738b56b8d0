/*
 * weblock - the review page's login lockout: per client network, per user name, and a
 *           budget for all failures together
 *
 * SYNOPSIS
 *   WEBLOCK *weblock_new(unsigned budget);          WEBLOCK *weblock_free(WEBLOCK *l);
 *   long weblock_wait(WEBLOCK *l, const char *peer, const char *user, time_t now);
 *   void weblock_failed(WEBLOCK *l, const char *peer, const char *user, time_t now);
 *   void weblock_ok(WEBLOCK *l, const char *peer);
 *
 * DESCRIPTION
 *   Failed logins are counted per client and per user name. A client is its IPv4
 *   address, or for IPv6 its /64 network (one host commonly holds a whole /64, so its
 *   addresses are one client; an IPv4-mapped IPv6 address is its IPv4 address). A client
 *   with WEBLOCK_PEER_FREE or more failures is locked for 2^(failures - 2) seconds (the
 *   backoff; at most WEBLOCK_MAX_WAIT); a user name with WEBLOCK_USER_FREE or more failures,
 *   from anywhere, is locked the same way, but only for clients that are failing
 *   themselves (2 or more failures): a correct password from a client that has not been
 *   failing is never refused, so nobody can lock the admins out from elsewhere.
 *   All failures, from anywhere, also count against the budget (web_login_failure_budget,
 *   weblock_new's argument; 0: none): once `budget` failures came with no pause of
 *   WEBLOCK_FORGET seconds, every login waits 2^(failures - budget) seconds (at most
 *   WEBLOCK_MAX_WAIT) after the last failure, whoever tries: a guesser spread over many
 *   networks is slowed down as a whole (fileless-ctl on the host still works).
 *   weblock_wait is 0 when a login may be tried, else the seconds to wait.
 *   weblock_failed records a failure, weblock_ok forgets the client's failures (not the
 *   user name's: a guesser elsewhere stays slowed down). A record is forgotten
 *   WEBLOCK_FORGET seconds after its last failure. At most WEBLOCK_SLOTS records are kept;
 *   when all are taken the oldest goes. Not thread-safe (web.c calls it from its one
 *   server thread).
 */
#ifndef FM_WEBLOCK_H
#define FM_WEBLOCK_H

#include <time.h>

#define WEBLOCK_SLOTS     1024
#define WEBLOCK_PEER_FREE 5   /* failures from one address before it waits */
#define WEBLOCK_USER_FREE 10  /* failures for one user name before failing clients wait */
#define WEBLOCK_MAX_WAIT  900 /* seconds */
#define WEBLOCK_FORGET    900 /* seconds after the last failure */

typedef struct WEBLOCK WEBLOCK;

WEBLOCK *weblock_new(unsigned budget);
WEBLOCK *weblock_free(WEBLOCK *l);
long weblock_wait(WEBLOCK *l, const char *peer, const char *user, time_t now);
void weblock_failed(WEBLOCK *l, const char *peer, const char *user, time_t now);
void weblock_ok(WEBLOCK *l, const char *peer);

#endif
