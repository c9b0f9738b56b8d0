/*
 * heur/lnk - Windows shell link (.lnk) parser (lnk_parse.c), and the analysis of its command line
 * (lnk.c)
 *
 * SYNOPSIS
 *   LNK *lnk_parse(const unsigned char *p, size_t n);   LNK *lnk_free(LNK *l);
 *   void heur_lnk(HEUR_CTX *c, const unsigned char *p, size_t n);
 *
 * DESCRIPTION
 *   lnk_parse reads the [MS-SHLLINK] structure: header, LinkTargetIDList (the target
 *   path from the shell item IDs where it can), LinkInfo (local base path, network
 *   share), StringData (name, relative path, working dir, command-line arguments, icon
 *   location; Unicode or ANSI per the header flags) and the environment-variables block.
 *   Every offset and size is checked against n; a truncated or inconsistent file yields
 *   what could be read and sets `truncated`. Strings are UTF-8.
 *
 *   heur_lnk parses and then scores the command line (target + arguments) like a script
 *   (heur_script with lang "lnk" and heur_registry): cmd /c, powershell, mshta in a
 *   shortcut are strong signals; LNK_* symbols at c->location.
 */
#ifndef FM_LNK_H
#define FM_LNK_H

#include <stdbool.h>
#include <stddef.h>

#include "heur/heur.h"

typedef struct LNK {
    char *target;    /* best target path (LinkInfo local base path, else ID list) */
    char *arguments; /* COMMAND_LINE_ARGUMENTS */
    char *working_dir;
    char *relative_path;
    char *name; /* NAME_STRING (description) */
    char *icon_location;
    char *env_target; /* EnvironmentVariableDataBlock target */
    char *network_share;
    char *idlist_path; /* the path joined from the LinkTargetIDList, "" when none */
    int icon_index;    /* header IconIndex */
    unsigned flags;    /* LinkFlags */
    int show_command;  /* 1 normal, 3 maximized, 7 minimized (hidden windows) */
    bool truncated;
} LNK;

LNK *lnk_parse(const unsigned char *p, size_t n);
LNK *lnk_free(LNK *l);
void heur_lnk(HEUR_CTX *c, const unsigned char *p, size_t n);

#endif
