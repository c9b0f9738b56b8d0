/*
 * scan/regdom - the registrable domain of a host name, by the public suffix list (libpsl;
 * the only includer of libpsl.h)
 *
 * SYNOPSIS
 *   bool regdom_of(const char *host, char *out, size_t outsz);
 *
 * DESCRIPTION
 *   regdom_of writes the registrable domain of host (a.b.example.co.uk -> example.co.uk,
 *   x.user.github.io -> user.github.io) into out and returns true; false for a public
 *   suffix on its own (co.uk), a single label, an IP literal, an empty host or one that
 *   does not fit. The host is lower-cased and a trailing dot dropped first (libpsl gets
 *   upper case wrong and keeps the dot). The list is libpsl's built-in copy of Debian's
 *   publicsuffix package (no file is read). Thread-safe.
 */
#ifndef FM_REGDOM_H
#define FM_REGDOM_H

#include <stdbool.h>
#include <stddef.h>

bool regdom_of(const char *host, char *out, size_t outsz);

#endif
