/*
 * mime/passwords - candidate archive passwords stated in a message's text
 *
 * SYNOPSIS
 *   size_t passwords_collect(const char *text, size_t n, char **out, size_t have, size_t max);
 *
 * DESCRIPTION
 *   Senders of encrypted attachments put the password in the body ("Password: 1234",
 *   "pw 7788", "Kennwort: abc", "mot de passe : xyz", "contraseña: q1", "パスワード：abc",
 *   "密码：abc", "the password is <b>invoice2026</b>"). passwords_collect scans UTF-8 text
 *   (plain, or HTML already stripped of tags by the caller or not: tags are skipped) and
 *   appends new candidates to out[have..max-1] (each a malloc'd UTF-8 string, no
 *   duplicates with out[0..have-1]), returning the new count. Candidates are:
 *     - the token after a keyword: password, passwort, pass, pw, pwd, passcode, kennwort,
 *       mot de passe, contraseña, senha, wachtwoord, hasło, пароль, パスワード, 密码, 密碼, 암호
 *       (case-insensitive, then optional "is", ":", "=", "-", "：" and quotes);
 *     - single tokens in quotes or in <b>/<strong> near such a keyword (within 200 bytes).
 *   A token is 1..64 bytes of non-space characters with trailing punctuation (.,;) removed.
 *   The caller adds the Subject and other texts with further calls. Pure: no I/O.
 *
 * LIMITS
 *   Linear in n; at most `max` candidates in total.
 */
#ifndef FM_PASSWORDS_H
#define FM_PASSWORDS_H

#include <stddef.h>

size_t passwords_collect(const char *text, size_t n, char **out, size_t have, size_t max);

#endif
