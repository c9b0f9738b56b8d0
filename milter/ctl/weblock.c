/*
 * weblock - failed-login records per client network and user name, and the global
 * failure budget (see weblock.h)
 *
 * A flat table searched linearly: WEBLOCK_SLOTS is small and a login costs a crypt(3)
 * anyway. Keys are "a:ADDRESS" (IPv4, or "a:PREFIX::/64" for IPv6) and "u:USER", cut at
 * KEY_MAX bytes; the budget is one more record outside the table.
 */
#include <arpa/inet.h>
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
    SLOT all;        /* every failure (the budget) */
    unsigned budget; /* 0: no budget */
};

/* weblock_new - an empty table */
WEBLOCK *weblock_new(unsigned budget)
{
    WEBLOCK *l = xcalloc(1, sizeof(WEBLOCK));
    l->budget = budget;
    return l;
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

/* peer_key - "a:" and the client: an IPv4 address, or an IPv6 address's /64 */
static void peer_key(char out[KEY_MAX], const char *peer)
{
    unsigned char a[16];
    char text[INET6_ADDRSTRLEN];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (peer == NULL || inet_pton(AF_INET6, peer, a) != 1) {
        key(out, 'a', peer);
    } else if (memcmp(a, mapped, sizeof(mapped)) == 0) {
        inet_ntop(AF_INET, a + 12, text, sizeof(text));
        key(out, 'a', text);
    } else {
        memset(a + 8, 0, 8);
        inet_ntop(AF_INET6, a, text, sizeof(text));
        snprintf(out, KEY_MAX, "a:%s/64", text);
    }
}

/* weblock_wait - seconds before this client may try this user (see weblock.h) */
long weblock_wait(WEBLOCK *l, const char *peer, const char *user, time_t now)
{
    if (l->budget && l->all.last && now - l->all.last > WEBLOCK_FORGET)
        memset(&l->all, 0, sizeof(l->all));
    if (l->budget && l->all.until > now)
        return (long)(l->all.until - now);
    char k[KEY_MAX];
    peer_key(k, peer);
    const SLOT *c = find(l, k, now);
    if (c && c->until > now)
        return (long)(c->until - now);
    key(k, 'u', user);
    const SLOT *u = find(l, k, now);
    if (u && u->until > now && c && c->fails >= FAILING)
        return (long)(u->until - now);
    return 0;
}

/* backoff - lock a record past its free failures: 2^(fails - base) s, at most the maximum */
static void backoff(SLOT *s, unsigned free_fails, unsigned base, time_t now)
{
    s->fails++;
    s->last = now;
    if (s->fails < free_fails)
        return;
    unsigned e = s->fails - base;
    long wait = e >= 10 ? WEBLOCK_MAX_WAIT : 1L << e;
    s->until = now + (wait < WEBLOCK_MAX_WAIT ? wait : WEBLOCK_MAX_WAIT);
}

/* weblock_failed - one more failure of this client and user name */
void weblock_failed(WEBLOCK *l, const char *peer, const char *user, time_t now)
{
    char k[KEY_MAX];
    peer_key(k, peer);
    backoff(take(l, k, now), WEBLOCK_PEER_FREE, 2, now);
    key(k, 'u', user);
    backoff(take(l, k, now), WEBLOCK_USER_FREE, 2, now);
    if (l->budget && l->all.last && now - l->all.last > WEBLOCK_FORGET)
        memset(&l->all, 0, sizeof(l->all));
    if (l->budget)
        backoff(&l->all, l->budget, l->budget, now);
}

/* weblock_ok - a good login: the client's record goes */
void weblock_ok(WEBLOCK *l, const char *peer)
{
    char k[KEY_MAX];
    peer_key(k, peer);
    for (size_t i = 0; i < WEBLOCK_SLOTS; i++)
        if (l->v[i].last && strcmp(l->v[i].key, k) == 0)
            memset(&l->v[i], 0, sizeof(l->v[i]));
}
