/*
 * policy/symcheck - symbols in scoring.conf that no part of the code can report
 *
 * SYNOPSIS
 *   size_t symcheck_unknown(const SCORES *s, BUF *out);
 *
 * DESCRIPTION
 *   A misspelled symbol in scoring.conf (`VBA_AUTOEXCE 20 -`) would silently weigh nothing.
 *   symcheck_unknown appends the names, space-separated, of every entry of s that is not a symbol
 * the code emits (the table symbols_known[], generated at build time from the string literals of
 *   milter/: see the Makefile), not a family (`PREFIX*`), not a chain (an entry with
 *   `=GROUP+GROUP`, which scoring.conf itself defines) and not a dynamic name (CLAMAV_*,
 *   YARA_*); it returns how many. `-n` fails on any; a load logs them as warnings.
 */
#ifndef FM_SYMCHECK_H
#define FM_SYMCHECK_H

#include <stddef.h>

#include "lib/buf.h"
#include "policy/score.h"

extern const char *const symbols_known[];
extern const size_t symbols_known_n;

size_t symcheck_unknown(const SCORES *s, BUF *out);

#endif
