/*
 * model/cap - the capability table (see model/cap.h)
 */
#include <string.h>

#include "model/cap.h"

static const struct {
    const char *name;
    CAP_SET bit;
} table[CAP_COUNT] = {
    {"DOWNLOAD", CAP_DOWNLOAD},
    {"EXECUTE", CAP_EXECUTE},
    {"PERSIST", CAP_PERSIST},
    {"REGISTRY_WRITE", CAP_REGISTRY_WRITE},
    {"REGISTRY_PAYLOAD", CAP_REGISTRY_PAYLOAD},
    {"DECODE", CAP_DECODE},
    {"IN_MEMORY", CAP_IN_MEMORY},
    {"WRITE_FILE", CAP_WRITE_FILE},
    {"EVASION", CAP_EVASION},
    {"AUTOEXEC", CAP_AUTOEXEC},
    {"LURE", CAP_LURE},
};

/* cap_from_name - the bit of one capability name */
bool cap_from_name(const char *name, CAP_SET *bit)
{
    for (int i = 0; i < CAP_COUNT; i++)
        if (strcmp(table[i].name, name) == 0) {
            *bit = table[i].bit;
            return true;
        }
    return false;
}

/* cap_name - the name of one bit, or "?" */
const char *cap_name(CAP_SET bit)
{
    for (int i = 0; i < CAP_COUNT; i++)
        if (table[i].bit == bit)
            return table[i].name;
    return "?";
}

/* cap_parse - "A,B,C" into a set; 0 with the reason in why */
CAP_SET cap_parse(const char *list, BUF *why)
{
    CAP_SET set = 0;
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        char name[32];
        CAP_SET bit;
        if (n == 0 || n >= sizeof(name)) {
            buf_printf(why, "bad capability list '%s'", list);
            return 0;
        }
        memcpy(name, p, n);
        name[n] = 0;
        if (!cap_from_name(name, &bit)) {
            buf_printf(why, "unknown capability '%s'", name);
            return 0;
        }
        set |= bit;
        p += n;
        if (*p == ',')
            p++;
    }
    if (set == 0)
        buf_printf(why, "empty capability list");
    return set;
}

/* cap_format - append "A,B" for a set, in table order */
void cap_format(CAP_SET set, BUF *out)
{
    bool first = true;
    for (int i = 0; i < CAP_COUNT; i++)
        if (set & table[i].bit) {
            buf_printf(out, "%s%s", first ? "" : ",", table[i].name);
            first = false;
        }
}
