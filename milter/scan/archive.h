/*
 * scan/archive - open password-protected archives with libarchive
 *
 * SYNOPSIS
 *   int archive_open_with_passwords(const unsigned char *data, size_t n,
 *                                   char *const *passwords, size_t npw,
 *                                   const ARCHIVE_LIMITS *lim, archive_member_fn fn,
 *                                   void *ctx, const char **used);
 *
 * DESCRIPTION
 *   (Named archive_pw.h, not archive.h: with -Imilter, <archive.h> would find this file
 *   instead of libarchive's, and archive.c needs both.)
 *
 *   archive.c is the only file that includes archive.h/archive_entry.h (libarchive).
 *   Given an archive held in memory (zip with PKWARE "ZipCrypto" or WinZip AES
 *   encryption; 7z and rar where libarchive supports their encryption), it tries each
 *   candidate password in order and, for the first one that decrypts the members, calls
 *   fn once per regular member with its name and decrypted bytes, and sets *used to that
 *   password (a pointer into `passwords`). No password is tried by hand: libarchive does
 *   the decryption. libarchive 3.6.2 decrypts zip only (ZipCrypto, AES-128/192/256); an
 *   encrypted 7z or rar is reported as encrypted (0) without trying the candidates.
 *
 *   Returns 1 when a password opened it, 0 when the archive is encrypted and no
 *   candidate works (or there are none), -1 when it is not an archive libarchive can
 *   read or holds no encrypted member.
 *
 * LIMITS
 *   lim->max_members members, lim->max_member_bytes bytes per member (a longer member
 *   is delivered cut, with truncated = 1), lim->max_total_bytes over all members (a zip
 *   bomb stops there), at most ARCHIVE_MAX_PASSWORDS candidates tried.
 */
#ifndef FM_ARCHIVE_H
#define FM_ARCHIVE_H

#include <stddef.h>

#define ARCHIVE_MAX_PASSWORDS 32

typedef struct ARCHIVE_LIMITS {
    size_t max_members;
    size_t max_member_bytes;
    size_t max_total_bytes;
} ARCHIVE_LIMITS;

typedef void (*archive_member_fn)(void *ctx, const char *name, const unsigned char *data, size_t n,
                                  int truncated);

int archive_open_with_passwords(const unsigned char *data, size_t n, char *const *passwords,
                                size_t npw, const ARCHIVE_LIMITS *lim, archive_member_fn fn,
                                void *ctx, const char **used);

#endif
