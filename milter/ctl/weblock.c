/*
 * weblock - failed-login records per client address and user name (see weblock.h)
 *
 * A flat table searched linearly: WEBLOCK_SLOTS is small and a login costs a crypt(3)
 * anyway. Keys are "a:ADDRESS" and "u:USER", cut at KEY_MAX bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/weblock.h"
#include "lib/xalloc.h"

#define KEY_MAX 160
#define FAILING 2 /* a client with this many failures is "failing" (user lock applies) */

typedef struct SLOT {
    char key[KEY_MAX];
    unsigned fails;
    time_t last;  /* last failure; 0: free slot */
    time_t until; /* locked until */
} SLOT;

struct WEBLOCK {
    SLOT v[WEBLOCK_SLOTS];
};

/* weblock_new - an empty table */
WEBLOCK *weblock_new(void)
{
    return xcalloc(1, sizeof(WEBLOCK));
}

/* weblock_free - release; returns NULL */
WEBLOCK *weblock_free(WEBLOCK *l)
{
    free(l);
    return NULL;
}

/* find - the live record of key, or NULL (records past WEBLOCK_FORGET are freed) */
static SLOT *find(WEBLOCK *l, const char *key, time_t now)
{
    for (size_t i = 0; i < WEBLOCK_SLOTS; i++) {
        SLOT *s = &l->v[i];
        if (s->last && now - s->last > WEBLOCK_FORGET)
            memset(s, 0, sizeof(*s));
        if (s->last && strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

/* take - the record of key, a new one in a free (or the oldest) slot when there is none */
static SLOT *take(WEBLOCK *l, const char *key, time_t now)
{
    SLOT *s = find(l, key, now);
    if (s)
        return s;
    s = &l->v[0];
    for (size_t i = 0; i < WEBLOCK_SLOTS && s->last; i++)
        if (l->v[i].last < s->last)
            s = &l->v[i];
    memset(s, 0, sizeof(*s));
    snprintf(s->key, sizeof(s->key), "%s", key);
    return s;
}

/* key - "a:peer" or "u:user" */
static void key(char out[KEY_MAX], char kind, const char *s)
{
    snprintf(out, KEY_MAX, "%c:%s", kind, s ? s : "");
}

/* weblock_wait - seconds before this client may try this user (see weblock.h) */
long weblock_wait(WEBLOCK *l, const char *peer, const char *user, time_t now)
{
    char k[KEY_MAX];
    key(k, 'a', peer);
    const SLOT *c = find(l, k, now);
    if (c && c->until > now)
        return (long)(c->until - now);
    key(k, 'u', user);
    const SLOT *u = find(l, k, now);
    if (u && u->until > now && c && c->fails >= FAILING)
        return (long)(u->until - now);
    return 0;
}

/* backoff - lock a record past its free failures: 2^(fails - 2) s, at most the maximum */
static void backoff(SLOT *s, unsigned free_fails, time_t now)
{
    s->fails++;
    s->last = now;
    if (s->fails < free_fails)
        return;
    unsigned e = s->fails - 2;
    long wait = e >= 10 ? WEBLOCK_MAX_WAIT : 1L << e;
    s->until = now + (wait < WEBLOCK_MAX_WAIT ? wait : WEBLOCK_MAX_WAIT);
}

/* weblock_failed - one more failure of this client and user name */
void weblock_failed(WEBLOCK *l, const char *peer, const char *user, time_t now)
{
    char k[KEY_MAX];
    key(k, 'a', peer);
    backoff(take(l, k, now), WEBLOCK_PEER_FREE, now);
    key(k, 'u', user);
    backoff(take(l, k, now), WEBLOCK_USER_FREE, now);
}

/* weblock_ok - a good login: the client's record goes */
void weblock_ok(WEBLOCK *l, const char *peer)
{
    char k[KEY_MAX];
    key(k, 'a', peer);
    for (size_t i = 0; i < WEBLOCK_SLOTS; i++)
        if (l->v[i].last && strcmp(l->v[i].key, k) == 0)
            memset(&l->v[i], 0, sizeof(l->v[i]));
}
