/*
 * scan/officecrypt - open password-encrypted Office files (MS-OFFCRYPTO) with passwords
 *
 * SYNOPSIS
 *   bool officecrypt_detect(const unsigned char *data, size_t n);
 *   int officecrypt_open(const unsigned char *data, size_t n, char *const *pw, size_t npw,
 *                        const OFFICECRYPT_LIMITS *lim, OFFICECRYPT_RESULT *r);
 *   void officecrypt_done(OFFICECRYPT_RESULT *r);
 *
 * DESCRIPTION
 *   The format logic only: no third-party header. The compound file is read with cfb.c,
 *   hashes and ciphers come from core/digest.c (OpenSSL).
 *
 *   officecrypt_detect says whether data is an OLE2 file that is encrypted: an OOXML
 *   package (EncryptionInfo + EncryptedPackage), a BIFF8 workbook with FILEPASS, a Word
 *   97 document with fEncrypted, or a PowerPoint file with an encrypted Current User.
 *
 *   officecrypt_open tries the candidates pw[0..npw-1] in order (the caller puts the
 *   default "VelvetSweatshop" first) and, for the first one whose password verifier
 *   matches, decrypts the file into r->out (xmalloc'd, r->len bytes) and sets r->used to
 *   its index. What comes out is the file Office would have opened:
 *     - ECMA-376 Standard (AES-128/192/256, SHA-1, 50,000 rounds) and Agile (AES, SHA-1
 *       .. SHA-512, spinCount rounds): the decrypted package, a zip (OOXML);
 *     - BIFF8 .xls with FILEPASS RC4 (v1.1) or RC4 CryptoAPI: a copy of the compound file
 *       whose Workbook stream is decrypted record by record (MS-XLS 2.2.10: record headers,
 *       BOF/FILEPASS/INTERFACEHDR... and BOUNDSHEET.lbPlyPos stay as they were) and whose
 *       FILEPASS record is blanked to record type 0; the same for XOR obfuscation (FILEPASS
 *       type 0, MS-OFFCRYPTO 2.3.7, passwords of at most 15 characters);
 *     - Word 97 .doc with RC4 (v1.1) or RC4 CryptoAPI: a copy of the compound file with
 *       WordDocument, the table stream and Data decrypted (MS-DOC 2.2.6), the FibBase and
 *       the encryption header left plain and fEncrypted cleared;
 *     - PowerPoint 97 .ppt with RC4 CryptoAPI (MS-PPT 2.3.7): a copy of the compound file
 *       whose PowerPoint Document persist objects are decrypted (each with its persist
 *       identifier as block number) and Pictures stream decrypted, the
 *       CryptSession10Container blanked and the Current User headerToken set to "not
 *       encrypted" (EncryptedSummary stays as it is).
 *   Other streams (VBA storages, embedded objects) are not encrypted by these schemes and
 *   are kept as they are. r->scheme names what was found ("Agile SHA512 AES-256", "RC4
 *   CryptoAPI" ...), r->format is "ooxml", "xls", "doc" or "ppt".
 *
 *   Returns 1 when opened, 0 when the file is encrypted but was not opened (r->why says
 *   why: no candidate matched, a scheme not implemented (XOR obfuscation in Word: detected,
 *   not undone; RC4 inside OOXML), the hash budget, a size limit, or a broken file), -1 when it is
 * not an encrypted Office file. officecrypt_done frees r->out.
 *
 * LIMITS
 *   lim->max_bytes: largest stream read and largest output; lim->max_spins: hash
 *   rounds spent on this file over all candidates (Agile asks spinCount rounds per
 *   candidate, up to 10,000,000; Standard 50,000). A candidate that would pass the budget
 *   is not tried; r->spins is what was spent, and r->why says "budget" when candidates
 *   were left untried. At most OFFICECRYPT_MAX_PASSWORD characters of a password count.
 */
#ifndef FM_OFFICECRYPT_H
#define FM_OFFICECRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OFFICECRYPT_DEFAULT_PASSWORD "VelvetSweatshop"
#define OFFICECRYPT_MAX_PASSWORD     255

typedef struct OFFICECRYPT_LIMITS {
    size_t max_bytes;
    uint64_t max_spins;
} OFFICECRYPT_LIMITS;

typedef struct OFFICECRYPT_RESULT {
    const char *format; /* "ooxml", "xls", "doc", "ppt" (static) */
    char scheme[48];
    const char *why; /* static reason when not opened */
    unsigned char *out;
    size_t len;
    int used; /* index of the password that opened it, or -1 */
    uint64_t spins;
    bool budget; /* candidates were left untried for the hash budget */
} OFFICECRYPT_RESULT;

bool officecrypt_detect(const unsigned char *data, size_t n);
int officecrypt_open(const unsigned char *data, size_t n, char *const *pw, size_t npw,
                     const OFFICECRYPT_LIMITS *lim, OFFICECRYPT_RESULT *r);
void officecrypt_done(OFFICECRYPT_RESULT *r);

#endif
