/*
 * ctl/webauth - review page users: a file of `user:hash` lines, crypt(3) password hashes
 *
 * SYNOPSIS
 *   bool webauth_check(const char *path, const char *user, const char *password);
 *   char *webauth_hash(const char *password, BUF *err);
 *
 * DESCRIPTION
 *   The only file that includes crypt.h (libxcrypt). webauth_check reads the users file
 *   at every login (so an edit applies without a restart): blank lines and lines starting
 *   with '#' are ignored, other lines are `user:hash` with a SHA-512 crypt hash ($6$...;
 *   yescrypt $y$ and bcrypt $2b$ are accepted too, whatever libxcrypt verifies). It is
 *   true only when the user is listed and crypt_r of the password gives the same hash,
 *   compared in constant time; for an unknown user a dummy hash is computed anyway, so
 *   the answer takes about as long either way. Problems with the file are logged.
 *   webauth_hash returns a new $6$ hash with a random salt (caller frees), or NULL with
 *   the reason.
 */
#ifndef FM_WEBAUTH_H
#define FM_WEBAUTH_H

#include <stdbool.h>

#include "lib/buf.h"

bool webauth_check(const char *path, const char *user, const char *password);
char *webauth_hash(const char *password, BUF *err);

#endif
