/*
 * core/config - the one configuration table: parser, defaults, checks and documentation
 *
 * SYNOPSIS
 *   CONFIG *config_new(void);             CONFIG *config_free(CONFIG *c);
 *   int config_load(CONFIG *c, const char *path, BUF *err);
 *   int config_load_stream(CONFIG *c, FILE *f, const char *path, BUF *err);
 *   void config_dump(FILE *out);          void config_dump_man(FILE *out);
 *   const char *config_default_path(void);
 *   char *config_resolve(const CONFIG *c, const char *path);
 *   int config_socket_mode(const CONFIG *c);
 *   CONFIG *config_dup(const CONFIG *c);
 *   int config_set(CONFIG *c, const char *key, const char *value, BUF *why);
 *
 * DESCRIPTION
 *   config_table (config.c) has one row per key: name, type, default, bounds, whether a
 *   reload (SIGHUP) may change it, and a one-line doc. Everything else derives from it:
 *   config_new fills a CONFIG with the defaults; config_load parses a `key = value` file
 *   (blank lines and lines starting with `#` ignored; values may be quoted with "...";
 *   sizes take K/M/G suffixes; durations take ms/s/m suffixes) and validates every value;
 *   config_dump prints every key with its doc and default in milter.conf form (`-d`; the
 *   shipped milter.conf is exactly this output, and a test checks it); config_dump_man
 *   prints the same as roff for milter.conf(5).
 *
 *   config_load returns 0, or -1 with one message in `err` of the form
 *   `FILE:LINE: unknown key 'scan_size_mx'` (also for bad and out-of-range values and
 *   duplicate keys); the CONFIG then holds a partial load and must be freed.
 *   Cross-key checks (tag <= quarantine <= reject thresholds) run after the last line.
 *
 *   config_load_stream does the same over an open stream (path names it in messages and
 *   becomes c->path; the stream is not closed): the fuzz target feeds it memory.
 *
 *   config_socket_mode returns socket_mode as a number (-1 when it is not octal; load
 *   rejects that). reject_text and tempfail_text are checked at load: printable, at most
 *   400 bytes, at most one %s and no other %. cache_prefix is checked at load: letters,
 *   digits, '_', '-' and '.' only (it is part of every Redis key and SCAN pattern).
 *
 *   config_dup copies a CONFIG (the policy file derives one per policy); config_set parses
 *   one value for one key as a file line would (0, or -1 with the reason in why; no
 *   cross-key check).
 *
 *   config_default_path returns ./milter.conf when it exists, else
 *   /etc/fileless-milter/milter.conf. config_resolve turns a relative path from the config
 *   (rules_dir) into one relative to the config file's directory (caller frees).
 */
#ifndef FM_CONFIG_H
#define FM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/buf.h"

enum cfg_mode { CFG_MODE_ENFORCE, CFG_MODE_TAG_ONLY, CFG_MODE_OFF };
/* failure policy and actions, in increasing strength */
enum cfg_policy {
    CFG_POL_ACCEPT,
    CFG_POL_TAG,
    CFG_POL_TEMPFAIL,
    CFG_POL_QUARANTINE,
    CFG_POL_REJECT
};
enum cfg_cache { CFG_CACHE_OFF, CFG_CACHE_MEMORY, CFG_CACHE_REDIS };
/* quarantine_action; auto: hold without a quarantine_dir, discard (after storing) with one */
enum cfg_qaction { CFG_QA_HOLD, CFG_QA_REJECT, CFG_QA_DISCARD, CFG_QA_AUTO };
enum log_level_cfg { CFG_LOG_ERROR, CFG_LOG_WARNING, CFG_LOG_NOTICE, CFG_LOG_INFO, CFG_LOG_DEBUG };

