/*
 * cache/cache - part verdict cache, IOC hashes imported at run time, prevalence of attachments
 *
 * SYNOPSIS
 *   CACHE *cache_open(const CONFIG *c, BUF *err);     CACHE *cache_close(CACHE *c);
 *   void cache_set_default(CACHE *c);                 CACHE *cache_default(void);
 *   const char *cache_name(const CACHE *c);           void cache_stats(CACHE *c, CACHE_STATS *s);
 *   char *cache_part_key(const CACHE *c, const char *ruleset_id, const char *sha256);
 *   int cache_lookup(CACHE *c, CACHE_Q *q, size_t n, double budget_ms);
 *   int cache_store(CACHE *c, const CACHE_PUT *p, size_t np, const CACHE_SIGHT *s, size_t ns,
 *                   double budget_ms);
 *   IOCSET *cache_ioc_acquire(CACHE *c);              void cache_ioc_release(CACHE *c, IOCSET *s);
 *   int cache_ioc_import(CACHE *c, const IOCSET *s, BUF *err);
 *   int cache_ioc_remove(CACHE *c, const char *hash, BUF *err);
 *   int cache_where(CACHE *c, const char *hash, CACHE_PREV *out, BUF *err);
 *   int cache_flush(CACHE *c, const char *ruleset_id, size_t *deleted, BUF *err);
 *   int cache_info(CACHE *c, BUF *out, BUF *err);
 *   int cache_ioc_list(CACHE *c, IOCSET *into, BUF *err);   void cache_prev_clear(CACHE_PREV *p);
 *   void cache_count(CACHE *c, unsigned hits, unsigned misses, unsigned corrupt);
 *   double cache_timeout_ms(const CACHE *c);   double cache_now(void);
 *   int cache_value_decode(const void *p, size_t n, CACHE_VALUE *v, BUF *why);
 *   void cache_value_encode(const CACHE_VALUE *v, BUF *out);   (cache_value.c)
 *   bool cache_breaker_allow(CACHE_BREAKER *b, double now);
 *   int cache_pipeline(CACHE *c, CACHE_CMD *cmds, size_t n, double budget_ms);
 *   void cache_cmd_clear(CACHE_CMD *cmds, size_t n);   const char *cache_key_prefix(const CACHE
 * *c); void cache_breaker_result(CACHE_BREAKER *b, bool ok, double now);
 *
 * DESCRIPTION
 *   What is cached. The findings of one leaf part: every hit the engines and analysers
 *   made at the part's location or below it (archive members, OOXML parts, VBA, decoded
 *   layers), each with symbol, location relative to the part (">doc.js", "" for the part
 *   itself), detail, count and the weight the finding carries itself (a YARA score meta;
 *   other weights come from scoring.conf, which is part of the ruleset id); the URLs found
 *   inside the part's layers (heur_url runs at the end over all URLs of the message, so a
 *   hit must give them back: they are re-extracted from their raw text at the re-rooted
 *   place); and the SHA-256, SHA-1 and MD5 of every layer, so that IOC hashes imported
 *   after the value was stored still match layers of a part that is not scanned again.
 *   The key is `<prefix>:<schema>:<rules id>:part:<sha256 of the part>`, where the rules id
 *   (RULESET.rules_id) covers every rule file and the engine versions but not the official
 *   ClamAV databases (clamav_db_dir): new rules never meet old findings, and a freshclam
 *   update does not throw away what YARA and the analysers found. The value carries the
 *   databases' stamp instead (`db`). A value whose stamp is not the loaded one is a
 *   partial hit: every finding except the CLAMAV_* ones is restored, libclamav alone runs
 *   again over the part's bytes (no layer callbacks: no YARA, no analysers) for fresh
 *   CLAMAV_* findings, and the value is stored again with the new stamp (the report says
 *   `"cache": "partial"`; it counts as a hit). A value whose libclamav findings also came
 *   from buffers we unpacked ourselves (CACHE_V_INNER: RAR, TNEF, CHM, decrypted or
 *   password-opened members, emulator output) cannot be refreshed that way: it is a miss. A message
 * verdict is never cached (policy and thresholds change without changing the rules). URL verdicts
 * are not cached either: heur_url is pure and costs microseconds per URL, less than a Redis key per
 * URL would. A part that is a hit has no LAYER records in the report (its layers were not unpacked
 * this time); its layer hashes are in the value, for IOC matching.
 *
 *   What depends on more than the part's bytes, and what we do about it:
 *   - the part's filename, declared type and charset (file tricks, YARA's filename and
 *     extension variables) and the config limits the scan ran under (layers, decode
 *     depth, sizes): they are hashed into a context tag stored in the value; a value with
 *     another tag is a miss (the part is scanned and the value replaced);
 *   - passwords found in the message body open encrypted archives (`[pw]` locations,
 *     ARCHIVE_PASSWORD_FROM_BODY): a part holding any zip, 7z or rar (itself or a layer)
 *     is not stored when the message had candidate passwords, and when it is stored
 *     (no passwords) the value is marked so that a message WITH passwords treats it as a
 *     miss and scans it;
 *   - libclamav's layer deduplication across the parts of one message (a layer already
 *     seen in an earlier part is not analysed again), a layer or hit limit reached, an
 *     engine error or time-out, or any finding made outside the part's subtree during
 *     its scan: the part is not stored (its findings would be incomplete next time);
 *   - IOC_HASH and FIRST_SEEN are never stored: they are computed for every message.
 *
 *   Values are validated on read (cache_value_decode, a pure function over untrusted
 *   bytes; a fuzz target calls it): anything malformed, truncated, over CACHE_VALUE_MAX,
 *   of another schema or with out-of-range fields is a miss, logged once per key and
 *   counted as `corrupt`; it is then overwritten by the fresh scan.
 *
 *   Backends (const tables of function pointers, CACHE_BACKEND): `memory`, a bounded
 *   thread-safe LRU in the process (cache_memory.c, whose LRU functions are declared
 *   here for the unit tests), and `redis` (cache_redis.c, the
 *   only includer of hiredis.h). cache_open builds the backend named by `cache`
 *   (returns NULL with an empty err for `off`, NULL with a reason for a bad setting).
 *   The process-wide handle is set with cache_set_default (daemon and -t) and read by
 *   the scan with cache_default.
 *
 *   Failures. Every backend call of a message is bounded by redis_timeout in total
 *   (cache_msg.c hands the remaining budget down; the Redis backend sets its socket
 *   timeouts to it). A failed call trips the circuit breaker: for cache_breaker_seconds
 *   (doubling per consecutive failure up to 8 times) calls are skipped without touching
 *   the network, then one caller probes. cache_lookup returns -1 when skipped or failed:
 *   the message is scanned uncached and on_cache_error decides (default accept).
 *
 *   IOC hashes: the ruleset's rules/lists/ioc-*.txt (ioc.h) plus, with Redis, the hashes
 *   `fileless-ctl ioc import` put in `<prefix>:ioc`. Every lookup reads the IOC
 *   generation counter in the same round trip; when it changed, the imported set is
 *   fetched once and shared (cache_ioc_acquire returns a counted reference, or NULL).
 *
 *   Prevalence: per part SHA-256, first and last seen (Unix time), a count, its SHA-1
 *   and MD5 (also usable with `where`), and the last prevalence_messages sightings
 *   "ref TAB time TAB sender TAB recipients" (newest first). cache_lookup returns how
 *   often each part was seen (FIRST_SEEN); cache_store records the sightings.
 *
 *   cache_pipeline sends raw commands to a shared backend (Redis) in one round trip, within
 *   budget_ms and behind the breaker, and copies each reply into its CACHE_CMD (strings up
 *   to CACHE_VALUE_MAX); it returns -1 when c is NULL, the backend is not shared (memory),
 *   the breaker is open or the call failed. URL reputation (scan/urlrep.c) keeps DNS
 *   answers and URL prevalence with it under cache_key_prefix(c) ("fm").
 *
 * LIMITS
 *   CACHE_VALUE_MAX bytes per value (larger ones are neither stored nor read: Redis is
 *   read with GETRANGE up to that size); CACHE_VALUE_HITS / _URLS / _LAYERS entries.
 */
