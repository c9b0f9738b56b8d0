/*
 * core/config_int - the configuration table's row type, shared by config.c (the table and
 * its parser) and config_dump.c (-d and the man page); not for other modules
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

const CFG_ROW *config_rows(size_t *n);

#endif
