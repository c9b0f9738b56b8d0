/*
 * heur/name - what a file name says: its last two extensions, padding, odd characters
 *
 * SYNOPSIS
 *   void name_parse(const char *s, size_t n, NAME *nm);
 *   unsigned name_odd_char(const char *s);
 *   bool name_ext_byte(char c);
 *
 * DESCRIPTION
 *   name_parse fills *nm from the base name of s[0..n) (after the last / or \): the
 *   last extension and the one before it, lower case, "" when absent or implausible
 *   (bytes other than letters, digits, - and _, or NAME_EXT_MAX or longer), taken after
 *   trailing dots and white-space/invisible characters are dropped as Windows does, and
 *   the bytes of white space padding before the last dot. Any bytes are accepted.
 *   name_odd_char returns the first bidi control (U+202A-202E, U+2066-2069) or invisible
 *   code point (U+200B, U+2060-2064, U+180E, U+FEFF) of the C string s, or 0.
 *   name_ext_byte: c is a byte an extension is made of (letter, digit, - or _).
 */
#ifndef FM_HEUR_NAME_H
#define FM_HEUR_NAME_H

#include <stdbool.h>
#include <stddef.h>

#define NAME_EXT_MAX 32 /* longest extension looked at (settingcontent-ms fits) */

typedef struct NAME {
    char ext[NAME_EXT_MAX];  /* last extension, lower case, or "" */
    char prev[NAME_EXT_MAX]; /* the extension before it, or "" */
    size_t pad;              /* bytes of white space between them (before the last dot) */
} NAME;

void name_parse(const char *s, size_t n, NAME *nm);
unsigned name_odd_char(const char *s);

/* name_ext_byte - a byte an extension is made of */
static inline bool name_ext_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

#endif