#ifndef FM_CACHE_H
#define FM_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/buf.h"
#include "core/config.h"
#include "core/ioc.h"

#define CACHE_SCHEMA        "2"
#define CACHE_MAGIC         "FMC2"
#define CACHE_VALUE_MAX     (1024 * 1024)
#define CACHE_VALUE_HITS    2000
#define CACHE_VALUE_URLS    5000
#define CACHE_VALUE_LAYERS  5000
#define CACHE_REL_MAX       2048
#define CACHE_BREAKER_SCALE 8

enum {
    CACHE_V_ARCHIVE = 1, /* value flag: a message password could open something */
    CACHE_V_INNER = 2    /* libclamav also ran on buffers we unpacked (RAR, TNEF, CHM,
                            decrypted, password-opened): a part-only rescan cannot refresh
                            its ClamAV findings */
};

typedef struct CACHE_HIT {
    char *symbol, *rel, *detail;
    unsigned count;
    bool has_preset;
    double preset;
} CACHE_HIT;

typedef struct CACHE_URL {
    char *rel; /* where, relative to the part's location */
    char *raw;
} CACHE_URL;

typedef struct CACHE_LHASH {
    char *rel;
    char sha256[65], sha1[41], md5[33];
} CACHE_LHASH;

typedef struct CACHE_VALUE {
    char ctx[17]; /* context tag, 16 hex digits */
    char db[17];  /* the official databases' stamp the ClamAV findings were made with
                     (core/clamdb.h: 16 hex digits, or "none") */
    unsigned flags;
    CACHE_HIT *hits;
    size_t nhits, caphits;
    CACHE_URL *urls;
    size_t nurls, capurls;
    CACHE_LHASH *layers;
    size_t nlayers, caplayers;
} CACHE_VALUE;

