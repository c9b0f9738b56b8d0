/*
 * scan/layername - names and locations of the layers libclamav hands out (see layername.h)
 */
#include <stdbool.h>
#include <string.h>

#include "lib/buf.h"
#include "lib/str.h"
#include "lib/xalloc.h"
#include "scan/layername.h"

/* layername_is_ole2_hashed - libclamav's OLE2 temp name: 32 lower-case hex digits, "_", digits */
bool layername_is_ole2_hashed(const char *s)
{
    for (int i = 0; i < 32; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    if (s[32] != '_' || s[33] == '\0')
        return false;
    for (const char *p = s + 33; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/* layername_is_engine - a name libclamav made up (temp file, hashed OLE2 stream, "unknown") */
bool layername_is_engine(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t n = strlen(base);
    if (n == 0 || strcmp(base, "unknown") == 0)
        return true;
    if (n > 11 && strncmp(base, "clamav-", 7) == 0 && strcmp(base + n - 4, ".tmp") == 0)
        return true;
    return layername_is_ole2_hashed(base);
}

/* layername_type - "CL_TYPE_MSEXE" -> "msexe" (allocated) */
char *layername_type(const char *type)
{
    if (type == NULL)
        return xstrdup("unknown");
    char *t = xstrdup(strncmp(type, "CL_TYPE_", 8) == 0 ? type + 8 : type);
    str_lower(t);
    return t;
}

/* layername_anon - "(type)" for a layer without a real name; OLE2 data streams say so */
char *layername_anon(const char *file_name, const char *etype)
{
    if (file_name && layername_is_ole2_hashed(file_name) &&
        (strcmp(etype, "binary_data") == 0 || strncmp(etype, "text_", 5) == 0))
        return xstrdup("(ole2-stream)");
    return xasprintf("(%s)", etype);
}

/* layername_child - parent ">" name, name sanitized, the whole cut at LAYERNAME_LOC_MAX bytes */
char *layername_child(const char *parent, const char *name, bool sanitize)
{
    BUF *b = buf_new(strlen(parent) + 64);
    buf_puts(b, parent);
    buf_putc(b, '>');
    if (sanitize)
        str_sanitize(b, name, strlen(name), LAYERNAME_NAME_MAX);
    else
        buf_puts(b, name);
    if (b->len > LAYERNAME_LOC_MAX) {
        size_t cut = LAYERNAME_LOC_MAX - 3;
        while (cut > 0 && ((unsigned char)b->data[cut] & 0xc0) == 0x80)
            cut--; /* never split a UTF-8 sequence */
        buf_truncate(b, cut);
        buf_puts(b, "...");
    }
    char *s = buf_steal(b, NULL);
    buf_free(b);
    return s;
}
