/*
 * rulesdir - one effective rules directory from an ordered list of directories
 *
 * SYNOPSIS
 *   char *rulesdir_overlay(char *const *dirs, size_t n, const char *tmpbase, BUF *err);
 *   char *rulesdir_remove(char *overlay);
 *
 * DESCRIPTION
 *   `rules_dir` may name several directories, most specific first (a package sets
 *   `/etc/fileless-milter/rules, /usr/share/fileless-milter/rules`). The effective rules are
 *   the union of their files, file by file: a relative name (`scoring.conf`,
 *   `clamav/local.ndb`, `yara/office.yar`, `lists/ioc-sha256.txt`) is taken from the first
 *   directory that has it, so an admin overrides one shipped file by putting a file of the
 *   same name under /etc, and adds rules by adding files. Only regular files of the top level
 *   and of its first-level subdirectories count; names starting with '.' are ignored;
 *   directories that do not exist are skipped.
 *
 *   rulesdir_overlay builds that union as a private directory of symbolic links under
 *   tmpbase (mode 0700, created with mkdtemp) and returns its path (caller frees through
 *   rulesdir_remove), or NULL with the reason in err. The loaders then read one directory as
 *   before; the ruleset id hashes file names and bytes, not where they live, so an overlay
 *   and a copy of the same files have the same id. rulesdir_remove deletes the overlay's
 *   links and directories (never the files they point to) and frees the path; it accepts
 *   NULL and returns NULL.
 *
 * LIMITS
 *   RULESDIR_MAX_FILES files in all (a mistaken `rules_dir = /` fails instead of linking a
 *   whole tree).
 */
#ifndef FM_RULESDIR_H
#define FM_RULESDIR_H

#include <stddef.h>

#include "lib/buf.h"

#define RULESDIR_MAX_FILES 100000

char *rulesdir_overlay(char *const *dirs, size_t n, const char *tmpbase, BUF *err);
char *rulesdir_remove(char *overlay);

#endif