typedef struct CACHE_BREAKER {
    double open_until; /* seconds (monotonic); 0: closed */
    double base;       /* cache_breaker_seconds */
    unsigned fails;    /* consecutive failures */
    bool probing;      /* one caller is trying after the open period */
} CACHE_BREAKER;

typedef struct CACHE_STATS {
    unsigned long long lookups, hits, misses, corrupt, errors, skipped, stores, store_errors, trips;
} CACHE_STATS;

/* one part to look up: its value key and its hash for prevalence */
typedef struct CACHE_Q {
    char *key;          /* owned by the caller */
    const char *sha256; /* prevalence lookup, or NULL */
    unsigned char *val; /* out: value bytes (malloc'd) or NULL when absent */
    size_t len;
    bool bad;       /* out: the key holds something that is not a value (wrong type) */
    long long seen; /* out: times this hash was seen before (0: first time) */
} CACHE_Q;

typedef struct CACHE_PUT {
    const char *key;
    const void *val;
    size_t len;
    long long ttl; /* seconds */
} CACHE_PUT;

typedef struct CACHE_SIGHT {
    const char *sha256, *sha1, *md5;
    const char *entry; /* "ref\ttime\tsender\trecipients", sanitized */
    long long when;
} CACHE_SIGHT;

typedef struct CACHE_PREV {
    bool found;
    long long first, last, count;
    char sha256[65], sha1[41], md5[33];
    char **entries;
    size_t n;
} CACHE_PREV;

/* settings copied from the config when the handle is opened */
typedef struct CACHE_CONF {
    char *servers, *user, *password, *prefix;
    int db;
    int connect_ms, timeout_ms;
    size_t memory_entries, memory_bytes;
    size_t seen_max;
    long long seen_ttl;
} CACHE_CONF;

/* one command of cache_pipeline and its reply (URL reputation: scan/urlrep.c) */
#define CACHE_CMD_ARGS 16
enum { CACHE_R_NONE, CACHE_R_NIL, CACHE_R_INT, CACHE_R_STR, CACHE_R_ERR, CACHE_R_OTHER };
typedef struct CACHE_CMD {
    const char *argv[CACHE_CMD_ARGS]; /* owned by the caller */
    int argc;
    int type;      /* out: CACHE_R_* */
    long long num; /* out: an integer reply */
    char *str;     /* out: a string reply (malloc'd; cache_cmd_clear frees) */
} CACHE_CMD;

