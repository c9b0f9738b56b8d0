/*
 * model/failure - the failure cause table and the functions that set causes
 * (contract in model/failure.h)
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "model/failure.h"

/* one row per MSG_ERR, in enum order: symbol (NULL: none), short name, a LIMIT_* cause */
static const struct {
    MSG_ERR e;
    const char *symbol, *name;
    bool limit;
} table[MSG_ERR_N] = {
    {MSG_ERR_SCANNER, "SCAN_ERROR", "scanner", false},
    {MSG_ERR_PARSE, "MIME_UNPARSEABLE", "parse", false},
    {MSG_ERR_LIMIT_MESSAGE_SIZE, "LIMIT_MESSAGE_SIZE", "message_size", true},
    {MSG_ERR_LIMIT_HEADER_BYTES, "LIMIT_HEADER_BYTES", "header_bytes", true},
    {MSG_ERR_LIMIT_HEADER_FIELD, "LIMIT_HEADER_FIELD", "header_field", true},
    {MSG_ERR_LIMIT_HEADER_LINES, "LIMIT_HEADER_LINES", "header_lines", true},
    {MSG_ERR_LIMIT_MIME_DEPTH, "LIMIT_MIME_DEPTH", "mime_depth", true},
    {MSG_ERR_LIMIT_PARTS, "LIMIT_PARTS", "parts", true},
    {MSG_ERR_LIMIT_PART_BYTES, "LIMIT_PART_BYTES", "part_bytes", true},
    {MSG_ERR_LIMIT_TOTAL_BYTES, "LIMIT_TOTAL_BYTES", "total_bytes", true},
    {MSG_ERR_LIMIT_URLS, "LIMIT_URLS", "urls", true},
    {MSG_ERR_LIMIT_LAYERS, "LIMIT_LAYERS", "layers", true},
    {MSG_ERR_LIMIT_DECODE_DEPTH, "LIMIT_DECODE_DEPTH", "decode_depth", true},
    {MSG_ERR_LIMIT_SCRIPT_DECODED, "LIMIT_SCRIPT_DECODED", "script_decoded", true},
    {MSG_ERR_LIMIT_CLAMAV_FILE_SIZE, "LIMIT_CLAMAV_FILE_SIZE", "clamav_file_size", true},
    {MSG_ERR_LIMIT_CLAMAV_SCAN_SIZE, "LIMIT_CLAMAV_SCAN_SIZE", "clamav_scan_size", true},
    {MSG_ERR_LIMIT_CLAMAV_RECURSION, "LIMIT_CLAMAV_RECURSION", "clamav_recursion", true},
    {MSG_ERR_LIMIT_CLAMAV_FILES, "LIMIT_CLAMAV_FILES", "clamav_files", true},
    {MSG_ERR_LIMIT_CLAMAV_SCAN_TIME, "LIMIT_CLAMAV_SCAN_TIME", "clamav_scan_time", true},
    {MSG_ERR_LIMIT_SCAN_TIME, "LIMIT_SCAN_TIME", "scan_time", true},
    {MSG_ERR_LIMIT_DECRYPT_ROUNDS, "LIMIT_DECRYPT_ROUNDS", "decrypt_rounds", true},
    {MSG_ERR_LIMIT_CHM_NOT_OPENED, "LIMIT_CHM_NOT_OPENED", "chm_not_opened", true},
    {MSG_ERR_LIMIT_ARCHIVE_MEMBERS, "LIMIT_ARCHIVE_MEMBERS", "archive_members", true},
    {MSG_ERR_LIMIT_WORK_BUDGET, "LIMIT_WORK_BUDGET", "work_budget", true},
    {MSG_ERR_ARCHIVE_UNREADABLE, "ARCHIVE_UNREADABLE", "archive_unreadable", false},
    {MSG_ERR_INTERNAL, NULL, "internal", false},
    {MSG_ERR_QUARANTINE, NULL, "quarantine", false},
    {MSG_ERR_CACHE, NULL, "cache", false},
};

/* valid - e names a row */
static bool valid(MSG_ERR e)
{
    return (unsigned)e < MSG_ERR_N;
}

/* failure_hit - set the cause and report its symbol (see model/failure.h) */
HIT *failure_hit(HITS *h, MSG_ERR e, const char *location, const char *fmt, ...)
{
    if (h == NULL || !valid(e) || table[e].symbol == NULL)
        return NULL;
    h->errs |= MSG_ERR_BIT(e);
    va_list ap;
    va_start(ap, fmt);
    HIT *x = hits_vadd(h, table[e].symbol, location, fmt, ap);
    va_end(ap);
    if (x)
        x->err = MSG_ERR_BIT(e);
    return x;
}

/* failure_set - a cause without a symbol */
void failure_set(HITS *h, MSG_ERR e)
{
    if (h && valid(e))
        h->errs |= MSG_ERR_BIT(e);
}

/* failure_restore - the cause a restored hit reports, from its symbol */
void failure_restore(HITS *h, HIT *x)
{
    if (h == NULL || x == NULL)
        return;
    for (size_t i = 0; i < MSG_ERR_N; i++) {
        if (table[i].symbol && strcmp(table[i].symbol, x->symbol) == 0) {
            x->err = MSG_ERR_BIT(table[i].e);
            h->errs |= x->err;
            return;
        }
    }
}

/* failure_symbol - the symbol of a cause, or NULL */
const char *failure_symbol(MSG_ERR e)
{
    return valid(e) ? table[e].symbol : NULL;
}

/* failure_name - the short name of a cause ("?" for none) */
const char *failure_name(MSG_ERR e)
{
    return valid(e) ? table[e].name : "?";
}

/* failure_is_limit - a LIMIT_* cause */
bool failure_is_limit(MSG_ERR e)
{
    return valid(e) && table[e].limit;
}

/* failure_limits - every LIMIT_* cause */
MSG_ERRS failure_limits(void)
{
    MSG_ERRS s = 0;
    for (size_t i = 0; i < MSG_ERR_N; i++)
        if (table[i].limit)
            s |= MSG_ERR_BIT(table[i].e);
    return s;
}
