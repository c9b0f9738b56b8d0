/*
 * core/config_int - the settings table shared by config.c (parser) and config_doc.c (-d and
 * the man page); not for other modules
 */
#ifndef FM_CONFIG_INT_H
#define FM_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

enum cfg_type { T_SECTION, T_STRING, T_INT, T_SIZE, T_DOUBLE, T_ENUM, T_FLAGS };

typedef struct CFG_ROW {
    const char *name; /* key, or section title for T_SECTION */
    enum cfg_type type;
    size_t offset;
    const char *def;
    double min, max;
    const char *const *names; /* T_ENUM / T_FLAGS tokens */
    const int *values;        /* T_ENUM values (index when NULL); T_FLAGS bit i */
    bool reloadable;
    const char *doc;
} CFG_ROW;

extern const CFG_ROW config_table[];
extern const size_t config_table_n;

#endif