/* a backend: every function returns 0, or -1 with the reason in err */
typedef struct CACHE_BACKEND {
    const char *name;
    void *(*open)(const CACHE_CONF *cc, BUF *err);
    void (*close)(void *h);
    /* one round trip: values, prevalence counts and the IOC generation */
    int (*lookup)(void *h, CACHE_Q *q, size_t n, long long *ioc_gen, double budget_ms, BUF *err);
    int (*store)(void *h, const CACHE_PUT *p, size_t np, const CACHE_SIGHT *s, size_t ns,
                 double budget_ms, BUF *err);
    int (*ioc_fetch)(void *h, IOCSET *into, long long *gen, double budget_ms, BUF *err);
    int (*ioc_import)(void *h, const IOCSET *s, BUF *err);
    int (*ioc_remove)(void *h, const char *hash, BUF *err);
    int (*where)(void *h, const char *hash, CACHE_PREV *out, BUF *err);
    int (*flush)(void *h, const char *pattern, size_t *deleted, BUF *err);
    int (*info)(void *h, BUF *out, BUF *err);
    /* shared backends only (NULL for memory): commands pipelined in one round trip */
    int (*pipeline)(void *h, CACHE_CMD *cmds, size_t n, double budget_ms, BUF *err);
} CACHE_BACKEND;

extern const CACHE_BACKEND cache_memory_backend;
extern const CACHE_BACKEND cache_redis_backend;

typedef struct CACHE CACHE;

CACHE *cache_open(const CONFIG *c, BUF *err);
CACHE *cache_close(CACHE *c);
void cache_set_default(CACHE *c);
CACHE *cache_default(void);
const char *cache_name(const CACHE *c);
void cache_stats(CACHE *c, CACHE_STATS *s);
char *cache_part_key(const CACHE *c, const char *ruleset_id, const char *sha256);
int cache_lookup(CACHE *c, CACHE_Q *q, size_t n, double budget_ms);
int cache_store(CACHE *c, const CACHE_PUT *p, size_t np, const CACHE_SIGHT *s, size_t ns,
                double budget_ms);
IOCSET *cache_ioc_acquire(CACHE *c);
void cache_ioc_release(CACHE *c, IOCSET *s);
int cache_ioc_import(CACHE *c, const IOCSET *s, BUF *err);
int cache_ioc_remove(CACHE *c, const char *hash, BUF *err);
int cache_ioc_list(CACHE *c, IOCSET *into, BUF *err);
int cache_where(CACHE *c, const char *hash, CACHE_PREV *out, BUF *err);
void cache_prev_clear(CACHE_PREV *p);
int cache_flush(CACHE *c, const char *ruleset_id, size_t *deleted, BUF *err);
int cache_info(CACHE *c, BUF *out, BUF *err);
double cache_now(void);
double cache_timeout_ms(const CACHE *c);
void cache_count(CACHE *c, unsigned hits, unsigned misses, unsigned corrupt);
int cache_pipeline(CACHE *c, CACHE_CMD *cmds, size_t n, double budget_ms);
void cache_cmd_clear(CACHE_CMD *cmds, size_t n);
const char *cache_key_prefix(const CACHE *c);

bool cache_breaker_allow(CACHE_BREAKER *b, double now);
void cache_breaker_result(CACHE_BREAKER *b, bool ok, double now);

/* the memory backend's LRU (cache_memory.c), exposed for tests */
typedef struct CACHE_LRU CACHE_LRU;
CACHE_LRU *cache_memory_lru_new(size_t max_entries, size_t max_bytes);
CACHE_LRU *cache_memory_lru_free(CACHE_LRU *l);
bool cache_memory_lru_get(CACHE_LRU *l, const char *key, double now, unsigned char **val,
                          size_t *len);
void cache_memory_lru_put(CACHE_LRU *l, const char *key, const void *val, size_t len,
                          double expires);
bool cache_memory_lru_del(CACHE_LRU *l, const char *key);
size_t cache_memory_lru_count(CACHE_LRU *l, size_t *bytes);

void cache_value_init(CACHE_VALUE *v);
void cache_value_clear(CACHE_VALUE *v);
void cache_value_encode(const CACHE_VALUE *v, BUF *out);
int cache_value_decode(const void *p, size_t n, CACHE_VALUE *v, BUF *why);

#endif
