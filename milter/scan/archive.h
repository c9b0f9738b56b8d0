/*
 * scan/archive - open password-protected archives with libarchive
 *
 * SYNOPSIS
 *   int archive_list(const unsigned char *data, size_t n, const ARCHIVE_LIMITS *lim,
 *                    archive_entry_fn fn, void *ctx);
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
 *   archive_list hands every regular member of an archive (RAR v4/v5 above all: Debian's
 *   libclamav cannot unpack RAR) to fn with its name and bytes, within the same limits.
 *   Encrypted members are named but never read (libarchive's RAR reader would hand out
 *   ciphertext; RAR5 encryption records are found by walking the headers, since
 *   libarchive 3.6 does not flag them). A member that failed to decompress comes with
 *   ARCHIVE_I_ERROR and libarchive's reason, so the caller can say what it skipped; a
 *   final item with the name "" tells of encrypted headers, an unreadable rest, or the
 *   limits. Returns the number of regular members, or -1 when it is not readable.
 *
 *   archive_is_encrypted: an encrypted member or encrypted headers (zip, 7z, RAR 4/5; the
 *   RAR 5 records libarchive does not flag included). Such a 7z or RAR goes to
 *   scan/extunpack.c when the message states passwords.
 *
 * LIMITS
 *   lim->max_members members, lim->max_member_bytes bytes per member (a longer member
 *   is delivered cut, with truncated = 1), lim->max_total_bytes over all members (a zip
 *   bomb stops there), at most ARCHIVE_MAX_PASSWORDS candidates tried.
 */
#ifndef FM_ARCHIVE_H
#define FM_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

#define ARCHIVE_MAX_PASSWORDS 32

typedef struct ARCHIVE_LIMITS {
    size_t max_members;
    size_t max_member_bytes;
    size_t max_total_bytes;
} ARCHIVE_LIMITS;

typedef void (*archive_member_fn)(void *ctx, const char *name, const unsigned char *data, size_t n,
                                  int truncated);

/* one member for archive_list: data NULL for an encrypted one; name "" for a note about
 * the whole archive (its headers are encrypted, it is unreadable, a limit stopped it) */
enum { ARCHIVE_I_ENCRYPTED = 1, ARCHIVE_I_TRUNCATED = 2, ARCHIVE_I_ERROR = 4, ARCHIVE_I_LIMIT = 8 };
typedef struct ARCHIVE_ITEM {
    const char *name;
    const unsigned char *data;
    size_t n;
    int flags;
    const char *error; /* libarchive's reason with ARCHIVE_I_ERROR, or the note */
} ARCHIVE_ITEM;

typedef void (*archive_entry_fn)(void *ctx, const ARCHIVE_ITEM *item);

int archive_list(const unsigned char *data, size_t n, const ARCHIVE_LIMITS *lim,
                 archive_entry_fn fn, void *ctx);
bool archive_is_encrypted(const unsigned char *data, size_t n);

int archive_open_with_passwords(const unsigned char *data, size_t n, char *const *passwords,
                                size_t npw, const ARCHIVE_LIMITS *lim, archive_member_fn fn,
                                void *ctx, const char **used);

#endif