typedef struct CONFIG {
    char *path; /* the file loaded, or NULL for defaults only */
    /* logging */
    int log_level;
    unsigned log_debug;
    int syslog_facility;
    /* rules and verdict */
    char *rules_dir;
    double tag_threshold;
    double quarantine_threshold;
    double reject_threshold;
    int block_extensions; /* 1: names scored as separate findings (policy/chain.h) */
    double capability_alone_max;
    double mention_max;
    char *policy_file; /* empty: RULES/policy.conf when it exists (policy/policyset.h) */
    /* limits */
    int64_t max_message_size;
    int64_t max_header_bytes;
    int64_t max_header_field_bytes;
    int64_t max_header_lines;
    int64_t max_header_lines_total;
    int64_t max_mime_depth;
    int64_t max_parts;
    int64_t max_part_bytes;
    int64_t max_total_bytes;
    int64_t max_urls;
    int64_t max_layers;
    int64_t max_passwords;
    int64_t max_decode_depth;
    int64_t max_decoded_bytes;
    int64_t min_base64_len;
    int64_t max_work_cpu;
    int64_t max_work_bytes;
    int64_t bomb_min_ratio;
    int64_t bomb_min_repeats;
    int64_t bomb_min_depth;
    int64_t office_decrypt_max_rounds;
    /* engines */
    char *yara_extra_dirs;
    int64_t yara_timeout; /* s */
    int64_t clamav_max_file_size;
    int64_t clamav_max_scan_size;
    int64_t clamav_max_recursion;
    int64_t clamav_max_files;
    int64_t clamav_max_scan_time;
    char *clamav_tmpdir;
    char *clamav_db_dir;     /* official databases: a path, auto or empty (core/clamdb.h) */
    int64_t clamav_db_check; /* seconds between update checks of clamav_db_dir; 0: never */
    int emulate;             /* 0 off, 1 on */
    int64_t emulate_ms;
    int64_t emulate_memory;
    int64_t emulate_workers;
    char *emulate_helper;
    char *unpack_7z_helper;
    char *unpack_rar_helper;
    int64_t unpack_helper_ms;
    int64_t unpack_helper_memory;
    /* milter */
    char *socket;
    char *socket_mode; /* octal text; config_socket_mode gives the number */
    char *pidfile;
    char *user;
    int mode;
    int on_scanner_error, on_parse_error, on_oversize, on_timeout, on_internal_error;
    int on_limit;
    int quarantine_action;
    unsigned discard_verdicts;         /* bit v-1 for VERDICT v (tag, quarantine, reject) */
    char *reject_text, *tempfail_text; /* printable, at most one %s (checked at load) */
    char *header_prefix;
    int64_t milter_timeout;
    int64_t max_connections;
    int64_t max_spoofed_headers;
    char *subject_tag;
    int64_t scan_timeout, progress_interval; /* ms */
    int64_t scan_workers;                    /* concurrent analyses, 0: one per core */
    char *metrics_listen;
    int64_t spool_memory_max;
    /* quarantine store and review */
    char *quarantine_dir; /* empty: the MTA's hold queue only */
    int64_t quarantine_max_bytes;
    int64_t quarantine_days;
    int on_quarantine_error;
    int quarantine_rejects; /* 1: rejected messages are stored too */
    char *release_relay;    /* HOST:PORT or the path of a sendmail binary */
    char *release_secret, *release_secret_file;
    int64_t release_max_age_days;
    char *audit_log; /* empty: QUARANTINE_DIR/audit.log */
    char *web_listen;
    char *web_users;
    int web_secure_cookie; /* 0 no, 1 yes */
    int64_t web_session_minutes;
    int64_t web_login_failure_budget;
    /* URL reputation (scan/urlrep.h) */
    char *uribl_zones, *uribl_allow_domains, *dns_server;
    int64_t dns_timeout, dns_max_queries, dns_cache_ttl, dns_cache_entries, url_unwrap_depth;
    int64_t url_prevalence_window, url_burst_senders, url_prevalence_max;
    /* cache */
    int cache; /* enum cfg_cache */
    char *redis, *redis_user, *redis_password, *cache_prefix;
    int64_t redis_db, redis_connect_timeout, redis_timeout, cache_breaker_seconds;
    int64_t cache_ttl_clean, cache_ttl_malicious, cache_memory_entries, cache_memory_bytes;
    int64_t prevalence_messages, prevalence_ttl;
    int on_cache_error;
} CONFIG;

CONFIG *config_new(void);
CONFIG *config_free(CONFIG *c);
int config_load(CONFIG *c, const char *path, BUF *err);
int config_load_stream(CONFIG *c, FILE *f, const char *path, BUF *err);
void config_dump(FILE *out);
void config_dump_man(FILE *out);
const char *config_default_path(void);
char *config_resolve(const CONFIG *c, const char *path);
int config_socket_mode(const CONFIG *c);
CONFIG *config_dup(const CONFIG *c);
int config_set(CONFIG *c, const char *key, const char *value, BUF *why);

#endif
